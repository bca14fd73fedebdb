"""The snapshot that every algorithm yields and every view reads.

A :class:`Step` is one moment of a run: which phase the algorithm is in, the
label of every point at that moment, the model parameters that exist for
that algorithm, the numbers worth showing, and a one-line message for the
phase log.

Memory rule: a timeline may keep hundreds of steps over a million points, so
n-sized arrays are never copied into a step when they did not change. Labels
and point kinds are stored in the smallest integer dtype that fits, marked
read-only, and the *same array object* is reused by consecutive steps when
its content is unchanged (for example a K-Means Update step shares the labels
of the Assign step before it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

import numpy as np

__all__ = ["Phase", "PointKind", "Step", "compact_labels", "frozen_array"]


class Phase(StrEnum):
    """Phases as the lesson names them; the value is the id scenes use (``on = "assign"``)."""

    # K-Means and GMM
    INITIALIZE = "initialize"
    CONVERGED = "converged"
    STOPPED = "stopped"  # max_iter reached without converging
    # K-Means
    ASSIGN = "assign"
    UPDATE = "update"
    # DBSCAN
    NEIGHBOURHOODS = "neighbourhoods"  # neighbourhoods counted, core points found
    EXPAND = "expand"  # a chunk of cluster growth
    BORDER = "border"  # border points attached
    NOISE = "noise"  # what is left is noise
    DONE = "done"
    # GMM
    E_STEP = "e_step"
    M_STEP = "m_step"
    # Agglomerative
    START = "start"  # every point its own cluster
    MERGE = "merge"  # a chunk of merges (the last few one by one)
    CUT = "cut"  # the tree cut at n_clusters or at the distance threshold
    # HDBSCAN
    CORE_DISTANCES = "core_distances"  # each point's distance to its min_samples-th neighbour
    SPANNING_TREE = "spanning_tree"  # a chunk of the mutual-reachability spanning tree
    HIERARCHY = "hierarchy"  # the tree cut below a distance: clusters splitting
    CONDENSE = "condense"  # clusters below min_cluster_size fall out as noise
    SELECT = "select"  # eom or leaf picks the flat clusters

    @property
    def label(self) -> str:
        """Human name for logs and panels, e.g. ``"E-step"``."""
        return _PHASE_LABELS[self]


_PHASE_LABELS = {
    Phase.INITIALIZE: "Initialize",
    Phase.CONVERGED: "Converged",
    Phase.STOPPED: "Stopped",
    Phase.ASSIGN: "Assign",
    Phase.UPDATE: "Update",
    Phase.NEIGHBOURHOODS: "Core points",
    Phase.EXPAND: "Expand",
    Phase.BORDER: "Border",
    Phase.NOISE: "Noise",
    Phase.DONE: "Done",
    Phase.E_STEP: "E-step",
    Phase.M_STEP: "M-step",
    # Agglomerative
    Phase.START: "Start",
    Phase.MERGE: "Merge",
    Phase.CUT: "Cut",
    # HDBSCAN
    Phase.CORE_DISTANCES: "Core distances",
    Phase.SPANNING_TREE: "Spanning tree",
    Phase.HIERARCHY: "Hierarchy",
    Phase.CONDENSE: "Condense",
    Phase.SELECT: "Select",
}


class PointKind(IntEnum):
    """DBSCAN's kind of each point, stored as int8 codes in ``Step.point_kinds``."""

    UNVISITED = 0
    CORE = 1
    BORDER = 2
    NOISE = 3


@dataclass(frozen=True, slots=True, eq=False)
class Step:
    """One frozen snapshot of an algorithm's state.

    Parameters
    ----------
    algorithm : {"kmeans", "dbscan", "gmm"}
    phase : Phase
    iteration : int
        0 for initialisation; 1, 2, ... for the rounds of K-Means / EM.
        DBSCAN counts its steps here.
    labels : ndarray of shape (n_samples,), signed integer, read-only
        Cluster of every point at this moment; -1 means noise or not yet
        assigned.
    message : str
        One line for the phase log, without the iteration prefix.
    centers : ndarray of shape (n_clusters, n_features) or None
        K-Means centres, or GMM means.
    previous_centers : ndarray of shape (n_clusters, n_features) or None
        Centres before this step moved them (K-Means Update, GMM M-step),
        for drawing trails.
    weights : ndarray of shape (n_components,) or None
        GMM mixture weights.
    covariances : ndarray or None
        GMM covariances in the shape of ``covariance_type`` (scikit-learn's
        convention): full (k, d, d), tied (d, d), diag (k, d), spherical (k,).
    covariance_type : str or None
    confidence : ndarray of shape (n_samples,), float32, or None
        GMM: each point's largest responsibility (1 = certain).
    point_kinds : ndarray of shape (n_samples,), int8, or None
        DBSCAN: a :class:`PointKind` code per point.
    active_cluster : int or None
        DBSCAN: the cluster that this step grew.
    inertia : float or None
        K-Means: sum of squared distances of points to their assigned centre.
    points_moved : int or None
        K-Means Assign: how many points changed cluster.
    center_shift : float or None
        K-Means Update: sum of squared centre movements.
    log_likelihood : float or None
        GMM: mean log-likelihood per sample.
    log_likelihood_change : float or None
        GMM: change since the previous E-step (inf at the first); on the
        Converged / Stopped step, the change the run stopped on (between its
        last two E-steps), the number its message quotes.
    points_added : int or None
        DBSCAN Expand: points this step added to the active cluster.
    n_clusters_found : int or None
        DBSCAN: clusters found so far.
    kind_counts : tuple of 4 ints or None
        DBSCAN: counts of (unvisited, core, border, noise), indexed by PointKind.
    cluster_sizes : tuple of int
        Points in each cluster, noise excluded.
    converged : bool
        True on the final step of a run that met its tolerance.
    note : str or None
        Something unusual worth telling (an empty cluster relocated, a
        collapsing Gaussian repaired ...); already part of ``message``.
    highlight_clusters : tuple of int
        Agglomerative Merge: the label(s) of the cluster formed by the last merge of this step.
    edges : ndarray of shape (m, 2), int32, or None
        HDBSCAN: point indices of the edges to draw (the spanning tree so
        far, or what is left of it); consecutive steps share one array.
    point_values : ndarray of shape (n_samples,), float32 in [0, 1], or None
        HDBSCAN: a shade per point (core-distance rank, later the
        membership probability).
    highlight_points : ndarray of shape (m,), int, or None
        Agglomerative Merge: the points of the smaller of the two clusters
        the step's last merge joined (the larger is the rest of
        ``highlight_clusters[0]``); a read-only view shared with the run.
    tree : agglomerative_tree.Tree or None
        Agglomerative: the whole merge tree (``children``, ``distances``),
        one object shared by every step of the run, for the dendrogram view.
    """

    algorithm: str
    phase: Phase
    iteration: int
    labels: np.ndarray
    message: str
    centers: np.ndarray | None = None
    previous_centers: np.ndarray | None = None
    weights: np.ndarray | None = None
    covariances: np.ndarray | None = None
    covariance_type: str | None = None
    confidence: np.ndarray | None = None
    point_kinds: np.ndarray | None = None
    active_cluster: int | None = None
    inertia: float | None = None
    points_moved: int | None = None
    center_shift: float | None = None
    log_likelihood: float | None = None
    log_likelihood_change: float | None = None
    points_added: int | None = None
    n_clusters_found: int | None = None
    kind_counts: tuple[int, int, int, int] | None = None
    cluster_sizes: tuple[int, ...] = field(default=())
    converged: bool = False
    note: str | None = None
    highlight_clusters: tuple[int, ...] = ()
    edges: np.ndarray | None = None
    point_values: np.ndarray | None = None
    highlight_points: np.ndarray | None = None
    tree: Any = None

    @property
    def n_samples(self) -> int:
        return int(self.labels.shape[0])

    @property
    def is_final(self) -> bool:
        """True for the step that ends a run."""
        return self.phase in (Phase.CONVERGED, Phase.STOPPED, Phase.DONE)


def frozen_array(a: np.ndarray) -> np.ndarray:
    """Return ``a`` marked read-only, so views can share it but never change it."""
    a.flags.writeable = False
    return a


def compact_labels(labels: np.ndarray, n_clusters: int) -> np.ndarray:
    """Copy ``labels`` into the smallest signed dtype that holds -1..n_clusters-1, read-only.

    Parameters
    ----------
    labels : ndarray of shape (n_samples,)
    n_clusters : int
        Upper bound on the number of clusters.

    Returns
    -------
    ndarray of shape (n_samples,), int8, int16 or int32, read-only.
    """
    if n_clusters <= np.iinfo(np.int8).max:
        dtype = np.int8
    elif n_clusters <= np.iinfo(np.int16).max:
        dtype = np.int16
    else:
        dtype = np.int32
    return frozen_array(np.asarray(labels).astype(dtype, copy=True))
