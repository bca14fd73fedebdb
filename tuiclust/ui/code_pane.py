"""The code pane: the listing of the algorithm on screen, its current phase marked, the values of the moment beside it.

Key ``L`` shows or hides it. The listing is one of :mod:`tuiclust.listings`
(plain numpy code that gives the core's results); the lines of the step's
phase are highlighted *and* marked ``▶`` in a gutter, so the mark reads
with ``NO_COLOR`` and in 16 colours too. Beside the marked lines the pane
writes the values of that step, in the panel's own numbers
(:func:`~tuiclust.ui.step_text.code_values`).

The pane draws only what fits: it picks the window of lines that keeps the
marked lines in view (the ones that carry values first), so it works in the
few rows an 80x24 terminal leaves it, and it redraws only when the step or
its own size changes, never for a frame of the plot.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.syntax import Syntax
from rich.text import Text
from textual.events import Resize
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from tuiclust.listings import ALGORITHMS as LISTED
from tuiclust.listings import Listing, annotations, listing_for, phase_lines, pointed_lines
from tuiclust.pipeline.vocabulary import title_of

from ..core.steps import Phase, Step
from .step_text import code_values

__all__ = ["MARK", "CodePane", "code_rows", "no_listing_text", "window"]

#: The gutter mark of the lines of the current phase.
MARK = "\u25b6"
_GUTTER = 2  # the mark and a space
_NOTE = "\u2190 "  # "← changed = 25", beside a line
_NOTE_BELOW = "\u21b3 "  # "↳ Nk = ...", on a row of its own when the line leaves no room
_NOTE_GAP = 2
# ANSI colours: they follow the terminal's palette, so the listing reads in 16 colours as in 256.
_THEME = "ansi_dark"
_INDENT = re.compile(r"^( *)")


def no_listing_text(algorithm: str) -> str:
    """The pane's one line for an algorithm that has no listing (agglomerative, HDBSCAN)."""
    names = [title_of(name) for name in LISTED]
    shown = f"{', '.join(names[:-1])} and {names[-1]}"
    return f"No listing for {title_of(algorithm)} yet: the code pane shows {shown}."


@cache
def _highlighted(algorithm: str) -> tuple[Text, ...]:
    """The listing's lines with Python syntax colours, one Text per line (cached per algorithm)."""
    listing = listing_for(algorithm)
    code = "\n".join(listing.lines)
    text = Syntax(code, "python", theme=_THEME).highlight(code)
    text.rstrip()
    lines = text.split("\n", allow_blank=True)
    return tuple(lines[: len(listing.lines)])


def _compact(line: Text, halve: bool) -> Text:
    """The line with its indentation halved (4 -> 2 spaces a level) when the pane is narrow."""
    if not halve:
        return line
    indent = len(_INDENT.match(line.plain)[1])  # type: ignore[index]
    return line[indent - indent // 2 :] if indent else line


@lru_cache(maxsize=64)
def _code_texts(algorithm: str, room: int) -> tuple[Text, ...]:
    """The listing's lines fitted to ``room`` columns (indentation halved if need be, long lines cut)."""
    lines = _highlighted(algorithm)
    halve = max((len(line) for line in lines), default=0) > room
    fitted = []
    for source in lines:
        code = _compact(source, halve).copy()
        if len(code) > room:
            code.truncate(room, overflow="ellipsis")
        fitted.append(code)
    return tuple(fitted)


@lru_cache(maxsize=64)
def _plain_rows(algorithm: str, room: int) -> tuple[Text, ...]:
    """The unmarked rows without values: the same at every step, so built once per width."""
    return tuple(Text.assemble("  ", code, end="") for code in _code_texts(algorithm, room))


def code_rows(
    listing: Listing,
    marked: tuple[int, ...],
    notes: dict[int, str],
    width: int,
    styles: dict[str, Style] | None = None,
) -> list[tuple[Text, int]]:
    """The pane's rows for one step at ``width`` columns: (row text, listing line index).

    A value goes beside its line when it fits, else on a row of its own under
    it (that row carries the same line index). Lines wider than the pane
    are cut with ``…``; when the longest line does not fit, indentation is
    halved first.

    Parameters
    ----------
    listing : Listing
    marked : tuple of int
        Lines of the current phase.
    notes : dict of int to str
        Line -> value text (:func:`tuiclust.listings.annotations`).
    width : int
        Columns of the pane's content.
    styles : dict of str to Style, optional
        ``"marked"``, ``"gutter"`` and ``"note"`` styles (the widget's CSS); plain without.

    Returns
    -------
    list of (Text, int)
    """
    styles = styles or {}
    marked_style, gutter_style, note_style = (styles.get(k, Style()) for k in ("marked", "gutter", "note"))
    room = max(1, width - _GUTTER)
    codes = _code_texts(listing.algorithm, room)
    plain_rows = _plain_rows(listing.algorithm, room)
    marked_set = set(marked)
    rows: list[tuple[Text, int]] = []
    for index, code in enumerate(codes):
        is_marked = index in marked_set
        note = notes.get(index)
        if not is_marked and note is None:
            rows.append((plain_rows[index], index))  # shared, never changed: rows are only read
            continue
        row = Text(end="")
        row.append(MARK + " " if is_marked else "  ", style=gutter_style if is_marked else None)
        beside = note is not None and len(code) + _NOTE_GAP + len(_NOTE) + len(note) <= room
        row.append_text(code)
        if beside:
            row.append(" " * _NOTE_GAP + _NOTE + str(note), style=note_style)
        if is_marked:
            row.stylize(marked_style, _GUTTER)
            row.append(" " * max(0, width - row.cell_len), style=marked_style)  # the band spans the pane
        rows.append((row, index))
        if note is not None and not beside:
            indent = len(_INDENT.match(code.plain)[1])  # type: ignore[index]
            below = Text("  " + " " * indent, end="")
            below.append(_NOTE_BELOW + note, style=note_style)
            below.truncate(width, overflow="ellipsis")
            rows.append((below, index))
    return rows


def window(row_lines: list[int], height: int, marked: tuple[int, ...], focus: tuple[int, ...]) -> int:
    """The first row to show so that the marked lines are in view, the ``focus`` lines above all.

    Parameters
    ----------
    row_lines : list of int
        The listing line of each row (:func:`code_rows`).
    height : int
        Rows the pane shows.
    marked : tuple of int
        The phase's lines.
    focus : tuple of int
        The lines that carry values (shown first when not all marked lines fit).

    Returns
    -------
    int
        Index of the first row shown, from 0 to ``len(row_lines) - height``.
    """
    total = len(row_lines)
    if height >= total or not marked:
        return 0
    rows_of = [i for i, line in enumerate(row_lines) if line in set(marked)]
    # The marked run that holds the first value: a phase may have groups in two functions.
    anchor_line = min(focus) if focus else marked[0]
    anchor = next(i for i, line in enumerate(row_lines) if line == anchor_line)
    run_start = run_end = anchor
    while run_start - 1 >= 0 and run_start - 1 in rows_of:
        run_start -= 1
    while run_end + 1 < total and run_end + 1 in rows_of:
        run_end += 1
    size = run_end - run_start + 1
    if size <= height:
        start = run_start - (height - size) // 2  # the group in the middle, context around it
    else:
        last_focus = max(i for i, line in enumerate(row_lines) if line in set(focus)) if focus else anchor
        start = max(run_start, min(anchor, last_focus - height + 1))
    return max(0, min(start, total - height))


class CodePane(Widget):
    """The listing of the algorithm on screen, following the steps (see the module docstring).

    It draws with Textual's line API: each row becomes a strip once, and a
    strip is kept for as long as its row reads the same, so a step that
    moves the mark re-renders only the rows whose mark or value changed.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"code-pane--marked", "code-pane--gutter", "code-pane--note"}

    DEFAULT_CSS = """
    CodePane {
        border: round $primary;
        border-title-color: $text-primary;
        border-subtitle-color: $text-muted;
        padding: 0 0 0 1;
    }
    CodePane > .code-pane--marked { background: $accent 25%; text-style: bold; }
    CodePane > .code-pane--gutter { color: $text-accent; text-style: bold; }
    CodePane > .code-pane--note { color: $text-warning; text-style: bold; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.border_title = "Code"
        self._rows: list[Text] = []
        self._style_key = 0
        self._base: Style | None = None
        self._styles: dict[str, Style] | None = None
        self._strips: dict[tuple[str, int, int], Strip] = {}  # (row text, width, style key) -> strip
        self._step: Step | None = None
        self._algorithm: str | None = None
        self._line: str | None = None
        self._drawn: tuple[Step | None, str | None, str | None, int, int] | None = None
        self.draws = 0  # how often the pane rendered (the plot's frames never count here)
        self.plain_lines: list[str] = []  # what is shown, as plain text (tests, recordings)
        self.marked_lines: tuple[int, ...] = ()
        self.notes: dict[int, str] = {}
        self._status = ""
        self._where = ""

    # ------------------------------------------------------------ public
    @property
    def step(self) -> Step | None:
        """The step the pane follows."""
        return self._step

    def show_step(self, step: Step | None, algorithm: str | None = None, *, line: str | None = None) -> None:
        """Follow ``step`` (of ``algorithm``, which names the run before its first step).

        ``line`` (a scene's narration: a phase id or a value name of the
        listing) marks those lines instead of the step's phase. Redraws
        only when the step, the line or the pane's size changed.
        """
        self._step = step
        self._algorithm = step.algorithm if step is not None else algorithm
        self._line = line
        self._draw()

    @property
    def status(self) -> str:
        """A status line for the bottom border (in the phase log's place it carries the log's); "" for none."""
        return self._status

    @status.setter
    def status(self, text: str) -> None:
        self._status = text
        self.border_subtitle = text or self._where

    def on_resize(self, event: Resize) -> None:
        self._draw()

    def on_show(self) -> None:
        self._draw()

    # ------------------------------------------------------------ drawing
    def _draw(self) -> None:
        if not self.display:
            return  # drawn when shown: a hidden pane costs nothing
        width, height = self.content_size.width, self.content_size.height
        if not width or not height:
            return  # not laid out yet: the Resize that lays it out draws it
        step, algorithm = self._step, self._algorithm
        drawn = self._drawn
        # Steps are compared by identity: a timeline hands out the same object for the same step.
        if drawn is not None and drawn[0] is step and drawn[1:] == (algorithm, self._line, width, height):
            return
        self._drawn = (step, algorithm, self._line, width, height)
        self.draws += 1
        if algorithm is None:
            self._set([Text("waiting for the first step\u2026", style="dim")], [], (), {})
            self.border_title, self._where = "Code", ""
            self.status = self._status
            return
        if algorithm not in LISTED:
            line = no_listing_text(algorithm)
            self._set([Text(line, style="italic")], [line], (), {})
            self.border_title, self._where = "Code", ""
            self.status = self._status
            return
        listing = listing_for(algorithm)
        marked = phase_lines(listing, step) if step is not None else ()
        if step is not None and self._line is not None:
            marked = pointed_lines(listing, self._line, step.phase) or marked
        notes = annotations(step, listing, code_values(step)) if step is not None else {}
        styles = self._styles
        if styles is None:  # once per style change (a theme, a class), not at every step
            band = self.get_component_rich_style("code-pane--marked", partial=False)
            styles = self._styles = {
                # the band's background and weight only: the syntax colours stay on the marked lines
                "marked": Style(bgcolor=band.bgcolor, bold=band.bold),
                "gutter": self.get_component_rich_style("code-pane--gutter", partial=True),
                "note": self.get_component_rich_style("code-pane--note", partial=True),
            }
            self._style_key = hash(tuple(styles.values()))
        rows = code_rows(listing, marked, notes, width, styles)
        row_lines = [line for _, line in rows]
        start = window(row_lines, height, marked, tuple(sorted(notes)))
        visible = rows[start : start + height]
        self._set([row for row, _ in visible], [row.plain for row, _ in visible], marked, notes)
        # The file name only: a title that changed at every step would repaint every row.
        self.border_title = listing.filename
        first, last = (visible[0][1] + 1, visible[-1][1] + 1) if visible else (0, 0)
        self._where = f"lines {first}\u2013{last} of {len(listing.lines)}"
        self.status = self._status

    def _set(self, rows: list[Text], plain: list[str], marked: tuple[int, ...], notes: dict[int, str]) -> None:
        before = self.plain_lines
        self._rows = rows
        self.plain_lines, self.marked_lines, self.notes = plain, marked, notes
        if len(before) != len(plain):
            self.refresh()
            return
        # Only the rows that read differently are painted again (Textual's cost is per row).
        width = self.content_size.width
        changed = [Region(0, y, width, 1) for y, (old, new) in enumerate(zip(before, plain)) if old != new]
        if changed:
            self.refresh(*changed)

    def notify_style_update(self) -> None:
        """A new theme or class: the styles and strips of the rows are built again."""
        super().notify_style_update()
        self._base = self._styles = None
        self._drawn = None  # the rows carry the old styles: build them again
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        """Row ``y`` of the pane's content, from the strip cache when that row reads as before."""
        width = self.content_size.width
        base = self._base
        if base is None:
            base = self._base = self.rich_style  # once per style change: it is not cheap per row
        if y >= len(self._rows) or width <= 0:
            return Strip.blank(max(width, 0), base)
        row = self._rows[y]
        # The styles of a row follow from its text (syntax colours, the mark) and the theme's styles.
        key = (row.plain, width, self._style_key)
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) > 4096:
                self._strips.clear()  # a new theme or many widths: start again
            # Text.render leaves out a Text's own style, so the widget's style goes under every segment here.
            segments = Segment.apply_style(row.render(self.app.console), base)
            strip = Strip(list(segments), row.cell_len).crop_extend(0, width, base)
            self._strips[key] = strip
        return strip

    @property
    def plain_text(self) -> str:
        """The rows on screen as plain text, the ``▶`` gutter included."""
        return "\n".join(self.plain_lines)

    @property
    def phase(self) -> Phase | None:
        """The phase of the step on screen."""
        return self._step.phase if self._step is not None else None
