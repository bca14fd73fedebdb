"""The elbow view (e on K-Means): open, move, apply, close."""

from __future__ import annotations

import numpy as np
import pytest

from tuiclust.analysis.elbow_curve import ELBOW_CACHE, elbow_curve
from tuiclust.ui.views.elbow import ElbowView
from tuiclust.ui.views.formatting import short_number

from .conftest import explorer, make_spec
from .views_helpers import close_view, open_view


def write_four_blobs(path) -> str:
    rng = np.random.default_rng(1)
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]])
    X = np.vstack([c + rng.normal(0.0, 0.5, (50, 2)) for c in centres])
    file = path / "four_blobs.csv"
    np.savetxt(file, X, delimiter=",", header="x,y", comments="")
    return str(file)


async def test_four_blobs_suggest_4_and_enter_runs_k_4(tmp_path):
    spec = make_spec("kmeans", write_four_blobs(tmp_path), n_clusters=3)
    async with explorer(spec, size=(120, 40)) as (app, pilot):
        view = await open_view(app, pilot, "e", ElbowView)
        assert view.curve.suggested_k == 4
        assert view.selected == 4  # the suggestion is selected once known
        assert "suggested k = 4" in view.info_text()
        # the figure is the analysis of the explorer's own data
        expected = elbow_curve(app.current_run.dataset.X, seed=app.current_run.spec.data.seed)
        assert view.curve.inertias == expected.inertias
        await pilot.press("enter")
        await app.wait_until_computed()
        await pilot.pause()
        assert not isinstance(app.screen, ElbowView)
        assert app.current_run.params["n_clusters"] == 4
        await pilot.press("end")
        assert len(set(app.current_run.timeline.current.labels.tolist())) == 4


async def test_left_right_move_the_selection_and_escape_changes_nothing():
    async with explorer(make_spec("kmeans"), size=(80, 24)) as (app, pilot):
        run = app.current_run
        view = await open_view(app, pilot, "e", ElbowView)
        assert view.selected == view.curve.suggested_k == 3
        await pilot.press("right", "right", "l")
        assert view.selected == 6
        point = view.curve.point(6)
        assert f"selected k = 6[/b]  \u00b7  inertia {short_number(point.inertia)}" in view.info_text()
        await pilot.press(*["left"] * 12)
        assert view.selected == 1  # stops at the ends
        assert "needs k \u2265 2" in view.info_text()
        await close_view(app, pilot)
        assert app.current_run is run and run.params["n_clusters"] == 3 and run.timeline.index == 0


@pytest.mark.slow
async def test_reopening_on_the_same_data_comes_from_the_cache():
    ELBOW_CACHE.clear()
    async with explorer(make_spec("kmeans", "moons")) as (app, pilot):
        first = await open_view(app, pilot, "e", ElbowView)
        assert not first.from_cache
        await close_view(app, pilot)
        second = await open_view(app, pilot, "e", ElbowView)
        assert second.from_cache and second.curve is first.curve


async def test_applying_the_k_that_runs_already_only_says_so():
    async with explorer(make_spec("kmeans")) as (app, pilot):
        run = app.current_run
        await open_view(app, pilot, "e", ElbowView)  # suggests 3, the explorer runs 3
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_run is run
        assert any("already" in told for told in app.told)


async def test_escape_while_computing_closes_at_once_and_the_late_result_is_dropped(monkeypatch):
    import threading

    import tuiclust.ui.views.elbow as elbow_module

    release = threading.Event()
    real_points = elbow_module.elbow_points

    def slow_points(*args, **kwargs):
        for i, point in enumerate(real_points(*args, **kwargs)):
            if i == 2:
                release.wait(10)  # a computation that takes long
            yield point

    monkeypatch.setattr(elbow_module, "elbow_points", slow_points)
    ELBOW_CACHE.clear()
    async with explorer(make_spec("kmeans", "smiley")) as (app, pilot):
        run = app.current_run
        await pilot.press("e")
        await pilot.pause()
        view = app.screen
        assert isinstance(view, ElbowView) and not view.filled
        await pilot.press("right")  # the keys work while the worker computes
        assert view.selected == 5
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ElbowView)
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.current_run is run and run.params["n_clusters"] == 4
        assert len(ELBOW_CACHE) == 0  # the cancelled computation stored nothing
