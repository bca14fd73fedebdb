"""The explorer in lesson mode, and the director that plays a scene through it.

- :class:`LessonApp` is the explorer with a scene: narration in the caption
  line, the scene's title, and ``n`` / ``p`` for the next and previous part.
  Every explorer key works as usual (``tuiclust SCENE``). A part that stages
  a figure opens it (:mod:`tuiclust.ui.staging`), and ``n`` walks through its
  captions; a step whose narration asks a question waits on the question
  until a key is pressed.
- :class:`Director` walks a :class:`LessonApp` through a scene: a title card
  before each part, then every step of the part, and hands each moment (a
  :class:`Shot`) to a ``show`` callback that decides how long it lasts.
  ``tuiclust play`` waits on a real clock; ``tuiclust record`` captures the
  screen and adds the time up on a virtual one. Same director, same screens.
- :class:`PlayerApp` runs the director by itself (``tuiclust play``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from textual import events
from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from tuiclust.lessons.pacing import Shot, figure_seconds, question_seconds, step_seconds
from tuiclust.lessons.scene import Narration, Scene, ScenePart
from tuiclust.pipeline.run import Run

from ..core.steps import Step
from .app import ExplorerApp, RunEnded, RunLoaded
from .staging import FigureStage
from .title_card import TitleCard

__all__ = ["Director", "LessonApp", "PlayerApp", "Shot", "lesson_narrator", "open_in_explorer"]

# Shown in the caption line when a step has no narration, so that the line
# keeps its place and the plot does not jump up and down as captions come and go.
_NO_CAPTION = " "
# Keys that keep their meaning while a question waits for its answer (any other key answers).
_PASS_KEYS = frozenset({"q", "ctrl+q", "ctrl+c", "n", "p"})


def lesson_narrator(part: ScenePart) -> Callable[[Step], str]:
    """The explorer's narrator for one part: its narration as plain text (the caption is not markup)."""

    def narrate(step: Step) -> str:
        text = part.narrator(step)
        return text if text else _NO_CAPTION

    return narrate


def window_title(scene: Scene, index: int) -> str:
    """Header title of a part: the scene's title, and the part's when there are parts."""
    if not scene.has_parts:
        return scene.title
    return f"{scene.title} \u00b7 {index + 1}/{len(scene.parts)} {scene.parts[index].title}"


def title_card(scene: Scene, index: int) -> TitleCard:
    """The card shown before part ``index``."""
    if not scene.has_parts:
        return TitleCard(scene.title, description=scene.description)
    part = scene.parts[index]
    return TitleCard(
        scene.title,
        part=f"Part {index + 1} of {len(scene.parts)}",
        title=part.title,
        description=part.description,
    )


class LessonApp(ExplorerApp):
    """The explorer on a lesson scene.

    Parameters
    ----------
    scene : Scene
    steps_per_second : float, optional
        Playback speed; the scene's own pace by default.
    autoplay : bool
        Start playing the first part at once.
    prepared : Run, optional
        The first part's run, already built (see
        :func:`tuiclust.lesson.check_parts_load`), so its data is not loaded twice.
    """

    EXTRA_HELP_KEYS = (
        ("n", "lesson: the scene's next part (on a figure: its next caption)"),
        ("p", "lesson: the scene's previous part (on a figure: its previous caption)"),
    )
    # Priority: n and p also work while a part's figure (a modal view) is open.
    BINDINGS = [
        Binding("n", "next_part", "Part", tooltip="go to the scene's next part", priority=True),
        Binding("p", "previous_part", "Prev part", show=False, priority=True),
    ]

    def __init__(
        self,
        scene: Scene,
        *,
        steps_per_second: float | None = None,
        autoplay: bool = False,
        prepared: Run | None = None,
    ) -> None:
        first = scene.parts[0]
        super().__init__(
            first.spec,
            narrator=self._narrator_for(first),
            title=window_title(scene, 0),
            steps_per_second=steps_per_second or scene.playback.steps_per_second,
            autoplay=autoplay,
            prepared=prepared,
        )
        self.scene = scene
        self.part_index = 0
        self.code_shown = first.code  # [playback] code = true, or the part's own code
        self.code_line = first.code_line
        # None: the user drives (lesson mode). True / False: a Director plays
        # the scene, and is running / paused; the status line says so.
        self.directed: bool | None = None
        self.lesson_ended = False  # a Director has reached the last step of the last part
        self._hint_retired = True  # the scene's captions and title guide here, not the explorer's hint
        # False in a recording: nobody is there to press a key, the question is timed.
        self.waits_for_keys = True
        self.figure = FigureStage(self)
        self.figure_entry = 0  # lesson mode: the caption of the figure part on screen
        self.question: Narration | None = None  # the question on screen, waiting for its answer
        self._answered: set[str] = set()  # entries of this part whose question was answered
        self._play_after_answer = False
        self._card: TitleCard | None = None  # lesson mode: the card asking the first step's question
        self._stage_when_loaded = scene.parts[0].figure is not None

    @property
    def part(self) -> ScenePart:
        """The part on screen."""
        return self.scene.parts[self.part_index]

    def status_text(self) -> str:
        """The explorer's status line; under a Director, its own play state instead of the explorer's."""
        text = super().status_text()
        if self.question is not None and self.waits_for_keys:
            position = text.rsplit(" \u00b7 ", 1)[0] if " \u00b7 " in text else ""
            state = "? press a key for the answer"
            return f"{position} \u00b7 {state}" if position else state
        if self.directed is None:
            return text
        position = text.rsplit(" \u00b7 ", 1)[0] if " \u00b7 " in text else ""
        if self.lesson_ended:
            state = "\u25a0 end of the lesson"
        else:
            state = "\u25b6 playing the lesson" if self.directed else "\u2016 lesson paused (space)"
        return f"{position} \u00b7 {state}" if position else state

    def show_part(self, index: int) -> None:
        """Load part ``index`` (its data, algorithm, narration and title)."""
        index %= len(self.scene.parts)
        part = self.scene.parts[index]
        self.figure.close()
        self.part_index = index
        self.figure_entry = 0
        self.question = None
        self._answered = set()
        self._stage_when_loaded = part.figure is not None and self.directed is None
        self.code_line = part.code_line
        self.show_code(part.code)
        self.load_spec(part.spec, narrator=self._narrator_for(part), title=window_title(self.scene, index))

    # ------------------------------------------------------------ narration
    def _narrator_for(self, part: ScenePart) -> Callable[[Step], str]:
        plain = lesson_narrator(part)

        def narrate(step: Step) -> str:
            override = self.figure.main_caption if part.figure is not None else None
            if self.question is not None and part.figure is None:
                override = self.question_words(self.question)
            return override if override else plain(step)

        return narrate

    def question_words(self, entry: Narration) -> str:
        """The caption of a question: its text, and how to answer when someone is there to press a key."""
        assert entry.ask is not None
        return f"Question: {entry.ask}" + ("  (press a key for the answer)" if self.waits_for_keys else "")

    def figure_words(self, entry: Narration | None) -> str:
        """The caption of a figure's entry; in lesson mode, how to go on."""
        text = entry.say if entry is not None else ""
        if self.directed is None:
            last = self.figure_entry >= len(self.part.narration) - 1
            hint = "n: next part" if last else "n: next"
            text = f"{text}  ({hint})" if text else f"({hint})"
        return text

    # ------------------------------------------------------------ questions
    def hold_before(self, step: Step) -> bool:
        """Lesson mode: a step whose narration asks a question waits until it is answered."""
        if self.directed is not None or self.narrator is None:
            return False  # the Director asks its questions itself; a run of the user's own has none
        entry = self.part.narration_for(step)
        if entry is None or entry.ask is None or entry.key in self._answered:
            return False
        if self.question is not entry:
            self.question = entry
            self._play_after_answer = self.playing
            self.show_caption()
            self._show_status()
        return True

    def answer(self) -> None:
        """The key after a question: reveal the step it was asked about."""
        entry, self.question = self.question, None
        if entry is None:
            return
        self._answered.add(entry.key)
        if self._card is not None:
            card, self._card = self._card, None
            if self.screen is card:
                self.pop_screen()
            self.show_caption()
            self._show_status()
            return
        if self.part.figure is not None:
            self.figure.show_entry(entry)
            self._show_status()
            return
        self.action_step_forward()
        if self._play_after_answer:
            self.play()
        self._show_status()

    def waiting_for_answer(self) -> bool:
        """A question is on screen and the next key answers it."""
        return self.question is not None and self.waits_for_keys

    async def on_event(self, event: events.Event) -> None:
        # Any key answers a question (before bindings see it), except quitting and skipping parts.
        if (
            isinstance(event, events.Key)
            and not event.is_forwarded
            and self.waiting_for_answer()
            and event.key not in _PASS_KEYS
        ):
            event.stop()
            self.answer()
            return
        await super().on_event(event)

    def on_run_loaded(self, message: RunLoaded) -> None:
        """Lesson mode: a figure part opens its figure, a first step that asks waits on a card."""
        if self.directed is not None or self.narrator is None:
            return
        if self._stage_when_loaded:
            self._stage_when_loaded = False
            self.run_worker(self._open_figure(), group="lesson-figure", exclusive=True, exit_on_error=False)
            return
        run = self.current_run
        step = run.timeline.current if run is not None else None
        entry = self.part.narration_for(step) if step is not None else None
        if entry is not None and entry.ask is not None and entry.key not in self._answered and self._card is None:
            self.question = entry
            self._play_after_answer = False
            self._card = title_card(self.scene, self.part_index)
            self.push_screen(self._card)
            self._card.call_after_refresh(self._card.ask, self.question_words(entry))
            self._show_status()

    async def _open_figure(self) -> None:
        await self.wait_until_computed(timeout=600.0)
        self.figure.open(self.part)
        await self.figure.ready()
        self._show_figure_entry(0)

    def _show_figure_entry(self, index: int) -> None:
        entries = self.part.narration
        self.figure_entry = index
        entry = entries[index] if entries else None
        if entry is not None and entry.ask is not None and entry.key not in self._answered:
            self.question = entry
            self.figure.ask(entry)
        else:
            self.figure.show_entry(entry)
        self._show_status()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Part keys exist in scenes with several parts (so the Footer stays short otherwise), and to go back to the lesson."""
        if action in ("next_part", "previous_part"):
            return len(self.scene.parts) > 1 or self.narrator is None
        return super().check_action(action, parameters)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The explorer's commands, and the scene's parts when it has several."""
        if len(self.scene.parts) > 1:
            yield SystemCommand("Next part (n)", "go to the scene's next part", self.action_next_part)
            yield SystemCommand("Previous part (p)", "go to the scene's previous part", self.action_previous_part)
        yield from super().get_system_commands(screen)

    def on_run_ended(self, message: RunEnded) -> None:
        """Playing through the end of a part goes on with the next part (not once the user has left the lesson)."""
        if self.narrator is not None and self.directed is None and self.part_index + 1 < len(self.scene.parts):
            # The explorer starts playing the next run as soon as it is shown; a figure waits for n.
            self.autoplay = self.scene.parts[self.part_index + 1].figure is None
            self._change_part(1)

    def action_next_part(self) -> None:
        """Go to the scene's next part (wraps around); on a figure, first through its captions."""
        if self.figure.is_open and self.figure_entry + 1 < len(self.part.narration):
            self._show_figure_entry(self.figure_entry + 1)
            return
        self._change_part(1)

    def action_previous_part(self) -> None:
        """Go to the scene's previous part (wraps around); on a figure, first back through its captions."""
        if self.figure.is_open and self.figure_entry > 0:
            self._show_figure_entry(self.figure_entry - 1)
            return
        self._change_part(-1)

    def _change_part(self, direction: int) -> None:
        if len(self.scene.parts) == 1:
            if self.narrator is None:  # left the lesson: n / p bring it back
                self.show_part(0)
                self.refresh_bindings()
                return
            self.notify("This scene has a single part.", timeout=2)
            return
        index = (self.part_index + direction) % len(self.scene.parts)
        self.show_part(index)
        self.notify(self.scene.parts[index].title, title=f"Part {index + 1} of {len(self.scene.parts)}", timeout=3)

    def _edit(self, change: Callable[[Any], Any], fallback: Callable[[Any], Any] | None = None) -> None:
        """A key that changes the run: refused while a Director plays; in lesson mode it leaves the narration.

        Either way the screen never keeps a part's title and captions over a run
        that is no longer the part's.
        """
        if self.directed is not None:
            self.notify(
                "The lesson plays its own runs, so keys that change the run are off here; "
                f"to explore it, open the scene in lesson mode: tuiclust {self.scene.name}",
                title="Playing the lesson",
                severity="warning",
                timeout=5,
            )
            return
        if self.narrator is not None:
            self.narrator = None  # captions described the part's run, not this one
            self._title = self.title = f"{self.scene.title} \u00b7 left the lesson (n / p: back to a part)"
            self._fit_header()
            self.notify("This run is yours now: the lesson's captions are off. n or p goes back to a part.", timeout=4)
            self.refresh_bindings()  # n / p now lead back, even in a scene of one part
        super()._edit(change, fallback)


def open_in_explorer(scene: Scene, *, steps_per_second: float | None = None) -> int:
    """Run the explorer on ``scene`` until the user quits (``tuiclust SCENE``)."""
    app = LessonApp(scene, steps_per_second=steps_per_second)
    app.run()
    return app.return_code or 0


# ---------------------------------------------------------------------------
# Playing a scene
# ---------------------------------------------------------------------------


Settle = Callable[[], Awaitable[None]]
Show = Callable[[Shot], Awaitable[None]]


class Director:
    """Walks a :class:`LessonApp` through its scene, one shot at a time.

    Parameters
    ----------
    app : LessonApp
        A running app.
    settle : async callable
        Waits until what the app was asked to show is on screen (runs
        loaded, steps computed, screen refreshed).
    """

    def __init__(self, app: LessonApp, settle: Settle) -> None:
        self.app = app
        app.directed = True
        self.settle = settle
        self._jump: int | None = None
        self._first = True  # the app already loads its first part when it starts

    def jump_to(self, index: int) -> None:
        """Leave the current part at the next shot and play part ``index``."""
        self._jump = index % len(self.app.scene.parts)

    async def run(self, show: Show, *, start: int = 0) -> None:
        """Play every part from ``start`` to the end, calling ``show`` for each shot."""
        scene = self.app.scene
        index = start
        self.app.lesson_ended = False
        while index < len(scene.parts):
            self._jump = None
            await self._play_part(index, show)
            index = self._jump if self._jump is not None else index + 1

    async def _play_part(self, index: int, show: Show) -> None:
        app, scene = self.app, self.app.scene
        playback = scene.playback
        part = scene.parts[index]
        card = title_card(scene, index)
        await app.push_screen(card)
        if not (self._first and index == app.part_index):
            app.show_part(index)
        self._first = False
        await self.settle()
        await show(Shot(index, None, playback.title_seconds))
        asked: set[str] = set()
        first = app.current_run.timeline.current if app.current_run is not None and part.figure is None else None
        entry = part.narration_for(first) if first is not None else None
        if entry is not None and entry.ask is not None and self._jump is None:
            # The first step's question is asked on the card: nothing of the run is shown yet.
            asked.add(entry.key)
            app.question = entry
            card.ask(app.question_words(entry))
            await self.settle()
            await show(Shot(index, None, question_seconds(entry.ask), question=entry.ask))
            app.question = None
        if app.screen is card:
            app.pop_screen()
        await self.settle()
        if self._jump is not None:
            return
        if part.figure is not None:
            await self._play_figure(index, show)
            return
        while True:
            run = app.current_run
            if run is None:
                return
            timeline = run.timeline
            step = timeline.current
            if step is None:
                return
            last = timeline.finished and timeline.at_last_step
            narration = part.narration_for(step)
            seconds = step_seconds(playback, narration)
            if last and index == len(scene.parts) - 1:
                seconds = max(seconds, playback.end_seconds)
                app.lesson_ended = True  # the status line stops saying "playing the lesson"
                app._show_status()
            label = narration.say if narration is not None else _log_label(step)
            await show(Shot(index, step, seconds, label, narration is not None))
            if last or self._jump is not None:
                return
            ahead = timeline[timeline.index + 1] if timeline.index + 1 < len(timeline) else None
            entry = part.narration_for(ahead) if ahead is not None else None
            if entry is not None and entry.ask is not None and entry.key not in asked:
                # Predict, then see: the question over the step before, then the step itself.
                asked.add(entry.key)
                app.question = entry
                app.show_caption()
                app._show_status()
                await self.settle()
                await show(Shot(index, None, question_seconds(entry.ask), question=entry.ask))
                app.question = None
                if self._jump is not None:
                    return
            app.action_step_forward()
            await self.settle()

    async def _play_figure(self, index: int, show: Show) -> None:
        """A part that stages a figure: open it, show each entry (its question first), close it."""
        app, scene = self.app, self.app.scene
        part = scene.parts[index]
        assert part.figure is not None
        kind = part.figure.kind
        app.figure.open(part)
        await app.figure.ready()
        await self.settle()
        entries: tuple[Narration | None, ...] = part.narration or (None,)
        for number, entry in enumerate(entries):
            if self._jump is not None:
                break
            app.figure_entry = number
            if entry is not None and entry.ask is not None:
                app.question = entry
                app.figure.ask(entry)
                app._show_status()
                await self.settle()
                await show(Shot(index, None, question_seconds(entry.ask), figure=kind, question=entry.ask))
                app.question = None
                if self._jump is not None:
                    break
            app.figure.show_entry(entry)
            app._show_status()
            await self.settle()
            seconds = figure_seconds(entry)
            if index == len(scene.parts) - 1 and number == len(entries) - 1:
                seconds = max(seconds, scene.playback.end_seconds)
            label = entry.say if entry is not None else part.figure.title
            await show(Shot(index, None, seconds, label, entry is not None, figure=kind))
        app.figure.close()
        await self.settle()


def _log_label(step: Step) -> str:
    from .step_text import log_line

    return str(log_line(step))


class PlayerApp(LessonApp):
    """Plays a scene by itself at its pace: ``tuiclust play``.

    Space pauses and resumes the lesson, ``n`` / ``p`` skip between parts,
    ``q`` quits; the other explorer keys work on the run on screen.

    Parameters
    ----------
    scene : Scene
    speed : float
        Multiplies the scene's pace (2 plays twice as fast).
    loop : bool
        Start again from the first part after the last one.
    """

    def __init__(self, scene: Scene, *, speed: float = 1.0, loop: bool = False) -> None:
        super().__init__(scene, steps_per_second=scene.playback.steps_per_second * speed)
        self.speed = speed
        self.loop = loop
        self.director = Director(self, self._settle)
        self._resumed = asyncio.Event()
        self._resumed.set()

    def on_mount(self) -> None:
        super().on_mount()
        self.run_worker(self._direct(), name="lesson", group="lesson", exclusive=True, exit_on_error=True)

    async def _settle(self) -> None:
        await self.wait_until_computed(timeout=600.0)

    async def _show(self, shot: Shot) -> None:
        if shot.question is not None:
            # The question stays until a key answers it (or n / p skip the part).
            self._show_status()
            while self.question is not None and self.director._jump is None:
                await asyncio.sleep(0.05)
            return
        # Sleep in small slices so that pause, skip, quit and a change of
        # speed (f / F) take effect at once.
        remaining = shot.seconds
        while remaining > 0 and self.director._jump is None:
            await self._resumed.wait()
            speed = self.steps_per_second / self.scene.playback.steps_per_second
            await asyncio.sleep(0.05)
            remaining -= 0.05 * speed

    async def _direct(self) -> None:
        while True:
            await self.director.run(self._show)
            if not self.loop:
                break
        self.notify("End of the lesson. Press q to quit.", timeout=10)

    def action_toggle_play(self) -> None:
        """Pause or resume the lesson."""
        if self._resumed.is_set():
            self._resumed.clear()
        else:
            self._resumed.set()
        self.directed = self._resumed.is_set()
        self._show_status()

    def action_next_part(self) -> None:
        self.director.jump_to(self.part_index + 1)

    def action_previous_part(self) -> None:
        self.director.jump_to(self.part_index - 1)

    def answer(self) -> None:
        """The key after a question: the Director, waiting in :meth:`_show`, reveals the step."""
        if self.question is not None:
            self._answered.add(self.question.key)
        self.question = None
        self._show_status()
