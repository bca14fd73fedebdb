"""Load a listing's source for display, and say what the code pane marks at each step.

A listing is one of the plain-numpy modules beside this one (``kmeans.py``,
``dbscan.py``, ``gmm.py``). Its source carries two kinds of tag, both
comments that start with ``# ──`` (U+2500, a box-drawing line):

- a comment line ``# ── <phase>``, where ``<phase>`` is a
  :class:`~tuiclust.core.steps.Phase` id, tags the lines below it up to the
  next blank line (or the next tag line) as belonging to that phase. A phase
  may have several groups, even in different functions;
- a trailing ``# ── <name>`` after code marks the line where the value
  called ``<name>`` is written while that phase is on screen.

What is shown is the module's source without its docstrings, without the
tag lines and trailing tags, with runs of blank lines cut to one.
:func:`listing_for` reads the source as a package resource, so it works
from an installed wheel as well as from a checkout.

Everything here is pure: numpy, the standard library and
:mod:`tuiclust.core` only.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

import numpy as np

from tuiclust.core.steps import Phase, PointKind, Step

__all__ = [
    "ALGORITHMS",
    "LISTING_PHASES",
    "MAX_ANNOTATION",
    "Listing",
    "annotations",
    "line_names",
    "listing_for",
    "phase_lines",
    "pointed_lines",
]

#: Algorithm name (as in ``Step.algorithm``) -> module of its listing.
ALGORITHMS: Mapping[str, str] = MappingProxyType({"kmeans": "kmeans", "dbscan": "dbscan", "gmm": "gmm"})

#: The phases each listing tags, in the order a run meets them.
LISTING_PHASES: Mapping[str, tuple[Phase, ...]] = MappingProxyType(
    {
        "kmeans": (Phase.INITIALIZE, Phase.ASSIGN, Phase.UPDATE, Phase.CONVERGED),
        "dbscan": (Phase.NEIGHBOURHOODS, Phase.EXPAND, Phase.BORDER, Phase.NOISE),
        "gmm": (Phase.INITIALIZE, Phase.E_STEP, Phase.M_STEP, Phase.CONVERGED),
    }
)

#: Longest annotation :func:`annotations` writes beside a line, in characters.
MAX_ANNOTATION = 30

# Phases a run reports that have no lines of their own: a run stopped at
# max_iter ends on the lines that test for convergence; DBSCAN's closing
# count is read off the labels the noise group returns.
_STANDS_FOR = {Phase.STOPPED: Phase.CONVERGED, Phase.DONE: Phase.NOISE}

_TAG = "# \u2500\u2500"
_GROUP_LINE = re.compile(rf"^\s*{_TAG} (?P<phase>\w+)\s*$")
_TRAILING = re.compile(rf"^(?P<code>.*\S)\s+{_TAG} (?P<name>\w+)\s*$")
_SEPARATOR = " \u00b7 "
_ELLIPSIS = "\u2026"


@dataclass(frozen=True, eq=False)
class Listing:
    """A listing as the code pane draws it.

    Attributes
    ----------
    algorithm : str
        ``"kmeans"``, ``"dbscan"`` or ``"gmm"`` (as ``Step.algorithm``).
    filename : str
        The module's file name, e.g. ``"kmeans.py"``, for a title.
    lines : tuple of str
        The displayed source lines, tags and docstrings stripped, no
        trailing newlines. Line indices below count from 0 into this.
    phases : mapping of Phase to tuple of int
        For each phase the listing tags, the lines it covers, ascending.
    annotation_lines : mapping of Phase to int
        For each phase, the line where its values of the moment go: its
        first marked value line, else its last line.
    value_lines : mapping of Phase to mapping of str to int
        For each phase, the line of each named value (``"changed"``,
        ``"shift"``, ``"log_lik"`` ...).
    """

    algorithm: str
    filename: str
    lines: tuple[str, ...]
    phases: Mapping[Phase, tuple[int, ...]]
    annotation_lines: Mapping[Phase, int]
    value_lines: Mapping[Phase, Mapping[str, int]]

    @property
    def code_lines(self) -> tuple[int, ...]:
        """Indices of the lines that hold code: neither blank nor only a comment."""
        return tuple(i for i, line in enumerate(self.lines) if line.strip() and not line.lstrip().startswith("#"))

    def phase_of(self, phase: Phase) -> Phase | None:
        """The tagged phase whose lines stand for ``phase`` (Stopped -> Converged, Done -> Noise), or None."""
        if phase in self.phases:
            return phase
        stands_for = _STANDS_FOR.get(phase)
        return stands_for if stands_for in self.phases else None


@cache
def listing_for(algorithm: str) -> Listing:
    """The listing of ``algorithm``, read from its module's own source.

    Parameters
    ----------
    algorithm : {"kmeans", "dbscan", "gmm"}

    Returns
    -------
    Listing
        The same object on every call for the same algorithm.

    Raises
    ------
    ValueError
        For an unknown algorithm, or a listing whose tags are wrong (an
        unknown phase, a value mark outside a phase, a phase missing).
    """
    if algorithm not in ALGORITHMS:
        allowed = ", ".join(repr(a) for a in ALGORITHMS)
        raise ValueError(f"no listing for algorithm {algorithm!r}; choose one of {allowed}")
    filename = f"{ALGORITHMS[algorithm]}.py"
    source = resources.files(__package__).joinpath(filename).read_text(encoding="utf-8")
    return parse_listing(algorithm, filename, source)


def parse_listing(algorithm: str, filename: str, source: str) -> Listing:
    """Build a :class:`Listing` from tagged source text (see the module docstring for the tags).

    Parameters
    ----------
    algorithm : str
        A key of :data:`LISTING_PHASES`; its phases must all be tagged.
    filename : str
        Named in error messages and kept as the title.
    source : str
        The module's text.

    Returns
    -------
    Listing

    Raises
    ------
    ValueError
        A tag names an unknown phase, a value mark is outside any phase or
        repeats a name within its phase, or one of the algorithm's phases
        has no lines.
    """
    hidden = _docstring_lines(source)
    # (text, phase or None, value name or None) per displayed line, before blank runs are cut.
    rows: list[tuple[str, Phase | None, str | None]] = []
    phase: Phase | None = None
    for number, raw in enumerate(source.splitlines(), start=1):
        if number in hidden:
            continue
        where = f"{filename} line {number}"
        text = raw.rstrip()
        group = _GROUP_LINE.match(text)
        if group:
            phase = _phase_named(group["phase"], where)
            continue
        if not text:
            phase = None  # a blank line closes a group
            rows.append(("", None, None))
            continue
        name = None
        trailing = _TRAILING.match(text)
        if trailing:
            if phase is None:
                raise ValueError(f"{where}: value mark {trailing['name']!r} is outside any phase; tag its group first")
            text, name = trailing["code"], trailing["name"]
        if _TAG in text:
            raise ValueError(f"{where}: a {_TAG} tag must be a line of its own or end a line of code")
        rows.append((text, phase, name))

    rows = _cut_blank_runs(rows)
    lines = tuple(text for text, _, _ in rows)
    covered: dict[Phase, list[int]] = {}
    values: dict[Phase, dict[str, int]] = {}
    for index, (_, row_phase, name) in enumerate(rows):
        if row_phase is None:
            continue
        covered.setdefault(row_phase, []).append(index)
        if name is not None:
            named = values.setdefault(row_phase, {})
            if name in named:
                raise ValueError(f"{filename}: value {name!r} is marked twice in phase {row_phase.value!r}")
            named[name] = index

    expected = LISTING_PHASES.get(algorithm)
    if expected is None:
        raise ValueError(f"no phases are known for algorithm {algorithm!r}")
    extra = [p.value for p in covered if p not in expected]
    if extra:
        raise ValueError(f"{filename}: phase(s) {', '.join(extra)} are not phases of {algorithm}")
    missing = [p.value for p in expected if p not in covered]
    if missing:
        raise ValueError(f"{filename}: no lines are tagged for phase(s) {', '.join(missing)}")

    phases = {p: tuple(covered[p]) for p in expected}
    annotation_lines = {p: (min(values[p].values()) if p in values else phases[p][-1]) for p in expected}
    value_lines = {p: MappingProxyType(dict(values.get(p, {}))) for p in expected}
    return Listing(
        algorithm=algorithm,
        filename=filename,
        lines=lines,
        phases=MappingProxyType(phases),
        annotation_lines=MappingProxyType(annotation_lines),
        value_lines=MappingProxyType(value_lines),
    )


def phase_lines(listing: Listing, step: Step) -> tuple[int, ...]:
    """The lines to highlight while ``step`` is on screen.

    Parameters
    ----------
    listing : Listing
    step : Step
        A step of ``listing.algorithm``. A Stopped step marks the
        Converged lines (where the loop ends); DBSCAN's Done marks the
        Noise lines (the labels they return).

    Returns
    -------
    tuple of int
        Indices into ``listing.lines``, ascending; empty for a phase the
        listing does not draw.

    Raises
    ------
    ValueError
        If the step belongs to another algorithm.
    """
    _check_algorithm(listing, step)
    phase = listing.phase_of(step.phase)
    return () if phase is None else listing.phases[phase]


def line_names(algorithm: str) -> tuple[str, ...]:
    """What a scene's narration may point at with ``line = "..."``: the listing's phases, then its value names.

    Parameters
    ----------
    algorithm : str

    Returns
    -------
    tuple of str
        Phase ids (``"assign"``, ``"update"`` ...) then value names
        (``"changed"``, ``"shift"`` ...), each once; empty for an algorithm
        without a listing.
    """
    if algorithm not in ALGORITHMS:
        return ()
    listing = listing_for(algorithm)
    values = (name for phase in listing.phases for name in listing.value_lines[phase])
    return tuple(dict.fromkeys([*(p.value for p in listing.phases), *values]))


def pointed_lines(listing: Listing, name: str, phase: Phase | None = None) -> tuple[int, ...]:
    """The lines a ``line = name`` pointer marks: a phase's lines, or the one line of a value.

    Parameters
    ----------
    listing : Listing
    name : str
        A phase id or a value name (:func:`line_names`).
    phase : Phase, optional
        The phase on screen: a value name that several phases mark
        (``"inertia"``, ``"weights"``) means that phase's line first.

    Returns
    -------
    tuple of int
        Empty for a name the listing does not know.
    """
    for tagged, lines in listing.phases.items():
        if tagged.value == name:
            return lines
    own = listing.phase_of(phase) if phase is not None else None
    order = ([own] if own is not None else []) + [p for p in listing.phases if p is not own]
    for tagged in order:
        line = listing.value_lines[tagged].get(name)
        if line is not None:
            return (line,)
    return ()


def annotations(
    step: Step, listing: Listing | None = None, values: Iterable[tuple[str, str]] | None = None
) -> dict[int, str]:
    """The values of the moment to write beside the marked lines, e.g. ``{14: "changed = 25"}``.

    Every value comes from the step's own fields; each text is at most
    :data:`MAX_ANNOTATION` characters (long lists end in ``…``).

    Parameters
    ----------
    step : Step
    listing : Listing, optional
        Defaults to ``listing_for(step.algorithm)``.
    values : iterable of (str, str), optional
        (value name, text) pairs to place instead of this module's own, so
        that a caller can write the numbers in its own format (the code
        pane writes the panel's). Names are those of the listing's value
        marks (``"changed"``, ``"Nk"`` ...); a name without a mark in the
        step's phase goes on the phase's annotation line.

    Returns
    -------
    dict of int to str
        Line index (into ``listing.lines``) -> text. Values without a line
        of their own in the listing share the phase's annotation line.

    Raises
    ------
    ValueError
        If ``listing`` belongs to another algorithm.
    """
    listing = listing_for(step.algorithm) if listing is None else listing
    _check_algorithm(listing, step)
    phase = listing.phase_of(step.phase)
    if phase is None:
        return {}
    named = listing.value_lines[phase]
    placed: dict[int, list[str]] = {}
    for name, text in _values(step) if values is None else values:
        line = named.get(name, listing.annotation_lines[phase])
        placed.setdefault(line, []).append(text)
    return {line: _SEPARATOR.join(texts) for line, texts in placed.items()}


# ---------------------------------------------------------------- the values
def _values(step: Step) -> list[tuple[str, str]]:
    """(value name, text) pairs for a step, from its fields; a field that is None is left out."""
    if step.algorithm == "kmeans":
        return _kmeans_values(step)
    if step.algorithm == "dbscan":
        return _dbscan_values(step)
    if step.algorithm == "gmm":
        return _gmm_values(step)
    return []


def _kmeans_values(step: Step) -> list[tuple[str, str]]:
    phase = step.phase
    values: list[tuple[str, str]] = []
    if phase is Phase.INITIALIZE and step.centers is not None:
        values.append(("k", f"k = {len(step.centers)}"))
    elif phase is Phase.ASSIGN:
        if step.points_moved is not None:
            values.append(("changed", f"changed = {step.points_moved}"))
        if step.inertia is not None:
            values.append(("inertia", f"inertia = {_number(step.inertia)}"))
    elif phase is Phase.UPDATE:
        values.append(("sizes", _listed("sizes", [str(s) for s in step.cluster_sizes])))
        if step.center_shift is not None:
            values.append(("shift", f"shift = {_number(step.center_shift, 3)}"))
    elif phase in (Phase.CONVERGED, Phase.STOPPED):
        values.append(("iterations", _ending(step)))
        if step.inertia is not None:
            values.append(("inertia", f"inertia = {_number(step.inertia)}"))
    return values


def _dbscan_values(step: Step) -> list[tuple[str, str]]:
    phase = step.phase
    counts = step.kind_counts
    values: list[tuple[str, str]] = []
    if phase is Phase.NEIGHBOURHOODS and counts is not None:
        values.append(("core", f"core = {counts[PointKind.CORE]}"))
    elif phase is Phase.EXPAND and step.active_cluster is not None:
        text = f"cluster = {step.active_cluster}"
        if step.points_added is not None:
            text += f"{_SEPARATOR}+{step.points_added} point{'s' if step.points_added != 1 else ''}"
        values.append(("grow", text))
    elif phase is Phase.BORDER and counts is not None:
        values.append(("border", f"border = {counts[PointKind.BORDER]}"))
    elif phase is Phase.NOISE and counts is not None:
        values.append(("noise", f"noise = {counts[PointKind.NOISE]}"))
    elif phase is Phase.DONE and counts is not None:
        clusters = step.n_clusters_found if step.n_clusters_found is not None else len(step.cluster_sizes)
        values.append(("noise", f"clusters = {clusters}{_SEPARATOR}noise = {counts[PointKind.NOISE]}"))
    return values


def _gmm_values(step: Step) -> list[tuple[str, str]]:
    phase = step.phase
    values: list[tuple[str, str]] = []
    if phase is Phase.INITIALIZE and step.weights is not None:
        values.append(("weights", _weights(step.weights)))
    elif phase is Phase.E_STEP:
        if step.log_likelihood is not None:
            values.append(("log_lik", f"log_lik = {_number(step.log_likelihood)}"))
        change = step.log_likelihood_change
        if change is not None:
            # The first change is +inf: there is no earlier round to compare with.
            text = "change = inf (first round)" if np.isinf(change) else f"change = {change:+.3g}"
            values.append(("change", text))
    elif phase is Phase.M_STEP and step.weights is not None:
        # Nk = weights * n: the listing's weights are Nk / Nk.sum() and the Nk sum to n.
        soft_counts = np.asarray(step.weights) * step.n_samples
        values.append(("Nk", _listed("Nk", [f"{c:.0f}" if c >= 10 else f"{c:.1f}" for c in soft_counts])))
        values.append(("weights", _weights(step.weights)))
    elif phase in (Phase.CONVERGED, Phase.STOPPED):
        values.append(("iterations", _ending(step)))
        if step.cluster_sizes:
            values.append(("final", _listed("sizes", [str(s) for s in step.cluster_sizes])))
    return values


def _ending(step: Step) -> str:
    """How the loop ended: ``iteration = 7 · converged`` or ``iteration = 300 · not converged``."""
    how = "converged" if step.converged else "not converged"
    return f"iteration = {step.iteration}{_SEPARATOR}{how}"


def _weights(weights: np.ndarray) -> str:
    return _listed("weights", [f"{w:.2f}" for w in np.asarray(weights)])


def _number(x: float, digits: int = 4) -> str:
    """A short number in the listing's style: ``600.6``, ``-2.839``, ``12346``, ``1.2e-05``."""
    if x == 0 or not np.isfinite(x):
        return f"{x:g}"
    if 1e4 <= abs(x) < 1e9:
        return f"{x:.0f}"  # a whole number says enough, and stays short
    return f"{x:.{digits}g}"


def _listed(name: str, items: Iterable[str], limit: int = MAX_ANNOTATION) -> str:
    """``name = a · b · c``, cut with ``…`` to at most ``limit`` characters."""
    items = list(items)
    head = f"{name} = "
    text = head + _SEPARATOR.join(items)
    if len(text) <= limit:
        return text
    shown: list[str] = []
    for item in items:
        if len(head + _SEPARATOR.join([*shown, item, _ELLIPSIS])) > limit:
            break
        shown.append(item)
    return head + _SEPARATOR.join([*shown, _ELLIPSIS])


# ---------------------------------------------------------------- parsing
def _docstring_lines(source: str) -> set[int]:
    """1-based numbers of the lines that hold the module's, classes' and functions' docstrings."""
    tree = ast.parse(source)
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        body = node.body
        first = body[0] if body else None
        if (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
            and first.end_lineno is not None
        ):
            hidden.update(range(first.lineno, first.end_lineno + 1))
    return hidden


def _phase_named(name: str, where: str) -> Phase:
    try:
        return Phase(name)
    except ValueError:
        known = ", ".join(p.value for p in Phase)
        raise ValueError(f"{where}: unknown phase {name!r} in a {_TAG} tag; use one of {known}") from None


def _cut_blank_runs(
    rows: list[tuple[str, Phase | None, str | None]],
) -> list[tuple[str, Phase | None, str | None]]:
    """Drop leading and trailing blank lines and keep one of each run of blank lines."""
    kept: list[tuple[str, Phase | None, str | None]] = []
    for row in rows:
        if not row[0] and (not kept or not kept[-1][0]):
            continue
        kept.append(row)
    while kept and not kept[-1][0]:
        kept.pop()
    return kept


def _check_algorithm(listing: Listing, step: Step) -> None:
    if step.algorithm != listing.algorithm:
        raise ValueError(
            f"a {step.algorithm} step cannot be drawn on the {listing.algorithm} listing; "
            f"use listing_for({step.algorithm!r})"
        )
