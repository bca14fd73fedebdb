"""The pace of a scene and the steps of its parts, without any UI.

``tuiclust play`` waits these durations on a real clock, ``tuiclust record``
adds them up on a virtual one; both read them from here so that a recording
shows exactly what a live lesson shows, at the same pace.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tuiclust.core.steps import Step
from tuiclust.lessons.scene import Narration, Playback, Scene, ScenePart

if TYPE_CHECKING:
    from tuiclust.pipeline.run import Run

__all__ = [
    "Shot",
    "check_parts_load",
    "figure_seconds",
    "part_steps",
    "question_seconds",
    "reading_seconds",
    "step_seconds",
    "unfired_narration",
]


@dataclass(frozen=True)
class Shot:
    """One moment of a scene on screen.

    Attributes
    ----------
    part_index : int
    step : Step or None
        The step shown; None while the part's title card or a figure is up.
    seconds : float
        How long it stays, at the scene's pace (a question waits for a key
        in ``play`` instead).
    label : str or None
        For a step: its narration, or its phase-log line when it has none;
        for a figure: its narration, or the figure's title.
    narrated : bool
        True when ``label`` is the step's narration.
    figure : str or None
        The kind of figure on screen (``"elbow"`` ...), None for a run's step.
    question : str or None
        The question on screen before the next step is revealed.
    """

    part_index: int
    step: Step | None
    seconds: float
    label: str | None = None
    narrated: bool = False
    figure: str | None = None
    question: str | None = None

    @property
    def marker(self) -> str | None:
        """The chapter marker of this shot in a recording; None for a title card."""
        if self.question is not None:
            return f"Question: {self.question}"
        if self.step is None and self.figure is None:
            return None
        if self.label:
            return self.label
        return self.step.phase.label if self.step is not None else self.figure


# Reading time of a caption: a pause to notice it, then a comfortable pace for
# a class reading a projected screen (slower than reading alone).
READ_START_SECONDS = 1.0
READ_SECONDS_PER_WORD = 0.3
READ_MIN_SECONDS = 2.0
READ_MAX_SECONDS = 8.0


def reading_seconds(text: str) -> float:
    """Seconds a caption of ``text`` stays on screen when its entry gives no ``hold``."""
    words = len(text.split())
    return min(READ_MAX_SECONDS, max(READ_MIN_SECONDS, READ_START_SECONDS + READ_SECONDS_PER_WORD * words))


# A question stays long enough to be read and thought about before the answer.
THINK_SECONDS = 2.5
# A figure without narration stays this long.
FIGURE_SECONDS = 4.0


def question_seconds(text: str) -> float:
    """Seconds a recording holds the question ``text`` before revealing the step (play waits for a key)."""
    return reading_seconds(text) + THINK_SECONDS


def figure_seconds(narration: Narration | None) -> float:
    """How long a figure stays on screen for one of its entries (its ``hold``, or the reading time)."""
    if narration is None:
        return FIGURE_SECONDS
    return narration.hold if narration.hold is not None else reading_seconds(narration.say)


def step_seconds(playback: Playback, narration: Narration | None) -> float:
    """How long one step stays on screen.

    A step without narration lasts ``1 / steps_per_second``; a narrated
    step lasts at least its ``hold`` or, without one, its reading time.
    """
    base = 1.0 / playback.steps_per_second
    if narration is None:
        return base
    hold = narration.hold if narration.hold is not None else reading_seconds(narration.say)
    return max(base, hold)


def part_steps(part: ScenePart) -> list[Step]:
    """Run a part's algorithm on its data to the end, headless, and return every step.

    Raises
    ------
    tuiclust.errors.UsageError
        When the data cannot be loaded.
    ValueError
        When the algorithm refuses the data.
    """
    # The explorer's own way of building a run, so that the steps are the
    # ones a lesson shows (same defaults, same suggested eps).
    from tuiclust.pipeline.run import build_run

    timeline = build_run(part.spec).timeline
    timeline.compute_all()
    if timeline.error is not None:
        raise ValueError(timeline.error)
    return [timeline[i] for i in range(len(timeline))]


def check_parts_load(scene: Scene) -> Run:
    """Load every part's data and build its algorithm, as the explorer will.

    Returns
    -------
    Run
        The first part's run, built and not started: hand it to the app
        (``LessonApp(scene, prepared=...)``) so that its data is not loaded
        a second time. The other parts' runs are dropped as soon as checked.

    Raises
    ------
    tuiclust.errors.UsageError
        Naming the scene file and the part, for data that cannot be read or
        an algorithm that refuses it (k larger than the number of points ...).
    """
    from tuiclust.errors import UsageError, first_line
    from tuiclust.pipeline.run import build_run

    first: Run | None = None
    for index, part in enumerate(scene.parts):
        where = f"parts[{index + 1}]: " if scene.has_parts else ""
        try:
            run = build_run(part.spec)
        except (UsageError, ValueError) as exc:
            raise UsageError(f"{scene.path.name}: {where}{first_line(exc)}") from None
        if first is None:
            first = run
    assert first is not None  # a scene has at least one part
    return first


def unfired_narration(scene: Scene) -> list[tuple[int, Narration]]:
    """Narration entries that no step of their part triggers, as (part index, entry).

    An entry shared by every part (top-level ``[[steps]]`` in a scene with
    parts) counts as fired when it fires in at least one part.
    """
    shared_fired: dict[Narration, bool] = {}
    unfired: list[tuple[int, Narration]] = []
    for index, part in enumerate(scene.parts):
        if part.figure is not None:
            continue  # a figure's entries are all shown, one after the other
        steps = part_steps(part)
        for entry in part.narration:
            fired = any(entry.matches(step) for step in steps)
            if entry.key.startswith("steps[") and scene.has_parts:
                shared_fired[entry] = shared_fired.get(entry, False) or fired
            elif not fired:
                unfired.append((index, entry))
    unfired.extend((-1, entry) for entry, fired in shared_fired.items() if not fired)
    return unfired
