"""Build an estimator from an :class:`~tuiclust.spec.AlgorithmSpec`, with the explorer's defaults."""

from __future__ import annotations

from typing import Any

import numpy as np

from .spec import ALGORITHM_NAMES, AlgorithmSpec, RunSpec

__all__ = ["DEFAULTS", "resolved_params", "build_algorithm", "eps_needs_data", "eps_from_data"]

# The explorer's defaults; DBSCAN's eps/min_samples and the cluster count are
# replaced by a data set's suggestions where it has some.
DEFAULTS: dict[str, dict[str, Any]] = {
    "kmeans": {"n_clusters": 3, "init": "k-means++"},
    "dbscan": {"eps": 0.5, "min_samples": 5},
    "gmm": {"n_components": 3, "covariance_type": "full"},
}


def resolved_params(spec: AlgorithmSpec, *, dataset: str | None = None, seed: int = 0) -> dict[str, Any]:
    """The full keyword arguments for the estimator of ``spec``.

    Parameters
    ----------
    spec : AlgorithmSpec
    dataset : str, optional
        A built-in data set name whose suggested parameters fill the gaps.
    seed : int
        ``random_state`` when the spec does not give one (K-Means and GMM).
    """
    if spec.name not in ALGORITHM_NAMES:
        raise ValueError(f"algorithm must be one of {', '.join(ALGORITHM_NAMES)}; got {spec.name!r}")
    params = dict(DEFAULTS[spec.name])
    if dataset is not None:
        params.update(_suggestions(spec.name, dataset))
    params.update(spec.params)
    if spec.name in ("kmeans", "gmm"):
        params.setdefault("random_state", seed)
    return params


def build_algorithm(spec: AlgorithmSpec, *, dataset: str | None = None, seed: int = 0) -> Any:
    """A new, unfitted estimator (KMeans, DBSCAN or GaussianMixture)."""
    params = resolved_params(spec, dataset=dataset, seed=seed)
    if spec.name == "kmeans":
        from .core.kmeans import KMeans

        return KMeans(**params)
    if spec.name == "dbscan":
        from .core.dbscan import DBSCAN

        return DBSCAN(**params)
    from .core.gmm import GaussianMixture

    return GaussianMixture(**params)


def _suggestions(algorithm: str, dataset: str) -> dict[str, Any]:
    try:
        from .core.datasets import SUGGESTED
    except ImportError:
        return {}
    hint = SUGGESTED.get(dataset, {})
    if algorithm == "kmeans" and "n_clusters" in hint:
        return {"n_clusters": hint["n_clusters"]}
    if algorithm == "gmm" and "n_clusters" in hint:
        return {"n_components": hint["n_clusters"]}
    if algorithm == "dbscan":
        return {k: hint[k] for k in ("eps", "min_samples") if k in hint}
    return {}


# k-distance curves are computed on a sample: the knee barely moves, the cost does.
_EPS_SAMPLE = 5_000


def eps_needs_data(spec: RunSpec) -> bool:
    """True when DBSCAN's eps must be read from the data itself.

    A built-in data set's suggested eps is in its raw units, so it fits only
    unscaled built-in data; a CSV file has no suggestion at all.
    """
    return (
        spec.algorithm.name == "dbscan"
        and "eps" not in spec.algorithm.params
        and (spec.data.is_file or spec.data.scale != "none")
    )


def eps_from_data(X: np.ndarray, min_samples: int) -> float:
    """A readable eps (3 significant digits) from the knee of the k-distance curve of ``X``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    min_samples : int

    Returns
    -------
    float
        Always finite and > 0, so it can be given to DBSCAN as it is.
    """
    from .core.elbow import k_distances, suggest_eps

    if X.shape[0] > _EPS_SAMPLE:
        X = X[np.random.default_rng(0).choice(X.shape[0], _EPS_SAMPLE, replace=False)]
    k = min(max(int(min_samples), 1), X.shape[0])  # a tiny data set has fewer neighbours
    with np.errstate(all="ignore"):
        eps = float(suggest_eps(X, k))
        if not (np.isfinite(eps) and eps > 0):
            # No usable knee (identical points, extreme values): any positive
            # distance seen in the data, else 1.
            dist = k_distances(X, k)
            dist = dist[np.isfinite(dist) & (dist > 0)]
            eps = float(np.median(dist)) if dist.size else 1.0
    eps = float(f"{eps:.3g}")
    return eps if np.isfinite(eps) and eps > 0 else 1.0
