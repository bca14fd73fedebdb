"""A stand-in for the scatter pane, used only when ``tuiclust.ui.scatter`` is not installed.

Same two methods as the real pane (``set_dataset`` and ``show_step``); it
prints what it would draw, so the rest of the app can be built and tested.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from ..core.steps import Step

__all__ = ["PlaceholderPlot"]


class PlaceholderPlot(Static):
    """Text summary of the step instead of a plot."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.dataset: Any = None
        self.step: Step | None = None

    def set_dataset(self, dataset: Any) -> None:
        self.dataset = dataset
        self.show_step(None)

    def show_step(self, step: Step | None) -> None:
        self.step = step
        name = getattr(self.dataset, "name", "?")
        n = getattr(self.dataset, "n_samples", 0)
        if step is None:
            self.update(f"{name}: {n:,} points")
        else:
            self.update(f"{name}: {n:,} points\n{step.algorithm} \u00b7 {step.phase.label} \u00b7 iter {step.iteration}")
