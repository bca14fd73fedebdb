"""One run of the explorer: a spec turned into data, an estimator and a timeline.

:func:`build_run` does the slow part of a parameter change (reading or
generating the data, scaling it, suggesting eps) and is meant to be called
from a worker thread. It raises for bad input; the app turns that into a
notification and keeps the previous run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


from ..algorithms import build_algorithm, check_fits_the_data, eps_from_data, eps_needs_data
from ..data import Dataset, load_dataset
from ..spec import RunSpec
from ..timeline import Timeline
from .spec_edits import effective_params

__all__ = ["Run", "build_run"]


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


def build_run(spec: RunSpec) -> Run:
    """Load the data of ``spec``, build its estimator and start (not compute) its steps.

    Raises
    ------
    tuiclust.algorithms.DataLimitError
        A combination the data cannot take (k larger than n, GMM
        covariances too big to keep), worded for the app.
    tuiclust.errors.UsageError, ValueError
        Bad file or bad parameter, with a one-line message.
    """
    dataset = load_dataset(spec.data)
    spec = _with_suggested_eps(spec, dataset)
    params = effective_params(spec)
    check_fits_the_data(
        spec.algorithm.name, params, dataset.n_samples, dataset.n_features, data_name=dataset.name, steps_kept=True
    )
    dataset_name = None if spec.data.is_file else spec.data.source
    algorithm = build_algorithm(spec.algorithm, dataset=dataset_name, seed=spec.data.seed)
    steps = algorithm.steps(dataset.X)  # checks data-dependent limits (k <= n) right away
    return Run(spec, dataset, params, Timeline(steps))


def _with_suggested_eps(spec: RunSpec, dataset: Dataset) -> RunSpec:
    """DBSCAN on scaled or CSV data: eps read from the data (see :func:`eps_needs_data`)."""
    if not eps_needs_data(spec):
        return spec
    min_samples = int(effective_params(spec).get("min_samples", 5))
    eps = eps_from_data(dataset.X, min_samples)
    return replace(spec, algorithm=spec.algorithm.with_params(eps=eps))
