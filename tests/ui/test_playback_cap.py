"""Playback has a frame-rate cap: above it, one update moves several steps, so the pace asked for is kept."""

from __future__ import annotations

from tuiclust.ui.app import MAX_FRAMES_PER_SECOND

from .conftest import explorer, make_spec

# Uniform data and many random centres: a long run (dozens of steps).
LONG_RUN = make_spec("kmeans", "uniform", n=2000, n_clusters=30, init="random")


async def test_below_the_cap_each_update_moves_one_step():
    async with explorer(LONG_RUN, steps_per_second=MAX_FRAMES_PER_SECOND) as (app, pilot):
        timeline = app.current_run.timeline
        app.play()
        app._tick()  # what the playback timer calls
        assert timeline.index == 1
        app.pause()


async def test_above_the_cap_each_update_moves_several_steps_and_logs_them_all():
    async with explorer(LONG_RUN, steps_per_second=4 * MAX_FRAMES_PER_SECOND) as (app, pilot):
        timeline = app.current_run.timeline
        assert len(timeline) > 9
        app.play()
        app._tick()
        app._tick()
        assert timeline.index == 8
        assert app.scatter.wanted_step is timeline.current
        app.pause()
        await pilot.pause()
        assert len(app.phase_log.step_lines) >= 9  # the steps passed over are still in the log


async def test_a_fractional_number_of_steps_per_update_keeps_the_pace():
    async with explorer(LONG_RUN, steps_per_second=1.5 * MAX_FRAMES_PER_SECOND) as (app, pilot):
        timeline = app.current_run.timeline
        app.play()
        for _ in range(4):
            app._tick()
        assert timeline.index == 6
        app.pause()


async def test_fast_playback_still_stops_at_the_last_step():
    async with explorer(make_spec(), steps_per_second=100 * MAX_FRAMES_PER_SECOND) as (app, pilot):
        timeline = app.current_run.timeline
        app.play()
        app._tick()
        assert timeline.at_last_step and not app.playing
