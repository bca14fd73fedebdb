"""What a teacher does by hand: centres placed on the plot, points added and deleted.

Everything placed by hand is kept in the spec in the plot's units (the two
axes on screen), so a run recomputes from the same start and ``x`` exports
the same points:

* ``AlgorithmSpec.placed``: centres (K-Means ``init = "manual"``) or means
  (GMM ``init_params = "manual"``), one (x, y) pair each;
* ``DataSpec.added``: points placed by hand, appended after the data's rows;
* ``DataSpec.removed``: rows of the data deleted by hand.

From the plot back to the data
------------------------------
The plot shows a linear projection of the scaled data, ``(X - mean) @ P``.
A point placed at (x, y) becomes the point of its preimage nearest the
data's mean: with two columns it is (x, y) itself; with ``--x``/``--y``
the two plotted columns take x and y and every other column its mean; with
a PCA projection it lies in the plane of the first two components. The
projection is fitted on the data *before* any hand edit, so the axes do not
move as points come and go.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from tuiclust.core.steps import Step
from tuiclust.errors import UsageError
from tuiclust.pipeline.spec import AlgorithmSpec, DataSpec, RunSpec

__all__ = [
    "CANVAS",
    "CANVAS_LIMITS",
    "MANUAL",
    "MARGIN",
    "apply_hand_edits",
    "centres_needed",
    "check_inside",
    "check_placed",
    "dataset_limits",
    "estimator_params",
    "init_key",
    "is_manual",
    "needs_placement",
    "placed_centres",
    "plot_limits",
    "preimage",
    "relabel_initial",
    "waits_for_hands",
    "with_added_point",
    "with_placed",
    "with_removed_point",
]

MANUAL = "manual"
#: The built-in empty canvas (``--data canvas``): a teacher draws the data.
CANVAS = "canvas"
#: Its plot limits (x_min, x_max, y_min, y_max).
CANVAS_LIMITS = (0.0, 10.0, 0.0, 10.0)
MARGIN = 0.05  # as the scatter pane's: the plot shows the data range widened by this on each side

# The parameter that names each algorithm's start, and the start the core runs
# when "manual" has no centres yet (scene checks build an estimator without data).
_INIT_KEYS = {"kmeans": "init", "gmm": "init_params"}
_COUNT_KEYS = {"kmeans": "n_clusters", "gmm": "n_components"}
_STAND_IN = {"kmeans": "k-means++", "gmm": "kmeans"}


def init_key(algorithm: str) -> str | None:
    """The parameter a hand-placed start is given by ("init", "init_params"), None if the algorithm has none."""
    return _INIT_KEYS.get(algorithm)


def is_manual(spec: AlgorithmSpec) -> bool:
    """True when the algorithm starts from centres placed by hand."""
    key = init_key(spec.name)
    return key is not None and spec.params.get(key) == MANUAL


def centres_needed(spec: AlgorithmSpec, params: dict[str, Any]) -> int:
    """How many centres a manual start needs (k or the number of components)."""
    key = _COUNT_KEYS.get(spec.name)
    return int(params.get(key, 0)) if key else 0


def needs_placement(spec: RunSpec, params: dict[str, Any]) -> bool:
    """True when the run waits for centres placed by hand (manual start, fewer placed than needed)."""
    return is_manual(spec.algorithm) and len(spec.algorithm.placed) != centres_needed(spec.algorithm, params)


def waits_for_hands(spec: RunSpec) -> bool:
    """True when the explorer must start before the run can: the empty canvas, or a manual start not yet placed."""
    return spec.data.source == CANVAS or (is_manual(spec.algorithm) and not spec.algorithm.placed)


def estimator_params(algorithm: str, params: dict[str, Any], placed: np.ndarray | None) -> dict[str, Any]:
    """The constructor parameters with "manual" replaced by the placed centres.

    Parameters
    ----------
    algorithm : str
    params : dict
        Resolved parameters (``init`` or ``init_params`` may be "manual").
    placed : ndarray of shape (k, n_features) or None
        The placed centres in the data's units; None stands in the default
        start (for checks that build an estimator without data).
    """
    key = init_key(algorithm)
    if key is None or params.get(key) != MANUAL:
        return params
    params = dict(params)
    if algorithm == "kmeans":
        params["init"] = placed if placed is not None else _STAND_IN["kmeans"]
    else:
        params["init_params"] = _STAND_IN["gmm"]
        if placed is not None:
            params["means_init"] = placed
    return params


def dataset_limits(dataset: Any) -> tuple[float, float, float, float]:
    """The plot limits of a data set: its fixed ``limits``, else around its projected points."""
    if getattr(dataset, "limits", None) is not None:
        return dataset.limits
    return plot_limits(np.asarray(dataset.projection.points(dataset.X), dtype=np.float64))


def placed_centres(spec: RunSpec, dataset: Any, params: dict[str, Any]) -> np.ndarray | None:
    """The hand-placed centres of a manual start, in the data's units (None for any other start).

    Raises
    ------
    UsageError
        Too few or too many placed, duplicates, or outside the data range.
    """
    algo = spec.algorithm
    if not is_manual(algo):
        return None
    key = init_key(algo.name)
    k = centres_needed(algo, params)
    if len(algo.placed) != k:
        raise UsageError(
            f"{key} manual needs {k} centre(s) placed by hand, {len(algo.placed)} given: place them in the "
            f"explorer (Enter at the cursor) or give {key} = [[x, y], ...] in a scene"
        )
    pairs = check_placed(list(algo.placed), key=str(key), count=k, limits=dataset_limits(dataset))
    n = dataset.n_samples
    centre = dataset.X.mean(axis=0) if n and spec.data.source != CANVAS else np.zeros(dataset.n_features)
    return preimage(dataset.projection, np.array(pairs), centre)


def plot_limits(points: np.ndarray) -> tuple[float, float, float, float]:
    """The rectangle the plot shows around ``points`` (n, 2): their range widened by :data:`MARGIN`.

    Matches :meth:`tuiclust.ui.raster.Viewport.around`; no finite point gives [-1, 1]^2.
    """
    finite = points[np.isfinite(points).all(axis=1)] if points.size else points
    if finite.shape[0] == 0:
        return (-1.0, 1.0, -1.0, 1.0)
    lo, hi = finite.min(axis=0).astype(np.float64), finite.max(axis=0).astype(np.float64)
    span = hi - lo
    pad = np.where(span > 0, span * MARGIN, np.maximum(np.abs(lo) * 0.1, 1.0))
    return (float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]), float(hi[1] + pad[1]))


def preimage(projection: Any, xy: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """Points of the data space that the plot shows at ``xy``: the preimage nearest ``centre``.

    Parameters
    ----------
    projection : tuiclust.core.preprocess.Projection
        ``points(X) = (X - mean) @ P`` with P of shape (d, 2).
    xy : ndarray of shape (m, 2)
        Plot coordinates.
    centre : ndarray of shape (d,)
        The data's mean: columns the plot does not show take its values.

    Returns
    -------
    ndarray of shape (m, d), float64
    """
    P = np.asarray(projection.components, dtype=np.float64)
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    centre = np.asarray(centre, dtype=np.float64)
    shown = (centre - projection.mean) @ P  # where the centre itself is drawn
    # P's columns are orthonormal (PCA) or unit column picks, so P (xy - shown)
    # moves the centre by exactly (xy - shown) on screen and not at all elsewhere.
    gram = P.T @ P
    solve = np.linalg.pinv(gram)
    return centre[None, :] + (xy - shown[None, :]) @ solve @ P.T


def check_placed(
    values: Any, *, key: str, count: int | None, limits: tuple[float, float, float, float] | None
) -> tuple[tuple[float, float], ...]:
    """Validate hand-placed centres given as ``[[x, y], ...]`` in the plot's units.

    Parameters
    ----------
    values : any
        The value as read (a scene's TOML array, a list of pairs).
    key : str
        The name to put in a message (``"[algorithm].init"``).
    count : int or None
        How many are needed (k); None leaves the count unchecked.
    limits : tuple of 4 float or None
        (x_min, x_max, y_min, y_max) of the plot; None leaves the range unchecked.

    Raises
    ------
    UsageError
        One line naming ``key`` and what is allowed.
    """
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
        raise UsageError(f"{key} must be a list of [x, y] pairs in the plot's units, e.g. [[1, 2], [3, 4]]")
    pairs: list[tuple[float, float]] = []
    for i, pair in enumerate(values):
        if isinstance(pair, (str, bytes)) or not isinstance(pair, Sequence) or len(pair) != 2:
            size = len(pair) if isinstance(pair, Sequence) and not isinstance(pair, (str, bytes)) else "not a list"
            raise UsageError(
                f"{key}: entry {i + 1} must be an [x, y] pair (the plot has 2 axes), got {size!s} value(s)"
            )
        x, y = pair
        if any(isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v) for v in (x, y)):
            raise UsageError(f"{key}: entry {i + 1} must hold two finite numbers, got {list(pair)!r}")
        pairs.append((float(x), float(y)))
    if count is not None and len(pairs) != count:
        raise UsageError(f"{key} gives {len(pairs)} centre(s) but k = {count}; give exactly {count} [x, y] pairs")
    if len(set(pairs)) != len(pairs):
        twice = next(p for p in pairs if pairs.count(p) > 1)
        raise UsageError(f"{key}: [{twice[0]:g}, {twice[1]:g}] is given twice; every centre needs its own place")
    if limits is not None:
        for i, pair in enumerate(pairs):
            check_inside(pair, limits, what=f"{key}: entry {i + 1}")
    return tuple(pairs)


def check_inside(xy: tuple[float, float], limits: tuple[float, float, float, float], *, what: str) -> None:
    """Refuse a point outside the plot's limits, with the limits in the message."""
    x0, x1, y0, y1 = limits
    x, y = xy
    if not (x0 <= x <= x1 and y0 <= y <= y1):
        raise UsageError(
            f"{what} [{x:.3g}, {y:.3g}] is outside the data range: x in {x0:.3g}..{x1:.3g}, y in {y0:.3g}..{y1:.3g}"
        )


def _scaling_inverse(raw: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray]:
    """(shift, spread) with ``raw = X * spread + shift``, as :func:`tuiclust.core.preprocess.scale` scaled it."""
    d = raw.shape[1]
    if method == "none" or raw.shape[0] == 0:
        return np.zeros(d), np.ones(d)
    if method == "standard":
        spread, shift = raw.std(axis=0), raw.mean(axis=0)
    else:
        lo, hi = raw.min(axis=0), raw.max(axis=0)
        spread, shift = hi - lo, lo
    return shift, np.where(spread > 0, spread, 1.0)


def apply_hand_edits(dataset: Any, spec: DataSpec) -> Any:
    """The data set with the spec's hand-removed rows dropped and hand-added points appended.

    Parameters
    ----------
    dataset : tuiclust.pipeline.data.Dataset
        As loaded and scaled, with its projection fitted.
    spec : DataSpec

    Returns
    -------
    Dataset
        ``dataset`` itself when there is nothing to do; otherwise a copy whose
        ``limits`` hold the original plot limits, so the axes stay put.

    Raises
    ------
    UsageError
        A removed row that does not exist, or an added point outside the plot.
    """
    canvas = spec.source == CANVAS
    if not spec.added and not spec.removed and not canvas:
        return dataset
    projected = np.asarray(dataset.projection.points(dataset.X), dtype=np.float64)
    limits = CANVAS_LIMITS if canvas else plot_limits(projected)
    n = dataset.n_samples
    bad = [r for r in spec.removed if not 0 <= r < n]
    if bad:
        raise UsageError(f"removed row {bad[0]} does not exist: the data has rows 0..{n - 1}")
    keep = np.ones(n, dtype=bool)
    keep[list(spec.removed)] = False
    for i, xy in enumerate(spec.added):
        check_inside(xy, limits, what=f"added point {i + 1}")
    centre = dataset.X.mean(axis=0) if n else np.zeros(dataset.n_features)
    if canvas:
        centre = np.zeros(dataset.n_features)
    added_X = preimage(dataset.projection, np.array(spec.added, dtype=np.float64).reshape(-1, 2), centre)
    shift, spread = _scaling_inverse(dataset.raw, spec.scale)
    added_raw = added_X * spread + shift
    X = np.concatenate([dataset.X[keep], added_X.astype(dataset.X.dtype, copy=False)])
    raw = np.concatenate([dataset.raw[keep], added_raw.astype(dataset.raw.dtype, copy=False)])
    y_true = None
    if dataset.y_true is not None:
        y_true = np.concatenate([dataset.y_true[keep], np.full(len(spec.added), -1, dtype=dataset.y_true.dtype)])
    rows = None
    if dataset.row_numbers is not None:
        rows = np.concatenate([dataset.row_numbers[keep], np.zeros(len(spec.added), dtype=dataset.row_numbers.dtype)])
    notes = list(dataset.notes)
    if spec.added or spec.removed:
        notes.append(f"by hand: {len(spec.added)} point(s) added, {len(spec.removed)} deleted")
    carried = getattr(dataset, "carried", None)
    if carried is not None:  # the text columns follow the rows: deleted ones go, added ones are blank
        carried = carried.select(keep, len(spec.added))
    return replace(
        dataset, X=X, raw=raw, y_true=y_true, row_numbers=rows, notes=tuple(notes), limits=limits, carried=carried
    )


def with_placed(spec: RunSpec, placed: Sequence[tuple[float, float]]) -> RunSpec:
    """The spec with these hand-placed centres (plot units) for its manual start."""
    algo = replace(spec.algorithm, placed=tuple((float(x), float(y)) for x, y in placed))
    return replace(spec, algorithm=algo)


def with_added_point(spec: RunSpec, xy: tuple[float, float]) -> RunSpec:
    """One more point placed by hand at ``xy`` (plot units)."""
    point = (float(xy[0]), float(xy[1]))
    return replace(spec, data=replace(spec.data, added=(*spec.data.added, point)))


def with_removed_point(spec: RunSpec, index: int, n_samples: int) -> RunSpec:
    """The spec without point ``index`` of the data set on screen (``n_samples`` points).

    Points on screen are the data's kept rows, then the added points in
    order, so ``index`` is mapped back to a data row or to an added point.

    Raises
    ------
    ValueError
        For an index that is not on screen, or for the last point.
    """
    if n_samples <= 1:
        raise ValueError("that is the last point; a data set needs at least one")
    if not 0 <= index < n_samples:
        raise ValueError(f"no point {index}: there are {n_samples}")
    data = spec.data
    n_kept = n_samples - len(data.added)
    if index >= n_kept:
        added = list(data.added)
        del added[index - n_kept]
        return replace(spec, data=replace(data, added=tuple(added)))
    n_base = n_kept + len(data.removed)
    kept = np.setdiff1d(np.arange(n_base), np.array(data.removed, dtype=np.int64))
    row = int(kept[index])
    return replace(spec, data=replace(data, removed=tuple(sorted((*data.removed, row)))))


_GIVEN = re.compile(r"from the given array|\(means(?:_init)? given\)")


def relabel_initial(steps: Iterator[Step], algorithm: str) -> Iterator[Step]:
    """The run's steps, its Initialize step saying the start was placed by hand."""
    first = True
    for step in steps:
        if first:
            first = False
            message = _GIVEN.sub("placed by hand" if algorithm == "kmeans" else "(means placed by hand)", step.message)
            if message == step.message:
                message += " (placed by hand)"
            step = replace(step, message=message)
        yield step
