"""K-Means (Lloyd's algorithm) as a sequence of steps a lesson can replay.

:class:`KMeans` has scikit-learn's shape and, given the same initial
centres, scikit-learn's results: the same labels, centres, inertia and
``n_iter_``. It follows ``sklearn.cluster.KMeans(algorithm="lloyd",
n_init=1)`` on the details that decide them:

- the data is mean-centred before any distance is computed (and the mean
  added back to the reported centres), for accurate distances;
- the tolerance is ``tol`` times the mean of the per-feature variances;
- a run stops when no label changes (strict convergence) or when the sum of
  squared centre shifts is at most that tolerance; after a stop that was not
  strict, the labels are assigned once more to the final centres;
- an empty cluster takes the point farthest from its current centre.

Each iteration is shown as two steps, Assign then Update, bracketed by an
Initialize step and a final Converged (or Stopped) step.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ._lloyd import LloydPass, direct_inertia
from .kmeans_init import farthest_point_indices, kmeans_plusplus_indices, random_indices
from .steps import Phase, Step, compact_labels, frozen_array
from .validation import check_data, check_int, check_random_state, check_real

__all__ = ["KMeans"]

INIT_METHODS = ("k-means++", "random", "farthest")
_ALGORITHM = "kmeans"
_MINUS = "\u2212"


class KMeans:
    """K-Means clustering with Lloyd's algorithm, observable step by step.

    Parameters
    ----------
    n_clusters : int, default 8
        Number of clusters, at least 1 and at most the number of samples.
    init : {"k-means++", "random", "farthest"} or array-like of shape (n_clusters, n_features)
        How to pick the first centres: greedy k-means++ (as scikit-learn),
        ``n_clusters`` distinct data points at random, the farthest-point
        heuristic, or the centres themselves.
    max_iter : int, default 300
        Most Lloyd iterations (Assign + Update) in one run, at least 1.
    tol : float, default 1e-4
        Relative tolerance: the run converges when the sum of squared centre
        shifts is at most ``tol`` times the mean per-feature variance of X.
    random_state : None, int, or numpy generator
        Seed for the initialisation.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,), int32
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
    inertia_ : float
    n_iter_ : int
        Iterations run, counted as scikit-learn counts them.
    converged_ : bool
        False when the run stopped at ``max_iter``.
    """

    def __init__(
        self,
        n_clusters: int = 8,
        *,
        init: str | Any = "k-means++",
        max_iter: int = 300,
        tol: float = 1e-4,
        random_state: Any = None,
    ) -> None:
        self.n_clusters = check_int("n_clusters", n_clusters, low=1)
        self.init = _check_init(init, self.n_clusters)
        self.max_iter = check_int("max_iter", max_iter, low=1)
        self.tol = check_real("tol", tol, low=0.0)
        if random_state is not None:
            check_random_state(random_state)  # reject bad seeds now, not at fit time
        self.random_state = random_state

    def __repr__(self) -> str:
        init = self.init if isinstance(self.init, str) else f"array{self.init.shape}"
        return (
            f"KMeans(n_clusters={self.n_clusters}, init={init!r}, max_iter={self.max_iter}, "
            f"tol={self.tol}, random_state={self.random_state!r})"
        )

    # ------------------------------------------------------------------ steps
    def steps(self, X: Any) -> Iterator[Step]:
        """Run K-Means on ``X`` and yield a :class:`Step` at every phase.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Yields
        ------
        Step
            Initialize (iteration 0), then Assign and Update for each
            iteration, then Converged (or Stopped at ``max_iter``).

        Raises
        ------
        ValueError
            Bad data, ``n_clusters`` larger than the number of samples, or
            an ``init`` array with the wrong number of columns.
        """
        X = check_data(X)
        n_samples, n_features = X.shape
        k = self.n_clusters
        if k > n_samples:
            raise ValueError(
                f"n_clusters={k} is larger than the number of samples ({n_samples}); "
                f"use n_clusters <= {n_samples}"
            )
        if not isinstance(self.init, str) and self.init.shape[1] != n_features:
            raise ValueError(
                f"init has {self.init.shape[1]} column(s) but X has {n_features} feature(s); "
                f"give init of shape ({k}, {n_features})"
            )
        return self._run(X)

    def _run(self, X: np.ndarray) -> Iterator[Step]:
        n_samples, _ = X.shape
        k = self.n_clusters
        tol = _absolute_tolerance(X, self.tol)

        # Mean-centring keeps the distance expansion accurate (and matches
        # scikit-learn's arithmetic); reported centres get the mean back.
        mean = X.mean(axis=0)
        Xc = X - mean
        x_squared_norms = np.einsum("ij,ij->i", Xc, Xc)
        label_dtype = compact_labels(np.empty(0, dtype=np.int8), k).dtype
        lloyd = LloydPass(Xc, k, x_squared_norms=x_squared_norms, label_dtype=label_dtype)
        initial_public, centers, how = self._initial_centers(X, Xc, x_squared_norms, mean)
        del x_squared_norms
        n_distinct = _count_distinct_rows(initial_public)
        labels = frozen_array(np.full(n_samples, -1, dtype=label_dtype))
        message = f"Picked {k} initial centre{_s(k)} {how}"
        note = None
        if n_distinct < k:
            note = f"only {n_distinct} of them are distinct, so some centres coincide"
            message += f"; {note}"
        yield Step(
            algorithm=_ALGORITHM,
            phase=Phase.INITIALIZE,
            iteration=0,
            labels=labels,
            message=message,
            centers=frozen_array(initial_public),
            cluster_sizes=(0,) * k,
            note=note,
        )

        public = initial_public
        previous_update_inertia: float | None = None
        for iteration in range(1, self.max_iter + 1):
            # ---- Assign: nearest centre, and the sums the update needs.
            new_labels = np.empty(n_samples, dtype=label_dtype)
            result = lloyd.assign(centers, labels, new_labels)
            strict = result.points_moved == 0
            if not strict:
                labels = frozen_array(new_labels)  # else keep sharing the old array
            counts = result.counts
            sizes = tuple(int(c) for c in counts)
            if iteration == 1:
                assign_message = f"Assigned each of {n_samples:,} point{_s(n_samples)} to its nearest centre"
            elif strict:
                assign_message = "No point changed cluster"
            else:
                assign_message = f"{result.points_moved:,} point{_s(result.points_moved)} changed cluster"
            yield Step(
                algorithm=_ALGORITHM,
                phase=Phase.ASSIGN,
                iteration=iteration,
                labels=labels,
                message=assign_message,
                centers=public,
                inertia=result.inertia,
                points_moved=result.points_moved,
                cluster_sizes=sizes,
            )

            # ---- Update: centres to the means, empty clusters relocated.
            sums = result.sums
            relocated, note = _relocate_empty_clusters(Xc, centers, sums, counts, labels)
            new_centers = _average_centers(sums, counts)
            shift_per_center = np.sqrt(((new_centers - centers) ** 2).sum(axis=1))
            center_shift = float((shift_per_center**2).sum())
            if relocated:
                update_inertia = _inertia_after_relocation(Xc, new_centers, labels, relocated)
            else:
                # Moving each centre to its cluster mean lowers that cluster's
                # sum of squares by exactly size * shift^2: no pass needed.
                update_inertia = max(0.0, result.inertia - float(counts @ (shift_per_center**2)))
            previous_public = public
            centers = new_centers
            public = frozen_array(centers + mean)
            reference = previous_update_inertia if previous_update_inertia is not None else result.inertia
            update_message = (
                f"centres moved {np.sqrt(center_shift):.3g}; inertia {_number(update_inertia)}"
                f"{_percent_change(update_inertia, reference)}"
            )
            if note:
                update_message += f"; {note}"
            yield Step(
                algorithm=_ALGORITHM,
                phase=Phase.UPDATE,
                iteration=iteration,
                labels=labels,
                message=update_message,
                centers=public,
                previous_centers=previous_public,
                inertia=update_inertia,
                center_shift=center_shift,
                cluster_sizes=sizes,
                note=note,
            )
            previous_update_inertia = update_inertia

            if strict:
                why = "no point changed cluster"
                break
            if center_shift <= tol:
                why = f"centre shift {center_shift:.3g} is within the tolerance {tol:.3g}"
                break
        else:
            why = None

        if not strict:
            # As scikit-learn: assign once more so that labels match the final centres.
            final_labels = np.empty(n_samples, dtype=label_dtype)
            result = lloyd.assign(centers, labels, final_labels)
            if result.points_moved:
                labels = frozen_array(final_labels)
                reassigned = f"; a final assignment moved {result.points_moved:,} point{_s(result.points_moved)}"
            else:
                reassigned = ""
        else:
            reassigned = ""
        final_inertia = direct_inertia(Xc, centers, labels)
        sizes = tuple(int(c) for c in np.bincount(labels, minlength=k)) if reassigned else sizes
        n_iter = iteration
        converged = why is not None
        if converged:
            message = f"Converged after {n_iter} iteration{_s(n_iter)}: {why}{reassigned}"
        else:
            message = (
                f"Stopped at max_iter={self.max_iter} without converging "
                f"(centre shift {center_shift:.3g} > tolerance {tol:.3g}){reassigned}"
            )
        n_empty = sum(1 for s in sizes if s == 0)
        final_note = None
        if n_empty:
            n_distinct = _count_distinct_rows(X)
            final_note = f"{n_empty} of {k} clusters have no points"
            if n_distinct < k:
                final_note += f": X has only {n_distinct} distinct point{_s(n_distinct)}, so some centres coincide"
            message += f"; {final_note}"
        yield Step(
            algorithm=_ALGORITHM,
            phase=Phase.CONVERGED if converged else Phase.STOPPED,
            iteration=n_iter,
            labels=labels,
            message=message,
            centers=public,
            inertia=final_inertia,
            cluster_sizes=sizes,
            converged=converged,
            note=final_note,
        )

    def _initial_centers(
        self, X: np.ndarray, Xc: np.ndarray, x_squared_norms: np.ndarray, mean: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, str]:
        """Return (centres as reported, centres in centred coordinates, how they were chosen)."""
        k = self.n_clusters
        if not isinstance(self.init, str):
            public = self.init.copy()
            return public, public - mean, "from the given array"
        rng = check_random_state(self.random_state)
        if self.init == "k-means++":
            idx = kmeans_plusplus_indices(Xc, k, rng, x_squared_norms=x_squared_norms)
            how = "with k-means++"
        elif self.init == "random":
            idx = random_indices(X.shape[0], k, rng)
            how = "at random from the data"
        else:
            idx = farthest_point_indices(Xc, k, rng)
            how = "with the farthest-point rule"
        return X[idx], Xc[idx], how

    # -------------------------------------------------------------- sklearn API
    def fit(self, X: Any) -> "KMeans":
        """Run to the end and set ``labels_``, ``cluster_centers_``, ``inertia_``, ``n_iter_``, ``converged_``.

        Returns
        -------
        self
        """
        last = None
        for last in self.steps(X):
            pass
        assert last is not None and last.is_final
        self.labels_ = last.labels.astype(np.int32)
        self.cluster_centers_ = np.array(last.centers)
        self.inertia_ = float(last.inertia)
        self.n_iter_ = int(last.iteration)
        self.converged_ = bool(last.converged)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Index of the nearest fitted centre for each row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,), int32
        """
        if not hasattr(self, "cluster_centers_"):
            raise ValueError("this KMeans is not fitted yet; call fit(X) first")
        X = check_data(X)
        if X.shape[1] != self.cluster_centers_.shape[1]:
            raise ValueError(
                f"X has {X.shape[1]} feature(s) but the model was fitted on "
                f"{self.cluster_centers_.shape[1]}; give X with that many columns"
            )
        labels = np.empty(X.shape[0], dtype=np.int32)
        LloydPass(X, self.n_clusters, label_dtype=np.int32, skip_settled=False).assign(self.cluster_centers_, labels, labels)
        return labels

    def fit_predict(self, X: Any) -> np.ndarray:
        """``fit(X)`` and return ``labels_``."""
        return self.fit(X).labels_


# ---------------------------------------------------------------- helpers
def _check_init(init: Any, n_clusters: int) -> str | np.ndarray:
    if isinstance(init, str):
        if init not in INIT_METHODS:
            allowed = ", ".join(repr(m) for m in INIT_METHODS)
            raise ValueError(f"init must be one of {allowed} or an array of centres; got {init!r}")
        return init
    expected = "'k-means++', 'random', 'farthest' or an array of shape (n_clusters, n_features)"
    try:
        arr = np.array(init, dtype=np.float64)
    except (TypeError, ValueError):
        arr = None
    if arr is None or arr.ndim == 0:
        raise ValueError(f"init must be {expected}; got {init!r} ({type(init).__name__})")
    if arr.ndim != 2 or arr.shape[0] != n_clusters or arr.shape[1] == 0:
        raise ValueError(
            f"init array has shape {arr.shape} but n_clusters={n_clusters}; "
            f"give an array of shape ({n_clusters}, n_features)"
        )
    if not np.isfinite(arr).all():
        raise ValueError("init array holds NaN or infinite values; give finite centres")
    return np.ascontiguousarray(arr)


def _absolute_tolerance(X: np.ndarray, tol: float) -> float:
    """scikit-learn's data-scaled tolerance: tol times the mean per-feature variance."""
    if tol == 0:
        return 0.0
    return float(np.mean(np.var(X, axis=0)) * tol)


def _relocate_empty_clusters(
    Xc: np.ndarray, centers: np.ndarray, sums: np.ndarray, counts: np.ndarray, labels: np.ndarray
) -> tuple[list[tuple[int, int, int]], str | None]:
    """Give each empty cluster the point farthest from its centre, as scikit-learn does.

    Works in place on ``sums`` and ``counts``. The moved points keep their
    label until the next Assign (as in scikit-learn), but their weight
    already counts for the new cluster.

    Returns
    -------
    relocated : list of (empty cluster, point index, cluster it came from)
    note : str or None
    """
    empty = np.flatnonzero(counts == 0)
    n_empty = len(empty)
    if n_empty == 0:
        return [], None
    distances = ((Xc - centers[labels]) ** 2).sum(axis=1)
    if np.max(distances) == 0:
        # Every point sits on its centre (fewer distinct points than
        # clusters): nothing to move, as in scikit-learn.
        which = ", ".join(str(int(c)) for c in empty)
        return [], (
            f"empty cluster{_s(n_empty)} {which} could not be relocated: every point already sits on "
            "its centre (X has fewer distinct points than clusters)"
        )
    far = np.argpartition(distances, -n_empty)[: -n_empty - 1 : -1]
    moves = []
    for cluster, point in zip(empty, far):
        cluster, point = int(cluster), int(point)
        old = int(labels[point])
        sums[old] -= Xc[point]
        sums[cluster] = Xc[point]
        counts[cluster] = 1.0
        counts[old] -= 1.0
        moves.append((cluster, point, old))
    which = ", ".join(str(c) for c, _, _ in moves)
    whose = "its" if n_empty == 1 else "their"
    note = f"empty cluster{_s(n_empty)} {which} relocated to the point{_s(n_empty)} farthest from {whose} centre"
    return moves, note


def _average_centers(sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Means from sums and counts; a cluster still empty borrows the biggest cluster's centre.

    This reproduces scikit-learn's ``_average_centers`` exactly, including a
    quirk: it scales the clusters in order, so an empty cluster numbered
    *below* the biggest one copies that cluster's unscaled coordinate sum,
    and one numbered above copies its mean. It only matters when an empty
    cluster could not be relocated (fewer distinct points than centres),
    and copying it keeps labels and centres identical to scikit-learn's.
    """
    centers = sums.copy()
    nonempty = counts > 0
    centers[nonempty] *= (1.0 / counts[nonempty])[:, None]
    if not nonempty.all():
        biggest = int(np.argmax(counts))
        empty = np.flatnonzero(~nonempty)
        centers[empty[empty > biggest]] = centers[biggest]
        centers[empty[empty < biggest]] = sums[biggest]
    return centers


def _inertia_after_relocation(
    Xc: np.ndarray, centers: np.ndarray, labels: np.ndarray, relocated: list[tuple[int, int, int]]
) -> float:
    """Inertia of the partition the new centres were computed from (moved points at their new centre)."""
    total = direct_inertia(Xc, centers, labels)
    for _, point, old in relocated:
        diff = Xc[point] - centers[old]
        total -= float(diff @ diff)  # the moved point now sits exactly on its new centre
    return max(0.0, total)


def _count_distinct_rows(a: np.ndarray) -> int:
    return int(np.unique(a, axis=0).shape[0])


def _number(x: float) -> str:
    """A short human number: 1,204.7 / 12.35 / 0.0123 / 1.2e-07."""
    ax = abs(x)
    if ax >= 1000:
        return f"{x:,.1f}"
    if ax >= 0.01 or ax == 0:
        return f"{x:.4g}"
    return f"{x:.2e}"


def _percent_change(new: float, old: float) -> str:
    if old <= 0:
        return ""
    change = 100.0 * (new - old) / old
    text = f"{abs(change):.1f}%"
    return f" ({_MINUS if change < 0 else '+'}{text})" if text != "0.0%" else " (\u00b10.0%)"


def _s(n: int) -> str:
    return "" if n == 1 else "s"
