"""Lesson views: how long each takes to fill, from key press to a complete figure.

Run through ``python3 tests/bench/run.py views`` (``--quick`` for CI sizes),
or directly: ``python3 tests/bench/bench_views.py [--quick]``.

Headless Pilot runs at 120x40, one process. For each view the clock starts
just before ``pilot.press`` and stops when the view says it is filled (every
part computed and drawn) and the screen has been updated; the scores strip
stops when it shows the scores of the step on screen. Each view is opened a
second time on the same data, which must come from the cache. Sizes: the
explorer's default data (300 blobs, the baseline) and 200,000 points.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from types import MappingProxyType

SMALL_N = 300
BIG_N = 200_000
QUICK_BIG_N = 20_000
SIZE = (120, 40)
FILL_TARGET_S = {"small": 1.0, "big": 5.0}  # a figure on big data may take a few seconds, never freeze
CACHED_TARGET_S = 0.5


async def _press_until_filled(app, pilot, key: str) -> float:
    from tuiclust.ui.views.base import LessonView

    start = time.perf_counter()
    await pilot.press(key)
    while not isinstance(app.screen, LessonView):
        await asyncio.sleep(0.001)
    view = app.screen
    await view.wait_until_filled(timeout=600)
    await pilot.pause()
    seconds = time.perf_counter() - start
    if view.error:
        raise RuntimeError(f"{type(view).__name__}: {view.error}")
    await pilot.press("escape")
    await pilot.pause()
    return seconds


async def _strip_seconds(app, pilot) -> float:
    strip = app.metrics_strip
    start = time.perf_counter()
    await pilot.press("m")
    while not strip.current:
        await asyncio.sleep(0.001)
    await pilot.pause()
    return time.perf_counter() - start


async def _times(n: int) -> dict[str, float]:
    from tuiclust.pipeline.spec import AlgorithmSpec, DataSpec, RunSpec
    from tuiclust.ui.app import ExplorerApp

    out: dict[str, float] = {}
    for algorithm, name in (("kmeans", "elbow"), ("dbscan", "k-distance"), ("gmm", "BIC/AIC")):
        spec = RunSpec(DataSpec("blobs", n_samples=n), AlgorithmSpec(algorithm, MappingProxyType({})))
        app = ExplorerApp(spec)
        async with app.run_test(size=SIZE) as pilot:
            await app.wait_until_computed(timeout=600)
            await pilot.pause()
            out[name] = await _press_until_filled(app, pilot, "e")
            out[f"{name} again"] = await _press_until_filled(app, pilot, "e")
            if algorithm == "kmeans":
                await pilot.press("end")
                await pilot.pause()
                out["scores strip"] = await _strip_seconds(app, pilot)
                out["silhouette plot"] = await _press_until_filled(app, pilot, "M")
                out["comparison grid"] = await _press_until_filled(app, pilot, "c")
                out["comparison grid again"] = await _press_until_filled(app, pilot, "c")
    return out


def measure(quick: bool) -> list[dict]:
    """One row per view and size (keys goal, figure, baseline, ratio, target, met)."""
    from tuiclust.analysis import comparison, elbow_curve, information_criteria, k_distance, scores

    big = QUICK_BIG_N if quick else BIG_N
    rows = []
    results = {}
    for label, n in (("small", SMALL_N), ("big", big)):
        for cache in (
            elbow_curve.ELBOW_CACHE,
            k_distance.K_DISTANCE_CACHE,
            information_criteria.CRITERIA_CACHE,
            comparison.GRID_CACHE,
            scores.SCORES_CACHE,
            scores.PROFILE_CACHE,
        ):
            cache.clear()
        results[label] = asyncio.run(_times(n))
    for label, n in (("small", SMALL_N), ("big", big)):
        for view, seconds in results[label].items():
            again = view.endswith("again")
            target = CACHED_TARGET_S if again else FILL_TARGET_S[label]
            base = results["small"][view]
            rows.append(
                {
                    "goal": f"{view}, key to filled, n={n:,}",
                    "figure": f"{seconds:.3f} s",
                    "baseline": f"n={SMALL_N:,} {base:.3f} s",
                    "ratio": seconds / base if base else 1.0,
                    "target": f"<= {target:g} s",
                    "met": seconds <= target,
                }
            )
    return rows


if __name__ == "__main__":
    for row in measure("--quick" in sys.argv):
        print(json.dumps(row))
