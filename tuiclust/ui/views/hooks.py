"""How the explorer opens the lesson views and applies what they choose.

:class:`LessonViews` is mixed into the explorer app. It adds the actions
behind ``e`` (elbow, k-distance, BIC/AIC or the dendrogram, by algorithm), ``c`` (the
comparison grid), ``m`` (the scores strip) and ``M`` (the silhouette plot),
owns the scores strip widget (:attr:`LessonViews.metrics_strip`, which the
app places in its layout) and turns a view's choice into a new run through
the app's public :meth:`load_spec`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from tuiclust.pipeline.vocabulary import title_of

from ...core.steps import Step
from .base import LessonView
from .metrics_strip import MetricsStrip

if TYPE_CHECKING:  # pragma: no cover
    from tuiclust.pipeline.run import Run

__all__ = ["PARAMETER_VIEWS", "LessonViews", "silhouette_view"]

_PARAMETER_WORDS = {"n_clusters": "k", "eps": "eps", "n_components": "components"}


def _elbow(run: Run) -> tuple[LessonView[Any], str]:
    from .elbow import ElbowView

    params, data = run.params, run.dataset
    view = ElbowView(
        data.X,
        current_k=int(params["n_clusters"]),
        init=params.get("init", "k-means++"),
        seed=run.spec.data.seed,
        data_name=data.name,
    )
    return view, "n_clusters"


def _k_distance(run: Run) -> tuple[LessonView[Any], str]:
    from .kdistance import KDistanceView

    params, data = run.params, run.dataset
    view = KDistanceView(
        data.X, min_samples=int(params["min_samples"]), current_eps=float(params["eps"]), data_name=data.name
    )
    return view, "eps"


def _information_criteria(run: Run) -> tuple[LessonView[Any], str]:
    from .model_selection import ModelSelectionView

    params, data = run.params, run.dataset
    view = ModelSelectionView(
        data.X,
        current_components=int(params["n_components"]),
        covariance_type=str(params.get("covariance_type", "full")),
        seed=run.spec.data.seed,
        data_name=data.name,
    )
    return view, "n_components"


def _condensed_tree(run: Run) -> tuple[LessonView[Any], str]:
    from .condensed_tree import CondensedTreeView

    view = CondensedTreeView(run.dataset.X, params=dict(run.params), data_name=run.dataset.name)
    return view, "min_cluster_size"


def _dendrogram(run: Run) -> tuple[LessonView[Any], str] | None:
    from .dendrogram import DendrogramView

    steps = run.timeline
    tree = steps[0].tree if len(steps) else None
    if tree is None:
        return None  # the first step (which carries the tree) is not computed yet
    params = run.params
    k = params.get("n_clusters") or steps[-1].n_clusters_found or 2
    view = DendrogramView(
        tree, current_k=int(k), linkage=str(params.get("linkage", "ward")), data_name=run.dataset.name
    )
    return view, "n_clusters"


#: Key ``e`` per algorithm: the view that helps choose its main parameter, and the parameter it sets.
PARAMETER_VIEWS: dict[str, Callable[[Run], tuple[LessonView[Any], str] | None]] = {
    "kmeans": _elbow,
    "dbscan": _k_distance,
    "gmm": _information_criteria,
    "hdbscan": _condensed_tree,
    "agglomerative": _dendrogram,
}


class LessonViews:
    """Mixin for the explorer app (it relies on ``current_run``, ``load_spec`` and ``notify``)."""

    current_run: Run | None

    @property
    def metrics_strip(self) -> MetricsStrip:
        """The scores strip (one per app, created on first use)."""
        strip = getattr(self, "_lesson_metrics_strip", None)
        if strip is None:
            strip = self._lesson_metrics_strip = MetricsStrip(id="metrics")
        return strip

    def lesson_step_shown(self, run: Run | None, step: Step | None) -> None:
        """Tell the scores strip which step is on screen (the app calls this for every step shown)."""
        self.metrics_strip.show_step(run.dataset.X if run is not None else None, step)

    def _lesson_view_open(self) -> bool:
        return isinstance(self.screen, LessonView)  # type: ignore[attr-defined]

    def _run_for_view(self) -> Run | None:
        run = self.current_run
        if run is None:
            self.notify("Nothing to look at yet: no run is on screen.", timeout=3)  # type: ignore[attr-defined]
        return run

    # ------------------------------------------------------------- actions
    def action_choose_parameter(self) -> None:
        """The view that helps choose the main parameter of the algorithm on screen (elbow, k-distance, BIC/AIC ...)."""
        run = self._run_for_view()
        if run is None or self._lesson_view_open():
            return
        name = run.spec.algorithm.name
        opener = PARAMETER_VIEWS.get(name)
        if opener is None:
            self.notify(f"{title_of(name)} has no view for choosing its parameters yet.", timeout=3)  # type: ignore[attr-defined]
            return
        opened = opener(run)
        if opened is None:
            self.notify("The run is still being computed; try again in a moment.", timeout=3)  # type: ignore[attr-defined]
            return
        view, key = opened
        self.push_screen(view, callback=lambda value: self._apply_choice(run, key, value))  # type: ignore[attr-defined]

    def _apply_choice(self, run: Run, key: str, value: Any) -> None:
        """Run the explorer again with ``key = value`` (None: the view was left with Escape)."""
        if value is None:
            return
        word = _PARAMETER_WORDS.get(key, key)
        if run.params.get(key) == value:
            self.notify(f"{word} = {value:g} is what the explorer runs already.", timeout=3)  # type: ignore[attr-defined]
            return
        spec = replace(run.spec, algorithm=run.spec.algorithm.with_params(**{key: value}))
        self.load_spec(spec)  # type: ignore[attr-defined]
        self.notify(f"Running {word} = {value:g}.", timeout=2)  # type: ignore[attr-defined]

    def action_compare(self) -> None:
        """The comparison grid: three algorithms on the gallery's six shapes."""
        if self._lesson_view_open():
            return
        self._open_grid(seed=getattr(self, "_grid_seed", 0))

    def _open_grid(self, *, seed: int) -> None:
        from .comparison import ComparisonView

        view = ComparisonView(seed=seed)
        self.push_screen(view, callback=lambda cell: self._run_grid_cell(view, cell))  # type: ignore[attr-defined]

    def _run_grid_cell(self, view: Any, cell: tuple[str, str] | None) -> None:
        """Enter on a grid cell: the explorer runs that shape and algorithm with the cell's parameters.

        The data is the cell's (the same generator, seed, size and standard
        scaling), so the explorer's last step is the cell's clustering;
        Escape on the explorer then returns to the grid.
        """
        self._grid_seed = view.seed
        if cell is None:
            self._grid_return = False
            return
        from tuiclust.analysis.comparison import gallery_params
        from tuiclust.pipeline.spec import AlgorithmSpec, DataSpec, RunSpec

        shape, algorithm = cell
        params = gallery_params(shape, algorithm, seed=view.seed)
        spec = RunSpec(
            DataSpec(shape, n_samples=view.n_samples, seed=view.seed, scale="standard"),
            AlgorithmSpec(algorithm, MappingProxyType(params)),
        )
        self._grid_return = True
        self.load_spec(spec)  # type: ignore[attr-defined]
        self.notify(f"{title_of(algorithm)} on {shape}, as in the grid; Escape goes back to the grid.", timeout=4)  # type: ignore[attr-defined]

    def action_back_to_grid(self) -> None:
        """Escape after opening a grid cell: the grid again, as it was."""
        if getattr(self, "_grid_return", False) and not self._lesson_view_open():
            self._grid_return = False
            self._open_grid(seed=getattr(self, "_grid_seed", 0))

    def action_toggle_metrics(self) -> None:
        """Show or hide the scores strip."""
        self.metrics_strip.toggle()

    def action_silhouette_plot(self) -> None:
        """The silhouette plot of the step on screen."""
        run = self._run_for_view()
        if run is None or self._lesson_view_open():
            return
        view = silhouette_view(run)
        if isinstance(view, str):
            self.notify(view, timeout=4)  # type: ignore[attr-defined]
            return
        self.push_screen(view)  # type: ignore[attr-defined]


def silhouette_view(run: Run) -> Any:
    """The silhouette plot of the step under ``run``'s cursor, or why there is none (a sentence)."""
    step = run.timeline.current
    if step is None:
        return "No step on screen yet."
    from ...analysis.scores import not_scorable_reason
    from .silhouette import SilhouetteView

    reason = not_scorable_reason(step.labels)
    if reason is not None:
        return f"No silhouette plot for this step: {reason}."
    what = (
        f"{_title(run.spec.algorithm.name)} on {run.dataset.name}, step {run.timeline.index + 1} ({step.phase.label})"
    )
    return SilhouetteView(run.dataset.X, step.labels, what=what)


def _title(name: str) -> str:
    from tuiclust.pipeline.edits import algorithm_title

    return algorithm_title(name)
