"""Words and numbers of one step, for the phase log and the parameter panel.

Pure functions of a :class:`~tuiclust.core.steps.Step`: the same step always
gives the same text, which is what makes stepping back exact. No Textual
import here, so these are cheap to test.
"""

from __future__ import annotations

import re

from tuiclust.pipeline.vocabulary import ALGORITHMS

from ..core.numbers import format_change
from ..core.steps import Phase, PointKind, Step

__all__ = ["MINUS", "code_values", "format_number", "log_line", "step_numbers"]

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
    if _counts_rounds(step) and step.phase not in _NO_ITERATION_PREFIX:
        parts.append(f"iter {step.iteration}")
    label = step.phase.label
    # Messages like "Expand cluster 2 · +41 points" already name their phase; "Assigned ..."
    # does not name "Assign" (a whole word must match), so every line reads "iter N · Assign · ...".
    if not re.match(rf"{re.escape(label)}\b", step.message, re.IGNORECASE):
        if step.phase is Phase.EXPAND and step.active_cluster is not None and "cluster" not in step.message:
            label = f"{label} cluster {step.active_cluster}"
        parts.append(label)
    if step.message:
        parts.append(step.message.replace("\n", " "))
    return " \u00b7 ".join(parts)


def _counts_rounds(step: Step) -> bool:
    """True when the step's iteration is a round (K-Means, EM), not a step count (DBSCAN ...)."""
    entry = ALGORITHMS.get(step.algorithm)
    return entry.rounds if entry is not None else False


def _sizes(sizes: tuple[int, ...], limit: int = 8) -> str:
    shown = " \u00b7 ".join(f"{s:,}" for s in sizes[:limit])
    if len(sizes) > limit:
        shown += f" \u00b7 +{len(sizes) - limit} more"
    return shown or "\u2013"


def _inertia(step: Step) -> list[tuple[str, str]]:
    rows = [("inertia", format_number(step.inertia))]
    if step.points_moved is not None:
        rows.append(("moved", f"{step.points_moved:,} points"))
    if step.center_shift is not None:
        rows.append(("shift\u00b2", format_number(step.center_shift)))
    return rows


def _clusters(step: Step) -> list[tuple[str, str]]:
    found = step.n_clusters_found
    rows = [("clusters", "\u2013" if found is None else str(found))]
    if step.active_cluster is not None:
        rows.append(("growing", f"cluster {step.active_cluster}"))
    return rows


def _kinds(step: Step) -> list[tuple[str, str]]:
    if step.kind_counts is None:
        return []
    counts = step.kind_counts
    rows = [(kind.name.lower(), f"{counts[kind]:,}") for kind in (PointKind.CORE, PointKind.BORDER, PointKind.NOISE)]
    if counts[PointKind.UNVISITED]:
        rows.append(("unvisited", f"{counts[PointKind.UNVISITED]:,}"))
    return rows


def _log_likelihood(step: Step) -> list[tuple[str, str]]:
    ll = step.log_likelihood
    rows = [("log-lik.", "\u2013" if ll is None else f"{ll:,.4f}".replace("-", MINUS))]
    change = step.log_likelihood_change
    if change is not None and change not in (float("inf"), float("-inf")):
        # The phase log's formatter: the panel and the log show the same number (±0 within rounding).
        rows.append(("change", format_change(change, ll)))
    return rows


def _weights(step: Step) -> list[tuple[str, str]]:
    if step.weights is None:
        return []
    # Plain spaces: three weights fit the narrow panel of an 80-column terminal.
    weights = " ".join(f"{w:.2f}" for w in step.weights[:8])
    if len(step.weights) > 8:
        weights += f" +{len(step.weights) - 8} more"
    return [("weights", weights)]


def _cluster_sizes(step: Step) -> list[tuple[str, str]]:
    return [("sizes", _sizes(step.cluster_sizes))]


def _found_sizes(step: Step) -> list[tuple[str, str]]:
    return _cluster_sizes(step) if step.cluster_sizes else []


#: The panel's number groups by name: an algorithm's vocabulary entry lists the ones it shows.
NUMBER_ROWS = {
    "inertia": _inertia,
    "clusters": _clusters,
    "kinds": _kinds,
    "log_likelihood": _log_likelihood,
    "weights": _weights,
    "sizes": _cluster_sizes,  # always a row ("–" before any cluster exists)
    "found_sizes": _found_sizes,  # a row once clusters exist
}


def step_numbers(step: Step) -> list[tuple[str, str]]:
    """The numbers of one step as (label, value) rows for the panel.

    Every algorithm starts with the iteration (where it counts rounds) and
    the phase, then the groups its vocabulary entry names (``numbers``):
    K-Means inertia, points moved or centre shift, cluster sizes; DBSCAN
    clusters found and core / border / noise / unvisited counts; GMM the
    log-likelihood and its change, and the mixture weights.
    """
    rows: list[tuple[str, str]] = []
    if _counts_rounds(step):  # otherwise the step number says where it is
        rows.append(("iteration", str(step.iteration)))
    rows.append(("phase", step.phase.label))
    entry = ALGORITHMS.get(step.algorithm)
    for name in entry.numbers if entry is not None else ("sizes",):
        rows.extend(NUMBER_ROWS[name](step))
    if step.note:
        rows.append(("note", step.note))
    return rows


# ------------------------------------------------------------- the code pane
_DOT = " \u00b7 "


def _row(rows: list[tuple[str, str]], label: str) -> str | None:
    return next((value for name, value in rows if name == label), None)


def code_values(step: Step) -> list[tuple[str, str]]:
    """The values the code pane writes beside the marked lines, in the panel's own numbers.

    Each text is built from the very strings the panel shows for the step
    (the rows of :func:`step_numbers`), so the two can never disagree;
    what the panel has no row for (k, the soft counts ``Nk``, how a loop
    ended) is written from the step's fields with :func:`format_number`.

    Parameters
    ----------
    step : Step

    Returns
    -------
    list of (str, str)
        (value name, text) pairs: the names are the value marks of the
        listings (:mod:`tuiclust.listings`), e.g. ``("changed", "changed = 25")``.
        Empty for an algorithm without a listing.
    """
    phase = step.phase
    values: list[tuple[str, str]] = []
    if step.algorithm == "kmeans":
        rows = _inertia(step)
        if phase is Phase.INITIALIZE and step.centers is not None:
            values.append(("k", f"k = {len(step.centers)}"))
        elif phase is Phase.ASSIGN:
            if step.points_moved is not None:
                values.append(("changed", f"changed = {step.points_moved:,}"))
            values.append(("inertia", f"inertia = {_row(rows, 'inertia')}"))
        elif phase is Phase.UPDATE:
            values.append(("sizes", f"sizes = {_sizes(step.cluster_sizes)}"))
            if step.center_shift is not None:
                values.append(("shift", "shift = " + str(_row(rows, "shift\u00b2"))))
        elif phase in (Phase.CONVERGED, Phase.STOPPED):
            values.append(("iterations", _ending(step)))
            values.append(("inertia", f"inertia = {_row(rows, 'inertia')}"))
    elif step.algorithm == "dbscan":
        kinds = _kinds(step)
        if phase is Phase.NEIGHBOURHOODS and kinds:
            values.append(("core", f"core = {_row(kinds, 'core')}"))
        elif phase is Phase.EXPAND and step.active_cluster is not None:
            text = f"cluster = {step.active_cluster}"
            if step.points_added is not None:
                text += f"{_DOT}+{step.points_added:,} point{'s' if step.points_added != 1 else ''}"
            values.append(("grow", text))
        elif phase is Phase.BORDER and kinds:
            values.append(("border", f"border = {_row(kinds, 'border')}"))
        elif phase is Phase.NOISE and kinds:
            values.append(("noise", f"noise = {_row(kinds, 'noise')}"))
        elif phase is Phase.DONE and kinds:
            clusters = _row(_clusters(step), "clusters")
            values.append(("noise", f"clusters = {clusters}{_DOT}noise = {_row(kinds, 'noise')}"))
    elif step.algorithm == "gmm":
        weights = _row(_weights(step), "weights")
        shown_weights = None
        if weights:
            listed, _, more = weights.partition(" +")  # the panel's "0.10 0.20 ... +4 more"
            shown_weights = "weights = " + _DOT.join(listed.split(" ") + ([f"+{more}"] if more else []))
        if phase is Phase.INITIALIZE and shown_weights:
            values.append(("weights", shown_weights))
        elif phase is Phase.E_STEP:
            rows = _log_likelihood(step)
            values.append(("log_lik", f"log_lik = {_row(rows, 'log-lik.')}"))
            change = _row(rows, "change")
            if change is not None:
                values.append(("change", f"change = {change}"))
            elif step.log_likelihood_change is not None:
                values.append(("change", "change = \u221e (first round)"))
        elif phase is Phase.M_STEP and step.weights is not None:
            # Nk = weights * n: the listing's weights are Nk / Nk.sum(), and the Nk sum to n.
            soft = [float(w) * step.n_samples for w in step.weights]
            values.append(("Nk", "Nk = " + _DOT.join(f"{c:,.0f}" if c >= 10 else f"{c:.1f}" for c in soft)))
            if shown_weights:
                values.append(("weights", shown_weights))
        elif phase in (Phase.CONVERGED, Phase.STOPPED):
            values.append(("iterations", _ending(step)))
            if step.cluster_sizes:
                values.append(("final", f"sizes = {_sizes(step.cluster_sizes)}"))
    return values


def _ending(step: Step) -> str:
    """How the loop ended: ``iteration = 7 · converged`` or ``iteration = 100 · not converged``."""
    return f"iteration = {step.iteration}{_DOT}{'converged' if step.converged else 'not converged'}"
