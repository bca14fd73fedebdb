"""K-Means benchmarks: Lloyd iteration time against scikit-learn, and memory of a kept run.

Run through ``python3 tests/bench/run.py kmeans`` (add ``--quick`` for CI
sizes), or directly: ``python3 tests/bench/bench_kmeans.py [--quick]``.

Iteration time is measured the same way for both sides, on the same data
and the same initial centres (scikit-learn ``algorithm="lloyd"``,
``n_init=1``): (best time of a run of ``last`` iterations minus best time of
a run of ``first`` iterations) / (difference of their ``n_iter_``), so fixed
costs (validation, centring, the first full pass) cancel out. Two windows:
iterations 2-21 (the goal) and 22-61, where our pass skips most points
because they provably keep their label. The data is uniform in a square,
where Lloyd's algorithm needs many iterations. scikit-learn runs with its
default OpenMP threads and with one thread (a busy shared machine can make
its spinning threads slower); the baseline is the faster of the two, shown
as "default/one-thread". Quick mode (CI) times scikit-learn on one thread
only, because its OpenMP start-up dominates at small sizes.

Peak memory is measured in fresh subprocesses: one that only builds X (the
baseline), one that also keeps every step of a 60-iteration run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]

FULL_N = 1_000_000
QUICK_N = 20_000
N_CLUSTERS = 8
EXTRA_ITERATIONS = 20
RSS_TARGET_MB = 500.0
ITERATION_TARGET = 2.0


def measure(quick: bool) -> list[dict]:
    """One row per goal: Lloyd iteration time vs scikit-learn (early and later iterations), peak RSS."""
    n = QUICK_N if quick else FULL_N
    repeats = 3 if quick else 5
    X, init = _uniform_data(n)
    rows = [_iteration_row(X, init, first=1, last=1 + EXTRA_ITERATIONS, repeats=repeats, quick=quick)]
    if not quick:  # at CI sizes a late iteration is too short to time by differences
        later = (1 + EXTRA_ITERATIONS, 1 + 3 * EXTRA_ITERATIONS)
        rows.append(_iteration_row(X, init, first=later[0], last=later[1], repeats=repeats, quick=quick))
    rows.append(_memory_row(n, max_iter=60))
    return rows


# ------------------------------------------------------------- iteration time
def _iteration_row(X: np.ndarray, init: np.ndarray, *, first: int, last: int, repeats: int, quick: bool) -> dict:
    """Time per iteration over iterations first+1 .. last, ours and scikit-learn's."""
    n = len(X)
    ours = _per_iteration(lambda iters: _ours(X, init, iters), first, last, repeats)
    # scikit-learn with its default OpenMP threads, and with one thread: on a
    # busy shared machine its spinning threads can make the default slower,
    # so the baseline is whichever is faster (the stricter comparison).
    theirs_single = _per_iteration(lambda iters: _sklearn(X, init, iters, threads=1), first, last, repeats)
    if quick:
        theirs_default = float("nan")
        theirs = theirs_single
    else:
        theirs_default = _per_iteration(lambda iters: _sklearn(X, init, iters), first, last, repeats)
        theirs = min(theirs_default, theirs_single)
    ratio = ours / theirs
    which = "" if first == 1 else f", iters {first + 1}-{last}"
    return {
        "goal": f"K-Means iteration n={_short(n)} k={N_CLUSTERS}{which}",
        "figure": f"{ours * 1e3:.2f} ms",
        "baseline": (
            f"sklearn 1-thread {theirs_single * 1e3:.2f} ms"
            if quick
            else f"sklearn {theirs_default * 1e3:.2f}/{theirs_single * 1e3:.2f} ms"
        ),
        "ratio": ratio,
        "target": f"<= {ITERATION_TARGET:g}x",
        "met": ratio <= ITERATION_TARGET,
    }


def _uniform_data(n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(0)
    X = rng.uniform(-10, 10, size=(n, 2))
    init = X[rng.choice(n, N_CLUSTERS, replace=False)].copy()
    return X, init


def _ours(X: np.ndarray, init: np.ndarray, max_iter: int) -> int:
    from tuiclust.core.kmeans import KMeans

    model = KMeans(N_CLUSTERS, init=init, max_iter=max_iter, tol=0.0).fit(X)
    return model.n_iter_


def _sklearn(X: np.ndarray, init: np.ndarray, max_iter: int, threads: int | None = None) -> int:
    from sklearn.cluster import KMeans as SKKMeans
    from threadpoolctl import threadpool_limits

    with warnings.catch_warnings(), threadpool_limits(threads):
        warnings.simplefilter("ignore")
        model = SKKMeans(N_CLUSTERS, init=init, n_init=1, max_iter=max_iter, tol=0.0, algorithm="lloyd").fit(X)
    return int(model.n_iter_)


def _per_iteration(run, first: int, last: int, repeats: int) -> float:
    """(best time of ``last`` iterations - best time of ``first``) / extra iterations done."""
    short_best = long_best = float("inf")
    extra = 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        short = run(first)
        t1 = time.perf_counter()
        long = run(last)
        t2 = time.perf_counter()
        short_best = min(short_best, t1 - t0)
        long_best = min(long_best, t2 - t1)
        extra = long - short
    if extra <= 0:
        raise RuntimeError("the benchmark data converged too fast to time iterations")
    return max(long_best - short_best, 1e-9) / extra


# ---------------------------------------------------------------- memory
# Peak RSS of the child process itself: VmHWM from /proc (Linux). ru_maxrss
# is only a fallback, because after fork + exec Linux carries the parent's
# resident size over into the child's ru_maxrss.
_PEAK_RSS = """
def peak_mb():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

_BASELINE_CODE = (
    _PEAK_RSS
    + """
import json, numpy as np
import tuiclust.core.kmeans
rng = np.random.RandomState(0)
X = rng.uniform(-10, 10, size=({n}, 2))
print(json.dumps({{"peak_mb": peak_mb()}}))
"""
)

_KEPT_RUN_CODE = (
    _PEAK_RSS
    + """
import json, numpy as np
from tuiclust.core.kmeans import KMeans
rng = np.random.RandomState(0)
X = rng.uniform(-10, 10, size=({n}, 2))
steps = list(KMeans(n_clusters=8, init="random", max_iter={max_iter}, tol=0, random_state=0).steps(X))
print(json.dumps({{"peak_mb": peak_mb(), "steps": len(steps)}}))
"""
)


def _memory_row(n: int, max_iter: int) -> dict:
    base = _run_json(_BASELINE_CODE.format(n=n))["peak_mb"]
    kept = _run_json(_KEPT_RUN_CODE.format(n=n, max_iter=max_iter))
    peak = kept["peak_mb"]
    return {
        "goal": f"K-Means all steps kept, {_short(n)} points, {max_iter} iters: peak RSS",
        "figure": f"{peak:.0f} MB",
        "baseline": f"import + X {base:.0f} MB",
        "ratio": peak / base,
        "target": f"< {RSS_TARGET_MB:.0f} MB",
        "met": peak < RSS_TARGET_MB,
    }


def _run_json(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _short(n: int) -> str:
    return f"{n:.0e}".replace("e+0", "e") if n >= 100_000 else f"{n:,}"


if __name__ == "__main__":
    for row in measure("--quick" in sys.argv):
        print(row)
