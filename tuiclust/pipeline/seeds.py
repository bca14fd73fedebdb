"""New seeds for ``r``: runs worth watching, among the seeds a random draw offers.

On the lesson's well-separated blobs most seeds give K-Means (and EM from
K-Means labels) a run of two or three rounds: the centres land in their
blobs at once and nothing moves. ``r`` is there to show another run of the
lesson's story, so it draws a few seeds and keeps the first whose run takes
at least :data:`INSTRUCTIVE_ROUNDS` rounds (points changing cluster, centres
travelling), trying each one as the explorer would run it. The draw stays
random and every seed is one the user could have typed: this only skips
seeds with nothing to show. Where trying is not cheap or does not help (big
data, files, algorithms other than K-Means) the first seed drawn is used.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

from tuiclust.pipeline.edits import with_seed
from tuiclust.pipeline.spec import RunSpec
from tuiclust.pipeline.vocabulary import ALGORITHMS

__all__ = ["INSTRUCTIVE_ROUNDS", "instructive_seed", "rounds_of"]

#: A run with at least this many rounds (K-Means iterations, EM iterations) has something to show.
INSTRUCTIVE_ROUNDS = 4
# Seeds tried before settling for the last one: on the default blobs about half
# of the random starts qualify, so 12 tries miss with a chance below 1 in 4,000.
_TRIES = 12
# Above this many points a try costs more than a key press should wait.
_MAX_POINTS = 5_000
# Only K-Means is tried (a few ms a try). EM from its default start rarely needs 4 rounds
# whatever the seed (the K-Means labels it starts from did the work) and a try costs ~25 ms;
# the wide start (key g) is how EM shows its rounds.
_TRIED = frozenset({"kmeans"})


def rounds_of(spec: RunSpec) -> int | None:
    """How many rounds the run of ``spec`` takes, or None where trying it is not cheap.

    Raises nothing: a spec that cannot run counts as None (the app says why when it loads it).
    """
    from tuiclust.pipeline.run import prepare_run

    entry = ALGORITHMS.get(spec.algorithm.name)
    if entry is None or not entry.rounds or spec.algorithm.name not in _TRIED or spec.data.is_file:
        return None
    try:
        prepared = prepare_run(spec, steps_kept=False)
        if prepared.dataset.n_samples > _MAX_POINTS:
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a run that stops at max_iter is still a run to watch
            return int(prepared.estimator.fit(prepared.dataset.X).n_iter_)
    except Exception:  # noqa: BLE001 - a seed that cannot be tried is simply not preferred
        return None


def instructive_seed(spec: RunSpec, draw: Callable[[], int]) -> int:
    """A new seed for ``spec`` whose run takes several rounds, found among a few random draws.

    Parameters
    ----------
    spec : RunSpec
        The run on screen; its seed is never returned.
    draw : callable
        ``draw() -> int``: the next random candidate seed.

    Returns
    -------
    int
        The first candidate whose run takes at least :data:`INSTRUCTIVE_ROUNDS`
        rounds; else (or where trying is not cheap) the last one drawn.
    """
    seed = spec.data.seed
    for _ in range(_TRIES):
        seed = _new_seed(spec.data.seed, draw)
        rounds = rounds_of(with_seed(spec, seed))
        if rounds is None or rounds >= INSTRUCTIVE_ROUNDS:
            return seed
    return seed


def _new_seed(current: int, draw: Callable[[], int]) -> int:
    seed = draw()
    while seed == current:
        seed = draw()
    return seed
