"""K-Means in plain numpy: the listing the code pane shows beside the plot.

Lloyd's algorithm written to be read, not to be fast: every distance from
every point to every centre is computed afresh each round. It gives the
same labels, centres and iteration count as :class:`tuiclust.core.KMeans`
when it starts from the same centres (the core's Initialize step), because
it stops by the same rules as the core and scikit-learn:

- the tolerance is ``tol`` times the mean per-feature variance of ``X``;
- the run stops when no label changed, or when the sum of squared centre
  movements is at most that tolerance, or after ``max_iter`` rounds;
- the labels are assigned once more to the final centres.

Not shown here: the core gives an emptied cluster the point farthest from
its centre (as scikit-learn does); this listing would give it a NaN centre
instead. Starts taken from the data (k-means++, random, farthest) rarely
empty a cluster, and the tests check that none was emptied.

Lines are tagged with their phase for :mod:`tuiclust.listings`: a comment
line ``# ── <phase>`` tags the lines below it up to the next blank line, and
a trailing ``# ── <name>`` marks the line where that value is written. The
loader strips both (and the docstrings) from what is shown.
"""

import numpy as np


def squared_distances(X: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Squared Euclidean distance from every point to every centre.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    centres : ndarray of shape (k, n_features)

    Returns
    -------
    ndarray of shape (n_samples, k)
    """
    # ── assign
    # broadcasting pairs every point with every centre: (n, k, d)
    differences = X[:, np.newaxis, :] - centres[np.newaxis, :, :]
    return (differences**2).sum(axis=2)


def kmeans(
    X: np.ndarray,
    centres: np.ndarray,
    max_iter: int = 300,
    tol: float = 1e-4,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Cluster ``X`` around ``k`` centres with Lloyd's algorithm.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    centres : array-like of shape (k, n_features)
        The initial centres; they are not modified.
    max_iter : int, default 300
        Most rounds of assign + update.
    tol : float, default 1e-4
        Relative tolerance on the sum of squared centre movements.

    Returns
    -------
    labels : ndarray of shape (n_samples,)
        Index of each point's nearest final centre.
    centres : ndarray of shape (k, n_features)
    iteration : int
        Rounds run (the core's and scikit-learn's ``n_iter_``).
    """
    # ── initialize
    centres = np.array(centres, dtype=float)
    k = len(centres)  # ── k
    labels = np.full(len(X), -1)  # no point is assigned yet
    # tol is relative to the spread of the data, as in scikit-learn
    tolerance = tol * X.var(axis=0).mean()

    for iteration in range(1, max_iter + 1):
        # ── assign
        distances = squared_distances(X, centres)
        new_labels = distances.argmin(axis=1)
        changed = np.count_nonzero(new_labels != labels)  # ── changed
        labels = new_labels
        # the sum that every round can only lower
        inertia = distances.min(axis=1).sum()  # ── inertia

        # ── update
        # each centre moves to the mean of the points nearest to it
        previous = centres.copy()
        for j in range(k):
            centres[j] = X[labels == j].mean(axis=0)  # ── sizes
        shift = ((centres - previous) ** 2).sum()  # ── shift

        # ── converged
        if changed == 0 or shift <= tolerance:  # ── iterations
            break

    # ── converged
    # one more assignment, so that the labels fit the final centres
    labels = squared_distances(X, centres).argmin(axis=1)  # ── inertia
    return labels, centres, iteration
