"""The first run is worth watching, and `r` keeps finding runs that are."""

from __future__ import annotations

import random
import statistics

from tuiclust.cli.explore import spec_from_args
from tuiclust.cli.main import build_parser
from tuiclust.core.steps import Phase
from tuiclust.pipeline.edits import with_seed
from tuiclust.pipeline.run import prepare_run
from tuiclust.pipeline.seeds import INSTRUCTIVE_ROUNDS, instructive_seed, rounds_of
from tuiclust.pipeline.spec import DEFAULT_RUN


def test_tuiclust_without_arguments_opens_a_run_of_several_rounds_from_random_points() -> None:
    args = build_parser("explore").parse_args([])
    assert spec_from_args(args) == DEFAULT_RUN
    assert spec_from_args(build_parser("explore").parse_args(["--algo", "kmeans"])) != DEFAULT_RUN
    prepared = prepare_run(DEFAULT_RUN)
    assert prepared.params["init"] == "random"
    steps = list(prepared.steps)
    assigns = [s for s in steps if s.phase is Phase.ASSIGN]
    assert steps[-1].phase is Phase.CONVERGED and steps[-1].iteration >= 5
    # Points change cluster after the first assignment, and more than a handful do.
    assert sum(s.points_moved >= 20 for s in assigns[1:]) >= 2


def test_twenty_presses_of_r_give_runs_of_at_least_four_rounds_in_the_median() -> None:
    draws = random.Random(2026)
    spec, rounds = DEFAULT_RUN, []
    for _ in range(20):
        seed = instructive_seed(spec, lambda: draws.randrange(0, 10_000))
        assert seed != spec.data.seed
        spec = with_seed(spec, seed)
        rounds.append(rounds_of(spec))
    assert statistics.median(rounds) >= INSTRUCTIVE_ROUNDS >= 4


def test_r_takes_the_first_seed_where_trying_would_not_help() -> None:
    draws = iter([5, 7, 9])
    dbscan = spec_from_args(build_parser("explore").parse_args(["--algo", "dbscan"]))
    assert instructive_seed(dbscan, lambda: next(draws)) == 5
