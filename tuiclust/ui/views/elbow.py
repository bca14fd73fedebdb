"""The elbow view: choosing k for K-Means.

Inertia for k = 1..10 as a line with markers, the elbow that Kneedle finds
marked and written as ``suggested k = N``, and a table beside it with each
k's inertia and mean silhouette. Left and right move the selected k, Enter
runs K-Means with it, Escape goes back without changing anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static
from textual_plotext.plot import Plot

from ...analysis.cache import sample_rows
from ...analysis.elbow_curve import (
    ELBOW_CACHE,
    MAX_POINTS,
    SILHOUETTE_SAMPLE,
    ElbowCurve,
    ElbowPoint,
    elbow_key,
    elbow_points,
    finish_elbow,
    k_values,
)
from .curve_plot import CURVE, SELECTION, SUGGESTION, CurvePlot, label_over
from .curve_with_table import CurveTable, CurveWithTableView
from .formatting import nice_ticks, short_number

__all__ = ["ElbowTable", "ElbowView", "silhouette_bar"]

_PENDING = "\u2026"  # a k not computed yet
_EXPLANATION = (
    "Inertia always falls as k grows: with k = n it is 0. The elbow is where the fall suddenly "
    "slows down; past it, each new centre splits a real group instead of finding one.\n\n"
    "The silhouette (higher is better) is a second opinion: how much closer points are to their "
    "own cluster than to the next."
)
_BAR_WIDTH = 8  # cells for a silhouette of 1.0
_BAR_STYLE = Style(color="#{:02x}{:02x}{:02x}".format(*CURVE))
_SUGGESTION_STYLE = Style(color="#{:02x}{:02x}{:02x}".format(*SUGGESTION), bold=True)
# Share of the plot's height above the curve kept for labels.
_LABEL_BAND = 0.22
_EIGHTHS = " \u258f\u258e\u258d\u258c\u258b\u258a\u2589"


def silhouette_bar(value: float | None, width: int = _BAR_WIDTH) -> str:
    """A bar of eighth blocks for a silhouette in [0, 1] (empty for negative or None)."""
    if value is None or value <= 0:
        return ""
    eighths = int(round(min(value, 1.0) * width * 8))
    return "\u2588" * (eighths // 8) + (_EIGHTHS[eighths % 8] if eighths % 8 else "")


class ElbowTable(CurveTable):
    """k, inertia and mean silhouette, one row per k; the selected row reversed."""

    DEFAULT_CSS = """
    ElbowTable { width: 32; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("k \u00b7 inertia \u00b7 silhouette", **kwargs)

    def show(
        self, points: list[ElbowPoint], ks: tuple[int, ...], selected: int, suggested: int | None, best: int | None
    ) -> None:
        by_k = {p.k: p for p in points}
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, k in enumerate(ks):
            p = by_k.get(k)
            row_style = "reverse bold" if k == selected else ""
            if p is None:
                text.append(f"{k:>2} {_PENDING:>8}", style=row_style)
            else:
                sil = "  \u2013 " if p.silhouette is None else f"{p.silhouette:4.2f}"
                text.append(f"{k:>2} {short_number(p.inertia):>8}", style=row_style)
                if k == suggested:
                    mark_style = _SUGGESTION_STYLE + Style.parse(row_style) if row_style else _SUGGESTION_STYLE
                    text.append("\u25c6", style=mark_style)
                else:
                    text.append(" ", style=row_style)
                text.append(sil, style=row_style)
                text.append(" \u2605" if k == best else "  ", style="bold")
                text.append(silhouette_bar(p.silhouette), style=_BAR_STYLE)
            if i < len(ks) - 1:
                text.append("\n")
        text.append("\n\n")
        text.append("\u25c6", style=_SUGGESTION_STYLE)
        text.append(" elbow  \u2605 best silhouette", style="dim")
        self.update(text)


class ElbowView(CurveWithTableView):
    """Inertia and silhouette for k = 1..10 on the explorer's data; dismisses with the chosen k.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The data the explorer clusters.
    current_k : int
        The explorer's k: selected first, until the suggestion is known.
    init : str
        K-Means initialisation (the explorer's).
    seed : int
    data_name : str
        For the title.
    """

    PREFIX = "elbow"
    EXPLANATION = _EXPLANATION
    SIDE_WIDTH = 32
    WORDS = ("k \u2212 1", "k + 1", "Run with this k")

    def __init__(
        self, X: np.ndarray, *, current_k: int, init: str = "k-means++", seed: int = 0, data_name: str = "data"
    ) -> None:
        ks = k_values(X.shape[0])
        super().__init__(
            f"The elbow method \u00b7 choosing k for K-Means on {data_name} ({X.shape[0]:,} points)",
            tuple(ks),
            current_k,
        )
        self.X = X
        self.init = init if isinstance(init, str) else "k-means++"
        self.seed = seed
        self.ks = self.values
        self.total = len(self.ks)
        self.curve: ElbowCurve | None = None
        self._key = elbow_key(X, init=self.init, seed=seed)

    # ----------------------------------------------------------- layout
    def make_table(self) -> Widget:
        return ElbowTable(id="elbow-table")

    # ---------------------------------------------------------- computing
    def cached(self) -> ElbowCurve | None:
        return ELBOW_CACHE.get(self._key)

    def compute(self, report: Callable[[Any, str], None]) -> ElbowCurve:
        X, sampled = sample_rows(self.X, MAX_POINTS, seed=self.seed)
        points = []
        for i, point in enumerate(elbow_points(X, self.ks, init=self.init, seed=self.seed)):
            points.append(point)
            nxt = f"k = {self.ks[i + 1]}" if i + 1 < len(self.ks) else "the elbow"
            report(point, f"K-Means for k = {point.k} done; computing {nxt}\u2026")
        curve = finish_elbow(points, n_used=X.shape[0], n_total=self.X.shape[0], init=self.init)
        ELBOW_CACHE.put(self._key, curve)
        return curve

    def show_result(self, result: ElbowCurve) -> None:
        self.curve = result
        self.points = list(result.points)
        self.select_suggestion(result.suggested_k)
        if result.suggested_k is None:
            self.show_message(
                "No elbow found: the inertia falls without a clear bend, so it suggests no k. "
                "Look at the silhouette column instead; the data may have no clear groups."
            )
        else:
            self.show_message("")
        self.refresh_view()

    # ------------------------------------------------------------ drawing
    def refresh_view(self) -> None:
        suggested = self.curve.suggested_k if self.curve else None
        best = self.curve.best_silhouette_k if self.curve else None
        self.query_one(ElbowTable).show(self.points, self.ks, self.selected, suggested, best)
        self.query_one("#elbow-plot", CurvePlot).draw(self._paint)
        self.query_one("#elbow-info", Static).update(self.info_text())

    def _paint(self, plt: Plot, background: tuple[int, int, int]) -> None:
        plt.title("Inertia (sum of squared distances to the centres) against k")
        plt.xlabel("k, the number of clusters")
        plt.xticks(list(self.ks))
        plt.xlim(self.ks[0] - 0.3, self.ks[-1] + 0.3)
        if not self.points:
            return
        ks = [p.k for p in self.points]
        inertia = [p.inertia for p in self.points]
        top = max(max(inertia), 1e-12)
        # Inertia is never negative: from 0 up, so the fall reads at its true size. The band
        # above the highest point is kept free for the suggestion's label, so it never covers
        # the curve, wherever the elbow is.
        ceiling = top * (1 + _LABEL_BAND)
        plt.ylim(0, ceiling)
        plt.yticks(*nice_ticks(0, top, max(2, min(6, self.query_one("#elbow-plot").size.height // 4))))
        plt.vline(self.selected, SELECTION)
        plt.plot(ks, inertia, marker="braille", color=CURVE)
        plt.scatter(ks, inertia, marker="\u25cf", color=CURVE)
        suggested = self.curve.suggested_k if self.curve else None
        if suggested is not None and suggested in ks:
            y = inertia[ks.index(suggested)]
            plt.scatter([suggested], [y], marker="\u25c6", color=SUGGESTION)
            label_over(plt, f"\u25c6 suggested k = {suggested}", suggested, ceiling, self.ks, background)

    def info_text(self) -> str:
        """The lines under the plot: the selected k's numbers, the suggestion, what Enter does."""
        point = next((p for p in self.points if p.k == self.selected), None)
        parts = [f"[b]selected k = {self.selected}[/b]"]
        if point is not None:
            parts.append(f"inertia {short_number(point.inertia)}")
            sil = "\u2013 (needs k \u2265 2)" if point.silhouette is None else f"{point.silhouette:.3f}"
            parts.append(f"mean silhouette {sil}")
        lines = ["  \u00b7  ".join(parts)]
        if self.curve is not None:
            if self.curve.suggested_k is not None:
                lines.append(
                    f"[b]suggested k = {self.curve.suggested_k}[/b]: the elbow, where one more cluster "
                    "stops paying (Kneedle)"
                )
            else:
                lines.append("[b]suggested k = none[/b]: no elbow in the inertia curve")
            best = self.curve.best_silhouette_k
            if best is not None:
                # No-break spaces: "k = 3" never splits across lines.
                lines[-1] += f"; highest silhouette at k\u00a0=\u00a0{best}"
            notes = []
            if self.curve.sampled:
                notes.append(f"computed on a random sample of {self.curve.n_used:,} of {self.curve.n_total:,} points")
            if self.curve.n_used > SILHOUETTE_SAMPLE:
                notes.append(f"silhouettes estimated on {SILHOUETTE_SAMPLE:,} sampled points")
            if notes:
                lines.append(f"[dim]{'; '.join(notes)}[/]")
        return "\n".join(lines)
