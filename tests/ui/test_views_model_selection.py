"""The BIC / AIC view (e on GMM): open, move, apply, close."""

from __future__ import annotations

from tuiclust.analysis.information_criteria import criteria_curve
from tuiclust.ui.views.formatting import short_number
from tuiclust.ui.views.model_selection import ModelSelectionView

from .conftest import explorer, make_spec
from .views_helpers import close_view, open_view


async def test_open_move_apply():
    async with explorer(make_spec("gmm", "blobs", n_components=5), size=(120, 40)) as (app, pilot):
        X = app.current_run.dataset.X
        view = await open_view(app, pilot, "e", ModelSelectionView)
        expected = criteria_curve(X, covariance_type="full", seed=0)
        assert [p.bic for p in view.curve.points] == [p.bic for p in expected.points]
        assert view.curve.suggested == 3 == view.selected
        assert "suggested: 3 components" in view.info_text()
        await pilot.press("right")
        assert view.selected == 4
        assert f"BIC {short_number(view.curve.point(4).bic)}" in view.info_text()
        await pilot.press("enter")
        await app.wait_until_computed()
        await pilot.pause()
        assert app.current_run.params["n_components"] == 4


async def test_escape_changes_nothing():
    async with explorer(make_spec("gmm", "aniso"), size=(80, 24)) as (app, pilot):
        run = app.current_run
        view = await open_view(app, pilot, "e", ModelSelectionView)
        await pilot.press("left", "left")
        assert view.selected == 1
        await close_view(app, pilot)
        assert app.current_run is run and run.params["n_components"] == 3
