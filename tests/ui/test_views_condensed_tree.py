"""The condensed-tree view (e on HDBSCAN): the tree, ←/→ change min_cluster_size, Enter applies, Esc leaves."""

from __future__ import annotations

import numpy as np

from tuiclust.core import HDBSCAN
from tuiclust.ui.palette import cluster_marker
from tuiclust.ui.views.condensed_tree import CondensedTreeView

from .conftest import explorer, make_spec, wait_until
from .views_helpers import close_view, open_view


def _labels_stand_free(view: CondensedTreeView) -> None:
    """Every selected cluster is labelled, with a blank cell either side (nothing of the tree under it)."""
    picture = view.query_one("#tree-plot").picture
    assert picture is not None
    chars = picture.chars
    k = len(view.result.selected)
    assert sorted(picture.label_cells) == list(range(k))
    for label, (row, col) in picture.label_cells.items():
        text = f"{cluster_marker(label)}{label}"
        assert "".join(chars[row, col : col + len(text)]) == text
        assert chars[row, col - 1] == " " and (col + len(text) == chars.shape[1] or chars[row, col + len(text)] == " ")
        first, last = picture.bars[label][row]  # beside its own bar, one blank cell apart
        assert col == last + 2 or col + len(text) == first - 1


async def test_arrows_redraw_the_tree_and_escape_changes_nothing(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    async with explorer(make_spec("hdbscan", "varied"), size=(80, 24)) as (app, pilot):
        run = app.current_run
        X = run.dataset.X
        view = await open_view(app, pilot, "e", CondensedTreeView)
        assert view.result.min_cluster_size == 10
        text = view.query_one("#tree-plot").picture.text.plain
        assert "λ = 1/distance" in text and "┃" in text and "▒" in text and "┴" in text
        _labels_stand_free(view)
        before = text
        for _ in range(3):
            await pilot.press("left")
        await wait_until(lambda: view.filled and view.result.min_cluster_size == 7, what="the tree for 7")
        await pilot.pause()
        fresh = HDBSCAN(7, min_samples=5).fit(X)
        np.testing.assert_array_equal(view.result.labels, fresh.labels_)
        assert view.query_one("#tree-plot").picture.text.plain != before
        assert "min_cluster_size = 7" in view.info_text()
        _labels_stand_free(view)
        await close_view(app, pilot)
        assert app.current_run is run and run.params["min_cluster_size"] == 10


async def test_enter_runs_the_explorer_with_the_chosen_size():
    async with explorer(make_spec("hdbscan", "varied"), size=(200, 60)) as (app, pilot):
        view = await open_view(app, pilot, "e", CondensedTreeView)
        for _ in range(5):
            await pilot.press("right")
        await wait_until(lambda: view.filled and view.result.min_cluster_size == 15, what="the tree for 15")
        chosen = view.result
        _labels_stand_free(view)
        picture = view.query_one("#tree-plot").picture
        assert picture.chars.shape[1] >= 190 and picture.chars.shape[0] >= 40
        await pilot.press("enter")
        await app.wait_until_computed()
        await pilot.pause()
        run = app.current_run
        assert run.params["min_cluster_size"] == 15
        await pilot.press("end")
        np.testing.assert_array_equal(run.timeline.current.labels, chosen.labels)
