"""The layout the elbow and BIC/AIC views share: a curve, a table beside it, an info line below."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, TypeVar

from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Static

from .base import LessonView
from .curve_plot import CurvePlot

__all__ = ["CurveWithTableView", "CurveTable"]

R = TypeVar("R")

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


class CurveWithTableView(LessonView[R]):
    """A lesson view laid out as ``#<prefix>-plot`` beside a table and an explanation.

    Subclasses set :attr:`PREFIX` and :attr:`EXPLANATION` and give their table
    widget in :meth:`make_table`; their CSS styles the ``#<prefix>-...`` ids.
    """

    PREFIX: ClassVar[str] = "curve"
    EXPLANATION: ClassVar[str] = ""

    def make_table(self) -> Widget:
        """The table widget beside the plot (id ``<prefix>-table``)."""
        raise NotImplementedError

    def compose_body(self) -> Iterable[Widget]:
        prefix = self.PREFIX
        with Horizontal(id=f"{prefix}-body"):
            yield CurvePlot(id=f"{prefix}-plot")
            with Vertical(id=f"{prefix}-side"):
                yield self.make_table()
                yield Static(self.EXPLANATION, id=f"{prefix}-explain")
        yield Static("", id=f"{prefix}-info")

    def on_resize(self) -> None:
        self.query_one(f"#{self.PREFIX}-explain").display = self.size.height >= _EXPLANATION_MIN_HEIGHT
