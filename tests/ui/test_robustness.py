"""Nothing a user does may crash the explorer or lose the run on screen (Pilot tests).

Random keys, resizes while a worker computes, switching algorithm mid-run,
a single point, degenerate and very wide data: after each, the app still
runs, shows a step of a consistent run, and no exception escaped.
"""

from __future__ import annotations

import asyncio
import random
from contextlib import asynccontextmanager
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pytest
from textual.worker import WorkerState

from tuiclust.pipeline.spec import AlgorithmSpec, DataSpec, RunSpec
from tuiclust.pipeline.vocabulary import ALGORITHMS
from tuiclust.ui.app import ExplorerApp
from tuiclust.ui.keys import KEYS

from .conftest import make_spec, notifications, press_and_settle, wait_until

_TITLES = {entry.name: entry.short_title for entry in ALGORITHMS.values()}


def assert_alive(app: ExplorerApp) -> None:
    """The app runs, no exception escaped, and every view shows the same step of one run."""
    assert app.is_running and app.return_code is None
    assert app._exception is None, app._exception
    failed = [(w.name, w.error) for w in app.workers if w.state == WorkerState.ERROR]
    assert not failed, failed
    if app.placing:  # init manual (or the canvas): the data waits for hands, no run yet
        assert app.current_run is None and app.scatter.plot_data is not None
        return
    run = app.current_run
    assert run is not None
    step = run.timeline.current
    assert step is not None
    assert app.scatter_step() is step
    assert step.algorithm == run.spec.algorithm.name
    assert step.labels.shape == (run.dataset.n_samples,)
    assert _TITLES[run.spec.algorithm.name] in app.panel.plain_text
    assert f"data set {run.dataset.name}" in app.panel.plain_text
    assert f"points {run.dataset.n_samples:,}" in app.panel.plain_text
    assert app.phase_log.marked_index == run.timeline.index
    assert ("step", app._position()) in app.numbers.rows


@asynccontextmanager
async def explorer(spec: RunSpec | None = None, *, size: tuple[int, int] = (100, 30), **kwargs):
    """As conftest's ``explorer``, with notifications drawn: a toast that cannot render ends the app."""
    app = ExplorerApp(spec or RunSpec(), **kwargs)
    async with app.run_test(size=size, notifications=True) as pilot:
        await app.wait_until_computed()
        await pilot.pause()
        yield app, pilot


def write_csv(path: Path, X: np.ndarray, names: list[str] | None = None) -> str:
    names = names or [f"c{j}" for j in range(X.shape[1])]
    lines = [",".join(names)] + [",".join(repr(float(v)) for v in row) for row in X]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def file_spec(path: str, algorithm: str, **params) -> RunSpec:
    return RunSpec(DataSpec(path), AlgorithmSpec(algorithm, MappingProxyType(params)))


async def settle(app: ExplorerApp, pilot) -> None:
    await app.wait_until_computed(timeout=60)
    await pilot.pause()


# ------------------------------------------------------------ random keys
# Every bound key but quitting, and keys the explorer does not bind (some of
# which the help screen and the lesson views do).
_BOUND = [key for spec in KEYS if spec.action != "quit" for key in spec.keys.split(",")]
_UNBOUND = [
    "z",
    "a",
    "9",
    "0",
    "tab",
    "shift+tab",
    "escape",
    "enter",
    "up",
    "down",
    "pageup",
    "pagedown",
    "backspace",
    "delete",
    "shift+left",
    "L",
    "j",
    "k",
]
# Screens over the main one (help, lesson views) are left after this many keys.
_KEYS_IN_A_SCREEN = 6


async def _no_idle_wait(*args, **kwargs) -> None:
    await asyncio.sleep(0)


async def close_screens(app: ExplorerApp, pilot) -> None:
    """Escape back to the main screen (every screen over it must close on escape)."""
    for _ in range(5):
        depth = len(app.screen_stack)
        if depth == 1:
            break
        await pilot.press("escape")
        # the screen is popped a few messages later: wait for it, however loaded the machine
        await wait_until(lambda depth=depth: len(app.screen_stack) < depth, what="a screen to close on escape")
    assert len(app.screen_stack) == 1, app.screen_stack


@pytest.mark.slow
async def test_hundreds_of_random_keys(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # x writes its CSV files here
    # Keys as fast as a student mashing them: the Pilot's wait for an idle
    # process after every key (up to a second while workers compute) is skipped.
    import textual.app

    monkeypatch.setattr(textual.app, "wait_for_idle", _no_idle_wait)
    # ">" walks the data set up to 200,000 points, and a random walk of 1,000
    # keys can get there: every later key then recomputes a big run, which is
    # what made this test take 23 s to over 4 minutes. The keys stay in the
    # mix, over sizes that keep the work per key bounded; what is left is
    # about 40 ms of CPU per key (a new run or a redraw), so its wall time
    # follows the machine's load, not the keys drawn.
    from tuiclust.pipeline import edits

    monkeypatch.setattr(edits, "SAMPLE_SIZES", (50, 100, 200, 300))
    rng = random.Random(6)
    keys = _BOUND + _UNBOUND
    async with explorer(make_spec(n=60), steps_per_second=16.0, size=(80, 24)) as (app, pilot):
        in_screen = 0
        # 300 keys: each costs Textual some 50 ms of layout and drawing here, so 1,000
        # took a minute of one CI core; 300 seeded keys still reach every screen and key.
        for i in range(300):
            await pilot.press(rng.choice(keys))
            in_screen = in_screen + 1 if len(app.screen_stack) > 1 else 0
            if in_screen >= _KEYS_IN_A_SCREEN:
                await close_screens(app, pilot)
                in_screen = 0
            if i % 100 == 99:
                await settle(app, pilot)
                await close_screens(app, pilot)
                assert_alive(app)
        await settle(app, pilot)
        assert_alive(app)


# ------------------------------------------------- resizes and switching
def gated(monkeypatch, release_after: int = 2):
    """Make every run's worker stop after ``release_after`` steps until the returned event is set.

    The worker is then mid-run (the timeline not finished) for as long as a
    test needs, whatever the speed of the machine.
    """
    import threading

    from tuiclust.pipeline.run import build_run
    from tuiclust.pipeline.timeline import Timeline
    from tuiclust.ui import app as app_module

    gate = threading.Event()

    def build_gated(spec):
        run = build_run(spec)
        steps = run.timeline._source

        def held():
            for i, step in enumerate(steps):
                if i == release_after:
                    gate.wait(600)  # generous: a loaded machine must not release it early
                yield step

        run.timeline = Timeline(held())
        return run

    monkeypatch.setattr(app_module, "build_run", build_gated)
    return gate


async def wait_for_a_run(app: ExplorerApp, pilot) -> None:
    for _ in range(3000):
        if app.current_run is not None and len(app.current_run.timeline) >= 2:
            return
        await pilot.pause(0.01)
    raise AssertionError("the first run never came")


_SIZES = [(60, 20), (200, 60), (40, 10), (100, 30)]


@pytest.mark.slow
async def test_resizes_while_computing(monkeypatch):
    gate = gated(monkeypatch)
    app = ExplorerApp(make_spec(n=200_000))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_for_a_run(app, pilot)
        for round_ in range(3):
            for width, height in _SIZES:
                await pilot.resize_terminal(width, height)
                await pilot.press("right" if round_ != 1 else "left")
                assert app.too_small == (width < 60 or height < 18)
                assert not app.current_run.timeline.finished  # the worker is still at it
        gate.set()
        await settle(app, pilot)
        assert not app.too_small
        await pilot.press("end")
        assert_alive(app)
        assert app.current_run.dataset.n_samples == 200_000
        assert app.scatter.size.width > 0 and app.scatter.is_current


async def test_switching_algorithm_while_computing(monkeypatch):
    gate = gated(monkeypatch)
    app = ExplorerApp(make_spec(n=300))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_for_a_run(app, pilot)
        await pilot.press("right", "right")  # waits for a step the worker holds back
        for key in ("2", "3", "1", "3"):
            await pilot.press(key)
        for _ in range(3000):
            if app.current_run.spec.algorithm.name == "gmm":
                break
            await pilot.pause(0.01)
        assert app.current_run.spec.algorithm.name == "gmm"
        assert not app.current_run.timeline.finished
        assert_alive(app)
        gate.set()
        await settle(app, pilot)
        await pilot.press("end")
        assert_alive(app)
        assert app.current_run.timeline.at_last_step


_KEY_ALGORITHMS = {"1": "kmeans", "2": "dbscan", "3": "gmm"}


async def test_switching_algorithm_while_playing(monkeypatch):
    gate = gated(monkeypatch)  # no run can play to its end (and stop) before the next switch
    app = ExplorerApp(make_spec(n=300), steps_per_second=16.0)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_for_a_run(app, pilot)
        await pilot.press("space")
        for key in ("2", "3", "1", "2", "3"):
            assert app.playing
            await pilot.press("right", key)
            await wait_until(lambda key=key: app.current_run.spec.algorithm.name == _KEY_ALGORITHMS[key])
            assert app.current_run.spec.algorithm.name == _KEY_ALGORITHMS[key]
            assert app.playing  # the new run plays on from its first step
            assert_alive(app)
        gate.set()
        await wait_until(lambda: not app.playing, what="playback to end")
        await settle(app, pilot)
        assert not app.playing and app.current_run.timeline.at_last_step
        assert_alive(app)


@pytest.mark.parametrize("eps, key", [(8e149, "plus"), (1e150, "plus"), (1.2e-300, "minus")])
async def test_eps_at_the_ends_of_the_number_range(eps, key):
    async with explorer(make_spec("dbscan", n=100, eps=eps)) as (app, pilot):
        for _ in range(3):  # 8e149 -> 1e150, the largest a parameter may be -> no step beyond
            await press_and_settle(app, pilot, key)
        assert "eps stays within" in notifications(app)[-1]
        assert_alive(app)


# ----------------------------------------------------------- one point
@pytest.fixture
def one_row_csv(tmp_path) -> str:
    return write_csv(tmp_path / "one.csv", np.array([[1.5, -2.0]]), ["x", "y"])


_ONE_CLUSTER = {"kmeans": {"n_clusters": 1}, "dbscan": {}, "gmm": {"n_components": 1}}


@pytest.mark.slow
@pytest.mark.parametrize("algorithm", ["kmeans", "dbscan", "gmm"])
@pytest.mark.parametrize("source", ["csv", "n=1"])
async def test_a_single_point(algorithm, source, one_row_csv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # x writes its CSV file here
    params = _ONE_CLUSTER[algorithm]
    if source == "csv":
        spec = file_spec(one_row_csv, algorithm, **params)
    else:
        spec = make_spec(algorithm, n=1, **params)
    async with explorer(spec) as (app, pilot):
        await press_and_settle(app, pilot, "end")
        assert_alive(app)
        run = app.current_run
        assert run.timeline.at_last_step and run.dataset.n_samples == 1
        assert run.timeline.current.labels.tolist() in ([0], [-1])
        if algorithm != "dbscan":
            await press_and_settle(app, pilot, "plus")  # 2 clusters of 1 point
            word = "k" if algorithm == "kmeans" else "components"
            assert any(
                f"{word} 2 is more than the 1 row of" in n and f"use {word} 1 or fewer" in n for n in notifications(app)
            ), notifications(app)
            assert app.current_run is run
        await press_and_settle(app, pilot, "m", "M", "escape", "e", "escape", "x", "s", "r")
        assert_alive(app)


async def test_a_single_point_with_the_default_k_says_why_and_other_keys_still_work(one_row_csv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    async with explorer(file_spec(one_row_csv, "kmeans")) as (app, pilot):
        assert app.current_run is None and app.is_running
        assert any("k 3 is more than the 1 row of one.csv; use k 1 or fewer" in n for n in notifications(app))
        assert any("k 3 is more than the 1 row" in n for n in app.phase_log.notes)
        await press_and_settle(app, pilot, "right", "end", "plus", "m", "M", "e", "x")
        assert app.current_run is None and app.is_running
        await press_and_settle(app, pilot, "2")  # DBSCAN needs no k
        assert_alive(app)
        await press_and_settle(app, pilot, "end")
        assert app.current_run.timeline.at_last_step


# ------------------------------------------------ data that must just work
def _identical() -> np.ndarray:
    return np.tile([2.5, -1.0], (40, 1))


def _duplicated() -> np.ndarray:
    return np.random.default_rng(1).integers(0, 3, size=(400, 2)).astype(float)


def _collinear() -> np.ndarray:
    t = np.random.default_rng(2).normal(size=150)
    t[:75] += 6
    return np.column_stack([t, 2 * t + 1, -t])


_DEGENERATE = {"identical": _identical, "duplicated": _duplicated, "collinear": _collinear}
_ALGORITHMS = [
    ("kmeans", {}),
    ("dbscan", {}),
    ("gmm", {"covariance_type": "full"}),
    ("gmm", {"covariance_type": "tied"}),
    ("gmm", {"covariance_type": "diag"}),
    ("gmm", {"covariance_type": "spherical"}),
]


async def step_to_the_end(app: ExplorerApp, pilot) -> None:
    """End, then forward until nothing more comes (a run too long to compute at once grows)."""
    timeline = app.current_run.timeline
    for _ in range(50):
        await press_and_settle(app, pilot, "end")
        if timeline.at_last_step:
            break
    assert timeline.at_last_step
    await press_and_settle(app, pilot, "right")  # past the end: a notification, nothing else
    assert timeline.at_last_step


# Every covariance type on collinear data (singular covariances); the default one elsewhere.
_CASES = [
    (data, algorithm, params)
    for data in _DEGENERATE
    for algorithm, params in _ALGORITHMS
    if data == "collinear" or params.get("covariance_type", "full") == "full"
]


@pytest.mark.parametrize(
    "data, algorithm, params", _CASES, ids=[f"{d}-{a}-{p.get('covariance_type', '')}".rstrip("-") for d, a, p in _CASES]
)
@pytest.mark.slow
async def test_degenerate_data_runs_to_the_end(tmp_path, data, algorithm, params):
    path = write_csv(tmp_path / f"{data}.csv", _DEGENERATE[data]())
    async with explorer(file_spec(path, algorithm, **params)) as (app, pilot):
        assert not any("Cannot run" in n or "cannot" in n for n in notifications(app)), notifications(app)
        await step_to_the_end(app, pilot)
        assert_alive(app)
        labels = app.current_run.timeline.current.labels
        if data == "identical":
            assert len(set(labels.tolist())) == 1  # one cluster, or all noise
        await press_and_settle(app, pilot, "s", "end")  # standard scaling: every column constant
        assert_alive(app)


@pytest.fixture(scope="module")
def ten_thousand_columns(tmp_path_factory) -> str:
    values = np.random.default_rng(4).normal(size=(40, 10_000)).round(3)
    values[20:] += 2.0
    path = tmp_path_factory.mktemp("wide") / "wide.csv"
    np.savetxt(path, values, delimiter=",", fmt="%.3f", header=",".join(f"g{j}" for j in range(10_000)), comments="")
    return str(path)


@pytest.mark.parametrize(
    "algorithm, params",
    [
        ("kmeans", {"n_clusters": 2}),
        ("dbscan", {}),
        ("gmm", {"covariance_type": "diag"}),
        ("gmm", {"covariance_type": "spherical"}),
    ],
    ids=["kmeans", "dbscan", "gmm-diag", "gmm-spherical"],
)
@pytest.mark.slow
async def test_ten_thousand_columns_run_to_the_end(ten_thousand_columns, algorithm, params):
    async with explorer(file_spec(ten_thousand_columns, algorithm, **params)) as (app, pilot):
        await step_to_the_end(app, pilot)
        assert_alive(app)
        assert app.current_run.dataset.n_features == 10_000
        assert app.scatter.is_current  # the plot of the last step was drawn
        if algorithm != "dbscan":  # the two groups, 2 apart in every column
            labels = app.current_run.timeline.current.labels
            assert len(set(labels[:20].tolist())) == 1 and labels[0] != labels[20]


@pytest.mark.slow
async def test_ten_thousand_columns_refuse_a_full_covariance_gmm_and_keep_the_run(ten_thousand_columns):
    async with explorer(file_spec(ten_thousand_columns, "kmeans", n_clusters=2)) as (app, pilot):
        await pilot.press("right")
        run = app.current_run
        await press_and_settle(app, pilot, "3")
        assert app.current_run is run and run.timeline.index == 1
        told = notifications(app)[-1]
        for words in (
            "full-covariance GMM on 10,000 columns",
            "GB",
            "diag or spherical",
            "--columns",
            "kept the previous run",
        ):
            assert words in told, told
        assert any("full-covariance GMM" in n for n in app.phase_log.notes)
        assert_alive(app)
        # A GMM run that steps to tied (d x d) on these columns is refused the same way.
        app.load_spec(file_spec(ten_thousand_columns, "gmm", covariance_type="diag"))
        await settle(app, pilot)
        gmm_run = app.current_run
        await press_and_settle(app, pilot, "left_square_bracket")  # diag -> tied
        assert app.current_run is gmm_run
        assert "tied-covariance GMM on 10,000 columns" in notifications(app)[-1]
        await press_and_settle(app, pilot, "right_square_bracket")  # diag -> spherical works
        assert app.current_run.params["covariance_type"] == "spherical"
        assert_alive(app)


# ------------------------------------------------ a file that changes under the app
async def test_a_file_broken_while_the_app_runs_keeps_the_run_and_shows_the_error(tmp_path):
    path = tmp_path / "shop.csv"
    # Column names that look like markup are shown as they are.
    write_csv(path, np.random.default_rng(3).normal(size=(30, 2)), ["[/b]", "[b]y[/i]"])
    async with explorer(file_spec(str(path), "kmeans")) as (app, pilot):
        await pilot.press("right")
        run = app.current_run
        # Every new run reads the file again: edited meanwhile, it now holds text
        # that looks like markup, which the error message quotes.
        path.write_text("[/b]\n", encoding="utf-8")
        await press_and_settle(app, pilot, "r")
        await pilot.pause(0.1)  # the notification is drawn
        assert app.current_run is run and run.timeline.index == 1
        assert "[/b]" in notifications(app)[-1] and "kept the previous run" in notifications(app)[-1]
        assert any("[/b]" in note for note in app.phase_log.notes)
        assert_alive(app)
        path.unlink()  # and then deleted
        await press_and_settle(app, pilot, "s")
        await pilot.pause(0.1)
        assert "no such file" in notifications(app)[-1]
        assert_alive(app)


async def test_running_out_of_memory_in_a_new_run_keeps_the_run(monkeypatch):
    from tuiclust.pipeline.run import build_run
    from tuiclust.ui import app as app_module

    def build_or_run_out(spec):
        if spec.algorithm.name == "gmm":
            raise MemoryError("Unable to allocate 18.6 GiB for an array")
        return build_run(spec)

    monkeypatch.setattr(app_module, "build_run", build_or_run_out)
    async with explorer(make_spec(n=100)) as (app, pilot):
        run = app.current_run
        await press_and_settle(app, pilot, "3")
        assert app.current_run is run
        assert "not enough memory" in notifications(app)[-1]
        assert_alive(app)


async def test_running_out_of_memory_mid_run_ends_that_run_where_it_got(monkeypatch):
    from tuiclust.pipeline.run import build_run
    from tuiclust.pipeline.timeline import Timeline
    from tuiclust.ui import app as app_module

    def build_failing(spec):
        run = build_run(spec)
        steps = run.timeline._source

        def until_memory_runs_out():
            for i, step in enumerate(steps):
                if i == 3:
                    raise MemoryError("Unable to allocate 18.6 GiB for an array")
                yield step

        run.timeline = Timeline(until_memory_runs_out())
        return run

    monkeypatch.setattr(app_module, "build_run", build_failing)
    async with explorer(make_spec(n=100)) as (app, pilot):
        await press_and_settle(app, pilot, "end", "right")
        timeline = app.current_run.timeline
        assert timeline.finished and timeline.at_last_step and len(timeline) == 3
        assert any("not enough memory" in note for note in app.phase_log.notes)
        assert "computing" not in app.status_text()
        assert_alive(app)
