"""Recording a scene to an asciicast v2 file (and SVG screenshots), without a screen.

The recording itself is file work: a :class:`Stage` performs the scene (the
explorer headless, :class:`tuiclust.ui.stage.HeadlessStage`) and hands over
one :class:`Frame` per shot; this module writes each frame into the cast at
the scene's pace (:mod:`tuiclust.lessons.pacing`), never the computer's, so
recording a scene twice gives byte-identical files. Rows that did not change
since the previous frame are not written again (:class:`CastWriter`).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from tuiclust.errors import UsageError
from tuiclust.io.castfile import CastWriter
from tuiclust.lessons.pacing import Shot, check_parts_load
from tuiclust.lessons.scene import Scene
from tuiclust.pipeline.run import Run

__all__ = ["Frame", "Stage", "Recording", "record_scene", "record_scene_async"]


@dataclass(frozen=True)
class Frame:
    """One shot as the stage showed it.

    Attributes
    ----------
    shot : Shot
        What was on screen and for how long.
    rows : list of str
        The screen as ANSI text, one full-width string per row.
    svg : callable
        Returns the same screen as an SVG document (called only when asked).
    """

    shot: Shot
    rows: list[str]
    svg: Callable[[], str]


FrameSink = Callable[[Frame], Awaitable[None]]


class Stage(Protocol):
    """Performs a scene headless and reports every shot as a :class:`Frame`."""

    async def perform(self, scene: Scene, first_run: Run, size: tuple[int, int], sink: FrameSink) -> None:
        """Play ``scene`` at ``size`` (columns, rows), awaiting ``sink`` with each frame in order."""
        ...


@dataclass(frozen=True)
class Recording:
    """What :func:`record_scene` wrote.

    Attributes
    ----------
    path : Path
    size : (int, int)
        Columns and rows.
    n_steps : int
        Steps of runs shown (one marker each).
    duration : float
        Length of the cast in seconds.
    n_bytes : int
    svg_files : tuple of Path
    seconds_taken : float
        Wall-clock time of the recording (for reports, never in the file).
    n_figures : int
        Moments of staged figures shown (one marker each).
    n_questions : int
        Questions asked before a step (one marker each).
    """

    path: Path
    size: tuple[int, int]
    n_steps: int
    duration: float
    n_bytes: int
    svg_files: tuple[Path, ...]
    seconds_taken: float
    n_figures: int = 0
    n_questions: int = 0

    @property
    def n_markers(self) -> int:
        """Chapter markers in the cast: one per step, figure moment and question."""
        return self.n_steps + self.n_figures + self.n_questions


def record_scene(
    scene: Scene,
    out: str | Path,
    *,
    stage: Stage,
    size: tuple[int, int] | None = None,
    svg_dir: str | Path | None = None,
) -> Recording:
    """Record ``scene``, performed by ``stage``, to the asciicast v2 file ``out``.

    Parameters
    ----------
    scene : Scene
    out : path
        The ``.cast`` file to write (replaced if it exists; left untouched
        if the recording fails).
    stage : Stage
        What performs the scene (the explorer headless).
    size : (int, int), optional
        Columns and rows; the scene's ``playback.size`` by default.
    svg_dir : path, optional
        Also write one SVG screenshot per marker (step, figure, question) into this folder.

    Raises
    ------
    UsageError
        For an output path in a missing folder, or a part that cannot run.
    """
    return asyncio.run(record_scene_async(scene, out, stage=stage, size=size, svg_dir=svg_dir))


async def record_scene_async(
    scene: Scene,
    out: str | Path,
    *,
    stage: Stage,
    size: tuple[int, int] | None = None,
    svg_dir: str | Path | None = None,
) -> Recording:
    """:func:`record_scene` for a caller that already runs an event loop."""
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
    # part's run is kept for the stage, so its data is generated only once.
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
    counts = {"step": 0, "figure": 0, "question": 0}
    now_ms = 0
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            writer = CastWriter(stream, width, height, title=scene.title)

            async def write(frame: Frame) -> None:
                nonlocal now_ms
                shot = frame.shot
                writer.frame(now_ms, frame.rows)
                marker = shot.marker
                if marker is not None:
                    if shot.question is not None:
                        what, suffix = "question", "ask"
                    elif shot.step is not None:
                        what, suffix = "step", shot.step.phase.value
                    else:
                        what, suffix = "figure", f"view-{shot.figure}"
                    counts[what] += 1
                    writer.marker(now_ms, marker)
                    if svg_path is not None:
                        name = f"step-{sum(counts.values()):03d}-{suffix}.svg"
                        (svg_path / name).write_text(frame.svg(), encoding="utf-8")
                        svg_files.append(svg_path / name)
                now_ms += round(shot.seconds * 1000)

            await stage.perform(scene, first_run, (width, height), write)
            writer.close(now_ms)
        os.replace(temp_name, out)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return Recording(
        path=out,
        size=(width, height),
        n_steps=counts["step"],
        n_figures=counts["figure"],
        n_questions=counts["question"],
        duration=now_ms / 1000,
        n_bytes=out.stat().st_size,
        svg_files=tuple(svg_files),
        seconds_taken=time.perf_counter() - started,
    )
