"""`x` in the explorer writes by the output rules (issue 18 items 1 and 3).

Whatever holds the default name (a FIFO, a symlink) is never touched: each
export takes the next free name, in one step, and reports the name it got.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .conftest import explorer, notifications


async def test_x_never_touches_a_fifo_or_symlink_at_the_default_name(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    fifo = tmp_path / "blobs-kmeans-clusters.csv"
    os.mkfifo(fifo)  # written to, this would block the export forever; replaced, it would be gone
    (tmp_path / "blobs-kmeans-clusters-2.csv").symlink_to("elsewhere.csv")
    async with explorer() as (app, pilot):
        for _ in range(2):
            await pilot.press("x")
            await app.workers.wait_for_complete()
            await pilot.pause()
        written = [n.removeprefix("exported this step to ") for n in app.phase_log.notes if n.startswith("exported")]
    assert written == [str(tmp_path / "blobs-kmeans-clusters-3.csv"), str(tmp_path / "blobs-kmeans-clusters-4.csv")], (
        notifications(app)
    )
    assert all(Path(p).read_text().startswith("x1,x2,cluster\n") for p in written)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and not (tmp_path / "elsewhere.csv").exists()
    assert not list(tmp_path.glob(".*.tmp"))
