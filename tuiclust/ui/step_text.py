"""Words and numbers of one step, for the phase log and the parameter panel.

Pure functions of a :class:`~tuiclust.core.steps.Step`: the same step always
gives the same text, which is what makes stepping back exact. No Textual
import here, so these are cheap to test.
"""

from __future__ import annotations

from ..core.steps import Phase, PointKind, Step

__all__ = ["format_number", "log_line", "step_numbers", "MINUS"]

MINUS = "\u2212"  # a real minus sign reads better than a hyphen next to digits

# Phases that open or close a run: an "iter N" prefix would only repeat what the message says.
_NO_ITERATION_PREFIX = {Phase.INITIALIZE, Phase.CONVERGED, Phase.STOPPED}


def format_number(x: float | None, *, signed: bool = False) -> str:
    """A short human number: ``1,204.7``, ``12.35``, ``0.0123``, ``1.2e-07``; "–" for None."""
    if x is None:
        return "\u2013"
    if x != x:  # NaN
        return "nan"
    if x in (float("inf"), float("-inf")):
        return ("+" if x > 0 else MINUS) + "\u221e"
    ax = abs(x)
    if ax >= 1000:
        text = f"{ax:,.1f}"
    elif ax >= 0.01 or ax == 0:
        text = f"{ax:.4g}"
    else:
        text = f"{ax:.2e}"
    if x < 0:
        return MINUS + text
    return ("+" + text) if signed and x > 0 else text


def log_line(step: Step) -> str:
    """One line of the phase log, e.g. ``iter 3 · Assign · 12 points changed cluster``.

    Parameters
    ----------
    step : Step

    Returns
    -------
    str
        Plain text (no markup).
    """
    parts: list[str] = []
    if step.algorithm != "dbscan" and step.phase not in _NO_ITERATION_PREFIX:
        parts.append(f"iter {step.iteration}")
    label = step.phase.label
    # Messages like "Expand cluster 2 · +41 points" already name their phase.
    if not step.message.lower().startswith(label.lower()):
        if step.phase is Phase.EXPAND and step.active_cluster is not None and "cluster" not in step.message:
            label = f"{label} cluster {step.active_cluster}"
        parts.append(label)
    if step.message:
        parts.append(step.message.replace("\n", " "))
    return " \u00b7 ".join(parts)


def _sizes(sizes: tuple[int, ...], limit: int = 8) -> str:
    shown = " \u00b7 ".join(f"{s:,}" for s in sizes[:limit])
    if len(sizes) > limit:
        shown += f" \u00b7 +{len(sizes) - limit} more"
    return shown or "\u2013"


def step_numbers(step: Step) -> list[tuple[str, str]]:
    """The numbers of one step as (label, value) rows for the panel.

    K-Means: inertia, points moved or centre shift, cluster sizes. DBSCAN:
    clusters found, core / border / noise / unvisited counts. GMM:
    log-likelihood and its change, mixture weights. Every algorithm starts
    with the iteration and the phase.
    """
    rows: list[tuple[str, str]] = []
    if step.algorithm != "dbscan":  # DBSCAN has no rounds: the step number says where it is
        rows.append(("iteration", str(step.iteration)))
    rows.append(("phase", step.phase.label))
    if step.algorithm == "kmeans":
        rows.append(("inertia", format_number(step.inertia)))
        if step.points_moved is not None:
            rows.append(("moved", f"{step.points_moved:,} points"))
        if step.center_shift is not None:
            rows.append(("shift\u00b2", format_number(step.center_shift)))
        rows.append(("sizes", _sizes(step.cluster_sizes)))
    elif step.algorithm == "dbscan":
        found = step.n_clusters_found
        rows.append(("clusters", "\u2013" if found is None else str(found)))
        if step.active_cluster is not None:
            rows.append(("growing", f"cluster {step.active_cluster}"))
        if step.kind_counts is not None:
            counts = step.kind_counts
            rows.append(("core", f"{counts[PointKind.CORE]:,}"))
            rows.append(("border", f"{counts[PointKind.BORDER]:,}"))
            rows.append(("noise", f"{counts[PointKind.NOISE]:,}"))
            if counts[PointKind.UNVISITED]:
                rows.append(("unvisited", f"{counts[PointKind.UNVISITED]:,}"))
        if step.cluster_sizes:
            rows.append(("sizes", _sizes(step.cluster_sizes)))
    elif step.algorithm == "gmm":
        ll = step.log_likelihood
        rows.append(("log-lik.", "\u2013" if ll is None else f"{ll:,.4f}".replace("-", MINUS)))
        change = step.log_likelihood_change
        if change is not None and change not in (float("inf"), float("-inf")):
            rows.append(("change", format_number(change, signed=True)))
        if step.weights is not None:
            weights = " \u00b7 ".join(f"{w:.2f}" for w in step.weights[:8])
            if len(step.weights) > 8:
                weights += f" \u00b7 +{len(step.weights) - 8} more"
            rows.append(("weights", weights))
        if step.cluster_sizes:
            rows.append(("sizes", _sizes(step.cluster_sizes)))
    if step.note:
        rows.append(("note", step.note))
    return rows
