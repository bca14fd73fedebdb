"""The words of the agglomerative story: one line per step for the phase log.

Kept apart from the arithmetic (:mod:`tuiclust.core.agglomerative`,
:mod:`tuiclust.core.agglomerative_tree`) so that wording can change without
touching a number, and the numbers can be tested without parsing text.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "LINKAGE_RULE",
    "chunk_message",
    "cut_message",
    "done_message",
    "format_distance",
    "single_merge_message",
    "start_message",
]

#: What each linkage calls the distance between two clusters (for the Start line and help texts).
LINKAGE_RULE = {
    "ward": "the pair whose union adds the least variance",
    "complete": "the pair whose farthest points are nearest",
    "average": "the pair with the smallest mean distance",
    "single": "the pair with the nearest two points",
}

# Sizes listed in the Done line before "..." takes over.
_SIZES_SHOWN = 6


def format_distance(d: float) -> str:
    """A merge distance for a log line: four significant digits, ``1.234``, ``0.0123``, ``1.2e+04``."""
    return f"{d:.4g}"


def start_message(n_samples: int, linkage: str) -> str:
    """``"300 points, each its own cluster · ward linkage merges the pair whose union ..."``."""
    return f"{_count(n_samples, 'point')}, each its own cluster · {linkage} linkage merges {LINKAGE_RULE[linkage]}"


def chunk_message(n_merges: int, largest_distance: float, clusters_left: int) -> str:
    """A step of many merges: how many, the largest distance so far, clusters remaining."""
    return (
        f"{_count(n_merges, 'merge')} · largest distance so far {format_distance(largest_distance)}"
        f" · {_count(clusters_left, 'cluster')} left"
    )


def single_merge_message(
    size_first: int, size_second: int, distance: float, clusters_left: int, *, above_cut: bool
) -> str:
    """One merge on its own step: the two sizes, its distance, clusters remaining, and whether the cut undoes it."""
    big, small = max(size_first, size_second), min(size_first, size_second)
    message = (
        f"Joined clusters of {big:,} and {small:,} point{'s' if small != 1 else ''}"
        f" at distance {format_distance(distance)} · {_count(clusters_left, 'cluster')} left"
    )
    if above_cut:
        message += " · above the cut"
    return message


def cut_message(
    n_clusters: int,
    *,
    threshold: float | None,
    below: float | None,
    above: float | None,
) -> str:
    """The Cut line.

    Parameters
    ----------
    n_clusters : int
        Clusters after the cut.
    threshold : float or None
        The distance threshold when the cut is by distance; None when by
        number of clusters.
    below, above : float or None
        Distance of the last merge kept and of the first merge undone (None
        when there is none).
    """
    clusters = _count(n_clusters, "cluster")
    if threshold is not None:
        return f"Cut the tree at distance {format_distance(threshold)}: {clusters} (merges at or above it undone)"
    if above is None:
        return f"Cut the tree into {clusters}: no merge undone"
    if below is None:
        return f"Cut the tree into {clusters}: every merge undone"
    between = f"between merge distances {format_distance(below)} and {format_distance(above)}"
    return f"Cut the tree into {clusters}, {between}"


def done_message(sizes: Sequence[int]) -> str:
    """``"3 clusters of 150, 100, 50 points"``, largest first, the list shortened past a few."""
    ordered = sorted(sizes, reverse=True)
    shown = ", ".join(f"{s:,}" for s in ordered[:_SIZES_SHOWN])
    if len(ordered) > _SIZES_SHOWN:
        shown += ", ..."
    if len(ordered) == 1:
        return f"1 cluster of {_count(ordered[0], 'point')}"
    return f"{len(ordered):,} clusters of {shown} points"


def _count(k: int, noun: str) -> str:
    """``"1 merge"``, ``"3,000 merges"``."""
    return f"{k:,} {noun}" if k == 1 else f"{k:,} {noun}s"
