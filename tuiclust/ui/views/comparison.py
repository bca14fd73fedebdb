"""The comparison grid: K-Means, DBSCAN and a Gaussian mixture on the gallery's six shapes.

Rows are the shapes (circles, moons, varied, aniso, blobs, uniform), columns
the algorithms with the gallery's settings on standardised data. Each cell
shows a small scatter of the final clustering, the clusters found, the
adjusted Rand index against the true groups, the mean silhouette and a
verdict; the best cell of each row is marked with a star. Cells fill in as
the worker finishes them. When the terminal is too short for six rows the
grid pages by rows (page down / page up).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.widget import Widget
from textual.widgets import Static

from tuiclust.pipeline.vocabulary import ALGORITHMS as ALGORITHM_ENTRIES

from ...analysis.comparison import (
    ALGORITHM_TITLES,
    ALGORITHMS,
    GOOD_ARI,
    GRID_CACHE,
    N_SAMPLES,
    PARTIAL_ARI,
    SHAPE_NOTES,
    SHAPE_TITLES,
    SHAPES,
    CellResult,
    Verdict,
    best_algorithms,
    cell_order,
    comparison_cells,
    gallery_params,
    grid_key,
)
from ..palette import ColourMode, detect_colour_mode, palette_for
from ..raster import Viewport
from .base import LessonView
from .mini_scatter import mini_scatter

__all__ = ["ROW_MIN_HEIGHT", "ComparisonView", "GridCell"]

ROW_MIN_HEIGHT = 5  # lines of one grid row: a 5-line scatter and 5 lines of numbers
_LEGEND_LINES = 2
_STATS_WIDTH = 11
_VERDICT_STYLES = {
    Verdict.GOOD: Style(color="green", bold=True),
    Verdict.PARTIAL: Style(color="yellow", bold=True),
    Verdict.POOR: Style(color="red", bold=True),
}
# Each column's algorithm with what sets it apart in the gallery.
_COLUMN_HEADS = {
    name: f"{entry.short_title} \u00b7 {entry.gallery_caption}" for name, entry in ALGORITHM_ENTRIES.items()
}


def _stats_lines(result: CellResult, best: bool, height: int, colour: bool = True) -> list[Text]:
    """The numbers of a cell, at most ``height`` lines of at most 11 cells."""
    lines = [Text(f"{result.n_clusters} cluster{'' if result.n_clusters == 1 else 's'}")]
    if result.algorithm == "dbscan":
        lines.append(Text(f"{result.n_noise} noise", style="dim"))
    ari = 0.0 if abs(result.ari) < 0.005 else result.ari  # no "-0.00"
    lines.append(Text(f"ARI {ari:5.2f}"))
    sil = "  \u2013" if result.silhouette is None else f"{result.silhouette:5.2f}"
    lines.append(Text(f"sil {sil}"))
    # Without colours the symbol carries the verdict; bold keeps "poor" as readable as "good".
    style = _VERDICT_STYLES[result.verdict] if colour else Style(bold=True)
    verdict = Text(f"{result.verdict.symbol} {result.verdict.value}", style=style)
    if best:
        verdict.append(" \u2605", style="bold")
    lines.append(verdict)
    if len(lines) > height:
        # Short rows: the noise count goes first, the verdict always stays.
        lines = [line for line in lines if "noise" not in line.plain][: height - 1] + [lines[-1]]
    return lines[:height]


class GridCell(Widget):
    """One algorithm on one shape: a scatter of its clusters beside its numbers."""

    DEFAULT_CSS = """
    GridCell { width: 1fr; height: 1fr; padding: 0 1 0 0; }
    GridCell.-best { background: $success 12%; }
    GridCell.-cursor { background: $accent 30%; }
    """

    def __init__(self, shape: str, algorithm: str) -> None:
        super().__init__(id=f"cell-{shape}-{algorithm}")
        self.shape = shape
        self.algorithm = algorithm
        self.result: CellResult | None = None
        self.best = False
        self.cursor = False
        self.viewport: Viewport | None = None

    def set_cursor(self, on: bool) -> None:
        """Mark this cell as the one Enter opens (a tint, and ▸ before its numbers for no colour)."""
        self.cursor = on
        self.set_class(on, "-cursor")
        self.refresh()

    def on_click(self) -> None:
        view = self.screen
        if isinstance(view, ComparisonView):
            view.open_cell(self.shape, self.algorithm)

    def show(self, result: CellResult | None, best: bool, viewport: Viewport | None) -> None:
        self.result, self.best, self.viewport = result, best, viewport
        self.set_class(best, "-best")
        self.refresh()

    def render(self) -> Text:
        width, height = self.size.width - 1, self.size.height  # -1: the right padding
        if self.result is None:
            return Text("\u2026 waiting", style="dim")
        stats_width = min(_STATS_WIDTH, max(0, width - 6))
        plot_width = max(1, width - stats_width - 1)
        palette = palette_for(detect_colour_mode(self.app))
        plot = mini_scatter(self.result.points, self.result.labels, plot_width, height, palette, self.viewport)
        stats = _stats_lines(self.result, self.best, height, colour=palette.mode is not ColourMode.NONE)
        if self.cursor and stats:
            stats[0] = Text("\u25b8") + stats[0]
        out = Text(no_wrap=True, overflow="crop")
        for row in range(height):
            out.append_text(plot[row])
            out.append(" ")
            if row < len(stats):
                out.append_text(stats[row])
            if row < height - 1:
                out.append("\n")
        return out


class ComparisonView(LessonView["tuple[str, str] | None"]):
    """The comparison grid. Opened with ``c``; Escape closes it; Enter opens the cell under the cursor.

    The arrows move the cursor from cell to cell (paging when it leaves the
    rows on screen); Enter, or a click, closes the grid with that cell's
    (shape, algorithm), which the explorer then runs with the cell's data
    and parameters.

    Parameters
    ----------
    seed : int
        Seed of the six data sets and of K-Means and the mixture.
    n_samples : int
        Points per shape.
    """

    DEFAULT_CSS = """
    ComparisonView #grid-head { height: 1; }
    ComparisonView #grid-head Static { width: 1fr; text-style: bold; text-wrap: nowrap; text-overflow: ellipsis; }
    ComparisonView #grid-head .row-label { width: 13; }
    ComparisonView #grid { height: 1fr; }
    ComparisonView .grid-row { height: 5; }
    ComparisonView .grid-row.-spaced { margin-top: 1; }
    ComparisonView .grid-row.-highlight { background: $accent 15%; }
    ComparisonView .grid-row.-highlight .row-label { text-style: reverse; }
    ComparisonView .row-label { width: 13; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    ComparisonView #grid-legend { height: 2; padding: 0 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
    ComparisonView.-narrow #grid-head .row-label, ComparisonView.-narrow .row-label { width: 11; padding: 0 1; }
    """

    BINDINGS = [
        Binding("left,h", "move(0, -1)", "Cell", key_display="\u2190\u2192\u2191\u2193", show=True),
        Binding("right,l", "move(0, 1)", "Cell", show=False),
        Binding("up,k", "move(-1, 0)", "Cell", show=False),
        Binding("down,j", "move(1, 0)", "Cell", show=False),
        Binding("enter", "open", "Open in explorer"),
        Binding("pagedown,space", "page(1)", "Next rows", key_display="PgDn"),
        Binding("pageup", "page(-1)", "Previous rows", key_display="PgUp"),
        Binding("r", "new_sample", "New sample"),
    ]

    total = len(SHAPES) * len(ALGORITHMS)
    keep_progress_line = False  # the legend says how long the grid took: rows need the line

    def __init__(self, *, seed: int = 0, n_samples: int = N_SAMPLES) -> None:
        super().__init__(self._title_for(seed, n_samples))
        self.seed = seed
        self.n_samples = n_samples
        self.results: dict[tuple[str, str], CellResult] = {}
        self.page = 0
        self.rows_per_page = len(SHAPES)
        self.cursor = (0, 0)  # (shape row, algorithm column)
        self._pending_select: str | None = None
        self._rows_ready = False

    @staticmethod
    def _title_for(seed: int, n_samples: int) -> str:
        return f"Comparing the algorithms across shapes \u00b7 {n_samples} standardised points each \u00b7 seed {seed}"

    # ----------------------------------------------------------- layout
    def compose_body(self) -> Iterable[Widget]:
        with Horizontal(id="grid-head"):
            yield Static("shape", classes="row-label")
            for algorithm in ALGORITHMS:
                yield Static(_COLUMN_HEADS[algorithm], id=f"head-{algorithm}")
        with Vertical(id="grid"):
            for shape in SHAPES:
                with Horizontal(classes="grid-row", id=f"row-{shape}"):
                    yield Static(self._row_label(shape), classes="row-label")
                    for algorithm in ALGORITHMS:
                        yield GridCell(shape, algorithm)
        yield Static("", id="grid-legend")

    @staticmethod
    def _row_label(shape: str) -> str:
        k = gallery_params(shape, "kmeans")["n_clusters"]
        eps = gallery_params(shape, "dbscan")["eps"]
        return f"[b]{SHAPE_TITLES[shape]}[/b]\n[dim]{SHAPE_NOTES[shape]}\nk {k}\neps {eps:g}[/]"

    def on_resize(self, event: Resize) -> None:
        self._layout_rows()

    def on_mount(self) -> None:
        super().on_mount()
        self._rows_ready = True
        self._place_cursor(self.cursor)
        self._layout_rows()
        pending, self._pending_select = self._pending_select, None
        if pending is not None:
            self.select_value(pending)

    def _layout_rows(self) -> None:
        """Fit as many whole rows as the height allows; page through the rest."""
        narrow = self.size.width < 100
        self.set_class(narrow, "-narrow")
        for algorithm in ALGORITHMS:
            head = ALGORITHM_TITLES[algorithm] if narrow else _COLUMN_HEADS[algorithm]
            self.query_one(f"#head-{algorithm}", Static).update(head)
        # title, column heads, legend, footer, and the progress line while computing
        progress = 0 if self.filled and not self.keep_progress_line else 1
        room = max(ROW_MIN_HEIGHT, self.size.height - 3 - progress - _LEGEND_LINES)
        per_page = max(1, min(len(SHAPES), (room + 1) // (ROW_MIN_HEIGHT + 1)))
        row_height = max(ROW_MIN_HEIGHT, min(8, (room - (per_page - 1)) // per_page))
        self.rows_per_page = per_page
        self.page = min(self.page, self.pages - 1)
        first = self.page * per_page
        for i, shape in enumerate(SHAPES):
            row = self.query_one(f"#row-{shape}")
            on_page = first <= i < first + per_page
            row.display = on_page
            row.styles.height = row_height
            row.set_class(on_page and i > first, "-spaced")
        self._update_legend()

    @property
    def pages(self) -> int:
        return -(-len(SHAPES) // self.rows_per_page)

    def _update_legend(self) -> None:
        """Two lines: the verdict rules, then the paging and what the numbers mean."""
        wide = self.size.width >= 100
        if wide:
            first = (
                f"[green]\u2713 good[/] ARI \u2265 {GOOD_ARI:.2f}  [yellow]~ partial[/] \u2265 {PARTIAL_ARI:.2f}  "
                "[red]\u2717 poor[/] below  \u2605 best in row  \u00b7  uniform (1 true group): good = none invented"
            )
        else:
            first = (
                f"[green]\u2713 good[/] ARI \u2265 {GOOD_ARI:.2f}  [yellow]~[/] \u2265 {PARTIAL_ARI:.2f}  [red]\u2717[/] below  "
                "\u2605 best \u00b7 uniform: \u2713 if \u2264 1 cluster"
            )
        parts = []
        if self.pages > 1:
            lo = self.page * self.rows_per_page + 1
            hi = min(len(SHAPES), (self.page + 1) * self.rows_per_page)
            parts.append(f"[b]rows {lo}\u2013{hi} of {len(SHAPES)}[/b] PgDn/PgUp")
        parts.append(
            "ARI: match with the true groups (1 same, 0 chance) \u00b7 sil: mean silhouette"
            if wide
            else "ARI vs true groups \u00b7 sil: silhouette"
        )
        if self.filled:
            parts.append(self.fill_words if wide else self.fill_words.replace("computed in ", ""))
        self.query_one("#grid-legend", Static).update(first + "\n" + " \u00b7 ".join(parts))

    # ---------------------------------------------------------- computing
    def cached(self) -> dict[tuple[str, str], CellResult] | None:
        found = {}
        for shape, algorithm in cell_order():
            result = GRID_CACHE.get(grid_key(shape, algorithm, self.seed, self.n_samples))
            if result is None:
                return None
            found[(shape, algorithm)] = result
        return found

    def compute(self, report: Callable[[Any, str], None]) -> dict[tuple[str, str], CellResult]:
        found: dict[tuple[str, str], CellResult] = {}
        order = cell_order()
        for i, result in enumerate(comparison_cells(seed=self.seed, n_samples=self.n_samples)):
            found[(result.shape, result.algorithm)] = result
            if i + 1 < len(order):
                shape, algorithm = order[i + 1]
                text = f"clustering {SHAPE_TITLES[shape]} with {ALGORITHM_TITLES[algorithm]}\u2026 ({i + 1} of {len(order)} done)"
            else:
                text = "done"
            report(result, text)
        return found

    def show_partial(self, item: CellResult) -> None:
        self.results[(item.shape, item.algorithm)] = item
        self._show_row(item.shape)

    def show_result(self, result: dict[tuple[str, str], CellResult]) -> None:
        self.results = dict(result)
        for shape in SHAPES:
            self._show_row(shape)
        self.call_after_refresh(self._layout_rows_if_open)  # the progress line has gone: room for more rows

    def _layout_rows_if_open(self) -> None:
        # Esc can close the grid between its last cell and this refresh: its widgets are gone then.
        if self in self.app.screen_stack:
            self._layout_rows()

    def _show_row(self, shape: str) -> None:
        row = [self.results[(shape, a)] for a in ALGORITHMS if (shape, a) in self.results]
        complete = len(row) == len(ALGORITHMS)
        best = best_algorithms(row) if complete else set()
        viewport = Viewport.around(row[0].points, margin=0.03) if row else None
        for algorithm in ALGORITHMS:
            cell = self.query_one(f"#cell-{shape}-{algorithm}", GridCell)
            cell.show(self.results.get((shape, algorithm)), algorithm in best, viewport)

    def cell(self, shape: str, algorithm: str) -> GridCell:
        return self.query_one(f"#cell-{shape}-{algorithm}", GridCell)

    # ------------------------------------------------------------ actions
    def action_page(self, direction: int) -> None:
        """Show the next or previous rows when the grid does not fit."""
        new = min(max(self.page + direction, 0), self.pages - 1)
        if new != self.page:
            self.page = new
            self._place_cursor((new * self.rows_per_page, self.cursor[1]))  # the cursor stays on screen
            self._layout_rows()

    def action_move(self, rows: int, columns: int) -> None:
        """Move the cell cursor; the rows on screen follow it."""
        row = min(max(self.cursor[0] + rows, 0), len(SHAPES) - 1)
        column = min(max(self.cursor[1] + columns, 0), len(ALGORITHMS) - 1)
        self._place_cursor((row, column))
        page = row // self.rows_per_page
        if page != self.page:
            self.page = page
            self._layout_rows()

    def _place_cursor(self, cursor: tuple[int, int]) -> None:
        old = self.cell(SHAPES[self.cursor[0]], ALGORITHMS[self.cursor[1]])
        old.set_cursor(False)
        self.cursor = cursor
        self.cell(SHAPES[cursor[0]], ALGORITHMS[cursor[1]]).set_cursor(True)

    def select_value(self, value: Any) -> None:
        """Highlight a row (``"moons"``) or a cell (``"moons/dbscan"``), as a lesson scene asks; None: nothing."""
        if not self._rows_ready:
            self._pending_select = value  # applied once the rows exist
            return
        for shape in SHAPES:
            self.query_one(f"#row-{shape}").remove_class("-highlight")
        if value is None:
            return
        shape, _, algorithm = str(value).partition("/")
        row = SHAPES.index(shape)
        if algorithm:
            self._place_cursor((row, ALGORITHMS.index(algorithm)))
        else:
            self.query_one(f"#row-{shape}").add_class("-highlight")
            self._place_cursor((row, self.cursor[1]))
        self.page = row // self.rows_per_page
        self._layout_rows()

    def action_open(self) -> None:
        """Close the grid with the cell under the cursor, for the explorer to run."""
        self.open_cell(SHAPES[self.cursor[0]], ALGORITHMS[self.cursor[1]])

    def open_cell(self, shape: str, algorithm: str) -> None:
        """Close the grid with (shape, algorithm), once that cell has its result."""
        if (shape, algorithm) not in self.results:
            self.notify("That cell is still being computed.", timeout=2)
            return
        self.dismiss((shape, algorithm))

    def action_new_sample(self) -> None:
        """Draw the six data sets again with the next seed."""
        self.seed += 1
        self.view_title = self._title_for(self.seed, self.n_samples)
        self.query_one("#view-title", Static).update(self.view_title)
        self.results = {}
        for shape in SHAPES:
            self._show_row(shape)
        self.restart()
        self._layout_rows()
