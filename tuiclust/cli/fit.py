"""`tuiclust fit DATA --algo NAME -o OUT.csv`: cluster headless, write the labels, print a summary.

DATA is a CSV file or a built-in data set name. The run is the explorer's
run to its last step (same defaults, same suggested DBSCAN eps), so the file
written matches what the explorer shows for the same flags. Every flag value
is checked here rather than by argparse, so that a bad one ends in one line
naming the flag (exit status 2), like a bad file does.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType
from typing import Any, TextIO

import numpy as np

from tuiclust.cli.flags import (
    ALGORITHMS,
    SCALINGS,
    add_algorithm_arguments,
    algorithm_params,
    name_the_flag,
    parse_choice,
    parse_columns,
    parse_int,
)
from tuiclust.errors import UsageError, first_line

__all__ = ["add_arguments", "run"]

# The silhouette costs n^2 distances: above this many points it is scored on a sample.
SILHOUETTE_SAMPLE = 10_000
_SIZES_SHOWN = 12


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of `tuiclust fit`."""
    from tuiclust.pipeline.vocabulary import KEEP_COLUMNS

    parser.add_argument("data", metavar="DATA", help="a CSV file, or a built-in data set name (e.g. blobs)")
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT.csv",
        help="where to write the labels; - for standard output "
        "(default: ./<data>-<algo>-clusters.csv, never overwriting)",
    )
    parser.add_argument(
        "--algo",
        metavar="NAME",
        default="kmeans",
        help=f"{ALGORITHMS[0]} (default), {', '.join(ALGORITHMS[1:-1])} or {ALGORITHMS[-1]}",
    )
    parser.add_argument("--seed", metavar="N", help="seed of the initialisation and of built-in data (default 0)")
    add_algorithm_arguments(parser, eps_default="from the data's k-distances")
    data = parser.add_argument_group("data")
    data.add_argument("--columns", metavar="A,B,C", help="CSV columns to cluster, by name or 0-based index")
    data.add_argument(
        "--scale", metavar="HOW", default="none", help="feature scaling: none (default), standard or minmax"
    )
    data.add_argument("--drop-missing", action="store_true", help="drop CSV rows with missing values")
    data.add_argument(
        "--keep-columns",
        metavar="WHICH",
        default=KEEP_COLUMNS[0],
        help="the CSV's other columns (ids, names) in the output: all (default: as read, in their place) or none",
    )


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Cluster DATA to the end, write the CSV, print the summary. Returns 0."""
    from tuiclust.cli.flags import FLAG_WORDS
    from tuiclust.cli.progress import Progress
    from tuiclust.io.csv_writer import (
        check_export_path,
        default_export_path,
        write_result_csv,
    )
    from tuiclust.io.destination import refuse_inputs, take_unreported
    from tuiclust.pipeline.limits import DataLimitError
    from tuiclust.pipeline.run import prepare_run
    from tuiclust.pipeline.spec import AlgorithmSpec, RunSpec

    out = out or sys.stdout
    data_spec, algo_name, params = _specs_from_args(args)
    # A typo in -o should not cost a long run first; "-" is standard output.
    target = check_export_path(args.output, allow_dash=True) if args.output is not None else None
    try:
        # The explorer's own run builder: same defaults, same suggested eps,
        # same limits, so the file holds what the explorer shows.
        prepared = prepare_run(RunSpec(data_spec, AlgorithmSpec(algo_name, MappingProxyType(params))), steps_kept=False)
    except DataLimitError as exc:
        raise UsageError(exc.worded(FLAG_WORDS)) from None
    except UsageError:
        raise
    except ValueError as exc:
        raise UsageError(name_the_flag(str(exc))) from None
    dataset = prepared.dataset
    if target is None:  # a fresh name, taken when the file is created: never another run's file
        target = default_export_path(dataset, algo_name)
    if data_spec.is_file:
        # Writing the labels over the CSV they came from would lose its text columns.
        refuse_inputs(target, {"the input file": data_spec.source})
    if target.is_stdout:
        out = sys.stderr  # the CSV owns standard output: `fit data.csv -o - | head`
    with Progress(sys.stderr, f"{dataset.n_samples:,} rows x {dataset.n_features:,} columns") as progress:
        last = _run_to_the_end(prepared.steps, dataset.X, progress)
    probabilities = None
    if last.weights is not None:  # a mixture: each point's probability under each component
        from tuiclust.io.csv_writer import component_probabilities

        probabilities = component_probabilities(dataset.X, last)
    written = write_result_csv(target, dataset, last, probabilities=probabilities)
    try:
        described = _describe_params(algo_name, prepared.params, prepared.eps_suggested)
        _print_summary(out, dataset, data_spec, algo_name, described, last, written.shown, probabilities)
    except KeyboardInterrupt:
        # The file is complete: say so, even if the summary never comes.
        print(f"tuiclust: interrupted; wrote {written.shown} ({dataset.n_samples:,} rows)", file=sys.stderr)
        raise
    finally:
        take_unreported()
    return 0


# ------------------------------------------------------------------ flags
def _specs_from_args(args: argparse.Namespace) -> tuple[Any, str, dict[str, Any]]:
    """The data spec, the algorithm name and the parameters the user gave."""
    from tuiclust.pipeline.spec import DataSpec
    from tuiclust.pipeline.vocabulary import KEEP_COLUMNS, algorithm

    algo = parse_choice("--algo", args.algo, ALGORITHMS)
    seed = parse_int("--seed", args.seed, low=0)
    source = _data_source(args.data)
    columns = parse_columns(args.columns)
    data_spec = DataSpec(
        source=source,
        seed=0 if seed is None else seed,
        scale=parse_choice("--scale", args.scale, SCALINGS),
        columns=columns,
        drop_missing=bool(args.drop_missing),
        keep_columns=parse_choice("--keep-columns", args.keep_columns, KEEP_COLUMNS) == KEEP_COLUMNS[0],
    )
    if not data_spec.is_file and (columns or args.drop_missing):
        raise UsageError("--columns and --drop-missing apply to CSV files only")
    params = algorithm_params(args, algo)
    if seed is not None and algorithm(algo).seeded:  # the others' results do not depend on a seed
        params["random_state"] = seed
    return data_spec, algo, params


def _data_source(text: str) -> str:
    """DATA as a DataSpec source: a built-in name stays; an existing file becomes an explicit path."""
    from tuiclust.core.datasets import DATASETS
    from tuiclust.pipeline.spec import DataSpec

    if text in DATASETS and not Path(text).is_file():
        return text
    if DataSpec(text).is_file:
        return text
    if Path(text).exists():  # a file or folder without an extension: still a path
        return text if Path(text).is_absolute() else os.path.join(".", text)  # "./" marks it as a path
    raise UsageError(
        f"DATA {text!r} is neither a file nor a built-in data set; give a CSV path, or one of {', '.join(DATASETS)}"
    )


# ------------------------------------------------------------- the run
def _run_to_the_end(steps: Iterator[Any], X: np.ndarray, progress: Any = None) -> Any:
    """The last :class:`~tuiclust.core.steps.Step` of ``steps`` (a run on ``X``), keeping no other.

    ``progress`` (a :class:`~tuiclust.cli.progress.Progress`) hears of every step.
    """
    last = None
    try:
        for last in steps:
            if progress is not None:
                progress.step(last)
    except ValueError as exc:
        raise UsageError(name_the_flag(str(exc))) from None
    except MemoryError:
        raise UsageError(
            f"not enough memory to cluster {X.shape[0]:,} rows x {X.shape[1]:,} columns; "
            "cluster a sample of the rows, or fewer columns with --columns"
        ) from None
    except np.linalg.LinAlgError as exc:
        raise UsageError(
            f"the algorithm failed on this data ({exc}); try --scale standard or other parameters"
        ) from None
    assert last is not None
    return last


# ----------------------------------------------------------------- summary
def _print_summary(
    out: TextIO,
    dataset: Any,
    data_spec: Any,
    algo: str,
    described: str,
    last: Any,
    written: str,
    probabilities: np.ndarray | None,
) -> None:
    from tuiclust.io.csv_writer import membership_probabilities
    from tuiclust.pipeline.vocabulary import title_of

    n, d = dataset.n_samples, dataset.n_features
    cols = ", ".join(dataset.column_names[:6]) + (" ..." if d > 6 else "")
    scaling = "" if data_spec.scale == "none" else f", {data_spec.scale} scaling"
    lines = [
        f"{dataset.name}: {n:,} row{'s' if n != 1 else ''} x {d:,} column{'s' if d != 1 else ''} ({cols}){scaling}"
    ]
    lines += [f"note: {note}" for note in dataset.notes]
    lines.append(f"{title_of(algo)} ({described}): {last.message}")
    labels = np.asarray(last.labels)
    clustered = labels >= 0
    sizes = np.bincount(labels[clustered]) if clustered.any() else np.zeros(0, dtype=np.int64)
    found = int(np.count_nonzero(sizes))
    lines.append(f"clusters found: {found}")
    if found:
        shown = [f"{j}: {int(s):,}" for j, s in enumerate(sizes) if s][:_SIZES_SHOWN]
        more = f" ... ({found - len(shown)} more)" if found > len(shown) else ""
        lines.append(f"sizes: {', '.join(shown)}{more}")
    noise = int(n - np.count_nonzero(clustered))
    if algo in ("dbscan", "hdbscan"):
        lines.append(f"noise: {noise:,} point{'s' if noise != 1 else ''}")
    lines += _score_lines(dataset.X, labels, algo, data_spec.seed)
    extra = ["cluster"] + (["kind"] if last.point_kinds is not None else [])
    extra += ["confidence"] if last.confidence is not None else []
    extra += ["probability"] if membership_probabilities(last) is not None else []
    extra += [f"p0..p{probabilities.shape[1] - 1}"] if probabilities is not None else []
    lines.append(f"wrote {written} ({n:,} rows: the input columns, {', '.join(extra)})")
    out.write("\n".join(lines) + "\n")


def _describe_params(algo: str, params: dict[str, Any], eps_suggested: bool) -> str:
    if algo == "kmeans":
        return f"k={params['n_clusters']}, init {params['init']}, seed {params.get('random_state')}"
    if algo == "dbscan":
        how = " (suggested from the data)" if eps_suggested else ""
        return f"eps={params['eps']:g}{how}, min_samples={params['min_samples']}"
    if algo == "hdbscan":
        return f"min_cluster_size={params['min_cluster_size']}, min_samples={params['min_samples']}"
    if algo == "agglomerative":
        k = params["n_clusters"]
        return f"k={k}, {params['linkage']} linkage"
    if "n_components" not in params:  # an algorithm without its own wording: its parameters as set
        return ", ".join(f"{name}={value}" for name, value in params.items())
    k = params["n_components"]
    return (
        f"{k} component{'s' if k != 1 else ''}, {params['covariance_type']} covariance, "
        f"seed {params.get('random_state')}"
    )


def _score_lines(X: np.ndarray, labels: np.ndarray, algo: str, seed: int) -> list[str]:
    """The three internal scores, each with which way is better, or n/a and why."""
    from tuiclust.core.metrics import (
        calinski_harabasz_score,
        davies_bouldin_score,
        silhouette_score,
    )

    keep = labels >= 0
    note = ""
    if algo in ("dbscan", "hdbscan") and not keep.all():
        X, labels = X[keep], labels[keep]
        note = "; noise left out"
    n_clusters = int(np.unique(labels).size)
    n = labels.shape[0]
    if n_clusters < 2:
        reason = "n/a (fewer than 2 clusters)"
        return [f"{name:<18} {reason}" for name in ("silhouette", "Calinski-Harabasz", "Davies-Bouldin")]
    if n_clusters >= n:
        reason = "n/a (every point is a cluster of its own)"
        return [f"{name:<18} {reason}" for name in ("silhouette", "Calinski-Harabasz", "Davies-Bouldin")]
    sample = SILHOUETTE_SAMPLE if n > SILHOUETTE_SAMPLE else None
    on_sample = f", on a random sample of {SILHOUETTE_SAMPLE:,} points" if sample else ""
    scores = [
        (
            "silhouette",
            lambda: silhouette_score(X, labels, sample_size=sample, random_state=seed),
            f"-1 to 1, higher is better{on_sample}",
        ),
        ("Calinski-Harabasz", lambda: calinski_harabasz_score(X, labels), "higher is better"),
        ("Davies-Bouldin", lambda: davies_bouldin_score(X, labels), "lower is better"),
    ]
    lines = []
    for name, compute, meaning in scores:
        try:
            value = float(compute())
        except ValueError as exc:  # e.g. a sample that drew a single cluster
            lines.append(f"{name:<18} n/a ({first_line(exc)})")
            continue
        shown = f"{value:.4g}" if np.isfinite(value) else "n/a (undefined for this data)"
        lines.append(f"{name:<18} {shown}  ({meaning}{note})")
    return lines
