"""The effect of every key binding on the explorer's state (Pilot tests)."""

from __future__ import annotations

import pytest

from tuiclust.ui.app import ExplorerApp, RunEnded
from tuiclust.ui.help import HelpScreen
from tuiclust.ui.keys import KEYS

from .conftest import explorer, make_spec, notifications, press_and_settle, wait_until


async def test_default_run_is_kmeans_k3_on_300_blobs():
    async with explorer() as (app, pilot):
        run = app.current_run
        assert run.spec.algorithm.name == "kmeans"
        assert run.params["n_clusters"] == 3 and run.params["init"] == "k-means++"
        assert run.dataset.name == "blobs" and run.dataset.n_samples == 300
        assert run.timeline.index == 0
        assert app.phase_log.step_lines == [app.phase_log.current_line]
        assert "Initialize" in app.phase_log.current_line
        assert "K-Means" in app.panel.plain_text and "k 3" in app.panel.plain_text


@pytest.mark.parametrize("forward, back", [("right", "left"), ("l", "h")])
async def test_step_forward_and_back(forward, back):
    async with explorer() as (app, pilot):
        timeline = app.current_run.timeline
        await pilot.press(forward, forward)
        assert timeline.index == 2
        assert app.scatter_step() is timeline[2]
        assert "Update" in app.phase_log.current_line
        await pilot.press(back)
        assert timeline.index == 1
        assert "Assign" in app.phase_log.current_line
        # the history stays: the line of step 2 is still in the log
        assert len(app.phase_log.step_lines) == 3


async def test_home_and_end():
    async with explorer() as (app, pilot):
        timeline = app.current_run.timeline
        await pilot.press("end")
        assert timeline.index == len(timeline) - 1 and timeline.at_last_step
        assert app.phase_log.current_line.startswith("Converged")
        assert "last step" in app.status_text()
        await pilot.press("home")
        assert timeline.index == 0
        assert len(app.phase_log.step_lines) == len(timeline)


async def test_forward_at_the_last_step_says_so():
    async with explorer() as (app, pilot):
        await pilot.press("end", "right")
        assert any("last step" in n for n in notifications(app))


async def test_space_plays_to_the_end_and_stops():
    ended: list[RunEnded] = []

    class Recording(ExplorerApp):
        def on_run_ended(self, message: RunEnded) -> None:
            ended.append(message)

    app = Recording(make_spec(), steps_per_second=16.0)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.wait_until_computed()
        await pilot.press("space")
        await wait_until(lambda: not app.playing, what="playback to stop at the last step")
        await pilot.pause()
        timeline = app.current_run.timeline
        assert not app.playing
        assert timeline.at_last_step
        assert any("Reached the last step" in n for n in notifications(app))
        assert len(ended) == 1
        # every step passed through the log, in order
        assert len(app.phase_log.step_lines) == len(timeline)


async def test_space_pauses_and_space_at_the_end_replays():
    async with explorer(steps_per_second=0.5) as (app, pilot):
        await pilot.press("space")
        assert app.playing and "playing" in app.status_text()
        await pilot.press("space")
        assert not app.playing and "paused" in app.status_text()
        await pilot.press("end", "space")
        assert app.playing and app.current_run.timeline.index == 0


async def test_r_restarts_with_a_new_seed():
    async with explorer() as (app, pilot):
        old = app.current_run
        await press_and_settle(app, pilot, "r")
        assert app.current_run is not old
        assert app.current_run.spec.data.seed != old.spec.data.seed
        assert app.current_run.timeline.index == 0
        assert f"seed {app.current_run.spec.data.seed}" in app.panel.plain_text


async def test_number_keys_switch_algorithm_and_remember_parameters():
    async with explorer() as (app, pilot):
        await press_and_settle(app, pilot, "plus")
        assert app.current_run.params["n_clusters"] == 4
        await press_and_settle(app, pilot, "2")
        assert app.current_run.spec.algorithm.name == "dbscan"
        assert "DBSCAN" in app.panel.plain_text and "DBSCAN" in app.sub_title
        assert app.current_run.timeline[0].algorithm == "dbscan"
        await press_and_settle(app, pilot, "3")
        assert app.current_run.spec.algorithm.name == "gmm"
        assert app.current_run.timeline[0].algorithm == "gmm"
        await press_and_settle(app, pilot, "1")
        assert app.current_run.spec.algorithm.name == "kmeans"
        assert app.current_run.params["n_clusters"] == 4  # remembered


@pytest.mark.slow
async def test_plus_and_minus_change_the_main_parameter():
    async with explorer() as (app, pilot):
        await press_and_settle(app, pilot, "plus")
        assert app.current_run.params["n_clusters"] == 4
        await press_and_settle(app, pilot, "minus", "minus")
        assert app.current_run.params["n_clusters"] == 2
    async with explorer(make_spec("dbscan", eps=0.3)) as (app, pilot):
        await press_and_settle(app, pilot, "plus")
        assert app.current_run.params["eps"] == pytest.approx(0.4)
        await press_and_settle(app, pilot, "minus", "minus")
        assert app.current_run.params["eps"] == pytest.approx(0.25)
    async with explorer(make_spec("gmm")) as (app, pilot):
        await press_and_settle(app, pilot, "minus")
        assert app.current_run.params["n_components"] == 2
        assert "components 2" in app.panel.plain_text


@pytest.mark.slow
async def test_brackets_change_the_second_parameter():
    async with explorer() as (app, pilot):
        await press_and_settle(app, pilot, "right_square_bracket")
        assert app.current_run.params["init"] == "random"
        await press_and_settle(app, pilot, "right_square_bracket")
        assert app.current_run.params["init"] == "farthest"
        await press_and_settle(app, pilot, "left_square_bracket", "left_square_bracket")
        assert app.current_run.params["init"] == "k-means++"
    async with explorer(make_spec("dbscan")) as (app, pilot):
        before = app.current_run.params["min_samples"]
        await press_and_settle(app, pilot, "right_square_bracket")
        assert app.current_run.params["min_samples"] == before + 1
        await press_and_settle(app, pilot, "left_square_bracket")
        assert app.current_run.params["min_samples"] == before
    async with explorer(make_spec("gmm")) as (app, pilot):
        await press_and_settle(app, pilot, "right_square_bracket")
        assert app.current_run.params["covariance_type"] == "tied"
        await press_and_settle(app, pilot, "left_square_bracket", "left_square_bracket")
        assert app.current_run.params["covariance_type"] == "spherical"


async def test_d_and_shift_d_change_the_data_set():
    from tuiclust.core.datasets import DATASETS

    names = list(DATASETS)
    async with explorer() as (app, pilot):
        await press_and_settle(app, pilot, "d")
        assert app.current_run.dataset.name == names[1]
        assert names[1] in app.panel.plain_text
        await press_and_settle(app, pilot, "D", "D")
        assert app.current_run.dataset.name == names[-1]


async def test_d_with_a_size_a_fixed_layout_cannot_take_falls_back():
    async with explorer(make_spec("dbscan", "dbscan_rings", n=1000)) as (app, pilot):
        # dbscan_rings cannot have 1000 points: the first run fails politely
        assert app.current_run is None
        assert any("n_samples" in n for n in notifications(app))
    async with explorer(make_spec("kmeans", "packed_circles", n=400)) as (app, pilot):
        await press_and_settle(app, pilot, "d")  # -> dbscan_rings, fixed at 105 points
        assert app.current_run.dataset.name == "dbscan_rings"
        assert app.current_run.dataset.n_samples == 105


async def test_s_cycles_scaling_and_resuggests_eps_for_dbscan():
    async with explorer(make_spec("dbscan")) as (app, pilot):
        raw_eps = app.current_run.params["eps"]
        await press_and_settle(app, pilot, "s")
        assert app.current_run.spec.data.scale == "standard"
        assert "scaling standard" in app.panel.plain_text
        scaled_eps = app.current_run.params["eps"]
        assert scaled_eps != raw_eps and 0 < scaled_eps < 2
        await press_and_settle(app, pilot, "s")
        assert app.current_run.spec.data.scale == "minmax"
        await press_and_settle(app, pilot, "s")
        assert app.current_run.spec.data.scale == "none"
        assert app.current_run.params["eps"] == raw_eps


async def test_f_and_shift_f_change_the_playback_speed():
    async with explorer() as (app, pilot):
        assert app.steps_per_second == 2.0
        await pilot.press("f")
        assert app.steps_per_second == 4.0
        await pilot.press("F", "F")
        assert app.steps_per_second == 1.0
        assert "1 step/s" in app.status_text()


async def test_question_mark_opens_help_and_escape_closes_it():
    async with explorer() as (app, pilot):
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        # the screen's own renderable, printed wide enough that no help line wraps
        import io

        from rich.console import Console

        console = Console(file=io.StringIO(), width=400, color_system=None)
        console.print(app.screen.query_one("#help-text").content)
        text = console.file.getvalue()
        for key in KEYS:
            assert key.help in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_x_exports_the_current_step(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    async with explorer() as (app, pilot):
        await pilot.press("right", "x")
        await app.workers.wait_for_complete()
        await pilot.pause()
        written = [n for n in app.phase_log.notes if n.startswith("exported this step to ")]
        assert written, notifications(app)
        path = written[0].removeprefix("exported this step to ")
        from pathlib import Path

        assert Path(path).is_file() or (tmp_path / path).is_file()


async def test_q_quits():
    async with explorer() as (app, pilot):
        await pilot.press("q")
        await pilot.pause()
        assert app._exit


@pytest.mark.slow
async def test_lesson_view_keys_open_a_view_and_escape_changes_nothing():
    # The views themselves are tested in test_views_*.py.
    from tuiclust.ui.views.base import LessonView

    async with explorer() as (app, pilot):
        run = app.current_run
        await pilot.press("end")  # M needs a step with clusters
        last = run.timeline.index
        for key in ("e", "c", "M"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, LessonView)
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, LessonView)
        await pilot.press("m", "m")
        assert app.current_run is run and run.timeline.index == last


async def test_every_action_is_in_the_command_palette():
    async with explorer() as (app, pilot):
        commands = list(app.get_system_commands(app.screen))
        titles = " | ".join(c.title for c in commands)
        for key in KEYS:
            if key.action != "quit":
                assert key.title in titles
        assert all(c.help for c in commands)
        # running one from the palette does what the key does
        step_forward = next(c for c in commands if c.title.startswith("Step forward"))
        await step_forward.callback()
        assert app.current_run.timeline.index == 1


@pytest.mark.slow
async def test_playback_and_new_runs_go_on_behind_the_help_screen():
    async with explorer(make_spec("dbscan"), steps_per_second=16.0) as (app, pilot):
        await pilot.press("space", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        app.load_spec(make_spec("gmm"))  # a worker reports while help is open
        await app.wait_until_computed()
        await wait_until(lambda: app.current_run.spec.algorithm.name == "gmm", what="the new run behind help")
        await pilot.press("escape")
        assert app.current_run.spec.algorithm.name == "gmm"
        assert app.phase_log.current_line is not None


def test_lesson_mode_lists_its_part_keys_on_the_help_screen() -> None:
    from tuiclust.ui.help import help_text
    from tuiclust.ui.lesson_app import LessonApp

    text = help_text(LessonApp.EXTRA_HELP_KEYS).plain
    assert "next part" in text and "previous part" in text
    assert "next part" not in help_text().plain


async def test_greater_and_less_change_the_number_of_points() -> None:
    from tuiclust.pipeline.spec import RunSpec
    from tuiclust.ui.panel import ParameterPanel

    app = ExplorerApp(RunSpec())
    async with app.run_test(size=(100, 30)) as pilot:
        await app.wait_until_computed()
        assert app.current_run.dataset.n_samples == 300
        await pilot.press("greater_than_sign")
        await app.wait_until_computed()
        await pilot.pause(0.2)
        assert app.current_run.dataset.n_samples == 500
        assert "points 500" in app.query_one(ParameterPanel).plain_text
        await pilot.press("less_than_sign", "less_than_sign")
        await app.wait_until_computed()
        await pilot.pause(0.2)
        assert app.current_run.dataset.n_samples == 200


def test_help_lines_that_wrap_continue_under_their_words() -> None:
    # issue 17 item 10: wrapped help lines started at the left edge
    import io

    from rich.console import Console

    from tuiclust.ui.help import help_renderable

    console = Console(file=io.StringIO(), width=60, color_system=None)
    console.print(help_renderable())
    lines = console.file.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("space"))
    words_column = lines[start].index("play")
    entry = next(i for i, line in enumerate(lines) if line.startswith("x "))
    continuation = lines[entry + 1]
    assert continuation[:words_column].strip() == "" and continuation[words_column] != " "
