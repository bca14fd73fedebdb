"""A single-line CSV of 48 MB (and one of 12 MB) is refused quickly, in bounded memory.

Each file is read by ``read_table`` in a fresh Python process that reports its
own peak resident set size and the time from the call to the refusal.
Baselines, measured in the same run: the same process reading a two-line CSV
(the interpreter, numpy and tuiclust's reader imported: the floor), and the
time of reading the whole file into memory with one ``f.read()`` (the least a
reader that looked at all of it would pay).

Quick mode (CI) writes 12 MB only.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

SIZES_MB = (12, 48)
QUICK_SIZES_MB = (12,)

_REFUSE = textwrap.dedent(
    """
    import json, resource, sys, time
    from tuiclust.errors import UsageError
    from tuiclust.io.csv_reader import read_table

    start = time.perf_counter()
    try:
        read_table(sys.argv[1])
        message = ""
    except UsageError as exc:
        message = str(exc)
    print(json.dumps({
        "seconds": time.perf_counter() - start,
        "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "message": message,
    }))
    """
)

_READ_ALL = textwrap.dedent(
    """
    import json, sys, time
    start = time.perf_counter()
    with open(sys.argv[1], "rb") as f:
        n = len(f.read())
    print(json.dumps({"seconds": time.perf_counter() - start, "bytes": n}))
    """
)


def _run(code: str, path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True, timeout=900
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def write_single_line(path: Path, megabytes: int) -> None:
    """``1,1,1,...`` on one line, no line break: the worst case (the most fields per byte)."""
    with open(path, "wb") as f:
        f.writelines(b"1," * (1 << 19) for _ in range(megabytes))


def measure(quick: bool) -> list[dict]:
    """Peak memory and time of refusing single-line files."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="tuiclust-bench-line-") as folder:
        small = Path(folder) / "small.csv"
        small.write_text("a,b\n1,2\n", encoding="utf-8")
        floor = _run(_REFUSE, small)
        for megabytes in QUICK_SIZES_MB if quick else SIZES_MB:
            path = Path(folder) / f"line-{megabytes}.csv"
            write_single_line(path, megabytes)
            ours = _run(_REFUSE, path)
            read_all = _run(_READ_ALL, path)
            assert "is longer than" in ours["message"], ours["message"]
            rows.append(
                {
                    "goal": f"{megabytes} MiB single line: refusal peak RSS",
                    "figure": f"{ours['peak_rss'] / 2**20:,.0f} MiB",
                    "baseline": f"{floor['peak_rss'] / 2**20:,.0f} MiB two-line CSV",
                    "ratio": ours["peak_rss"] / floor["peak_rss"],
                    "target": "< +64 MiB",
                    "met": ours["peak_rss"] - floor["peak_rss"] < 64 * 2**20,
                }
            )
            rows.append(
                {
                    "goal": f"{megabytes} MiB single line: time to refuse",
                    "figure": f"{ours['seconds']:.3f} s",
                    "baseline": f"{read_all['seconds']:.3f} s f.read() all",
                    "ratio": ours["seconds"] / max(read_all["seconds"], 1e-6),
                    "target": "< 1 s",
                    "met": ours["seconds"] < 1.0,
                }
            )
    return rows


if __name__ == "__main__":
    for row in measure("--quick" in sys.argv):
        print(row)
