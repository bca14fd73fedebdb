"""The scores strip (m), the silhouette plot (M), the help screen's guidance and the palette."""

from __future__ import annotations

import io

import numpy as np
from rich.console import Console

from tuiclust.analysis.scores import score_clustering, silhouette_profile
from tuiclust.ui.help import HelpScreen
from tuiclust.ui.views.silhouette import SilhouetteView

from .conftest import explorer, make_spec, wait_until
from .views_helpers import close_view, open_view


async def wait_for_scores(app) -> None:
    await wait_until(lambda: bool(app.metrics_strip.current), what="the scores strip to catch up")


async def test_m_toggles_the_strip_and_it_follows_the_step():
    async with explorer(make_spec("kmeans"), size=(120, 40)) as (app, pilot):
        strip = app.metrics_strip
        assert not strip.display or not strip.shown
        await pilot.press("m")
        await wait_for_scores(app)
        await pilot.pause()
        assert strip.shown and strip.region.height == 1
        # step 1 is Initialize: no point is assigned yet
        assert "n/a" in strip.render().plain and "no point is in a cluster yet" in strip.render().plain
        await pilot.press("end")
        await wait_for_scores(app)
        await pilot.pause()
        run = app.current_run
        expected = score_clustering(run.dataset.X, run.timeline.current.labels)
        assert strip.scores == expected or (
            strip.scores.silhouette == expected.silhouette and strip.scores.davies_bouldin == expected.davies_bouldin
        )
        text = strip.render().plain
        assert f"{expected.silhouette:.3f}" in text
        assert "\u2191" in text and "\u2193" in text  # which direction is better
        await pilot.press("m")
        await pilot.pause()
        assert not strip.shown and strip.region.height == 0


async def test_the_strip_marks_dbscan_noise_and_short_names_at_80_columns():
    async with explorer(make_spec("dbscan", "moons", eps=0.08), size=(80, 24)) as (app, pilot):
        await pilot.press("m", "end")
        await wait_for_scores(app)
        await pilot.pause()
        strip = app.metrics_strip
        assert strip.scores.has_noise
        text = strip.render().plain
        assert "CH" in text and "DB" in text and len(text) <= 78


async def test_M_opens_the_silhouette_plot_of_the_step():
    async with explorer(make_spec("kmeans"), size=(120, 40)) as (app, pilot):
        await pilot.press("M")  # step 1: nothing to plot yet
        await pilot.pause()
        assert not isinstance(app.screen, SilhouetteView)
        assert any("No silhouette plot" in told for told in app.told)
        await pilot.press("end")
        run = app.current_run
        view = await open_view(app, pilot, "M", SilhouetteView)
        expected = silhouette_profile(run.dataset.X, run.timeline.current.labels)
        assert view.profile.labels == expected.labels
        for got, want in zip(view.profile.values, expected.values):
            np.testing.assert_array_equal(got, want)
        assert f"mean silhouette {expected.mean:.3f}" in view.info_text()
        plot = view.query_one("#silhouette-bars").render().plain
        assert "cluster 0" in plot and "mean" in plot and "\u2506" in plot
        await close_view(app, pilot)
        assert app.current_run is run


async def test_help_carries_the_guidance_and_the_palette_every_view():
    async with explorer() as (app, pilot):
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        console = Console(file=io.StringIO(), width=400, color_system=None)
        console.print(app.screen.query_one("#help-text").content)
        text = console.file.getvalue()
        for words in ("Which algorithm when", "Common pitfalls", "good match: ARI >= 0.90", "Davies-Bouldin"):
            assert words in text
        await pilot.press("escape")
        titles = " | ".join(c.title for c in app.get_system_commands(app.screen))
        for title in ("Choose k / eps / components", "Compare algorithms", "Show / hide scores", "Silhouette plot"):
            assert title in titles
