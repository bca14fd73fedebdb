"""Initial responsibilities of a Gaussian mixture, drawn as scikit-learn draws them, and the lesson's wide start."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["INIT_PARAMS", "initial_responsibilities", "is_one_hot", "wide_start"]

INIT_PARAMS = ("kmeans", "k-means++", "random", "random_from_data")


def is_one_hot(init_params: str) -> bool:
    """True for the starts whose responsibilities are one-hot on a few seed points only.

    Their rows do not each sum to 1 (only the seeds have any), which the
    M-step must know to follow scikit-learn (see ``_estimate_parameters``).
    """
    return init_params in ("k-means++", "random_from_data")


def initial_responsibilities(X: np.ndarray, n_components: int, init_params: str, rng: Any) -> np.ndarray:
    """Responsibilities to start EM from, shape (n_samples, n_components).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The data as given (not centred: seeds are picked on it, as in scikit-learn).
    n_components : int
    init_params : {"kmeans", "k-means++", "random", "random_from_data"}
    rng : numpy.random.RandomState or Generator

    Returns
    -------
    ndarray of shape (n_samples, n_components)
        One-hot on K-Means labels (every row sums to 1), uniform random
        rows normalised to 1, or one-hot on ``n_components`` seed points
        (every other row is 0).
    """
    n, k = X.shape[0], n_components
    if init_params == "random":
        resp = np.asarray(rng.uniform(size=(n, k)), dtype=np.float64)
        resp /= resp.sum(axis=1)[:, None]
        return resp
    resp = np.zeros((n, k))
    if init_params == "kmeans":
        from ..kmeans import KMeans  # imported here: K-Means is only needed for this init

        kmeans = KMeans(n_clusters=k, init="k-means++", random_state=rng)
        # Drained steps rather than fit: the mixture's own steps tell of
        # duplicate points, so K-Means' warnings would only repeat them.
        for _ in kmeans.steps(X):
            pass
        labels = kmeans.labels_
        resp[np.arange(n), labels] = 1.0
    elif init_params == "k-means++":
        from ..kmeans_init import kmeans_plusplus_indices

        # As scikit-learn: seeds picked on the data as given, not centred.
        indices = kmeans_plusplus_indices(X, k, rng)
        resp[indices, np.arange(k)] = 1.0
    else:  # random_from_data
        indices = rng.choice(n, size=k, replace=False)
        resp[indices, np.arange(k)] = 1.0
    return resp


def wide_start(
    X: np.ndarray, n_components: int, covariance_type: str, random_state: Any = None
) -> dict[str, np.ndarray]:
    """The lesson's start, as ``weights_init``, ``means_init`` and ``precisions_init``.

    Means at ``n_components`` distinct random data points, every covariance
    round and as wide as the whole data set (its mean variance per feature,
    times the identity), equal weights. From there EM has visible work to
    do: the wide circles shrink, tilt and move onto the groups over several
    iterations. It is no new rule of EM, only given initial parameters,
    so a run from it is scikit-learn's run from the same parameters.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    n_components : int
        At most ``n_samples``.
    covariance_type : {"full", "tied", "diag", "spherical"}
        Sets the shape of ``precisions_init``.
    random_state : None, int, or numpy generator
        Picks the points; an int draws the same points as
        ``init_params="random_from_data"`` with that seed.

    Returns
    -------
    dict
        ``weights_init`` (n_components,), ``means_init`` (n_components,
        n_features) and ``precisions_init``: (n_components, n_features,
        n_features) for "full", (n_features, n_features) for "tied",
        (n_components, n_features) for "diag", (n_components,) for "spherical".
    """
    from ..validation import check_random_state

    X = np.asarray(X, dtype=np.float64)
    n, d = X.shape
    k = int(n_components)
    if not 1 <= k <= n:
        raise ValueError(f"n_components={k} must be from 1 to the number of samples ({n})")
    indices = check_random_state(random_state).choice(n, size=k, replace=False)
    variance = float(X.var(axis=0).mean()) if n > 1 else 0.0
    # Identical points have no spread: any positive width keeps the start valid.
    precision = 1.0 / variance if np.isfinite(variance) and variance > 0.0 else 1.0
    precisions = {
        "full": np.broadcast_to(np.eye(d) * precision, (k, d, d)).copy(),
        "tied": np.eye(d) * precision,
        "diag": np.full((k, d), precision),
        "spherical": np.full(k, precision),
    }[covariance_type]
    return {
        "weights_init": np.full(k, 1.0 / k),
        "means_init": X[indices].copy(),
        "precisions_init": precisions,
    }
