"""The plot takes your hands: regions, the inspector, centres and points placed by hand, the mouse.

A mixin of :class:`tuiclust.ui.app.ExplorerApp`. It keeps what the user
does on the plot (regions on or off, the cursor, the selected point, the
centres placed so far) and hands the scatter pane an
:class:`~tuiclust.ui.overlay.Overlay` with each step. Everything placed by
hand goes into the spec (:mod:`tuiclust.pipeline.hand_edits`), so a run
recomputes from the same start and ``x`` exports it.

Modes
-----
* none: the arrows move in time, as always;
* inspect (``i``): the arrows move a cursor, the point nearest it is
  selected and described; ``a`` adds a point at the cursor, ``Delete``
  deletes the selected one; ``Escape`` leaves;
* place (``--init manual``, ``]`` to "manual"): the run waits; Enter (or a
  click) places a centre at the cursor, Backspace takes the last one back,
  and the run starts when k are placed. ``Escape`` gives up and starts from
  the default init instead.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual import work
from textual.actions import SkipAction

from tuiclust.pipeline import hand_edits
from tuiclust.pipeline.edits import effective_params
from tuiclust.pipeline.spec import RunSpec

from ..core.steps import Step
from ..errors import first_line
from .inspector import cached_index, describe, eps_neighbours, expanding_focus, point_index
from .overlay import INSPECT, PLACE, Overlay

__all__ = ["BUILD_INDEX_AT_ONCE", "PlotHands"]

# Up to this many points the inspector's KD-tree is built on the key press
# (tens of milliseconds); above, in a thread.
BUILD_INDEX_AT_ONCE = 100_000
INDEX_DELAY = 0.15  # seconds between the first "i" on big data and building its tree


class PlotHands:
    """Mixin: the plot's own keys and mouse, and the overlay they draw."""

    _regions: bool = False
    _hand_mode: str | None = None
    _cursor: tuple[float, float] | None = None
    _selected: int | None = None
    _placing: RunSpec | None = None
    _placed: tuple[tuple[float, float], ...] = ()
    _placed_needed: int = 0
    _focus_cache: tuple[int, int | None] | None = None
    _index_pending: bool = False

    # ------------------------------------------------------------ state
    @property
    def hand_mode(self) -> str | None:
        """None, "inspect" or "place"."""
        return self._hand_mode

    @property
    def selected_point(self) -> int | None:
        """The inspected point's index in the data set on screen."""
        return self._selected

    @property
    def placing(self) -> bool:
        """True while the run waits for centres placed by hand (or for points on the canvas)."""
        return self._placing is not None

    # ------------------------------------------------------- app hooks
    def hands_take(self, spec: RunSpec) -> bool:
        """Called by the app before it builds a run: True when the run must wait for hands.

        A manual start without its centres, and the empty canvas with fewer
        points than the algorithm needs, show the data and wait.
        """
        try:
            params = effective_params(spec)
        except Exception:  # noqa: BLE001 - a bad spec is the run's to refuse, with its message
            return False
        needed = hand_edits.centres_needed(spec.algorithm, params) or 1
        short_canvas = spec.data.source == hand_edits.CANVAS and len(spec.data.added) < needed
        placing = hand_edits.needs_placement(spec, params)
        if not (short_canvas or placing):
            self._placing = None
            return False
        old = self._placing
        self._placing = spec
        self._placed_needed = needed
        same_data = old is not None and old.data == spec.data
        kept = old.algorithm.placed if same_data and old is not None else spec.algorithm.placed
        self._placed = tuple(self._placed if same_data else kept)[:needed]
        self._hand_mode = INSPECT if short_canvas else PLACE
        # Stop the run on screen: its steps belong to other data.
        self.pause()  # type: ignore[attr-defined]
        self._generation += 1  # type: ignore[attr-defined]
        self._wake.set()  # type: ignore[attr-defined]
        self.spec = spec  # type: ignore[attr-defined]
        self._loading = True  # type: ignore[attr-defined]
        self._load_for_hands(spec, self._generation, short_canvas)  # type: ignore[attr-defined]
        return True

    @work(thread=True, exclusive=True, group="run", exit_on_error=False)
    def _load_for_hands(self, spec: RunSpec, generation: int, canvas: bool) -> None:
        from tuiclust.pipeline.data import load_dataset

        try:
            dataset = load_dataset(spec.data)
        except Exception as exc:  # noqa: BLE001 - the data's own one-line message
            self.call_from_thread(self._hands_failed, generation, first_line(exc))  # type: ignore[attr-defined]
            return
        self.call_from_thread(self._hands_ready, generation, spec, dataset, canvas)  # type: ignore[attr-defined]

    def _hands_failed(self, generation: int, message: str) -> None:
        if generation != self._generation:  # type: ignore[attr-defined]
            return
        self._loading = False  # type: ignore[attr-defined]
        self._placing = None
        self._hand_mode = None
        self.notify(message, title="Cannot run that", severity="error")  # type: ignore[attr-defined]

    def _hands_ready(self, generation: int, spec: RunSpec, dataset: Any, canvas: bool) -> None:
        if generation != self._generation:  # type: ignore[attr-defined]
            return
        self._loading = False  # type: ignore[attr-defined]
        self.current_run = None  # type: ignore[attr-defined]
        self._shown_step = None  # type: ignore[attr-defined]
        self.scatter.set_dataset(dataset)  # type: ignore[attr-defined]
        vp = self.scatter.plot_data.viewport  # type: ignore[attr-defined]
        if self._cursor is None or not (
            vp.x_min <= self._cursor[0] <= vp.x_max and vp.y_min <= self._cursor[1] <= vp.y_max
        ):
            self._cursor = ((vp.x_min + vp.x_max) / 2, (vp.y_min + vp.y_max) / 2)
        if self._selected is not None and self._selected >= dataset.n_samples:
            self._selected = None
        if canvas:
            say = (
                f"Draw the data: arrows move the cursor, a (or a click) adds a point; "
                f"the run starts at {self._placed_needed} point(s)."
            )
        else:
            key = hand_edits.init_key(spec.algorithm.name)
            say = (
                f"{key} manual: place {self._placed_needed} centre(s): arrows move the cursor, "
                "Enter (or a click) places one, Backspace takes the last back, Escape uses the default start."
            )
        self.phase_log.reset(tuple(dataset.notes) + (say,))  # type: ignore[attr-defined]
        self.notify(say, timeout=6)  # type: ignore[attr-defined]
        self._show_overlay()
        self._show_status()  # type: ignore[attr-defined]

    def plot_overlay(self, step: Step | None) -> Overlay:
        """The overlay drawn with ``step``: regions, cursor, selection, eps-circles, the inspector's box."""
        data = self.scatter.plot_data  # type: ignore[attr-defined]
        run = self.current_run  # type: ignore[attr-defined]
        if data is None:
            return Overlay(regions=self._regions)
        n = data.n_samples
        if self._selected is not None and self._selected >= n:
            self._selected = None
        circles: list[tuple[float, float, float]] = []
        box: tuple[str, ...] = ()
        selected_xy = None
        params = run.params if run is not None else {}
        eps = float(params.get("eps", 0.0)) if step is not None and step.algorithm == "dbscan" else 0.0
        if self._selected is not None:
            i = self._selected
            selected_xy = (float(data.points[i, 0]), float(data.points[i, 1]))
            if self._hand_mode == INSPECT:
                if run is not None and step is not None and step.labels.shape[0] == n:
                    box = describe(step, data.dataset.X, data.points, i, params)
                else:
                    box = describe(None, data.dataset.X, data.points, i, params)
                if eps > 0:
                    circles.append((*selected_xy, eps))
        if self._hand_mode == INSPECT and self._selected is None and n and cached_index(data) is None:
            box = (f"indexing {n:,} points…",)  # the KD-tree is being built, once per data set
        focus = self._expanding_focus(step, data)
        if focus is not None and eps > 0 and focus != self._selected:
            circles.append((float(data.points[focus, 0]), float(data.points[focus, 1]), eps))
        placed = self._placed if self._placing is not None else ()
        if self._hand_mode == PLACE and self._placing is not None:
            box = (
                f"placing centre {len(placed) + 1} of {self._placed_needed}",
                "Enter: place it here",
                "Backspace: undo",
                "Esc: default start",
            )
        cursor = self._cursor if self._hand_mode is not None else None
        return Overlay(
            regions=self._regions,
            cursor=cursor,
            cursor_kind=self._hand_mode or INSPECT,
            selected=selected_xy,
            circles=tuple(circles),
            placed=placed,
            box=box,
        )

    def _expanding_focus(self, step: Step | None, data: Any) -> int | None:
        """The point whose eps-circle DBSCAN's Expand step shows, cached per step."""
        if step is None or step.algorithm != "dbscan":
            return None
        if self._focus_cache is not None and self._focus_cache[0] == id(step):
            return self._focus_cache[1]
        run = self.current_run  # type: ignore[attr-defined]
        previous = None
        if run is not None and run.timeline.index > 0 and run.timeline.current is step:
            previous = run.timeline[run.timeline.index - 1]
        focus = expanding_focus(step, previous, data.points) if step.labels.shape[0] == data.n_samples else None
        self._focus_cache = (id(step), focus)
        return focus

    def _show_overlay(self) -> None:
        self.scatter.set_overlay(self.plot_overlay(self.scatter.wanted_step))  # type: ignore[attr-defined]

    # ------------------------------------------------------------ keys
    def action_toggle_regions(self) -> None:
        """Shade each K-Means centre's region (v)."""
        self._regions = not self._regions
        step = self.scatter.wanted_step  # type: ignore[attr-defined]
        if self._regions and (step is None or step.algorithm != "kmeans"):
            self.notify("Regions are drawn for K-Means centres; they show when K-Means runs.", timeout=3)  # type: ignore[attr-defined]
        self._show_overlay()

    def action_inspect(self) -> None:
        """Put a cursor on the plot and describe the point nearest it (i); i again leaves."""
        if self._hand_mode == PLACE:
            raise SkipAction()
        if self._hand_mode == INSPECT:
            self.action_leave_plot()
            return
        data = self.scatter.plot_data  # type: ignore[attr-defined]
        if data is None:
            return
        self._hand_mode = INSPECT
        if self._selected is not None and self._selected < data.n_samples:
            self._cursor = (float(data.points[self._selected, 0]), float(data.points[self._selected, 1]))
        elif self._cursor is None:
            vp = data.viewport
            self._cursor = ((vp.x_min + vp.x_max) / 2, (vp.y_min + vp.y_max) / 2)
        self._select_nearest()
        self._show_overlay()

    def action_leave_plot(self) -> None:
        """Leave the inspector or give up placing (Escape)."""
        if self._hand_mode is None:
            raise SkipAction()
        if self._placing is not None and self._hand_mode == PLACE:
            spec = self._placing
            key = hand_edits.init_key(spec.algorithm.name)
            default = {"kmeans": "k-means++", "gmm": "kmeans"}.get(spec.algorithm.name)
            self._placing = None
            self._hand_mode = None
            self.notify(f"Not placing by hand: {key} {default}.", timeout=3)  # type: ignore[attr-defined]
            self._request(replace(spec, algorithm=spec.algorithm.with_params(**{str(key): default})))  # type: ignore[attr-defined]
            return
        if self._placing is not None:
            raise SkipAction()  # the canvas waits for points: the inspector stays
        self._hand_mode = None
        self._show_overlay()

    def _on_main_screen(self) -> bool:
        stack = self.screen_stack  # type: ignore[attr-defined]
        return bool(stack) and self.screen is stack[0]  # type: ignore[attr-defined]

    def action_cursor(self, dx: int, dy: int) -> None:
        """Move the cursor one cell (arrows, in the inspector and while placing)."""
        if self._hand_mode is None or not self._on_main_screen():
            raise SkipAction()
        pane = self.scatter  # type: ignore[attr-defined]
        data, frame = pane.plot_data, pane.frame
        if data is None or frame is None or self._cursor is None:
            return
        _, _, w, h = frame.plot_area
        vp = data.viewport
        step_x = (vp.x_max - vp.x_min) / max(w - 1, 1)
        step_y = (vp.y_max - vp.y_min) / max(h - 1, 1)
        x = min(max(self._cursor[0] + dx * step_x, vp.x_min), vp.x_max)
        y = min(max(self._cursor[1] + dy * step_y, vp.y_min), vp.y_max)
        self._cursor = (x, y)
        if self._hand_mode == INSPECT:
            self._select_nearest()
        self._show_overlay()

    def _select_nearest(self) -> None:
        data = self.scatter.plot_data  # type: ignore[attr-defined]
        if data is None or self._cursor is None or data.n_samples == 0:
            self._selected = None
            return
        index = cached_index(data)
        if index is None and data.n_samples > BUILD_INDEX_AT_ONCE:
            # Big data: the tree is built once in a thread (about a second at
            # 1,000,000 points); the key answers at once and the box follows.
            # The build holds the interpreter much of the time, so it starts
            # once the frame saying "indexing" had time to reach the screen.
            if not self._index_pending:
                self._index_pending = True
                self.set_timer(INDEX_DELAY, lambda: self._build_index(data))  # type: ignore[attr-defined]
            return
        self._selected = (index or point_index(data)).nearest(self._cursor)

    @work(thread=True, group="point-index", exclusive=True, exit_on_error=False)
    def _build_index(self, data: Any) -> None:
        point_index(data)
        self.call_from_thread(self._index_built, data)  # type: ignore[attr-defined]

    def _index_built(self, data: Any) -> None:
        self._index_pending = False
        if data is self.scatter.plot_data and self._hand_mode == INSPECT:  # type: ignore[attr-defined]
            self._select_nearest()
            self._show_overlay()

    def action_place(self) -> None:
        """Place a centre at the cursor (Enter, while placing)."""
        if self._hand_mode != PLACE or self._placing is None or self._cursor is None or not self._on_main_screen():
            raise SkipAction()
        spot = (round(self._cursor[0], 6), round(self._cursor[1], 6))
        if spot in self._placed:
            self.notify("A centre is already there; move the cursor first.", timeout=2)  # type: ignore[attr-defined]
            return
        self._placed = (*self._placed, spot)
        if len(self._placed) < self._placed_needed:
            self._show_overlay()
            return
        spec = hand_edits.with_placed(self._placing, self._placed)
        self._placing = None
        self._hand_mode = None
        self._request(spec)  # type: ignore[attr-defined]

    def action_unplace(self) -> None:
        """Take back the last centre placed (Backspace, while placing)."""
        if self._hand_mode != PLACE or self._placing is None:
            raise SkipAction()
        if not self._placed:
            self.notify("No centre placed yet.", timeout=2)  # type: ignore[attr-defined]
            return
        self._placed = self._placed[:-1]
        self._show_overlay()

    def action_add_point(self) -> None:
        """Add a point at the cursor (a, in the inspector); the run recomputes from the same start."""
        if self._hand_mode != INSPECT or self._cursor is None:
            raise SkipAction()
        data = self.scatter.plot_data  # type: ignore[attr-defined]
        if data is None:
            return
        vp = data.viewport
        x, y = self._cursor
        if not (vp.x_min <= x <= vp.x_max and vp.y_min <= y <= vp.y_max):
            self.notify("That is beyond the data's limits; points go inside the axes.", timeout=3)  # type: ignore[attr-defined]
            return
        self._selected = data.n_samples  # the new point comes last
        self._edit(lambda s: hand_edits.with_added_point(s, self._cursor))  # type: ignore[attr-defined]

    def action_delete_point(self) -> None:
        """Delete the selected point (Delete, in the inspector); the run recomputes."""
        if self._hand_mode != INSPECT:
            raise SkipAction()
        data = self.scatter.plot_data  # type: ignore[attr-defined]
        if data is None or self._selected is None:
            self.notify("No point selected: move the cursor onto one.", timeout=2)  # type: ignore[attr-defined]
            return
        index, n = self._selected, data.n_samples
        if n <= 1:
            self.notify("That is the last point; a data set needs at least one.", timeout=3)  # type: ignore[attr-defined]
            return
        try:
            hand_edits.with_removed_point(self.spec, index, n)  # type: ignore[attr-defined]
        except ValueError as exc:
            self.notify(first_line(exc), timeout=3)  # type: ignore[attr-defined]
            return
        self._selected = None
        self._edit(lambda s: hand_edits.with_removed_point(s, index, n))  # type: ignore[attr-defined]

    # ------------------------------------------------------------ mouse
    def on_scatter_pane_clicked(self, message: Any) -> None:
        """A click places a centre while placing, else inspects the point under it."""
        self._cursor = message.position
        if self._hand_mode == PLACE:
            self.action_place()
            return
        if self.spec.data.source == hand_edits.CANVAS:  # type: ignore[attr-defined]
            self._hand_mode = INSPECT
            self.action_add_point()  # drawing the data: a click adds a point
            return
        self._hand_mode = INSPECT
        self._select_nearest()
        self._show_overlay()

    def on_scatter_pane_wheel(self, message: Any) -> None:
        """The wheel over the plot steps time."""
        if self._placing is not None:
            return
        if message.direction > 0:
            self.action_step_forward()  # type: ignore[attr-defined]
        else:
            self.action_step_back()  # type: ignore[attr-defined]

    def inspected_neighbours(self) -> int | None:
        """DBSCAN: how many points lie within eps of the inspected point (for tests)."""
        run = self.current_run  # type: ignore[attr-defined]
        if run is None or self._selected is None or "eps" not in run.params:
            return None
        rows, _ = eps_neighbours(run.dataset.X, self._selected, float(run.params["eps"]))
        return int(rows.shape[0])
