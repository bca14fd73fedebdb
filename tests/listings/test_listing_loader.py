"""The loader: what the code pane shows, which lines it marks for a step, and what it writes beside them."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

import tuiclust
from tuiclust.core import DBSCAN, GaussianMixture, KMeans, Phase, PointKind, Step
from tuiclust.core.datasets import make_dataset
from tuiclust.listings import (
    ALGORITHMS,
    LISTING_PHASES,
    MAX_ANNOTATION,
    Listing,
    annotations,
    listing_for,
    parse_listing,
    phase_lines,
)

PACKAGE = Path(tuiclust.__file__).resolve().parent
LISTINGS = PACKAGE / "listings"
NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?|[-+]?inf"


def _runs() -> dict[str, list[list[Step]]]:
    """Runs of each algorithm that between them reach every phase the core yields."""
    X = make_dataset("blobs", n_samples=200, random_state=0)[0]
    moons = make_dataset("moons", n_samples=200, random_state=0)[0]
    return {
        "kmeans": [
            list(KMeans(n_clusters=3, random_state=0).steps(X)),
            list(KMeans(n_clusters=3, init="random", random_state=2, max_iter=1).steps(X)),  # Stopped
        ],
        "dbscan": [
            list(DBSCAN(eps=0.2, min_samples=5).steps(moons)),
            list(DBSCAN(eps=1e-3, min_samples=5).steps(moons)),  # no core point: no Expand
        ],
        "gmm": [
            list(GaussianMixture(n_components=3, random_state=0).steps(X)),
            list(GaussianMixture(n_components=3, random_state=0, max_iter=1).steps(X)),  # Stopped
        ],
    }


RUNS = _runs()
ALL_STEPS = [(a, step) for a, runs in RUNS.items() for run in runs for step in run]


def _ids(case: tuple[str, Step]) -> str:
    return f"{case[0]}-{case[1].phase.value}-{case[1].iteration}"


# ---------------------------------------------------------------- the listing
@pytest.mark.parametrize("algorithm", list(ALGORITHMS))
def test_listing_is_cached_and_names_its_file(algorithm: str) -> None:
    listing = listing_for(algorithm)
    assert isinstance(listing, Listing)
    assert listing is listing_for(algorithm)
    assert listing.algorithm == algorithm
    assert (LISTINGS / listing.filename).is_file()


@pytest.mark.parametrize("algorithm", list(ALGORITHMS))
def test_tags_and_docstrings_are_never_shown(algorithm: str) -> None:
    listing = listing_for(algorithm)
    text = "\n".join(listing.lines)
    assert "\u2500" not in text  # the ── of the tags
    assert '"""' not in text and "'''" not in text
    assert all(line == line.rstrip() for line in listing.lines)
    assert listing.lines[0].strip() and listing.lines[-1].strip()
    assert not any(a == b == "" for a, b in zip(listing.lines, listing.lines[1:])), "runs of blank lines are cut"


@pytest.mark.parametrize("algorithm", list(ALGORITHMS))
def test_shown_lines_are_the_source_lines_in_order(algorithm: str) -> None:
    listing = listing_for(algorithm)
    source = (LISTINGS / listing.filename).read_text(encoding="utf-8")
    stripped = [re.sub(r"\s+# \u2500\u2500 \w+$", "", line.rstrip()) for line in source.splitlines()]
    position = 0
    for line in listing.lines:
        if not line:
            continue
        position = stripped.index(line, position) + 1  # raises if a shown line is not in the source, in order


@pytest.mark.parametrize("algorithm", list(ALGORITHMS))
def test_phases_cover_the_algorithms_phases_and_the_annotation_lines_are_inside(algorithm: str) -> None:
    listing = listing_for(algorithm)
    assert tuple(listing.phases) == LISTING_PHASES[algorithm]
    seen: set[int] = set()
    for phase, lines in listing.phases.items():
        assert lines and list(lines) == sorted(set(lines))
        assert all(0 <= i < len(listing.lines) and listing.lines[i].strip() for i in lines)
        assert not seen & set(lines), "a line belongs to one phase only"
        seen |= set(lines)
        assert listing.annotation_lines[phase] in lines
        assert set(listing.value_lines[phase].values()) <= set(lines)
        # Values are written beside code, never beside a comment line.
        assert all(i in listing.code_lines for i in listing.value_lines[phase].values())


@pytest.mark.parametrize("algorithm", list(ALGORITHMS))
def test_listing_lengths_stay_short(algorithm: str) -> None:
    listing = listing_for(algorithm)
    body = _algorithm_lines(algorithm)
    assert 15 <= len(body) <= 45, f"{algorithm}: {len(body)} algorithm lines"
    assert max(len(line) for line in listing.lines) <= 76


def _algorithm_lines(algorithm: str) -> list[int]:
    """Indices of shown code lines inside function bodies (no imports, no signatures)."""
    listing = listing_for(algorithm)
    tree = ast.parse("\n".join(listing.lines))
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            first = node.body[0].lineno
            inside.update(range(first - 1, node.end_lineno))
    return [i for i in listing.code_lines if i in inside]


# ---------------------------------------------------------------- marking a step
def test_every_phase_the_core_yields_is_reached_by_the_runs() -> None:
    yielded = {
        a: {s.phase for s in steps} for a, steps in ((a, [s for r in runs for s in r]) for a, runs in RUNS.items())
    }
    assert yielded["kmeans"] == {Phase.INITIALIZE, Phase.ASSIGN, Phase.UPDATE, Phase.CONVERGED, Phase.STOPPED}
    assert yielded["dbscan"] == {Phase.NEIGHBOURHOODS, Phase.EXPAND, Phase.BORDER, Phase.NOISE, Phase.DONE}
    assert yielded["gmm"] == {Phase.INITIALIZE, Phase.E_STEP, Phase.M_STEP, Phase.CONVERGED, Phase.STOPPED}


@pytest.mark.parametrize("case", ALL_STEPS, ids=_ids)
def test_every_step_marks_lines_and_writes_short_values_beside_them(case: tuple[str, Step]) -> None:
    algorithm, step = case
    listing = listing_for(algorithm)
    marked = phase_lines(listing, step)
    assert marked, f"no lines for {step.phase}"
    notes = annotations(step)
    assert notes == annotations(step, listing)
    assert notes, f"nothing to write at {step.phase}"
    for line, text in notes.items():
        assert line in marked, "values go beside the marked lines"
        assert 0 < len(text) <= MAX_ANNOTATION, text


def test_stopped_and_done_stand_on_converged_and_noise() -> None:
    stopped = RUNS["kmeans"][1][-1]
    assert stopped.phase is Phase.STOPPED
    assert phase_lines(listing_for("kmeans"), stopped) == listing_for("kmeans").phases[Phase.CONVERGED]
    done = RUNS["dbscan"][0][-1]
    assert done.phase is Phase.DONE
    assert phase_lines(listing_for("dbscan"), done) == listing_for("dbscan").phases[Phase.NOISE]
    gmm_stopped = RUNS["gmm"][1][-1]
    assert gmm_stopped.phase is Phase.STOPPED
    assert phase_lines(listing_for("gmm"), gmm_stopped) == listing_for("gmm").phases[Phase.CONVERGED]


def test_consecutive_phases_move_the_mark() -> None:
    listing = listing_for("kmeans")
    run = RUNS["kmeans"][0]
    marks = [phase_lines(listing, s) for s in run]
    assert all(a != b for a, b in zip(marks, marks[1:]))


def test_a_step_of_another_algorithm_is_refused() -> None:
    step = RUNS["dbscan"][0][0]
    with pytest.raises(ValueError, match="dbscan step"):
        phase_lines(listing_for("kmeans"), step)
    with pytest.raises(ValueError, match="dbscan step"):
        annotations(step, listing_for("gmm"))


def test_unknown_algorithm_is_refused() -> None:
    with pytest.raises(ValueError, match="no listing for algorithm 'hdbscan'"):
        listing_for("hdbscan")


# ---------------------------------------------------------------- the values are true of the step
def _value(notes: dict[int, str], listing: Listing, phase: Phase, name: str) -> str:
    return notes[listing.value_lines[phase][name]]


def _numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(NUMBER, text.split("=", 1)[1])]


def test_kmeans_values_are_those_of_the_step() -> None:
    listing = listing_for("kmeans")
    for step in [s for run in RUNS["kmeans"] for s in run]:
        notes = annotations(step)
        phase = listing.phase_of(step.phase)
        if step.phase is Phase.INITIALIZE:
            assert _value(notes, listing, phase, "k") == "k = 3"
        elif step.phase is Phase.ASSIGN:
            assert _value(notes, listing, phase, "changed") == f"changed = {step.points_moved}"
            assert _numbers(_value(notes, listing, phase, "inertia"))[0] == pytest.approx(step.inertia, rel=1e-3)
        elif step.phase is Phase.UPDATE:
            assert _numbers(_value(notes, listing, phase, "sizes")) == list(step.cluster_sizes)
            assert _numbers(_value(notes, listing, phase, "shift"))[0] == pytest.approx(step.center_shift, rel=5e-3)
        else:
            ending = _value(notes, listing, phase, "iterations")
            assert ending.startswith(f"iteration = {step.iteration} ")
            assert ending.endswith(" converged") and (step.converged != ("not" in ending))
            assert _numbers(_value(notes, listing, phase, "inertia"))[0] == pytest.approx(step.inertia, rel=1e-3)


def test_dbscan_values_are_those_of_the_step() -> None:
    listing = listing_for("dbscan")
    for step in [s for run in RUNS["dbscan"] for s in run]:
        notes = annotations(step)
        phase = listing.phase_of(step.phase)
        counts = step.kind_counts
        if step.phase is Phase.NEIGHBOURHOODS:
            assert _value(notes, listing, phase, "core") == f"core = {counts[PointKind.CORE]}"
        elif step.phase is Phase.EXPAND:
            grow = _value(notes, listing, phase, "grow")
            assert grow.startswith(f"cluster = {step.active_cluster} ")
            assert f"+{step.points_added} point" in grow
        elif step.phase is Phase.BORDER:
            assert _value(notes, listing, phase, "border") == f"border = {counts[PointKind.BORDER]}"
        elif step.phase is Phase.NOISE:
            assert _value(notes, listing, phase, "noise") == f"noise = {counts[PointKind.NOISE]}"
        else:
            assert _value(notes, listing, phase, "noise") == (
                f"clusters = {step.n_clusters_found} \u00b7 noise = {counts[PointKind.NOISE]}"
            )


def test_gmm_values_are_those_of_the_step() -> None:
    listing = listing_for("gmm")
    for step in [s for run in RUNS["gmm"] for s in run]:
        notes = annotations(step)
        phase = listing.phase_of(step.phase)
        if step.phase in (Phase.INITIALIZE, Phase.M_STEP):
            weights = _numbers(_value(notes, listing, phase, "weights"))
            np.testing.assert_allclose(weights, step.weights, atol=0.005 + 1e-12)
        if step.phase is Phase.M_STEP:
            soft_counts = _numbers(_value(notes, listing, phase, "Nk"))
            np.testing.assert_allclose(soft_counts, step.weights * step.n_samples, atol=0.5 + 1e-9)
            assert sum(soft_counts) == pytest.approx(step.n_samples, abs=len(soft_counts))
        elif step.phase is Phase.E_STEP:
            assert _numbers(_value(notes, listing, phase, "log_lik"))[0] == pytest.approx(step.log_likelihood, rel=1e-3)
            change = _numbers(_value(notes, listing, phase, "change"))[0]
            if np.isinf(step.log_likelihood_change):
                assert change == np.inf
            else:
                assert change == pytest.approx(step.log_likelihood_change, rel=5e-3, abs=1e-12)
        elif step.phase in (Phase.CONVERGED, Phase.STOPPED):
            assert _value(notes, listing, phase, "iterations").startswith(f"iteration = {step.iteration} ")
            assert _numbers(_value(notes, listing, phase, "final")) == list(step.cluster_sizes)


def test_long_lists_are_cut_to_fit() -> None:
    X = make_dataset("blobs", n_samples=300, random_state=0)[0]
    steps = list(GaussianMixture(n_components=12, random_state=0, max_iter=2).steps(X))
    m_step = next(s for s in steps if s.phase is Phase.M_STEP)
    for text in annotations(m_step).values():
        assert len(text) <= MAX_ANNOTATION
        assert text.endswith("\u2026")
    steps = list(KMeans(n_clusters=12, random_state=0).steps(X))
    update = next(s for s in steps if s.phase is Phase.UPDATE)
    sizes = annotations(update)[listing_for("kmeans").value_lines[Phase.UPDATE]["sizes"]]
    assert len(sizes) <= MAX_ANNOTATION and sizes.endswith("\u2026")
    shown = _numbers(sizes.replace("\u2026", ""))
    assert shown == list(update.cluster_sizes[: len(shown)])


# ---------------------------------------------------------------- tags that are wrong
_GOOD = '''"""Doc."""
import numpy as np


def f(x):
    """Doc."""
    # \u2500\u2500 initialize
    y = x  # \u2500\u2500 k

    # \u2500\u2500 assign
    return y
'''


def test_parse_listing_reads_tags() -> None:
    listing = parse_listing(
        "kmeans", "f.py", _GOOD + "    # \u2500\u2500 update\n    z = 1\n    # \u2500\u2500 converged\n    w = 2\n"
    )
    assert listing.lines[:4] == ("import numpy as np", "", "def f(x):", "    y = x")
    assert listing.phases[Phase.INITIALIZE] == (3,)
    assert listing.value_lines[Phase.INITIALIZE] == {"k": 3}
    assert listing.annotation_lines[Phase.ASSIGN] == 5  # no value named: the group's last line


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("    # \u2500\u2500 asign\n", "unknown phase 'asign'"),
        ("\nz = 1  # \u2500\u2500 k\n", "outside any phase"),
        ("    # \u2500\u2500 noise\n    z = 1\n", "not phases of kmeans"),
        ("", "no lines are tagged for phase"),
    ],
)
def test_parse_listing_refuses_wrong_tags(extra: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_listing("kmeans", "f.py", _GOOD + extra)


# ---------------------------------------------------------------- purity and packaging
def _top_level_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
    return found


@pytest.mark.parametrize("path", sorted(LISTINGS.glob("*.py")), ids=lambda p: p.name)
def test_listings_import_only_numpy_the_standard_library_and_the_core(path: Path) -> None:
    for name in _top_level_imports(path):
        top = name.split(".")[0]
        allowed = (
            top == "numpy"
            or top in sys.stdlib_module_names
            or name.startswith("tuiclust.core")
            or name in (".listing", ".")
            or name.startswith("__future__")
        )
        assert allowed, f"{path.name} imports {name}"
    if path.name in ("kmeans.py", "dbscan.py", "gmm.py"):
        # What a student reads imports nothing of tuiclust.
        assert not any("tuiclust" in n or n.startswith(".") for n in _top_level_imports(path))


def test_listing_for_reads_the_source_from_a_zipped_package(tmp_path: Path) -> None:
    # As from an installed wheel (or a zipapp): no file path is assumed,
    # the source is read as a package resource.
    archive = tmp_path / "tuiclust.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in PACKAGE.rglob("*.py"):
            if "__pycache__" not in file.parts:
                zf.write(file, Path("tuiclust") / file.relative_to(PACKAGE))
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import tuiclust.listings as t; assert t.__file__.startswith(sys.argv[1]), t.__file__;"
        "print(len(t.listing_for('gmm').lines))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(archive)], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert int(out.stdout) == len(listing_for("gmm").lines)
