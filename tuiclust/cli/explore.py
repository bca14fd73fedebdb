"""`tuiclust [TARGET] [flags]`: open the explorer.

TARGET is a CSV file, a built-in data set name, or a lesson scene (a name
or a .toml path). Every flag is checked before the app starts: a bad value
exits with status 2 and one line naming the flag and what is allowed.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from types import MappingProxyType
from typing import Any

from tuiclust.cli.flags import (
    ALGORITHMS,
    SCALINGS,
    add_algorithm_arguments,
    algorithm_params,
    name_the_flag,
    parse_choice,
    parse_columns,
    parse_int,
    parse_speed,
)
from tuiclust.errors import UsageError

__all__ = ["add_arguments", "run", "spec_from_args"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of the explorer (the top-level `tuiclust` command)."""
    parser.add_argument(
        "target",
        nargs="?",
        help="a CSV file, a built-in data set name, or a lesson scene (name or .toml path)",
    )
    run_group = parser.add_argument_group("what to run")
    run_group.add_argument(
        "--algo", metavar="NAME", help=f"{ALGORITHMS[0]} (default), {', '.join(ALGORITHMS[1:-1])} or {ALGORITHMS[-1]}"
    )
    run_group.add_argument("--data", metavar="NAME", help="a built-in data set (default blobs) or a CSV path")
    run_group.add_argument("-n", "--samples", metavar="N", help="points to generate (built-in data sets)")
    run_group.add_argument("--seed", metavar="N", help="seed of the data and of the initialisation (default 0)")
    run_group.add_argument("--scale", metavar="HOW", help="feature scaling: none (default), standard or minmax")
    add_algorithm_arguments(parser, eps_default="the data set's")
    csv_group = parser.add_argument_group("CSV files")
    csv_group.add_argument("--columns", metavar="A,B,C", help="columns to cluster, by name or 0-based index")
    csv_group.add_argument("--x", metavar="COL", help="column on the horizontal axis (instead of PCA)")
    csv_group.add_argument("--y", metavar="COL", help="column on the vertical axis (instead of PCA)")
    csv_group.add_argument("--drop-missing", action="store_true", help="drop rows with missing values")
    play_group = parser.add_argument_group("playback")
    play_group.add_argument("--speed", metavar="S", help="steps per second when playing (default 2)")
    lesson_group = parser.add_argument_group("lesson scenes")
    lesson_group.add_argument(
        "--allow-outside",
        action="store_true",
        help="let the scene's csv name files outside the scene's folder (only for scenes you trust)",
    )


def _builtin_names() -> tuple[str, ...]:
    from tuiclust.core.datasets import DATASETS
    from tuiclust.pipeline.hand_edits import CANVAS

    return (*DATASETS, CANVAS)


def _is_scene(target: str) -> bool:
    """A target that is not a file or a built-in data set is read as a scene."""
    if target.endswith(".toml"):
        return True
    if Path(target).suffix.lower() in (".csv", ".tsv", ".txt") or Path(target).is_dir():
        return False  # a data file: read_table explains what is wrong with it
    return not Path(target).is_file() and target not in _builtin_names()


def _as_path_if_on_disk(source: str) -> str:
    """A file or folder without an extension ("data", "results") is still a path, not a data set name."""
    if source in _builtin_names() or not Path(source).exists():
        return source
    from tuiclust.pipeline.spec import DataSpec

    if DataSpec(source).is_file:
        return source
    return source if Path(source).is_absolute() else os.path.join(".", source)  # "./" marks a path


def spec_from_args(args: argparse.Namespace, data_source: str | None = None) -> Any:
    """Turn the parsed flags into a validated :class:`~tuiclust.pipeline.spec.RunSpec`.

    Raises
    ------
    UsageError
        One line naming the flag and what is allowed.
    """
    from tuiclust.pipeline.spec import AlgorithmSpec, DataSpec, RunSpec

    if data_source is None and _no_run_flags(args):
        from tuiclust.pipeline.spec import DEFAULT_RUN

        return DEFAULT_RUN
    algo = parse_choice("--algo", args.algo, ALGORITHMS) or "kmeans"
    if args.data is not None and not args.data.strip():
        raise UsageError("--data needs a built-in data set name or a CSV path; got an empty name")
    given = data_source or args.data or "blobs"
    if args.data is not None and data_source is not None:
        raise UsageError(f"give the data once: either TARGET ({data_source}) or --data ({args.data})")
    source = _as_path_if_on_disk(given)
    seed = parse_int("--seed", args.seed) or 0
    n_samples = parse_int("-n/--samples", args.samples, low=1)
    scale = parse_choice("--scale", args.scale, SCALINGS) or "none"
    columns = parse_columns(args.columns)
    if (args.x is None) != (args.y is None):
        raise UsageError("--x and --y go together: give both columns to plot, or neither")
    data = DataSpec(
        source=source,
        n_samples=n_samples,
        seed=seed,
        scale=scale,
        columns=columns,
        x=args.x,
        y=args.y,
        drop_missing=bool(args.drop_missing),
    )
    if not data.is_file and source not in _builtin_names():
        names = ", ".join(_builtin_names())
        raise UsageError(f"--data {source!r} is neither a CSV file nor a built-in data set; built-in sets: {names}")
    if data.is_file and not Path(source).is_file():
        where = f"--data {given!r}" if args.data is not None else given
        if Path(source).is_dir():
            raise UsageError(f"{where} is a folder; give the path of a CSV file inside it")
        if not Path(source).exists():
            raise UsageError(f"{where}: no such file; check the path (relative to {Path.cwd()})")
        # a named pipe or a device: the reader says what it is, without opening it for a blocking read
    if data.is_file and n_samples is not None:
        raise UsageError("-n/--samples applies to built-in data sets only: a CSV file is read whole")
    if not data.is_file and (columns or args.x or args.drop_missing):
        raise UsageError("--columns, --x, --y and --drop-missing apply to CSV files only")

    params = algorithm_params(args, algo)
    return RunSpec(data, AlgorithmSpec(algo, MappingProxyType(params)))


# Flags that are not about what runs: `tuiclust --speed 4` still opens the default run.
_NOT_RUN_FLAGS = frozenset({"target", "speed", "command", "func"})


def _no_run_flags(args: argparse.Namespace) -> bool:
    """True when no flag says what to run (then the explorer opens :data:`~tuiclust.pipeline.spec.DEFAULT_RUN`)."""
    return all(value in (None, False) for name, value in vars(args).items() if name not in _NOT_RUN_FLAGS)


def check_spec(spec: Any) -> Any:
    """Load the data and build the estimator once, so bad input fails before the app starts.

    Returns the spec as it will run. Errors become :class:`UsageError` naming the flag.
    """
    from tuiclust.cli.flags import FLAG_WORDS
    from tuiclust.pipeline.limits import DataLimitError
    from tuiclust.pipeline.run import build_run

    try:
        return build_run(spec)
    except DataLimitError as exc:
        raise UsageError(exc.worded(FLAG_WORDS)) from None
    except UsageError:
        raise
    except ValueError as exc:
        raise UsageError(name_the_flag(str(exc))) from None
    except MemoryError:
        raise UsageError(
            "not enough memory to load and start this run; use fewer points (-n) or columns (--columns)"
        ) from None


def check_data(spec: Any) -> None:
    """Load the data of ``spec`` once, so a bad file fails before the app starts."""
    from tuiclust.pipeline.data import load_dataset

    try:
        load_dataset(spec.data)
    except UsageError:
        raise
    except ValueError as exc:
        raise UsageError(name_the_flag(str(exc))) from None


def run(args: argparse.Namespace) -> int:
    """Validate the flags, then run the explorer until the user quits."""
    speed = parse_speed("--speed", args.speed)
    if args.target is not None and _is_scene(args.target):
        return _run_scene(args, speed)
    speed = speed or 2.0
    if args.allow_outside:
        raise UsageError("--allow-outside applies to lesson scenes only (tuiclust SCENE.toml --allow-outside)")
    spec = spec_from_args(args, data_source=args.target)
    from tuiclust.pipeline.hand_edits import waits_for_hands

    if waits_for_hands(spec):
        check_data(spec)  # centres or points come by hand in the app: only the data is checked here
        prepared = None
    else:
        prepared = check_spec(spec)
        spec = prepared.spec
    from tuiclust.cli.terminal import require_terminal
    from tuiclust.ui.app import ExplorerApp

    require_terminal("the explorer")  # after the flags and the data are checked: those messages come first
    app = ExplorerApp(spec, steps_per_second=speed, prepared=prepared)
    app.run()
    return app.return_code or 0  # 1 after an unexpected error (one line and a log, see ui/crash.py)


def _run_scene(args: argparse.Namespace, speed: float | None) -> int:
    """Open the explorer in lesson mode on a scene (``tuiclust SCENE``)."""
    from tuiclust.lessons.pacing import check_parts_load
    from tuiclust.lessons.scene import load_scene

    scene = load_scene(args.target, allow_outside=args.allow_outside)  # raises UsageError naming the file and key
    check_parts_load(scene)
    from tuiclust.cli.terminal import require_terminal
    from tuiclust.ui.lesson_app import open_in_explorer

    require_terminal("the explorer")

    return int(open_in_explorer(scene, steps_per_second=speed) or 0)
