"""Benchmark of tuiclust.core.metrics against scikit-learn, measured in the same run.

Rows:

* silhouette at n = 50,000 (2,000 in quick mode): time of
  ``tuiclust.core.metrics.silhouette_score`` over scikit-learn's
  ``silhouette_score`` on the same points and labels (target: at most 2x).
* the peak memory each silhouette allocates (numpy buffers, traced with
  tracemalloc during the timed runs): ours against scikit-learn's, which
  works in chunks of its own (``working_memory``, 1 GB by default).

Not collected by pytest; run through ``tests/bench/run.py``.
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np


def _data(n: int) -> tuple[np.ndarray, np.ndarray]:
    from tuiclust.core.datasets import make_dataset

    X, y = make_dataset("blobs", n_samples=n, random_state=0)
    labels = y.copy()
    labels[::50] = -1  # some DBSCAN-style noise, scored as one more cluster
    return X, labels


def _best_of(repeats: int, fn) -> tuple[float, float, int]:
    """Best wall time of ``fn``, its value, and the peak traced memory in bytes."""
    best, value, peak = np.inf, np.nan, 0
    for _ in range(repeats):
        tracemalloc.start()
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
        peak = max(peak, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    return best, value, peak


def measure(quick: bool) -> list[dict]:
    from sklearn.metrics import silhouette_score as sk_silhouette

    from tuiclust.core.metrics import silhouette_score

    n = 2_000 if quick else 50_000
    repeats = 3 if quick else 1
    X, labels = _data(n)

    ours_s, ours_value, ours_peak = _best_of(repeats, lambda: silhouette_score(X, labels))
    sk_s, sk_value, sk_peak = _best_of(repeats, lambda: sk_silhouette(X, labels))
    assert abs(ours_value - sk_value) <= 1e-9, (ours_value, sk_value)
    ratio = ours_s / sk_s
    mb = 2**20
    return [
        {
            "goal": f"silhouette n={n:,}",
            "figure": f"{ours_s:.2f} s",
            "baseline": f"sklearn {sk_s:.2f} s",
            "ratio": ratio,
            "target": "<= 2x",
            "met": ratio <= 2.0,
        },
        {
            "goal": f"silhouette peak memory n={n:,}",
            "figure": f"{ours_peak / mb:.0f} MB",
            "baseline": f"sklearn {sk_peak / mb:.0f} MB",
            "ratio": ours_peak / sk_peak,
            "target": "< 1 GB",
            "met": ours_peak < 2**30,
        },
    ]


if __name__ == "__main__":
    import sys

    for row in measure("--quick" in sys.argv):
        print(row)
