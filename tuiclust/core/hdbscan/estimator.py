"""The HDBSCAN estimator: scikit-learn's parameters and answer, and the steps of the lesson."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..steps import Step
from ..validation import check_choice, check_data, check_int, check_real
from .kernels import Hierarchy, build_hierarchy, flat_clustering
from .select import Selection

__all__ = ["HDBSCAN"]


class HDBSCAN:
    """Hierarchical density-based clustering (HDBSCAN*), Euclidean, step by step.

    Gives scikit-learn's ``sklearn.cluster.HDBSCAN`` answer on the same data
    (labels and probabilities), without its n x n work.

    Parameters
    ----------
    min_cluster_size : int, default 5
        Smallest group of points that counts as a cluster (>= 2).
    min_samples : int or None, default None
        Neighbours (the point itself counted) that set a point's core
        distance (>= 1); None means min_cluster_size.
    cluster_selection_epsilon : float, default 0.0
        Clusters born at a distance below this are merged up to an ancestor
        that is not (>= 0).
    max_cluster_size : int or None, default None
        Excess of mass does not select clusters above this size (>= 1);
        ignored by ``"leaf"``.
    alpha : float, default 1.0
        Distances are divided by alpha before comparing them with core
        distances (> 0).
    cluster_selection_method : {"eom", "leaf"}, default "eom"
        Excess of mass (the most persistent clusters) or the leaves of the
        condensed tree.
    allow_single_cluster : bool, default False
        Allow the answer to be one cluster holding everything not noise.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,), intp
        Cluster of each point, -1 for noise.
    probabilities_ : ndarray of shape (n_samples,), float64
        Strength of each point's membership, in [0, 1]; 0 for noise.
    core_distances_ : ndarray of shape (n_samples,), float64
    minimum_spanning_tree_ : ndarray of shape (n_samples - 1,), structured
        (current_node, next_node, distance) in Prim's order.
    single_linkage_tree_ : ndarray of shape (n_samples - 1,), structured
        (left_node, right_node, value, cluster_size).
    condensed_tree_ : ndarray of shape (m,), structured
        (parent, child, value = lambda, cluster_size).
    selected_clusters_ : list of int
        Condensed-tree ids of the clusters; label i is selected_clusters_[i].
    n_features_in_ : int
    """

    def __init__(
        self,
        min_cluster_size: int = 5,
        *,
        min_samples: int | None = None,
        cluster_selection_epsilon: float = 0.0,
        max_cluster_size: int | None = None,
        alpha: float = 1.0,
        cluster_selection_method: str = "eom",
        allow_single_cluster: bool = False,
    ) -> None:
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.cluster_selection_epsilon = cluster_selection_epsilon
        self.max_cluster_size = max_cluster_size
        self.alpha = alpha
        self.cluster_selection_method = cluster_selection_method
        self.allow_single_cluster = allow_single_cluster
        self._validate()

    def _validate(self) -> None:
        """Check every parameter (one place, so a shared base class can take it over)."""
        self.min_cluster_size = check_int("min_cluster_size", self.min_cluster_size, low=2)
        if self.min_samples is not None:
            self.min_samples = check_int("min_samples", self.min_samples, low=1)
        self.cluster_selection_epsilon = check_real(
            "cluster_selection_epsilon", self.cluster_selection_epsilon, low=0.0
        )
        if self.max_cluster_size is not None:
            self.max_cluster_size = check_int("max_cluster_size", self.max_cluster_size, low=1)
        self.alpha = check_real("alpha", self.alpha, low=0.0, strict_low=True)
        self.cluster_selection_method = check_choice(
            "cluster_selection_method", self.cluster_selection_method, ("eom", "leaf")
        )
        if not isinstance(self.allow_single_cluster, (bool, np.bool_)):
            raise ValueError(f"allow_single_cluster must be True or False, got {self.allow_single_cluster!r}")
        self.allow_single_cluster = bool(self.allow_single_cluster)

    def __repr__(self) -> str:
        return (
            f"HDBSCAN(min_cluster_size={self.min_cluster_size}, min_samples={self.min_samples}, "
            f"cluster_selection_method={self.cluster_selection_method!r})"
        )

    @property
    def effective_min_samples(self) -> int:
        """min_samples, or min_cluster_size when it is None."""
        return self.min_cluster_size if self.min_samples is None else self.min_samples

    # -- scikit-learn's interface -------------------------------------------

    def fit(self, X: Any) -> HDBSCAN:
        """Cluster ``X`` of shape (n_samples, n_features); sets the learned attributes."""
        for _ in self.steps(X):
            pass
        return self

    def fit_predict(self, X: Any) -> np.ndarray:
        """Cluster ``X`` and return ``labels_``, shape (n_samples,)."""
        return self.fit(X).labels_

    # -- the story -----------------------------------------------------------

    def steps(self, X: Any) -> Iterator[Step]:
        """Yield the run as :class:`Step` snapshots (at most about 65).

        ``X`` is checked at once, so bad data raises here rather than at the
        first ``next()``. The clustering is computed before the first step;
        the learned attributes are set once the last step has been taken.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        """
        X = self._check_X(X)
        return self._story(X)

    def _check_X(self, X: Any) -> np.ndarray:
        X = check_data(X)
        n = X.shape[0]
        if n < 2:
            raise ValueError("X has 1 sample; HDBSCAN needs at least 2")
        if self.effective_min_samples > n:
            raise ValueError(
                f"min_samples ({self.effective_min_samples}) must be at most the number of samples ({n})"
            )
        return X

    def _story(self, X: np.ndarray) -> Iterator[Step]:
        from .narration import Story

        hierarchy = build_hierarchy(X, self.effective_min_samples, self.alpha)
        condensed, selection, labels, probabilities = flat_clustering(
            hierarchy,
            self.min_cluster_size,
            self.cluster_selection_method,
            self.allow_single_cluster,
            self.cluster_selection_epsilon,
            self.max_cluster_size,
        )
        yield from Story(self, hierarchy, condensed, selection, labels, probabilities).steps()
        self._set_result(X, hierarchy, condensed, selection, labels, probabilities)

    def _set_result(
        self,
        X: np.ndarray,
        hierarchy: Hierarchy,
        condensed: np.ndarray,
        selection: Selection,
        labels: np.ndarray,
        probabilities: np.ndarray,
    ) -> None:
        self.labels_ = labels
        self.probabilities_ = probabilities
        self.core_distances_ = hierarchy.core
        self.minimum_spanning_tree_ = hierarchy.mst
        self.single_linkage_tree_ = hierarchy.single_linkage
        self.condensed_tree_ = condensed
        self.selected_clusters_ = list(selection.clusters)
        self.n_features_in_ = int(X.shape[1])
