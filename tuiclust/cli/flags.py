"""Flags shared by `tuiclust` (explore) and `tuiclust fit`: parsing and naming.

Every parser here turns a bad value into a :class:`UsageError` of one line
that names the flag and what it accepts, so both commands word the same
mistake the same way.
"""

from __future__ import annotations

import argparse
import math
import re
from typing import Any

from tuiclust.errors import UsageError
from tuiclust.pipeline.limits import Wording, check_speed
from tuiclust.pipeline.vocabulary import ALGORITHM_NAMES, SCALINGS, Parameter, flag_of
from tuiclust.pipeline.vocabulary import ALGORITHMS as _ENTRIES
from tuiclust.safe_text import shown

__all__ = [
    "ALGORITHMS",
    "FLAG_WORDS",
    "SCALINGS",
    "add_algorithm_arguments",
    "algorithm_params",
    "name_the_flag",
    "parse_choice",
    "parse_columns",
    "parse_float",
    "parse_int",
    "parse_positive_float",
    "parse_speed",
    "quoted",
]

# Limits worded with the flags that change them.
FLAG_WORDS = Wording(
    n_clusters="--k",
    n_components="--components",
    covariance="--covariance diag or spherical",
    columns="fewer columns with --columns",
    sample="-n for a built-in data set, a random sample of a file's rows",
)

# The names --algo takes (the vocabulary's, in key order).
ALGORITHMS: tuple[str, ...] = ALGORITHM_NAMES


def _flagged_parameters() -> dict[str, tuple[Parameter, list[str]]]:
    """Each flag once, with the algorithms that take it (in vocabulary order)."""
    flags: dict[str, tuple[Parameter, list[str]]] = {}
    for entry in _ENTRIES.values():
        for p in entry.all_parameters:
            flags.setdefault(p.flag, (p, []))[1].append(entry.name)
    return flags


def _default_text(p: Parameter, owners: list[str], eps_default: str) -> str:
    if p.name == "eps":
        return f"default: {eps_default}"
    defaults = {str(_ENTRIES[o].defaults[p.name]) for o in owners if p.name in _ENTRIES[o].defaults}
    if p.kind == "choice":
        first = next(iter(defaults)) if len(defaults) == 1 else p.choices[0]
        others = [c for c in p.choices if c != first]
        return f"{first} (default), {', '.join(others[:-1])} or {others[-1]}" if others else first
    return f"default {next(iter(defaults))}" if len(defaults) == 1 else ""


def add_algorithm_arguments(parser: argparse.ArgumentParser, *, eps_default: str) -> None:
    """The algorithm-parameter flags of every algorithm in the vocabulary, in their own help group.

    ``eps_default`` says where eps comes from when it is not given (the
    explorer and `fit` differ there).
    """
    group = parser.add_argument_group("algorithm parameters")
    for flag, (p, owners) in _flagged_parameters().items():
        titles = "/".join(_ENTRIES[o].short_title for o in owners)
        default = _default_text(p, owners, eps_default)
        if p.kind == "choice":
            text = f"{titles}: {p.help}: {default}"
        else:
            text = f"{titles}: {p.help}" + (f" ({default})" if default else "")
        group.add_argument(flag, metavar=p.metavar, dest=_dest(flag), help=text)


def _dest(flag: str) -> str:
    return flag.lstrip("-").replace("-", "_")


# Numbers on the command line are ASCII: int() and float() also take "1_000",
# Arabic-Indic or full-width digits and surrounding spaces, which a flag should not.
_INTEGER = re.compile(r"[+-]?[0-9]+")
_REAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_SHOWN_CHARS = 40


def quoted(text: str) -> str:
    """``text`` quoted for a message: control characters written out, a long run cut in the middle (…)."""
    return repr(shown(text, limit=_SHOWN_CHARS))


def parse_int(flag: str, text: str | None, *, low: int = 0, high: int | None = None) -> int | None:
    """``text`` as a whole number (ASCII digits) >= ``low`` and <= ``high`` (None stays None)."""
    if text is None:
        return None
    allowed = f">= {low}" if high is None else f"from {low} to {high}"
    if not _INTEGER.fullmatch(text) or len(text) > 30:
        raise UsageError(f"{flag} must be a whole number {allowed}, got {quoted(text)}")
    value = int(text)
    if value < low or (high is not None and value > high):
        raise UsageError(f"{flag} must be a whole number {allowed}, got {quoted(text)}")
    return value


def parse_float(flag: str, text: str | None, *, allowed: str = "a number such as 0.5 or 2") -> float | None:
    """``text`` as a finite number written with ASCII digits (None stays None); ``allowed`` words the refusal."""
    if text is None:
        return None
    value = float(text) if _REAL.fullmatch(text) else float("nan")
    if not math.isfinite(value):
        raise UsageError(f"{flag} must be {allowed}, got {quoted(text)}")
    return value


def parse_positive_float(flag: str, text: str | None) -> float | None:
    """``text`` as a finite number > 0 (None stays None)."""
    value = parse_float(flag, text, allowed="a number > 0")
    if value is not None and not value > 0:
        raise UsageError(f"{flag} must be a number > 0, got {quoted(text)}")
    return value


def parse_speed(flag: str, text: str | None) -> float | None:
    """``text`` as a playback speed in :data:`~tuiclust.pipeline.limits.SPEED_RANGE` (None stays None)."""
    value = parse_float(flag, text)
    return None if value is None else check_speed(value, flag)


def parse_choice(flag: str, text: str | None, allowed: tuple[str, ...]) -> str | None:
    """``text`` if it is one of ``allowed`` (None stays None)."""
    if text is not None and text not in allowed:
        raise UsageError(f"{flag} must be one of {', '.join(allowed)}; got {quoted(text)}")
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
        With one attribute per flag of :func:`add_algorithm_arguments`.
    algo : str
        The algorithm being run (a vocabulary name).
    """
    mine = {p.flag for p in _ENTRIES[algo].all_parameters}
    given: dict[str, Any] = {}
    for flag, (p, owners) in _flagged_parameters().items():
        text = getattr(args, _dest(flag), None)
        if text is None:
            continue
        if flag not in mine:
            notes = [f"also --algo {', '.join(owners[1:])}"] if len(owners) > 1 else []
            notes += ["for gmm, use --components"] if flag == "--k" and algo == "gmm" else []
            hint = f" ({'; '.join(notes)})" if notes else ""
            raise UsageError(f"{flag} belongs to --algo {owners[0]}, not {algo}{hint}")
        given[p.name] = _parse(p, text)
    return given


def _parse(p: Parameter, text: str) -> Any:
    if p.kind == "int":
        return parse_int(p.flag, text, low=int(p.low))
    if p.kind == "float":
        return parse_positive_float(p.flag, text)
    return parse_choice(p.flag, text, p.choices)


def name_the_flag(message: str) -> str:
    """Put the flag in front of an estimator's one-line message about its parameter."""
    first = message.splitlines()[0] if message else "bad value"
    head = first.split(";")[0]
    names = {p.name for entry in _ENTRIES.values() for p in entry.all_parameters} | {"random_state"}
    for param in sorted(names, key=len, reverse=True):
        if first.startswith(param) or f" {param}" in head:
            return f"{flag_of(param)}: {first}"
    if first.startswith("n_samples"):
        return f"-n/--samples: {first}"
    if first.startswith("noise"):
        return f"--data: {first}"
    return first
