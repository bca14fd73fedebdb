"""The k-distance view: choosing eps for DBSCAN.

Every point's distance to its k-th nearest neighbour (k = min_samples, the
point itself counted first, as DBSCAN counts), sorted: flat through the
clusters, steep at the sparse points. Kneedle's knee of that curve is the
suggested eps. Left and right move a selected eps along the curve and say
how many points it would make core points; Enter runs DBSCAN with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Static
from textual_plotext.plot import Plot

from ...analysis.k_distance import K_DISTANCE_CACHE, KDistanceCurve, k_distance_curve, k_distance_key, round_eps
from .base import LessonView
from .curve_plot import CURVE, SELECTION, SUGGESTION, CurvePlot
from .formatting import nice_ticks, percent, short_number

__all__ = ["KDistanceView"]

_FINE_STEP = 0.01  # left / right move the selection by 1 % of the points


class KDistanceView(LessonView[float]):
    """The sorted k-distance curve of the explorer's data; dismisses with the chosen eps.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    min_samples : int
        DBSCAN's min_samples: the curve is the distance to the min_samples-th neighbour.
    current_eps : float
        The explorer's eps, shown as a reference line.
    data_name : str
    """

    DEFAULT_CSS = """
    KDistanceView #kdist-plot { height: 1fr; }
    KDistanceView #kdist-info { height: auto; padding: 0 1; }
    """

    BINDINGS = [
        Binding("left,h", "move(-1)", "Smaller eps", key_display="\u2190"),
        Binding("right,l", "move(1)", "Larger eps", key_display="\u2192"),
        Binding("shift+left,H", "move(-10)", "Much smaller", key_display="\u21e7\u2190", show=False),
        Binding("shift+right,L", "move(10)", "Much larger", key_display="\u21e7\u2192", show=False),
        Binding("home", "to_knee", "Back to the knee", show=False),
        Binding("enter", "apply", "Run with this eps"),
    ]

    total = 1

    def __init__(self, X: np.ndarray, *, min_samples: int, current_eps: float, data_name: str = "data") -> None:
        super().__init__(
            f"k-distance plot \u00b7 choosing eps for DBSCAN on {data_name} "
            f"({X.shape[0]:,} points, min_samples {min_samples})"
        )
        self.X = X
        self.min_samples = int(min_samples)
        self.current_eps = float(current_eps)
        self.curve: KDistanceCurve | None = None
        self.selected_index: int | None = None
        self._chosen_eps: float | None = None  # an eps a lesson scene selected, shown as written
        self._key = k_distance_key(X, self.min_samples)

    def compose_body(self) -> Iterable[Widget]:
        yield CurvePlot(id="kdist-plot")
        yield Static("", id="kdist-info")

    # ---------------------------------------------------------- computing
    def cached(self) -> KDistanceCurve | None:
        return K_DISTANCE_CACHE.get(self._key)

    def compute(self, report: Callable[[Any, str], None]) -> KDistanceCurve:
        curve = k_distance_curve(self.X, self.min_samples)
        K_DISTANCE_CACHE.put(self._key, curve)
        report(None, "nearest neighbours found")
        return curve

    def show_result(self, result: KDistanceCurve) -> None:
        self.curve = result
        self.selected_index = result.suggested_index if self._chosen_eps is None else result.index_of(self._chosen_eps)
        if result.knee_index is None:
            self.show_message(
                "No knee found: the curve rises without a clear bend. The suggestion falls back to the "
                "distance that 90 % of the points stay under."
            )
        self._refresh()

    @property
    def selected_eps(self) -> float | None:
        """The eps under the selection, rounded up to 3 significant digits (what Enter applies)."""
        if self.curve is None or self.selected_index is None:
            return None
        if self._chosen_eps is not None:
            return self._chosen_eps
        if self.selected_index == self.curve.suggested_index:
            return round_eps(self.curve.suggested_eps)
        return round_eps(self.curve.eps_at(self.selected_index))

    # ------------------------------------------------------------ drawing
    def _refresh(self) -> None:
        self.query_one("#kdist-plot", CurvePlot).draw(self._paint)
        self.query_one("#kdist-info", Static).update(self.info_text())

    def _paint(self, plt: Plot, background: tuple[int, int, int]) -> None:
        curve = self.curve
        k = self.min_samples
        plt.title(f"Distance of each point to its neighbour number {k} (itself counted first), sorted")
        plt.xlabel("points, sorted by that distance")
        if curve is None:
            return
        width = max(20, self.query_one("#kdist-plot").size.width)
        xs, ys = curve.display_curve(4 * width)
        top = float(ys[-1]) or 1.0
        plt.ylim(0, top * 1.08)
        plt.xlim(0, max(curve.n - 1, 1))
        height = self.query_one("#kdist-plot").size.height
        plt.yticks(*nice_ticks(0, top * 1.08, max(2, min(6, height // 4))))
        plt.xticks(*nice_ticks(0, curve.n - 1, max(2, min(8, width // 16))))
        if self.current_eps <= top * 1.08:
            plt.hline(self.current_eps, "gray")
        plt.plot(xs.tolist(), ys.tolist(), marker="braille", color=CURVE)
        if self.selected_index is not None:
            eps = self.selected_eps or 0.0
            plt.hline(eps, SELECTION)
            plt.vline(self.selected_index, SELECTION)
        knee = curve.suggested_index
        y = curve.suggested_eps
        plt.scatter([knee], [y], marker="\u25c6", color=SUGGESTION)
        # Left of and above the knee the plot is empty: the curve rises slowly, then steeply.
        label = f"suggested eps = {short_number(round_eps(y), 3)} \u2198"
        plt.text(
            label,
            max(knee - 0.02 * curve.n, 0),
            min(y + 0.3 * top, top),
            color=SUGGESTION,
            background=background,
            style="bold",
            alignment="right",
        )

    def info_text(self) -> str:
        curve = self.curve
        if curve is None:
            return ""
        eps = self.selected_eps or 0.0
        knee_words = (
            f"the knee (Kneedle), at point {curve.knee_index + 1:,} of {curve.n:,}"
            if curve.knee_index is not None
            else "no knee, so the distance 90 % of the points stay under"
        )
        return "\n".join(
            [
                f"[b]selected eps = {short_number(eps)}[/b] \u2192 {percent(curve.core_fraction(eps))} of the points "
                f"are core points (\u2265 {curve.k} points within eps, themselves included)",
                f"[b]suggested eps = {short_number(round_eps(curve.suggested_eps))}[/b]: {knee_words} "
                f"\u00b7 [dim]grey line: the explorer's eps {short_number(self.current_eps)} \u00b7 shift+\u2190\u2192 "
                "move 10 times as far, home goes back to the knee[/]",
            ]
        )

    def select_value(self, value: Any) -> None:
        """Select the eps ``value`` (a lesson scene's choice): the line at that eps, the curve where it crosses."""
        self._chosen_eps = float(value)
        if self.curve is not None:
            self.selected_index = self.curve.index_of(self._chosen_eps)
            self._refresh()

    # ------------------------------------------------------------ actions
    def action_move(self, steps: int) -> None:
        """Move the selection along the curve by ``steps`` hundredths of the points."""
        if self.curve is None or self.selected_index is None:
            return
        self._chosen_eps = None
        n = self.curve.n
        stride = max(1, int(round(n * _FINE_STEP)))
        self.selected_index = min(max(self.selected_index + steps * stride, 0), n - 1)
        self._refresh()

    def action_to_knee(self) -> None:
        if self.curve is not None:
            self._chosen_eps = None
            self.selected_index = self.curve.suggested_index
            self._refresh()

    def action_apply(self) -> None:
        """Back to the explorer with the selected eps."""
        eps = self.selected_eps
        if eps is None or eps <= 0:
            self.notify("No eps to apply yet (or eps would be 0): move the selection up the curve.", timeout=3)
            return
        self.dismiss(eps)
