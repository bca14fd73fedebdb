"""How the points of a step are grouped for drawing: by cluster and by kind.

Each group has a marker, a style and a rank. Binning keeps, for every cell,
the group of highest rank present (then the most numerous), so that rare
but telling points (a DBSCAN core point among unvisited ones) stay visible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.style import Style

from ..core.steps import Phase, PointKind, Step
from .palette import NOISE_MARKER, UNASSIGNED_MARKER, Palette, cluster_marker

__all__ = [
    "BORDER",
    "CORE",
    "CORE_PENDING",
    "DISTINCT_CLUSTERS",
    "FAIRLY",
    "MERGED",
    "NOISE",
    "POINT",
    "SMALL",
    "SMALL_MARKER",
    "SURE_FROM",
    "UNASSIGNED",
    "UNCERTAIN",
    "UNCERTAIN_BELOW",
    "PointGroups",
    "n_clusters",
    "point_groups",
]

UNCERTAIN_BELOW = 0.6  # GMM: a top responsibility below this is drawn as uncertain
SURE_FROM = 0.9  # GMM: from this top responsibility on, a point is drawn as sure

# What a group of points is, for the legend.
UNASSIGNED, NOISE, CORE_PENDING, POINT, CORE, BORDER, UNCERTAIN = (
    "unassigned",
    "noise",
    "core_pending",
    "point",
    "core",
    "border",
    "uncertain",
)
FAIRLY = "fairly"  # GMM: top responsibility between UNCERTAIN_BELOW and SURE_FROM
# Agglomerative Start/Merge: the many small clusters (one neutral mark) and the cluster the last merge formed.
SMALL, MERGED = "small", "merged"
#: Agglomerative Start/Merge: the largest clusters (of 2 points or more) that get a marker and colour of their own;
#: as many as the palette has colours, so no two of them look alike.
DISTINCT_CLUSTERS = 7
SMALL_MARKER = "·"  # agglomerative has no unassigned point, so the dot can stand for "a small cluster"
MERGED_HALF_MARKER = "∘"  # the smaller half of the last merge when the merged cluster is a small one


@dataclass
class PointGroups:
    """How points are grouped for binning, and how each group is drawn.

    Attributes
    ----------
    codes : ndarray of shape (n,), small int
        Group of every point (a fresh array: binning keeps it until the next frame).
    glyphs, styles : list, one per group
    rank : ndarray of shape (n_groups,), int
        Which group wins a cell that several share.
    category : list of str, one per group
        What the group is (UNASSIGNED, CORE ...), for the legend.
    cluster : list of int, one per group
        Its cluster, -1 for none.
    """

    codes: np.ndarray
    glyphs: list[str]
    styles: list[Style]
    rank: np.ndarray
    category: list[str]
    cluster: list[int]


def n_clusters(step: Step) -> int:
    known = len(step.cluster_sizes)
    if step.centers is not None:
        known = max(known, int(step.centers.shape[0]))
    # Labels are the truth; the max of a small-int array is cheap.
    top = int(step.labels.max()) + 1 if step.labels.size else 0
    return max(known, top)


def _plain_groups(n: int, palette: Palette) -> PointGroups:
    return PointGroups(
        np.zeros(n, dtype=np.int8), [UNASSIGNED_MARKER], [palette.neutral], np.zeros(1, np.int64), [UNASSIGNED], [-1]
    )


def _cluster_groups(step: Step, k: int, palette: Palette) -> PointGroups:
    """K-Means (and any step with labels only): group = label + 1, 0 = not yet assigned."""
    labels = step.labels
    if labels.dtype == np.int8 and k < 127:
        codes = labels + np.int8(1)
    else:
        codes = labels.astype(np.int32)
        codes += 1
    return PointGroups(
        codes,
        [UNASSIGNED_MARKER] + [cluster_marker(c) for c in range(k)],
        [palette.neutral] + [palette.point(c) for c in range(k)],
        np.array([0] + [1] * k, dtype=np.int64),
        [UNASSIGNED] + [POINT] * k,
        [-1, *range(k)],
    )


def _dbscan_groups(step: Step, k: int, palette: Palette) -> PointGroups:
    """DBSCAN: 0 unvisited, 1 noise, 2 core without a cluster yet, 3 + 2c core and 4 + 2c border of cluster c."""
    labels = step.labels
    kinds = step.point_kinds
    if kinds is None:
        kinds = np.zeros(labels.shape[0], dtype=np.int8)
    n_kinds = len(PointKind)
    # Look-up table indexed by (label + 1) * n_kinds + kind.
    lut = np.empty((k + 1) * n_kinds, dtype=np.int32)
    lut[PointKind.UNVISITED] = 0
    lut[PointKind.CORE] = 2
    lut[PointKind.BORDER] = 0  # a border point without a cluster is not settled yet
    lut[PointKind.NOISE] = 1
    for c in range(k):
        base = (c + 1) * n_kinds
        lut[base : base + n_kinds] = 4 + 2 * c  # labelled but not core: border
        lut[base + PointKind.CORE] = 3 + 2 * c
    index = labels.astype(np.int32)
    index += 1
    index *= n_kinds
    index += kinds
    codes = lut[index]

    active = step.active_cluster
    growing = active is not None and 0 <= active < k
    glyphs = [UNASSIGNED_MARKER, NOISE_MARKER, cluster_marker(0)]
    styles = [palette.neutral, palette.noise, palette.neutral]
    rank = [0, 1, 2]
    category = [UNASSIGNED, NOISE, CORE_PENDING]
    cluster = [-1, -1, -1]
    for c in range(k):
        if growing and c == active:
            style, bump = palette.highlighted_point(c), 2
        elif growing:
            style, bump = palette.faded_point(c), 0
        else:
            style, bump = palette.point(c), 0
        glyphs += [cluster_marker(c), cluster_marker(c, hollow=True)]
        styles += [style, style]
        rank += [4 + bump, 3 + bump]
        category += [CORE, BORDER]
        cluster += [c, c]
    return PointGroups(codes, glyphs, styles, np.array(rank, dtype=np.int64), category, cluster)


def _gmm_groups(step: Step, k: int, palette: Palette) -> PointGroups:
    """GMM: 3 (c + 1) + level for a point whose top component is c, level 2 sure, 1 fairly sure, 0 uncertain.

    The level comes from the step's ``confidence`` (each point's top
    responsibility), so a frame costs two comparisons per point and no
    likelihood at all. Codes 0..2 are points not yet assigned.
    """
    codes = step.labels.astype(np.int32)
    codes += 1
    codes *= 3
    if step.confidence is not None:
        codes += step.confidence >= UNCERTAIN_BELOW
        codes += step.confidence >= SURE_FROM
    else:
        codes += 2
    glyphs = [UNASSIGNED_MARKER] * 3
    styles = [palette.neutral] * 3
    rank = [0, 0, 0]
    category = [UNASSIGNED] * 3
    cluster = [-1, -1, -1]
    for c in range(k):
        glyphs += [cluster_marker(c, hollow=True), cluster_marker(c), cluster_marker(c)]
        styles += [palette.soft_point(c, 0), palette.soft_point(c, 1), palette.soft_point(c, 2)]
        rank += [1, 2, 3]
        category += [UNCERTAIN, FAIRLY, POINT]
        cluster += [c, c, c]
    return PointGroups(codes, glyphs, styles, np.array(rank, dtype=np.int64), category, cluster)


def _hdbscan_groups(step: Step, k: int, palette: Palette) -> PointGroups:
    """HDBSCAN by phase (see :mod:`tuiclust.ui.scatter_hdbscan`): density thirds, reached points, clusters, probabilities.

    Core distances: 0 densest third, 1 middle, 2 sparsest. Spanning tree: 0
    not yet reached, 1 in the tree. Hierarchy: 0 smaller pieces, 1 + c
    cluster c. Condense, Select: 0 noise, 1 + c. Done: 0 noise, 1 + 3c weak,
    2 + 3c fair, 3 + 3c strong members of cluster c.
    """
    from .scatter_hdbscan import (
        DENSE,
        DENSITY_MARKERS,
        IN_TREE,
        MIDDLE,
        SMALL_PIECE,
        SPARSE,
        STRONG_FROM,
        WEAK_BELOW,
        density_style,
    )

    n = step.labels.shape[0]
    if step.phase is Phase.CORE_DISTANCES and step.point_values is not None:
        # point_values: the core distance's rank, 0 = densest.
        codes = np.minimum((step.point_values * 3).astype(np.int8), 2)
        styles = [density_style(palette, level) for level in range(3)]
        return PointGroups(
            codes, list(DENSITY_MARKERS), styles, np.array([2, 1, 0]), [DENSE, MIDDLE, SPARSE], [-1, -1, -1]
        )
    if step.phase is Phase.SPANNING_TREE:
        codes = np.zeros(n, dtype=np.int8)
        if step.edges is not None and step.edges.size:
            codes[step.edges.ravel()] = 1
        return PointGroups(
            codes,
            [UNASSIGNED_MARKER, DENSITY_MARKERS[1]],
            [palette.neutral, palette.emphasis],
            np.array([0, 1]),
            [UNASSIGNED, IN_TREE],
            [-1, -1],
        )
    codes = step.labels.astype(np.int32)
    codes += 1
    outside = (
        (SMALL_PIECE, UNASSIGNED_MARKER, palette.neutral)
        if step.phase is Phase.HIERARCHY
        else (NOISE, NOISE_MARKER, palette.noise)
    )
    glyphs, styles, rank, category, cluster = [outside[1]], [outside[2]], [0], [outside[0]], [-1]
    if step.phase is Phase.DONE and step.point_values is not None:
        # Three levels per cluster: 1 + 3c weak, 2 + 3c fair, 3 + 3c strong.
        codes = np.where(codes > 0, 3 * codes - 2, 0).astype(np.int32)
        codes += step.point_values >= WEAK_BELOW
        codes += step.point_values >= STRONG_FROM
        codes[step.labels < 0] = 0
        for c in range(k):
            glyphs += [cluster_marker(c, hollow=True), cluster_marker(c), cluster_marker(c)]
            styles += [palette.soft_point(c, 0), palette.soft_point(c, 1), palette.soft_point(c, 2)]
            rank += [1, 2, 3]
            category += [UNCERTAIN, FAIRLY, POINT]
            cluster += [c, c, c]
        return PointGroups(codes, glyphs, styles, np.array(rank), category, cluster)
    for c in range(k):
        glyphs.append(cluster_marker(c))
        styles.append(palette.point(c))
        rank.append(1)
        category.append(POINT)
        cluster.append(c)
    return PointGroups(codes, glyphs, styles, np.array(rank), category, cluster)


def _merge_groups(step: Step, palette: Palette) -> PointGroups:
    """Agglomerative Start/Merge: 1 + c for the largest clusters c < d, 0 for the small ones, d + 1 the newest.

    The step numbers its clusters by size, largest first, so the largest
    ``d`` (at most :data:`DISTINCT_CLUSTERS`, only clusters of two points or
    more) are labels ``0 .. d-1``. The pair the step's last merge joined
    (``highlight_clusters``, ``highlight_points``) is drawn reversed above
    everything, in the merged cluster's colour if it is one of the largest:
    the larger half in its solid marker, the smaller half in the hollow twin.
    """
    labels = step.labels
    sizes = step.cluster_sizes
    d = min(DISTINCT_CLUSTERS, sum(1 for size in sizes[:DISTINCT_CLUSTERS] if size >= 2))
    codes = labels.astype(np.int32)
    codes += 1
    codes[codes > d] = 0
    glyphs = [SMALL_MARKER] + [cluster_marker(c) for c in range(d)]
    styles = [palette.neutral] + [palette.point(c) for c in range(d)]
    rank = [0] + [1] * d
    category = [SMALL] + [POINT] * d
    cluster = [-1, *range(d)]
    newest = step.highlight_clusters[0] if step.highlight_clusters else None
    if newest is not None and 0 <= newest < len(sizes):
        codes[labels == newest] = d + 1
        if newest < d:
            glyph, style = cluster_marker(newest), palette.centre(newest)
        else:
            glyph, style = SMALL_MARKER, palette.neutral + Style(bold=True, reverse=True)
        glyphs.append(glyph)
        styles.append(style)
        rank.append(2)
        category.append(MERGED)
        cluster.append(newest)
        if step.highlight_points is not None and step.highlight_points.size:
            # The pair: the smaller half of the last merge in the hollow twin, the larger in the solid marker.
            codes[step.highlight_points] = d + 2
            glyphs.append(cluster_marker(newest, hollow=True) if newest < d else MERGED_HALF_MARKER)
            styles.append(style)
            rank.append(3)
            category.append(MERGED)
            cluster.append(newest)
    return PointGroups(codes, glyphs, styles, np.array(rank, dtype=np.int64), category, cluster)


def point_groups(step: Step | None, n: int, palette: Palette) -> PointGroups:
    """The groups of the ``n`` points at ``step`` (None: the plain data, one group)."""
    if step is None:
        return _plain_groups(n, palette)
    if step.labels.shape[0] != n:
        raise ValueError(f"step has {step.labels.shape[0]} labels but the data set has {n} points")
    k = n_clusters(step)
    if step.algorithm == "hdbscan":
        return _hdbscan_groups(step, k, palette)
    if step.algorithm == "dbscan":
        return _dbscan_groups(step, k, palette)
    if step.algorithm == "gmm":
        return _gmm_groups(step, k, palette)
    if step.algorithm == "agglomerative" and step.phase in (Phase.START, Phase.MERGE):
        return _merge_groups(step, palette)
    return _cluster_groups(step, k, palette)
