"""Judging a clustering without labels: the three scores and the silhouette profile.

- Silhouette (-1 to 1, higher is better): for each point, how much closer it
  is to its own cluster than to the nearest other one, averaged.
- Calinski-Harabasz (0 and up, higher is better): spread between clusters
  over spread within them, each per degree of freedom.
- Davies-Bouldin (0 and up, lower is better): how much each cluster looks
  like its most similar neighbour, averaged.

All three come from :mod:`tuiclust.core.metrics` (scikit-learn's values) and
take labels as they are: DBSCAN's noise label -1 counts as one more cluster,
as in scikit-learn. They are defined for 2 to n-1 clusters only; outside that
range the result carries a reason instead of numbers.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np

from ..core.metrics import (
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_samples,
    silhouette_score,
)
from .cache import ResultCache, array_fingerprint

__all__ = [
    "PROFILE_CACHE",
    "PROFILE_MAX_POINTS",
    "SCORES_CACHE",
    "SILHOUETTE_SAMPLE",
    "ClusteringScores",
    "SilhouetteProfile",
    "not_scorable_reason",
    "profile_key",
    "score_clustering",
    "scores_key",
    "silhouette_profile",
]

# Above this many points the mean silhouette is estimated on a random sample
# (scikit-learn's sample_size): its cost grows with n squared.
SILHOUETTE_SAMPLE = 2_000
# The silhouette plot needs every value, not just the mean: at most this many points.
PROFILE_MAX_POINTS = 4_000

SCORES_CACHE: ResultCache[ClusteringScores] = ResultCache(256)
PROFILE_CACHE: ResultCache[SilhouetteProfile] = ResultCache(8)


@dataclass(frozen=True)
class ClusteringScores:
    """The three internal scores of one labelling, or why they do not exist.

    Attributes
    ----------
    silhouette, calinski_harabasz, davies_bouldin : float or None
        None when ``reason`` is set.
    reason : str or None
        Why the scores are not defined (fewer than 2 clusters ...).
    n_groups : int
        Distinct labels, noise (-1) included.
    has_noise : bool
        Some points carry -1, and were scored as one more cluster.
    silhouette_sample : int or None
        Points the silhouette was estimated on, when it was sampled.
    silhouette_clustered : float or None
        With noise present: the mean silhouette of the clustered points
        alone (noise left out), when they form 2 clusters or more. Counting
        noise as a cluster can pull the silhouette down hard (a single noise
        point is a "cluster" right next to its neighbours), so both are worth
        seeing.
    """

    silhouette: float | None
    calinski_harabasz: float | None
    davies_bouldin: float | None
    reason: str | None
    n_groups: int
    has_noise: bool
    silhouette_sample: int | None = None
    silhouette_clustered: float | None = None

    @property
    def defined(self) -> bool:
        return self.reason is None


def not_scorable_reason(labels: np.ndarray) -> str | None:
    """Why a labelling cannot be scored, in words; None when it can.

    Parameters
    ----------
    labels : ndarray of shape (n_samples,)
    """
    n = labels.shape[0]
    values = np.unique(labels)
    if values.size == 1 and values[0] == -1:
        return "no point is in a cluster yet"
    if values.size < 2:
        return "needs at least 2 clusters; this step has 1"
    if values.size >= n:
        return "every point is a cluster of its own"
    return None


def score_clustering(
    X: np.ndarray, labels: np.ndarray, *, sample_size: int = SILHOUETTE_SAMPLE, seed: int = 0
) -> ClusteringScores:
    """Silhouette, Calinski-Harabasz and Davies-Bouldin of one labelling.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    labels : ndarray of shape (n_samples,)
        -1 (noise, or not yet assigned) counts as one more cluster.
    sample_size : int
        The silhouette is estimated on this many random points when there
        are more (the other two scores are cheap and always use every point).
    seed : int
        Seed of that sample.

    Returns
    -------
    ClusteringScores
    """
    labels = np.asarray(labels)
    n_groups = int(np.unique(labels).size)
    has_noise = bool((labels == -1).any())
    reason = not_scorable_reason(labels)
    if reason is not None:
        return ClusteringScores(None, None, None, reason, n_groups, has_noise)
    sampled = X.shape[0] > sample_size
    try:
        sil = silhouette_score(X, labels, sample_size=sample_size if sampled else None, random_state=seed)
    except ValueError:
        # The sample happened to hold a single cluster (a tiny cluster in huge data).
        sil = None
    ch = calinski_harabasz_score(X, labels)
    db = davies_bouldin_score(X, labels)
    clustered = None
    if has_noise:
        keep = labels != -1
        if not_scorable_reason(labels[keep]) is None:
            try:
                n_kept = int(keep.sum())
                clustered = silhouette_score(
                    X[keep], labels[keep], sample_size=sample_size if n_kept > sample_size else None, random_state=seed
                )
            except ValueError:
                clustered = None
    return ClusteringScores(sil, ch, db, None, n_groups, has_noise, sample_size if sampled else None, clustered)


@dataclass(frozen=True, eq=False)
class SilhouetteProfile:
    """Every point's silhouette, grouped by cluster and sorted: the silhouette plot.

    Attributes
    ----------
    labels : tuple of int
        The clusters, in label order (-1 first when there is noise).
    values : tuple of ndarray
        For each cluster, its points' silhouettes sorted from high to low.
    mean : float
        Mean over every point shown.
    n_used, n_total : int
        Points shown (a random sample when fewer than ``n_total``) and points in the data.
    """

    labels: tuple[int, ...]
    values: tuple[np.ndarray, ...]
    mean: float
    n_used: int
    n_total: int

    @property
    def sampled(self) -> bool:
        return self.n_used < self.n_total

    def cluster_means(self) -> list[float]:
        return [float(v.mean()) for v in self.values]

    def negative_share(self) -> float:
        """Share of points with a negative silhouette (likely in the wrong cluster)."""
        total = sum(v.size for v in self.values)
        return sum(int((v < 0).sum()) for v in self.values) / total if total else 0.0


def silhouette_profile(
    X: np.ndarray, labels: np.ndarray, *, max_points: int = PROFILE_MAX_POINTS, seed: int = 0
) -> SilhouetteProfile:
    """Every point's silhouette, grouped by cluster and sorted within each.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    labels : ndarray of shape (n_samples,)
    max_points : int
        Above this many points, a random sample (its silhouettes are computed
        within the sample, as scikit-learn's ``sample_size`` does).
    seed : int

    Returns
    -------
    SilhouetteProfile

    Raises
    ------
    ValueError
        When the labelling cannot be scored (:func:`not_scorable_reason`).
    """
    labels = np.asarray(labels)
    n_total = X.shape[0]
    if n_total > max_points:
        keep = np.sort(np.random.default_rng(seed).choice(n_total, max_points, replace=False))
        X, labels = X[keep], labels[keep]
    reason = not_scorable_reason(labels)
    if reason is not None:
        raise ValueError(f"no silhouette: {reason}")
    s = silhouette_samples(X, labels)
    clusters = np.unique(labels)
    values = tuple(np.sort(s[labels == c])[::-1].copy() for c in clusters)
    return SilhouetteProfile(tuple(int(c) for c in clusters), values, float(s.mean()), X.shape[0], n_total)


def scores_key(X: np.ndarray, labels: np.ndarray) -> Hashable:
    """Cache key of the scores of one labelling of one data set."""
    return ("scores", array_fingerprint(X), array_fingerprint(np.asarray(labels)), SILHOUETTE_SAMPLE)


def profile_key(X: np.ndarray, labels: np.ndarray) -> Hashable:
    """Cache key of a silhouette profile."""
    return ("profile", array_fingerprint(X), array_fingerprint(np.asarray(labels)), PROFILE_MAX_POINTS)
