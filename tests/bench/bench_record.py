"""Recording benchmark: a K-Means scene of 1,000,000 points against the same scene at 1,000 points.

Run through ``python3 tests/bench/run.py record`` (``--quick`` for CI sizes),
or directly: ``python3 tests/bench/bench_record.py [--quick]``.

The scene is the built-in ``kmeans-basics.toml`` (three blobs, k = 3,
random init, its narration and pace) with only ``n_samples`` changed, and
``max_iter = 3`` so that both sizes show the same 8 steps (Initialize, three
rounds of Assign and Update, Stopped or Converged): left free, the two sizes
converge after a different number of rounds and the ratio would compare
different films. The step counts are printed with the figures.

What the figure includes: :func:`tuiclust.lessons.recording.record_scene` from start
to finished file, at the scene's 100x30, headless, as ``tuiclust record``
runs it. That is checking that the scene's data loads, starting the
explorer, generating the data and running K-Means on it in the app's
worker, building every frame, capturing the screen after each shot and
writing the cast. Not included: Python's start and the first imports (both
sizes are recorded once before timing), and loading the scene file, which
validates the data section by generating the data once; that is timed on
its own in an info row.

Best of several repeats, alternating the two sizes, because the machine is
shared.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SMALL_N = 1_000
FULL_N = 1_000_000
QUICK_N = 100_000
SIZE = (100, 30)
TARGET = 3.0
SCENE = ROOT / "scenes" / "kmeans-basics.toml"


def measure(quick: bool) -> list[dict]:
    """One row per goal (keys goal, figure, baseline, ratio, target, met)."""
    big = QUICK_N if quick else FULL_N
    repeats = 2 if quick else 4
    with tempfile.TemporaryDirectory(prefix="tuiclust-bench-record-") as folder:
        small, large = _Case(SMALL_N, Path(folder)), _Case(big, Path(folder))
        for case in (small, large):  # imports, caches, first-time costs
            case.load()
            case.record()
        for _ in range(repeats):
            for case in (small, large):
                case.load()
                case.record()
    if small.steps != large.steps:
        raise AssertionError(f"the two sizes show different films: {small.steps} vs {large.steps} steps")
    return [
        _row(
            f"record K-Means scene, {_short(big)} vs {_short(SMALL_N)} points",
            large.best_record,
            small.best_record,
            TARGET,
            f"{large.steps} steps",
        ),
        _row(f"  load the scene file (generates the data), {_short(big)}", large.best_load, small.best_load, None),
    ]


class _Case:
    """The benchmark scene at one size: a TOML file, its load time and its recording time."""

    def __init__(self, n: int, folder: Path) -> None:
        text = SCENE.read_text(encoding="utf-8")
        text, found = re.subn(r"(?m)^n_samples = \d+$", f"n_samples = {n}", text)
        text, found_init = re.subn(r'(?m)^init = "random"$', 'init = "random"\nmax_iter = 3', text)
        if found != 1 or found_init != 1:
            raise AssertionError(f"{SCENE.name} changed: cannot set n_samples and max_iter in it")
        self.n = n
        self.path = folder / f"kmeans-{n}.toml"
        self.path.write_text(text, encoding="utf-8")
        self.out = folder / f"kmeans-{n}.cast"
        self.scene = None
        self.steps = 0
        self.best_load = self.best_record = float("inf")

    def load(self) -> None:
        from tuiclust.lessons.scene import load_scene

        start = time.perf_counter()
        self.scene = load_scene(str(self.path))
        self.best_load = min(self.best_load, time.perf_counter() - start)

    def record(self) -> None:
        from tuiclust.lessons.recording import record_scene
        from tuiclust.ui.stage import HeadlessStage

        start = time.perf_counter()
        recording = record_scene(self.scene, self.out, stage=HeadlessStage(), size=SIZE)
        self.best_record = min(self.best_record, time.perf_counter() - start)
        self.steps = recording.n_steps


def _row(goal: str, figure: float, baseline: float, target: float | None, note: str = "") -> dict:
    ratio = figure / baseline
    return {
        "goal": goal,
        "figure": f"{figure:.3f} s" + (f" ({note})" if note else ""),
        "baseline": f"{_short(SMALL_N)} {baseline:.3f} s",
        "ratio": ratio,
        "target": f"<= {target:g}x" if target is not None else "info",
        "met": ratio <= target if target is not None else True,
    }


def _short(n: int) -> str:
    return f"1e{len(str(n)) - 1}" if str(n).strip("0") == "1" else f"{n:,}"


if __name__ == "__main__":
    for row in measure("--quick" in sys.argv[1:]):
        met = "yes" if row["met"] else "NO"
        print(
            f"{row['goal']:<52} {row['figure']:>22} {row['baseline']:>14} {row['ratio']:>6.2f}x "
            f"{row['target']:>7}  {met}"
        )
