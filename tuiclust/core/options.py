"""The named choices of the core's parameters, defined once.

A light module (no numpy work on import), so that flags, scenes and the
explorer's keys can list the choices without importing the estimators.
"""

from __future__ import annotations

__all__ = ["COVARIANCE_TYPES", "GMM_INITS", "KMEANS_INITS", "LINKAGES", "SCALINGS"]

#: K-Means starts: scikit-learn's greedy k-means++, distinct random points,
#: and the farthest-point rule.
KMEANS_INITS: tuple[str, ...] = ("k-means++", "random", "farthest")
#: Gaussian-mixture starts (scikit-learn's ``init_params``).
GMM_INITS: tuple[str, ...] = ("kmeans", "k-means++", "random", "random_from_data")
#: Gaussian-mixture covariance shapes (scikit-learn's ``covariance_type``).
COVARIANCE_TYPES: tuple[str, ...] = ("full", "tied", "diag", "spherical")
#: Agglomerative linkages (scikit-learn's ``linkage``), on Euclidean distances.
LINKAGES: tuple[str, ...] = ("ward", "complete", "average", "single")
#: Feature scalings applied before clustering.
SCALINGS: tuple[str, ...] = ("none", "standard", "minmax")
