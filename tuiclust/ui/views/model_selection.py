"""The model-selection view: choosing the number of Gaussian components with BIC and AIC.

Both criteria are the fit's -2 log-likelihood plus a price for every free
parameter; the lowest value is the best trade-off between fitting the data
and keeping the model small. BIC (the suggestion) charges more per parameter
as the data grows, AIC a fixed 2, so AIC often asks for more components.
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
from ...analysis.information_criteria import (
    CRITERIA_CACHE,
    MAX_POINTS,
    CriteriaCurve,
    CriteriaPoint,
    component_counts,
    criteria_key,
    criteria_points,
    finish_criteria,
)
from .curve_plot import CURVE, SECOND_CURVE, SELECTION, SUGGESTION, CurvePlot, label_over
from .curve_with_table import CurveTable, CurveWithTableView
from .formatting import nice_ticks, short_number

__all__ = ["CriteriaTable", "ModelSelectionView"]

_PENDING = "\u2026"
_BIC_MARK = "\u25c6"
_AIC_MARK = "\u25b2"
_BIC_STYLE = Style(color="#{:02x}{:02x}{:02x}".format(*SUGGESTION), bold=True)
_AIC_STYLE = Style(color="#{:02x}{:02x}{:02x}".format(*SECOND_CURVE), bold=True)
_EXPLANATION = (
    "More components always fit at least as well, so the likelihood alone would always ask for more. "
    "BIC and AIC add a price per parameter; the lowest value is the best trade-off.\n\n"
    "BIC's price grows with the number of points, AIC's does not: AIC often asks for more components."
)


class CriteriaTable(CurveTable):
    """Components, BIC and AIC, one row per count; the selected row reversed."""

    DEFAULT_CSS = """
    CriteriaTable { width: 30; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("components \u00b7 BIC \u00b7 AIC", **kwargs)

    def show(
        self,
        points: list[CriteriaPoint],
        counts: tuple[int, ...],
        selected: int,
        best_bic: int | None,
        best_aic: int | None,
    ) -> None:
        by_n = {p.n_components: p for p in points}
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, n in enumerate(counts):
            p = by_n.get(n)
            row_style = "reverse bold" if n == selected else ""
            if p is None:
                text.append(f"{n:>2} {_PENDING:>9}", style=row_style)
            elif p.bic is None:
                text.append(f"{n:>2}  fit failed", style=row_style)
            else:
                text.append(f"{n:>2} {short_number(p.bic):>9}", style=row_style)
                text.append(_BIC_MARK if n == best_bic else " ", style=_mark_style(_BIC_STYLE, row_style))
                text.append(f"{short_number(p.aic):>9}", style=row_style)
                text.append(_AIC_MARK if n == best_aic else " ", style=_mark_style(_AIC_STYLE, row_style))
            if i < len(counts) - 1:
                text.append("\n")
        text.append("\n\n")
        text.append(_BIC_MARK, style=_BIC_STYLE)
        text.append(" lowest BIC  ", style="dim")
        text.append(_AIC_MARK, style=_AIC_STYLE)
        text.append(" lowest AIC", style="dim")
        self.update(text)


def _mark_style(mark: Style, row_style: str) -> Style | str:
    return mark + Style.parse(row_style) if row_style else mark


class ModelSelectionView(CurveWithTableView):
    """BIC and AIC for 1..10 components on the explorer's data; dismisses with the chosen count.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    current_components : int
    covariance_type : str
        The explorer's covariance type (the criteria count its parameters).
    seed : int
    data_name : str
    """

    PREFIX = "criteria"
    EXPLANATION = _EXPLANATION
    SIDE_WIDTH = 30
    WORDS = ("Fewer", "More", "Run with this many")

    def __init__(
        self,
        X: np.ndarray,
        *,
        current_components: int,
        covariance_type: str = "full",
        seed: int = 0,
        data_name: str = "data",
    ) -> None:
        super().__init__(
            f"Model selection \u00b7 Gaussian components for {data_name} "
            f"({X.shape[0]:,} points, {covariance_type} covariance)",
            tuple(component_counts(X.shape[0])),
            current_components,
        )
        self.X = X
        self.covariance_type = covariance_type
        self.seed = seed
        self.counts = self.values
        self.total = len(self.counts)
        self.curve: CriteriaCurve | None = None
        self._key = criteria_key(X, covariance_type=covariance_type, seed=seed)

    def make_table(self) -> Widget:
        return CriteriaTable(id="criteria-table")

    # ---------------------------------------------------------- computing
    def cached(self) -> CriteriaCurve | None:
        return CRITERIA_CACHE.get(self._key)

    def compute(self, report: Callable[[Any, str], None]) -> CriteriaCurve:
        X, _ = sample_rows(self.X, MAX_POINTS, seed=self.seed)
        points = []
        for i, point in enumerate(
            criteria_points(X, self.counts, covariance_type=self.covariance_type, seed=self.seed)
        ):
            points.append(point)
            nxt = f"{self.counts[i + 1]} components" if i + 1 < len(self.counts) else "the lowest values"
            report(
                point, f"{point.n_components} component{'s' if point.n_components > 1 else ''} fitted; now {nxt}\u2026"
            )
        curve = finish_criteria(
            points, covariance_type=self.covariance_type, n_used=X.shape[0], n_total=self.X.shape[0]
        )
        CRITERIA_CACHE.put(self._key, curve)
        return curve

    def show_result(self, result: CriteriaCurve) -> None:
        self.curve = result
        self.points = list(result.points)
        self.select_suggestion(result.suggested)
        if result.suggested is None:
            self.show_message("Every fit failed, so there is nothing to suggest; see the table for the reasons.")
        self.refresh_view()

    # ------------------------------------------------------------ drawing
    def refresh_view(self) -> None:
        best_bic = self.curve.best_bic if self.curve else None
        best_aic = self.curve.best_aic if self.curve else None
        self.query_one(CriteriaTable).show(self.points, self.counts, self.selected, best_bic, best_aic)
        self.query_one("#criteria-plot", CurvePlot).draw(self._paint)
        self.query_one("#criteria-info", Static).update(self.info_text())

    def _paint(self, plt: Plot, background: tuple[int, int, int]) -> None:
        plt.title("BIC and AIC against the number of components (lower is better)")
        plt.xlabel("components")
        plt.xticks(list(self.counts))
        plt.xlim(self.counts[0] - 0.3, self.counts[-1] + 0.3)
        scored = [p for p in self.points if p.bic is not None]
        if not scored:
            return
        ns = [p.n_components for p in scored]
        bic = [p.bic for p in scored]
        aic = [p.aic for p in scored]
        lo, hi = min(bic + aic), max(bic + aic)
        span = (hi - lo) or max(abs(hi), 1.0)
        # A band above both curves is kept free for the suggestion's label.
        ceiling = hi + 0.25 * span
        plt.ylim(lo - 0.05 * span, ceiling)
        rows = self.query_one("#criteria-plot").size.height
        plt.yticks(*nice_ticks(lo - 0.05 * span, hi, max(2, min(6, rows // 4))))
        plt.vline(self.selected, SELECTION)
        plt.plot(ns, aic, marker="braille", color=SECOND_CURVE)
        plt.scatter(ns, aic, marker="\u25b2", color=SECOND_CURVE, label="AIC")
        plt.plot(ns, bic, marker="braille", color=CURVE)
        plt.scatter(ns, bic, marker="\u25cf", color=CURVE, label="BIC")
        if self.curve is not None and self.curve.best_bic is not None:
            n = self.curve.best_bic
            plt.scatter([n], [bic[ns.index(n)]], marker="\u25c6", color=SUGGESTION)
            label_over(plt, f"\u25c6 suggested: {n}", n, ceiling, self.counts, background)

    def info_text(self) -> str:
        point = next((p for p in self.points if p.n_components == self.selected), None)
        parts = [f"[b]selected: {self.selected} component{'s' if self.selected > 1 else ''}[/b]"]
        if point is not None:
            if point.bic is None:
                parts.append(f"the fit failed: {point.error}")
            else:
                parts.append(f"BIC {short_number(point.bic)}")
                parts.append(f"AIC {short_number(point.aic)}")
                if not point.converged:
                    parts.append("EM stopped before converging")
        lines = ["  \u00b7  ".join(parts)]
        if self.curve is not None and self.curve.suggested is not None:
            aic_note = ""
            if self.curve.best_aic is not None and self.curve.best_aic != self.curve.best_bic:
                aic_note = f"; AIC, with a smaller price per parameter, is lowest at {self.curve.best_aic}"
            lines.append(f"[b]suggested: {self.curve.suggested} components[/b], the lowest BIC{aic_note}")
            if self.curve.sampled:
                lines.append(
                    f"[dim]computed on a random sample of {self.curve.n_used:,} of {self.curve.n_total:,} points[/]"
                )
        return "\n".join(lines)
