"""The dendrogram view: choosing where to cut the tree of an agglomerative run (key ``e``).

The run's own merge tree (no refit: every agglomerative step carries it) is
drawn with line characters, its top only when there are more points than
the width can show (scipy's ``truncate_mode="lastp"``: grouped leaves with
their point counts underneath). The height axis is the merge distance. A
horizontal cut line shows where the tree is cut: ``↑``/``↓`` move it by one
merge level, ``←``/``→`` change the clusters by one, ``s`` jumps to the
suggested cut (the middle of the largest gap between merge heights).
Enter runs the explorer with the clusters at the cut; Escape changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Static

from ...analysis.dendrogram import CutLevels, Dendrogram, cut_for_clusters, cut_levels, dendrogram, suggested_cut
from ...core.agglomerative_story import format_distance
from .base import LessonView
from .curve_plot import SELECTION, SUGGESTION
from .dendrogram_drawing import SUGGESTION_MARK, DendrogramStyles, draw_dendrogram, leaves_for_width

__all__ = ["DendrogramCanvas", "DendrogramView"]

_EXPLANATION = (
    "Each bar joins two clusters at the height of their linkage distance. The cut keeps the merges "
    "below it: the legs it crosses are the clusters.\n\n"
    "A long stretch with no merge (the largest gap, \u25c2) is a natural place to cut. "
    "Numbers under the leaves: points in each group."
)
# The explanation needs about ten rows under the table; shorter terminals skip it.
_EXPLANATION_MIN_HEIGHT = 34


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


_STYLES = DendrogramStyles(
    cut=Style(color=_hex(SELECTION), bold=True),
    cut_label=Style(color=_hex(SELECTION), bold=True, reverse=True),
    suggestion=Style(color=_hex(SUGGESTION), bold=True),
)


class DendrogramCanvas(Widget):
    """The drawing; it asks its view for the tree and the cut, and lays the tree out for its own width."""

    DEFAULT_CSS = """
    DendrogramCanvas { width: 1fr; height: 1fr; }
    """

    def __init__(self, view: DendrogramView, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.view = view
        self._layouts: dict[int, Dendrogram] = {}
        self.shown: Dendrogram | None = None

    def layout_for(self, width: int) -> Dendrogram | None:
        """The top of the tree with as many leaves as ``width`` separates (cached per leaf count)."""
        tree = self.view.merge_tree
        if tree is None:
            return None
        p = leaves_for_width(width, tree.n_leaves)
        layout = self._layouts.get(p)
        if layout is None:
            layout = self._layouts[p] = dendrogram(tree.children, tree.distances, p=p)
        return layout

    def render(self) -> Text:
        width, height = self.size.width, self.size.height
        layout = self.layout_for(width)
        self.shown = layout
        if layout is None or width <= 0 or height <= 0:
            return Text("")
        view = self.view
        suggestion = view.suggestion[0] if view.suggestion is not None else None
        rows = draw_dendrogram(layout, width, height, cut=view.cut, suggested=suggestion, styles=_STYLES)
        drawing = Text("\n", no_wrap=True, overflow="crop").join(rows)
        drawing.no_wrap, drawing.overflow = True, "crop"  # a row is exactly the width: never wrapped
        return drawing


class DendrogramView(LessonView[int]):
    """The run's dendrogram with a movable cut; dismisses with the number of clusters at the cut.

    Parameters
    ----------
    tree : tuiclust.core.agglomerative_tree.Tree
        The run's merge tree (``children``, ``distances``).
    current_k : int
        The explorer's number of clusters: the cut starts where it gives them.
    linkage : str
    data_name : str
        For the title.
    """

    DEFAULT_CSS = """
    DendrogramView #dendro-body { height: 1fr; }
    DendrogramView #dendro-side { width: 30; height: 1fr; }
    DendrogramView #dendro-table {
        height: auto;
        padding: 0 1;
        border: round $primary;
        border-title-color: $text-primary;
    }
    DendrogramView #dendro-explain { padding: 1 1 0 1; color: $text-muted; height: 1fr; }
    DendrogramView #dendro-info { height: auto; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("up,k", "move_cut(1)", "Cut up", key_display="\u2191"),
        Binding("down,j", "move_cut(-1)", "Cut down", key_display="\u2193"),
        Binding("left,h", "change_clusters(-1)", "k \u2212 1", key_display="\u2190"),
        Binding("right,l", "change_clusters(1)", "k + 1", key_display="\u2192"),
        Binding("s", "to_suggestion", "Suggested"),
        Binding("enter", "apply", "Run with this k"),
    ]

    total = 1
    keep_progress_line = False

    def __init__(self, tree: Any, *, current_k: int, linkage: str = "ward", data_name: str = "data") -> None:
        super().__init__(
            f"The dendrogram \u00b7 where to cut · {linkage} linkage on {data_name} ({tree.n_leaves:,} points)"
        )
        self.merge_tree = tree
        self.linkage = linkage
        self.current_k = int(current_k)
        self.levels: CutLevels | None = None
        self.index = 0
        self.suggestion: tuple[float, int] | None = None

    # ------------------------------------------------------------ layout
    def compose_body(self) -> Iterable[Widget]:
        with Horizontal(id="dendro-body"):
            yield DendrogramCanvas(self, id="dendro-plot")
            with Vertical(id="dendro-side"):
                table = Static("", id="dendro-table")
                table.border_title = "the cut"
                yield table
                yield Static(_EXPLANATION, id="dendro-explain")
        yield Static("", id="dendro-info")

    def on_resize(self) -> None:
        self.query_one("#dendro-explain").display = self.size.height >= _EXPLANATION_MIN_HEIGHT
        if self.levels is not None:
            self.refresh_view()  # the leaves shown follow the width

    @property
    def canvas(self) -> DendrogramCanvas:
        return self.query_one(DendrogramCanvas)

    # ------------------------------------------------------------ computing
    def cached(self) -> tuple[CutLevels, tuple[float, int] | None]:
        # Everything comes from the run's tree: a sort of the merge heights, no worker needed.
        heights = self.merge_tree.distances
        return cut_levels(heights), suggested_cut(heights)

    def compute(self, report: Callable[[Any, str], None]) -> Any:  # pragma: no cover - cached() always answers
        return self.cached()

    def show_result(self, result: tuple[CutLevels, tuple[float, int] | None]) -> None:
        self.levels, self.suggestion = result
        cut, _ = cut_for_clusters(self.merge_tree.distances, self.current_k)
        self.index = int(np.searchsorted(self.levels.cuts, cut))
        self.refresh_view()

    # ------------------------------------------------------------ state
    @property
    def cut(self) -> float | None:
        """Height of the cut line."""
        return None if self.levels is None else float(self.levels.cuts[self.index])

    @property
    def n_clusters(self) -> int | None:
        """Clusters the cut gives."""
        return None if self.levels is None else int(self.levels.n_clusters[self.index])

    def _go(self, index: int) -> None:
        assert self.levels is not None
        index = min(max(index, 0), self.levels.cuts.shape[0] - 1)
        if index != self.index:
            self.index = index
            self.refresh_view()

    def action_move_cut(self, direction: int) -> None:
        """Up (+1) or down (-1) by one merge level: the next distinct merge height."""
        if self.levels is not None:
            self._go(self.index + direction)

    def action_change_clusters(self, change: int) -> None:
        """One cluster more (+1) or fewer (-1); past merges at equal heights to the next count a cut can give."""
        if self.levels is None:
            return
        counts = self.levels.n_clusters  # strictly falling along the cuts
        k = int(counts[self.index])
        if change > 0:
            below = np.flatnonzero(counts[: self.index] >= k + change)
            target = int(below[-1]) if below.size else self.index
        else:
            above = np.flatnonzero(counts[self.index + 1 :] <= k + change) + self.index + 1
            target = int(above[0]) if above.size else self.index
        self._go(target)

    def action_to_suggestion(self) -> None:
        """The cut in the middle of the largest gap."""
        if self.levels is not None and self.suggestion is not None:
            self._go(int(np.searchsorted(self.levels.cuts, self.suggestion[0])))

    def action_apply(self) -> None:
        """Back to the explorer with the clusters at the cut."""
        if self.n_clusters is not None:
            self.dismiss(self.n_clusters)

    # ------------------------------------------------------------ drawing
    def refresh_view(self) -> None:
        self.canvas.refresh()
        self.query_one("#dendro-table", Static).update(self.table_text())
        self.query_one("#dendro-info", Static).update(self.info_text())

    def table_text(self) -> Text:
        """The side table: clusters at the cut, its height, merges kept, the suggestion, the leaves shown."""
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.levels is None:
            return text
        n = self.merge_tree.n_leaves
        k = self.n_clusters or 0
        rows = [
            ("clusters", f"{k:,}"),
            ("cut at", format_distance(self.cut or 0.0)),
            ("merges kept", f"{n - k:,} of {n - 1:,}"),
        ]
        if self.suggestion is not None:
            rows.append(("suggested", f"{self.suggestion[1]:,} {SUGGESTION_MARK}"))
            low, high = self._largest_gap()
            rows.append(("largest gap", f"{format_distance(low)}\u2013{format_distance(high)}"))
        else:
            rows.append(("suggested", "no gap"))
        canvas = self.canvas
        shown = canvas.layout_for(canvas.size.width) if canvas.size.width > 0 else None
        if shown is not None:
            grouped = "every point" if shown.p == n else f"top {shown.p} groups"
            rows.append(("leaves", grouped))
        for i, (name, value) in enumerate(rows):
            text.append(f"{name:<12}", style="dim")
            text.append(value, style="bold" if name == "clusters" else "")
            if i < len(rows) - 1:
                text.append("\n")
        return text

    def _largest_gap(self) -> tuple[float, float]:
        """The two merge heights either side of the suggested cut."""
        assert self.suggestion is not None
        h = np.sort(self.merge_tree.distances)
        i = int(np.searchsorted(h, self.suggestion[0]))
        return float(h[i - 1]), float(h[i])

    def info_text(self) -> str:
        """The line under the figure: the cut, its clusters, the suggestion and the keys."""
        if self.levels is None:
            return ""
        k = self.n_clusters
        parts = [f"[b]cut at {format_distance(self.cut or 0.0)}: {k:,} cluster{'s' if k != 1 else ''}[/b]"]
        if self.suggestion is not None:
            parts.append(f"suggested {self.suggestion[1]:,} {SUGGESTION_MARK} (the largest gap)")
        else:
            parts.append("every merge at one height: no gap to suggest")
        return "  \u00b7  ".join(parts)
