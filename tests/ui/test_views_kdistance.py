"""The k-distance view (e on DBSCAN): open, move, apply, close."""

from __future__ import annotations

from tuiclust.analysis.k_distance import round_eps
from tuiclust.core.elbow import suggest_eps
from tuiclust.ui.views.kdistance import KDistanceView

from .conftest import explorer, make_spec
from .views_helpers import close_view, open_view


async def test_moons_suggested_eps_gives_two_clusters():
    async with explorer(make_spec("dbscan", "moons", eps=0.3), size=(120, 40)) as (app, pilot):
        X = app.current_run.dataset.X
        view = await open_view(app, pilot, "e", KDistanceView)
        assert view.curve.k == app.current_run.params["min_samples"] == 5
        assert view.curve.suggested_eps == suggest_eps(X, 5)
        assert view.selected_eps == round_eps(suggest_eps(X, 5))
        assert f"suggested eps = {view.selected_eps:g}" in view.info_text()
        await pilot.press("enter")
        await app.wait_until_computed()
        await pilot.pause()
        run = app.current_run
        assert run.params["eps"] == view.selected_eps
        await pilot.press("end")
        assert run.timeline.current.n_clusters_found == 2


async def test_moving_eps_along_the_curve_and_escape_changes_nothing():
    async with explorer(make_spec("dbscan", "moons"), size=(80, 24)) as (app, pilot):
        run = app.current_run
        view = await open_view(app, pilot, "e", KDistanceView)
        knee = view.selected_index
        start = view.selected_eps
        await pilot.press("right")
        assert view.selected_index == knee + 5  # 1 % of 500 points
        assert view.selected_eps >= start
        await pilot.press("shift+left")
        assert view.selected_index == knee - 45
        assert view.selected_eps < start
        share = view.curve.core_fraction(view.selected_eps)
        assert f"{100 * share:.1f} %" in view.info_text()
        await pilot.press("home")
        assert view.selected_index == knee
        await close_view(app, pilot)
        assert app.current_run is run and run.params["eps"] == 0.17
