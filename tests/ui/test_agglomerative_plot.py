"""Agglomerative Merge steps on the scatter: the largest clusters distinct, the small ones neutral, the last merge marked."""

from __future__ import annotations

import re

import numpy as np

from tuiclust.core import AgglomerativeClustering
from tuiclust.core.steps import Phase
from tuiclust.ui.palette import ColourMode, cluster_marker, palette_for
from tuiclust.ui.scatter_groups import DISTINCT_CLUSTERS, MERGED, POINT, SMALL, SMALL_MARKER, point_groups

from .scatter_helpers import blobs
from .test_scatter import Host, screen_text


def _merge_steps():
    dataset, _ = blobs(60)
    steps = list(AgglomerativeClustering(3).steps(dataset.X))
    return dataset, steps


def test_merge_steps_colour_the_largest_clusters_and_mark_the_last_merge():
    dataset, steps = _merge_steps()
    palette = palette_for(ColourMode.TRUECOLOR)
    start = point_groups(steps[0], dataset.n_samples, palette)
    assert set(start.category) == {SMALL}  # every point alone: nothing is large yet
    checked = pairs = 0
    for step in steps:
        if step.phase is not Phase.MERGE:
            continue
        groups = point_groups(step, dataset.n_samples, palette)
        (newest,) = step.highlight_clusters
        larger, smaller = (g for g, c in enumerate(groups.category) if c == MERGED)
        # The pair the last merge joined, and only it, is in the two merged groups, ranked above all.
        np.testing.assert_array_equal(np.isin(groups.codes, (larger, smaller)), step.labels == newest)
        assert (groups.codes[step.highlight_points] == smaller).all()
        assert min(groups.rank[larger], groups.rank[smaller]) > groups.rank[:larger].max()
        joined = re.match(r"Joined clusters of ([\d,]+) and ([\d,]+) point", step.message)
        if joined:  # a step of one merge: the smaller half is the smaller of the two clusters it names
            assert step.highlight_points.size == min(int(v.replace(",", "")) for v in joined.groups())
            pairs += 1
        distinct = [c for g, c in enumerate(groups.cluster) if groups.category[g] == POINT]
        big = [c for c, size in enumerate(step.cluster_sizes[:DISTINCT_CLUSTERS]) if size >= 2]
        assert distinct == big  # labels are numbered largest first
        others = (step.labels >= len(big)) & (step.labels != newest)
        assert (groups.codes[others] == groups.category.index(SMALL)).all()
        assert groups.glyphs[groups.category.index(SMALL)] == SMALL_MARKER
        checked += 1
    assert checked > 10 and pairs >= 5
    done = point_groups(steps[-1], dataset.n_samples, palette)
    assert MERGED not in done.category and SMALL not in done.category  # the cut: plain clusters


async def test_merge_legend_and_no_color_markers(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    dataset, steps = _merge_steps()
    middle = next(s for s in steps if s.phase is Phase.MERGE and 10 < len(s.cluster_sizes) < 40)
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.pane
        pane.set_dataset(dataset)
        pane.show_step(middle)
        await pilot.pause()
        assert {"last merge", "largest clusters", "smaller clusters"} <= set(pane.frame.legend) or {
            "merged",
            "largest",
            "smaller",
        } <= set(pane.frame.legend)
        text = screen_text(pane)
        assert SMALL_MARKER in text and cluster_marker(1) in text
