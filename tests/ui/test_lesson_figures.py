"""Lesson mode and `play` with a scene's figures and questions: a question holds its step until a key."""

from __future__ import annotations

import contextlib

import pytest

from tuiclust.lessons.scene import load_scene
from tuiclust.ui.lesson_app import LessonApp, PlayerApp
from tuiclust.ui.views.elbow import ElbowView

from ..lessons.scene_texts import FIGURE_SCENE as SCENE
from .conftest import wait_until

SIZE = (100, 30)


@pytest.fixture
def scene(tmp_path):
    path = tmp_path / "figures.toml"
    path.write_text(SCENE, encoding="utf-8")
    return load_scene(str(path))


def caption(app: LessonApp) -> str:
    return str(app.caption.render()).strip()


async def test_lesson_mode_holds_a_step_on_its_question_until_a_key(scene):
    app = LessonApp(scene)
    async with app.run_test(size=SIZE) as pilot:
        await app.wait_until_computed()
        await pilot.pause()
        timeline = app.current_run.timeline
        assert timeline.index == 0
        await pilot.press("right")
        await pilot.pause()
        # The step is held: Initialize stays on screen with the question.
        assert timeline.index == 0
        assert caption(app) == "Question: Which centre will the points on the left join?  (press a key for the answer)"
        assert "press a key" in app.status_text()
        await pilot.press("x")  # any key answers
        await pilot.pause()
        assert timeline.index == 1 and caption(app) == "Every point joins its nearest centre."
        await pilot.press("left", "right")  # answered once: no second question
        await pilot.pause()
        assert timeline.index == 1 and app.question is None


async def test_lesson_mode_walks_a_figure_with_n(scene):
    app = LessonApp(scene)
    async with app.run_test(size=SIZE) as pilot:
        await app.wait_until_computed()
        await pilot.press("n")
        await wait_until(lambda: isinstance(app.screen, ElbowView) and app.screen.filled, what="the elbow view")
        await wait_until(lambda: app.screen.caption_text != "", what="the figure's caption")
        view = app.screen
        assert view.selected == 2 and view.caption_text == "k = 2 is selected.  (n: next)"
        await pilot.press("n")  # the next entry asks first, on the figure
        await pilot.pause()
        assert view.selected == 2 and view.caption_text.startswith("Question: Where is the elbow?")
        await pilot.press("space")
        await pilot.pause()
        assert view.selected == 3 and view.caption_text == "The elbow is at k = 3.  (n: next part)"
        await pilot.press("n")  # past the last entry: the next part (wrapping to the first)
        await wait_until(lambda: not isinstance(app.screen, ElbowView), what="the figure to close")
        await app.wait_until_computed()
        assert app.part_index == 0


async def test_play_waits_for_a_key_at_each_question(scene):
    app = PlayerApp(scene, speed=20.0)
    async with app.run_test(size=SIZE) as pilot:
        lesson = next(worker for worker in app.workers if worker.name == "lesson")
        await wait_until(lambda: app.question is not None, what="the first question")
        assert app.question.ask == "Which centre will the points on the left join?"
        assert caption(app).startswith("Question: Which centre")
        index = app.current_run.timeline.index
        await pilot.pause(0.3)
        assert app.question is not None and app.current_run.timeline.index == index  # still waiting
        await pilot.press("x")
        await wait_until(
            lambda: app.question is not None and app.question.ask == "Where is the elbow?", what="the figure's question"
        )
        assert isinstance(app.screen, ElbowView) and app.screen.selected == 2
        await pilot.press("enter")  # any key, even one the view binds, answers first
        await wait_until(lambda: lesson.is_finished, what="the end of the lesson")
        with contextlib.suppress(Exception):
            await lesson.wait()
        await pilot.press("q")
    assert app.return_code == 0


async def test_a_question_on_the_first_step_waits_on_the_title_card(tmp_path):
    from tuiclust.ui.title_card import TitleCard

    path = tmp_path / "first.toml"
    path.write_text(
        SCENE.split("[[parts]]")[0]
        + ('[[steps]]\non = "initialize"\nask = "Where will the first centres be?"\nsay = "On three data points."\n'),
        encoding="utf-8",
    )
    app = LessonApp(load_scene(str(path)))
    async with app.run_test(size=SIZE) as pilot:
        await app.wait_until_computed()
        await wait_until(lambda: isinstance(app.screen, TitleCard), what="the card with the question")
        await pilot.pause()
        assert "Where will the first centres be?" in str(app.screen.query_one("#question").render())
        await pilot.press("z")
        await wait_until(lambda: not isinstance(app.screen, TitleCard), what="the card to go")
        assert caption(app) == "On three data points." and app.question is None
