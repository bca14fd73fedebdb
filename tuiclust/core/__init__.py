"""The algorithm core: numpy and scipy only, no terminal libraries.

Import the algorithms from here::

    from tuiclust.core import KMeans, DBSCAN, GaussianMixture

Every estimator subclasses :class:`StepwiseEstimator` (parameters checked from
a declarative table when a run starts, ``check_params`` without data,
``fit`` from ``steps``); using one before ``fit`` raises
:class:`NotFittedError`, and ``fit`` warns with :class:`ConvergenceWarning`
where scikit-learn warns.
"""

from __future__ import annotations

from typing import Any

from .steps import Phase, PointKind, Step

__all__ = [
    "DBSCAN",
    "HDBSCAN",
    "AgglomerativeClustering",
    "ConvergenceWarning",
    "GaussianMixture",
    "KMeans",
    "NotFittedError",
    "Phase",
    "PointKind",
    "Step",
    "StepwiseEstimator",
]


def __getattr__(name: str) -> Any:
    # Lazy, so that `import tuiclust.core.steps` stays cheap and one
    # unfinished module never breaks the others.
    if name == "KMeans":
        from .kmeans import KMeans

        return KMeans
    if name == "DBSCAN":
        from .dbscan import DBSCAN

        return DBSCAN
    if name == "GaussianMixture":
        from .gmm import GaussianMixture

        return GaussianMixture
    if name == "AgglomerativeClustering":
        from .agglomerative import AgglomerativeClustering

        return AgglomerativeClustering
    if name == "HDBSCAN":
        from .hdbscan import HDBSCAN

        return HDBSCAN
    if name in ("StepwiseEstimator", "NotFittedError", "ConvergenceWarning"):
        from . import base

        return getattr(base, name)
    raise AttributeError(name)
