"""The first screen: the lesson views are named, and the Footer keeps Help and Quit at every size."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from tuiclust.pipeline.spec import DEFAULT_RUN
from tuiclust.ui.help import help_text
from tuiclust.ui.keys import KEYS

from .conftest import explorer, press_and_settle, wait_until

_VIEW_KEYS = ("e", "c", "m", "M")


def _footer(app) -> list[str]:
    return [f"{key.key_display} {key.description}" for key in app.screen.query(FooterKey)]


@pytest.mark.parametrize("size", [(60, 18), (80, 24)])
async def test_the_footer_keeps_help_and_quit_and_the_hint_names_the_lesson_views(size: tuple[int, int]) -> None:
    async with explorer(DEFAULT_RUN, size=size) as (app, _pilot):
        await wait_until(lambda: "? Help" in _footer(app), what="the Footer's keys")
        assert "? Help" in _footer(app) and "q Quit" in _footer(app)
        assert "space Play" in _footer(app)
        assert sum(len(key) + 2 for key in _footer(app)) <= size[0]  # every key shown fits the row
        hint = str(app.caption.render())
        assert app.caption.display and all(f"{key} " in hint for key in (*_VIEW_KEYS, "?"))
        assert max(len(line) for line in hint.splitlines()) <= size[0] - 2  # one line, no wrap


async def test_opening_a_lesson_view_retires_the_hint() -> None:
    async with explorer(DEFAULT_RUN, size=(100, 30)) as (app, pilot):
        await press_and_settle(app, pilot, "space")
        assert app.caption.display  # playing is not yet a view: the hint stays
        await press_and_settle(app, pilot, "m")
        assert not app.caption.display


def test_the_help_names_the_lesson_views_first() -> None:
    first = help_text().plain.splitlines()[0]
    assert first.startswith("Lesson views:")
    shown = {key.action: key.shown for key in KEYS}
    for action in ("choose_parameter", "compare", "toggle_metrics", "silhouette_plot"):
        assert f"{shown[action]} " in first
