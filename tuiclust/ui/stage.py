"""The explorer as a recording's stage: the scene performed headless, one frame per shot.

The app runs without a terminal (Textual's headless driver), the
:class:`~tuiclust.ui.lesson_app.Director` walks it through the scene, and
after every shot the screen is captured as ANSI text straight from Textual's
compositor: the very bytes Textual would write to a real terminal for a full
redraw, one string per row.
"""

from __future__ import annotations

import asyncio
import io
import time
from typing import Any

from rich.console import Console

from tuiclust.errors import UsageError
from tuiclust.lessons.pacing import Shot
from tuiclust.lessons.recording import Frame, FrameSink
from tuiclust.lessons.scene import Scene
from tuiclust.pipeline.run import Run

from .lesson_app import Director, LessonApp

__all__ = ["HeadlessStage", "capture_rows"]

# The run of one part must be computed within this (scenes are small).
_COMPUTE_TIMEOUT = 120.0
# Rounds of message processing before a frame counts as settled (two equal
# captures in a row); a handful is plenty, the cap only guards against a loop.
_MAX_SETTLE_ROUNDS = 12


def capture_rows(app: Any) -> list[str]:
    """The app's current screen as ANSI text, one string per terminal row.

    Parameters
    ----------
    app : textual.app.App
        A running app (headless or not).

    Returns
    -------
    list of str, one per row, each a full-width row of text with SGR style
    sequences, starting and ending in the default style.
    """
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
        safe_box=False,
    )
    # The same full update that export_screenshot() renders to SVG;
    # simplify joins same-style segments, so there are fewer escapes to write.
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens, simplify=True)
    return ["".join(strip.render(console) for strip in line) for line in update.strips]


class HeadlessStage:
    """Performs a scene in a headless :class:`LessonApp` (a :class:`~tuiclust.lessons.recording.Stage`)."""

    async def perform(self, scene: Scene, first_run: Run, size: tuple[int, int], sink: FrameSink) -> None:
        """Play ``scene`` at ``size``, awaiting ``sink`` with a :class:`Frame` after every shot settles."""
        app = LessonApp(scene, prepared=first_run)
        # Directed from the start (the Director says so too, but only once it
        # exists): the first run may be on screen before that, and its status
        # line must already read "playing the lesson", whatever the timing.
        app.directed = True
        app.waits_for_keys = False  # nobody presses a key: questions are held for a reading time
        async with app.run_test(size=size, notifications=False) as pilot:
            screen_rows: list[str] = []

            async def settle() -> None:
                nonlocal screen_rows
                waited = time.perf_counter()
                try:
                    await app.wait_until_computed(timeout=_COMPUTE_TIMEOUT)
                    await asyncio.wait_for(_workers_idle(app), _COMPUTE_TIMEOUT)
                except TimeoutError as exc:
                    raise UsageError(
                        f"{scene.path.name}: part {app.part_index + 1} was not ready after "
                        f"{time.perf_counter() - waited:.0f} s ({exc or 'workers still running'})"
                    ) from None
                # Let every pending message, refresh and recompose run until the
                # screen stops changing: what is captured never depends on how
                # fast this machine happens to be.
                previous = None
                for _ in range(_MAX_SETTLE_ROUNDS):
                    await pilot.pause(0)
                    screen_rows = capture_rows(app)
                    if screen_rows == previous:
                        break
                    previous = screen_rows

            async def show(shot: Shot) -> None:
                await sink(Frame(shot, screen_rows, lambda: app.export_screenshot(title=scene.title)))

            await Director(app, settle).run(show)


async def _workers_idle(app: Any) -> None:
    """Return once no worker of ``app`` is running (plots built off-thread included)."""
    # Polled rather than WorkerManager.wait_for_complete(), which raises for a
    # worker that a newer request cancelled: that is normal here, not an error.
    while any(worker.is_running for worker in app.workers):
        await asyncio.sleep(0.005)
