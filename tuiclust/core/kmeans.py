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

from collections.abc import Generator, Mapping
from numbers import Integral, Real
from typing import Any

import numpy as np

from ._lloyd import LloydPass, direct_inertia
from .base import StepwiseEstimator
from .constraints import Interval, RandomState, Rule, float_array
from .kmeans_init import farthest_point_indices, kmeans_plusplus_indices, random_indices
from .kmeans_story import KMeansStory
from .steps import Phase, Step, compact_labels, frozen_array
from .validation import check_data, check_random_state

__all__ = ["INIT_METHODS", "KMeans"]

INIT_METHODS = ("k-means++", "random", "farthest")
_ALGORITHM = "kmeans"


def _check_init(name: str, init: Any, checked: Mapping[str, Any]) -> str | np.ndarray:
    """A method's name, or an array of centres with one row per cluster (when n_clusters is known)."""
    if isinstance(init, str):
        if init not in INIT_METHODS:
            allowed = ", ".join(repr(m) for m in INIT_METHODS)
            raise ValueError(f"{name} must be one of {allowed} or an array of centres; got {init!r}")
        return init
    expected = "'k-means++', 'random', 'farthest' or an array of shape (n_clusters, n_features)"
    try:
        arr = np.array(init, dtype=np.float64)
    except (TypeError, ValueError):
        arr = None
    if arr is None or arr.ndim == 0:
        raise ValueError(f"{name} must be {expected}; got {init!r} ({type(init).__name__})")
    n_clusters = checked.get("n_clusters")
    if n_clusters is None:
        if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
            raise ValueError(f"{name} array has shape {arr.shape}; give an array of shape (n_clusters, n_features)")
    elif arr.ndim != 2 or arr.shape[0] != n_clusters or arr.shape[1] == 0:
        raise ValueError(
            f"{name} array has shape {arr.shape} but n_clusters={n_clusters}; "
            f"give an array of shape ({n_clusters}, n_features)"
        )
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} array holds NaN or infinite values; give finite centres")
    return float_array(name, arr)


class KMeans(StepwiseEstimator):
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
    n_features_in_ : int

    Notes
    -----
    Parameters are checked when a run starts (see
    :class:`~tuiclust.core.base.StepwiseEstimator`); ``fit`` warns with a
    :class:`~tuiclust.core.base.ConvergenceWarning` when the run stops at
    ``max_iter`` or finds fewer distinct clusters than ``n_clusters``.
    """

    _algorithm = _ALGORITHM
    _fitted_attribute = "cluster_centers_"
    _parameter_constraints = {
        "n_clusters": Interval(Integral, 1, None, closed="left"),
        "init": Rule(_check_init, "'k-means++', 'random', 'farthest' or an array of shape (n_clusters, n_features)"),
        "max_iter": Interval(Integral, 1, None, closed="left"),
        "tol": Interval(Real, 0.0, None, closed="left"),
        "random_state": RandomState(),
    }

    def __init__(
        self,
        n_clusters: int = 8,
        *,
        init: str | Any = "k-means++",
        max_iter: int = 300,
        tol: float = 1e-4,
        random_state: Any = None,
    ) -> None:
        self._store_params(locals())

    # ------------------------------------------------------------------ steps
    def _run(self, X: np.ndarray, params: dict[str, Any], *, narrate: bool) -> Generator[Step, None, Step]:
        """Check ``X`` against the parameters, then return the generator of the run.

        Raises
        ------
        ValueError
            ``n_clusters`` larger than the number of samples, or an ``init``
            array with the wrong number of columns.
        """
        n_samples, n_features = X.shape
        k = params["n_clusters"]
        if k > n_samples:
            raise ValueError(
                f"n_clusters={k} is larger than the number of samples ({n_samples}); use n_clusters <= {n_samples}"
            )
        init = params["init"]
        if not isinstance(init, str) and init.shape[1] != n_features:
            raise ValueError(
                f"init has {init.shape[1]} column(s) but X has {n_features} feature(s); "
                f"give init of shape ({k}, {n_features})"
            )
        return self._lloyd(X, params)

    def _lloyd(self, X: np.ndarray, params: dict[str, Any]) -> Generator[Step, None, Step]:
        """Lloyd's iterations as steps; returns the final step.

        Yields
        ------
        Step
            Initialize (iteration 0), then Assign and Update for each
            iteration, then Converged (or Stopped at ``max_iter``).
        """
        n_samples, _ = X.shape
        k = params["n_clusters"]
        max_iter = params["max_iter"]
        tol = _absolute_tolerance(X, params["tol"])
        story = KMeansStory(n_clusters=k, n_samples=n_samples, max_iter=max_iter, tol=tol)

        # Mean-centring keeps the distance expansion accurate (and matches
        # scikit-learn's arithmetic); reported centres get the mean back.
        mean = X.mean(axis=0)
        Xc = X - mean
        x_squared_norms = np.einsum("ij,ij->i", Xc, Xc)
        label_dtype = compact_labels(np.empty(0, dtype=np.int8), k).dtype
        lloyd = LloydPass(Xc, k, x_squared_norms=x_squared_norms, label_dtype=label_dtype)
        initial_public, centers, how = _initial_centers(X, Xc, x_squared_norms, mean, params)
        del x_squared_norms
        labels = frozen_array(np.full(n_samples, -1, dtype=label_dtype))
        message, note = story.initialize(how, _count_distinct_rows(initial_public))
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
        for iteration in range(1, max_iter + 1):
            # ---- Assign: nearest centre, and the sums the update needs.
            new_labels = np.empty(n_samples, dtype=label_dtype)
            result = lloyd.assign(centers, labels, new_labels)
            strict = result.points_moved == 0
            if not strict:
                labels = frozen_array(new_labels)  # else keep sharing the old array
            counts = result.counts
            sizes = tuple(int(c) for c in counts)
            yield Step(
                algorithm=_ALGORITHM,
                phase=Phase.ASSIGN,
                iteration=iteration,
                labels=labels,
                message=story.assign(iteration, result.points_moved),
                centers=public,
                inertia=result.inertia,
                points_moved=result.points_moved,
                cluster_sizes=sizes,
            )

            # ---- Update: centres to the means, empty clusters relocated.
            sums = result.sums
            relocated, not_relocated = _relocate_empty_clusters(Xc, centers, sums, counts, labels)
            note = story.relocation_note([c for c, _, _ in relocated], not_relocated)
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
            yield Step(
                algorithm=_ALGORITHM,
                phase=Phase.UPDATE,
                iteration=iteration,
                labels=labels,
                message=story.update(center_shift, update_inertia, reference, note),
                centers=public,
                previous_centers=previous_public,
                inertia=update_inertia,
                center_shift=center_shift,
                cluster_sizes=sizes,
                note=note,
            )
            previous_update_inertia = update_inertia

            if strict or center_shift <= tol:
                converged = True
                break
        else:
            converged = False

        moved_at_end = 0
        if not strict:
            # As scikit-learn: assign once more so that labels match the final centres.
            final_labels = np.empty(n_samples, dtype=label_dtype)
            result = lloyd.assign(centers, labels, final_labels)
            if result.points_moved:
                labels = frozen_array(final_labels)
                moved_at_end = result.points_moved
        final_inertia = direct_inertia(Xc, centers, labels)
        sizes = tuple(int(c) for c in np.bincount(labels, minlength=k)) if moved_at_end else sizes
        n_empty = sum(1 for s in sizes if s == 0)
        message, final_note = story.final(
            n_iter=iteration,
            converged=converged,
            strict=strict,
            center_shift=center_shift,
            moved_at_end=moved_at_end,
            n_empty=n_empty,
            n_distinct=_count_distinct_rows(X) if n_empty else None,
        )
        final = Step(
            algorithm=_ALGORITHM,
            phase=Phase.CONVERGED if converged else Phase.STOPPED,
            iteration=iteration,
            labels=labels,
            message=message,
            centers=public,
            inertia=final_inertia,
            cluster_sizes=sizes,
            converged=converged,
            note=final_note,
        )
        yield final
        return final

    # -------------------------------------------------------------- sklearn API
    def _set_fitted(self, final: Step) -> None:
        """``labels_``, ``cluster_centers_``, ``inertia_``, ``n_iter_``, ``converged_`` from the final step."""
        assert final.is_final and final.centers is not None and final.inertia is not None
        self.labels_ = final.labels.astype(np.int32)
        self.cluster_centers_ = np.array(final.centers)
        self.inertia_ = float(final.inertia)
        self.n_iter_ = int(final.iteration)
        self.converged_ = bool(final.converged)
        self.n_features_in_ = int(final.centers.shape[1])

    def _convergence_warnings(self) -> list[str]:
        """As scikit-learn: fewer distinct clusters than asked for; and a run stopped at max_iter."""
        messages = []
        if not self.converged_:
            messages.append(f"KMeans stopped at max_iter={self.n_iter_} without converging; increase max_iter or tol")
        found = int(np.unique(self.labels_).shape[0])
        asked = int(self.cluster_centers_.shape[0])  # the fitted k, whatever set_params did since
        if found < asked:
            messages.append(
                f"KMeans found {found} distinct cluster{'s' if found != 1 else ''}, fewer than "
                f"n_clusters={asked}: X has duplicate points (fewer distinct points than clusters)"
            )
        return messages

    def predict(self, X: Any) -> np.ndarray:
        """Index of the nearest fitted centre for each row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,), int32
        """
        self._check_is_fitted()
        X = check_data(X)
        if X.shape[1] != self.cluster_centers_.shape[1]:
            raise ValueError(
                f"X has {X.shape[1]} feature(s) but the model was fitted on "
                f"{self.cluster_centers_.shape[1]}; give X with that many columns"
            )
        labels = np.empty(X.shape[0], dtype=np.int32)
        k = self.cluster_centers_.shape[0]
        LloydPass(X, k, label_dtype=np.int32, skip_settled=False).assign(self.cluster_centers_, labels, labels)
        return labels


def _initial_centers(
    X: np.ndarray, Xc: np.ndarray, x_squared_norms: np.ndarray, mean: np.ndarray, params: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray, str]:
    """Return (centres as reported, centres in centred coordinates, how they were chosen)."""
    k = params["n_clusters"]
    init = params["init"]
    if not isinstance(init, str):
        public = np.array(init)
        return public, public - mean, "from the given array"
    rng = check_random_state(params["random_state"])
    if init == "k-means++":
        idx = kmeans_plusplus_indices(Xc, k, rng, x_squared_norms=x_squared_norms)
        how = "with k-means++"
    elif init == "random":
        idx = random_indices(X.shape[0], k, rng)
        how = "at random from the data"
    else:
        idx = farthest_point_indices(Xc, k, rng)
        how = "with the farthest-point rule"
    return X[idx], Xc[idx], how


# ---------------------------------------------------------------- helpers
def _absolute_tolerance(X: np.ndarray, tol: float) -> float:
    """scikit-learn's data-scaled tolerance: tol times the mean per-feature variance."""
    if tol == 0:
        return 0.0
    return float(np.mean(np.var(X, axis=0)) * tol)


def _relocate_empty_clusters(
    Xc: np.ndarray, centers: np.ndarray, sums: np.ndarray, counts: np.ndarray, labels: np.ndarray
) -> tuple[list[tuple[int, int, int]], list[int]]:
    """Give each empty cluster the point farthest from its centre, as scikit-learn does.

    Works in place on ``sums`` and ``counts``. The moved points keep their
    label until the next Assign (as in scikit-learn), but their weight
    already counts for the new cluster.

    Parameters
    ----------
    Xc : ndarray of shape (n_samples, n_features)
    centers : ndarray of shape (n_clusters, n_features)
    sums : ndarray of shape (n_clusters, n_features)
    counts : ndarray of shape (n_clusters,)
    labels : ndarray of shape (n_samples,)

    Returns
    -------
    relocated : list of (empty cluster, point index, cluster it came from)
    not_relocated : list of int
        Empty clusters left empty because every point sits on its centre.
    """
    empty = np.flatnonzero(counts == 0)
    n_empty = len(empty)
    if n_empty == 0:
        return [], []
    distances = ((Xc - centers[labels]) ** 2).sum(axis=1)
    if np.max(distances) == 0:
        # Every point sits on its centre (fewer distinct points than
        # clusters): nothing to move, as in scikit-learn.
        return [], [int(c) for c in empty]
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
    return moves, []


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
