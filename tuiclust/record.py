"""Headless playback of a scene: an asciicast v2 file, and SVG screenshots if asked.

The explorer runs without a terminal (Textual's headless driver), the
:class:`~tuiclust.ui.lesson_app.Director` walks it through the scene, and
after every shot the screen is captured as ANSI text straight from Textual's
compositor: the very bytes Textual would write to a real terminal for a full
redraw, one string per row. Rows that did not change since the previous shot
are not written again.

Time is virtual: each shot lasts what the scene's pace says
(:mod:`tuiclust.lesson`), never what the computer took, so recording a scene
twice gives byte-identical files.
"""

from __future__ import annotations

import asyncio
import io
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from .castfile import CastWriter
from .errors import UsageError
from .lesson import check_parts_load
from .scene import Scene

__all__ = ["Recording", "capture_rows", "record_scene", "record_scene_async"]

# The run of one part must be computed within this (scenes are small).
_COMPUTE_TIMEOUT = 120.0
# Rounds of message processing before a frame counts as settled (two equal
# captures in a row); a handful is plenty, the cap only guards against a loop.
_MAX_SETTLE_ROUNDS = 12


@dataclass(frozen=True)
class Recording:
    """What :func:`record_scene` wrote.

    Attributes
    ----------
    path : Path
    size : (int, int)
        Columns and rows.
    n_steps : int
        Steps shown (one marker each).
    duration : float
        Length of the cast in seconds.
    n_bytes : int
    svg_files : tuple of Path
    seconds_taken : float
        Wall-clock time of the recording (for reports, never in the file).
    """

    path: Path
    size: tuple[int, int]
    n_steps: int
    duration: float
    n_bytes: int
    svg_files: tuple[Path, ...]
    seconds_taken: float


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
    update = app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens, simplify=True
    )
    return ["".join(strip.render(console) for strip in line) for line in update.strips]


def record_scene(
    scene: Scene,
    out: str | Path,
    *,
    size: tuple[int, int] | None = None,
    svg_dir: str | Path | None = None,
) -> Recording:
    """Record ``scene`` headless to the asciicast v2 file ``out``.

    Parameters
    ----------
    scene : Scene
    out : path
        The ``.cast`` file to write (replaced if it exists; left untouched
        if the recording fails).
    size : (int, int), optional
        Columns and rows; the scene's ``playback.size`` by default.
    svg_dir : path, optional
        Also write one SVG screenshot per step into this folder.

    Raises
    ------
    UsageError
        For an output path in a missing folder, or a part that cannot run.
    """
    return asyncio.run(record_scene_async(scene, out, size=size, svg_dir=svg_dir))


async def record_scene_async(
    scene: Scene,
    out: str | Path,
    *,
    size: tuple[int, int] | None = None,
    svg_dir: str | Path | None = None,
) -> Recording:
    """:func:`record_scene` for a caller that already runs an event loop."""
    from .ui.lesson_app import Director, LessonApp, Shot

    started = time.perf_counter()
    out = Path(out)
    if not out.parent.is_dir():
        raise UsageError(f"-o {out}: the folder {out.parent} does not exist")
    svg_path = Path(svg_dir) if svg_dir is not None else None
    if svg_path is not None:
        if svg_path.exists() and not svg_path.is_dir():
            raise UsageError(f"--svg {svg_path}: is a file, not a folder")
        svg_path.mkdir(parents=True, exist_ok=True)
    width, height = size or scene.playback.size
    # A clear message now rather than a stale part on screen later; the first
    # part's run is kept for the app, so its data is generated only once.
    first_run = check_parts_load(scene)

    # Written next to the target and moved over it at the end: a failed
    # recording never leaves half a cast behind.
    handle, temp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    # mkstemp makes the file private (0600); a cast is meant to be shared, so
    # give it the mode any new file gets under the user's umask.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temp_name, 0o666 & ~umask)
    svg_files: list[Path] = []
    n_steps = 0
    now_ms = 0
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            writer = CastWriter(stream, width, height, title=scene.title)
            app = LessonApp(scene, prepared=first_run)
            # Directed from the start (the Director says so too, but only once it
            # exists): the first run may be on screen before that, and its status
            # line must already read "playing the lesson", whatever the timing.
            app.directed = True
            async with app.run_test(size=(width, height), notifications=False) as pilot:

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
                    nonlocal n_steps, now_ms
                    writer.frame(now_ms, screen_rows)
                    if shot.step is not None:
                        n_steps += 1
                        writer.marker(now_ms, shot.label or shot.step.phase.label)
                        if svg_path is not None:
                            name = f"step-{n_steps:03d}-{shot.step.phase.value}.svg"
                            (svg_path / name).write_text(app.export_screenshot(title=scene.title), encoding="utf-8")
                            svg_files.append(svg_path / name)
                    now_ms += round(shot.seconds * 1000)

                await Director(app, settle).run(show)
            writer.close(now_ms)
        os.replace(temp_name, out)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return Recording(
        path=out,
        size=(width, height),
        n_steps=n_steps,
        duration=now_ms / 1000,
        n_bytes=out.stat().st_size,
        svg_files=tuple(svg_files),
        seconds_taken=time.perf_counter() - started,
    )


async def _workers_idle(app: Any) -> None:
    """Return once no worker of ``app`` is running (plots built off-thread included)."""
    # Polled rather than WorkerManager.wait_for_complete(), which raises for a
    # worker that a newer request cancelled: that is normal here, not an error.
    while any(worker.is_running for worker in app.workers):
        await asyncio.sleep(0.005)
