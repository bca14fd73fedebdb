"""One run of the explorer: a spec turned into data, an estimator and a timeline.

:func:`build_run` does the slow part of a parameter change (reading or
generating the data, scaling it, suggesting eps) and is meant to be called
from a worker thread. It raises for bad input; the app turns that into a
notification and keeps the previous run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..algorithms import build_algorithm
from ..data import Dataset, load_dataset
from ..spec import RunSpec
from ..timeline import Timeline
from .spec_edits import effective_params

__all__ = ["Run", "build_run", "suggest_eps_for"]

# k-distance curves are computed on a sample: the knee barely moves, the cost does.
_EPS_SAMPLE = 5_000


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
    tuiclust.errors.UsageError, ValueError
        Bad file, bad parameter, or a combination the data cannot take
        (k larger than n ...), with a one-line message.
    """
    dataset = load_dataset(spec.data)
    spec = _with_suggested_eps(spec, dataset)
    params = effective_params(spec)
    dataset_name = None if spec.data.is_file else spec.data.source
    algorithm = build_algorithm(spec.algorithm, dataset=dataset_name, seed=spec.data.seed)
    steps = algorithm.steps(dataset.X)  # checks data-dependent limits (k <= n) right away
    return Run(spec, dataset, params, Timeline(steps))


def _with_suggested_eps(spec: RunSpec, dataset: Dataset) -> RunSpec:
    """DBSCAN on scaled or CSV data: eps from the data, since a data set's suggestion is in raw units."""
    if spec.algorithm.name != "dbscan" or "eps" in spec.algorithm.params:
        return spec
    if spec.data.scale == "none" and not spec.data.is_file:
        return spec
    min_samples = int(effective_params(spec).get("min_samples", 5))
    eps = suggest_eps_for(dataset.X, min_samples)
    from dataclasses import replace

    return replace(spec, algorithm=spec.algorithm.with_params(eps=eps))


def suggest_eps_for(X: np.ndarray, min_samples: int) -> float:
    """A readable eps from the knee of the k-distance curve of ``X`` (3 significant digits).

    Uses :func:`tuiclust.core.elbow.suggest_eps` when the core has it.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    min_samples : int
    """
    if X.shape[0] > _EPS_SAMPLE:
        X = X[np.random.default_rng(0).choice(X.shape[0], _EPS_SAMPLE, replace=False)]
    eps: float | None = None
    try:
        from ..core.elbow import suggest_eps

        eps = float(suggest_eps(X, min_samples))
    except (ImportError, TypeError, ValueError):
        eps = None
    if eps is None or not np.isfinite(eps) or eps <= 0:
        eps = _knee_of_k_distances(X, min_samples)
    return float(f"{eps:.3g}")


def _knee_of_k_distances(X: np.ndarray, min_samples: int) -> float:
    """Fallback: the point of the sorted k-distance curve farthest from its chord."""
    from scipy.spatial import cKDTree

    k = min(max(min_samples, 2), X.shape[0])
    distances, _ = cKDTree(X).query(X, k=k)
    curve = np.sort(np.atleast_2d(distances)[:, -1] if distances.ndim > 1 else distances)
    if curve.size < 3 or curve[-1] <= curve[0]:
        return float(curve[-1]) if curve.size and curve[-1] > 0 else 0.5
    x = np.linspace(0.0, 1.0, curve.size)
    y = (curve - curve[0]) / (curve[-1] - curve[0])
    return float(curve[int(np.argmax(x - y))])
