"""What the elbow and BIC/AIC views share: a curve, a table beside it, an info line below, and a selection.

Both choose one whole number (k, or the number of components) from a short
range: left and right move the selection, Enter dismisses the view with it,
Escape leaves without a choice (the :class:`LessonView` base).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Static

from .base import LessonView
from .curve_plot import CurvePlot

__all__ = ["CurveTable", "CurveWithTableView"]

# The explanation needs about ten lines under the table; shorter terminals skip it.
_EXPLANATION_MIN_HEIGHT = 34


class CurveTable(Static):
    """The bordered table beside the curve: one row per value of the parameter.

    Subclasses set their width in CSS and fill the text in their ``show``.
    """

    DEFAULT_CSS = """
    CurveTable {
        height: auto;
        padding: 0 1;
        border: round $primary;
        border-title-color: $text-primary;
    }
    """

    def __init__(self, title: str, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.border_title = title


class CurveWithTableView(LessonView[int]):
    """A lesson view laid out as a curve beside a table and an explanation, choosing one of :attr:`values`.

    Subclasses set :attr:`PREFIX` (the ids ``#<prefix>-plot``, ``-table``,
    ``-info``), :attr:`EXPLANATION`, :attr:`SIDE_WIDTH` and the words of the
    bindings, give their table in :meth:`make_table` and draw in
    :meth:`refresh_view`.

    Parameters
    ----------
    title : str
    values : tuple of int
        The choices, in order.
    current : int
        Selected first (clamped to the range), until a suggestion is known.
    """

    DEFAULT_CSS = """
    CurveWithTableView .curve-body { height: 1fr; }
    CurveWithTableView .curve-side { height: 1fr; }
    CurveWithTableView .curve-explain { padding: 1 1 0 1; color: $text-muted; height: 1fr; }
    CurveWithTableView .curve-info { height: auto; padding: 0 1; }
    """

    PREFIX: ClassVar[str] = "curve"
    EXPLANATION: ClassVar[str] = ""
    SIDE_WIDTH: ClassVar[int] = 32
    # (less, more, apply): the words in the Footer.
    WORDS: ClassVar[tuple[str, str, str]] = ("Less", "More", "Apply")

    def __init__(self, title: str, values: tuple[int, ...], current: int) -> None:
        super().__init__(title)
        self.values = tuple(values)
        self.selected = min(max(int(current), self.values[0]), self.values[-1])
        self.moved = False  # once the user moves, a late suggestion no longer takes the selection
        self.points: list[Any] = []

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Before Textual's own __init_subclass__, which merges the bindings.
        less, more, apply = cls.WORDS
        cls.BINDINGS = [
            Binding("left,h", "select(-1)", less, key_display="\u2190"),
            Binding("right,l", "select(1)", more, key_display="\u2192"),
            Binding("enter", "apply", apply),
        ]
        super().__init_subclass__(**kwargs)

    def make_table(self) -> Widget:
        """The table widget beside the plot (id ``<prefix>-table``)."""
        raise NotImplementedError

    def refresh_view(self) -> None:
        """Redraw the table, the curve and the info line for the current state."""
        raise NotImplementedError

    def compose_body(self) -> Iterable[Widget]:
        prefix = self.PREFIX
        with Horizontal(id=f"{prefix}-body", classes="curve-body"):
            yield CurvePlot(id=f"{prefix}-plot")
            with Vertical(id=f"{prefix}-side", classes="curve-side") as side:
                side.styles.width = self.SIDE_WIDTH
                yield self.make_table()
                yield Static(self.EXPLANATION, id=f"{prefix}-explain", classes="curve-explain")
        yield Static("", id=f"{prefix}-info", classes="curve-info")

    def on_resize(self) -> None:
        self.query_one(f"#{self.PREFIX}-explain").display = self.size.height >= _EXPLANATION_MIN_HEIGHT

    # ------------------------------------------------------------ shared steps
    def show_partial(self, item: Any) -> None:
        self.points.append(item)
        self.refresh_view()

    def select_suggestion(self, suggested: int | None) -> None:
        """Select ``suggested`` unless the user has already moved the selection."""
        if not self.moved and suggested is not None:
            self.selected = suggested

    def select_value(self, value: Any) -> None:
        """Select ``value`` (clamped to the range), as a lesson scene asks; a later suggestion keeps it."""
        self.selected = min(max(int(value), self.values[0]), self.values[-1])
        self.moved = True
        if self.is_mounted:
            self.refresh_view()

    def action_select(self, direction: int) -> None:
        """Move the selection left or right, stopping at the ends."""
        new = min(max(self.selected + direction, self.values[0]), self.values[-1])
        if new != self.selected:
            self.selected = new
            self.moved = True
            self.refresh_view()

    def action_apply(self) -> None:
        """Back to the explorer with the selected value."""
        self.dismiss(self.selected)
