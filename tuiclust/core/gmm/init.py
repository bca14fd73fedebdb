"""Initial responsibilities of a Gaussian mixture, drawn as scikit-learn draws them."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["INIT_PARAMS", "initial_responsibilities", "is_one_hot"]

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
