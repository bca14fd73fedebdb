"""Run every benchmark and print one line per goal.

Usage::

    python3 tests/bench/run.py           # real sizes (minutes)
    python3 tests/bench/run.py --quick   # small sizes, seconds: keeps the benchmarks working in CI

Each ``tests/bench/bench_*.py`` module exposes ``measure(quick) -> list[dict]``
with the keys goal, figure, baseline, ratio, target and met. Baselines are
measured in the same run (scikit-learn, or the same code at another size),
so the ratios mean something on a shared, noisy machine. Nothing here
decides pass or fail of the test suite; a benchmark that crashes does fail
this script, so that it keeps working.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load_modules(only: list[str] | None) -> list[tuple[str, object]]:
    modules = []
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if only and name not in only:
            continue
        spec = importlib.util.spec_from_file_location(f"tuiclust_bench_{name}", path)
        module = importlib.util.module_from_spec(spec)
        assert spec.loader is not None
        spec.loader.exec_module(module)
        modules.append((name, module))
    return modules


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (CI)")
    parser.add_argument("only", nargs="*", help="benchmark names, e.g. kmeans dbscan")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE.parent.parent))
    failures = 0
    header = f"{'area':<8} {'goal':<46} {'figure':>14} {'baseline':>24} {'ratio':>7} {'target':>9}  met"
    print(header)
    print("-" * len(header))
    for name, module in load_modules(args.only):
        start = time.perf_counter()
        try:
            rows = module.measure(args.quick)  # type: ignore[attr-defined]
        except Exception:
            failures += 1
            print(f"{name:<8} FAILED")
            traceback.print_exc()
            continue
        for row in rows:
            met = "yes" if row["met"] else "NO"
            print(
                f"{name:<8} {row['goal']:<46} {row['figure']:>14} {row['baseline']:>24} "
                f"{row['ratio']:>6.2f}x {row['target']:>9}  {met}"
            )
        print(f"{'':<8} ({name}: {time.perf_counter() - start:.1f} s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
