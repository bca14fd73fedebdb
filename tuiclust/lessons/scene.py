"""Lesson scenes: a TOML file, validated once into frozen dataclasses.

A scene is data only: the points, the algorithm and its parameters, the
pace of playback, and short narration attached to phases. Nothing in a scene
is ever executed. Every mistake is reported as one line naming the file and
the key path, for example::

    kmeans-basics.toml: algorithm.n_clusters must be an integer >= 1, got "three"

Layout of a scene file (see the README for the full reference)::

    title = "..."              description = "..."
    [data]        generator = "blobs" | csv = "points.csv", n_samples, noise, seed, scale, ...
    [algorithm]   name = "kmeans" | "dbscan" | "gmm", and the constructor's parameters
    [playback]    steps_per_second, size = "100x30", title_seconds, end_seconds, code = true
    [[steps]]     on = "assign", iteration = 1, say = "...", hold = 4.0, line = "update", ask = "...?"
    [[parts]]     title, description, code, [parts.data], [parts.algorithm], [parts.view], [[parts.steps]]
    [parts.view]  kind = "elbow" | "k-distance" | "bic-aic" | "comparison" | "scores" | "silhouette", select

Without ``[[parts]]`` the scene is one part made of the top level. With
``[[parts]]`` the top-level ``[data]`` and ``[algorithm]`` are defaults that
each part overrides key by key, and top-level ``[[steps]]`` narrate every
part whose algorithm has that phase.

A part with ``[parts.view]`` stages a lesson figure for its data and
algorithm instead of playing the run; its ``[[parts.steps]]`` name no phase
and are shown one after the other, each may move the figure's selection
(``select``). Any entry may ``ask`` a question, shown before its step.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from tuiclust.core.steps import Phase, Step
from tuiclust.errors import UsageError, first_line
from tuiclust.io.opening import open_regular_file
from tuiclust.pipeline.hand_edits import MANUAL, centres_needed, check_placed, dataset_limits, init_key
from tuiclust.pipeline.limits import SPEED_RANGE
from tuiclust.pipeline.spec import AlgorithmSpec, DataSpec, RunSpec
from tuiclust.pipeline.vocabulary import ALGORITHM_NAMES, ALGORITHMS, FIGURE_NAMES, FIGURES
from tuiclust.safe_text import printable

__all__ = [
    "MIN_SIZE",
    "PHASES",
    "Narration",
    "Playback",
    "Scene",
    "SceneError",
    "ScenePart",
    "StagedFigure",
    "builtin_scene_names",
    "builtin_scenes_dir",
    "is_scene_reference",
    "load_scene",
    "parse_size",
]

SCENE_SUFFIX = ".toml"

# The phases each algorithm goes through: what a narration's `on` may name.
PHASES: dict[str, tuple[Phase, ...]] = {name: entry.phases for name, entry in ALGORITHMS.items()}

# The explorer is designed for 80x24 and up; a smaller recording would only
# show its "terminal too small" message.
MIN_SIZE = (80, 24)
MAX_SIZE = (400, 150)
DEFAULT_SIZE = (100, 30)

# A caption is one line under the plot: longer text would be cut off.
MAX_SAY_CHARS = 200


class SceneError(UsageError):
    """A scene file that cannot be used; the message is one line naming the file and key."""


# ---------------------------------------------------------------------------
# The validated values
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Narration:
    """One line of narration, shown when its phase comes up.

    Attributes
    ----------
    on : Phase or None
        The phase that triggers it; None in a part that stages a figure,
        whose entries are shown in order.
    say : str
        The text, one short line.
    iteration : int or None
        Only at this iteration (DBSCAN: this step number); None means at
        every step of that phase.
    hold : float or None
        Seconds the step stays on screen in play and record; None lets the
        player choose a reading time from the length of ``say``.
    key : str
        Where it was written, e.g. ``"parts[2].steps[1]"``, for messages.
    line : str or None
        What the code pane marks while this caption is up: a phase id
        (its lines) or a value name of the listing (``"shift"``: its one
        line); None marks the step's own phase.
    ask : str or None
        A question shown before the step (predict, then see): the previous
        screen stays with the question until a key is pressed (a recording
        holds it for a while), then the step and ``say`` are revealed.
    select : int, float, str or None
        In a figure part: what the figure selects from this entry on (a k,
        an eps, a grid row ...); None keeps the selection as it is.
    """

    on: Phase | None
    say: str
    iteration: int | None = None
    hold: float | None = None
    key: str = ""
    line: str | None = None
    ask: str | None = None
    select: int | float | str | None = None

    def matches(self, step: Step) -> bool:
        """True when this entry narrates ``step``."""
        return (
            self.on is not None
            and step.phase == self.on
            and (self.iteration is None or step.iteration == self.iteration)
        )


@dataclass(frozen=True)
class Playback:
    """How fast a scene plays and at what terminal size.

    Attributes
    ----------
    steps_per_second : float
        Pace of steps without narration.
    size : (int, int)
        Terminal columns and rows for ``tuiclust record``.
    title_seconds : float
        How long a part's title card stays on screen.
    end_seconds : float
        How long the last step stays on screen before the end (or the loop).
    code : bool
        Show the code pane in every part (a part's own ``code`` wins).
    """

    steps_per_second: float = 2.0
    size: tuple[int, int] = DEFAULT_SIZE
    title_seconds: float = 2.5
    end_seconds: float = 3.0
    code: bool = False


@dataclass(frozen=True)
class StagedFigure:
    """A lesson figure a part shows instead of its run.

    Attributes
    ----------
    kind : str
        One of :data:`tuiclust.pipeline.vocabulary.FIGURE_NAMES`.
    select : int, float, str or None
        What is selected when it opens: k (elbow), eps (k-distance), the
        number of components (BIC/AIC), ``"shape"`` or ``"shape/algorithm"``
        (comparison grid: a row or a cell highlighted); None for the figure's
        own choice (its suggestion).
    key : str
        Where it was written (``"parts[3].view"``).
    """

    kind: str
    select: int | float | str | None = None
    key: str = ""

    @property
    def title(self) -> str:
        """ "the elbow view", "the comparison grid" ..."""
        return FIGURES[self.kind].title


@dataclass(frozen=True)
class ScenePart:
    """One run of a scene: what to run, its title card and its narration.

    Attributes
    ----------
    title : str
        Shown on the part's title card.
    description : str
        One or two sentences under the title on the card ("" for none).
    spec : RunSpec
        The data and the algorithm, ready for the explorer.
    narration : tuple of Narration
        The part's own entries first, then the scene's shared ones (a
        figure part has only its own, in the order they are shown).
    code : bool
        The code pane is shown while this part plays.
    figure : StagedFigure or None
        The figure the part stages instead of playing its run.
    """

    title: str
    description: str
    spec: RunSpec
    narration: tuple[Narration, ...] = ()
    code: bool = False
    figure: StagedFigure | None = None

    def narration_for(self, step: Step) -> Narration | None:
        """The entry that narrates ``step``, or None.

        An entry naming the step's iteration wins over one for every
        iteration; otherwise the first matching entry wins (the part's own
        entries come before the scene's shared ones).
        """
        fallback = None
        for entry in self.narration:
            if entry.matches(step):
                if entry.iteration is not None:
                    return entry
                if fallback is None:
                    fallback = entry
        return fallback

    def narrator(self, step: Step) -> str | None:
        """The caption for ``step``: its narration text, or None."""
        entry = self.narration_for(step)
        return entry.say if entry is not None else None

    def code_line(self, step: Step) -> str | None:
        """What the code pane marks at ``step`` instead of its phase (the entry's ``line``), or None."""
        entry = self.narration_for(step)
        return entry.line if entry is not None else None


@dataclass(frozen=True)
class Scene:
    """A validated lesson scene.

    Attributes
    ----------
    name : str
        The file name without ``.toml``.
    path : Path
    title, description : str
    playback : Playback
    parts : tuple of ScenePart
        One or more runs, played one after the other.
    has_parts : bool
        True when the file has ``[[parts]]`` (each part then gets its own
        title card); False for a scene that is a single run.
    """

    name: str
    path: Path
    title: str
    description: str
    playback: Playback
    parts: tuple[ScenePart, ...]
    has_parts: bool = False


# ---------------------------------------------------------------------------
# Finding scenes
# ---------------------------------------------------------------------------


def builtin_scenes_dir() -> Path:
    """The folder of the shipped scenes.

    Installed, they are the data-only package ``tuiclust.scenes`` (mapped
    from the top-level ``scenes/`` folder by pyproject.toml); in a source
    checkout they are that folder itself, beside the package.
    """
    package = Path(__file__).resolve().parent.parent
    installed = package / "scenes"
    return installed if installed.is_dir() else package.parent / "scenes"


def builtin_scene_names() -> list[str]:
    """Names of the built-in scenes, sorted."""
    folder = builtin_scenes_dir()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob(f"*{SCENE_SUFFIX}"))


def is_scene_reference(arg: str) -> bool:
    """True when a command-line argument names a scene: a ``.toml`` path or a built-in name."""
    return arg.endswith(SCENE_SUFFIX) or arg in builtin_scene_names()


def _scene_path(name_or_path: str) -> Path:
    if name_or_path.endswith(SCENE_SUFFIX) or "/" in name_or_path or "\\" in name_or_path:
        path = Path(name_or_path).expanduser()
        if not path.exists():
            raise SceneError(f"{name_or_path}: no such scene file")
        if path.is_dir():
            raise SceneError(f"{name_or_path}: is a folder, not a scene file")
        return path  # a pipe or a device is refused when it is opened
    path = builtin_scenes_dir() / f"{name_or_path}{SCENE_SUFFIX}"
    if path.is_file():
        return path
    names = builtin_scene_names()
    close = difflib.get_close_matches(name_or_path, names, n=1)
    hint = f' (did you mean "{close[0]}"?)' if close else ""
    raise SceneError(
        f"no scene named {name_or_path!r}{hint}; `tuiclust scenes` lists them, or give a path to a .toml file"
    )


def load_scene(name_or_path: str, *, allow_outside: bool = False) -> Scene:
    """Read and validate a scene: a built-in name (``kmeans-basics``) or a path to a TOML file.

    A scene's ``csv`` may name only files inside the scene's folder (after
    resolving symlinks and ``..``), so that a scene from elsewhere cannot make
    tuiclust read, show or quote another file; ``allow_outside`` (the command
    line's ``--allow-outside``) lifts that.

    Raises
    ------
    SceneError
        (a :class:`~tuiclust.errors.UsageError`) with one line naming the
        file and the key path of the first problem.
    """
    path = _scene_path(name_or_path)
    try:
        with open_regular_file(path, what="scene file") as f:  # a FIFO would block forever
            text = f.read().decode("utf-8")
    except SceneError:
        raise
    except UsageError as exc:  # a named pipe or a device
        raise SceneError(str(exc)) from None
    except UnicodeDecodeError:
        raise SceneError(f"{path.name}: not UTF-8 text; save the scene as UTF-8") from None
    except OSError as exc:
        raise SceneError(f"{path.name}: cannot read it ({exc.strerror or exc})") from None
    return parse_scene(text, path, allow_outside=allow_outside)


def parse_scene(text: str, path: Path, *, allow_outside: bool = False) -> Scene:
    """Validate the TOML ``text`` of the scene file at ``path`` (used for relative CSV paths).

    ``allow_outside``: let ``csv`` name files outside the scene's folder.
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SceneError(f"{path.name}: {_toml_error(exc)}") from None
    except RecursionError:  # tomllib recurses once per level of nested arrays and inline tables
        raise SceneError(
            f"{path.name}: arrays or inline tables nested too deeply; a scene needs a few levels at most"
        ) from None
    return _SceneReader(path, allow_outside=allow_outside).scene(doc)


def parse_size(text: str, *, where: str = "size") -> tuple[int, int]:
    """Parse ``"COLSxROWS"`` into (columns, rows) within the supported range.

    Raises
    ------
    ValueError
        Naming ``where``, for a bad form or a size out of range.
    """
    match = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", text) if isinstance(text, str) else None
    lo, hi = MIN_SIZE, MAX_SIZE
    if match is None:
        raise ValueError(f'{where} must look like "100x30" (columns x rows), got {_show(text)}')
    cols, rows = int(match[1]), int(match[2])
    if not (lo[0] <= cols <= hi[0] and lo[1] <= rows <= hi[1]):
        raise ValueError(f"{where} must be from {lo[0]}x{lo[1]} to {hi[0]}x{hi[1]}, got {_show(text)}")
    return cols, rows


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


def _toml_error(exc: tomllib.TOMLDecodeError) -> str:
    # Python 3.11's TOMLDecodeError has no line attribute; the position is
    # at the end of its message: "Invalid value (at line 3, column 15)".
    message = str(exc)
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if match:
        what = message[: match.start()].rstrip(".")
        return f"line {match[1]}, column {match[2]}: invalid TOML: {what[:1].lower()}{what[1:]}"
    match = re.search(r"\s*\(at end of document\)$", message)
    if match:
        what = message[: match.start()]
        return f"at the end of the file: invalid TOML: {what[:1].lower()}{what[1:]}"
    return f"invalid TOML: {message}"


def _show(value: Any) -> str:
    """A value as TOML would write it, short, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        text = json.dumps(value, default=str, ensure_ascii=False)
    elif isinstance(value, (int, float, str)):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


class _Table:
    """Reads the keys of one TOML table, checking types; finish() rejects the rest."""

    def __init__(self, reader: _SceneReader, table: dict[str, Any], where: str) -> None:
        self.reader = reader
        self.table = table
        self.where = where
        self.used: set[str] = set()

    def key(self, key: str) -> str:
        return _join(self.where, key)

    def fail(self, key: str, problem: str) -> SceneError:
        return self.reader.fail(f"{self.key(key)} {problem}")

    def has(self, key: str) -> bool:
        return key in self.table

    def raw(self, key: str) -> Any:
        self.used.add(key)
        return self.table.get(key)

    def string(
        self,
        key: str,
        *,
        required: bool = False,
        default: str | None = None,
        choices: tuple[str, ...] | None = None,
        nonempty: bool = True,
    ) -> str | None:
        if key not in self.table:
            if required:
                raise self.reader.fail(f"{self.key(key)} is missing")
            return default
        value = self.raw(key)
        if not isinstance(value, str):
            raise self.fail(key, f"must be a string, got {_show(value)}")
        if choices is not None and value not in choices:
            close = difflib.get_close_matches(value, choices, n=1)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            raise self.fail(key, f"must be one of {', '.join(choices)}; got {_show(value)}{hint}")
        if nonempty and not value.strip():
            raise self.fail(key, "must not be empty")
        return value

    def integer(self, key: str, *, low: int, high: int | None = None, default: int | None = None) -> int | None:
        if key not in self.table:
            return default
        value = self.raw(key)
        allowed = f"an integer >= {low}" if high is None else f"an integer from {low} to {high}"
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"must be {allowed}, got {_show(value)}")
        if value < low or (high is not None and value > high):
            raise self.fail(key, f"must be {allowed}, got {_show(value)}")
        return value

    def number(
        self, key: str, *, low: float, high: float | None = None, strict_low: bool = False, default: float | None = None
    ) -> float | None:
        if key not in self.table:
            return default
        value = self.raw(key)
        op = ">" if strict_low else ">="
        allowed = f"a number {op} {low:g}" + (f" and <= {high:g}" if high is not None else "")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.fail(key, f"must be {allowed}, got {_show(value)}")
        if value < low or (strict_low and value == low) or (high is not None and value > high):
            raise self.fail(key, f"must be {allowed}, got {_show(value)}")
        return float(value)

    def boolean(self, key: str, *, default: bool) -> bool:
        if key not in self.table:
            return default
        value = self.raw(key)
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false, got {_show(value)}")
        return value

    def subtable(self, key: str) -> _Table | None:
        if key not in self.table:
            return None
        value = self.raw(key)
        if not isinstance(value, dict):
            raise self.fail(key, f"must be a table ([{self.key(key)}]), got {_show(value)}")
        return _Table(self.reader, value, self.key(key))

    def tables(self, key: str) -> list[_Table]:
        if key not in self.table:
            return []
        value = self.raw(key)
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(key, f"must be an array of tables ([[{self.key(key)}]]), got {_show(value)}")
        return [_Table(self.reader, v, f"{self.key(key)}[{i}]") for i, v in enumerate(value, start=1)]

    def finish(self, allowed: tuple[str, ...]) -> None:
        """Reject any key that was not read."""
        for key in self.table:
            if key not in self.used:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f'; did you mean "{close[0]}"?' if close else f"; allowed keys: {', '.join(allowed)}"
                raise self.reader.fail(f"{self.key(key)} is not a known key{hint}")


_TOP_KEYS = ("title", "description", "data", "algorithm", "playback", "steps", "parts")
_PART_KEYS = ("title", "description", "data", "algorithm", "view", "steps", "code")
_DATA_KEYS = (
    "generator",
    "csv",
    "n_samples",
    "noise",
    "seed",
    "scale",
    "columns",
    "x",
    "y",
    "drop_missing",
)
_PLAYBACK_KEYS = ("steps_per_second", "size", "title_seconds", "end_seconds", "code")
_STEP_KEYS = ("on", "iteration", "say", "hold", "line", "ask")
_FIGURE_STEP_KEYS = ("say", "hold", "ask", "select")
_VIEW_KEYS = ("kind", "select")
_GENERATOR_ONLY = ("n_samples", "noise")
_CSV_ONLY = ("columns", "x", "y", "drop_missing")


@dataclass
class _RawPart:
    """A part's settings before merging with the scene's defaults."""

    title: str
    description: str
    data: dict[str, Any]  # key -> (value, key path)
    algorithm: dict[str, Any]
    steps: list[_Table]
    where: str
    code: bool | None = None  # the part's own `code`, None to follow [playback]
    view: _Table | None = None


class _SceneReader:
    """Turns a parsed TOML document into a :class:`Scene`, or raises a SceneError."""

    def __init__(self, path: Path, *, allow_outside: bool = False) -> None:
        self.path = path
        self.allow_outside = allow_outside

    def fail(self, problem: str) -> SceneError:
        return SceneError(f"{self.path.name}: {problem}")

    # ----------------------------------------------------------------- scene
    def scene(self, doc: dict[str, Any]) -> Scene:
        top = _Table(self, doc, "")
        title, description = self._words(top)
        data = self._raw_section(top, "data")
        algorithm = self._raw_section(top, "algorithm")
        playback = self.playback(top.subtable("playback"))
        shared_steps = top.tables("steps")
        part_tables = top.tables("parts")
        top.finish(_TOP_KEYS)

        if not part_tables:
            raw_parts = [_RawPart(title, description, {}, {}, shared_steps, "")]
            shared_steps = []
        else:
            raw_parts = [self._raw_part(t) for t in part_tables]

        parts = []
        algorithms_used = set()
        previous: RunSpec | None = None
        for raw in raw_parts:
            kind = self._figure_kind(raw.view)
            merged_data, merged_algorithm = _merge_data(data, raw.data), _merge_algorithm(algorithm, raw.algorithm)
            if kind == "comparison" and not merged_data and not merged_algorithm:
                # The grid has its own six data sets: the part keeps the run before it on screen.
                spec = previous if previous is not None else RunSpec()
            else:
                spec = self.run_spec(merged_data, merged_algorithm, raw.where)
            previous = spec
            figure = self.figure(raw.view, kind, spec) if raw.view is not None else None
            if figure is None:
                algorithms_used.add(spec.algorithm.name)
                own = tuple(self.narration(t, {spec.algorithm.name}) for t in raw.steps)
            else:
                own = tuple(self.figure_narration(t, figure) for t in raw.steps)
            parts.append((raw, spec, own, figure))
        shared = tuple(self.narration(t, algorithms_used) for t in shared_steps) if algorithms_used else ()
        if shared_steps and not algorithms_used:
            raise self.fail(
                "steps: every part stages a figure, so no step has a phase to narrate; "
                "give each part its own [[parts.steps]]"
            )
        return Scene(
            name=self.path.stem,
            path=self.path,
            title=title,
            description=description,
            playback=playback,
            parts=tuple(
                ScenePart(
                    title=raw.title,
                    description=raw.description,
                    spec=spec,
                    narration=own
                    if figure is not None
                    else (own + tuple(n for n in shared if n.on in PHASES[spec.algorithm.name])),
                    code=self._part_code(raw, spec, own + shared, playback),
                    figure=figure,
                )
                for raw, spec, own, figure in parts
            ),
            has_parts=bool(part_tables),
        )

    def _raw_section(self, table: _Table, key: str) -> dict[str, tuple[Any, str]]:
        section = table.subtable(key)
        if section is None:
            return {}
        section.used.update(section.table)  # checked once merged, with their paths
        return {k: (v, section.key(k)) for k, v in section.table.items()}

    def _words(self, table: _Table) -> tuple[str, str]:
        """Title and description, without the control characters a terminal would obey."""
        title = printable(table.string("title", required=True) or "")
        if not title.strip():
            raise table.fail("title", "must not be empty (it holds only control characters)")
        return title, printable(table.string("description", default="", nonempty=False) or "", newlines=True)

    def _raw_part(self, table: _Table) -> _RawPart:
        title, description = self._words(table)
        data = self._raw_section(table, "data")
        algorithm = self._raw_section(table, "algorithm")
        view = table.subtable("view")
        steps = table.tables("steps")
        code = table.boolean("code", default=False) if table.has("code") else None
        table.finish(_PART_KEYS)
        return _RawPart(title, description, data, algorithm, steps, table.where, code, view)

    # ---------------------------------------------------------------- figures
    def _figure_kind(self, table: _Table | None) -> str | None:
        if table is None:
            return None
        return table.string("kind", required=True, choices=FIGURE_NAMES)

    def figure(self, table: _Table, kind: str | None, spec: RunSpec) -> StagedFigure:
        """The ``[parts.view]`` table: a figure for the part's data and algorithm, and what it selects."""
        assert kind is not None
        entry = FIGURES[kind]
        if entry.algorithm is not None and spec.algorithm.name != entry.algorithm:
            raise table.fail(
                "kind",
                f"is {_show(kind)}, which is for {entry.algorithm} runs, but the part's algorithm is "
                f'{spec.algorithm.name}; set algorithm.name = "{entry.algorithm}" in this part',
            )
        select = self._select(table, "select", entry.select) if table.has("select") else None
        table.finish(_VIEW_KEYS)
        return StagedFigure(kind, select, table.where)

    def _select(self, table: _Table, key: str, what: str) -> int | float | str:
        """A figure's selection: a k or a number of components, an eps, or a grid row or cell."""
        from tuiclust.analysis.comparison import ALGORITHMS as GRID_ALGORITHMS
        from tuiclust.analysis.comparison import SHAPES
        from tuiclust.analysis.elbow_curve import K_MAX
        from tuiclust.analysis.information_criteria import N_MAX

        if what == "n_clusters":
            return table.integer(key, low=1, high=K_MAX)  # type: ignore[return-value]
        if what == "n_components":
            return table.integer(key, low=1, high=N_MAX)  # type: ignore[return-value]
        if what == "eps":
            return table.number(key, low=0.0, strict_low=True)  # type: ignore[return-value]
        if what == "cell":
            value = table.raw(key)
            shape, _, algo = value.partition("/") if isinstance(value, str) else ("", "", "")
            if shape not in SHAPES or (algo and algo not in GRID_ALGORITHMS) or (not algo and "/" in value):
                raise table.fail(
                    key,
                    f'must be a grid row ({", ".join(SHAPES)}) or a cell "row/algorithm" '
                    f'(e.g. "moons/dbscan"; algorithms: {", ".join(GRID_ALGORITHMS)}), got {_show(value)}',
                )
            return value
        raise table.fail(key, "is not used by this figure, which has nothing to select; leave it out")

    def figure_narration(self, table: _Table, figure: StagedFigure) -> Narration:
        """An entry of a figure part: no phase, shown in order; it may move the selection."""
        for key in ("on", "iteration"):
            if table.has(key):
                raise table.fail(
                    key, f"does not apply: {figure.title} has no phases, its entries are shown in order; leave it out"
                )
        say = self._line(table, "say", required=True)
        assert say is not None
        hold = table.number("hold", low=0.0, high=60.0, strict_low=True)
        ask = self._line(table, "ask")
        select = self._select(table, "select", FIGURES[figure.kind].select) if table.has("select") else None
        table.finish(_FIGURE_STEP_KEYS)
        return Narration(on=None, say=say, hold=hold, key=table.where, ask=ask, select=select)

    def _line(self, table: _Table, key: str, *, required: bool = False) -> str | None:
        """A caption or a question: one line on screen, whatever the TOML looked like, and short."""
        text = table.string(key, required=required)
        if text is None:
            return None
        text = " ".join(printable(text).split())  # no control characters a terminal would obey
        if not text:
            raise table.fail(key, "must not be empty (it holds only control characters)")
        if len(text) > MAX_SAY_CHARS:
            raise table.fail(key, f"is {len(text)} characters long; keep narration under {MAX_SAY_CHARS}")
        return text

    # --------------------------------------------------------------- run spec
    def run_spec(self, data: dict[str, tuple[Any, str]], algorithm: dict[str, tuple[Any, str]], where: str) -> RunSpec:
        data_spec = self.data(data, where)
        return RunSpec(data=data_spec, algorithm=self.algorithm(algorithm, data_spec, where))

    def data(self, entries: dict[str, tuple[Any, str]], where: str) -> DataSpec:
        table = _MergedTable(self, entries, _join(where, "data"))
        if not entries:
            raise self.fail(f'{table.where} is missing: give [data] with generator = "blobs" or csv = "file.csv"')
        has_generator, has_csv = table.has("generator"), table.has("csv")
        if has_generator and has_csv:
            raise self.fail(f"{table.key('csv')}: give either data.generator or data.csv, not both")
        if not has_generator and not has_csv:
            raise self.fail(f'{table.where} needs generator = "<built-in data set>" or csv = "<file>"')
        for key in _CSV_ONLY if has_generator else _GENERATOR_ONLY:
            if table.has(key):
                raise table.fail(key, f"only applies to {'csv' if has_generator else 'generator'} data")

        seed = table.integer("seed", low=0, default=0)
        scale = table.string("scale", default="none", choices=("none", "standard", "minmax"))
        if has_generator:
            from tuiclust.core.datasets import DATASETS

            generator = table.string("generator", choices=tuple(DATASETS))
            n_samples = table.integer("n_samples", low=1)
            noise = table.number("noise", low=0.0)
            table.finish(_DATA_KEYS)
            self._check_generator(table, generator, n_samples, noise, seed)
            return DataSpec(source=generator, n_samples=n_samples, noise=noise, seed=seed, scale=scale)

        csv_name = table.string("csv")
        if "\x00" in csv_name:  # the file system cannot name it (and resolve() would raise)
            raise table.fail("csv", f"{_show(csv_name)} holds a NUL character; give a file name")
        csv_path = self._csv_path(table, csv_name)
        if not csv_path.is_file():
            problem = "is a folder" if csv_path.is_dir() else "does not exist"
            problem = "is not a regular file" if csv_path.exists() and not csv_path.is_dir() else problem
            raise table.fail("csv", f"{_show(csv_name)} {problem} (looked for {csv_path})")
        columns = self._columns(table)
        x = self._column(table, "x")
        y = self._column(table, "y")
        drop_missing = table.boolean("drop_missing", default=False)
        table.finish(_DATA_KEYS)
        return DataSpec(
            source=str(csv_path), seed=seed, scale=scale, columns=columns, x=x, y=y, drop_missing=drop_missing
        )

    def _csv_path(self, table: _MergedTable, csv_name: str) -> Path:
        """The resolved path of ``csv``: inside the scene's folder unless ``allow_outside``."""
        folder = self.path.parent.resolve()
        csv_path = (folder / Path(csv_name).expanduser()).resolve()  # symlinks and .. resolved
        if not self.allow_outside and not csv_path.is_relative_to(folder):
            raise table.fail(
                "csv",
                f"{_show(csv_name)} is outside the scene's folder ({folder}); a scene reads only its own "
                "files: copy the data beside the scene, or pass --allow-outside if you trust this scene",
            )
        return csv_path

    def _check_generator(
        self, table: _MergedTable, name: str, n_samples: int | None, noise: float | None, seed: int
    ) -> None:
        # The generator knows its own limits (fixed layouts have a maximum size).
        from tuiclust.core.datasets import make_dataset

        try:
            make_dataset(name, n_samples=n_samples, noise=noise, random_state=seed)
        except ValueError as exc:
            raise self._value_error(table, exc, {"n_samples": n_samples, "noise": noise}) from None

    def _columns(self, table: _MergedTable) -> tuple[str, ...] | None:
        if not table.has("columns"):
            return None
        value = table.raw("columns")
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value)
        ):
            raise table.fail(
                "columns", f"must be a non-empty array of column names or 0-based indexes, got {_show(value)}"
            )
        return tuple(str(v) for v in value)

    def _column(self, table: _MergedTable, key: str) -> str | None:
        if not table.has(key):
            return None
        value = table.raw(key)
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise table.fail(key, f"must be a column name or a 0-based index, got {_show(value)}")
        return str(value)

    def algorithm(self, entries: dict[str, tuple[Any, str]], data: DataSpec, where: str) -> AlgorithmSpec:
        table = _MergedTable(self, entries, _join(where, "algorithm"))
        if not entries:
            raise self.fail(f"{table.where} is missing: give [algorithm] with name = {_names_in_words(quoted=True)}")
        if not table.has("name"):
            raise self.fail(f"{table.key('name')} is missing: use {_names_in_words()}")
        name = table.string("name", choices=ALGORITHM_NAMES)
        allowed = _parameter_names(name)
        params: dict[str, Any] = {}
        start_key, placed = init_key(name), None
        for key in entries:
            if key == "name":
                continue
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f'; did you mean "{close[0]}"?' if close else f"; its parameters are {', '.join(allowed)}"
                raise self.fail(f"{table.key(key)} is not a parameter of {name}{hint}")
            params[key] = table.raw(key)
            if key == start_key and isinstance(params[key], list):
                placed, params[key] = params[key], MANUAL  # a hand-placed start: [[x, y], ...] in plot units
        spec = AlgorithmSpec(name, MappingProxyType(params))
        self._check_algorithm(table, spec, data)
        self._check_cluster_count(table, spec, data)
        if placed is not None:
            spec = replace(spec, placed=self._placed(table, str(start_key), placed, spec, data))
        return spec

    def _placed(self, table: _MergedTable, key: str, value: list[Any], spec: AlgorithmSpec, data: DataSpec) -> tuple:
        """Hand-placed centres: pairs, as many as k, distinct, inside the data's plot range."""
        from tuiclust.pipeline.data import load_dataset
        from tuiclust.pipeline.estimators import resolved_params

        count = centres_needed(
            spec, resolved_params(spec, dataset=None if data.is_file else data.source, seed=data.seed)
        )
        try:
            pairs = check_placed(value, key=table.key(key), count=count, limits=None)
            check_placed(pairs, key=table.key(key), count=count, limits=dataset_limits(load_dataset(data)))
        except UsageError as exc:
            raise self.fail(str(exc)) from None
        return pairs

    def _check_cluster_count(self, table: _MergedTable, spec: AlgorithmSpec, data: DataSpec) -> None:
        # Caught here rather than half-way through a recording.
        if data.is_file:
            return
        from tuiclust.core.datasets import DEFAULT_N_SAMPLES

        n_points = data.n_samples if data.n_samples is not None else DEFAULT_N_SAMPLES[data.source]
        for key in ("n_clusters", "n_components"):
            value = spec.params.get(key)
            if isinstance(value, int) and value > n_points:
                raise table.fail(
                    key, f"is {value}, more than the {n_points} points of the data; use at most {n_points}"
                )

    def _check_algorithm(self, table: _MergedTable, spec: AlgorithmSpec, data: DataSpec) -> None:
        # The estimator's constraint table checks the parameters (no estimator
        # is built); its ValueError names the parameter, which becomes the key path here.
        from tuiclust.pipeline.estimators import check_estimator_params

        try:
            check_estimator_params(spec, dataset=None if data.is_file else data.source, seed=data.seed)
        except (ValueError, TypeError) as exc:
            raise self._value_error(table, exc, dict(spec.params)) from None

    def _value_error(self, table: _MergedTable, exc: Exception, values: dict[str, Any]) -> SceneError:
        message = first_line(exc)
        for key, value in values.items():
            if message.startswith(f"{key} ") or message.startswith(f"{key}="):
                rest = message[len(key) :]
                if value is not None and rest.endswith(repr(value)):
                    rest = rest[: -len(repr(value))] + _show(value)
                return self.fail(f"{table.key(key)}{rest}")
        return self.fail(f"{table.where}: {message}")

    # --------------------------------------------------------------- playback
    def playback(self, table: _Table | None) -> Playback:
        if table is None:
            return Playback()
        low, high = SPEED_RANGE  # the range of every speed: --speed, play --speed
        steps_per_second = table.number("steps_per_second", low=low, high=high, default=2.0)
        size = DEFAULT_SIZE
        if table.has("size"):
            value = table.raw("size")
            try:
                size = parse_size(value, where=table.key("size"))
            except ValueError as exc:
                raise self.fail(str(exc)) from None
        title_seconds = table.number("title_seconds", low=0.0, high=60.0, default=2.5)
        end_seconds = table.number("end_seconds", low=0.0, high=60.0, default=3.0)
        code = table.boolean("code", default=False)
        table.finish(_PLAYBACK_KEYS)
        return Playback(steps_per_second, size, title_seconds, end_seconds, code)

    # -------------------------------------------------------------- narration
    def narration(self, table: _Table, algorithms: set[str]) -> Narration:
        phases = [p for name in ALGORITHM_NAMES if name in algorithms for p in PHASES[name]]
        allowed = tuple(dict.fromkeys(p.value for p in phases))
        if not table.has("on"):
            raise self.fail(f"{table.key('on')} is missing: name a phase ({', '.join(allowed)})")
        on_value = table.raw("on")
        if not isinstance(on_value, str):
            raise table.fail("on", f"must be a phase name, got {_show(on_value)}")
        if on_value not in allowed:
            what = " or ".join(sorted(algorithms))
            known = on_value in {p.value for p in Phase}
            problem = f"{_show(on_value)} is not a phase of {what}" if known else f"{_show(on_value)} is not a phase"
            raise self.fail(f"{table.key('on')}: {problem}; use one of {', '.join(allowed)}")
        iteration = table.integer("iteration", low=0)
        say = self._line(table, "say", required=True)
        assert say is not None
        hold = table.number("hold", low=0.0, high=60.0, strict_low=True)
        line = self._code_line(table, algorithms)
        ask = self._line(table, "ask")
        if table.has("select"):
            raise table.fail("select", "only applies in a part with [parts.view]; leave it out")
        table.finish(_STEP_KEYS)
        return Narration(
            on=Phase(on_value), say=say, iteration=iteration, hold=hold, key=table.where, line=line, ask=ask
        )

    # ------------------------------------------------------------ code pane
    def _code_line(self, table: _Table, algorithms: set[str]) -> str | None:
        """A narration's ``line``: a phase or value name of the listing of one of ``algorithms``."""
        if not table.has("line"):
            return None
        from tuiclust.listings import line_names

        names = tuple(dict.fromkeys(n for a in ALGORITHM_NAMES if a in algorithms for n in line_names(a)))
        if not names:
            titles = " and ".join(ALGORITHMS[a].title for a in sorted(algorithms))
            raise table.fail("line", f"has nothing to point at: {titles} has no listing in the code pane")
        return table.string("line", choices=names)

    def _part_code(self, raw: _RawPart, spec: RunSpec, narration: tuple[Narration, ...], playback: Playback) -> bool:
        """Whether the code pane shows in a part; a ``line`` needs it shown."""
        code = raw.code if raw.code is not None else playback.code
        if not code:
            pointing = next((n for n in narration if n.line is not None and n.on in PHASES[spec.algorithm.name]), None)
            if pointing is not None:
                raise self.fail(
                    f"{pointing.key}.line points at the code pane, which this part does not show; "
                    "set code = true in [playback] or in the part"
                )
        return code


class _MergedTable(_Table):
    """A table whose values carry their own key paths (after merging a part over the defaults)."""

    def __init__(self, reader: _SceneReader, entries: dict[str, tuple[Any, str]], where: str) -> None:
        super().__init__(reader, {k: v for k, (v, _) in entries.items()}, where)
        self.paths = {k: p for k, (_, p) in entries.items()}

    def key(self, key: str) -> str:
        return self.paths.get(key, _join(self.where, key))


def _merge_data(base: dict[str, tuple[Any, str]], override: dict[str, tuple[Any, str]]) -> dict[str, tuple[Any, str]]:
    merged = dict(base)
    # A part that switches between generator and csv drops the other source
    # and the keys that only made sense for it.
    if "csv" in override:
        for key in ("generator",) + _GENERATOR_ONLY:
            merged.pop(key, None)
    if "generator" in override:
        for key in ("csv",) + _CSV_ONLY:
            merged.pop(key, None)
    merged.update(override)
    return merged


def _merge_algorithm(
    base: dict[str, tuple[Any, str]], override: dict[str, tuple[Any, str]]
) -> dict[str, tuple[Any, str]]:
    # Parameters belong to one algorithm: a part naming another algorithm
    # starts from that part's table alone.
    if "name" in override and "name" in base and override["name"][0] != base["name"][0]:
        return dict(override)
    return {**base, **override}


def _parameter_names(algorithm: str) -> tuple[str, ...]:
    """The parameters of an algorithm's estimator, in constructor order."""
    return ALGORITHMS[algorithm].estimator_class().parameter_names()


def _names_in_words(*, quoted: bool = False) -> str:
    """ "kmeans, dbscan or gmm" (the vocabulary's names)."""
    names = [f'"{n}"' if quoted else n for n in ALGORITHM_NAMES]
    return f"{', '.join(names[:-1])} or {names[-1]}"
