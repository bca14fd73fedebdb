"""HDBSCAN everywhere the others are: key 5, flags, panel, keys, phase log, help, palette, export."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
from rich.console import Console

from tuiclust.cli.explore import spec_from_args
from tuiclust.cli.main import build_parser
from tuiclust.core import HDBSCAN
from tuiclust.ui.help import HelpScreen

from .conftest import explorer, press_and_settle


def test_flags_reach_the_spec():
    args = build_parser("explore").parse_args(
        ["--algo", "hdbscan", "--data", "varied", "--min-cluster-size", "12", "--min-samples", "4"]
    )
    spec = spec_from_args(args)
    assert spec.algorithm.name == "hdbscan"
    assert dict(spec.algorithm.params) == {"min_cluster_size": 12, "min_samples": 4}


async def test_key_5_panel_keys_log_help_palette_and_export(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    async with explorer(size=(100, 30)) as (app, pilot):
        await press_and_settle(app, pilot, "5")
        run = app.current_run
        assert run.spec.algorithm.name == "hdbscan"
        panel = app.query_one("#params").plain_text
        assert "min_cluster_size 10" in panel and "min_samples 5" in panel
        await press_and_settle(app, pilot, "plus", "right_square_bracket")
        run = app.current_run
        assert (run.params["min_cluster_size"], run.params["min_samples"]) == (11, 6)
        await pilot.press("end")
        await pilot.pause()
        lines = app.phase_log.step_lines
        for phase in ("Core distances", "Spanning tree", "Hierarchy", "Condense", "Select", "Done"):
            assert any(line.startswith(phase) for line in lines), phase
        last = run.timeline.current
        fitted = HDBSCAN(11, min_samples=6).fit(run.dataset.X)
        np.testing.assert_array_equal(last.labels, fitted.labels_)

        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
        (written,) = list(Path(tmp_path).glob("*-hdbscan-clusters.csv"))
        rows = list(csv.reader(io.StringIO(written.read_text(encoding="utf-8"))))
        assert rows[0][-2:] == ["cluster", "probability"]
        np.testing.assert_allclose([float(r[-1]) for r in rows[1:]], fitted.probabilities_, atol=1e-4)

        titles = " | ".join(c.title for c in app.get_system_commands(app.screen))
        assert "HDBSCAN" in titles and "min_cluster_size" in titles
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        console = Console(file=io.StringIO(), width=400, color_system=None)
        console.print(app.screen.query_one("#help-text").content)
        text = console.file.getvalue()
        assert "HDBSCAN" in text and "spanning tree" in text and "min_cluster_size (condensed tree)" in text
