"""Explorer benchmarks: what a step costs from key press to redrawn screen, first frame, --help.

Run through ``python3 tests/bench/run.py ui`` (``--quick`` for CI sizes), or
directly: ``python3 tests/bench/bench_ui.py [--quick]``.

A step is timed in a headless Pilot run, in one process, at 1,000 points
(the baseline) and at 200,000 points: from just before ``pilot.press`` until
the first screen update after the scatter pane put up its frame of that
step (built on the UI thread for small data, in its worker for big data). Steps go forward to the end of the
run and back again, so both directions count; the figure is the mean.

The first frame and ``tuiclust --help`` are timed in fresh processes, from
before the process starts until the first screen update with a plot of a
step (or until ``--help`` has exited), so Python's start and imports count.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import MappingProxyType

ROOT = Path(__file__).resolve().parents[2]

SMALL_N = 1_000
BIG_N = 200_000
QUICK_BIG_N = 20_000
STEP_TARGET_MS = 250.0  # a step at 200,000 points still feels immediate
FIRST_FRAME_TARGET_S = 1.5
HELP_TARGET_S = 0.3


def measure(quick: bool) -> list[dict]:
    """One row per goal (keys goal, figure, baseline, ratio, target, met)."""
    big = QUICK_BIG_N if quick else BIG_N
    presses = 4 if quick else 12
    small_ms, big_ms = asyncio.run(_step_costs([SMALL_N, big], presses))
    first_frame = _first_frame_seconds(repeats=1 if quick else 3)
    help_time = _help_seconds(repeats=1 if quick else 5)
    return [
        {
            "goal": f"step, key to screen, n={SMALL_N:,}",
            "figure": f"{small_ms:.1f} ms",
            "baseline": f"n={SMALL_N:,} {small_ms:.1f} ms",
            "ratio": 1.0,
            "target": f"<= {STEP_TARGET_MS:g} ms",
            "met": small_ms <= STEP_TARGET_MS,
        },
        {
            "goal": f"step, key to screen, n={big:,}",
            "figure": f"{big_ms:.1f} ms",
            "baseline": f"n={SMALL_N:,} {small_ms:.1f} ms",
            "ratio": big_ms / small_ms,
            "target": f"<= {STEP_TARGET_MS:g} ms",
            "met": big_ms <= STEP_TARGET_MS,
        },
        {
            "goal": "explorer first frame (fresh process)",
            "figure": f"{first_frame:.2f} s",
            "baseline": f"target {FIRST_FRAME_TARGET_S:g} s",
            "ratio": first_frame / FIRST_FRAME_TARGET_S,
            "target": f"< {FIRST_FRAME_TARGET_S:g} s",
            "met": first_frame < FIRST_FRAME_TARGET_S,
        },
        {
            "goal": "tuiclust --help (fresh process)",
            "figure": f"{help_time:.3f} s",
            "baseline": f"target {HELP_TARGET_S:g} s",
            "ratio": help_time / HELP_TARGET_S,
            "target": f"< {HELP_TARGET_S:g} s",
            "met": help_time < HELP_TARGET_S,
        },
    ]


# ------------------------------------------------------------------ steps
class _FrameClock:
    """Watches for the screen update that shows the scatter pane's frame of the current step."""

    def __init__(self, app, pane) -> None:
        self.app, self.pane = app, pane
        self.written = 0.0
        self.shown = 0.0
        # headless apps skip the driver's write; App._display is where a frame goes out
        write, show = app._display, pane._display

        def timed_show(*args, **kwargs):
            result = show(*args, **kwargs)
            self.shown = time.perf_counter()
            return result

        pane._display = timed_show

        def timed_write(*args, **kwargs):
            result = write(*args, **kwargs)
            self.written = time.perf_counter()
            return result

        app._display = timed_write

    def _frame_is_current(self) -> bool:
        step = self.app.current_run.timeline.current
        return self.pane.wanted_step is step and self.pane.is_current

    async def frame_after(self, start: float, timeout: float = 30.0) -> float:
        """Seconds from ``start`` until the screen shows the pane's frame of the current step."""
        deadline = start + timeout
        while time.perf_counter() < deadline:
            if self._frame_is_current() and self.written >= max(self.shown, start):
                return self.written - start
            await asyncio.sleep(0.0005)
        raise TimeoutError("no frame was drawn after the key press")


async def _step_costs(sizes: list[int], presses: int) -> list[float]:
    """Mean milliseconds per step (key to screen) for each size, in one process."""
    from tuiclust.pipeline.spec import AlgorithmSpec, DataSpec, RunSpec
    from tuiclust.ui.app import ExplorerApp

    results = []
    for n in sizes:
        # random init on blobs takes several rounds: enough steps to walk through
        spec = RunSpec(DataSpec("blobs", n_samples=n), AlgorithmSpec("kmeans", MappingProxyType({"init": "random"})))
        app = ExplorerApp(spec)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.wait_until_computed(timeout=120)
            await pilot.pause()
            clock = _FrameClock(app, app.scatter)
            timeline = app.current_run.timeline
            costs = []
            key = "right"
            for _ in range(presses):
                if key == "right" and timeline.at_last_step:
                    key = "left"
                elif key == "left" and timeline.index == 0:
                    key = "right"
                start = time.perf_counter()
                await pilot.press(key)
                costs.append(await clock.frame_after(start))
                await pilot.pause()
            results.append(1e3 * sum(costs) / len(costs))
    return results


# ------------------------------------------------------------- processes
_FIRST_FRAME_SCRIPT = """
import asyncio, time
from tuiclust.pipeline.spec import RunSpec
from tuiclust.ui.app import ExplorerApp

seen = []

class Timed(ExplorerApp):
    def _display(self, *args, **kwargs):
        result = super()._display(*args, **kwargs)
        if not seen and self.scatter_step() is not None and self.scatter.is_current:
            seen.append(time.time())
        return result

async def main():
    app = Timed(RunSpec())
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(30000):
            if seen:
                break
            await asyncio.sleep(0.001)
    print(seen[0])

asyncio.run(main())
"""


def _first_frame_seconds(repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.time()
        out = subprocess.run(
            [sys.executable, "-c", _FIRST_FRAME_SCRIPT],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
            check=True,
        ).stdout
        best = min(best, float(out.strip().splitlines()[-1]) - start)
    return best


def _help_seconds(repeats: int) -> float:
    exe = shutil.which("tuiclust")
    command = [exe, "--help"] if exe else [sys.executable, "-m", "tuiclust", "--help"]
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, cwd=ROOT, timeout=60, check=True)
        best = min(best, time.perf_counter() - start)
    return best


if __name__ == "__main__":
    for row in measure("--quick" in sys.argv):
        print(json.dumps(row))
