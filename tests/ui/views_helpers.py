"""Helpers for the lesson views' Pilot tests."""

from __future__ import annotations

from typing import Any

from tuiclust.ui.views.base import LessonView


async def open_view(app: Any, pilot: Any, key: str, kind: type) -> Any:
    """Press ``key`` and wait until the view it opens is filled."""
    await pilot.press(key)
    await pilot.pause()
    view = app.screen
    assert isinstance(view, kind), f"{key!r} opened {view!r}"
    await view.wait_until_filled()
    await pilot.pause()
    return view


async def close_view(app: Any, pilot: Any, key: str = "escape") -> None:
    await pilot.press(key)
    await pilot.pause()
    assert not isinstance(app.screen, LessonView)
