"""The scatter pane: the plot of the data and of the algorithm's state at one step.

First minimal version: a plain coloured scatter through textual-plotext, with
the API the app uses (``set_dataset`` then ``show_step``). It is replaced by
the binned, off-thread renderer.
"""

from __future__ import annotations

import numpy as np
from textual_plotext import PlotextPlot

from ..core.steps import Step
from ..data import Dataset

__all__ = ["ScatterPane"]

_COLOURS = [(230, 159, 0), (86, 180, 233), (0, 158, 115), (204, 121, 167), (0, 114, 178), (213, 94, 0), (240, 228, 66)]
_MARKERS = ["●", "▲", "■", "◆", "▼", "+", "x"]


class ScatterPane(PlotextPlot):
    """Scatter plot of a data set, coloured by the clusters of one step."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._points: np.ndarray | None = None
        self._limits: tuple[float, float, float, float] | None = None
        self._axis_labels: tuple[str, str] = ("", "")
        self._dataset: Dataset | None = None
        self._step: Step | None = None

    def set_dataset(self, dataset: Dataset) -> None:
        """Project the data once and fix steady axes for the run."""
        self._dataset = dataset
        points = dataset.projection.points(dataset.X)
        lo, hi = points.min(axis=0), points.max(axis=0)
        pad = np.where(hi > lo, (hi - lo) * 0.05, 1.0)
        self._limits = (float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]), float(hi[1] + pad[1]))
        self._points = points
        self._axis_labels = dataset.projection.axis_labels
        self._step = None
        self._redraw()

    def show_step(self, step: Step | None) -> None:
        """Draw this moment (None: plain data)."""
        self._step = step
        self._redraw()

    def _redraw(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        if self._points is None or self._limits is None:
            self.refresh()
            return
        x0, x1, y0, y1 = self._limits
        plt.xlim(x0, x1)
        plt.ylim(y0, y1)
        plt.xlabel(self._axis_labels[0])
        plt.ylabel(self._axis_labels[1])
        pts = self._points
        step = self._step
        labels = step.labels if step is not None else np.full(len(pts), -1)
        unassigned = labels < 0
        if unassigned.any():
            plt.scatter(pts[unassigned, 0].tolist(), pts[unassigned, 1].tolist(), marker="·", color=(140, 140, 140))
        for c in np.unique(labels[~unassigned]):
            sel = labels == c
            plt.scatter(pts[sel, 0].tolist(), pts[sel, 1].tolist(), marker=_MARKERS[c % len(_MARKERS)], color=_COLOURS[c % len(_COLOURS)])
        if step is not None and step.centers is not None and self._dataset is not None:
            centres = self._dataset.projection.points(step.centers)
            plt.scatter(centres[:, 0].tolist(), centres[:, 1].tolist(), marker="X", color=(255, 255, 255))
        self.refresh()
