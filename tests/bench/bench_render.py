"""Scatter pane benchmark: a frame's cost is bounded by the pane, not by the number of points.

Run through ``python3 tests/bench/run.py render`` (``--quick`` for CI sizes),
or directly: ``python3 tests/bench/bench_render.py [--quick]``.

A *frame* is everything the pane does to show a step at a given size
(:func:`tuiclust.ui.scatter_frame.build_frame`): grouping the points by
(cluster, kind), binning them onto the plot area's cells with numpy,
drawing trails and centres, laying the chrome (axes and ticks from plotext)
and cutting the character grid into Textual strips. What the pane does once
per data set (projecting X to 2-D) or once per size (the cell of each
point, the plotext chrome) happens before timing, as in a real run.

Rows
----
* goal: playing a real K-Means run (this project's ``KMeans``, k = 8, on 8
  blobs) step by step, the mean cost of a frame at 1e6 points against 1e3
  points, at 120x40. Consecutive steps share most labels, and the pane
  recounts only the points that changed group, as it does in the app.
* cold frame: every point changes group between two frames (as when
  jumping between far-apart steps), so every point is counted again.
* first frame at a new size: the per-size costs (cell of every point,
  plotext chrome) are paid too.

Best of several repeats (per step, for a playback), alternating the two
sizes, because the machine is shared.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SMALL_N = 1_000
FULL_N = 1_000_000
QUICK_N = 100_000
WIDTH, HEIGHT = 120, 40
N_CLUSTERS = 8
TARGET = 2.0


def measure(quick: bool) -> list[dict]:
    """One row per goal (keys goal, figure, baseline, ratio, target, met)."""
    big = QUICK_N if quick else FULL_N
    repeats = 3 if quick else 7
    small, large = _Scene(SMALL_N), _Scene(big)
    play_small, play_big = _best_alternating(small.playback, large.playback, repeats)
    cold_small, cold_big = _best_alternating(small.cold_frame, large.cold_frame, 3 * repeats)
    resize_small, resize_big = _best_alternating(small.new_size_frame, large.new_size_frame, repeats)
    n_steps = f"{len(large.steps)} steps"
    return [
        _row(
            f"frame of {_short(big)} vs {_short(SMALL_N)} points at {WIDTH}x{HEIGHT}",
            play_big,
            play_small,
            note=n_steps,
        ),
        _row(f"  cold frame (every point changed group), {_short(big)}", cold_big, cold_small, target=None),
        _row(f"  first frame at a new size, {_short(big)}", resize_big, resize_small, target=None),
    ]


class _Scene:
    """Blobs, the steps of a real K-Means run on them, and the pane's per-data-set state."""

    def __init__(self, n: int) -> None:
        from tuiclust.core.kmeans import KMeans
        from tuiclust.core.preprocess import fit_projection
        from tuiclust.pipeline.data import Dataset

        rng = np.random.default_rng(0)
        centres = rng.uniform(-10, 10, size=(N_CLUSTERS, 2))
        truth = rng.integers(0, N_CLUSTERS, n)
        X = centres[truth] + rng.normal(scale=1.5, size=(n, 2))
        self.dataset = Dataset(X, X, None, ("x1", "x2"), fit_projection(X, column_names=["x1", "x2"]), "bench")
        self.steps = list(KMeans(N_CLUSTERS, init="random", max_iter=30, random_state=0).steps(X))
        self.sizes_seen = 0

    def _fresh_data(self):
        """What ``ScatterPane.set_dataset`` keeps, warmed at the benchmark size (not timed)."""
        from tuiclust.ui.palette import ColourMode
        from tuiclust.ui.scatter_frame import PlotData, build_frame

        data = PlotData.from_dataset(self.dataset)
        build_frame(data, None, WIDTH, HEIGHT, ColourMode.TRUECOLOR)  # the plain data, shown first
        return data

    def playback(self) -> np.ndarray:
        """Seconds of each frame of the whole run, played in order, shape (n_steps,)."""
        from tuiclust.ui.palette import ColourMode
        from tuiclust.ui.scatter_frame import build_frame

        data = self._fresh_data()
        times = np.empty(len(self.steps))
        for i, step in enumerate(self.steps):
            start = time.perf_counter()
            build_frame(data, step, WIDTH, HEIGHT, ColourMode.TRUECOLOR)
            times[i] = time.perf_counter() - start
        return times

    def cold_frame(self) -> float:
        """Seconds for a frame after one where every point had another group."""
        from tuiclust.core.steps import Phase, Step, frozen_array
        from tuiclust.ui.palette import ColourMode
        from tuiclust.ui.scatter_frame import build_frame

        if not hasattr(self, "_cold"):
            labels = self.steps[-1].labels
            shifted = frozen_array(((labels.astype(np.int16) + 1) % N_CLUSTERS).astype(labels.dtype))
            last = self.steps[-1]
            self._cold = (self._fresh_data(), last, Step("kmeans", Phase.ASSIGN, 1, shifted, "x", centers=last.centers))
        data, a, b = self._cold
        build_frame(data, a, WIDTH, HEIGHT, ColourMode.TRUECOLOR)
        start = time.perf_counter()
        build_frame(data, b, WIDTH, HEIGHT, ColourMode.TRUECOLOR)
        return time.perf_counter() - start

    def new_size_frame(self) -> float:
        """Seconds for the first frame at a size never drawn before."""
        from tuiclust.ui.palette import ColourMode
        from tuiclust.ui.scatter_frame import build_frame

        self.sizes_seen += 1
        width, height = WIDTH - 1 - self.sizes_seen % 40, HEIGHT - 1 - (self.sizes_seen // 40) % 10
        data = self._fresh_data()
        start = time.perf_counter()
        build_frame(data, self.steps[-1], width, height, ColourMode.TRUECOLOR)
        return time.perf_counter() - start


def _row(goal: str, figure: float, baseline: float, target: float | None = TARGET, note: str = "") -> dict:
    ratio = figure / baseline
    return {
        "goal": goal,
        "figure": f"{figure * 1e3:.2f} ms" + (f" ({note})" if note else ""),
        "baseline": f"{_short(SMALL_N)} {baseline * 1e3:.2f} ms",
        "ratio": ratio,
        "target": f"<= {target:g}x" if target is not None else "info",
        "met": ratio <= target if target is not None else True,
    }


def _short(n: int) -> str:
    return f"1e{len(str(n)) - 1}" if str(n).strip("0") == "1" else f"{n:,}"


def _best_alternating(small, big, repeats: int) -> tuple[float, float]:
    """Best of ``repeats`` for each side; for a playback, the best of each step, then their mean.

    Taking the best per step (rather than the best mean) keeps one noisy
    step on a shared machine from spoiling a whole playback.
    """
    small()  # warm up imports and shared caches
    big()
    best_small = best_big = np.inf
    for _ in range(repeats):
        best_small = np.minimum(best_small, small())
        best_big = np.minimum(best_big, big())
    return float(np.mean(best_small)), float(np.mean(best_big))


if __name__ == "__main__":
    for row in measure("--quick" in sys.argv[1:]):
        met = "yes" if row["met"] else "NO"
        print(
            f"{row['goal']:<52} {row['figure']:>22} {row['baseline']:>14} {row['ratio']:>6.2f}x "
            f"{row['target']:>7}  {met}"
        )
