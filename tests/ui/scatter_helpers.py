"""Hand-made data sets and steps for the scatter pane's tests (no algorithm involved)."""

from __future__ import annotations

import numpy as np

from tuiclust.core.preprocess import fit_projection
from tuiclust.core.steps import Phase, PointKind, Step, frozen_array
from tuiclust.pipeline.data import Dataset

BLOB_CENTRES = np.array([[0.0, 0.0], [6.0, 6.0], [0.0, 8.0]])


def blobs(n_per_blob: int = 100, *, seed: int = 0, n_features: int = 2) -> tuple[Dataset, np.ndarray]:
    """Three well-separated Gaussian blobs; returns the data set and the true labels (n,)."""
    rng = np.random.default_rng(seed)
    centres = BLOB_CENTRES
    if n_features > 2:
        centres = np.hstack([centres, np.zeros((3, n_features - 2))])
    X = np.vstack([rng.normal(c, 0.8, (n_per_blob, n_features)) for c in centres])
    names = [f"x{i + 1}" for i in range(n_features)]
    projection = fit_projection(X, column_names=names)
    truth = np.repeat(np.arange(3), n_per_blob).astype(np.int8)
    return Dataset(X, X, truth, tuple(names), projection, "blobs"), truth


def kmeans_steps(dataset: Dataset, truth: np.ndarray) -> dict[str, Step]:
    """Initialize (no labels yet), Assign and Update steps with centres near the blobs."""
    n, d = dataset.X.shape
    start = dataset.X[[0, n // 2, n - 1]].copy()
    labels = frozen_array(truth.copy())
    means = np.vstack([dataset.X[truth == c].mean(axis=0) for c in range(3)])
    unassigned = frozen_array(np.full(n, -1, dtype=np.int8))
    return {
        "init": Step("kmeans", Phase.INITIALIZE, 0, unassigned, "init", centers=frozen_array(start)),
        "assign": Step(
            "kmeans", Phase.ASSIGN, 1, labels, "assign", centers=frozen_array(start), cluster_sizes=(n // 3,) * 3
        ),
        "update": Step(
            "kmeans",
            Phase.UPDATE,
            1,
            labels,
            "update",
            centers=frozen_array(means),
            previous_centers=frozen_array(start),
            cluster_sizes=(n // 3,) * 3,
        ),
    }


def dbscan_steps(dataset: Dataset, truth: np.ndarray) -> dict[str, Step]:
    """Core points found, cluster 1 growing, and the final picture with border points and noise."""
    n = dataset.n_samples
    rng = np.random.default_rng(1)
    kinds = np.where(rng.random(n) < 0.7, PointKind.CORE, PointKind.BORDER).astype(np.int8)
    kinds[::17] = PointKind.NOISE
    final_labels = np.where(kinds == PointKind.NOISE, -1, truth).astype(np.int8)
    found = np.where(kinds == PointKind.CORE, PointKind.CORE, PointKind.UNVISITED).astype(np.int8)
    growing = final_labels.copy()
    growing[truth == 2] = -1
    growing_kinds = kinds.copy()
    growing_kinds[truth == 2] = np.where(kinds[truth == 2] == PointKind.CORE, PointKind.CORE, PointKind.UNVISITED)
    return {
        "neighbourhoods": Step(
            "dbscan",
            Phase.NEIGHBOURHOODS,
            1,
            frozen_array(np.full(n, -1, np.int8)),
            "cores",
            point_kinds=frozen_array(found),
        ),
        "expand": Step(
            "dbscan",
            Phase.EXPAND,
            2,
            frozen_array(growing),
            "expand",
            point_kinds=frozen_array(growing_kinds),
            active_cluster=1,
            cluster_sizes=(n // 3, n // 3),
        ),
        "done": Step(
            "dbscan",
            Phase.DONE,
            3,
            frozen_array(final_labels),
            "done",
            point_kinds=frozen_array(kinds),
            cluster_sizes=(n // 3,) * 3,
        ),
    }


def gmm_steps(dataset: Dataset, truth: np.ndarray, covariance_type: str = "full") -> dict[str, Step]:
    """An E-step with responsibilities (some uncertain points) and an M-step that moved the means."""
    n, d = dataset.X.shape
    means = np.vstack([dataset.X[truth == c].mean(axis=0) for c in range(3)])
    full = np.stack([np.cov(dataset.X[truth == c].T) for c in range(3)])
    if covariance_type == "full":
        covs = full
    elif covariance_type == "diag":
        covs = np.stack([np.diag(c) for c in full])
    elif covariance_type == "spherical":
        covs = np.array([np.mean(np.diag(c)) for c in full])
    else:  # tied
        covs = full.mean(axis=0)
    confidence = np.full(n, 0.95, dtype=np.float32)
    confidence[::5] = 0.45
    return {
        "e_step": Step(
            "gmm",
            Phase.E_STEP,
            1,
            frozen_array(truth.copy()),
            "e",
            centers=frozen_array(means),
            weights=np.full(3, 1 / 3),
            covariances=covs,
            covariance_type=covariance_type,
            confidence=frozen_array(confidence),
            log_likelihood=-2.5,
        ),
        "m_step": Step(
            "gmm",
            Phase.M_STEP,
            1,
            frozen_array(truth.copy()),
            "m",
            centers=frozen_array(means + 0.3),
            previous_centers=frozen_array(means),
            weights=np.full(3, 1 / 3),
            covariances=covs,
            covariance_type=covariance_type,
            confidence=frozen_array(confidence),
        ),
    }
