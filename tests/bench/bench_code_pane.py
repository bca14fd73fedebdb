"""The code pane's cost: a step from key press to screen, with the pane shown against hidden.

Run through ``python3 tests/bench/run.py code_pane`` (``--quick`` for CI
sizes), or directly: ``python3 tests/bench/bench_code_pane.py [--quick]``.

One headless explorer per size (1,000 and 200,000 points, K-Means from a
random start so that there are steps to walk), 120x40 as in ``bench_ui``:
from just before ``pilot.press`` until the first screen update after the
scatter pane put up its frame of the new step *and*, while it is shown, the
code pane drew that step. Rounds alternate hidden and shown (``L``) in the
same app on the same run, so both see the same steps and the same machine
load; the figure is the mean over the rounds, the ratio is shown / hidden.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from types import MappingProxyType

ROOT = Path(__file__).resolve().parents[2]

SMALL_N = 1_000
BIG_N = 200_000
QUICK_BIG_N = 20_000
RATIO_TARGET = 1.10  # the pane may add at most a tenth to a step


def measure(quick: bool) -> list[dict]:
    """One row per size (keys goal, figure, baseline, ratio, target, met)."""
    big = QUICK_BIG_N if quick else BIG_N
    rounds, presses = (2, 3) if quick else (4, 6)
    rows = []
    for n, (hidden_ms, shown_ms, draws) in zip(
        [SMALL_N, big], asyncio.run(_costs([SMALL_N, big], rounds, presses)), strict=True
    ):
        ratio = shown_ms / hidden_ms
        rows.append(
            {
                "goal": f"step with code pane, key to screen, n={n:,}",
                "figure": f"{shown_ms:.1f} ms",
                "baseline": f"hidden {hidden_ms:.1f} ms",
                "ratio": ratio,
                "target": f"<= {RATIO_TARGET:.2f}x",
                "met": ratio <= RATIO_TARGET,
                "draws": draws,
            }
        )
    return rows


class _Clock:
    """Times the screen update that shows the current step in the scatter pane and, if shown, the code pane."""

    def __init__(self, app) -> None:
        self.app = app
        self.written = self.plotted = self.coded = 0.0
        write, plot = app._display, app.scatter._display

        def timed_plot(*args, **kwargs):
            result = plot(*args, **kwargs)
            self.plotted = time.perf_counter()
            return result

        def timed_write(*args, **kwargs):
            result = write(*args, **kwargs)
            self.written = time.perf_counter()
            return result

        app.scatter._display = timed_plot
        app._display = timed_write
        for pane in (app._code_side, app._code_low):
            draw = pane._draw

            def timed_draw(draw=draw):
                draw()
                self.coded = time.perf_counter()

            pane._draw = timed_draw

    def _current(self) -> bool:
        app = self.app
        step = app.current_run.timeline.current
        if not (app.scatter.wanted_step is step and app.scatter.is_current):
            return False
        return not app.code_shown or (app.code_pane._drawn or (None,))[0] is step

    async def frame_after(self, start: float, timeout: float = 60.0) -> float:
        deadline = start + timeout
        while time.perf_counter() < deadline:
            ready = max(self.plotted, self.coded if self.app.code_shown else 0.0, start)
            if self._current() and self.written >= ready:
                return self.written - start
            await asyncio.sleep(0.0005)
        raise TimeoutError("no frame was drawn after the key press")


async def _costs(sizes: list[int], rounds: int, presses: int) -> list[tuple[float, float, int]]:
    """(hidden ms, shown ms, code pane draws) per size, in one process."""
    from tuiclust.pipeline.spec import AlgorithmSpec, DataSpec, RunSpec
    from tuiclust.ui.app import ExplorerApp

    results = []
    for n in sizes:
        spec = RunSpec(DataSpec("blobs", n_samples=n), AlgorithmSpec("kmeans", MappingProxyType({"init": "random"})))
        app = ExplorerApp(spec)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.wait_until_computed(timeout=300)
            await pilot.pause()
            clock = _Clock(app)
            timeline = app.current_run.timeline
            costs: dict[bool, list[float]] = {False: [], True: []}
            key = "right"
            for _ in range(rounds):
                for shown in (False, True):
                    if app.code_shown != shown:
                        await pilot.press("L")
                        await pilot.pause()
                    for _ in range(presses):
                        if key == "right" and timeline.at_last_step:
                            key = "left"
                        elif key == "left" and timeline.index == 0:
                            key = "right"
                        start = time.perf_counter()
                        await pilot.press(key)
                        costs[shown].append(await clock.frame_after(start))
                        await pilot.pause()
            draws = app._code_side.draws + app._code_low.draws
            results.append((_mean_ms(costs[False]), _mean_ms(costs[True]), draws))
    return results


def _mean_ms(seconds: list[float]) -> float:
    return 1e3 * sum(seconds) / len(seconds)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    for row in measure("--quick" in sys.argv):
        print(f"{row['goal']:<46} {row['figure']:>10} {row['baseline']:>18} {row['ratio']:>6.2f}x  met={row['met']}")
