"""g / G choose the start: GMM's init_params (the wide start among them) and K-Means' init."""

from __future__ import annotations

from tuiclust.pipeline.vocabulary import parameter

from .conftest import explorer, make_spec, press_and_settle


async def test_g_cycles_the_gmm_start_to_the_wide_one_and_g_shifted_goes_back() -> None:
    choices = parameter("init_params").choices
    presses = choices.index("wide") - choices.index("kmeans")
    async with explorer(make_spec("gmm", n=120)) as (app, pilot):
        await press_and_settle(app, pilot, *["g"] * presses)
        assert app.current_run.spec.algorithm.params["init_params"] == "wide"
        assert "initialised wide" in app.current_run.timeline[0].message
        assert "start: wide" in app.told
        await press_and_settle(app, pilot, "G")
        assert app.current_run.spec.algorithm.params["init_params"] == "random_from_data"
        await press_and_settle(app, pilot, "1", "g")  # K-Means: g steps its init
        assert app.current_run.params["init"] == "random"
        await press_and_settle(app, pilot, "2", "g")
        assert app.current_run.spec.algorithm.name == "dbscan" and any("no start to choose" in t for t in app.told)
