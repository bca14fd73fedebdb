"""Build an estimator from an :class:`~tuiclust.spec.AlgorithmSpec`, with the explorer's defaults."""

from __future__ import annotations

from typing import Any

from .spec import ALGORITHM_NAMES, AlgorithmSpec

__all__ = ["DEFAULTS", "resolved_params", "build_algorithm"]

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
