"""DBSCAN in plain numpy: the listing the code pane shows beside the plot.

The loop over points with a queue of points to visit, written to be read:
all pairwise distances are computed at once (n x n), which is fine for the
few thousand points of a lesson. It gives exactly the labels of
:class:`tuiclust.core.DBSCAN` (and scikit-learn), cluster numbers included,
because it follows the same two rules:

- clusters are numbered in the order of their smallest core point: a new
  cluster starts at each core point, in index order, that no cluster has
  reached yet;
- a border point (not core, within ``eps`` of a core point) joins the
  lowest-numbered cluster among its core neighbours.

The textbook loop labels a border point while it grows a cluster; since it
grows one cluster completely before starting the next, the first cluster to
reach a border point is the lowest-numbered one, which is the second rule.
This listing attaches border points in a pass of their own after the
expansion, so that each phase the plot shows (core points, expansion,
border points, noise) is a group of lines of its own.

Lines are tagged with their phase for :mod:`tuiclust.listings`: a comment
line ``# ── <phase>`` tags the lines below it up to the next blank line, and
a trailing ``# ── <name>`` marks the line where that value is written. The
loader strips both (and the docstrings) from what is shown.
"""

from collections import deque

import numpy as np


def dbscan(
    X: np.ndarray, eps: float, min_samples: int = 5
) -> tuple[np.ndarray, np.ndarray]:
    """Find dense clusters in ``X``; what is in none of them is noise.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    eps : float
        Radius of a neighbourhood; a point at distance exactly ``eps`` is a
        neighbour.
    min_samples : int, default 5
        Neighbours (the point itself included) that make a core point.

    Returns
    -------
    labels : ndarray of shape (n_samples,)
        Cluster of each point, numbered from 0; -1 for noise.
    core_points : ndarray of shape (n_core,)
        Indices of the core points, ascending.
    """
    # ── neighbourhoods
    # broadcasting pairs every point with every point: (n, n, d)
    differences = X[:, np.newaxis, :] - X[np.newaxis, :, :]
    distances = np.sqrt((differences**2).sum(axis=2))
    # every point is in its own neighbourhood
    neighbours = [np.flatnonzero(row <= eps) for row in distances]
    counts = np.array([len(group) for group in neighbours])
    is_core = counts >= min_samples  # ── core

    # ── expand
    labels = np.full(len(X), -1)
    cluster = 0
    # core points in index order: clusters get the core's numbers
    for start in np.flatnonzero(is_core):
        if labels[start] != -1:
            continue  # already reached by an earlier cluster
        labels[start] = cluster
        queue = deque([start])
        while queue:
            point = queue.popleft()
            for other in neighbours[point]:
                # only core points carry the cluster further
                if is_core[other] and labels[other] == -1:
                    labels[other] = cluster  # ── grow
                    queue.append(other)
        cluster += 1

    # ── border
    # a non-core point joins the lowest-numbered cluster around it:
    # the first to reach it, as clusters grow one after the other
    for point in np.flatnonzero(~is_core):
        around = neighbours[point]
        core_around = around[is_core[around]]
        if len(core_around) > 0:
            labels[point] = labels[core_around].min()  # ── border

    # ── noise
    # a point that no core point reaches keeps -1: noise
    return labels, np.flatnonzero(is_core)  # ── noise
