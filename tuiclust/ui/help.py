"""The ``?`` help screen: every key, and what each algorithm draws."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tuiclust.pipeline.vocabulary import ALGORITHMS

from .keys import KEYS, lesson_view_hint
from .views.guide import guide_text

__all__ = ["ALGORITHM_GUIDE", "HelpScreen", "help_renderable", "help_text"]

# What a student sees on screen for each algorithm, in the explorer's words.
ALGORITHM_GUIDE: tuple[tuple[str, str], ...] = tuple((entry.title, entry.summary) for entry in ALGORITHMS.values())


def help_text(extra_keys: Sequence[tuple[str, str]] = ()) -> Text:
    """The help screen's text (styled, no markup to escape).

    ``extra_keys`` are (key, what it does) pairs of a mode on top of the
    explorer, such as lesson mode's parts.
    """
    rows = [(key.shown, key.help) for key in KEYS] + list(extra_keys)
    rows.append(("ctrl+p", "every action by name (command palette)"))
    width = max(len(shown) for shown, _ in rows)
    text = Text()
    text.append("Lesson views: ", style="bold")
    text.append(lesson_view_hint().removeprefix("Lesson views: ") + "\n\n")
    text.append("Keys\n", style="bold")
    for shown, words in rows:
        text.append("  " + shown.ljust(width), style="bold")
        text.append("  " + words + "\n")
    text.append("\nThe buttons in the Run panel do the same as the keys; click a log line to jump to its step.\n\n")
    text.append("What you see\n", style="bold")
    for name, words in ALGORITHM_GUIDE:
        text.append("  " + name, style="bold")
        text.append(": " + words + "\n")
    text.append_text(guide_text())  # the lesson views: which algorithm when, pitfalls, scores, verdicts
    return text


def help_renderable(extra_keys: Sequence[tuple[str, str]] = ()) -> RenderableType:
    """:func:`help_text` laid out for the screen: a line that wraps continues under its own words.

    Each indented entry (``  key  words``, ``  name: words``, ``  • words``)
    becomes a row of a two-column grid, so its wrapped lines get a hanging
    indent instead of starting at the left edge.
    """
    parts: list[RenderableType] = []
    grid: Table | None = None
    for line in help_text(extra_keys).split("\n"):
        head, rest = _entry(line)
        if head is None:
            grid = None
            parts.append(line)
            continue
        if grid is None:
            grid = Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True)
            grid.add_column(ratio=1)
            parts.append(grid)
        grid.add_row(head, rest)
    return Group(*parts)


def _entry(line: Text) -> tuple[Text | None, Text]:
    """Split an indented help line into its head (key, name or bullet) and its words."""
    plain = line.plain
    if not plain.startswith("  "):
        return None, line
    body = line[2:]
    text = body.plain
    if text.startswith("\u2022 "):
        return body[:1], body[2:]
    for sep in ("  ", ": "):
        at = text.find(sep)
        if 0 < at < 28:
            start = at + len(sep)
            while start < len(text) and text[start] == " ":  # the key column's padding
                start += 1
            return body[: at + (1 if sep == ": " else 0)], body[start:]
    return None, line


class HelpScreen(ModalScreen[None]):
    """A modal list of the keys; any of escape, ? or q closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%;
        max-width: 96;
        height: 90%;
        border: round $accent;
        border-title-align: center;
        background: $surface;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("escape,question_mark,q", "close", "Close", key_display="esc"),
    ]

    def __init__(self, extra_keys: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__()
        self._extra_keys = tuple(extra_keys)

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "tuiclust \u00b7 help"
            scroll.border_subtitle = "esc closes"
            yield Static(help_renderable(self._extra_keys), id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
