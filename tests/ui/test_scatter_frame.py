"""Frames of the scatter pane, built without an app: what each algorithm's step looks like."""

from __future__ import annotations

import numpy as np
import pytest
from rich.color import ColorType

from tuiclust.core.steps import Phase, Step, frozen_array
from tuiclust.ui.palette import (
    CENTRE_MARKER,
    MEAN_MARKER,
    NOISE_MARKER,
    UNASSIGNED_MARKER,
    ColourMode,
    cluster_marker,
)
from tuiclust.ui.scatter_axes import nice_ticks
from tuiclust.ui.scatter_frame import PlotData, build_frame

from .scatter_helpers import blobs, dbscan_steps, gmm_steps, kmeans_steps

SIZES = [(100, 30), (80, 24), (40, 12), (200, 60)]


@pytest.fixture(scope="module")
def data_and_steps():
    dataset, truth = blobs()
    steps = {
        **{f"kmeans_{k}": s for k, s in kmeans_steps(dataset, truth).items()},
        **{f"dbscan_{k}": s for k, s in dbscan_steps(dataset, truth).items()},
        **{f"gmm_{k}": s for k, s in gmm_steps(dataset, truth).items()},
    }
    return PlotData.from_dataset(dataset), steps


def plot_text(frame) -> str:
    """Only the plot area, so axis labels and the legend do not count as marks."""
    left, top, width, height = frame.plot_area
    rows = frame.text.splitlines()[top : top + height]
    return "\n".join(row[left : left + width] for row in rows)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("mode", list(ColourMode))
def test_every_step_draws_at_every_size_and_mode(data_and_steps, size, mode):
    data, steps = data_and_steps
    width, height = size
    for step in [None, *steps.values()]:
        frame = build_frame(data, step, width, height, mode)
        assert len(frame.strips) == height
        assert all(strip.cell_length == width for strip in frame.strips)
        assert frame.step is step


def test_tiny_and_odd_sizes_never_fail(data_and_steps):
    data, steps = data_and_steps
    for step in [None, steps["kmeans_update"], steps["dbscan_expand"], steps["gmm_m_step"]]:
        for width in range(0, 45, 4):
            for height in range(0, 16, 3):
                frame = build_frame(data, step, width, height, ColourMode.STANDARD)
                assert frame.width == width and frame.height == height


def test_each_cluster_has_its_own_marker(data_and_steps):
    data, steps = data_and_steps
    text = plot_text(build_frame(data, steps["kmeans_assign"], 100, 30, ColourMode.NONE))
    for cluster in range(3):
        assert cluster_marker(cluster) in text
    assert len({cluster_marker(c) for c in range(10)}) == 10


def test_unassigned_points_are_neutral_dots_before_the_first_assign(data_and_steps):
    data, steps = data_and_steps
    frame = build_frame(data, steps["kmeans_init"], 100, 30, ColourMode.TRUECOLOR)
    text = plot_text(frame)
    assert UNASSIGNED_MARKER in text
    assert not any(cluster_marker(c) in text for c in range(3))
    assert text.count(CENTRE_MARKER) == 3
    assert "unassigned" in frame.legend


def test_no_color_uses_no_colour_at_all_but_keeps_markers(data_and_steps):
    data, steps = data_and_steps
    for step in steps.values():
        frame = build_frame(data, step, 100, 30, ColourMode.NONE)
        for strip in frame.strips:
            for segment in strip:
                assert segment.style is None or (segment.style.color is None and segment.style.bgcolor is None)
    text = plot_text(build_frame(data, steps["dbscan_done"], 100, 30, ColourMode.NONE))
    markers = {cluster_marker(c) for c in range(3)} | {cluster_marker(c, hollow=True) for c in range(3)}
    assert markers | {NOISE_MARKER} <= set(text)


def test_sixteen_colours_use_only_ansi_colours(data_and_steps):
    data, steps = data_and_steps
    for step in steps.values():
        frame = build_frame(data, step, 100, 30, ColourMode.STANDARD)
        for strip in frame.strips:
            for segment in strip:
                for colour in (segment.style.color, segment.style.bgcolor) if segment.style else ():
                    assert colour is None or colour.type in (ColorType.STANDARD, ColorType.DEFAULT)


def test_clusters_differ_in_colour_too(data_and_steps):
    data, steps = data_and_steps
    frame = build_frame(data, steps["kmeans_assign"], 100, 30, ColourMode.TRUECOLOR)
    colour_of = {}
    for strip in frame.strips[1:]:
        for segment in strip:
            for ch in segment.text:
                colour_of.setdefault(ch, segment.style.color if segment.style else None)
    colours = {colour_of[cluster_marker(c)] for c in range(3)}
    assert len(colours) == 3 and None not in colours


@pytest.mark.parametrize(
    "name, expected",
    [
        ("kmeans_init", ("centres", "unassigned")),
        ("kmeans_assign", ("points", "centres")),
        ("kmeans_update", ("points", "centres", "moved")),
        ("dbscan_neighbourhoods", ("core, no cluster yet", "not visited")),
        ("dbscan_done", ("core", "border", "noise")),
        ("gmm_e_step", ("sure p≥0.9", "unsure p<0.6", "means", "1σ", "2σ")),
    ],
)
def test_legend_names_what_is_on_screen(data_and_steps, name, expected):
    data, steps = data_and_steps
    assert build_frame(data, steps[name], 120, 30, ColourMode.TRUECOLOR).legend == expected


def test_dbscan_legend_names_the_cluster_being_grown(data_and_steps):
    data, steps = data_and_steps
    legend = build_frame(data, steps["dbscan_expand"], 140, 30, ColourMode.TRUECOLOR).legend
    assert legend[0] == "growing cluster 1"


def test_legend_fits_small_panes(data_and_steps):
    data, steps = data_and_steps
    for step in steps.values():
        for width in (24, 40, 60):
            frame = build_frame(data, step, width, 12, ColourMode.TRUECOLOR)
            first_row = frame.text.splitlines()[0]
            assert len(first_row) == width
            assert frame.legend  # at least something, shortened
            assert first_row.startswith("x2")  # the y label is never overwritten


def test_plain_data_before_any_step(data_and_steps):
    data, _ = data_and_steps
    frame = build_frame(data, None, 80, 24, ColourMode.TRUECOLOR)
    assert frame.legend == ("data points",)
    assert UNASSIGNED_MARKER in plot_text(frame)


def test_axes_do_not_move_between_steps(data_and_steps):
    data, steps = data_and_steps
    frames = [build_frame(data, s, 100, 30, ColourMode.TRUECOLOR) for s in [None, *steps.values()]]
    areas = {f.plot_area for f in frames}
    assert len(areas) == 1
    left, top, width, height = areas.pop()

    def chrome(frame) -> list[str]:
        rows = frame.text.splitlines()[1:]  # row 0 holds the legend
        return [row[:left] + row[left + width :] for row in rows]

    assert all(chrome(f) == chrome(frames[0]) for f in frames)


def test_the_same_inputs_give_the_same_frame(data_and_steps):
    data, steps = data_and_steps
    for step in steps.values():
        a = build_frame(data, step, 90, 25, ColourMode.TRUECOLOR)
        b = build_frame(data, step, 90, 25, ColourMode.TRUECOLOR)
        assert a.strips == b.strips


def test_centres_are_drawn_over_points_with_caps(data_and_steps):
    data, steps = data_and_steps
    text = plot_text(build_frame(data, steps["kmeans_update"], 100, 30, ColourMode.TRUECOLOR))
    assert text.count(f"▐{CENTRE_MARKER}▌") == 3
    gmm = plot_text(build_frame(data, steps["gmm_e_step"], 100, 30, ColourMode.TRUECOLOR))
    assert gmm.count(f"▐{MEAN_MARKER}▌") == 3


def test_gmm_draws_ellipses_and_marks_uncertain_points(data_and_steps):
    data, steps = data_and_steps
    text = plot_text(build_frame(data, steps["gmm_e_step"], 100, 30, ColourMode.TRUECOLOR))
    braille = [ch for ch in text if 0x2800 < ord(ch) <= 0x28FF]
    assert len(braille) > 50  # six outlines
    assert any(cluster_marker(c, hollow=True) in text for c in range(3))


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_gmm_ellipses_for_every_covariance_type_in_more_dimensions(covariance_type):
    dataset, truth = blobs(n_features=4)
    data = PlotData.from_dataset(dataset)
    step = gmm_steps(dataset, truth, covariance_type)["e_step"]
    frame = build_frame(data, step, 100, 30, ColourMode.TRUECOLOR)
    assert any(0x2800 < ord(ch) <= 0x28FF for ch in plot_text(frame))
    assert data.axis_labels[0].startswith("PC1")


def test_dbscan_shows_core_border_noise_and_the_growing_cluster(data_and_steps):
    data, steps = data_and_steps
    expand = build_frame(data, steps["dbscan_expand"], 100, 30, ColourMode.TRUECOLOR)
    styles = {}
    for strip in expand.strips[1:]:
        for segment in strip:
            for ch in segment.text:
                styles.setdefault(ch, segment.style)
    assert styles[cluster_marker(1)].bold  # the growing cluster stands out
    assert not styles[cluster_marker(0)].bold
    done = plot_text(build_frame(data, steps["dbscan_done"], 100, 30, ColourMode.TRUECOLOR))
    assert NOISE_MARKER in done and cluster_marker(0, hollow=True) in done


def test_marks_are_bounded_by_the_plot_area_for_many_points():
    dataset, truth = blobs(40_000)
    data = PlotData.from_dataset(dataset)
    step = kmeans_steps(dataset, truth)["assign"]
    frame = build_frame(data, step, 60, 20, ColourMode.TRUECOLOR)
    _, _, width, height = frame.plot_area
    marks = sum(plot_text(frame).count(cluster_marker(c)) for c in range(3))
    assert 0 < marks <= width * height


def test_labels_that_do_not_match_the_data_are_an_error(data_and_steps):
    data, _ = data_and_steps
    step = Step("kmeans", Phase.ASSIGN, 1, frozen_array(np.zeros(5, np.int8)), "x")
    with pytest.raises(ValueError, match="5 labels"):
        build_frame(data, step, 80, 24, ColourMode.TRUECOLOR)


def test_nice_ticks_are_round_and_inside_the_limits():
    values, labels = nice_ticks(-3.2, 9.1, 8)
    assert values == [-2, 0, 2, 4, 6, 8] and labels == ["-2", "0", "2", "4", "6", "8"]
    values, labels = nice_ticks(-3.0, 9.0, 1)
    assert len(values) >= 2
    assert nice_ticks(0.001, 0.0013, 3)[1] == ["0.0010", "0.0011", "0.0012", "0.0013"]
    assert nice_ticks(-1e6, 3e6, 4)[1] == ["-1e6", "0", "1e6", "2e6", "3e6"]


def test_a_frame_does_not_depend_on_the_frames_before_it(data_and_steps):
    data, steps = data_and_steps
    order = list(steps.values())
    for step in order + order[::-1]:
        build_frame(data, step, 100, 30, ColourMode.TRUECOLOR)  # leaves running counts behind
    dataset = data.dataset
    for step in order:
        fresh = PlotData.from_dataset(dataset)
        after_history = build_frame(data, step, 100, 30, ColourMode.TRUECOLOR)
        assert build_frame(fresh, step, 100, 30, ColourMode.TRUECOLOR).strips == after_history.strips


def _dataset(X: np.ndarray):
    from tuiclust.core.preprocess import fit_projection
    from tuiclust.pipeline.data import Dataset

    names = [f"x{i + 1}" for i in range(X.shape[1])]
    return Dataset(X, X, None, tuple(names), fit_projection(X, column_names=names), "edge")


@pytest.mark.parametrize(
    "X",
    [
        np.array([[1.0]]),  # one point, one feature
        np.linspace(0, 1, 50)[:, None],  # one feature: drawn on a line
        np.ones((30, 2)),  # every point the same
        np.array([[0.0, 0.0], [1e12, -1e-12]]),  # wild ranges
    ],
)
def test_degenerate_data_still_draws(X):
    data = PlotData.from_dataset(_dataset(X))
    labels = frozen_array(np.zeros(X.shape[0], dtype=np.int8))
    centres = frozen_array(X[:1].copy())
    steps = [
        None,
        Step("kmeans", Phase.UPDATE, 1, labels, "u", centers=centres, previous_centers=centres),
        Step(
            "gmm",
            Phase.E_STEP,
            1,
            labels,
            "e",
            centers=centres,
            covariances=np.ones((1, X.shape[1], X.shape[1])),
            covariance_type="full",
        ),
    ]
    for step in steps:
        frame = build_frame(data, step, 60, 16, ColourMode.TRUECOLOR)
        text = plot_text(frame)
        expected = UNASSIGNED_MARKER if step is None else CENTRE_MARKER if step.algorithm == "kmeans" else MEAN_MARKER
        assert expected in text


def test_a_broken_gaussian_is_skipped_not_fatal(data_and_steps):
    data, steps = data_and_steps
    good = steps["gmm_e_step"]
    covs = good.covariances.copy()
    covs[1] = np.nan
    broken = Step(
        "gmm",
        Phase.E_STEP,
        1,
        good.labels,
        "e",
        centers=good.centers,
        covariances=covs,
        covariance_type="full",
        confidence=good.confidence,
    )
    text = plot_text(build_frame(data, broken, 100, 30, ColourMode.TRUECOLOR))
    assert f"▐{MEAN_MARKER}▌" in text


@pytest.mark.parametrize("shape, picked", [((300, 2), None), ((300, 4), (3, 1)), ((300, 4), None), ((300, 1), None)])
def test_plot_points_are_the_projection_of_the_data(shape, picked):
    # Column picks are copied without a matrix product; the values must not change.
    from tuiclust.core.preprocess import fit_projection
    from tuiclust.pipeline.data import Dataset

    X = np.random.default_rng(3).normal(size=shape)
    x, y = picked if picked else (None, None)
    projection = fit_projection(X, x=x, y=y)
    dataset = Dataset(X, X, None, tuple(f"c{i}" for i in range(shape[1])), projection, "test")
    points = PlotData.from_dataset(dataset).points
    assert points.shape == (shape[0], 2) and points.dtype == np.float64 and points.flags.c_contiguous
    np.testing.assert_array_equal(points, projection.points(X))
