"""One run of the explorer: a spec turned into data, an estimator and a timeline.

:func:`build_run` does the slow part of a parameter change (reading or
generating the data, scaling it, suggesting eps) and is meant to be called
from a worker thread. It raises for bad input; the app turns that into a
notification and keeps the previous run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from tuiclust.core.steps import Step
from tuiclust.pipeline.data import Dataset, load_dataset
from tuiclust.pipeline.edits import effective_params
from tuiclust.pipeline.estimators import build_estimator, eps_from_data, eps_needs_data
from tuiclust.pipeline.hand_edits import placed_centres, relabel_initial
from tuiclust.pipeline.limits import check_fits_the_data
from tuiclust.pipeline.spec import RunSpec
from tuiclust.pipeline.starts import is_wide, relabel_wide
from tuiclust.pipeline.timeline import Timeline

__all__ = ["PreparedRun", "Run", "build_run", "prepare_run"]


@dataclass(eq=False)
class PreparedRun:
    """A spec made ready to run: its data, its full parameters, its estimator and its steps.

    Attributes
    ----------
    spec : RunSpec
        The spec as run, with any suggested eps written in.
    dataset : Dataset
    params : dict
        The estimator's full constructor parameters.
    estimator : object
        The core estimator (not fitted).
    steps : iterator of Step
        ``estimator.steps(dataset.X)``, not started.
    eps_suggested : bool
        True when DBSCAN's eps was read from the data.
    """

    spec: RunSpec
    dataset: Dataset
    params: dict[str, Any]
    estimator: Any
    steps: Iterator[Step]
    eps_suggested: bool = False


@dataclass(eq=False)
class Run:
    """Everything the views of one run read.

    Attributes
    ----------
    spec : RunSpec
        The spec as run, with any suggested eps written in.
    dataset : Dataset
    params : dict
        The estimator's full constructor parameters.
    timeline : Timeline
    """

    spec: RunSpec
    dataset: Dataset
    params: dict[str, Any]
    timeline: Timeline


def prepare_run(spec: RunSpec, *, steps_kept: bool = True) -> PreparedRun:
    """Load the data of ``spec``, fill in its parameters, check the limits and build its estimator.

    The one way from a spec to a run: the explorer, lessons and recordings
    (:func:`build_run`) and ``tuiclust fit`` all come through here, so what
    ``fit`` writes is what the explorer shows.

    Parameters
    ----------
    spec : RunSpec
    steps_kept : bool
        True when every step will be kept (the explorer): the limits then
        bound the whole run's memory, not one step's.

    Raises
    ------
    tuiclust.pipeline.limits.DataLimitError
        A combination the data cannot take (k larger than n, GMM
        covariances too big to keep), worded for the app (``.worded()``
        words it for the command line).
    tuiclust.errors.UsageError, ValueError
        Bad file or bad parameter, with a one-line message.
    """
    dataset = load_dataset(spec.data)
    suggested = _with_suggested_eps(spec, dataset)
    params = effective_params(suggested)
    check_fits_the_data(
        spec.algorithm.name,
        params,
        dataset.n_samples,
        dataset.n_features,
        data_name=dataset.name,
        steps_kept=steps_kept,
    )
    dataset_name = None if spec.data.is_file else spec.data.source
    placed = placed_centres(suggested, dataset, params)
    estimator = build_estimator(
        suggested.algorithm, dataset=dataset_name, seed=spec.data.seed, placed=placed, X=dataset.X
    )
    steps = estimator.steps(dataset.X)  # checks data-dependent limits (k <= n) right away
    if placed is not None:
        steps = relabel_initial(steps, spec.algorithm.name)
    elif is_wide(spec.algorithm.name, params):
        steps = relabel_wide(steps)
    return PreparedRun(suggested, dataset, params, estimator, steps, eps_suggested=suggested is not spec)


def build_run(spec: RunSpec) -> Run:
    """A run for the explorer: :func:`prepare_run`, with its steps recorded in a :class:`Timeline`.

    The timeline is started, not computed: a worker fills it.
    """
    prepared = prepare_run(spec, steps_kept=True)
    return Run(prepared.spec, prepared.dataset, prepared.params, Timeline(prepared.steps))


def _with_suggested_eps(spec: RunSpec, dataset: Dataset) -> RunSpec:
    """DBSCAN on scaled or CSV data: eps read from the data (see :func:`eps_needs_data`)."""
    if not eps_needs_data(spec):
        return spec
    min_samples = int(effective_params(spec).get("min_samples", 5))
    eps = eps_from_data(dataset.X, min_samples)
    return replace(spec, algorithm=spec.algorithm.with_params(eps=eps))
