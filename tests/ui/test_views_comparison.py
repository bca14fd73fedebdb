"""The comparison grid (c): fills cell by cell, scores equal the core's, pages at 80x24."""

from __future__ import annotations

from tuiclust.analysis.comparison import ALGORITHMS, SHAPES, gallery_data, gallery_params
from tuiclust.core.metrics import adjusted_rand_score
from tuiclust.pipeline.vocabulary import ALGORITHMS as VOCABULARY
from tuiclust.ui.views.comparison import ComparisonView

from .conftest import explorer
from .views_helpers import close_view, open_view

_ESTIMATORS = {name: entry.estimator_class() for name, entry in VOCABULARY.items()}


async def test_every_cell_fills_with_the_cores_scores():
    async with explorer(size=(120, 40)) as (app, pilot):
        run = app.current_run
        view = await open_view(app, pilot, "c", ComparisonView)
        assert view.rows_per_page == 6 and view.pages == 1  # the whole grid fits at 120x40
        for shape in SHAPES:
            X, y = gallery_data(shape)
            row = view.query_one(f"#row-{shape}")
            assert row.display and row.region.height >= 5
            for algorithm in ALGORITHMS:
                cell = view.cell(shape, algorithm)
                labels = _ESTIMATORS[algorithm](**gallery_params(shape, algorithm)).fit(X).labels_
                assert cell.result.ari == adjusted_rand_score(y, labels)
                text = cell.render().plain
                assert f"ARI {max(cell.result.ari, 0.0):5.2f}" in text or "ARI  0.00" in text
                assert cell.result.verdict.symbol in text
        # the best of each row is marked
        assert view.cell("moons", "dbscan").best and not view.cell("moons", "kmeans").best
        assert "\u2605" in view.cell("moons", "dbscan").render().plain
        await close_view(app, pilot)
        assert app.current_run is run


async def test_the_grid_pages_by_rows_at_80x24():
    async with explorer(size=(80, 24)) as (app, pilot):
        view = await open_view(app, pilot, "c", ComparisonView)
        assert view.rows_per_page < len(SHAPES) and view.pages == 2
        shown = [s for s in SHAPES if view.query_one(f"#row-{s}").display]
        assert shown == list(SHAPES[: view.rows_per_page])
        for shape in shown:  # whole rows, each with its verdict line
            assert view.query_one(f"#row-{shape}").region.height >= 5
        assert "rows 1" in str(view.query_one("#grid-legend").render())
        await pilot.press("pagedown")
        shown = [s for s in SHAPES if view.query_one(f"#row-{s}").display]
        assert shown == list(SHAPES[view.rows_per_page :])
        await pilot.press("pagedown")  # stays on the last page
        assert view.page == 1
        await pilot.press("pageup")
        assert view.page == 0


async def test_r_draws_a_new_sample():
    async with explorer(size=(120, 40)) as (app, pilot):
        view = await open_view(app, pilot, "c", ComparisonView)
        before = view.cell("blobs", "kmeans").result
        await pilot.press("r")
        await view.wait_until_filled()
        await pilot.pause()
        after = view.cell("blobs", "kmeans").result
        assert view.seed == 1 and after is not before
        assert "seed 1" in view.view_title
