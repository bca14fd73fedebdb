"""Runs in the explorer: exact stepping back, switching mid-run, errors, stale workers, hooks."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np

from tuiclust.core.steps import Phase, Step, frozen_array
from tuiclust.pipeline.run import build_run
from tuiclust.pipeline.timeline import Timeline
from tuiclust.ui import app as app_module
from tuiclust.ui.app import ExplorerApp, RunLoaded

from .conftest import explorer, make_spec, notifications, press_and_settle


def screen_of(app: ExplorerApp) -> tuple:
    """What the views show for the current step."""
    return (
        app.scatter_step(),
        app.numbers.plain_text,
        app.panel.plain_text,
        app.phase_log.current_line,
        app.phase_log.marked_index,
        app.caption.render().plain if app.caption.display else "",
    )


async def test_stepping_back_is_exact():
    async with explorer(make_spec("dbscan"), narrator=lambda s: f"phase {s.phase.label}") as (app, pilot):
        timeline = app.current_run.timeline
        assert len(timeline) > 11
        await pilot.press(*["right"] * 5)
        at_five = screen_of(app)
        assert at_five[0] is timeline[5]
        await pilot.press(*["right"] * 5)
        assert timeline.index == 10 and screen_of(app) != at_five
        await pilot.press(*["left"] * 5)
        assert screen_of(app) == at_five
        # the history of steps 6..10 is kept below the mark
        assert len(app.phase_log.step_lines) == 11


async def test_switching_algorithm_mid_run_starts_a_fresh_timeline():
    async with explorer() as (app, pilot):
        await pilot.press("right", "right", "right")
        await press_and_settle(app, pilot, "3")
        run = app.current_run
        assert run.spec.algorithm.name == "gmm"
        assert run.timeline.index == 0
        assert app.phase_log.step_lines == [app.phase_log.current_line]
        assert app.phase_log.current_line.startswith("Initialize")
        await pilot.press("right")
        assert "E-step" in app.phase_log.current_line
        assert any(label == "log-lik." for label, _ in app.numbers.rows)


async def test_switching_data_set_mid_run_keeps_the_algorithm():
    async with explorer(make_spec("dbscan")) as (app, pilot):
        await pilot.press("right", "right")
        await press_and_settle(app, pilot, "d")
        run = app.current_run
        assert run.spec.algorithm.name == "dbscan" and run.dataset.name == "moons"
        from tuiclust.core.datasets import SUGGESTED

        assert run.params["eps"] == SUGGESTED["moons"]["eps"]  # the moons' own eps, not the blobs'
        assert run.timeline.index == 0


async def test_a_bad_combination_keeps_the_previous_run():
    spec = make_spec("kmeans", "order_dependent_border", n_clusters=9)
    async with explorer(spec) as (app, pilot):
        run = app.current_run
        await pilot.press("right")
        await press_and_settle(app, pilot, "plus")  # k = 10 > 9 points
        assert app.current_run is run and run.timeline.index == 1
        assert any("k 10 is more than the 9 rows" in n and "kept the previous run" in n for n in notifications(app))
        # the next key builds on the run on screen, not on the refused spec
        await press_and_settle(app, pilot, "minus")
        assert app.current_run.params["n_clusters"] == 8


def _failing_steps(count: int) -> Iterator[Step]:
    labels = frozen_array(np.zeros(300, dtype=np.int8))
    for i in range(count):
        yield Step("gmm", Phase.E_STEP, i, labels, f"step {i}", log_likelihood=-3.0)
    raise ValueError("component 2 collapsed onto a single point")


async def test_a_timeline_error_is_shown_in_the_log(monkeypatch):
    def fake_build_run(spec):
        run = build_run(spec)
        run.timeline = Timeline(_failing_steps(3))
        return run

    monkeypatch.setattr(app_module, "build_run", fake_build_run)
    async with explorer(make_spec("gmm")) as (app, pilot):
        assert app.current_run.timeline.error
        assert not any("collapsed" in n for n in app.phase_log.notes)  # not reached yet
        await pilot.press("end")
        assert any("collapsed onto a single point" in n for n in app.phase_log.notes)
        assert any("collapsed" in n for n in notifications(app))
        assert app.current_run.timeline.index == 2


async def test_a_stale_worker_never_replaces_a_newer_run(monkeypatch):
    release = threading.Event()

    def slow_build_run(spec):
        if spec.data.seed == 1:
            release.wait(5)  # the first request finishes last
        return build_run(spec)

    monkeypatch.setattr(app_module, "build_run", slow_build_run)
    async with explorer() as (app, pilot):
        app.load_spec(make_spec(seed=1))
        app.load_spec(make_spec("dbscan", seed=2))
        await app.wait_until_computed()
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.current_run.spec.data.seed == 2
        assert app.current_run.spec.algorithm.name == "dbscan"


async def test_load_spec_hook_changes_narrator_and_title_and_posts_run_loaded():
    loaded: list[RunLoaded] = []

    class Lesson(ExplorerApp):
        def on_run_loaded(self, message: RunLoaded) -> None:
            loaded.append(message)

    app = Lesson(make_spec(), title="Lesson one")
    async with app.run_test(size=(100, 30)) as pilot:
        await app.wait_until_computed()
        await pilot.pause()
        assert app.title == "Lesson one"
        # No narration yet: the caption line holds the explorer's first-screen hint.
        assert app.caption.display and app.caption.render().plain.startswith("Lesson views:")
        app.load_spec(
            make_spec("gmm"),
            narrator=lambda s: "watch the ellipses" if s.phase == Phase.INITIALIZE else None,
            title="Lesson two",
        )
        await app.wait_until_computed()
        await pilot.pause()
        assert app.title == "Lesson two"
        assert app.caption.display and "watch the ellipses" in app.caption.render().plain
        await pilot.press("right")
        assert not app.caption.display  # no narration for an E-step
        assert [m.spec.algorithm.name for m in loaded] == ["kmeans", "gmm"]


async def test_forward_while_computing_shows_progress_then_moves(monkeypatch):
    gate = threading.Event()

    def gated_steps(spec):
        run = build_run(spec)
        steps = _kmeans_steps(spec)

        def slow() -> Iterator[Step]:
            yield steps[0]
            gate.wait(5)
            yield from steps[1:]

        run.timeline = Timeline(slow())
        return run

    monkeypatch.setattr(app_module, "build_run", gated_steps)
    app = ExplorerApp(make_spec())
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(200):
            if app.current_run is not None:
                break
            await pilot.pause(0.01)
        await pilot.press("right")
        assert app.current_run.timeline.index == 0
        assert "computing step 2" in app.status_text()
        gate.set()
        await app.wait_until_computed()
        await pilot.pause()
        assert app.current_run.timeline.index == 1  # the pending step was taken


def _kmeans_steps(spec) -> list[Step]:
    run = build_run(spec)
    run.timeline.compute_all()
    return [run.timeline[i] for i in range(len(run.timeline))]


async def test_big_data_keeps_answering_keys():
    async with explorer(make_spec(n=200_000)) as (app, pilot):
        timeline = app.current_run.timeline
        await pilot.press("right", "right", "left")
        assert timeline.index == 1
        assert app.scatter_step() is timeline[1]
        assert "200,000" in app.panel.plain_text
        # The log says how the plot shows so many points, and that the algorithm uses them all.
        assert any("algorithm uses all of them" in note for note in app.phase_log.notes)


async def test_data_set_notes_go_into_the_log(tmp_path):
    path = tmp_path / "shop.csv"
    rows = [f"{20 + i % 50},{30_000 + 900 * (i % 40)}" for i in range(120)]
    path.write_text("age,income\n" + "\n".join(rows) + "\n")
    async with explorer(make_spec("kmeans", str(path))) as (app, pilot):
        notes = app.phase_log.notes
        assert any("column ranges differ" in n for n in notes), notes
        assert not any("screen cell" in n for n in notes)  # small data: nothing to say about drawing
        await press_and_settle(app, pilot, "s")
        assert not any("column ranges differ" in n for n in app.phase_log.notes)
