"""How each explorer key turns one :class:`~tuiclust.spec.RunSpec` into the next.

Pure functions: a key never mutates a spec, it builds a new one, and the app
loads it as a new run. Kept apart from the widgets so that the rules (what
"+" means for DBSCAN, which parameters a new data set resets) are easy to
read and to test.
"""

from __future__ import annotations

import math
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from tuiclust.core.constraints import LARGEST_MAGNITUDE
from tuiclust.core.options import SCALINGS
from tuiclust.pipeline.estimators import resolved_params
from tuiclust.pipeline.spec import AlgorithmSpec, RunSpec
from tuiclust.pipeline.vocabulary import ALGORITHMS, algorithm, parameter, title_of

__all__ = [
    "MAIN_PARAMETER",
    "SAMPLE_SIZES",
    "SECOND_PARAMETER",
    "SPEEDS",
    "algorithm_title",
    "dataset_names",
    "effective_params",
    "format_speed",
    "next_scaling",
    "next_speed",
    "nice_step",
    "parameter_label",
    "step_dataset",
    "step_main",
    "step_samples",
    "step_second",
    "step_start",
    "with_algorithm",
    "with_seed",
    "without_size",
]

# The parameter that "+"/"-" changes, and the one "["/"]" changes, per algorithm.
MAIN_PARAMETER = {name: entry.main.name for name, entry in ALGORITHMS.items()}
SECOND_PARAMETER = {name: entry.second.name for name, entry in ALGORITHMS.items()}

SPEEDS: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
MAX_CLUSTERS = 30
# "<" / ">": sizes a lesson steps through, from "count them" to "too many to see one by one".
SAMPLE_SIZES: tuple[int, ...] = (50, 100, 200, 300, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000)
# Parameters a data set suggests: a new data set takes its own suggestions.
_DATA_DEPENDENT = frozenset(
    name
    for entry in ALGORITHMS.values()
    for name in ((entry.cluster_count,) if entry.cluster_count else ()) + entry.suggested
)
# Readable eps values: 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten.
_NICE_MANTISSAS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)
# Below this, numbers lose precision (subnormal floats) and distances underflow.
_SMALLEST_NICE = 1e-300


def parameter_label(name: str) -> str:
    """The short name shown for a constructor parameter (``n_clusters`` -> ``k``)."""
    entry = parameter(name)
    return entry.label if entry is not None else name


def dataset_names() -> tuple[str, ...]:
    """Built-in data set names in their registry order."""
    from tuiclust.core.datasets import DATASETS

    return tuple(DATASETS)


def effective_params(spec: RunSpec) -> dict[str, Any]:
    """The constructor parameters this spec runs with (defaults and data set suggestions filled in)."""
    dataset = None if spec.data.is_file else spec.data.source
    return resolved_params(spec.algorithm, dataset=dataset, seed=spec.data.seed)


def _with_params(spec: RunSpec, **changes: Any) -> RunSpec:
    return replace(spec, algorithm=spec.algorithm.with_params(**changes))


def with_algorithm(spec: RunSpec, name: str, remembered: dict[str, Any] | None = None) -> RunSpec:
    """The same data with another algorithm, with the parameters it last had (``remembered``)."""
    algorithm(name)  # refuses an unknown name
    params = dict(remembered or {})
    return replace(spec, algorithm=AlgorithmSpec(name, MappingProxyType(params)))


def nice_step(value: float, direction: int) -> float:
    """The next readable number above (direction > 0) or below ``value``.

    >>> nice_step(0.3, +1), nice_step(0.3, -1), nice_step(0.27, +1)
    (0.4, 0.25, 0.3)

    Raises
    ------
    ValueError
        At the ends of the range (no readable number beyond): below, the
        floating-point range; above, the largest magnitude a parameter may
        have (:data:`~tuiclust.core.constraints.LARGEST_MAGNITUDE`).
    """
    if value <= 0 or not math.isfinite(value):
        return 0.1
    exponent = math.floor(math.log10(value))
    ladder = []
    for e in (exponent - 1, exponent, exponent + 1):
        for m in _NICE_MANTISSAS:
            try:
                v = float(f"{m * 10.0**e:.6g}")  # 0.30000000000000004 -> 0.3
            except OverflowError:  # beyond 1.8e308
                continue
            if v >= _SMALLEST_NICE and math.isfinite(v):
                ladder.append(v)
    if direction > 0:
        above = [v for v in ladder if value * (1 + 1e-9) < v <= LARGEST_MAGNITUDE]
        if not above:
            raise ValueError(f"{value:g} is as large as a number here can be")
        return min(above)
    below = [v for v in ladder if v < value * (1 - 1e-9)]
    if not below:
        raise ValueError(f"{value:g} is as small as a number here can be")
    return max(below)


def step_main(spec: RunSpec, direction: int) -> RunSpec:
    """ "+" / "-": k or components by one, eps to the next readable value."""
    main = algorithm(spec.algorithm.name).main
    key = main.name
    current = effective_params(spec)[key]
    if main.kind == "float":
        try:
            new: Any = nice_step(float(current), direction)
        except ValueError:
            raise ValueError(
                f"{main.label} stays within 1e-300..{LARGEST_MAGNITUDE:.0e}; it is {float(current):g}"
            ) from None
    else:
        new = min(max(int(current) + direction, 1), MAX_CLUSTERS)
        if new == current:
            raise ValueError(f"{parameter_label(key)} stays within 1..{MAX_CLUSTERS}; it is {current}")
    return _with_params(spec, **{key: new})


def _cycle(values: tuple[str, ...], current: str, direction: int) -> str:
    i = values.index(current) if current in values else -direction
    return values[(i + direction) % len(values)]


def step_second(spec: RunSpec, direction: int) -> RunSpec:
    """ "]" / "[": the init method or covariance type in a cycle, min_samples by one."""
    second = algorithm(spec.algorithm.name).second
    key = second.name
    current = effective_params(spec)[key]
    if second.kind == "choice":
        new: Any = _cycle(second.choices, str(current), direction)
    else:
        new = int(current) + direction
        if new < second.low:
            raise ValueError(f"{second.label} must be at least {second.low:g}")
    return _with_params(spec, **{key: new})


def step_start(spec: RunSpec, direction: int) -> RunSpec:
    """ "g" / "G": the next or previous start (GMM ``init_params``, K-Means ``init``), in the vocabulary's order.

    Raises
    ------
    ValueError
        For an algorithm that has no start to choose.
    """
    from tuiclust.pipeline.hand_edits import init_key

    key = init_key(spec.algorithm.name)
    entry = parameter(key) if key is not None else None
    if entry is None:
        raise ValueError(f"{title_of(spec.algorithm.name)} has no start to choose: it begins from the data alone")
    current = str(effective_params(spec).get(key, entry.choices[0]))
    return _with_params(spec, **{key: _cycle(entry.choices, current, direction)})


def step_dataset(spec: RunSpec, direction: int) -> RunSpec:
    """ "d" / "D": the next or previous built-in data set, with that set's suggested parameters.

    A CSV file moves on to the first (or last) built-in set. The size chosen
    with ``-n`` is kept; the app falls back to the set's own size when a
    fixed layout cannot have it.
    """
    names = dataset_names()
    if not names:
        raise ValueError("no built-in data sets are available")
    if spec.data.source in names:
        new_name = names[(names.index(spec.data.source) + direction) % len(names)]
    else:
        new_name = names[0] if direction > 0 else names[-1]
    params = {k: v for k, v in spec.algorithm.params.items() if k not in _DATA_DEPENDENT}
    data = replace(spec.data, source=new_name, columns=None, x=None, y=None, drop_missing=False, added=(), removed=())
    return RunSpec(data, AlgorithmSpec(spec.algorithm.name, MappingProxyType(params)))


def step_samples(spec: RunSpec, direction: int, current: int) -> RunSpec:
    """ "<" / ">": fewer or more points of a built-in data set, along :data:`SAMPLE_SIZES`.

    Parameters
    ----------
    spec : RunSpec
    direction : {-1, 1}
    current : int
        The number of points on screen (the spec may leave it to the data set).
    """
    if spec.data.is_file:
        raise ValueError("a CSV file has the points it has; sample it with --columns or a smaller file")
    if direction > 0:
        bigger = [n for n in SAMPLE_SIZES if n > current]
        if not bigger:
            raise ValueError(f"{current:,} points is the most the explorer steps to; use -n for more")
        new = bigger[0]
    else:
        smaller = [n for n in SAMPLE_SIZES if n < current]
        if not smaller:
            raise ValueError(f"{current:,} points is the fewest the explorer steps to; use -n for fewer")
        new = smaller[-1]
    # Rows deleted by hand were rows of the old sample; points added by hand stay.
    return replace(spec, data=replace(spec.data, n_samples=new, removed=()))


def next_scaling(spec: RunSpec) -> RunSpec:
    """ "s": none -> standard -> minmax -> none. DBSCAN's eps is dropped, to be suggested anew."""
    new = SCALINGS[(SCALINGS.index(spec.data.scale) + 1) % len(SCALINGS)] if spec.data.scale in SCALINGS else "none"
    params = dict(spec.algorithm.params)
    if spec.algorithm.name == "dbscan":
        params.pop("eps", None)  # eps is a distance in data units: the old one means nothing now
    # Hand-placed points and centres were placed in the old scaling's units: they go too.
    data = replace(spec.data, scale=new, added=(), removed=())
    return RunSpec(data, AlgorithmSpec(spec.algorithm.name, MappingProxyType(params)))


def with_seed(spec: RunSpec, seed: int) -> RunSpec:
    """A new seed for the data generator and the algorithm's initialisation."""
    params = {k: v for k, v in spec.algorithm.params.items() if k != "random_state"}
    algo = AlgorithmSpec(spec.algorithm.name, MappingProxyType(params), spec.algorithm.placed)
    return RunSpec(replace(spec.data, seed=seed), algo)


def next_speed(current: float, direction: int) -> float:
    """The next playback speed (steps per second) up or down the ladder, clamped at its ends."""
    if direction > 0:
        faster = [s for s in SPEEDS if s > current + 1e-9]
        return faster[0] if faster else SPEEDS[-1]
    slower = [s for s in SPEEDS if s < current - 1e-9]
    return slower[-1] if slower else SPEEDS[0]


def without_size(spec: RunSpec) -> RunSpec:
    """The same spec with the data set's own size (for fixed layouts that cannot take ``-n``)."""
    return replace(spec, data=replace(spec.data, n_samples=None))


def format_speed(steps_per_second: float) -> str:
    """ "2 steps/s", "0.5 steps/s"."""
    return f"{steps_per_second:g} step{'' if steps_per_second == 1 else 's'}/s"


def algorithm_title(name: str) -> str:
    """ "K-Means", "DBSCAN", "Gaussian Mixture"."""
    return title_of(name)
