"""The legend of the scatter pane: what the marks on screen mean, in one row that fits.

Entries are chosen from what the frame actually shows (no "noise" entry
before there is noise), most important first; on a narrow pane they get
short labels, then the least important ones are dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from rich.style import Style

from ..core.steps import Step
from .palette import CENTRE_CAPS, CENTRE_MARKER, MEAN_MARKER, Palette, cluster_marker
from .scatter_groups import (
    BORDER,
    CORE,
    CORE_PENDING,
    FAIRLY,
    MERGED,
    NOISE,
    POINT,
    SMALL,
    SURE_FROM,
    UNASSIGNED,
    UNCERTAIN,
    UNCERTAIN_BELOW,
    PointGroups,
)

__all__ = ["LegendItem", "Samples", "fit_legend", "legend_items", "legend_width"]

Samples = tuple[tuple[str, Style], ...]  # glyphs, each with its style


@dataclass(frozen=True)
class LegendItem:
    """One legend entry: sample marks, a label, and a short label for narrow panes."""

    samples: Samples
    label: str
    short: str


def _samples(
    groups: PointGroups, visible: np.ndarray, category: str, limit: int = 3, skip_cluster: int | None = None
) -> Samples:
    """Glyphs of the first few visible groups of one category, each in its own style."""
    picked = [
        g
        for g in np.flatnonzero(visible).tolist()
        if groups.category[g] == category and (skip_cluster is None or groups.cluster[g] != skip_cluster)
    ]
    return tuple((groups.glyphs[g], groups.styles[g]) for g in picked[:limit])


def _centre_sample(marker: str, palette: Palette) -> Samples:
    return (
        (CENTRE_CAPS[0], palette.centre_cap(0)),
        (marker, palette.centre(0)),
        (CENTRE_CAPS[1], palette.centre_cap(0)),
    )


def legend_items(step: Step | None, groups: PointGroups, visible: np.ndarray, palette: Palette) -> list[LegendItem]:
    """Legend entries for what the frame shows, most important first.

    Parameters
    ----------
    visible : ndarray of shape (n_groups,), bool
        Groups that have at least one mark on screen.
    """
    items: list[LegendItem] = []

    def add(category: str, label: str, short: str, skip_cluster: int | None = None) -> None:
        samples = _samples(groups, visible, category, skip_cluster=skip_cluster)
        if samples:
            items.append(LegendItem(samples, label, short))

    if step is None:
        add(UNASSIGNED, "data points", "data")
        return items
    if step.algorithm == "hdbscan":
        return _hdbscan_items(step, items, add, palette)
    if step.algorithm == "dbscan":
        active = step.active_cluster
        if active is not None and active in groups.cluster:
            sample = ((cluster_marker(active), palette.highlighted_point(active)),)
            items.append(LegendItem(sample, f"growing cluster {active}", f"growing {active}"))
        else:
            active = None
        add(CORE, "core", "core", skip_cluster=active)  # the growing one has its own entry
        add(CORE_PENDING, "core, no cluster yet", "core, waiting")
        add(BORDER, "border", "border")
        add(NOISE, "noise", "noise")
        add(UNASSIGNED, "not visited", "unvisited")
        return items
    if step.algorithm == "gmm":
        add(POINT, f"sure p≥{SURE_FROM:g}", f"≥{SURE_FROM:g}")
        add(FAIRLY, f"p {UNCERTAIN_BELOW:g}–{SURE_FROM:g}", f"{UNCERTAIN_BELOW:g}–{SURE_FROM:g}")
        add(UNCERTAIN, f"unsure p<{UNCERTAIN_BELOW:g}", f"<{UNCERTAIN_BELOW:g}")
        if step.centers is not None:
            items.append(LegendItem(_centre_sample(MEAN_MARKER, palette), "means", "mean"))
        if step.covariances is not None:
            items.append(LegendItem((("⠒⠒", palette.outline(0)),), "1σ", "1σ"))
            items.append(LegendItem((("⠒⠒", palette.outline(0, faint=True)),), "2σ", "2σ"))
        add(UNASSIGNED, "unassigned", "unassigned")
        return items
    if step.algorithm == "agglomerative" and any(c in (SMALL, MERGED) for c in groups.category):
        add(MERGED, "last merge", "merged")
        add(POINT, "largest clusters", "largest")
        add(SMALL, "smaller clusters", "smaller")
        return items
    add(POINT, "points", "points")
    if step.centers is not None:
        items.append(LegendItem(_centre_sample(CENTRE_MARKER, palette), "centres", "centres"))
    if step.previous_centers is not None:
        items.append(LegendItem((("⠶⠶", palette.line(0)),), "moved", "moved"))
    add(UNASSIGNED, "unassigned", "unassigned")
    return items


def _hdbscan_items(step: Step, items: list[LegendItem], add: Callable[..., None], palette: Palette) -> list[LegendItem]:
    """Legend entries of an HDBSCAN step, most important first.

    Parameters
    ----------
    items : list of LegendItem
        The legend's list; ``add(category, label, short)`` appends to it an
        entry for the visible groups of one category.

    Returns
    -------
    list of LegendItem
        ``items``, filled.
    """
    from ..core.steps import Phase
    from .scatter_hdbscan import DENSE, IN_TREE, MIDDLE, SMALL_PIECE, SPARSE, STRONG_FROM, WEAK_BELOW

    if step.phase is Phase.CORE_DISTANCES:
        add(DENSE, "dense (short core distance)", "dense")
        add(MIDDLE, "middle", "middle")
        add(SPARSE, "sparse (long core distance)", "sparse")
        return items
    if step.phase is Phase.SPANNING_TREE:
        items.append(LegendItem((("⠤⠤", palette.neutral),), "spanning-tree edges", "edges"))
        add(IN_TREE, "in the tree", "in tree")
        add(UNASSIGNED, "not yet", "not yet")
        return items
    if step.phase is Phase.DONE and step.point_values is not None:
        add(POINT, f"p≥{STRONG_FROM:g}", f"≥{STRONG_FROM:g}")
        add(FAIRLY, f"p {WEAK_BELOW:g}–{STRONG_FROM:g}", f"{WEAK_BELOW:g}–{STRONG_FROM:g}")
        add(UNCERTAIN, f"p<{WEAK_BELOW:g}", f"<{WEAK_BELOW:g}")
        add(NOISE, "noise", "noise")
        return items
    add(POINT, "clusters", "clusters")
    if step.phase is Phase.HIERARCHY:
        items.append(LegendItem((("⠤⠤", palette.line(0)),), "edges kept", "edges"))
        add(SMALL_PIECE, "smaller pieces", "small")
    add(NOISE, "noise", "noise")
    return items


def legend_width(chosen: list[tuple[Samples, str]]) -> int:
    marks = sum(sum(len(glyph) for glyph, _ in samples) + 1 + len(label) for samples, label in chosen)
    return marks + 2 * max(len(chosen) - 1, 0)


def fit_legend(items: list[LegendItem], room: int) -> list[tuple[Samples, str]]:
    """Long labels if all fit, else short ones, dropping the least important entries last."""
    long = [(item.samples, item.label) for item in items]
    if legend_width(long) <= room:
        return long
    short = [(item.samples, item.short) for item in items]
    while short and legend_width(short) > room:
        # First give up the extra sample glyphs, then whole entries from the end.
        trimmed = [(samples[:1], label) for samples, label in short]
        short = trimmed if trimmed != short else short[:-1]
    return short
