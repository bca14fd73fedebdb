"""The HDBSCAN estimator: scikit-learn's parameters and answer, and the steps of the lesson."""

from __future__ import annotations

from collections.abc import Generator, Mapping
from numbers import Integral, Real
from typing import Any, ClassVar, NamedTuple

import numpy as np

from ..base import StepwiseEstimator
from ..constraints import Constraint, Interval, Optional, Options, Rule
from ..steps import Step
from .kernels import Hierarchy, build_hierarchy, flat_clustering
from .select import Selection

__all__ = ["HDBSCAN"]


def _boolean(name: str, value: Any, checked: Mapping[str, Any]) -> bool:
    # A string "yes" or a 1 is refused: scikit-learn's "boolean" constraint takes bools only.
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")  # noqa: TRY004 - the contract raises ValueError
    return bool(value)


class _Fitted(NamedTuple):
    """What a finished run hands to :meth:`HDBSCAN._set_fitted`."""

    n_features: int
    hierarchy: Hierarchy
    condensed: np.ndarray
    selection: Selection
    labels: np.ndarray
    probabilities: np.ndarray


class HDBSCAN(StepwiseEstimator):
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

    Notes
    -----
    As every :class:`~tuiclust.core.base.StepwiseEstimator`, the constructor
    only stores its arguments; they are checked when ``fit`` or ``steps``
    starts. The clustering is computed before the first step.
    """

    _algorithm = "hdbscan"
    _fitted_attribute = "labels_"
    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        "min_cluster_size": Interval(Integral, 2, None, closed="left"),
        "min_samples": Optional(Interval(Integral, 1, None, closed="left")),
        "cluster_selection_epsilon": Interval(Real, 0.0, None, closed="left"),
        "max_cluster_size": Optional(Interval(Integral, 1, None, closed="left")),
        "alpha": Interval(Real, 0.0, None, closed="neither"),
        "cluster_selection_method": Options(("eom", "leaf")),
        "allow_single_cluster": Rule(_boolean, "True or False"),
    }

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
        self._store_params(locals())

    @property
    def effective_min_samples(self) -> int:
        """min_samples, or min_cluster_size when it is None."""
        return _min_samples(self.get_params())

    # -- the run -------------------------------------------------------------

    def _run(self, X: np.ndarray, params: dict[str, Any], *, narrate: bool) -> Generator[Step, None, _Fitted]:
        """Check ``X`` against ``params`` now; the story (at most about 65 steps) or, for ``fit``, none."""
        n = X.shape[0]
        if n < 2:
            raise ValueError("X has 1 sample; HDBSCAN needs at least 2")
        min_samples = _min_samples(params)
        if min_samples > n:
            raise ValueError(f"min_samples ({min_samples}) must be at most the number of samples ({n})")
        return self._story(X, params) if narrate else self._quiet(X, params)

    def _quiet(self, X: np.ndarray, params: dict[str, Any]) -> Generator[Step, None, _Fitted]:
        return _cluster(X, params)
        yield  # pragma: no cover - makes this a generator that yields nothing

    def _story(self, X: np.ndarray, params: dict[str, Any]) -> Generator[Step, None, _Fitted]:
        from .narration import Story

        fitted = _cluster(X, params)
        story = Story(
            params,
            _min_samples(params),
            fitted.hierarchy,
            fitted.condensed,
            fitted.selection,
            fitted.labels,
            fitted.probabilities,
        )
        yield from story.steps()
        return fitted

    def _set_fitted(self, final: _Fitted) -> None:
        self.labels_ = final.labels
        self.probabilities_ = final.probabilities
        self.core_distances_ = final.hierarchy.core
        self.minimum_spanning_tree_ = final.hierarchy.mst
        self.single_linkage_tree_ = final.hierarchy.single_linkage
        self.condensed_tree_ = final.condensed
        self.selected_clusters_ = list(final.selection.clusters)
        self.n_features_in_ = final.n_features


def _min_samples(params: Mapping[str, Any]) -> int:
    """min_samples, or min_cluster_size when it is None (scikit-learn's rule)."""
    value = params["min_samples"]
    return int(params["min_cluster_size"] if value is None else value)


def _cluster(X: np.ndarray, params: dict[str, Any]) -> _Fitted:
    """The whole clustering of ``X`` (n_samples >= 2, n_features) with checked ``params``."""
    hierarchy = build_hierarchy(X, _min_samples(params), params["alpha"])
    condensed, selection, labels, probabilities = flat_clustering(
        hierarchy,
        params["min_cluster_size"],
        params["cluster_selection_method"],
        params["allow_single_cluster"],
        params["cluster_selection_epsilon"],
        params["max_cluster_size"],
    )
    return _Fitted(int(X.shape[1]), hierarchy, condensed, selection, labels, probabilities)
