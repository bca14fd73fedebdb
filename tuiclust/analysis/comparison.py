"""The comparison grid: every algorithm on the six shapes of scikit-learn's gallery.

Rows are the gallery's data sets, in its order, 500 points each and
standardised (zero mean, unit variance per column) as the gallery does;
columns are the vocabulary's algorithms with the gallery's settings (each
entry's ``gallery`` and ``gallery_by_shape``): e.g. DBSCAN eps 0.3 (0.18 for
``varied``, 0.15 for ``aniso``) and min_samples 7; algorithms that take a
number of clusters look for 3 (2 for ``circles`` and ``moons``).

Each cell is judged against the true groups with the adjusted Rand index
(ARI: 1 = the same partition, about 0 = no better than chance):

- good match: ARI >= 0.90
- partial match: 0.40 <= ARI < 0.90
- poor match: ARI < 0.40

``no_structure`` has a single true group, and ARI cannot reward finding
"nothing" there (any split scores 0). So it is judged by the clusters found
instead: at most one cluster (noise allowed) is a good match, since nothing
was invented; two or more is a poor match.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import numpy as np

from tuiclust.core.datasets import make_dataset
from tuiclust.core.metrics import adjusted_rand_score, silhouette_score
from tuiclust.core.preprocess import scale
from tuiclust.pipeline.vocabulary import ALGORITHM_NAMES
from tuiclust.pipeline.vocabulary import ALGORITHMS as _VOCABULARY

from .cache import ResultCache

__all__ = [
    "ALGORITHMS",
    "ALGORITHM_TITLES",
    "GOOD_ARI",
    "GRID_CACHE",
    "N_SAMPLES",
    "PARTIAL_ARI",
    "SHAPES",
    "SHAPE_TITLES",
    "CellResult",
    "Verdict",
    "best_algorithms",
    "cell_order",
    "comparison_cells",
    "gallery_data",
    "gallery_params",
    "judge",
    "run_cell",
    "verdict_rules",
]

SHAPES: tuple[str, ...] = ("circles", "moons", "varied", "aniso", "blobs", "no_structure")
SHAPE_TITLES: dict[str, str] = {
    "circles": "circles",
    "moons": "moons",
    "varied": "varied",
    "aniso": "aniso",
    "blobs": "blobs",
    "no_structure": "uniform",
}
SHAPE_NOTES: dict[str, str] = {
    "circles": "2 rings",
    "moons": "2 moons",
    "varied": "3 spreads",
    "aniso": "3 sheared",
    "blobs": "3 blobs",
    "no_structure": "no groups",
}
ALGORITHMS: tuple[str, ...] = ALGORITHM_NAMES
ALGORITHM_TITLES: dict[str, str] = {name: entry.short_title for name, entry in _VOCABULARY.items()}

N_SAMPLES = 500
TWO_CLUSTER_SHAPES = ("circles", "moons")
WITHOUT_STRUCTURE = "no_structure"

GOOD_ARI = 0.90
PARTIAL_ARI = 0.40

# Keyed by (shape, algorithm, seed, n_samples): the data is generated, not given.
GRID_CACHE: ResultCache[CellResult] = ResultCache(18 * 8)


class Verdict(Enum):
    """How well a cell's clusters match the true groups."""

    GOOD = "good"
    PARTIAL = "partial"
    POOR = "poor"

    @property
    def words(self) -> str:
        return {"good": "good match", "partial": "partial match", "poor": "poor match"}[self.value]

    @property
    def symbol(self) -> str:
        return {"good": "\u2713", "partial": "~", "poor": "\u2717"}[self.value]


@dataclass(frozen=True, eq=False)
class CellResult:
    """One algorithm on one shape.

    Attributes
    ----------
    shape, algorithm : str
    params : dict
        The estimator's parameters.
    points : ndarray of shape (n_samples, 2)
        The standardised data the algorithm saw.
    labels : ndarray of shape (n_samples,)
        Final clusters; -1 is DBSCAN noise.
    y_true : ndarray of shape (n_samples,)
    n_clusters : int
        Clusters found, noise not counted.
    n_noise : int
    ari : float
        Adjusted Rand index against ``y_true`` (noise is one more group).
    silhouette : float or None
        Mean silhouette (noise counted as a cluster, as scikit-learn); None
        when fewer than 2 groups.
    verdict : Verdict
    reason : str
        The verdict in words (which rule gave it).
    seconds : float
        Time to cluster and score.
    """

    shape: str
    algorithm: str
    params: dict[str, Any]
    points: np.ndarray
    labels: np.ndarray
    y_true: np.ndarray
    n_clusters: int
    n_noise: int
    ari: float
    silhouette: float | None
    verdict: Verdict
    reason: str
    seconds: float = field(default=0.0)


def gallery_data(shape: str, *, seed: int = 0, n_samples: int = N_SAMPLES) -> tuple[np.ndarray, np.ndarray]:
    """A gallery data set, standardised.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y_true : ndarray of shape (n_samples,)
    """
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {', '.join(SHAPES)}; got {shape!r}")
    X, y = make_dataset(shape, n_samples=n_samples, random_state=seed)
    return scale(X, "standard"), y


def gallery_params(shape: str, algorithm: str, *, seed: int = 0) -> dict[str, Any]:
    """The gallery's parameters for one cell (constructor keywords)."""
    if algorithm not in _VOCABULARY:
        raise ValueError(f"algorithm must be one of {', '.join(ALGORITHMS)}; got {algorithm!r}")
    entry = _VOCABULARY[algorithm]
    params: dict[str, Any] = {}
    if entry.cluster_count is not None:
        params[entry.cluster_count] = 2 if shape in TWO_CLUSTER_SHAPES else 3
    params.update(entry.gallery)
    params.update(entry.gallery_by_shape.get(shape, {}))
    if entry.seeded:
        params["random_state"] = seed
    return params


def _estimator(algorithm: str, params: dict[str, Any]) -> Any:
    return _VOCABULARY[algorithm].estimator_class()(**params)


def judge(shape: str, ari: float, n_clusters: int) -> tuple[Verdict, str]:
    """The verdict of a cell, and the rule that gave it in words.

    Parameters
    ----------
    shape : str
    ari : float
        Adjusted Rand index against the true groups.
    n_clusters : int
        Clusters found, noise not counted.
    """
    if shape == WITHOUT_STRUCTURE:
        if n_clusters <= 1:
            return Verdict.GOOD, "no structure invented"
        return Verdict.POOR, f"invented {n_clusters} clusters"
    if ari >= GOOD_ARI:
        return Verdict.GOOD, f"ARI >= {GOOD_ARI:.2f}"
    if ari >= PARTIAL_ARI:
        return Verdict.PARTIAL, f"ARI {PARTIAL_ARI:.2f} to {GOOD_ARI:.2f}"
    return Verdict.POOR, f"ARI < {PARTIAL_ARI:.2f}"


def verdict_rules() -> list[str]:
    """The verdict thresholds in words, for the help screen and the grid's legend."""
    return [
        f"good match: ARI >= {GOOD_ARI:.2f}",
        f"partial match: ARI {PARTIAL_ARI:.2f} to {GOOD_ARI:.2f}",
        f"poor match: ARI < {PARTIAL_ARI:.2f}",
        "uniform (one true group, where ARI cannot reward finding nothing): "
        "good when at most one cluster is found, poor when clusters are invented",
    ]


def run_cell(
    shape: str,
    algorithm: str,
    *,
    seed: int = 0,
    n_samples: int = N_SAMPLES,
    data: tuple[np.ndarray, np.ndarray] | None = None,
) -> CellResult:
    """Cluster one gallery shape with one algorithm and score it.

    Parameters
    ----------
    shape : str
        One of :data:`SHAPES`.
    algorithm : str
        One of :data:`ALGORITHMS`.
    seed : int
        Seed of the data and of K-Means / the mixture.
    n_samples : int
    data : (X, y_true), optional
        The standardised data, when the caller already has it.

    Returns
    -------
    CellResult
    """
    start = time.perf_counter()
    X, y = data if data is not None else gallery_data(shape, seed=seed, n_samples=n_samples)
    params = gallery_params(shape, algorithm, seed=seed)
    labels = np.asarray(_estimator(algorithm, params).fit(X).labels_)
    found = np.unique(labels)
    n_clusters = int(np.count_nonzero(found >= 0))
    n_noise = int(np.count_nonzero(labels == -1))
    ari = float(adjusted_rand_score(y, labels))
    try:
        silhouette: float | None = float(silhouette_score(X, labels))
    except ValueError:
        silhouette = None
    verdict, reason = judge(shape, ari, n_clusters)
    labels.flags.writeable = False
    return CellResult(
        shape,
        algorithm,
        params,
        X,
        labels,
        y,
        n_clusters,
        n_noise,
        ari,
        silhouette,
        verdict,
        reason,
        time.perf_counter() - start,
    )


def cell_order() -> list[tuple[str, str]]:
    """Every (shape, algorithm) of the grid, row by row."""
    return [(shape, algorithm) for shape in SHAPES for algorithm in ALGORITHMS]


def grid_key(shape: str, algorithm: str, seed: int, n_samples: int) -> Hashable:
    return (shape, algorithm, int(seed), int(n_samples))


def comparison_cells(
    *, seed: int = 0, n_samples: int = N_SAMPLES, cells: Iterable[tuple[str, str]] | None = None
) -> Iterator[CellResult]:
    """Compute the grid's cells one by one (from the cache where possible), row by row.

    The data of a row is generated once for its three algorithms.
    """
    data: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for shape, algorithm in cells if cells is not None else cell_order():
        key = grid_key(shape, algorithm, seed, n_samples)
        result = GRID_CACHE.get(key)
        if result is None:
            if shape not in data:
                data[shape] = gallery_data(shape, seed=seed, n_samples=n_samples)
            result = run_cell(shape, algorithm, seed=seed, n_samples=n_samples, data=data[shape])
            GRID_CACHE.put(key, result)
        yield result


def best_algorithms(row: Iterable[CellResult], *, tie: float = 0.005) -> set[str]:
    """The best cell(s) of one row: highest ARI, or fewest clusters for ``no_structure``.

    Cells within ``tie`` of the best ARI are all best (blobs: every algorithm
    finds the three blobs exactly).
    """
    cells = list(row)
    if not cells:
        return set()
    if cells[0].shape == WITHOUT_STRUCTURE:
        fewest = min(c.n_clusters for c in cells)
        return {c.algorithm for c in cells if c.n_clusters == fewest}
    top = max(c.ari for c in cells)
    return {c.algorithm for c in cells if c.ari >= top - tie}
