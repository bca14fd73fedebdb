"""A plotext line plot that a view redraws from its own state.

The plots of the lesson views hold a few dozen points (ten k's, or a
k-distance curve thinned to a few points per column), so drawing them on the
UI thread costs little; the numbers behind them come from workers.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.color import Color
from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot

from tuiclust.errors import first_line

__all__ = ["CURVE", "SECOND_CURVE", "SELECTION", "SUGGESTION", "CurvePlot"]

# Okabe & Ito colours (colour-blind safe), as the scatter pane uses.
CURVE = (86, 180, 233)  # sky blue
SECOND_CURVE = (0, 158, 115)  # bluish green
SELECTION = (230, 159, 0)  # orange
SUGGESTION = (213, 94, 0)  # vermillion


class CurvePlot(PlotextPlot):
    """A plotext plot whose content is one drawing function.

    Call :meth:`draw` with a function of the plotext ``Plot``; it is run on
    a cleared figure, now and again whenever the view asks.
    """

    DEFAULT_CSS = """
    CurvePlot { width: 1fr; height: 1fr; min-height: 6; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._painter: Callable[[Plot, tuple[int, int, int]], None] | None = None

    @property
    def background(self) -> tuple[int, int, int]:
        """The plot's background colour (textual-plotext paints it with the theme's surface).

        plotext gives text labels a background of their own; this one makes them blend in.
        """
        try:
            return Color.parse(self.app.theme_variables.get("surface", "#000000")).rgb
        except Exception:  # noqa: BLE001 - no app or an odd theme: black is a safe guess
            return (0, 0, 0)

    def draw(self, painter: Callable[[Plot, tuple[int, int, int]], None] | None) -> None:
        """Replace the figure with what ``painter(plt, background)`` draws (None: empty)."""
        self._painter = painter
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        if painter is not None:
            try:
                painter(plt, self.background)
            except Exception as exc:  # noqa: BLE001 - a figure that cannot be drawn must not end the lesson
                plt.clear_data()
                plt.clear_figure()
                plt.title(f"this figure cannot be drawn: {first_line(exc)}")
        self.refresh()

    def on_resize(self) -> None:
        # Painters may place things by the plot's size (thinned curves): draw again.
        if self._painter is not None:
            self.draw(self._painter)


def label_over(
    plt: Plot, text: str, x: float, ceiling: float, xs: tuple[int, ...], background: tuple[int, int, int]
) -> None:
    """Write ``text`` in the label band at the top of the plot, above ``x``.

    The caller keeps the band (the y range just under ``ceiling``) free of
    curves, so the label covers nothing. It starts at ``x`` and runs right
    in the left half of the x range, and ends at ``x`` in the right half, so
    it stays inside the plot.
    """
    left_half = x <= (xs[0] + xs[-1]) / 2
    plt.text(
        text,
        x,
        ceiling,
        color=SUGGESTION,
        background=background,
        style="bold",
        alignment="left" if left_half else "right",
    )
