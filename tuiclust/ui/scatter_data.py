"""What the scatter pane keeps of a data set: its points in 2-D, and per-size binning state.

Projecting X to two dimensions happens once per data set, and the cell of
every point once per pane size; a frame then only regroups the points of
its step (see :mod:`tuiclust.ui.scatter_frame`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from rich.cells import cell_len

from tuiclust.pipeline.data import Dataset

from .raster import DENSE_BINS_LIMIT, CellCounter, Viewport, cell_index, dominant_group, winners_from_counts

__all__ = ["MARGIN", "PlotData"]

MARGIN = 0.05  # fraction of the data range left free around the points


@dataclass(eq=False)
class PlotData:
    """What the pane keeps of a data set: its 2-D points, computed once.

    Attributes
    ----------
    points : ndarray of shape (n, 2), float64
        The projected data (``dataset.projection.points(dataset.X)``).
    viewport : Viewport
        Steady axis limits for the whole run.
    axis_labels : tuple of 2 str
    dataset : Dataset
        For projecting centres and covariances.
    """

    points: np.ndarray
    viewport: Viewport
    axis_labels: tuple[str, str]
    dataset: Dataset
    _grids: OrderedDict[tuple[int, int], _Grid] = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> PlotData:
        """Project the data once and fix the axes around it."""
        points = _project(dataset)
        labels = tuple(_one_cell_wide(label) for label in dataset.projection.axis_labels)
        # Fixed limits (the canvas, data edited by hand) keep the axes still as points come and go.
        limits = getattr(dataset, "limits", None)
        viewport = Viewport(*limits) if limits is not None else Viewport.around(points, MARGIN)
        return cls(points, viewport, (labels[0], labels[1]), dataset)

    @property
    def n_samples(self) -> int:
        return int(self.points.shape[0])

    def cells(self, width: int, height: int) -> np.ndarray:
        """Cell of every point on a plot area of ``width`` x ``height`` cells, cached per size.

        Returns
        -------
        ndarray of shape (n,), uint32, read-only
            ``row * width + col`` (row 0 at the bottom); ``width * height`` for
            a point outside the axes. Unsigned, so counting needs no filtering.
        """
        return self._grid(width, height).cells

    def winners(self, width: int, height: int, codes: np.ndarray, n_groups: int, rank: np.ndarray) -> np.ndarray:
        """The group each cell of the plot area shows (see :func:`~tuiclust.ui.raster.dominant_group`).

        Parameters
        ----------
        codes : ndarray of shape (n,), int in [0, n_groups)
            Group of every point; kept until the next call, so pass a fresh array.
        rank : ndarray of shape (n_groups,)

        Returns
        -------
        ndarray of shape (width * height,), int32
            Row 0 at the bottom; -1 for an empty cell.
        """
        grid = self._grid(width, height)
        n_cells = width * height
        if n_cells * CellCounter.capacity_for(n_groups) > DENSE_BINS_LIMIT:
            return dominant_group(grid.cells, codes, n_groups, n_cells, rank)
        with grid.lock:
            return winners_from_counts(grid.counter.counts(codes, n_groups), rank)

    def _grid(self, width: int, height: int) -> _Grid:
        key = (width, height)
        with self._lock:
            grid = self._grids.get(key)
            if grid is not None:
                self._grids.move_to_end(key)
                return grid
        n_cells = width * height
        cells = cell_index(self.points, self.viewport, width, height, outside=n_cells).astype(np.uint32)
        cells.flags.writeable = False
        grid = _Grid(cells, CellCounter(cells, n_cells), threading.Lock())
        with self._lock:
            # A pane shows one size at a time; keep a few for resizing back and forth.
            grid = self._grids.setdefault(key, grid)
            while len(self._grids) > 3:
                self._grids.popitem(last=False)
        return grid


@dataclass(frozen=True)
class _Grid:
    """Per-size state of a data set: the cell of each point and the running counts."""

    cells: np.ndarray
    counter: CellCounter
    lock: threading.Lock


def _project(dataset: Dataset) -> np.ndarray:
    """The data's points in 2-D, shape (n, 2), float64, C-contiguous.

    When the projection only picks columns (two-column data, or ``--x`` and
    ``--y``), they are copied as they are: the same values as the matrix
    product, without a BLAS call over all n points on the UI thread.
    """
    projection, X = dataset.projection, dataset.X
    P = np.asarray(projection.components)
    picks = (P == 0.0) | (P == 1.0)
    if (
        X.ndim == 2
        and P.shape == (X.shape[1], 2)
        and picks.all()
        and (P.sum(axis=0) <= 1).all()
        and not np.any(projection.mean)
    ):
        points = np.zeros((X.shape[0], 2), dtype=np.float64)
        for axis in range(2):
            column = np.flatnonzero(P[:, axis])
            if column.size:
                points[:, axis] = X[:, column[0]]
        return points
    return np.ascontiguousarray(projection.points(X), dtype=np.float64)


def _one_cell_wide(text: str) -> str:
    """Replace characters that are not one cell wide, so the grid stays aligned."""
    if cell_len(text) == len(text):
        return text
    return "".join(ch if cell_len(ch) == 1 else "?" for ch in text)
