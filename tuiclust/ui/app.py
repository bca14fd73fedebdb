"""The explorer: watch K-Means, DBSCAN and Gaussian mixtures cluster, one step at a time.

Data flows one way: a :class:`~tuiclust.spec.RunSpec` becomes a
:class:`~tuiclust.ui.run.Run` (data, estimator, timeline) in a worker thread;
the worker keeps pulling steps into the timeline; the views (scatter pane,
parameter panel, step numbers, phase log, caption) only ever read the step
under the cursor. A key that changes a parameter builds a new spec and loads
it as a new run; a key that moves in time only moves the cursor.

Hooks for lessons (``tuiclust SCENE``, ``tuiclust play``, ``tuiclust record``)
-------------------------------------------------------------------------------
- ``ExplorerApp(spec, narrator=..., title=..., steps_per_second=..., autoplay=...)``
- :meth:`ExplorerApp.load_spec` loads another run (a scene's next part); it can
  also change the narrator and the title.
- :meth:`ExplorerApp.play` / :meth:`ExplorerApp.pause`.
- Messages posted on the app: :class:`RunLoaded` when a run is on screen,
  :class:`RunEnded` when playback reaches the run's last step. Subclass and
  handle ``on_run_loaded`` / ``on_run_ended`` to chain parts.
- :meth:`ExplorerApp.wait_until_computed` for headless use (recording, tests).
- :meth:`ExplorerApp.hold_before` is asked before playback or a key moves on to
  a step (a lesson's question holds it back); :meth:`ExplorerApp.show_caption`
  shows the narrator's caption again.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.driver import Driver
from textual.events import Resize
from textual.geometry import Size
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Static
from textual.worker import get_current_worker

from tuiclust.pipeline import edits as spec_edits
from tuiclust.pipeline.limits import SPEED_RANGE, DataLimitError, Wording
from tuiclust.pipeline.run import Run, build_run
from tuiclust.pipeline.spec import RunSpec
from tuiclust.pipeline.vocabulary import ALGORITHM_NAMES

from ..core.steps import Step
from ..errors import UsageError, first_line
from .code_pane import CodePane
from .command_palette import SafeCommandPalette
from .crash import CrashReport
from .footer import KeyFooter
from .help import HelpScreen
from .keys import HINTED_ACTIONS, KEYS, bindings, lesson_view_hint
from .panel import ParameterPanel, StepNumbers, parameter_rows
from .phase_log import PhaseLog
from .placement import PlotHands
from .scatter import ScatterPane
from .step_text import log_line
from .views.hooks import LessonViews

__all__ = ["MAX_FRAMES_PER_SECOND", "MIN_SIZE", "ExplorerApp", "Narrator", "RunEnded", "RunLoaded"]
__all__ += ["CODE_BESIDE_COLUMNS"]

Narrator = Callable[[Step], "str | None"]

# Below this the layout cannot show a plot and the panel side by side.
MIN_SIZE = Size(60, 18)
# From this width the code pane sits beside the plot; below it, it takes the phase log's place.
CODE_BESIDE_COLUMNS = 120
# Steps kept ahead of the cursor, in "points x steps": every step of a small
# run is computed at once; a huge run is computed a window ahead of the cursor.
_POINT_STEPS_AHEAD = 20_000_000
_MIN_STEPS_AHEAD = 32
_PROGRESS_INTERVAL = 0.1  # seconds between progress messages from the worker
# Playback updates the views at most this often. A faster pace (a scene's
# steps_per_second, --speed) moves several steps per update, so the run keeps
# the pace asked for without redrawing faster than anyone can follow.
MAX_FRAMES_PER_SECOND = 30
# From this many points on, the phase log says how the plot shows them.
BIG_DATA_POINTS = 200_000
_UNSET: Any = object()


def _log_notes(dataset: Any) -> tuple[str, ...]:
    """The data set's notes, plus how the plot shows big data (the algorithm uses every point)."""
    notes = tuple(dataset.notes)
    if dataset.n_samples >= BIG_DATA_POINTS:
        notes += (
            f"{dataset.n_samples:,} points: the plot draws one mark per screen cell and cluster, "
            "so every point is shown without drawing each one; the algorithm uses all of them",
        )
    return notes


class RunLoaded(Message):
    """A new run is on screen (its first step shown)."""

    def __init__(self, spec: RunSpec) -> None:
        super().__init__()
        self.spec = spec


class RunEnded(Message):
    """Playback reached the last step of the run."""

    def __init__(self, spec: RunSpec) -> None:
        super().__init__()
        self.spec = spec


class _RunBuilt(Message):
    def __init__(self, generation: int, run: Run) -> None:
        super().__init__()
        self.generation, self.run = generation, run


class _RunFailed(Message):
    def __init__(self, generation: int, error: str) -> None:
        super().__init__()
        self.generation, self.error = generation, error


class _StepsComputed(Message):
    def __init__(self, generation: int) -> None:
        super().__init__()
        self.generation = generation


class ExplorerApp(CrashReport, PlotHands, LessonViews, App[None]):
    """The explorer app.

    Parameters
    ----------
    spec : RunSpec
        The first run.
    narrator : callable, optional
        ``narrator(step) -> str | None``: the caption shown above the phase
        log for that step (lesson narration), plain text (not markup). No
        caption when it returns None or "".
    title : str, optional
        Header title (default "tuiclust").
    steps_per_second : float
        Playback speed; f and F change it.
    autoplay : bool
        Start playing as soon as the first run is on screen.
    prepared : Run, optional
        The first run already built from ``spec`` (the CLI builds it once to
        check the flags), so that big data is not loaded twice.
    """

    CSS_PATH = str(Path(__file__).with_name("app.tcss"))  # absolute: subclasses live elsewhere
    TITLE = "tuiclust"
    BINDINGS = bindings()

    def __init__(
        self,
        spec: RunSpec,
        *,
        narrator: Narrator | None = None,
        title: str | None = None,
        steps_per_second: float = 2.0,
        autoplay: bool = False,
        prepared: Run | None = None,
    ) -> None:
        super().__init__()
        self._prepared = prepared
        self.narrator = narrator
        self._title = title
        # --speed and scenes are checked against SPEED_RANGE; a lesson multiplies two such speeds
        low, high = SPEED_RANGE
        self.steps_per_second = min(max(float(steps_per_second), low * low), high * high)
        self.autoplay = autoplay
        self.spec: RunSpec = spec  # the latest spec asked for (the run on screen may be older)
        self.current_run: Run | None = None  # the run on screen
        self.playing = False
        self._generation = 0
        self._loading = False
        self._play_timer: Timer | None = None
        self._steps_per_tick = 1.0  # above MAX_FRAMES_PER_SECOND, each tick moves more than one step
        self._step_credit = 0.0
        self._wake = threading.Event()  # wakes a worker waiting for the cursor to move on
        self._pending_forward = False
        self._remembered: dict[str, dict[str, Any]] = {}
        self._end_told = False
        self._error_logged = False
        self._hint_retired = False  # the lesson-view hint of the first screen (see _hint_shown)
        self._seeds = random.Random()
        self._shown_step: Step | None = None
        self.code_shown = False  # L: the code pane
        # Lesson narration may point the code pane at a line: code_line(step) -> phase or value name, or None.
        self.code_line: Callable[[Step], str | None] | None = None
        self.told: list[str] = []  # every notification's text, newest last (for tests and recordings)

    # ------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        # Keep references: the app's query_one searches the active screen, which
        # is the help screen while it is open, and workers report at any time.
        self._scatter = ScatterPane(id="scatter")
        self._panel = ParameterPanel(id="params")
        self._numbers = StepNumbers(id="numbers")
        self._caption = Static("", id="caption")
        self._log = PhaseLog(id="log")
        self._too_small_message = Static("", id="too-small")
        # Two places for the code pane, one shown at a time (a widget cannot move between containers).
        self._code_side = CodePane(id="code-side")
        self._code_low = CodePane(id="code-low")
        yield Header()
        yield self._too_small_message
        with Vertical(id="main"):
            with Horizontal(id="top"):
                yield self._scatter
                yield self._code_side
                with VerticalScroll(id="side", can_focus=False):
                    yield self._panel
                    yield self._numbers
            yield self._caption
            yield self.metrics_strip  # lesson views: scores of the step (m)
            yield self._log
            yield self._code_low
        yield KeyFooter()

    @property
    def scatter(self) -> ScatterPane:
        return self._scatter

    @property
    def panel(self) -> ParameterPanel:
        return self._panel

    @property
    def numbers(self) -> StepNumbers:
        return self._numbers

    @property
    def phase_log(self) -> PhaseLog:
        return self._log

    @property
    def code_pane(self) -> CodePane:
        """The code pane in use at this width (beside the plot from 120 columns, else in the log's place)."""
        return self._code_side if self.size.width >= CODE_BESIDE_COLUMNS else self._code_low

    @property
    def caption(self) -> Static:
        return self._caption

    def scatter_step(self) -> Step | None:
        """The step the scatter pane was last asked to draw (what the plot shows)."""
        return self._shown_step

    @property
    def too_small(self) -> bool:
        """True while the terminal is below :data:`MIN_SIZE` and the message replaces the layout."""
        return self.has_class("-too-small")

    def on_mount(self) -> None:
        self.app_resume_signal.subscribe(self, self._redraw_all)
        self.title = self._title or "tuiclust"
        self._fit_to(self.size)
        self.numbers.show_step(None)
        prepared, self._prepared = self._prepared, None
        self._request(self.spec, prepared=prepared)

    def on_resize(self, event: Resize) -> None:
        self._fit_to(event.size)

    def _fit_header(self, width: int | None = None) -> None:
        """Show "Algorithm on data" beside the title only when both fit the header whole.

        Textual cuts a header that is too long mid-word ("K-Means on cu…"); the
        Run panel names the algorithm and the data set anyway, so the part a
        lesson's long title leaves no room for goes instead.
        """
        full = getattr(self, "_run_sub_title", "")
        room = (
            self.size.width if width is None else width
        ) - 20  # the header keeps its icon and a margin on each side, centred
        self.sub_title = full if len(self.title) + 3 + len(full) <= room else ""

    def _fit_to(self, size: Size) -> None:
        """Fold the layout for small terminals; below MIN_SIZE show a message instead."""
        self._fit_header(size.width)
        small = size.width < MIN_SIZE.width or size.height < MIN_SIZE.height
        self.set_class(small, "-too-small")
        self.set_class(size.width < 90, "-narrow")
        self.set_class(size.height < 28, "-short")
        self.call_after_refresh(self.numbers.fit_to_room)
        self.set_class(size.height < 22, "-tiny")
        # A big terminal (a projector at 200x60): a taller log and a wider panel use the room.
        self.set_class(size.height >= 45, "-tall")
        self.set_class(size.width >= 160, "-roomy")
        self._place_code(size)
        for footer in self.screen_stack[0].query(Footer) if self.screen_stack else ():
            footer.show_command_palette = size.width >= 92  # room for the keys first
        if self._hint_shown() and self.caption.display:
            self.caption.update(Content(self._hint_text()))
        if small:
            self._too_small_message.update(
                f"terminal too small: need at least {MIN_SIZE.width}x{MIN_SIZE.height}, "
                f"have {size.width}x{size.height}\n\nmake the window larger, or press q to quit"
            )

    # ------------------------------------------------------- public hooks
    def load_spec(self, spec: RunSpec, *, narrator: Narrator | None = _UNSET, title: str | None = None) -> None:
        """Load ``spec`` as a new run (data, estimator, timeline), replacing the one on screen.

        The work happens in a thread worker; the old run stays on screen
        until the new one has its first step, and stays for good if the new
        spec fails (a notification says why). :class:`RunLoaded` is posted
        when the new run is shown.

        Parameters
        ----------
        spec : RunSpec
        narrator : callable or None, optional
            Replace the narrator (None removes it); left out keeps it.
        title : str, optional
            A new header title.
        """
        if narrator is not _UNSET:
            self.narrator = narrator
        if title is not None:
            self._title = title
            self.title = title
            self._fit_header()
        self._request(spec)

    def play(self) -> None:
        """Start playback at :attr:`steps_per_second` (from the first step if at the end)."""
        run = self.current_run
        if run is not None and run.timeline.at_last_step and len(run.timeline) > 1:
            run.timeline.first()
            self._show_current()
        self.playing = True
        self._end_told = False
        self._restart_timer()
        self._show_status()

    def pause(self) -> None:
        """Stop playback where it is."""
        self.playing = False
        if self._play_timer is not None:
            self._play_timer.stop()
            self._play_timer = None
        self._show_status()

    async def wait_until_computed(self, timeout: float = 30.0) -> None:
        """Wait until the requested run is on screen and all its steps are computed.

        For headless use (recordings, tests). Runs too big to compute at
        once stop at their window ahead of the cursor instead.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            run = self.current_run
            done = not self._loading and (
                run is None  # the first run failed: nothing will come
                or run.timeline.finished
                or len(run.timeline) > run.timeline.index + self._steps_ahead(run)
            )
            if done and not self._pending_forward:
                # one more pass of the message queue so the last progress message is handled
                await asyncio.sleep(0)
                if not self._loading:
                    return
            await asyncio.sleep(0.01)
        run = self.current_run
        state = "no run" if run is None else f"{len(run.timeline)} steps, finished={run.timeline.finished}"
        raise TimeoutError(
            f"the run was not computed within {timeout} s (loading={self._loading}, {state}, "
            f"workers={[(w.name, w.state.name) for w in self.workers]})"
        )

    # ------------------------------------------------------------ loading
    def _request(self, spec: RunSpec, fallback: RunSpec | None = None, prepared: Run | None = None) -> None:
        if prepared is None and self.hands_take(spec):
            return  # the run waits for centres or points placed by hand (ui/placement.py)
        self._generation += 1
        self.spec = spec
        self._loading = True
        self._pending_forward = False
        self._wake.set()  # a worker waiting on the old run wakes up and sees it is stale
        self._show_status()
        self._build_and_compute(spec, fallback, self._generation, prepared)

    @work(thread=True, exclusive=True, group="run", exit_on_error=False)
    def _build_and_compute(
        self, spec: RunSpec, fallback: RunSpec | None, generation: int, prepared: Run | None = None
    ) -> None:
        """Build the run of ``spec`` and keep computing its steps ahead of the cursor (worker thread)."""
        worker = get_current_worker()
        try:
            try:
                run = prepared if prepared is not None else build_run(spec)
            except (UsageError, ValueError) as exc:
                if fallback is None:
                    raise
                first_error = exc
                try:
                    run = build_run(fallback)
                except (UsageError, ValueError):
                    raise first_error from None
            run.timeline.compute_ahead(1)
        except Exception as exc:  # noqa: BLE001 - any failure keeps the previous run on screen
            self.post_message(_RunFailed(generation, _one_line(exc)))
            return
        if worker.is_cancelled or generation != self._generation:
            return
        self.post_message(_RunBuilt(generation, run))
        timeline = run.timeline
        ahead = self._steps_ahead(run)
        last_report = 0.0
        while not timeline.finished and not worker.is_cancelled and generation == self._generation:
            if len(timeline) > timeline.index + ahead:
                self._wake.wait(0.25)  # the cursor is far behind: rest until it moves
                self._wake.clear()
                continue
            try:
                timeline.compute_ahead(1)
            except Exception as exc:  # noqa: BLE001 - a bug in a generator must not freeze the UI
                self.post_message(_RunFailed(generation, f"computing steps failed: {_one_line(exc)}"))
                return
            now = time.monotonic()
            if now - last_report >= _PROGRESS_INTERVAL or timeline.finished:
                last_report = now
                self.post_message(_StepsComputed(generation))
        if generation == self._generation:
            self.post_message(_StepsComputed(generation))

    @staticmethod
    def _steps_ahead(run: Run) -> int:
        return max(_MIN_STEPS_AHEAD, _POINT_STEPS_AHEAD // max(run.dataset.n_samples, 1))

    def on__run_built(self, message: _RunBuilt) -> None:
        if message.generation != self._generation:
            return  # a newer request is on its way: never show a stale run
        old = self.current_run
        run = message.run
        if old is not None and old.spec.data.source != run.spec.data.source:
            self._remembered.clear()  # k, eps ... belong to the old data set
        self.current_run = run
        self.spec = run.spec
        self._loading = False
        self._end_told = False
        self._error_logged = False
        self._remembered[run.spec.algorithm.name] = dict(run.spec.algorithm.params)
        self._run_sub_title = f"{spec_edits.algorithm_title(run.spec.algorithm.name)} on {run.dataset.name}"
        self._fit_header()
        self.scatter.set_dataset(run.dataset)
        self.phase_log.reset(_log_notes(run.dataset))
        data = run.spec.data
        self.panel.show_parameters(
            parameter_rows(
                algorithm=run.spec.algorithm.name,
                dataset_name=run.dataset.name,
                n_samples=run.dataset.n_samples,
                seed=data.seed,
                scale=data.scale,
                params=run.params,
                is_file=data.is_file,
            )
        )
        self._show_current()
        self.post_message(RunLoaded(run.spec))
        if self.autoplay or self.playing:
            self.autoplay = False
            self.play()

    def on__run_failed(self, message: _RunFailed) -> None:
        if message.generation != self._generation:
            return
        self._loading = False
        self._pending_forward = False
        self.phase_log.add_note(f"cannot run that: {message.error}")
        if self.current_run is not None:
            self.spec = self.current_run.spec  # the next key builds on what is on screen
            self.notify(f"{message.error} (kept the previous run)", title="Cannot run that", severity="error")
        else:
            self.notify(message.error, title="Cannot run that", severity="error", timeout=30)
        self._show_status()

    def on__steps_computed(self, message: _StepsComputed) -> None:
        if message.generation != self._generation or self.current_run is None:
            return
        if self._pending_forward and self.current_run.timeline.forward():
            self._pending_forward = False
            self._show_current()
        else:
            if self._pending_forward and self.current_run.timeline.finished:
                self._pending_forward = False
            self.numbers.show_step(self.current_run.timeline.current, position=self._position())
            self._note_error_if_at_end()
            self._show_status()

    # ------------------------------------------------------------ drawing
    def _show_current(self) -> None:
        """Show the step under the cursor in every view."""
        run = self.current_run
        if run is None:
            return
        timeline = run.timeline
        step = timeline.current
        self._shown_step = step
        self.scatter.show_step(step, self.plot_overlay(step))
        self.lesson_step_shown(run, step)
        if self.code_shown:
            self.code_pane.show_step(step, run.spec.algorithm.name, line=self._pointed_line(step))
        self.numbers.show_step(step, position=self._position())
        if step is not None:
            self.phase_log.reach(timeline.index, lambda i: log_line(timeline[i]))
            self.phase_log.mark(timeline.index)
        self.show_caption()
        self._note_error_if_at_end()
        self._show_status()
        self._wake.set()  # the worker may compute further now

    def show_caption(self) -> None:
        """Ask the narrator for the caption of the step on screen and show it (none: the line goes)."""
        step = self._shown_step
        text = None
        if step is not None and self.narrator is not None:
            try:
                text = self.narrator(step)
            except Exception as exc:  # noqa: BLE001 - narration must never take the app down
                text = f"(narration failed: {_one_line(exc)})"
        hint = not text and self._hint_shown()
        if hint:
            text = self._hint_text()  # the first screen's pointer to the lesson views
        self.caption.set_class(hint, "-hint")  # muted: not a lesson's narration
        # Content, not markup: narration is a scene's text, shown exactly as written
        # (markup escaping would double the backslashes before a "[").
        self.caption.update(Content(text or ""))
        self.caption.display = bool(text)

    def hold_before(self, step: Step) -> bool:
        """True keeps the cursor off ``step`` for now: playback pauses and a key press does not move.

        The explorer never holds; a lesson holds a step whose narration asks
        a question first, and moves on once it is answered.
        """
        return False

    def _next_held(self) -> bool:
        """The next step is computed and :meth:`hold_before` holds it back."""
        run = self.current_run
        if run is None:
            return False
        timeline = run.timeline
        return timeline.index + 1 < len(timeline) and self.hold_before(timeline[timeline.index + 1])

    def _hint_text(self) -> str:
        # The caption has one cell of padding on each side.
        return lesson_view_hint(max(self.size.width - 2, 0))

    def _hint_shown(self) -> bool:
        """True while the explorer (no narration) has not yet opened a lesson view or the help."""
        return self.narrator is None and not self._hint_retired

    async def run_action(self, action: Any, default_namespace: Any = None) -> bool:
        """Run an action; opening a lesson view or the help retires the first screen's hint."""
        name = action.partition("(")[0] if isinstance(action, str) else ""
        if name in HINTED_ACTIONS and not self._hint_retired:
            self._hint_retired = True
            if self.narrator is None:
                self.caption.update("")
                self.caption.display = False
        return await super().run_action(action, default_namespace)

    def _note_error_if_at_end(self) -> None:
        run = self.current_run
        if run is None or self._error_logged or run.timeline.error is None:
            return
        if run.timeline.at_end:
            self._error_logged = True
            self.phase_log.add_note(f"stopped early: {run.timeline.error}", style="bold")
            self.notify(run.timeline.error, title="The run stopped early", severity="warning")

    def _position(self) -> str:
        run = self.current_run
        if run is None or not len(run.timeline):
            return ""
        total = len(run.timeline)
        more = "" if run.timeline.finished else "+"
        return f"{run.timeline.index + 1} of {total}{more}"

    def status_text(self) -> str:
        """The status shown under the phase log: position, playback, progress."""
        parts: list[str] = []
        run = self.current_run
        if self._loading:
            parts.append("loading\u2026")
        if run is not None and len(run.timeline):
            parts.append(f"step {self._position()}")
            if not run.timeline.finished:
                if self._pending_forward or (self.playing and run.timeline.at_end):
                    parts.append(f"computing step {len(run.timeline) + 1}\u2026")
                else:
                    parts.append(f"computing steps\u2026 {len(run.timeline)}")
            elif run.timeline.at_last_step:
                parts.append("last step")
        speed = spec_edits.format_speed(self.steps_per_second)
        parts.append(f"\u25b6 playing {speed}" if self.playing else f"\u2016 paused ({speed})")
        return " \u00b7 ".join(parts)

    def _show_status(self) -> None:
        status = self.status_text()
        self.phase_log.border_subtitle = status
        self._code_low.status = status  # in the log's place, the pane carries its status line

    # ------------------------------------------------------------ the code pane
    def show_code(self, shown: bool = True) -> None:
        """Show (or hide) the code pane; scenes turn it on with ``code = true``."""
        if shown == self.code_shown:
            return
        self.code_shown = shown
        self._place_code(self.size)
        self.call_after_refresh(self.numbers.fit_to_room)

    def action_toggle_code(self) -> None:
        """L: show or hide the listing of the algorithm on screen."""
        self.show_code(not self.code_shown)

    def _place_code(self, size: Size) -> None:
        beside = size.width >= CODE_BESIDE_COLUMNS
        self.set_class(self.code_shown and beside, "-code-side")
        self.set_class(self.code_shown and not beside, "-code-low")
        if self.code_shown:
            run = self.current_run
            pane = self._code_side if beside else self._code_low
            algorithm = run.spec.algorithm.name if run is not None else self.spec.algorithm.name
            pane.show_step(self._shown_step, algorithm, line=self._pointed_line(self._shown_step))

    def _pointed_line(self, step: Step | None) -> str | None:
        if step is None or self.code_line is None:
            return None
        try:
            return self.code_line(step)
        except Exception:  # noqa: BLE001 - narration must never take the app down
            return None

    # ------------------------------------------------------- time actions
    def action_toggle_play(self) -> None:
        """Play or pause."""
        if self.playing:
            self.pause()
        else:
            self.play()

    def _restart_timer(self) -> None:
        if self._play_timer is not None:
            self._play_timer.stop()
        rate = min(self.steps_per_second, MAX_FRAMES_PER_SECOND)
        self._steps_per_tick = self.steps_per_second / rate
        self._step_credit = 0.0
        self._play_timer = self.set_interval(1.0 / rate, self._tick, name="playback")

    def _tick(self) -> None:
        run = self.current_run
        if run is None or self._loading:
            return
        timeline = run.timeline
        self._step_credit += self._steps_per_tick
        moved = False
        while self._step_credit >= 1.0 and not self._next_held() and timeline.forward():
            self._step_credit -= 1.0
            moved = True
        if self._next_held():
            if moved:
                self._show_current()
            self.pause()  # the lesson asks its question; answering it plays on
            return
        if self._step_credit >= 1.0:
            self._step_credit = 0.0  # waiting for the worker: no burst of steps once it catches up
        if moved:
            self._show_current()  # the phase log still lists every step passed over
            if timeline.at_last_step:
                self._reached_end()
        elif timeline.finished:
            self._reached_end()
        else:
            self._show_status()  # waiting for the worker: the status shows its progress

    def _reached_end(self) -> None:
        self.pause()
        if not self._end_told and self.current_run is not None:
            self._end_told = True
            step = self.current_run.timeline.current
            what = step.phase.label.lower() if step is not None else "end"
            self.notify(f"Reached the last step ({what}). Press home to replay or r for a new seed.", timeout=4)
            self.post_message(RunEnded(self.current_run.spec))

    def action_step_forward(self) -> None:
        """One step forward (waits for the worker if that step is not computed yet)."""
        run = self.current_run
        if run is None or self._next_held():
            return
        if run.timeline.forward():
            self._show_current()
        elif not run.timeline.finished:
            self._pending_forward = True  # shown as progress; taken when the step arrives
            self._show_status()
        else:
            self.notify("This is the last step.", timeout=2)

    def action_step_back(self) -> None:
        """One step back, exactly as it was shown."""
        if self.current_run is not None and self.current_run.timeline.back():
            self._pending_forward = False
            self._show_current()

    def action_first_step(self) -> None:
        if self.current_run is not None and self.current_run.timeline.first():
            self._pending_forward = False
            self._show_current()

    def action_last_step(self) -> None:
        if self.current_run is not None and self.current_run.timeline.last():
            self._show_current()

    def on_phase_log_step_chosen(self, message: PhaseLog.StepChosen) -> None:
        if self.current_run is not None and self.current_run.timeline.seek(message.index):
            self._show_current()

    def action_speed(self, direction: int) -> None:
        """Faster (1) or slower (-1) playback."""
        self.steps_per_second = spec_edits.next_speed(self.steps_per_second, direction)
        if self.playing:
            self._restart_timer()
        self._show_status()

    # -------------------------------------------------- parameter actions
    def _edit(self, change: Callable[[RunSpec], RunSpec], fallback: Callable[[RunSpec], RunSpec] | None = None) -> None:
        """Build a new spec from the latest one; refuse it politely if it is invalid."""
        try:
            new = change(self.spec)
        except Exception as exc:  # noqa: BLE001 - a key that cannot make a new run says why; it never ends the app
            self.notify(_one_line(exc), severity="warning", timeout=3)
            return
        self._request(new, fallback(new) if fallback else None)

    def action_restart(self) -> None:
        """Run again with a new random seed, one whose run has rounds to watch where that is cheap to find."""
        from tuiclust.pipeline.seeds import instructive_seed

        seed = instructive_seed(self.spec, lambda: self._seeds.randrange(0, 10_000))
        self._edit(lambda s: spec_edits.with_seed(s, seed))

    def action_algorithm(self, name: str) -> None:
        """Switch to another algorithm of the vocabulary on the same data."""
        if name == self.spec.algorithm.name:
            return
        if self.current_run is not None:
            self._remembered[self.current_run.spec.algorithm.name] = dict(self.current_run.spec.algorithm.params)
        self._edit(lambda s: spec_edits.with_algorithm(s, name, self._remembered.get(name)))

    def action_cycle_algorithm(self, direction: int) -> None:
        names = ALGORITHM_NAMES
        current = names.index(self.spec.algorithm.name)
        self.action_algorithm(names[(current + direction) % len(names)])

    def action_main_param(self, direction: int) -> None:
        """k, eps or the number of components up or down."""
        self._edit(lambda s: spec_edits.step_main(s, direction))

    def action_second_param(self, direction: int) -> None:
        """The init method, min_samples or the covariance type."""
        self._edit(lambda s: spec_edits.step_second(s, direction))

    def action_start(self, direction: int) -> None:
        """The next (1) or previous (-1) start: GMM's init_params or K-Means' init."""
        from tuiclust.pipeline.hand_edits import init_key

        def change(spec: RunSpec) -> RunSpec:
            new = spec_edits.step_start(spec, direction)
            key = init_key(new.algorithm.name)
            self.notify(f"{spec_edits.parameter_label(str(key))}: {new.algorithm.params[key]}", timeout=2)
            return new

        self._edit(change)

    def action_dataset(self, direction: int) -> None:
        """The next (1) or previous (-1) built-in data set."""
        self._edit(
            lambda s: spec_edits.step_dataset(s, direction),
            fallback=lambda new: spec_edits.without_size(new),
        )

    def action_samples(self, direction: int) -> None:
        """Fewer (-1) or more (1) points in the built-in data set."""
        run = self.current_run
        current = run.dataset.n_samples if run is not None else 300
        self._edit(lambda s: spec_edits.step_samples(s, direction, current))

    def action_scaling(self) -> None:
        """Cycle the feature scaling: none, standard, minmax."""
        self._edit(spec_edits.next_scaling)

    #: (key, what it does) pairs a mode built on the explorer adds to the help screen.
    EXTRA_HELP_KEYS: tuple[tuple[str, str], ...] = ()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.EXTRA_HELP_KEYS))

    def action_export(self) -> None:
        """Write the current step's labels to a CSV file."""
        run = self.current_run
        step = run.timeline.current if run is not None else None
        if run is None or step is None:
            self.notify("Nothing to export yet.", timeout=2)
            return
        self._export(run, step)

    @work(thread=True, group="export", exit_on_error=False)
    def _export(self, run: Run, step: Step) -> None:
        from tuiclust.io.csv_writer import default_export_path, write_result_csv

        try:
            if self.is_web:  # `tuiclust serve`: the file belongs to the viewer, not to the server's folder
                path = self._deliver_to_browser(run, step, default_export_path, write_result_csv)
            else:
                # A fresh name, taken in one step when the file is created: never another export's file.
                written = write_result_csv(default_export_path(run.dataset, run.spec.algorithm.name), run.dataset, step)
                path = written.shown
        except Exception as exc:  # noqa: BLE001 - a full disk must not end the lesson
            self.call_from_thread(self.notify, f"export failed: {_one_line(exc)}", severity="error")
            return
        self.call_from_thread(self._exported, str(path))

    def _deliver_to_browser(self, run: Run, step: Step, default_export_path: Any, write_result_csv: Any) -> str:
        """Write the CSV to a private folder and hand it to the browser as a download (web driver only)."""
        import tempfile

        with tempfile.TemporaryDirectory(prefix="tuiclust-export-") as folder:
            written = write_result_csv(
                default_export_path(run.dataset, run.spec.algorithm.name, folder), run.dataset, step
            )
            assert written.path is not None  # a file in a fresh folder
            # deliver_text opens the file before it returns: the folder can go right after.
            self.call_from_thread(self.deliver_text, written.path, mime_type="text/csv")
        return f"a download in the browser ({written.path.name})"

    def _exported(self, path: str) -> None:
        self.phase_log.add_note(f"exported this step to {path}")
        self.notify(f"Wrote {path}", title="Exported", timeout=4)

    def notify(self, message: str, **kwargs: Any) -> None:  # type: ignore[override]
        """Show a notification and remember its text in :attr:`told`.

        Plain text unless ``markup=True`` is asked for: messages carry file
        names, CSV values and error text, and a stray ``[/x]`` in them would
        make the notification fail to render and end the app.
        """
        self.told.append(message)
        kwargs.setdefault("markup", False)
        super().notify(message, **kwargs)

    # ----------------------------------------------------------- terminal
    def get_driver_class(self) -> type[Driver]:
        """Textual's driver, with input that no byte sequence from the terminal can break (Linux, macOS)."""
        driver_class = super().get_driver_class()
        if driver_class.__module__ == "textual.drivers.linux_driver" and driver_class.__name__ == "LinuxDriver":
            from .terminal_input import SafeLinuxDriver  # imports termios: not on Windows

            return SafeLinuxDriver
        if driver_class.__module__ == "textual.drivers.web_driver" and driver_class.__name__ == "WebDriver":
            from .web_input import SafeWebDriver  # tuiclust serve

            return SafeWebDriver
        return driver_class

    def _redraw_all(self, _app: App[Any] | None = None) -> None:
        """Back from a suspend (ctrl+z or SIGTSTP, then fg): the terminal shows the shell; draw every cell again."""
        for screen in self.screen_stack:
            screen.refresh(layout=True)
        self.refresh(repaint=True, layout=True)

    def action_help_quit(self) -> None:
        """Ctrl+C: say how to quit (Textual's own notice is markup, and notifications here are plain text)."""
        keys = [key for key, active in self.active_bindings.items() if active.binding.action in ("quit", "app.quit")]
        if keys:
            key = min(keys, key=len)  # q rather than ctrl+q
            self.notify(f"Press {key} to quit the app", title="Do you want to quit?")

    def action_command_palette(self) -> None:
        """Open the command palette, safe for keys faster than it draws (see :mod:`.command_palette`)."""
        if self.use_command_palette and not SafeCommandPalette.is_open(self):
            self.push_screen(SafeCommandPalette(id="--command-palette"))

    # ---------------------------------------------------- command palette
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every explorer action by name, with what it does, then Textual's own."""
        for key in KEYS:
            if key.action in ("quit", "help"):
                continue
            yield SystemCommand(f"{key.title} ({key.shown})", key.help, partial(self.run_action, key.action))
        yield SystemCommand("Help (?)", "show the keys and what each algorithm shows", self.action_help)
        yield from super().get_system_commands(screen)


# Limits worded with the names on the panel and the keys that change them.
APP_WORDS = Wording(
    n_clusters="k",
    n_components="components",
    covariance="diag or spherical covariance ([ and ] in a GMM run, --covariance when starting)",
    columns="fewer columns with --columns",
    sample="\u2212 on the points row, or -n when starting; a random sample of a file's rows",
)


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, DataLimitError):
        return exc.worded(APP_WORDS)
    if isinstance(exc, MemoryError):  # its own text is empty or a numpy allocation size
        return "not enough memory for this run; try fewer points or columns, or a smaller parameter"
    return first_line(exc)
