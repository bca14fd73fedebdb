"""SVG snapshots of the explorer mid-run, one per algorithm, at 100x30.

Deterministic: fixed data and seed, no playback timer, and every step
computed before the keys are pressed. After an intended change of the look,
regenerate with ``python3 -m pytest tests/ui/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import pytest

from tuiclust.ui.app import ExplorerApp

from .conftest import make_spec

CASES = {
    "kmeans": (make_spec("kmeans", init="random"), 3),  # Update of iteration 1: centres and trails
    "dbscan": (make_spec("dbscan", "moons"), 6),  # clusters growing
    "gmm": (make_spec("gmm", "aniso"), 3),  # after the first M-step: ellipses
}


@pytest.mark.parametrize("algorithm", list(CASES))
def test_explorer_mid_run(algorithm, snap_compare):
    spec, presses = CASES[algorithm]

    async def settle(pilot) -> None:
        await pilot.app.wait_until_computed()
        await pilot.pause()
        await pilot.press(*["right"] * presses)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(ExplorerApp(spec), terminal_size=(100, 30), run_before=settle)


def test_explorer_regions_and_inspector(snap_compare):
    """K-Means regions (v) with the inspector's cursor and box (i), after the first Update."""

    async def settle(pilot) -> None:
        await pilot.app.wait_until_computed()
        await pilot.pause()
        await pilot.press("right", "right", "right", "v", "i", "left", "left", "up")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(ExplorerApp(make_spec("kmeans", init="random")), terminal_size=(100, 30), run_before=settle)


def test_dendrogram_view(snap_compare):
    """The dendrogram view (e on agglomerative) at 80x24: grouped leaves, the cut at k = 3, the largest gap."""

    async def settle(pilot) -> None:
        await pilot.app.wait_until_computed()
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await pilot.app.screen.wait_until_filled()
        await pilot.pause()

    spec = make_spec("agglomerative", "blobs", n=300, n_clusters=3)
    assert snap_compare(ExplorerApp(spec), terminal_size=(80, 24), run_before=settle)
