"""The phase log: one line per step reached so far, the current one marked.

Lines are added as the cursor first reaches a step and are never removed
while the run lasts, so stepping back moves the mark through the history.
Notes (data set advice, an export, a run that stopped early) are lines too,
dimmed and not clickable. Clicking a step's line jumps to that step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

__all__ = ["PhaseLog"]

_MARK = "\u25b8 "  # ▸: readable without colour too
_NO_MARK = "  "


class PhaseLog(OptionList, can_focus=False):
    """A list of step lines and notes; see the module docstring."""

    DEFAULT_CSS = """
    PhaseLog {
        height: 1fr;
        padding: 0;
        & > .option-list--option-highlighted {
            text-style: bold;
            background: $accent 30%;
            color: $foreground;
        }
    }
    """

    class StepChosen(Message):
        """The user clicked the line of step ``index``."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.border_title = "Phase log"
        self._step_texts: list[str] = []  # text of each step's line, by step index
        self._option_of_step: list[int] = []  # option index of each step's line
        self._marked_step: int | None = None
        self._note_texts: list[str] = []

    # ------------------------------------------------------------- content
    def reset(self, notes: tuple[str, ...] | list[str] = ()) -> None:
        """Start a new run's log, beginning with its notes."""
        self.clear_options()
        self._step_texts.clear()
        self._option_of_step.clear()
        self._note_texts.clear()
        self._marked_step = None
        for note in notes:
            self.add_note(note)

    def add_note(self, text: str, *, style: str = "italic") -> None:
        """A line that is not a step (advice, an error, an export path)."""
        self._note_texts.append(text)
        self.add_option(Option(Text("\u2139 " + text, style=style), disabled=True))

    def reach(self, index: int, line_for: Callable[[int], str]) -> None:
        """Make sure steps 0..index have their lines (``line_for(i)`` gives step i's text)."""
        new = []
        for i in range(len(self._step_texts), index + 1):
            text = line_for(i)
            self._step_texts.append(text)
            self._option_of_step.append(self.option_count + len(new))
            new.append(Option(_NO_MARK + text, id=f"step-{i}"))
        if new:
            self.add_options(new)

    def mark(self, index: int) -> None:
        """Mark step ``index``'s line as the current one and scroll it into view."""
        if index >= len(self._step_texts):
            return
        if self._marked_step is not None and self._marked_step != index and self._marked_step < len(self._step_texts):
            self.replace_option_prompt_at_index(
                self._option_of_step[self._marked_step], _NO_MARK + self._step_texts[self._marked_step]
            )
        self.replace_option_prompt_at_index(self._option_of_step[index], _MARK + self._step_texts[index])
        self._marked_step = index
        self.highlighted = self._option_of_step[index]

    # ------------------------------------------------------------ reading
    @property
    def step_lines(self) -> list[str]:
        """Text of every step line so far, without the mark."""
        return list(self._step_texts)

    @property
    def notes(self) -> list[str]:
        return list(self._note_texts)

    @property
    def current_line(self) -> str | None:
        """Text of the marked step's line."""
        return None if self._marked_step is None else self._step_texts[self._marked_step]

    @property
    def marked_index(self) -> int | None:
        return self._marked_step

    # ------------------------------------------------------------- events
    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        if option_id.startswith("step-"):
            self.post_message(self.StepChosen(int(option_id.removeprefix("step-"))))
