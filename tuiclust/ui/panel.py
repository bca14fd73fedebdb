"""The side panel: the run's parameters (clickable) and the numbers of the current step.

Both widgets only render what they are given; they never call an algorithm.
Clickable parts are markup links to app actions, the same actions the keys
run, so the mouse and the keyboard cannot disagree.
"""

from __future__ import annotations

from typing import Any

from textual.markup import escape
from textual.widgets import Static

from tuiclust.pipeline.edits import MAIN_PARAMETER, SECOND_PARAMETER, parameter_label
from tuiclust.pipeline.vocabulary import ALGORITHMS

from ..core.steps import Step
from .step_text import format_number, step_numbers

__all__ = ["ParameterPanel", "StepNumbers", "parameter_rows"]

_LABEL_WIDTH = 12
# Labels of rows whose buttons are − / + (numbers) rather than ◂ / ▸ (choices).
_NUMERIC_LABELS = frozenset(
    {"points"} | {p.label for a in ALGORITHMS.values() for p in a.all_parameters if p.kind != "choice"}
)


def _button(glyph: str, action: str) -> str:
    """A one-cell button: a markup link that runs an app action when clicked."""
    return f'[@click="app.{action}"]{glyph}[/]'


def _format_param(name: str, value: Any) -> str:
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def parameter_rows(
    *,
    algorithm: str,
    dataset_name: str,
    n_samples: int,
    seed: int,
    scale: str,
    params: dict[str, Any],
    is_file: bool,
) -> list[tuple[str, str, str, str]]:
    """(label, value, action for ◂/−, action for ▸/+) for each row of the panel.

    An empty action means the row has no button on that side.
    """
    main, second = MAIN_PARAMETER[algorithm], SECOND_PARAMETER[algorithm]
    return [
        ("algorithm", ALGORITHMS[algorithm].short_title, "cycle_algorithm(-1)", "cycle_algorithm(1)"),
        ("data set", dataset_name, "dataset(-1)", "dataset(1)"),
        ("points", f"{n_samples:,}", "" if is_file else "samples(-1)", "" if is_file else "samples(1)"),
        ("seed", str(seed), "", "restart"),
        ("scaling", scale, "", "scaling"),
        (parameter_label(main), _format_param(main, params.get(main)), "main_param(-1)", "main_param(1)"),
        (parameter_label(second), _format_param(second, params.get(second)), "second_param(-1)", "second_param(1)"),
    ]


class ParameterPanel(Static):
    """What runs: algorithm, data set, size, seed, scaling and the algorithm's two parameters.

    Each changeable row has small buttons (◂ ▸, − +, ↻) that run the same
    actions as the keys.
    """

    DEFAULT_CSS = """
    ParameterPanel { height: auto; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.border_title = "Run"
        self.rows: list[tuple[str, str]] = []

    def show_parameters(self, rows: list[tuple[str, str, str, str]]) -> None:
        """Render the rows given by :func:`parameter_rows`."""
        self.rows = [(label, value) for label, value, _, _ in rows]
        self._button_rows = rows
        self._render_rows()

    def on_resize(self) -> None:
        self._render_rows()

    def _render_rows(self) -> None:
        """Draw the rows at the panel's width: a value too long for its line goes under its label.

        At 80 columns the panel is 26 cells wide; ``◂ gaussian_mixture ▸``
        or ``min_cluster_size`` beside a label would be cut, so such a row
        takes two lines rather than hiding the name a student must read.
        """
        rows = getattr(self, "_button_rows", [])
        width = self.content_region.width or 1000
        label_width = max([_LABEL_WIDTH, *(len(label) + 1 for label, *_ in rows)])
        lines = []
        for label, value, left, right in rows:
            numeric = label in _NUMERIC_LABELS
            dec = _button("\u2212" if numeric else "\u25c2", left) if left else " "
            inc = _button("+" if numeric else "\u25b8", right) if right else " "
            if right == "restart":
                inc = _button("\u21bb", right)
            control = f"{dec} [b]{escape(value)}[/] {inc}"
            if label_width + len(value) + 4 <= width:
                lines.append(f"[dim]{label:<{label_width}}[/]{control}")
            elif _LABEL_WIDTH + len(value) + 4 <= width and len(label) < _LABEL_WIDTH:
                lines.append(f"[dim]{label:<{_LABEL_WIDTH}}[/]{control}")
            else:
                lines.append(f"[dim]{label}[/]")
                lines.append(f"  {control}")
        self.update("\n".join(lines))

    @property
    def plain_text(self) -> str:
        """The panel as plain lines ``label value`` (for tests and exactness checks)."""
        return "\n".join(f"{label} {value}" for label, value in self.rows)


class StepNumbers(Static):
    """The numbers of the step on screen: iteration, phase and the algorithm's own figures.

    When the side column is too short for every row (80x24), the rows that
    the phase log already tells (the cluster growing, the iteration, the
    sizes) give way first, so the counts a student compares stay in view
    without a scrollbar.
    """

    DEFAULT_CSS = """
    StepNumbers { height: auto; }
    """

    # Rows the phase log also shows, in the order they give way.
    GIVE_WAY: tuple[str, ...] = ("growing", "sizes", "iteration", "unvisited")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.border_title = "This step"
        self.rows: list[tuple[str, str]] = []
        self.shown_rows: list[tuple[str, str]] = []
        self._position = ""
        self._step: Step | None = None

    def show_step(self, step: Step | None, *, position: str = "") -> None:
        """Render ``step``'s numbers; ``position`` is e.g. ``"5 of 23"``."""
        self._step, self._position = step, position
        self.rows = [] if step is None else step_numbers(step)
        if position:
            self.rows.insert(0, ("step", position))
        self._render_rows()

    def fit_to_room(self) -> None:
        """Re-fit the rows after the terminal changed size."""
        self._render_rows()

    def _room(self) -> int | None:
        """Lines the box can show without scrolling its column, or None if not laid out yet."""
        column = self.parent
        if column is None or not column.size.height:
            return None
        above = sum(w.outer_size.height for w in column.children if w is not self and w.display)
        frame = self.outer_size.height - self.size.height  # border and padding lines
        return max(1, column.size.height - above - frame)

    def _render_rows(self) -> None:
        if not self.rows:
            self.shown_rows = []
            self.update("[dim]waiting for the first step\u2026[/]")
            return
        rows = list(self.rows)
        room = self._room()
        for label in self.GIVE_WAY:
            if room is None or len(rows) <= room:
                break
            rows = [row for row in rows if row[0] != label]
        self.shown_rows = rows
        lines = [f"[dim]{label:<{_LABEL_WIDTH}}[/]{escape(value)}" for label, value in rows]
        self.update("\n".join(lines))

    @property
    def plain_text(self) -> str:
        return "\n".join(f"{label} {value}" for label, value in self.rows)
