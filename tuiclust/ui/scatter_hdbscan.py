"""What the scatter pane needs to draw an HDBSCAN step: density shades, the spanning tree's edges, probabilities.

Per phase (see :mod:`tuiclust.core.hdbscan.narration`):

* *Core distances*: each point's marker grows with its density: ``●`` for
  the third of the points with the shortest core distance, ``•`` the middle
  third, ``·`` the sparsest third (a shade too where there is colour).
* *Spanning tree*: the edges found so far, in braille lines between their
  two points; points already in the tree are ``•``, the others ``·``.
* *Hierarchy*: what is left of the tree below the cut, each edge in the
  colour of the cluster it lies in; the clusters' points in their markers,
  points of smaller pieces ``·``.
* *Condense* / *Select*: clusters in their markers, noise ``×``.
* *Done*: each point's membership probability as intensity (bold, plain,
  faded) and marker (solid, or hollow below :data:`WEAK_BELOW`), so it reads
  with NO_COLOR too.

The groups are made in :mod:`tuiclust.ui.scatter_groups`, the legend in
:mod:`tuiclust.ui.scatter_legend`; this module holds their markers and
thresholds and draws the edges. Edges never cover a point: they are drawn
in empty cells only, so the points under a dense part of the tree keep
their markers.
"""

from __future__ import annotations

import numpy as np
from rich.style import Style

from ..core.steps import Phase, Step
from .palette import ColourMode, Palette
from .raster import BRAILLE_BASE, Viewport, braille_dots

__all__ = [
    "DENSE",
    "DENSITY_MARKERS",
    "IN_TREE",
    "MIDDLE",
    "SMALL_PIECE",
    "SPARSE",
    "STRONG_FROM",
    "WEAK_BELOW",
    "density_style",
    "draw_edges",
    "edge_layers",
]

#: Core-distance thirds, densest first, as categories and markers.
DENSE, MIDDLE, SPARSE = "dense", "middle", "sparse"
DENSITY_MARKERS = ("●", "•", "·")
IN_TREE = "in_tree"  # Spanning tree: a point the tree has reached
SMALL_PIECE = "small_piece"  # Hierarchy: a point in a piece below min_cluster_size
#: Done: a membership probability from this on is drawn bold; below WEAK_BELOW hollow and faded.
STRONG_FROM = 0.9
WEAK_BELOW = 0.5

_BRAILLE = np.array([chr(BRAILLE_BASE + i) for i in range(256)])


def density_style(palette: Palette, level: int) -> Style:
    """Dense bold, middle plain, sparse dim: the same order in every colour mode."""
    if level == 0:
        return palette.emphasis
    if level == 1:
        return Style() if palette.mode is ColourMode.NONE else Style(color="default")
    return palette.neutral


def edge_layers(
    step: Step, points: np.ndarray, viewport: Viewport, width: int, height: int, palette: Palette
) -> list[tuple[np.ndarray, np.ndarray, Style]]:
    """The step's edges rasterised in braille: (cells, bits, style) per colour.

    Spanning tree: one layer in the neutral colour. Hierarchy: one layer per
    cluster (edges with both ends in it), one for the rest.

    Parameters
    ----------
    points : ndarray of shape (n, 2)
        The points in plot units.
    width, height : int
        The plot area in cells.

    Returns
    -------
    list of (cells, bits, style)
        ``cells`` as :func:`~tuiclust.ui.raster.braille_dots` numbers them
        (row 0 at the bottom).
    """
    edges = step.edges
    if edges is None or edges.shape[0] == 0:
        return []
    a, b = edges[:, 0], edges[:, 1]
    if step.phase is Phase.HIERARCHY:
        la, lb = step.labels[a], step.labels[b]
        group = np.where((la == lb) & (la >= 0), la.astype(np.int64) + 1, 0)
    else:
        group = np.zeros(a.shape[0], dtype=np.int64)
    layers = []
    for g in np.unique(group).tolist():
        pick = np.flatnonzero(group == g)
        style = palette.neutral if g == 0 else palette.line(g - 1)
        cells, bits = _segments(points[a[pick]], points[b[pick]], viewport, width, height)
        if cells.size:
            layers.append((cells, bits, style))
    return layers


def _segments(
    start: np.ndarray, end: np.ndarray, viewport: Viewport, width: int, height: int
) -> tuple[np.ndarray, np.ndarray]:
    """Many separate segments in one braille pass: a polyline broken by NaN vertices."""
    m = start.shape[0]
    polyline = np.full((3 * m, 2), np.nan)
    polyline[0::3] = start
    polyline[1::3] = end
    with np.errstate(invalid="ignore"):
        return braille_dots(polyline, viewport, width, height)


def draw_edges(
    chars: np.ndarray,
    style_ids: np.ndarray,
    occupied: np.ndarray,
    layers: list[tuple[np.ndarray, np.ndarray, int]],
) -> None:
    """Write edge layers into the plot area's cells that show no point.

    Parameters
    ----------
    chars, style_ids : ndarray of shape (h, w)
        Views of the canvas over the plot area, top row first.
    occupied : ndarray of shape (h, w), bool
        Cells that show a point.
    layers : list of (cells, bits, style id)
    """
    h, w = occupied.shape
    bits = np.zeros(h * w, dtype=np.uint8)
    owner = np.zeros(h * w, dtype=np.int32)
    for cells, pattern, sid in layers:
        bits[cells] |= pattern
        owner[cells] = sid
    bits = bits.reshape(h, w)[::-1]
    owner = owner.reshape(h, w)[::-1]
    drawn = (bits > 0) & ~occupied
    chars[drawn] = _BRAILLE[bits[drawn]]
    style_ids[drawn] = owner[drawn]
