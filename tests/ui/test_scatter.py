"""The scatter pane in a tiny host app: the API the explorer uses, colour modes, caching, threads."""

from __future__ import annotations

import numpy as np
import pytest
from textual.app import App, ComposeResult

from tuiclust.ui import scatter as scatter_module
from tuiclust.ui.palette import ColourMode, cluster_marker
from tuiclust.ui.scatter import FrameKey, ScatterPane, _FrameReady
from tuiclust.ui.scatter_frame import build_frame

from .scatter_helpers import blobs, dbscan_steps, gmm_steps, kmeans_steps


class Host(App):
    """Just the pane, filling the screen."""

    def __init__(self, **pane_options) -> None:
        super().__init__()
        self.pane_options = pane_options

    def compose(self) -> ComposeResult:
        yield ScatterPane(id="scatter", **self.pane_options)

    @property
    def pane(self) -> ScatterPane:
        return self.query_one(ScatterPane)


@pytest.fixture(scope="module")
def run():
    dataset, truth = blobs()
    steps = [
        *kmeans_steps(dataset, truth).values(),
        *dbscan_steps(dataset, truth).values(),
        *gmm_steps(dataset, truth).values(),
    ]
    return dataset, steps


def screen_text(pane: ScatterPane) -> str:
    """What the pane puts on screen, row by row."""
    return "\n".join(pane.render_line(y).text for y in range(pane.size.height))


async def settle(app: App, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", [(100, 30), (80, 24), (40, 12), (200, 60)])
async def test_every_algorithm_draws_at_every_size(run, size):
    dataset, steps = run
    app = Host()
    async with app.run_test(size=size) as pilot:
        pane = app.pane
        pane.set_dataset(dataset)
        await pilot.pause()
        assert pane.frame is not None and pane.frame.step is None
        for step in steps:
            pane.show_step(step)
            await pilot.pause()
            assert pane.frame.step is step
            assert pane.frame.width == size[0] and pane.frame.height == size[1]
            rows = screen_text(pane).splitlines()
            assert len(rows) == size[1] and all(len(row) == size[0] for row in rows)


async def test_no_color_still_tells_clusters_apart_by_marker(run, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    dataset, steps = run
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.pane
        assert pane.colour_mode is ColourMode.NONE
        pane.set_dataset(dataset)
        pane.show_step(steps[1])  # K-Means Assign
        await pilot.pause()
        text = screen_text(pane)
        assert all(cluster_marker(c) in text for c in range(3))


async def test_sixteen_colour_terminal_is_detected(monkeypatch):
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("COLORTERM", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    app = Host()
    async with app.run_test(size=(80, 24)):
        assert app.pane.colour_mode is ColourMode.STANDARD


async def test_truecolor_terminal_is_detected(monkeypatch):
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)
    app = Host()
    async with app.run_test(size=(80, 24)):
        assert app.pane.colour_mode is ColourMode.TRUECOLOR


async def test_axes_stay_put_from_step_to_step(run):
    dataset, steps = run
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.pane
        pane.set_dataset(dataset)
        await pilot.pause()
        left, top, width, height = pane.frame.plot_area
        bottom_rows = screen_text(pane).splitlines()[top + height :]  # x axis, ticks, x label
        for step in steps:
            pane.show_step(step)
            await pilot.pause()
            assert pane.frame.plot_area == (left, top, width, height)
            assert screen_text(pane).splitlines()[top + height :] == bottom_rows


async def test_legend_follows_the_algorithm(run):
    dataset, steps = run
    app = Host()
    async with app.run_test(size=(120, 30)) as pilot:
        pane = app.pane
        pane.set_dataset(dataset)
        legends = {}
        for step in steps:
            pane.show_step(step)
            await pilot.pause()
            legends[(step.algorithm, step.phase.value)] = pane.frame.legend
            assert screen_text(pane).splitlines()[0].rstrip().endswith(pane.frame.legend[-1])
        assert "centres" in legends[("kmeans", "assign")]
        assert {"core", "border", "noise"} <= set(legends[("dbscan", "done")])
        assert {"1σ", "2σ", "means"} <= set(legends[("gmm", "e_step")])


async def test_showing_the_same_step_again_does_no_work(run):
    dataset, steps = run
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.pane
        pane.set_dataset(dataset)
        pane.show_step(steps[1])
        await pilot.pause()
        built = pane.frames_built
        pane.show_step(steps[1])
        pane.show_step(steps[1])
        await pilot.pause()
        assert pane.frames_built == built
        # Stepping away and back uses the cache, and the frame is the same one.
        first = pane.frame
        pane.show_step(steps[2])
        pane.show_step(steps[1])
        await pilot.pause()
        assert pane.frames_built == built + 1
        assert pane.frame is first


async def test_resizing_builds_a_frame_for_the_new_size(run):
    dataset, steps = run
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.pane
        pane.set_dataset(dataset)
        pane.show_step(steps[2])
        await pilot.pause()
        for size in [(60, 20), (80, 24), (200, 60), (30, 10)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert (pane.frame.width, pane.frame.height) == size
            assert pane.frame.step is steps[2]


async def test_big_data_frames_are_built_in_a_worker_and_the_latest_wins(run):
    dataset, steps = run
    app = Host(background_above=0)  # every frame off the main thread
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.pane
        pane.set_dataset(dataset)
        a, b = steps[1], steps[7]
        pane.show_step(a)
        pane.show_step(b)
        await settle(app, pilot)
        assert pane.frame.step is b
        assert pane.is_current
        # A late frame for an older request must not replace the newer one.
        stale = FrameKey(pane._data, a, 100, 30, pane.colour_mode)
        pane.post_message(_FrameReady(stale, build_frame(pane._data, a, 100, 30, pane.colour_mode)))
        await pilot.pause()
        assert pane.frame.step is b


async def test_requests_made_while_a_frame_is_built_are_coalesced(run, monkeypatch):
    dataset, steps = run
    app = Host(background_above=0)
    started = []
    real_build = scatter_module.build_frame

    def recording_build(data, step, width, height, mode):
        started.append(step)
        if len(started) == 1:
            # While the first frame is being built, three more requests arrive.
            app.call_from_thread(lambda: [app.pane.show_step(s) for s in steps[3:6]])
        return real_build(data, step, width, height, mode)

    monkeypatch.setattr(scatter_module, "build_frame", recording_build)
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.pane
        pane.set_dataset(dataset)
        await settle(app, pilot)
        await settle(app, pilot)
        # The first (plain data) frame, then only the newest of the three.
        assert started == [None, steps[5]]
        assert pane.frame.step is steps[5]


async def test_show_step_before_the_pane_is_sized_is_kept_for_later(run):
    dataset, steps = run
    pane = ScatterPane()
    pane.set_dataset(dataset)  # not mounted yet: nothing to draw on
    pane.show_step(steps[0])
    assert pane.frame is None

    class Later(App):
        def compose(self) -> ComposeResult:
            yield pane

    app = Later()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert pane.frame is not None and pane.frame.step is steps[0]


async def test_a_new_data_set_resets_the_step_and_the_axes(run):
    dataset, steps = run
    other, _ = blobs(50, seed=5)
    other_X = other.X * 100  # a very different range
    from tuiclust.pipeline.data import Dataset

    wide = Dataset(other_X, other_X, None, other.column_names, other.projection, "wide")
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.pane
        pane.set_dataset(dataset)
        pane.show_step(steps[1])
        await pilot.pause()
        before = screen_text(pane)
        pane.set_dataset(wide)
        await pilot.pause()
        assert pane.frame.step is None
        assert screen_text(pane) != before
        assert np.isclose(pane._data.viewport.x_max, wide.X[:, 0].max(), rtol=0.2)
