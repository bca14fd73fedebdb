"""Agglomerative clustering speed against scikit-learn, measured in the same run (issue 15).

Rows:

* ``fit`` at n = 20,000 standardised 2-D blobs, ward and single linkage, as a
  ratio to scikit-learn's ``AgglomerativeClustering`` on the same data:
  target at most 1.2x. ``fit`` runs the whole story (``steps``), so the
  figure includes the label snapshots of every Merge step. ward (like
  complete and average) goes through scipy's nearest-neighbour chain, as
  scikit-learn's does; single is our numpy MST-LINKAGE-CORE against
  scikit-learn's Cython one.
* the dendrogram view's numbers (layout of the top 80 leaves, cut levels,
  suggested cut) at n = 20,000: target under 0.5 s.

Each figure is the best of a few repeats, ours and scikit-learn's taken in
turn so that both see the same machine load. Labels and merges are checked
equal before any time is reported. ``--quick`` uses n = 2,000.

Measured here (2 shared cores; the spread is the machine's load), fit time
by n on 2-D data, ours; scikit-learn's is within a few per cent for ward,
complete and average, which share scipy's routine:

=========  =========  =======  =========  ==========================
linkage    5,000      10,000   20,000     40,000
=========  =========  =======  =========  ==========================
ward       1.5-2.9 s  6-13 s   28-54 s    not run (12.8 GB at peak)
complete   1.0-3.0 s  6-9 s    25 s       not run (12.8 GB at peak)
average    1.1-3.7 s  7-9 s    41 s       not run (12.8 GB at peak)
single     0.24 s     0.56 s   1.2-1.4 s  4.3 s (60,000: 31 s, busy)
=========  =========  =======  =========  ==========================

Single linkage costs about proportionally to the number of columns (20,000
points with 13 columns: 13-16 s). Hence
``tuiclust.core.agglomerative.MAX_SAMPLES``.
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


def _seconds(t: float) -> str:
    return f"{t:.3f} s" if t < 1 else f"{t:.2f} s"


def _data(n: int) -> np.ndarray:
    from sklearn import datasets

    X = datasets.make_blobs(n, centers=3, random_state=0)[0]
    return (X - X.mean(axis=0)) / X.std(axis=0)


def measure(quick: bool) -> list[dict]:
    from sklearn.cluster import AgglomerativeClustering as SkAgglomerative

    from tuiclust.analysis.dendrogram import cut_levels, dendrogram, suggested_cut
    from tuiclust.core.agglomerative import AgglomerativeClustering

    n = 2_000 if quick else 20_000
    size = "2e3" if quick else "2e4"
    rows = []
    X = _data(n)
    for linkage, repeats in (("single", 2 if quick else 3), ("ward", 2)):
        ours = AgglomerativeClustering(3, linkage=linkage).fit(X)
        theirs = SkAgglomerative(3, linkage=linkage).fit(X)
        if not (np.array_equal(ours.labels_, theirs.labels_) and np.array_equal(ours.children_, theirs.children_)):
            raise AssertionError(f"tree or labels differ from scikit-learn ({linkage})")
        del ours, theirs
        t_ours, t_sk = _best_of(
            repeats,
            lambda: AgglomerativeClustering(3, linkage=linkage).fit(X),
            lambda: SkAgglomerative(3, linkage=linkage).fit(X),
        )
        rows.append(
            {
                "goal": f"agglomerative fit n={size} {linkage}",
                "figure": _seconds(t_ours),
                "baseline": f"sklearn {_seconds(t_sk)}",
                "ratio": t_ours / t_sk,
                "target": "<= 1.2x",
                "met": t_ours <= 1.2 * t_sk,
            }
        )

    model = AgglomerativeClustering(1, linkage="single", compute_distances=True).fit(X)

    def view_numbers() -> None:
        dendrogram(model.children_, model.distances_, p=80)
        cut_levels(model.distances_)
        suggested_cut(model.distances_)

    (t_view,) = _best_of(3, view_numbers)
    rows.append(
        {
            "goal": f"dendrogram numbers n={size} p=80",
            "figure": _seconds(t_view),
            "baseline": "goal 0.5 s",
            "ratio": t_view / 0.5,
            "target": "< 1x",
            "met": t_view < 0.5,
        }
    )
    return rows


if __name__ == "__main__":
    import sys

    for row in measure("--quick" in sys.argv):
        print(row)
