"""Build an estimator from an :class:`~tuiclust.pipeline.spec.AlgorithmSpec`, with the explorer's defaults.

Defaults and which parameters a built-in data set suggests come from
:mod:`tuiclust.pipeline.vocabulary`; DBSCAN's eps is read from the data
where no suggestion fits (:func:`eps_from_data`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tuiclust.pipeline.spec import AlgorithmSpec, RunSpec
from tuiclust.pipeline.vocabulary import algorithm

__all__ = ["build_estimator", "check_estimator_params", "eps_from_data", "eps_needs_data", "resolved_params"]


def resolved_params(spec: AlgorithmSpec, *, dataset: str | None = None, seed: int = 0) -> dict[str, Any]:
    """The full keyword arguments for the estimator of ``spec``.

    Parameters
    ----------
    spec : AlgorithmSpec
    dataset : str, optional
        A built-in data set name whose suggested parameters fill the gaps.
    seed : int
        ``random_state`` when the spec does not give one (seeded algorithms).

    Raises
    ------
    ValueError
        For an unknown algorithm name.
    """
    entry = algorithm(spec.name)
    params = dict(entry.defaults)
    if dataset is not None:
        params.update(_suggestions(spec.name, dataset))
    params.update(spec.params)
    if entry.seeded:
        params.setdefault("random_state", seed)
    return params


def build_estimator(
    spec: AlgorithmSpec, *, dataset: str | None = None, seed: int = 0, placed: Any = None, X: np.ndarray | None = None
) -> Any:
    """A new, unfitted core estimator for ``spec`` (its class comes from the vocabulary).

    ``placed`` (k, n_features) are hand-placed centres in the data's units for
    a "manual" start; without them a manual start is checked as the default one.
    ``X`` (n_samples, n_features) is the data the run will see, which the wide
    GMM start is drawn from (:mod:`tuiclust.pipeline.starts`).
    """
    from tuiclust.pipeline.hand_edits import estimator_params
    from tuiclust.pipeline.starts import wide_params

    params = estimator_params(spec.name, resolved_params(spec, dataset=dataset, seed=seed), placed)
    params = wide_params(spec.name, params, X)
    return algorithm(spec.name).estimator_class()(**params)


def check_estimator_params(spec: AlgorithmSpec, *, dataset: str | None = None, seed: int = 0) -> dict[str, Any]:
    """Check the full parameters of ``spec`` against its estimator's constraint table, without building it.

    Scenes and the command line validate this way, from the same table the
    estimator checks at ``fit``.

    Raises
    ------
    ValueError
        One line naming the first bad parameter and what is allowed.
    """
    from tuiclust.pipeline.hand_edits import estimator_params
    from tuiclust.pipeline.starts import wide_params

    # A "manual" start is checked as the start it stands in for until centres are placed,
    # the wide start as the random data points it is drawn from.
    params = wide_params(
        spec.name, estimator_params(spec.name, resolved_params(spec, dataset=dataset, seed=seed), None), None
    )
    return algorithm(spec.name).estimator_class().check_params(params)


def _suggestions(name: str, dataset: str) -> dict[str, Any]:
    """The parameters the built-in ``dataset`` suggests for the algorithm ``name``."""
    from tuiclust.core.datasets import SUGGESTED

    hint = SUGGESTED.get(dataset, {})
    entry = algorithm(name)
    found: dict[str, Any] = {}
    if entry.cluster_count is not None and "n_clusters" in hint:
        found[entry.cluster_count] = hint["n_clusters"]
    found.update({k: hint[k] for k in entry.suggested if k in hint})
    return found


# Up to this many points the knee is read from every point, so the explorer's
# eps equals the k-distance view's suggestion; above it, from a sample (the
# knee barely moves, the cost does).
_EPS_SAMPLE = 200_000


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
    from tuiclust.core.elbow import k_distances, suggest_eps

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
