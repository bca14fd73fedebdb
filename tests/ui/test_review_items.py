"""Issue 17, items 8, 10 and 11: what a teacher's review found in the views and the wording.

Each test fails on the code as the review found it.
"""

from __future__ import annotations

import io
import re

import numpy as np
from rich.console import Console

from tuiclust.analysis.comparison import ALGORITHMS as GRID_ALGORITHMS
from tuiclust.analysis.comparison import SHAPES
from tuiclust.analysis.scores import silhouette_profile
from tuiclust.core.datasets import make_dataset
from tuiclust.core.gmm import GaussianMixture
from tuiclust.core.kmeans import KMeans
from tuiclust.core.metrics import silhouette_samples
from tuiclust.ui.palette import ColourMode, palette_for
from tuiclust.ui.step_text import log_line
from tuiclust.ui.views.comparison import ComparisonView
from tuiclust.ui.views.curve_plot import CurvePlot
from tuiclust.ui.views.elbow import ElbowView
from tuiclust.ui.views.model_selection import ModelSelectionView
from tuiclust.ui.views.silhouette import render_profile

from .conftest import explorer, make_spec, wait_until
from .test_views_elbow import write_four_blobs
from .views_helpers import open_view

# What a curve is drawn with: braille dots and point markers (the ◆ that marks the suggestion is the label's own).
_CURVE_GLYPHS = re.compile("[\u2800-\u28ff\u2022\u25cf]")


def _plot_rows(view) -> list[str]:
    return view.query_one(CurvePlot).render().plain.splitlines()


def _label_row_is_clear(rows: list[str], words: str) -> None:
    """The row holding ``words`` has nothing of the curve on it, so the label covers nothing."""
    row = next(r for r in rows if words in r)
    inner = row.split("\u2502")[1] if row.count("\u2502") >= 2 else row  # between the frame's sides
    assert not _CURVE_GLYPHS.search(inner.replace(words, "")), f"the label sits on the curve: {row!r}"


# ---------------------------------------------------------------- item 8


async def test_elbow_suggestion_label_covers_no_curve_glyph(tmp_path):
    spec = make_spec("kmeans", write_four_blobs(tmp_path), n_clusters=3)
    async with explorer(spec, size=(100, 30)) as (app, pilot):
        view = await open_view(app, pilot, "e", ElbowView)
        rows = _plot_rows(view)
        _label_row_is_clear(rows, "suggested k = 4")
        # no arrow that points away from the mark: the label sits above it
        assert "\u2199" not in "\n".join(rows)


async def test_bic_suggestion_label_covers_no_curve_glyph():
    async with explorer(make_spec("gmm"), size=(100, 30)) as (app, pilot):
        view = await open_view(app, pilot, "e", ModelSelectionView)
        rows = _plot_rows(view)
        label = next(r for r in rows if "suggested" in r)
        words = re.search(r"suggested[^\u2502]*?\d+", label).group()
        _label_row_is_clear(rows, words)


# ---------------------------------------------------------------- item 10


def test_every_round_reads_iter_n_then_the_phase():
    X = make_dataset("blobs", n_samples=200, random_state=0)[0]
    lines = [log_line(s) for s in KMeans(3, init="random", random_state=3).steps(X)]
    lines += [log_line(s) for s in GaussianMixture(3, random_state=0).steps(X)]
    rounds = [line for line in lines if line.startswith("iter ")]
    assert rounds, lines
    for line in rounds:
        assert re.match(r"iter \d+ \u00b7 (Assign|Update|E-step|M-step) \u00b7 ", line), line
    assert not any(line.startswith("iter 1 \u00b7 Assigned") for line in lines)


def test_converged_is_written_alike_for_kmeans_and_gmm():
    X = make_dataset("blobs", n_samples=200, random_state=0)[0]
    for model in (KMeans(3, random_state=0), GaussianMixture(3, random_state=0)):
        last = list(model.steps(X))[-1]
        assert last.message.startswith("Converged"), last.message


def test_silhouette_noise_tag_keeps_its_number_and_weak_clusters_are_named():
    X = make_dataset("blobs", n_samples=120, random_state=0)[0]
    labels = np.repeat([0, 1, 2], 40)
    labels[:6] = -1  # a little noise, one row of the plot
    profile = silhouette_profile(X, labels)
    text = render_profile(profile, 70, 12, palette_for(ColourMode.NONE)).plain
    noise_mean = float(silhouette_samples(X, labels)[labels == -1].mean())
    assert f"noise {noise_mean:.2f}" in text or f"avg {noise_mean:.2f}" in text, text
    assert not re.search(r"avg -(?![0-9])", text) and "(here: 0)" not in text


async def test_help_names_every_lesson_view_key_and_the_highest_silhouette_stays_whole(tmp_path):
    from tuiclust.ui.help import help_renderable

    console = Console(file=io.StringIO(), width=400, color_system=None)
    console.print(help_renderable())
    text = console.file.getvalue()
    heading = next(line for line in text.splitlines() if "Lesson views" in line)
    for key in ("e", "c", "m", "M"):
        assert re.search(rf"\b{key}\b", heading), heading
    spec = make_spec("kmeans", write_four_blobs(tmp_path), n_clusters=3)
    async with explorer(spec, size=(80, 24)) as (app, pilot):
        view = await open_view(app, pilot, "e", ElbowView)
        assert "k\u00a0=\u00a0" in view.info_text()  # no-break spaces: "k = 4" never splits


# ---------------------------------------------------------------- item 11


async def test_enter_on_a_grid_cell_opens_it_and_escape_returns_to_the_grid():
    async with explorer(size=(120, 40)) as (app, pilot):
        view = await open_view(app, pilot, "c", ComparisonView)
        legend = re.sub(r"\[/?[a-z ]*\]", "", str(view.query_one("#grid-legend").content))
        assert "\u2713 good ARI \u2265 0.90" in legend, legend
        await pilot.press("down", "right")  # the cursor starts on the first cell
        shape, algorithm = SHAPES[view.cursor[0]], GRID_ALGORITHMS[view.cursor[1]]
        assert (shape, algorithm) == (SHAPES[1], GRID_ALGORITHMS[1])
        await pilot.press("enter")
        await wait_until(lambda: not isinstance(app.screen, ComparisonView) and app.current_run is not None)
        await app.wait_until_computed()
        run = app.current_run
        assert run.spec.algorithm.name == algorithm and run.dataset.name.startswith(shape)
        await pilot.press("escape")
        await wait_until(lambda: isinstance(app.screen, ComparisonView))
