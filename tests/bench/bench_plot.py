"""The plot's overlays: key to screen with K-Means regions on, and the inspector, at 1,000 and 1,000,000 points.

Run through ``python3 tests/bench/run.py plot`` (``--quick``: 100,000 points
instead of 1,000,000), or directly: ``python3 tests/bench/bench_plot.py [--quick]``.

Measured in one process, as ``bench_ui`` measures a step: from just before
``pilot.press`` until the first screen update after the scatter pane put
up the frame asked for. For each size:

* a step (``l`` / ``h``, forward to the end and back) with regions on
  (``v``): the regions are computed per screen cell, so the ratio to 1,000
  points shows what the points still cost;
* the inspector's first ``i`` (which builds the KD-tree of the data set,
  once) and then a cursor move (arrow keys: a KD-tree query and the box).
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys
import time
from pathlib import Path
from types import MappingProxyType

HERE = Path(__file__).resolve().parent
SMALL_N = 1_000
BIG_N = 1_000_000
QUICK_BIG_N = 100_000
RATIO_TARGET = 2.0
FRAME_MS = 1000.0 / 30  # one frame at the explorer's top playback rate


def _clock_class():
    spec = importlib.util.spec_from_file_location("tuiclust_bench_ui_clock", HERE / "bench_ui.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module._FrameClock


async def _costs(n: int, presses: int) -> dict[str, float]:
    from tuiclust.pipeline.spec import AlgorithmSpec, DataSpec, RunSpec
    from tuiclust.ui.app import ExplorerApp

    spec = RunSpec(DataSpec("blobs", n_samples=n), AlgorithmSpec("kmeans", MappingProxyType({"init": "random"})))
    app = ExplorerApp(spec)
    clock_class = _clock_class()
    out: dict[str, float] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await app.wait_until_computed(timeout=600)
        await pilot.pause()
        clock = clock_class(app, app.scatter)
        start = time.perf_counter()
        await pilot.press("v")
        out["regions_on"] = await clock.frame_after(start, timeout=120)
        timeline = app.current_run.timeline
        costs, key = [], "l"
        for _ in range(presses):
            if key == "l" and timeline.at_last_step:
                key = "h"
            elif key == "h" and timeline.index == 0:
                key = "l"
            start = time.perf_counter()
            await pilot.press(key)
            costs.append(await clock.frame_after(start, timeout=120))
            await pilot.pause()
        out["step"] = sum(costs) / len(costs)
        start = time.perf_counter()
        await pilot.press("i")
        out["inspect_first"] = await clock.frame_after(start, timeout=120)
        while app.selected_point is None:  # big data: the KD-tree is built in a thread, once
            await asyncio.sleep(0.001)
        out["index_ready"] = time.perf_counter() - start
        moves = []
        for arrow in ("right", "up", "left", "down") * max(presses // 4, 1):
            start = time.perf_counter()
            await pilot.press(arrow)
            moves.append(await clock.frame_after(start, timeout=120))
            await pilot.pause()
        out["cursor"] = sum(moves) / len(moves)
        from tuiclust.ui.inspector import point_index

        data = app.scatter.plot_data
        index = point_index(data)
        start = time.perf_counter()
        for _ in range(100):
            index.nearest((0.1, 0.2))
        out["query"] = (time.perf_counter() - start) / 100
    return {k: 1e3 * v for k, v in out.items()}


def measure(quick: bool) -> list[dict]:
    big = QUICK_BIG_N if quick else BIG_N
    presses = 4 if quick else 12
    small = asyncio.run(_costs(SMALL_N, presses))
    large = asyncio.run(_costs(big, presses))
    rows = []
    for what, label, target in (
        ("step", "step with regions on, key to screen", f"<= {RATIO_TARGET:g}x n={SMALL_N:,}"),
        ("cursor", "inspector cursor move, key to screen", f"<= {RATIO_TARGET:g}x n={SMALL_N:,}"),
    ):
        ratio = large[what] / small[what]
        rows.append(
            {
                "goal": f"{label}, n={big:,}",
                "figure": f"{large[what]:.1f} ms",
                "baseline": f"n={SMALL_N:,} {small[what]:.1f} ms",
                "ratio": ratio,
                "target": target,
                "met": ratio <= RATIO_TARGET,
            }
        )
    rows.append(
        {
            "goal": f"inspector query (KD-tree), n={big:,}",
            "figure": f"{large['query']:.3f} ms",
            "baseline": f"one frame {FRAME_MS:.0f} ms",
            "ratio": large["query"] / FRAME_MS,
            "target": "within one frame",
            "met": large["query"] < FRAME_MS,
        }
    )
    rows.append(
        {
            "goal": f"first i, key to screen, n={big:,}",
            "figure": f"{large['inspect_first']:.1f} ms",
            "baseline": f"n={SMALL_N:,} {small['inspect_first']:.1f} ms",
            "ratio": large["inspect_first"] / small["inspect_first"],
            "target": f"<= {RATIO_TARGET:g}x",
            "met": large["inspect_first"] / small["inspect_first"] <= RATIO_TARGET,
        }
    )
    rows.append(
        {
            "goal": f"first i until a point is selected (KD-tree built once), n={big:,}",
            "figure": f"{large['index_ready']:.0f} ms",
            "baseline": f"n={SMALL_N:,} {small['index_ready']:.1f} ms",
            "ratio": large["index_ready"] / small["index_ready"],
            "target": "once per data set",
            "met": True,
        }
    )
    rows.append(
        {
            "goal": f"v (regions on), key to screen, n={big:,}",
            "figure": f"{large['regions_on']:.1f} ms",
            "baseline": f"n={SMALL_N:,} {small['regions_on']:.1f} ms",
            "ratio": large["regions_on"] / small["regions_on"],
            "target": f"<= {RATIO_TARGET:g}x",
            "met": large["regions_on"] / small["regions_on"] <= RATIO_TARGET,
        }
    )
    return rows


if __name__ == "__main__":
    for row in measure("--quick" in sys.argv):
        print(row)
