"""The condensed-tree view: choosing min_cluster_size for HDBSCAN (key ``e``).

HDBSCAN's condensed tree, drawn with line characters
(:mod:`.condensed_tree_plot`): lambda = 1 / distance down the side, every
cluster a branch as wide as the points it holds, the clusters the selection
keeps shaded and labelled. Left and right change min_cluster_size and the
tree is condensed and selected again; Enter runs the explorer with it,
Escape leaves everything as it was.

The hierarchy (core distances, spanning tree, single-linkage tree) is
computed once per data set and min_samples, in a worker, and cached; each
new min_cluster_size only condenses that tree again
(:func:`tuiclust.analysis.condensed_tree.reselect`), which is cheap, so it
is done at once where the data is small and in the worker otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

import numpy as np
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Static

from ...analysis.cache import ResultCache, array_fingerprint
from ...analysis.condensed_tree import Reselection, reselect
from ...core.hdbscan.kernels import build_hierarchy
from ..palette import detect_colour_mode, palette_for
from .base import LessonView
from .condensed_tree_plot import TreePicture, draw_condensed_tree

__all__ = ["HIERARCHY_CACHE", "MAX_MIN_CLUSTER_SIZE", "CondensedTreeView"]

#: The single-linkage trees of recent data sets, by (data, min_samples, alpha).
HIERARCHY_CACHE: ResultCache[np.ndarray] = ResultCache(8)
_RESELECTIONS: ResultCache[Reselection] = ResultCache(64)
#: Up to this many points a new min_cluster_size is condensed on the UI thread (a few milliseconds).
_AT_ONCE_BELOW = 20_000
MAX_MIN_CLUSTER_SIZE = 500


class _TreeCanvas(Static):
    """The tree itself: redrawn for its size whenever the tree or the size changes."""

    DEFAULT_CSS = "_TreeCanvas { height: 1fr; width: 1fr; }"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.picture: TreePicture | None = None
        self._draw: Callable[[int, int], TreePicture | None] | None = None

    def draw_with(self, draw: Callable[[int, int], TreePicture | None]) -> None:
        self._draw = draw
        self._redraw()

    def on_resize(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        if self._draw is None or self.size.width <= 0 or self.size.height <= 0:
            return
        self.picture = self._draw(self.size.width, self.size.height)
        self.update(self.picture.text if self.picture is not None else "")


class CondensedTreeView(LessonView[int]):
    """HDBSCAN's condensed tree of the explorer's data; dismisses with the chosen min_cluster_size.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    params : dict
        The explorer's HDBSCAN parameters (min_cluster_size, min_samples and
        any others it runs with).
    data_name : str
    """

    DEFAULT_CSS = """
    CondensedTreeView #tree-plot { height: 1fr; padding: 0 1; }
    CondensedTreeView #tree-info { height: auto; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("left,h", "move(-1)", "Smaller clusters", key_display="\u2190"),
        Binding("right,l", "move(1)", "Larger clusters", key_display="\u2192"),
        Binding("enter", "apply", "Run with this size"),
    ]

    total = 1

    def __init__(self, X: np.ndarray, *, params: dict[str, Any], data_name: str = "data") -> None:
        self.X = X
        self.current = int(params.get("min_cluster_size", 5))
        self.min_cluster_size = self.current
        given = params.get("min_samples")
        # min_samples left at None follows min_cluster_size: then every size is a new hierarchy.
        self.follows = given is None
        self.min_samples = None if self.follows else int(given)
        self.options = {
            "cluster_selection_method": str(params.get("cluster_selection_method", "eom")),
            "allow_single_cluster": bool(params.get("allow_single_cluster", False)),
            "cluster_selection_epsilon": float(params.get("cluster_selection_epsilon", 0.0)),
            "max_cluster_size": params.get("max_cluster_size"),
        }
        self.alpha = float(params.get("alpha", 1.0))
        self.largest = max(2, min(MAX_MIN_CLUSTER_SIZE, X.shape[0]))
        self.result: Reselection | None = None
        samples = "min_samples follows it" if self.follows else f"min_samples {self.min_samples}"
        super().__init__(
            f"Condensed tree \u00b7 choosing min_cluster_size for HDBSCAN on {data_name} "
            f"({X.shape[0]:,} points, {samples})"
        )

    def compose_body(self) -> Iterable[Widget]:
        yield _TreeCanvas(id="tree-plot")
        yield Static("", id="tree-info")

    # ---------------------------------------------------------- computing
    def _samples(self) -> int:
        return self.min_cluster_size if self.min_samples is None else self.min_samples

    def _hierarchy_key(self) -> tuple:
        return ("hdbscan-hierarchy", array_fingerprint(self.X), self._samples(), self.alpha)

    def _key(self) -> tuple:
        return (*self._hierarchy_key(), self.min_cluster_size, tuple(sorted(self.options.items())))

    def cached(self) -> Reselection | None:
        found = _RESELECTIONS.get(self._key())
        if found is not None:
            return found
        tree = HIERARCHY_CACHE.get(self._hierarchy_key())
        if tree is not None and self.X.shape[0] < _AT_ONCE_BELOW:
            return self._reselect(tree)
        return None

    def compute(self, report: Callable[[Any, str], None]) -> Reselection:
        tree = HIERARCHY_CACHE.get(self._hierarchy_key())
        if tree is None:
            samples = min(self._samples(), self.X.shape[0])
            tree = build_hierarchy(np.ascontiguousarray(self.X, dtype=np.float64), samples, self.alpha).single_linkage
            HIERARCHY_CACHE.put(self._hierarchy_key(), tree)
        result = self._reselect(tree)
        report(None, "tree condensed")
        return result

    def _reselect(self, tree: np.ndarray) -> Reselection:
        result = reselect(tree, self.min_cluster_size, **self.options)
        _RESELECTIONS.put(self._key(), result)
        return result

    def show_result(self, result: Reselection) -> None:
        self.result = result
        self._refresh()

    # ------------------------------------------------------------ drawing
    def _selected_labels(self) -> dict[int, int]:
        result = self.result
        if result is None:
            return {}
        position = {int(c): i for i, c in enumerate(result.layout.ids.tolist())}
        return {position[int(c)]: label for label, c in enumerate(result.selected) if int(c) in position}

    def _refresh(self) -> None:
        palette = palette_for(detect_colour_mode(self.app))
        result = self.result
        labels = self._selected_labels()

        def draw(width: int, height: int) -> TreePicture | None:
            if result is None:
                return None
            return draw_condensed_tree(result.layout, labels, width, height, palette)

        self.query_one("#tree-plot", _TreeCanvas).draw_with(draw)
        self.query_one("#tree-info", Static).update(self.info_text())

    def info_text(self) -> str:
        result = self.result
        if result is None:
            return ""
        k = len(result.selected)
        noise = int(np.count_nonzero(result.labels < 0))
        sizes = np.bincount(result.labels[result.labels >= 0], minlength=k)
        shown = ", ".join(f"{int(s):,}" for s in sizes[:8]) + (" \u2026" if k > 8 else "")
        method = self.options["cluster_selection_method"]
        drawn = result.min_cluster_size
        now = " (the explorer's)" if drawn == self.current else ""
        # The words describe the tree on screen; a size still being condensed is named apart.
        pending = "" if drawn == self.min_cluster_size else f" [dim](condensing {self.min_cluster_size}\u2026)[/]"
        found = f"{k} cluster{'s' if k != 1 else ''}" + (f" ({shown} points)" if k else "")
        first = (
            f"[b]min_cluster_size = {drawn}[/b]{now} \u2192 {found}, "
            f"{noise:,} noise point{'s' if noise != 1 else ''}{pending}"
        )
        second = (
            f"[dim]\u2503\u2592\u2503 + marker: selected ({method}) \u00b7 width: points left in a cluster \u00b7 "
            "\u2190/\u2192 size \u00b7 Enter applies \u00b7 Esc leaves[/]"
        )
        return f"{first}\n{second}"

    # ------------------------------------------------------------ actions
    def action_move(self, direction: int) -> None:
        """min_cluster_size one smaller or larger; the tree is condensed again."""
        new = min(max(self.min_cluster_size + direction, 2), self.largest)
        if new == self.min_cluster_size:
            return
        self.min_cluster_size = new
        self.restart()
        if not self.filled:
            self.query_one("#tree-info", Static).update(self.info_text())

    def action_apply(self) -> None:
        """Back to the explorer with the min_cluster_size on screen."""
        self.dismiss(self.min_cluster_size)
