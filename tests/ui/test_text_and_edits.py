"""Pure rules of the explorer: log lines, step numbers, and what each key does to a spec."""

from __future__ import annotations

import numpy as np
import pytest

from tuiclust.core.steps import Phase, PointKind, Step, frozen_array
from tuiclust.pipeline import edits as spec_edits
from tuiclust.ui.step_text import format_number, log_line, step_numbers

from .conftest import make_spec

LABELS = frozen_array(np.zeros(5, dtype=np.int8))


def step(**kwargs) -> Step:
    base = dict(algorithm="kmeans", phase=Phase.ASSIGN, iteration=3, labels=LABELS, message="12 points changed cluster")
    base.update(kwargs)
    return Step(**base)


def test_log_lines_read_like_the_lesson():
    assert log_line(step()) == "iter 3 · Assign · 12 points changed cluster"
    assert (
        log_line(step(phase=Phase.UPDATE, message="inertia 1,204.7 (−3.1%)"))
        == "iter 3 · Update · inertia 1,204.7 (−3.1%)"
    )
    assert log_line(step(algorithm="dbscan", phase=Phase.EXPAND, message="Expand cluster 2 · +41 points")) == (
        "Expand cluster 2 · +41 points"
    )
    assert log_line(step(algorithm="gmm", phase=Phase.E_STEP, iteration=5, message="log-likelihood −2.871")) == (
        "iter 5 · E-step · log-likelihood −2.871"
    )
    assert (
        log_line(step(phase=Phase.INITIALIZE, iteration=0, message="Picked 3 centres"))
        == "Initialize · Picked 3 centres"
    )


def test_numbers_per_algorithm():
    kmeans = dict(step_numbers(step(inertia=1204.66, points_moved=12, cluster_sizes=(2, 3))))
    assert kmeans["inertia"] == "1,204.7" and kmeans["moved"] == "12 points" and kmeans["sizes"] == "2 · 3"
    counts = (1, 2, 1, 1)
    dbscan = dict(
        step_numbers(
            step(algorithm="dbscan", phase=Phase.EXPAND, n_clusters_found=1, kind_counts=counts, active_cluster=0)
        )
    )
    assert dbscan["clusters"] == "1" and dbscan["core"] == "2" and dbscan["noise"] == "1"
    assert dbscan["unvisited"] == "1" and "iteration" not in dbscan
    gmm = dict(
        step_numbers(
            step(
                algorithm="gmm",
                phase=Phase.E_STEP,
                log_likelihood=-2.87123,
                log_likelihood_change=0.01,
                weights=np.array([0.25, 0.75]),
            )
        )
    )
    assert gmm["log-lik."] == "−2.8712" and gmm["change"] == "+0.010" and gmm["weights"] == "0.25 0.75"
    assert PointKind.CORE == 1


def test_format_number():
    assert format_number(1204.66) == "1,204.7"
    assert format_number(-0.5) == "−0.5"
    assert format_number(None) == "–"
    assert format_number(float("inf")) == "+∞"


@pytest.mark.parametrize("value, up, down", [(0.3, 0.4, 0.25), (1.0, 1.2, 0.8), (0.17, 0.2, 0.15), (10, 12, 8)])
def test_eps_moves_along_readable_values(value, up, down):
    assert spec_edits.nice_step(value, +1) == pytest.approx(up)
    assert spec_edits.nice_step(value, -1) == pytest.approx(down)


@pytest.mark.parametrize("value, direction", [(1.7e308, +1), (1e-300, -1), (5e-324, -1)])
def test_eps_stops_at_the_ends_of_the_number_range(value, direction):
    with pytest.raises(ValueError, match="eps stays within"):
        spec_edits.step_main(make_spec("dbscan", eps=value), direction)


def test_main_and_second_parameters():
    spec = make_spec()
    assert spec_edits.step_main(spec, 1).algorithm.params["n_clusters"] == 4
    with pytest.raises(ValueError, match="k stays within"):
        spec_edits.step_main(make_spec(n_clusters=1), -1)
    assert spec_edits.step_second(spec, 1).algorithm.params["init"] == "random"
    assert spec_edits.step_second(spec, -1).algorithm.params["init"] == "manual"  # placed by hand, last in the cycle
    with pytest.raises(ValueError, match="min_samples"):
        spec_edits.step_second(make_spec("dbscan", min_samples=1), -1)
    assert spec_edits.step_second(make_spec("gmm"), 1).algorithm.params["covariance_type"] == "tied"


def test_new_data_set_drops_data_dependent_parameters_and_keeps_the_rest():
    spec = make_spec("kmeans", n_clusters=7, init="random")
    new = spec_edits.step_dataset(spec, 1)
    assert new.data.source == "moons"
    assert dict(new.algorithm.params) == {"init": "random"}
    assert spec_edits.step_dataset(make_spec(source="blobs"), -1).data.source == spec_edits.dataset_names()[-1]


def test_scaling_cycles_and_forgets_dbscan_eps():
    spec = make_spec("dbscan", eps=0.5)
    scaled = spec_edits.next_scaling(spec)
    assert scaled.data.scale == "standard" and "eps" not in scaled.algorithm.params
    assert spec_edits.next_scaling(spec_edits.next_scaling(scaled)).data.scale == "none"
    assert spec_edits.next_scaling(make_spec(n_clusters=4)).algorithm.params["n_clusters"] == 4


def test_speeds_stay_on_the_ladder():
    assert spec_edits.next_speed(2.0, 1) == 4.0
    assert spec_edits.next_speed(16.0, 1) == 16.0
    assert spec_edits.next_speed(0.5, -1) == 0.5
    assert spec_edits.format_speed(1.0) == "1 step/s"


def test_samples_step_along_the_ladder_and_refuse_files_and_ends() -> None:
    import pytest

    from tuiclust.pipeline import edits as spec_edits
    from tuiclust.pipeline.spec import DataSpec, RunSpec

    spec = RunSpec()
    assert spec_edits.step_samples(spec, 1, 300).data.n_samples == 500
    assert spec_edits.step_samples(spec, -1, 300).data.n_samples == 200
    assert spec_edits.step_samples(spec, 1, 250).data.n_samples == 300  # off the ladder: the next size up
    with pytest.raises(ValueError, match="most"):
        spec_edits.step_samples(spec, 1, spec_edits.SAMPLE_SIZES[-1])
    with pytest.raises(ValueError, match="fewest"):
        spec_edits.step_samples(spec, -1, spec_edits.SAMPLE_SIZES[0])
    with pytest.raises(ValueError, match="CSV"):
        spec_edits.step_samples(RunSpec(DataSpec("data/points.csv")), 1, 100)
