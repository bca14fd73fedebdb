"""DBSCAN speed against scikit-learn, measured in the same run (issue 7).

Rows:

* ``fit`` on 100,000 standardised 2-D points (moons, blobs), realistic eps
  and min_samples giving a few clusters: target faster than scikit-learn's
  DBSCAN on the same data and parameters.
* the same on sparser settings (eps small: hundreds of small clusters and
  much noise), where the grid shortcut helps least.
* ``steps()`` (the whole story, every step kept) against ``fit()``.

Each figure is the best of a few repeats, ours and scikit-learn's taken in
turn so that both see the same machine load. The labels are checked equal
before any time is reported.
"""

from __future__ import annotations

import time
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


def _standardized(X: np.ndarray) -> np.ndarray:
    return (X - X.mean(axis=0)) / X.std(axis=0)


def _data(name: str, n: int) -> np.ndarray:
    from sklearn import datasets

    if name == "moons":
        return _standardized(datasets.make_moons(n, noise=0.05, random_state=0)[0])
    return _standardized(datasets.make_blobs(n, centers=3, random_state=0)[0])


def _seconds(t: float) -> str:
    return f"{t:.3f} s" if t < 1 else f"{t:.2f} s"


def measure(quick: bool) -> list[dict]:
    from sklearn.cluster import DBSCAN as SkDBSCAN

    from tuiclust.core.dbscan import DBSCAN

    n = 5_000 if quick else 100_000
    size = "5e3" if quick else "1e5"
    repeats = 2 if quick else 3
    rows = []
    cases = [("moons", 0.1, 10), ("blobs", 0.1, 10), ("blobs", 0.02, 5)]
    for name, eps, min_samples in cases:
        X = _data(name, n)
        ours, theirs = DBSCAN(eps, min_samples=min_samples).fit(X), SkDBSCAN(eps=eps, min_samples=min_samples).fit(X)
        if not np.array_equal(ours.labels_, theirs.labels_):
            raise AssertionError(f"labels differ from scikit-learn on {name} eps={eps}")
        t_ours, t_sk = _best_of(
            repeats,
            lambda: DBSCAN(eps, min_samples=min_samples).fit(X),
            lambda: SkDBSCAN(eps=eps, min_samples=min_samples).fit(X),
        )
        rows.append(
            {
                "goal": f"DBSCAN fit n={size} {name} eps={eps:g} ms={min_samples}",
                "figure": _seconds(t_ours),
                "baseline": f"sklearn {_seconds(t_sk)}",
                "ratio": t_ours / t_sk,
                "target": "< 1x",
                "met": t_ours < t_sk,
            }
        )

    X = _data("moons", n)
    model = DBSCAN(0.1, min_samples=10)
    t_steps, t_fit = _best_of(repeats, lambda: list(model.steps(X)), lambda: model.fit(X))
    n_steps = len(list(model.steps(X)))
    rows.append(
        {
            "goal": f"DBSCAN steps() vs fit() n={size} ({n_steps} steps)",
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
