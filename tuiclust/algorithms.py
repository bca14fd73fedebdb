"""Build an estimator from an :class:`~tuiclust.spec.AlgorithmSpec`, with the explorer's defaults."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import UsageError
from .spec import ALGORITHM_NAMES, AlgorithmSpec, RunSpec

__all__ = [
    "DEFAULTS",
    "resolved_params",
    "build_algorithm",
    "eps_needs_data",
    "eps_from_data",
    "MAX_COVARIANCE_BYTES",
    "MAX_KEPT_COVARIANCE_BYTES",
    "Wording",
    "APP_WORDS",
    "FLAG_WORDS",
    "DataLimitError",
    "covariance_bytes",
    "check_fits_the_data",
]

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


# ------------------------------------------------------------ data limits
# One set of GMM covariances (k x d x d floats for full, d x d for tied; the
# E- and M-steps hold a few such sets and do d^3 work per round): above this
# a run is refused, with what to do instead.
MAX_COVARIANCE_BYTES = 256 << 20
# The explorer keeps every step, and every M-step has its own covariances:
# their total over a whole run is bounded too.
MAX_KEPT_COVARIANCE_BYTES = 1 << 30


@dataclass(frozen=True)
class Wording:
    """How a limit message names what the user can change.

    Attributes
    ----------
    n_clusters, n_components : str
        The name of the parameter as the user sets it (``k`` or ``--k``).
    covariance : str
        How to choose a smaller covariance type.
    columns : str
        How to cluster fewer columns.
    """

    n_clusters: str
    n_components: str
    covariance: str
    columns: str


# In the app: the names on the parameter panel, and the keys that change them.
APP_WORDS = Wording(
    n_clusters="k",
    n_components="components",
    covariance="diag or spherical covariance ([ and ] in a GMM run, --covariance when starting)",
    columns="fewer columns with --columns",
)
# On the command line: the flags.
FLAG_WORDS = Wording(
    n_clusters="--k",
    n_components="--components",
    covariance="--covariance diag or spherical",
    columns="fewer columns with --columns",
)


class DataLimitError(UsageError):
    """A parameter the data cannot take (k above the rows, covariances beyond memory).

    ``str()`` words it for the app (:data:`APP_WORDS`); :meth:`worded`
    words it for another place, such as the command line.
    """

    def __init__(self, describe: Callable[[Wording], str]) -> None:
        super().__init__(describe(APP_WORDS))
        self._describe = describe

    def worded(self, words: Wording) -> str:
        """The same one-line message with ``words`` for what to change."""
        return self._describe(words)


def covariance_bytes(covariance_type: str, n_components: int, n_features: int) -> int:
    """Bytes of one set of GMM covariances.

    Parameters
    ----------
    covariance_type : {"full", "tied", "diag", "spherical"}
    n_components, n_features : int

    Returns
    -------
    int
        k x d x d floats for full, d x d for tied, k x d for diag, k for spherical.
    """
    k, d = int(n_components), int(n_features)
    values = {"full": k * d * d, "tied": d * d, "diag": k * d, "spherical": k}[covariance_type]
    return values * 8


def check_fits_the_data(
    algorithm: str,
    params: Mapping[str, Any],
    n_samples: int,
    n_features: int,
    *,
    data_name: str,
    steps_kept: bool = False,
) -> None:
    """Refuse, with what to do, the parameters this data cannot take, before any work starts.

    The one place for these limits: ``tuiclust fit``, the explorer (and its
    command line) and lessons all call it.

    Parameters
    ----------
    algorithm : {"kmeans", "dbscan", "gmm"}
    params : mapping
        The estimator's full parameters (:func:`resolved_params`).
    n_samples, n_features : int
        Shape of the data.
    data_name : str
        Named in the message.
    steps_kept : bool
        True for the explorer, which keeps every step (and each M-step's
        covariances): the whole run's covariances must fit
        :data:`MAX_KEPT_COVARIANCE_BYTES` as well.

    Raises
    ------
    DataLimitError
        k or n_components larger than the rows; GMM covariances too big.
    """
    n, d = int(n_samples), int(n_features)
    rows = f"{n:,} row{'s' if n != 1 else ''}"
    for param in ("n_clusters", "n_components"):
        k = params.get(param)
        if k is not None and int(k) > n:

            def too_many(words: Wording, param: str = param, k: int = int(k)) -> str:
                name = getattr(words, param)
                return f"{name} {k} is more than the {rows} of {data_name}; use {name} {n} or fewer"

            raise DataLimitError(too_many)
    if algorithm != "gmm":
        return
    kind, k = str(params.get("covariance_type", "full")), int(params.get("n_components", 1))
    one_set = covariance_bytes(kind, k, d)
    # Initialisation plus one set per M-step, up to max_iter.
    steps = int(params.get("max_iter", 100)) + 1
    too_big_once = one_set > MAX_COVARIANCE_BYTES
    over_run = not too_big_once and steps_kept and one_set * steps > MAX_KEPT_COVARIANCE_BYTES
    if not (too_big_once or over_run):
        return

    def too_big(words: Wording) -> str:
        kept = f", up to {_size(one_set * steps)} over the {steps} steps the explorer keeps" if over_run else ""
        return (
            f"a {kind}-covariance GMM on {d:,} columns needs {_size(one_set)} of covariance matrices "
            f"per step{kept}; use {words.covariance}, or {words.columns}"
        )

    raise DataLimitError(too_big)


def _size(n_bytes: int) -> str:
    """"2.2 GB", "390 MB"."""
    if n_bytes >= 1 << 30:
        return f"{n_bytes / 2**30:,.1f} GB"
    return f"{n_bytes / 2**20:,.0f} MB"
