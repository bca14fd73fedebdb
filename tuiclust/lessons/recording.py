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
import contextlib
import io
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from tuiclust.errors import UsageError
from tuiclust.io.castfile import CastWriter
from tuiclust.io.destination import Destination, destination, path_problem, shown_path, write_bytes, write_output
from tuiclust.lessons.pacing import Shot, check_parts_load
from tuiclust.lessons.scene import Scene
from tuiclust.pipeline.run import Run

__all__ = ["Frame", "Recording", "Stage", "record_scene", "record_scene_async"]


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


def _svg_folder(svg_dir: str | Path) -> Path:
    """The ``--svg`` folder, created if needed; a one-line UsageError if it cannot be."""
    given = str(svg_dir)
    if given == "":
        raise UsageError("--svg: the folder name is empty; give a folder such as frames")
    path = Path(svg_dir).expanduser()
    try:
        if path.exists() and not path.is_dir():
            raise UsageError(f"--svg {shown_path(given)}: is a file, not a folder")
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--svg {shown_path(given)}: {path_problem(exc)}") from None
    return path


def record_scene(
    scene: Scene,
    out: Destination | str | Path,
    *,
    stage: Stage,
    size: tuple[int, int] | None = None,
    svg_dir: str | Path | None = None,
) -> Recording:
    """Record ``scene``, performed by ``stage``, to the asciicast v2 file ``out``.

    Parameters
    ----------
    scene : Scene
    out : Destination or path
        The ``.cast`` file to write (replaced if it exists, once the new one
        is complete; left untouched if the recording fails), or a FIFO or
        terminal to write through (:mod:`tuiclust.io.destination`).
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
    out: Destination | str | Path,
    *,
    stage: Stage,
    size: tuple[int, int] | None = None,
    svg_dir: str | Path | None = None,
) -> Recording:
    """:func:`record_scene` for a caller that already runs an event loop."""
    started = time.perf_counter()
    dest = out if isinstance(out, Destination) else destination(out, flag="-o")
    svg_path = _svg_folder(svg_dir) if svg_dir is not None else None
    width, height = size or scene.playback.size
    # A clear message now rather than a stale part on screen later; the first
    # part's run is kept for the stage, so its data is generated only once.
    first_run = check_parts_load(scene)

    svg_files: list[Path] = []
    counts = {"step": 0, "figure": 0, "question": 0}
    now_ms = 0
    # Written by tuiclust.io.destination: a file next to the target, moved
    # over it at the end, so a failed recording never leaves half a cast.
    with write_output(dest) as (binary, written):
        stream = io.TextIOWrapper(binary, encoding="utf-8", newline="\n")
        try:
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
                        # Each frame atomically too, by the same rules as -o.
                        frame_file = destination(svg_path / name, flag="--svg")
                        write_bytes(frame_file, frame.svg().encode("utf-8"), report=False)
                        svg_files.append(svg_path / name)
                now_ms += round(shot.seconds * 1000)

            await stage.perform(scene, first_run, (width, height), write)
            writer.close(now_ms)
            stream.flush()
        finally:
            with contextlib.suppress(ValueError, OSError):
                stream.detach()  # the binary stream is the destination's to close

    n_bytes = written.path.stat().st_size if dest.kind == "file" and written.path is not None else 0
    return Recording(
        path=written.path if written.path is not None else Path(dest.given),
        size=(width, height),
        n_steps=counts["step"],
        n_figures=counts["figure"],
        n_questions=counts["question"],
        duration=now_ms / 1000,
        n_bytes=n_bytes,
        svg_files=tuple(svg_files),
        seconds_taken=time.perf_counter() - started,
    )
