"""Flags shared by `tuiclust` (explore) and `tuiclust fit`: parsing and naming.

Every parser here turns a bad value into a :class:`UsageError` of one line
that names the flag and what it accepts, so both commands word the same
mistake the same way.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import UsageError

__all__ = [
    "ALGORITHMS",
    "INITS",
    "COVARIANCES",
    "SCALINGS",
    "PARAM_FLAGS",
    "add_algorithm_arguments",
    "parse_int",
    "parse_positive_float",
    "parse_choice",
    "parse_columns",
    "algorithm_params",
    "name_the_flag",
]

ALGORITHMS = ("kmeans", "dbscan", "gmm")
INITS = ("k-means++", "random", "farthest")
COVARIANCES = ("full", "tied", "diag", "spherical")
SCALINGS = ("none", "standard", "minmax")
# Constructor parameter -> the flag that sets it, to name the flag in errors.
PARAM_FLAGS = {
    "n_clusters": "--k",
    "init": "--init",
    "eps": "--eps",
    "min_samples": "--min-samples",
    "n_components": "--components",
    "covariance_type": "--covariance",
    "random_state": "--seed",
}


def add_algorithm_arguments(parser: argparse.ArgumentParser, *, eps_default: str) -> None:
    """The six algorithm-parameter flags, in their own help group.

    ``eps_default`` says where eps comes from when it is not given (the
    explorer and `fit` differ there).
    """
    group = parser.add_argument_group("algorithm parameters")
    group.add_argument("--k", metavar="K", help="K-Means: number of clusters (default 3)")
    group.add_argument("--init", metavar="HOW", help="K-Means: k-means++ (default), random or farthest")
    group.add_argument("--eps", metavar="R", help=f"DBSCAN: neighbourhood radius (default: {eps_default})")
    group.add_argument("--min-samples", metavar="N", help="DBSCAN: neighbours a core point needs (default 5)")
    group.add_argument("--components", metavar="K", help="GMM: number of components (default 3)")
    group.add_argument("--covariance", metavar="TYPE", help="GMM: full (default), tied, diag or spherical")


def parse_int(flag: str, text: str | None, *, low: int = 0) -> int | None:
    """``text`` as a whole number >= ``low`` (None stays None)."""
    if text is None:
        return None
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{flag} must be a whole number >= {low}, got {text!r}") from None
    if value < low:
        raise UsageError(f"{flag} must be a whole number >= {low}, got {value}")
    return value


def parse_positive_float(flag: str, text: str | None) -> float | None:
    """``text`` as a finite number > 0 (None stays None)."""
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"{flag} must be a number > 0, got {text!r}") from None
    if not (0 < value < float("inf")):
        raise UsageError(f"{flag} must be a number > 0, got {text}")
    return value


def parse_choice(flag: str, text: str | None, allowed: tuple[str, ...]) -> str | None:
    """``text`` if it is one of ``allowed`` (None stays None)."""
    if text is not None and text not in allowed:
        raise UsageError(f"{flag} must be one of {', '.join(allowed)}; got {text!r}")
    return text


def parse_columns(text: str | None) -> tuple[str, ...] | None:
    """``--columns a,b,c`` as a tuple of names or indices."""
    if text is None:
        return None
    columns = tuple(c.strip() for c in text.split(",") if c.strip())
    if not columns:
        raise UsageError("--columns needs at least one column name or index, e.g. --columns age,income")
    return columns


def algorithm_params(args: argparse.Namespace, algo: str) -> dict[str, Any]:
    """The constructor parameters given by flags, refusing flags of another algorithm.

    Parameters
    ----------
    args : argparse.Namespace
        With the attributes k, init, eps, min_samples, components, covariance.
    algo : {"kmeans", "dbscan", "gmm"}
    """
    given = {
        "kmeans": {
            "n_clusters": parse_int("--k", args.k, low=1),
            "init": parse_choice("--init", args.init, INITS),
        },
        "dbscan": {
            "eps": parse_positive_float("--eps", args.eps),
            "min_samples": parse_int("--min-samples", args.min_samples, low=1),
        },
        "gmm": {
            "n_components": parse_int("--components", args.components, low=1),
            "covariance_type": parse_choice("--covariance", args.covariance, COVARIANCES),
        },
    }
    for name, values in given.items():
        stray = [PARAM_FLAGS[p] for p, v in values.items() if v is not None]
        if name != algo and stray:
            hint = " (for gmm, use --components)" if stray == ["--k"] and algo == "gmm" else ""
            verb = "belongs" if len(stray) == 1 else "belong"
            raise UsageError(f"{', '.join(stray)} {verb} to --algo {name}, not {algo}{hint}")
    return {p: v for p, v in given[algo].items() if v is not None}


def name_the_flag(message: str) -> str:
    """Put the flag in front of an estimator's one-line message about its parameter."""
    first = message.splitlines()[0] if message else "bad value"
    head = first.split(";")[0]
    for param, flag in sorted(PARAM_FLAGS.items(), key=lambda kv: -len(kv[0])):
        if first.startswith(param) or f" {param}" in head:
            return f"{flag}: {first}"
    if first.startswith("n_samples"):
        return f"-n/--samples: {first}"
    if first.startswith("noise"):
        return f"--data: {first}"
    return first
