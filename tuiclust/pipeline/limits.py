"""What the data can take: k against the rows, GMM covariances against memory.

One check (:func:`check_fits_the_data`) used by ``tuiclust fit``, the
explorer (and its command line) and lessons, worded for each by
:class:`Wording`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tuiclust.errors import UsageError

__all__ = [
    "MAX_COVARIANCE_BYTES",
    "MAX_KEPT_COVARIANCE_BYTES",
    "PARAMETER_WORDS",
    "SPEED_RANGE",
    "DataLimitError",
    "Wording",
    "agglomerative_limit",
    "check_fits_the_data",
    "check_speed",
    "covariance_bytes",
]

# ------------------------------------------------------------ playback
#: Speeds of playback, one range everywhere: the explorer's --speed (steps per
#: second), play's --speed (times the scene's pace) and a scene's
#: steps_per_second. Slower than 0.05 is 20 s a step; faster than 20 is more
#: steps than frames a viewer can follow.
SPEED_RANGE = (0.05, 20.0)


def check_speed(value: float, where: str) -> float:
    """``value`` if it lies in :data:`SPEED_RANGE`, else a one-line :class:`UsageError` naming ``where``."""
    low, high = SPEED_RANGE
    if not (low <= value <= high):  # NaN fails too
        raise UsageError(f"{where} must be from {low:g} to {high:g}, got {value:g}")
    return float(value)


# ------------------------------------------------------------ data limits
# One set of GMM covariances (k x d x d floats for full, d x d for tied; the
# E- and M-steps hold a few such sets and do d^3 work per round): above this
# a run is refused, with what to do instead.
MAX_COVARIANCE_BYTES = 256 << 20
# The explorer keeps every step, and every M-step has its own covariances:
# their total over a whole run is bounded too.
MAX_KEPT_COVARIANCE_BYTES = 1 << 30


@dataclass(frozen=True)
class Wording:
    """How a limit message names what the user can change.

    Attributes
    ----------
    n_clusters, n_components : str
        The name of the parameter as the user sets it (``k`` or ``--k``).
    covariance : str
        How to choose a smaller covariance type.
    columns : str
        How to cluster fewer columns.
    sample : str
        How to cluster fewer points.
    """

    n_clusters: str
    n_components: str
    covariance: str
    columns: str
    sample: str = "n_samples for a built-in data set, a random sample of a file's rows"


# Below the UI, messages speak of parameters (as scenes name them); the app
# and the command line word them with keys and flags (ui/app.py, cli/flags.py).
PARAMETER_WORDS = Wording(
    n_clusters="n_clusters",
    n_components="n_components",
    covariance='covariance_type "diag" or "spherical"',
    columns="fewer columns",
)


class DataLimitError(UsageError):
    """A parameter the data cannot take (k above the rows, covariances beyond memory).

    ``str()`` words it with parameter names (:data:`PARAMETER_WORDS`);
    :meth:`worded` words it for another place (the app's keys, the flags).
    """

    def __init__(self, describe: Callable[[Wording], str]) -> None:
        super().__init__(describe(PARAMETER_WORDS))
        self._describe = describe

    def worded(self, words: Wording) -> str:
        """The same one-line message with ``words`` for what to change."""
        return self._describe(words)


def covariance_bytes(covariance_type: str, n_components: int, n_features: int) -> int:
    """Bytes of one set of GMM covariances.

    Parameters
    ----------
    covariance_type : {"full", "tied", "diag", "spherical"}
    n_components, n_features : int

    Returns
    -------
    int
        k x d x d floats for full, d x d for tied, k x d for diag, k for spherical.
    """
    k, d = int(n_components), int(n_features)
    values = {"full": k * d * d, "tied": d * d, "diag": k * d, "spherical": k}[covariance_type]
    return values * 8


def check_fits_the_data(
    algorithm: str,
    params: Mapping[str, Any],
    n_samples: int,
    n_features: int,
    *,
    data_name: str,
    steps_kept: bool = False,
) -> None:
    """Refuse, with what to do, the parameters this data cannot take, before any work starts.

    The one place for these limits: ``tuiclust fit``, the explorer (and its
    command line) and lessons all call it.

    Parameters
    ----------
    algorithm : str
        An algorithm's name in the vocabulary.
    params : mapping
        The estimator's full parameters (:func:`resolved_params`).
    n_samples, n_features : int
        Shape of the data.
    data_name : str
        Named in the message.
    steps_kept : bool
        True for the explorer, which keeps every step (and each M-step's
        covariances): the whole run's covariances must fit
        :data:`MAX_KEPT_COVARIANCE_BYTES` as well.

    Raises
    ------
    DataLimitError
        k or n_components larger than the rows; GMM covariances too big;
        more points than agglomerative clustering takes in about 10 s.
    """
    n, d = int(n_samples), int(n_features)
    rows = f"{n:,} row{'s' if n != 1 else ''}"
    for param in ("n_clusters", "n_components"):
        k = params.get(param)
        if k is not None and int(k) > n:

            def too_many(words: Wording, param: str = param, k: int = int(k)) -> str:
                name = getattr(words, param)
                return f"{name} {k} is more than the {rows} of {data_name}; use {name} {n} or fewer"

            raise DataLimitError(too_many)
    if algorithm == "agglomerative":
        _check_agglomerative_size(str(params.get("linkage", "ward")), n, d, data_name)
    if algorithm != "gmm":
        return
    kind, k = str(params.get("covariance_type", "full")), int(params.get("n_components", 1))
    one_set = covariance_bytes(kind, k, d)
    # Initialisation plus one set per M-step, up to max_iter.
    steps = int(params.get("max_iter", 100)) + 1
    too_big_once = one_set > MAX_COVARIANCE_BYTES
    over_run = not too_big_once and steps_kept and one_set * steps > MAX_KEPT_COVARIANCE_BYTES
    if not (too_big_once or over_run):
        return

    def too_big(words: Wording) -> str:
        kept = f", up to {_size(one_set * steps)} over the {steps} steps the explorer keeps" if over_run else ""
        return (
            f"a {kind}-covariance GMM on {d:,} columns needs {_size(one_set)} of covariance matrices "
            f"per step{kept}; use {words.covariance}, or {words.columns}"
        )

    raise DataLimitError(too_big)


def agglomerative_limit(linkage: str, n_features: int) -> int:
    """The most points agglomerative clustering takes here with ``linkage`` (about 10 s of ``fit``).

    ward, complete and average build the whole condensed distance matrix
    (time and memory grow as n**2); single linkage needs O(n) memory but
    O(n**2 * d) time, so its limit shrinks as the square root of the
    columns beyond two. Figures in ``tests/bench/bench_agglomerative.py``.
    """
    from tuiclust.core.agglomerative import MAX_SAMPLES

    limit = MAX_SAMPLES.get(linkage, min(MAX_SAMPLES.values()))
    if linkage == "single" and n_features > 2:
        limit = int(limit * (2 / n_features) ** 0.5) // 1000 * 1000
    return max(limit, 1000)


def _check_agglomerative_size(linkage: str, n: int, d: int, data_name: str) -> None:
    limit = agglomerative_limit(linkage, d)
    if n <= limit:
        return

    def too_many_points(words: Wording) -> str:
        other = "" if linkage == "single" else f"; single linkage takes up to {agglomerative_limit('single', d):,}"
        return (
            f"agglomerative clustering with {linkage} linkage takes at most {limit:,} points here "
            f"(about 10 s; its time grows as n\u00b2), and {data_name} has {n:,}: "
            f"use {limit:,} points or fewer ({words.sample}){other}"
        )

    raise DataLimitError(too_many_points)


def _size(n_bytes: int) -> str:
    """ "2.2 GB", "390 MB"."""
    if n_bytes >= 1 << 30:
        return f"{n_bytes / 2**30:,.1f} GB"
    return f"{n_bytes / 2**20:,.0f} MB"
