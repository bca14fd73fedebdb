"""A 4,000,000-row two-column CSV loads and clusters (K-Means) in under 2 GB.

The file is generated in a temporary folder. Loading (``load_dataset``, i.e.
``read_table`` plus scaling and projection) and a K-Means fit run in a fresh
Python process, which reports its own peak resident set size: everything
counted, the interpreter and numpy included. Baselines, measured in the same
run: the float64 array itself (the least any loader must hold), and the time
of numpy's own ``np.loadtxt`` on the same file in one call (no checks, no
error messages, no bounded memory).

Quick mode (CI) uses 100,000 rows.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np

ROWS = 4_000_000
QUICK_ROWS = 100_000
LIMIT_BYTES = 2 * 2**30

_LOAD_AND_FIT = textwrap.dedent(
    """
    import json, resource, sys, time
    from tuiclust.pipeline.data import load_dataset
    from tuiclust.pipeline.spec import DataSpec
    from tuiclust.core.kmeans import KMeans
    import tuiclust.io.csv_reader  # imported before the clock starts, as numpy is for the baseline

    start = time.perf_counter()
    dataset = load_dataset(DataSpec(sys.argv[1]))
    loaded = time.perf_counter()
    last = None
    for last in KMeans(n_clusters=3, random_state=0).steps(dataset.X):
        pass
    done = time.perf_counter()
    print(json.dumps({
        "rows": dataset.n_samples,
        "load_s": loaded - start,
        "fit_s": done - loaded,
        "iterations": last.iteration,
        "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }))
    """
)

_NUMPY_LOADTXT = textwrap.dedent(
    """
    import json, sys, time
    import numpy as np

    start = time.perf_counter()
    values = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1, dtype=np.float64)
    print(json.dumps({"load_s": time.perf_counter() - start, "rows": values.shape[0]}))
    """
)


def write_two_column_csv(path: Path, rows: int, seed: int = 0) -> None:
    """Three Gaussian groups in two columns, ~17 digits a value (the worst case for parsing)."""
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [6.0, 1.0], [2.0, 7.0]])
    block = 250_000
    with open(path, "w", encoding="utf-8") as f:
        f.write("x,y\n")
        for start in range(0, rows, block):
            n = min(block, rows - start)
            points = rng.normal(size=(n, 2)) + centres[rng.integers(0, 3, size=n)]
            f.write("".join(map("%r,%r\n".__mod__, map(tuple, points.tolist()))))


def _run(code: str, path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True, timeout=1800
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(quick: bool) -> list[dict]:
    """Peak memory and time of loading and clustering a large two-column CSV."""
    rows = QUICK_ROWS if quick else ROWS
    with tempfile.TemporaryDirectory(prefix="tuiclust-bench-csv-") as folder:
        path = Path(folder) / "big.csv"
        write_two_column_csv(path, rows)
        size_mb = path.stat().st_size / 1e6
        ours = _run(_LOAD_AND_FIT, path)
        numpy_only = _run(_NUMPY_LOADTXT, path)
    assert ours["rows"] == rows == numpy_only["rows"]
    array_bytes = rows * 2 * 8
    label = f"{rows:,} rows x 2 ({size_mb:.0f} MB)"
    return [
        {
            "goal": f"{label}: load + K-Means peak RSS",
            "figure": f"{ours['peak_rss'] / 2**20:,.0f} MiB",
            "baseline": f"{array_bytes / 2**20:,.0f} MiB float64 array",
            "ratio": ours["peak_rss"] / array_bytes,
            "target": "< 2 GiB",
            "met": ours["peak_rss"] < LIMIT_BYTES,
        },
        {
            "goal": f"{label}: load time",
            "figure": f"{ours['load_s']:.2f} s",
            "baseline": f"{numpy_only['load_s']:.2f} s np.loadtxt",
            "ratio": ours["load_s"] / numpy_only["load_s"],
            "target": "< 2x",
            "met": ours["load_s"] < 2 * numpy_only["load_s"],
        },
        {
            "goal": f"{label}: K-Means fit ({ours['iterations']} it.)",
            "figure": f"{ours['fit_s']:.2f} s",
            "baseline": f"{ours['load_s']:.2f} s our load",
            "ratio": ours["fit_s"] / ours["load_s"],
            "target": "-",
            "met": True,
        },
    ]


if __name__ == "__main__":
    for row in measure("--quick" in sys.argv):
        print(row)
