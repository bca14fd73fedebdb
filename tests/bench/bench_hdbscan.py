"""HDBSCAN speed and memory against scikit-learn, measured in the same run (issue 16).

Rows:

* ``fit`` on 100,000 standardised 2-D points (blobs, moons), default
  parameters: target at most scikit-learn's time on the same data
  (scikit-learn 1.9 runs Prim's algorithm over all pairs for kd_tree/auto).
* peak memory of that fit (tracemalloc, numpy's allocations included) next
  to scikit-learn's, measured in separate runs from the timings.
* ``steps()`` (the whole story, every step kept) against ``fit()``.

The labels and probabilities are checked equal to scikit-learn's before
any time is reported. scikit-learn's fit takes about a minute at 1e5 on one
core, so the full run times it once per data set.
"""

from __future__ import annotations

import time
import tracemalloc
import warnings
from collections.abc import Callable

import numpy as np


def _best_of(repeats: int, *runs: Callable[[], object]) -> list[float]:
    """Best wall time of each run, the runs interleaved ``repeats`` times."""
    best = [float("inf")] * len(runs)
    for _ in range(repeats):
        for i, run in enumerate(runs):
            start = time.perf_counter()
            run()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def _peak_mib(run: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _data(name: str, n: int) -> np.ndarray:
    from sklearn import datasets

    if name == "moons":
        X = datasets.make_moons(n, noise=0.05, random_state=0)[0]
    else:
        X = datasets.make_blobs(n, centers=4, cluster_std=[1.0, 2.0, 0.5, 1.5], random_state=0)[0]
    return (X - X.mean(axis=0)) / X.std(axis=0)


def _seconds(t: float) -> str:
    return f"{t:.3f} s" if t < 1 else f"{t:.2f} s"


def measure(quick: bool) -> list[dict]:
    from sklearn.cluster import HDBSCAN as SkHDBSCAN

    from tuiclust.core.hdbscan import HDBSCAN

    warnings.filterwarnings("ignore", category=FutureWarning, module="sklearn")
    n = 5_000 if quick else 100_000
    size = "5e3" if quick else "1e5"
    repeats = 2 if quick else 1
    rows = []
    for name in ("blobs", "moons"):
        X = _data(name, n)
        fitted: dict[str, object] = {}
        # The timed fits are the checked ones (scikit-learn's takes a minute at 1e5).
        t_ours, t_sk = _best_of(
            repeats,
            lambda: fitted.__setitem__("ours", HDBSCAN().fit(X)),
            lambda: fitted.__setitem__("theirs", SkHDBSCAN().fit(X)),
        )
        ours, theirs = fitted["ours"], fitted["theirs"]
        if not np.array_equal(ours.labels_, theirs.labels_):
            raise AssertionError(f"labels differ from scikit-learn on {name}")
        if np.abs(ours.probabilities_ - theirs.probabilities_).max() > 1e-9:
            raise AssertionError(f"probabilities differ from scikit-learn on {name}")
        k = int(ours.labels_.max()) + 1
        rows.append(
            {
                "goal": f"HDBSCAN fit n={size} {name} ({k} clusters)",
                "figure": _seconds(t_ours),
                "baseline": f"sklearn {_seconds(t_sk)}",
                "ratio": t_ours / t_sk,
                "target": "<= 1x",
                "met": t_ours <= t_sk,
            }
        )
        if name == "blobs":
            m_ours = _peak_mib(lambda: HDBSCAN().fit(X))
            m_sk = _peak_mib(lambda: SkHDBSCAN().fit(X))
            rows.append(
                {
                    "goal": f"HDBSCAN fit peak memory n={size} {name}",
                    "figure": f"{m_ours:.0f} MiB",
                    "baseline": f"sklearn {m_sk:.0f} MiB",
                    "ratio": m_ours / m_sk,
                    "target": "report",
                    "met": True,
                }
            )

    X = _data("moons", n)
    model = HDBSCAN()
    t_steps, t_fit = _best_of(2, lambda: list(model.steps(X)), lambda: model.fit(X))
    n_steps = len(list(model.steps(X)))
    rows.append(
        {
            "goal": f"HDBSCAN steps() vs fit() n={size} ({n_steps} steps)",
            "figure": _seconds(t_steps),
            "baseline": f"fit {_seconds(t_fit)}",
            "ratio": t_steps / t_fit,
            "target": "< 1.5x",
            "met": t_steps < 1.5 * t_fit,
        }
    )
    return rows


if __name__ == "__main__":
    import sys

    for row in measure("--quick" in sys.argv):
        print(row)
