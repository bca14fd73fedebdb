"""Agglomerative in every place the others are: flags, key 4 on the same data, +/-, ]/[, panel, log, help."""

from __future__ import annotations

import numpy as np

from tuiclust.cli.explore import check_spec, spec_from_args
from tuiclust.cli.main import build_parser, main
from tuiclust.ui.help import help_text

from .conftest import explorer, make_spec, press_and_settle


def test_flags_make_the_spec_and_bad_ones_exit_2(capsys):
    args = build_parser("explore").parse_args(
        ["--algo", "agglomerative", "--linkage", "single", "--k", "4", "--data", "moons"]
    )
    spec = spec_from_args(args)
    assert spec.algorithm.name == "agglomerative"
    assert dict(spec.algorithm.params) == {"linkage": "single", "n_clusters": 4}
    run = check_spec(spec)  # the run the explorer would start
    assert run.params["linkage"] == "single" and run.params["n_clusters"] == 4
    assert main(["--algo", "agglomerative", "--linkage", "centroid"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--linkage" in err and "single" in err


async def test_key_4_on_the_same_data_then_k_and_linkage_keys():
    async with explorer(make_spec("kmeans", "moons", n=300), size=(100, 30)) as (app, pilot):
        X = app.current_run.dataset.X
        await press_and_settle(app, pilot, "4")
        run = app.current_run
        assert run.spec.algorithm.name == "agglomerative"
        np.testing.assert_array_equal(run.dataset.X, X)  # the same points
        assert run.params["linkage"] == "ward" and run.params["n_clusters"] == 2  # moons suggests 2
        await press_and_settle(app, pilot, "plus", "right_square_bracket")
        run = app.current_run
        assert run.params["n_clusters"] == 3 and run.params["linkage"] == "complete"
        await press_and_settle(app, pilot, "left_square_bracket", "minus")
        assert app.current_run.params == {**app.current_run.params, "n_clusters": 2, "linkage": "ward"}
        await pilot.press("end")
        await pilot.pause()
        step = app.current_run.timeline.current
        assert step.phase.value == "done" and step.n_clusters_found == 2
        lines = app.phase_log.step_lines
        assert lines[0].startswith("Start") and any("Cut the tree into 2 clusters" in line for line in lines)
        assert any(line.startswith("Merge") and "clusters left" in line for line in lines)
    text = help_text().plain  # what the ? screen shows
    assert "Agglomerative" in text and "dendrogram" in text and "linkage" in text
