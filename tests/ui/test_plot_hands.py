"""Pilot tests for the plot's own keys: regions (v), the inspector (i), placing centres and points, the mouse."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from tuiclust.pipeline import hand_edits
from tuiclust.pipeline.spec import DataSpec, RunSpec
from tuiclust.ui.overlay import INSPECT, PLACE
from tuiclust.ui.palette import ColourMode

from .conftest import explorer, make_spec, press_and_settle, wait_until


def _shaded(frame) -> dict:
    """Cells with a background, per background colour."""
    counts: dict = {}
    for strip in frame.strips:
        for seg in strip:
            if seg.style is not None and seg.style.bgcolor is not None:
                counts[seg.style.bgcolor] = counts.get(seg.style.bgcolor, 0) + len(seg.text)
    return counts


async def _current_frame(app, pilot) -> None:
    await wait_until(lambda: app.scatter.is_current, what="the pane shows the latest frame")
    await pilot.pause()


async def test_v_toggles_kmeans_regions_behind_the_points():
    async with explorer(make_spec("kmeans", n=300)) as (app, pilot):
        await pilot.press("right", "right")
        await _current_frame(app, pilot)
        before = _shaded(app.scatter.frame)
        await pilot.press("v")
        await _current_frame(app, pilot)
        assert app.scatter.overlay.regions
        after = _shaded(app.scatter.frame)
        # Each of the 3 centres shades its region: most of the plot gets a background.
        _, _, w, h = app.scatter.frame.plot_area
        assert sum(after.values()) > 0.9 * w * h > sum(before.values())
        assert len(after) >= 3
        await pilot.press("v")
        await _current_frame(app, pilot)
        assert not app.scatter.overlay.regions


async def test_regions_draw_borders_with_no_colour_and_ansi_backgrounds_with_16_colours():
    from tuiclust.pipeline.run import build_run
    from tuiclust.ui.overlay import Overlay
    from tuiclust.ui.scatter_data import PlotData
    from tuiclust.ui.scatter_frame import build_frame

    run = build_run(make_spec("kmeans", n=300))
    run.timeline.compute_ahead(3)
    step = run.timeline[2]
    data = PlotData.from_dataset(run.dataset)
    plain = build_frame(data, step, 80, 24, ColourMode.NONE, Overlay(regions=True)).text
    assert "│" in plain[plain.index("\n") :] or "─" in plain  # borders between regions
    frame16 = build_frame(data, step, 80, 24, ColourMode.STANDARD, Overlay(regions=True))
    backgrounds = {
        seg.style.bgcolor.name for strip in frame16.strips for seg in strip if seg.style and seg.style.bgcolor
    }
    assert {"yellow", "cyan", "green"} <= backgrounds  # the non-bright ANSI colours of the 3 regions


async def test_i_inspects_the_nearest_point_and_escape_leaves():
    async with explorer(make_spec("kmeans", n=300)) as (app, pilot):
        await pilot.press("right", "right")
        await pilot.press("i")
        await _current_frame(app, pilot)
        assert app.hand_mode == INSPECT and app.selected_point is not None
        box = app.scatter.overlay.box
        assert any("to each centre" in line for line in box)
        assert sum("nearest" in line for line in box) == 1
        index_before = app.timeline_index if hasattr(app, "timeline_index") else app.current_run.timeline.index
        first = app.selected_point
        await pilot.press("right", "right", "up", "up")  # arrows move the cursor, not time
        assert app.current_run.timeline.index == index_before
        await pilot.press("l")  # l still steps: the selected point stays selected
        await _current_frame(app, pilot)
        assert app.current_run.timeline.index == index_before + 1
        assert app.selected_point is not None
        await pilot.press("escape")
        await _current_frame(app, pilot)
        assert app.hand_mode is None and not app.scatter.overlay.box
        assert first is not None


async def test_inspector_explains_dbscan_core_border_noise_with_the_eps_circle():
    async with explorer(make_spec("dbscan", "moons", n=200)) as (app, pilot):
        await pilot.press("end")
        await pilot.press("i")
        await _current_frame(app, pilot)
        box = " ".join(app.scatter.overlay.box)
        assert "within eps" in box and "min_samples" in box
        assert any(word in box for word in (": core", "border of cluster", "noise"))
        assert app.scatter.overlay.circles  # the selected point's eps-circle
        _x, _y, r = app.scatter.overlay.circles[0]
        assert r == pytest.approx(app.current_run.params["eps"])
        assert app.inspected_neighbours() >= 1


async def test_dbscan_expand_shows_an_eps_circle_without_the_inspector():
    async with explorer(make_spec("dbscan", "blobs", n=300)) as (app, pilot):
        timeline = app.current_run.timeline
        expand = next(i for i in range(len(timeline)) if timeline[i].phase.value == "expand")
        timeline.seek(expand)
        app._show_current()
        await _current_frame(app, pilot)
        assert len(app.scatter.overlay.circles) == 1


async def test_inspector_gives_gmm_responsibilities():
    async with explorer(make_spec("gmm", n=300)) as (app, pilot):
        await pilot.press("right", "right", "right")
        await pilot.press("i")
        await _current_frame(app, pilot)
        box = app.scatter.overlay.box
        assert any("responsibilities" in line for line in box)
        values = [float(line.split()[2]) for line in box if line.startswith(" ")]
        assert len(values) == 3 and sum(values) == pytest.approx(1.0, abs=2e-3)


async def test_a_adds_a_point_and_delete_removes_it_the_run_recomputes():
    async with explorer(make_spec("kmeans", n=200)) as (app, pilot):
        await pilot.press("i")
        await press_and_settle(app, pilot, "a")
        await wait_until(lambda: app.current_run.dataset.n_samples == 201, what="the added point")
        assert len(app.spec.data.added) == 1
        assert app.selected_point == 200
        await press_and_settle(app, pilot, "delete")
        await wait_until(lambda: app.current_run.dataset.n_samples == 200, what="the point deleted")
        assert app.spec.data.added == ()
        # Deleting a data row records it as removed.
        await pilot.press("left")
        await press_and_settle(app, pilot, "delete")
        await wait_until(lambda: app.current_run.dataset.n_samples == 199, what="a row deleted")
        assert len(app.spec.data.removed) == 1


async def test_a_beyond_the_data_limits_is_refused_and_the_last_point_cannot_go():
    async with explorer(make_spec("kmeans", n=200)) as (app, pilot):
        await pilot.press("i")
        app._cursor = (1e9, 1e9)
        await pilot.press("a")
        assert any("beyond the data" in t for t in app.told)
        assert app.spec.data.added == ()
    with pytest.raises(ValueError, match="last point"):
        hand_edits.with_removed_point(make_spec(), 0, 1)


async def test_manual_init_waits_for_k_centres_placed_by_hand():
    spec = make_spec("kmeans", n=200, n_clusters=2, init="manual")
    async with explorer(spec) as (app, pilot):
        await wait_until(lambda: app.placing and app.scatter.plot_data is not None, what="placement")
        assert app.hand_mode == PLACE and app.current_run is None
        await pilot.press("enter")
        await pilot.press("enter")
        assert any("already there" in t for t in app.told)  # the same spot twice is refused
        await pilot.press("backspace")
        await pilot.press("enter", "left", "left", "left", "left", "up", "up")
        await press_and_settle(app, pilot, "enter")
        await wait_until(lambda: app.current_run is not None, what="the run from the placed centres")
        first = app.current_run.timeline[0]
        assert "placed by hand" in first.message
        assert len(app.current_run.spec.algorithm.placed) == 2
        placed = np.array(app.current_run.spec.algorithm.placed)
        assert np.allclose(first.centers, placed)  # two columns: plot units are data units


async def test_right_bracket_reaches_manual_and_escape_gives_it_up():
    async with explorer(make_spec("kmeans", n=200)) as (app, pilot):
        for _ in range(3):  # k-means++ -> random -> farthest -> manual
            await press_and_settle(app, pilot, "right_square_bracket")
        await wait_until(lambda: app.placing, what="placement")
        await press_and_settle(app, pilot, "escape")
        await wait_until(lambda: app.current_run is not None, what="the default start")
        assert app.current_run.spec.algorithm.params["init"] == "k-means++"


async def test_gmm_means_placed_by_hand():
    spec = replace(make_spec("gmm", n=200, n_components=2, init_params="manual"))
    async with explorer(spec) as (app, pilot):
        await wait_until(lambda: app.placing and app.scatter.plot_data is not None, what="placement")
        await pilot.press("enter", "right", "right", "right", "right", "right")
        await press_and_settle(app, pilot, "enter")
        await wait_until(lambda: app.current_run is not None, what="the run")
        assert "placed by hand" in app.current_run.timeline[0].message


async def test_the_canvas_starts_empty_and_takes_points():
    spec = RunSpec(DataSpec("canvas"), make_spec("kmeans", n_clusters=2).algorithm)
    async with explorer(spec) as (app, pilot):
        await wait_until(lambda: app.scatter.plot_data is not None, what="the canvas")
        assert app.hand_mode == INSPECT and app.current_run is None
        vp = app.scatter.plot_data.viewport
        assert (vp.x_min, vp.x_max, vp.y_min, vp.y_max) == hand_edits.CANVAS_LIMITS  # the axes stay put
        await press_and_settle(app, pilot, "a")
        await pilot.press("right", "right", "right", "up")
        await press_and_settle(app, pilot, "a")
        await wait_until(lambda: app.current_run is not None, what="a run once there are k points")
        assert app.current_run.dataset.n_samples == 2
        added = app.current_run.spec.data.added
        assert added[0] == (5.0, 5.0) and added[1][0] > 5.0 and added[1][1] > 5.0
        vp = app.scatter.plot_data.viewport
        assert (vp.x_min, vp.x_max) == hand_edits.CANVAS_LIMITS[:2]


async def test_clicks_inspect_and_place_and_the_wheel_steps():
    async with explorer(make_spec("kmeans", n=200)) as (app, pilot):
        left, top, w, h = app.scatter.frame.plot_area
        await pilot.click("#scatter", offset=(left + w // 2, top + h // 2))
        await _current_frame(app, pilot)
        assert app.hand_mode == INSPECT and app.selected_point is not None
        index = app.current_run.timeline.index
        app.scatter.post_message(app.scatter.Wheel(1))
        await wait_until(lambda: app.current_run.timeline.index > index, what="the wheel stepped")
    spec = make_spec("kmeans", n=200, n_clusters=1, init="manual")
    async with explorer(spec) as (app, pilot):
        await wait_until(lambda: app.placing and app.scatter.frame is not None, what="placement")
        left, top, w, h = app.scatter.frame.plot_area
        await pilot.click("#scatter", offset=(left + 3, top + 3))
        await wait_until(lambda: app.current_run is not None, what="a run from the clicked centre")


async def test_no_colour_centres_carry_their_cluster_marker():
    from tuiclust.pipeline.run import build_run
    from tuiclust.ui.palette import cluster_marker
    from tuiclust.ui.scatter_data import PlotData
    from tuiclust.ui.scatter_frame import build_frame

    run = build_run(make_spec("kmeans", n=300))
    run.timeline.compute_ahead(3)
    text = build_frame(PlotData.from_dataset(run.dataset), run.timeline[2], 100, 30, ColourMode.NONE).text
    for c in range(3):
        assert f"▐{cluster_marker(c)}▌" in text


def test_gmm_reads_without_colour_and_in_16_colours():
    """Soft assignments by marker (hollow below p 0.6) and by weight; means numbered; ellipses over the points."""
    from tuiclust.pipeline.run import build_run
    from tuiclust.ui.palette import cluster_marker, palette_for
    from tuiclust.ui.scatter_data import PlotData
    from tuiclust.ui.scatter_frame import build_frame

    run = build_run(make_spec("gmm", "aniso", n=240, seed=2, init_params="random_from_data"))
    run.timeline.compute_ahead(6)
    step = run.timeline[5]
    data = PlotData.from_dataset(run.dataset)
    text = build_frame(data, step, 100, 30, ColourMode.NONE).text
    for c in range(3):
        assert f"▐{cluster_marker(c)}▌{c}" in text  # each mean: its component's marker and number
    assert any(cluster_marker(c, hollow=True) in text for c in range(3))  # uncertain points are hollow
    assert sum(0x2800 <= ord(ch) <= 0x28FF for ch in text) > 100  # continuous ellipses
    for mode in (ColourMode.NONE, ColourMode.STANDARD):
        palette = palette_for(mode)
        sure, fairly, unsure = (palette.soft_point(0, level) for level in (2, 1, 0))
        assert sure.bold and not fairly.bold and unsure.dim
        assert palette.outline(0).bold and palette.outline(0, faint=True).dim
