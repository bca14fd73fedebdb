"""The scatter pane on HDBSCAN's steps: density markers, the tree's edges, clusters, probabilities."""

from __future__ import annotations

import numpy as np
import pytest

from tuiclust.core import HDBSCAN
from tuiclust.core.steps import Phase, Step
from tuiclust.pipeline.data import load_dataset
from tuiclust.pipeline.spec import DataSpec
from tuiclust.ui.palette import ColourMode, cluster_marker
from tuiclust.ui.scatter_data import PlotData
from tuiclust.ui.scatter_frame import build_frame
from tuiclust.ui.scatter_hdbscan import DENSITY_MARKERS

_BRAILLE = range(0x2801, 0x2900)  # braille with at least one dot


@pytest.fixture(scope="module")
def run() -> tuple[PlotData, list[Step]]:
    dataset = load_dataset(DataSpec("varied", n_samples=300))
    return PlotData.from_dataset(dataset), list(HDBSCAN(10, min_samples=5).steps(dataset.X))


def _first(steps: list[Step], phase: Phase, last: bool = False) -> Step:
    picked = [s for s in steps if s.phase is phase]
    return picked[-1] if last else picked[0]


def _plot(frame) -> str:
    # The plot area only (no legend, axes or tick labels).
    left, top, w, h = frame.plot_area
    return "\n".join(line[left : left + w] for line in frame.text.splitlines()[top : top + h])


def _braille_cells(text: str) -> int:
    return sum(ord(ch) in _BRAILLE for ch in text)


@pytest.mark.parametrize("mode", [ColourMode.TRUECOLOR, ColourMode.NONE])
def test_core_distances_are_marker_sizes(run, mode) -> None:
    data, steps = run
    step = _first(steps, Phase.CORE_DISTANCES)
    frame = build_frame(data, step, 80, 24, mode)
    plot = _plot(frame)
    assert all(marker in plot for marker in DENSITY_MARKERS)
    assert frame.legend[0].startswith("dense") and any(label.startswith("sparse") for label in frame.legend)


def test_the_tree_grows_as_edges_between_points(run) -> None:
    data, steps = run
    tree = [s for s in steps if s.phase is Phase.SPANNING_TREE]
    early, late = (_plot(build_frame(data, s, 80, 24, ColourMode.NONE)) for s in (tree[len(tree) // 3], tree[-1]))
    assert 0 < _braille_cells(early) < _braille_cells(late)
    # Points the tree has reached are "•", the rest "·": at the end, all are reached.
    assert "·" in early and "•" in early
    assert "·" not in late
    assert "spanning-tree edges" in build_frame(data, tree[-1], 100, 24, ColourMode.NONE).legend


def test_hierarchy_keeps_fewer_edges_and_shows_clusters(run) -> None:
    data, steps = run
    cuts = [s for s in steps if s.phase is Phase.HIERARCHY]
    first, last = (_plot(build_frame(data, s, 80, 24, ColourMode.TRUECOLOR)) for s in (cuts[0], cuts[-1]))
    full_tree = _plot(build_frame(data, _first(steps, Phase.SPANNING_TREE, last=True), 80, 24, ColourMode.TRUECOLOR))
    assert _braille_cells(last) < _braille_cells(first) <= _braille_cells(full_tree)
    k = cuts[0].n_clusters_found
    assert k >= 2 and all(cluster_marker(c) in first for c in range(k))


def test_condense_and_select_show_noise_and_clusters(run) -> None:
    data, steps = run
    select = _first(steps, Phase.SELECT)
    frame = build_frame(data, select, 100, 24, ColourMode.NONE)
    k = select.n_clusters_found
    plot = _plot(frame)
    assert all(cluster_marker(c) in plot for c in range(k))
    assert ("×" in plot) == bool(np.any(select.labels < 0))
    assert _braille_cells(plot) == 0  # no edges left


def test_done_shows_probabilities_by_marker_and_intensity(run) -> None:
    data, steps = run
    done = steps[-1]
    assert done.phase is Phase.DONE
    frame = build_frame(data, done, 100, 24, ColourMode.NONE)
    plot = _plot(frame)
    weak = (done.labels >= 0) & (done.point_values < 0.5)
    assert weak.any()
    # Weak members are hollow, so NO_COLOR still tells them apart.
    weak_clusters = np.unique(done.labels[weak]).tolist()
    assert any(cluster_marker(c, hollow=True) in plot for c in weak_clusters)
    assert "p<0.5" in frame.legend or "<0.5" in frame.legend
    bold = [s for s in frame.strips[1:] for seg in s._segments if seg.style is not None and seg.style.bold]
    assert bold  # the strong members are bold
