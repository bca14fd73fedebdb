"""Hand edits in the pipeline: centres placed by hand, points added and removed, the canvas, the way back from the plot."""

from __future__ import annotations

import csv
from dataclasses import replace
from types import MappingProxyType

import numpy as np
import pytest

from tuiclust.errors import UsageError
from tuiclust.pipeline import hand_edits
from tuiclust.pipeline.data import load_dataset
from tuiclust.pipeline.run import build_run, prepare_run
from tuiclust.pipeline.spec import AlgorithmSpec, DataSpec, RunSpec


def _spec(name: str = "kmeans", data: DataSpec | None = None, placed=(), **params) -> RunSpec:
    return RunSpec(
        data or DataSpec("blobs", n_samples=200), AlgorithmSpec(name, MappingProxyType(params), tuple(placed))
    )


def test_kmeans_starts_from_the_placed_centres_and_says_so():
    run = build_run(_spec(n_clusters=2, init="manual", placed=((0.0, 0.0), (1.0, 1.0))))
    run.timeline.compute_ahead(1)
    first = run.timeline[0]
    assert np.allclose(first.centers, [[0, 0], [1, 1]])
    assert "placed by hand" in first.message


def test_gmm_means_placed_by_hand_become_means_init():
    prepared = prepare_run(_spec("gmm", n_components=2, init_params="manual", placed=((0.0, 0.0), (2.0, 2.0))))
    assert np.allclose(prepared.estimator.means_init, [[0, 0], [2, 2]])
    first = next(prepared.steps)
    assert "placed by hand" in first.message


def test_manual_without_centres_is_one_clear_line():
    with pytest.raises(UsageError, match=r"init manual needs 3 centre\(s\) placed by hand, 0 given"):
        prepare_run(_spec(init="manual"))


@pytest.mark.parametrize(
    "placed, message",
    [
        (((0, 0), (0, 0)), "given twice"),
        (((0, 0),), "needs 2 centre"),
        (((1e6, 0), (1, 1)), "outside the data range"),
    ],
)
def test_bad_placed_centres_are_refused_naming_the_key(placed, message):
    with pytest.raises(UsageError, match=message):
        prepare_run(_spec(n_clusters=2, init="manual", placed=placed))


@pytest.mark.parametrize(
    "value, message",
    [
        ([[0, 0, 0], [1, 1]], "the plot has 2 axes"),
        ("here", "list of \\[x, y\\] pairs"),
        ([], "list of \\[x, y\\] pairs"),
        ([[0, float("nan")], [1, 1]], "finite numbers"),
        ([[True, 1], [1, 1]], "finite numbers"),
    ],
)
def test_check_placed_names_the_key(value, message):
    with pytest.raises(UsageError, match=f"^init.*{message}"):
        hand_edits.check_placed(value, key="init", count=2, limits=None)


def test_pca_preimage_lies_in_the_plane_and_projects_back():
    dataset = load_dataset(DataSpec("blobs", n_samples=200))  # 2 columns: the preimage is the point itself
    assert np.allclose(
        hand_edits.preimage(dataset.projection, np.array([[1.0, 2.0]]), dataset.X.mean(axis=0)), [[1, 2]]
    )
    from tuiclust.core.preprocess import fit_projection

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 5)) @ rng.normal(size=(5, 5))
    projection = fit_projection(X)
    xy = np.array([[0.5, -1.0], [2.0, 0.3]])
    back = hand_edits.preimage(projection, xy, X.mean(axis=0))
    assert back.shape == (2, 5)
    assert np.allclose(projection.points(back), xy)
    # Column picks (--x/--y): the other columns take their mean.
    picks = fit_projection(X, x=1, y=3)
    back = hand_edits.preimage(picks, xy, X.mean(axis=0))
    assert np.allclose(back[:, [1, 3]], xy)
    assert np.allclose(back[:, [0, 2, 4]], X.mean(axis=0)[[0, 2, 4]])


def test_added_and_removed_points_are_kept_in_the_spec_and_exported(tmp_path):
    base = load_dataset(DataSpec("blobs", n_samples=200))
    spec = _spec(data=DataSpec("blobs", n_samples=200, added=((0.5, 0.5),), removed=(0, 7)))
    run = build_run(spec)
    assert run.dataset.n_samples == 199
    assert np.allclose(run.dataset.X[-1], [0.5, 0.5])
    assert np.allclose(run.dataset.X[0], base.X[1])  # row 0 is gone
    assert run.dataset.limits == pytest.approx(hand_edits.plot_limits(base.projection.points(base.X)))
    run.timeline.compute_ahead(3)
    from tuiclust.io.csv_writer import write_result_csv

    path = write_result_csv(tmp_path / "out.csv", run.dataset, run.timeline[2]).path
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert len(rows) == 1 + 199


def test_added_points_in_scaled_units_get_raw_values_back():
    spec = DataSpec("blobs", n_samples=200, scale="standard", added=((0.0, 0.0),))
    dataset = load_dataset(spec)
    base = load_dataset(replace(spec, added=()))
    assert np.allclose(dataset.raw[-1], base.raw.mean(axis=0))  # the scaled origin is the raw mean


def test_removing_maps_screen_indices_back_to_rows_and_added_points():
    spec = _spec(data=DataSpec("blobs", n_samples=10, added=((0.1, 0.1), (0.2, 0.2)), removed=(3,)))
    n = 10 - 1 + 2
    # Index 9 is the first added point.
    assert hand_edits.with_removed_point(spec, 9, n).data.added == ((0.2, 0.2),)
    # Index 3 is row 4 (row 3 is already gone).
    assert hand_edits.with_removed_point(spec, 3, n).data.removed == (3, 4)
    with pytest.raises(ValueError, match="last point"):
        hand_edits.with_removed_point(spec, 0, 1)
    with pytest.raises(ValueError, match="no point 99"):
        hand_edits.with_removed_point(spec, 99, n)


def test_added_point_outside_the_plot_and_a_missing_row_are_refused():
    with pytest.raises(UsageError, match="outside the data range"):
        load_dataset(DataSpec("blobs", n_samples=50, added=((1e9, 0.0),)))
    with pytest.raises(UsageError, match="removed row 500 does not exist"):
        load_dataset(DataSpec("blobs", n_samples=50, removed=(500,)))


def test_the_canvas_is_empty_with_fixed_limits_and_runs_once_it_has_points():
    empty = load_dataset(DataSpec("canvas"))
    assert empty.n_samples == 0 and empty.limits == hand_edits.CANVAS_LIMITS
    assert hand_edits.waits_for_hands(_spec(data=DataSpec("canvas")))
    drawn = DataSpec("canvas", added=((1, 1), (1.2, 1.1), (8, 8), (8.1, 7.9)))
    run = build_run(_spec(data=drawn, n_clusters=2))
    run.timeline.compute_ahead(10)
    assert run.timeline.finished
    assert sorted(run.timeline[len(run.timeline) - 1].cluster_sizes) == [2, 2]


def test_keys_that_change_the_data_drop_the_hand_edits():
    from tuiclust.pipeline import edits

    spec = _spec(
        data=DataSpec("blobs", n_samples=200, added=((0.5, 0.5),), removed=(1,)),
        n_clusters=2,
        init="manual",
        placed=((0, 0), (1, 1)),
    )
    assert edits.step_dataset(spec, 1).data.added == ()
    assert edits.next_scaling(spec).data.removed == ()
    assert edits.step_samples(spec, 1, 200).data.removed == ()
    assert edits.with_seed(spec, 5).algorithm.placed == spec.algorithm.placed
    assert spec.algorithm.with_params(n_clusters=2).placed == spec.algorithm.placed
    assert (
        edits.step_second(edits.step_second(edits.step_second(_spec(), 1), 1), 1).algorithm.params["init"] == "manual"
    )
