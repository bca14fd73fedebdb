"""The dendrogram view (e on agglomerative): the run's tree, a cut that moves, Enter applies, Escape changes nothing."""

from __future__ import annotations

import numpy as np
import pytest

from tuiclust.analysis.dendrogram import cut_for_clusters, dendrogram, n_clusters_at, suggested_cut
from tuiclust.core import AgglomerativeClustering
from tuiclust.core.datasets import make_dataset
from tuiclust.ui.views.dendrogram import DendrogramView
from tuiclust.ui.views.dendrogram_drawing import CUT_DASH, LABEL_WIDTH, draw_dendrogram, leaves_for_width

from .conftest import explorer, make_spec
from .views_helpers import close_view, open_view

_LINES = set("│─┌┐└┘┴┬├┤┼╵╷╴╶ ") | {CUT_DASH}


async def test_cut_moves_and_enter_runs_the_clusters_at_the_cut():
    async with explorer(make_spec("agglomerative", "blobs", n=300, n_clusters=3), size=(80, 24)) as (app, pilot):
        run = app.current_run
        view = await open_view(app, pilot, "e", DendrogramView)
        heights = view.merge_tree.distances
        assert view.merge_tree is run.timeline[0].tree  # the run's own tree, no refit
        assert view.n_clusters == 3 and view.cut == cut_for_clusters(heights, 3)[0]
        assert "cut at" in view.info_text() and "3 clusters" in view.info_text()
        await pilot.press("up")  # one merge level higher: fewer clusters
        assert view.n_clusters == 2 and view.n_clusters == n_clusters_at(heights, view.cut)
        await pilot.press("down", "right", "right")  # back to 3, then two clusters more
        assert view.n_clusters == 5
        await pilot.press("left")
        assert view.n_clusters == 4
        await pilot.press("s")
        suggestion = suggested_cut(heights)
        assert view.cut == suggestion[0] and view.n_clusters == suggestion[1]
        await pilot.press("right")
        chosen = view.n_clusters
        await pilot.press("enter")
        await app.wait_until_computed()
        await pilot.pause()
        assert not isinstance(app.screen, DendrogramView)
        assert app.current_run is not run and app.current_run.params["n_clusters"] == chosen
        await pilot.press("end")
        assert app.current_run.timeline.current.n_clusters_found == chosen


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_escape_changes_nothing_and_the_figure_fits(size, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    spec = make_spec("agglomerative", "moons", n=400, n_clusters=2, linkage="single")
    async with explorer(spec, size=size) as (app, pilot):
        run = app.current_run
        view = await open_view(app, pilot, "e", DendrogramView)
        canvas = view.canvas
        rows = [canvas.render_line(y).text for y in range(canvas.size.height)]
        assert len(rows) == canvas.size.height and all(len(r) == canvas.size.width for r in rows)
        cut_rows = [r for r in rows if CUT_DASH in r]
        assert len(cut_rows) == 1 and cut_rows[0][:LABEL_WIDTH].strip().startswith("0.")
        await pilot.press("up", "up", "right")
        await close_view(app, pilot)
        assert app.current_run is run and run.params["n_clusters"] == 2


@pytest.mark.parametrize("linkage", ["ward", "single"])
def test_labels_never_overwrite_the_drawing(linkage):
    X = make_dataset("aniso", n_samples=600, random_state=1)[0]
    model = AgglomerativeClustering(3, linkage=linkage, compute_distances=True).fit(X)
    for width, height in ((52, 20), (150, 50)):
        layout = dendrogram(model.children_, model.distances_, p=leaves_for_width(width, 600))
        cut = cut_for_clusters(model.distances_, 3)[0]
        rows = [
            t.plain
            for t in draw_dendrogram(layout, width, height, cut=cut, suggested=suggested_cut(model.distances_)[0])
        ]
        assert len(rows) == height and all(len(r) == width for r in rows)
        for r in rows[:-1]:  # the plot: only lines between the label column and the gutter
            assert set(r[LABEL_WIDTH:-1]) <= _LINES, r
            assert r[-1] in " ◂"
        counts = rows[-1].split()
        assert sum(int(c) if c.isdigit() else 1 for c in counts if c.isdigit() or c == "·") <= 600
        # every shown leaf has a leg on the bottom plot row
        assert rows[-2][LABEL_WIDTH:-1].count("╵") == layout.p
        np.testing.assert_array_equal(layout.leaf_counts.sum(), 600)
