"""K-Means regions: which centre is nearest to each screen cell (a Voronoi diagram on the grid).

Pure numpy, and bounded by the pane: one distance per (cell, centre), never
per point, so regions cost the same at 1,000 and at 1,000,000 points.

With more than two columns the regions are those of the *drawn* centres in
the plot's plane; points are assigned in the full space, so near a border a
point may sit in a neighbour's shade.
"""

from __future__ import annotations

import numpy as np

from .raster import Viewport, cell_centres

__all__ = ["region_borders", "region_map"]


def region_map(centres: np.ndarray, viewport: Viewport, width: int, height: int) -> np.ndarray:
    """The nearest centre of every cell, in screen units (cells are taller than wide).

    Parameters
    ----------
    centres : ndarray of shape (k, 2)
        Centres in plot units; non-finite ones own no cell.
    viewport : Viewport
    width, height : int
        Plot area in cells.

    Returns
    -------
    ndarray of shape (height, width), int32
        Row 0 at the *top* (screen order); -1 everywhere when no centre is finite.
    """
    cells = np.arange(width * height)
    xy = cell_centres(cells, viewport, width, height)
    out = np.full(width * height, -1, dtype=np.int32)
    finite = np.isfinite(centres).all(axis=1)
    if not finite.any():
        return out.reshape(height, width)[::-1]
    # Distances in the plot's own units, as K-Means measures them (2-D data).
    diff = xy[:, None, :] - np.where(finite[:, None], centres, np.inf)[None, :, :]
    dist = np.einsum("ckd,ckd->ck", diff, diff)
    out[:] = np.argmin(dist, axis=1)
    return out.reshape(height, width)[::-1]


def region_borders(regions: np.ndarray) -> np.ndarray:
    """Box-drawing glyphs where a cell's region differs from its right or lower neighbour, "" elsewhere.

    Parameters
    ----------
    regions : ndarray of shape (h, w), int

    Returns
    -------
    ndarray of shape (h, w), "<U1"
        "│" on a vertical border, "─" on a horizontal one, "┼" where both meet.
    """
    h, w = regions.shape
    vertical = np.zeros((h, w), dtype=bool)
    horizontal = np.zeros((h, w), dtype=bool)
    vertical[:, :-1] = regions[:, 1:] != regions[:, :-1]
    horizontal[:-1, :] = regions[1:, :] != regions[:-1, :]
    glyphs = np.full((h, w), "", dtype="<U1")
    glyphs[vertical] = "│"
    glyphs[horizontal] = "─"
    glyphs[vertical & horizontal] = "┼"
    return glyphs
