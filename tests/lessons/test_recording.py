"""Recording scenes headless: valid asciicast v2, replayable, identical twice; play and lesson mode."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import stat
from pathlib import Path

import numpy as np
import pyte
import pytest

from tuiclust.cli.main import main
from tuiclust.io.castfile import CastWriter
from tuiclust.lessons.pacing import part_steps
from tuiclust.lessons.recording import record_scene
from tuiclust.lessons.scene import builtin_scene_names, load_scene
from tuiclust.ui.stage import HeadlessStage

from .scene_texts import FIGURE_SCENE

# The smallest size the explorer supports: the quickest to record, and the
# hardest for captions to fit.
SIZE = (80, 24)


def read_cast(path: Path) -> tuple[dict, list[list]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return json.loads(lines[0]), [json.loads(line) for line in lines[1:]]


def replay(header: dict, events: list[list], until: float | None = None) -> pyte.Screen:
    """Feed the output events (up to and including time ``until``) to a terminal emulator."""
    screen = pyte.Screen(header["width"], header["height"])
    stream = pyte.Stream(screen)
    for time, kind, data in events:
        if until is not None and time > until:
            break
        if kind == "o":
            stream.feed(data)
    return screen


def squeeze(text: str) -> str:
    """Text without spaces and the side borders of boxes (a title card wraps its lines between them)."""
    return re.sub(r"[\s\u2502]+", "", text)


def expected_markers(scene) -> list[tuple[str, str | None]]:
    """(kind, narration or question) of every marker a recording of ``scene`` must have, in order.

    A run's step is ("step", its narration or None); a figure's entry is
    ("figure", its say); a question is ("question", its text), before the
    step or entry it asks about (asked once per entry and part).
    """
    found: list[tuple[str, str | None]] = []
    for part in scene.parts:
        if part.figure is not None:
            for entry in part.narration or (None,):
                if entry is not None and entry.ask:
                    found.append(("question", entry.ask))
                found.append(("figure", entry.say if entry is not None else None))
            continue
        asked = set()
        for step in part_steps(part):
            entry = part.narration_for(step)
            if entry is not None and entry.ask and entry.key not in asked:
                asked.add(entry.key)
                found.append(("question", entry.ask))
            found.append(("step", entry.say if entry is not None else None))
    return found


@pytest.fixture(scope="session")
def recorded(tmp_path_factory):
    """``recorded(name)``: the shipped scene recorded at 80x24, once per test process."""
    folder = tmp_path_factory.mktemp("casts")
    done: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in done:
            path = folder / f"{name}.cast"
            record_scene(load_scene(name), path, stage=HeadlessStage(), size=SIZE)
            done[name] = path
        return done[name]

    return get


class _ShippedScene:
    """What every shipped scene's recording must be; one ``TestScene_*`` class per scene, made below.

    A class per scene, not one module-wide fixture: each class is an xdist
    group (pyproject's ``--dist loadgroup``), so the scenes' recordings (the
    lesson alone takes tens of seconds) spread over the workers instead of
    queueing on one, and each is made once.
    """

    scene_name = ""

    @pytest.mark.slow
    def test_cast_is_valid_asciicast_v2_with_one_marker_per_step(self, recorded):
        name = self.scene_name
        header, events = read_cast(recorded(name))
        scene = load_scene(name)
        assert header["version"] == 2
        assert (header["width"], header["height"]) == SIZE
        assert header["title"] == scene.title
        assert "timestamp" not in header  # nothing from the clock
        times = [event[0] for event in events]
        assert times[0] == 0 and times == sorted(times)
        for event in events:
            assert len(event) == 3 and isinstance(event[0], (int, float))
            assert event[1] in ("o", "m") and isinstance(event[2], str)
        markers = [event[2] for event in events if event[1] == "m"]
        expected = expected_markers(scene)
        assert len(markers) == len(expected)
        # Every narration line is the label of the marker of the step it narrates; a question's names it.
        for label, (kind, said) in zip(markers, expected):
            if kind == "question":
                assert label == f"Question: {said}"
            elif said is not None:
                assert label == said
            else:
                assert label  # the step's phase-log line, or the figure's title

    def test_replayed_cast_shows_the_plot_and_the_narration(self, recorded):
        name = self.scene_name
        header, events = read_cast(recorded(name))
        scene = load_scene(name)
        entries = [n for part in scene.parts for n in part.narration]
        narrated = {n.say for n in entries}
        questions = {f"Question: {n.ask}": n.ask for n in entries if n.ask}
        screen = pyte.Screen(header["width"], header["height"])
        stream = pyte.Stream(screen)
        seen: set[str] = set()
        plot_seen = False
        for _, kind, data in events:
            if kind == "o":
                stream.feed(data)
                continue
            shown = squeeze("".join(screen.display))
            if data in narrated:
                # The narration is on screen when its marker comes (maybe wrapped).
                assert squeeze(data) in shown, data
                seen.add(data)
            elif data in questions:
                assert squeeze(data) in shown, data
                seen.add(data)
            if not plot_seen and "Phaselog" in shown:
                text = "\n".join(screen.display)
                assert all(mark in text for mark in "\u2524\u252c\u2514")  # the plot's axes: y ticks, x ticks, corner
                assert re.search(r"\d\u2524", text)  # a tick label on the y axis
                plot_seen = True
        # Every entry of the scene was on screen at its marker, and so was every question.
        assert seen == narrated | set(questions)
        assert plot_seen


for _name in builtin_scene_names():
    _cls = type("TestScene_" + re.sub(r"\W", "_", _name), (_ShippedScene,), {"scene_name": _name})
    _cls = pytest.mark.xdist_group(f"scene-{_name}")(_cls)  # both checks of a scene on one worker: one recording
    globals()[_cls.__name__] = _cls
del _name, _cls


def test_two_recordings_are_byte_identical(recorded, tmp_path):
    again = tmp_path / "again.cast"
    record_scene(load_scene("kmeans-basics"), again, stage=HeadlessStage(), size=SIZE)
    assert again.read_bytes() == recorded("kmeans-basics").read_bytes()


def test_cast_gets_the_umask_mode_not_a_private_one(recorded):
    umask = os.umask(0)
    os.umask(umask)
    for path in (recorded("kmeans-basics"), recorded("kmeans-init")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_title_cards_open_every_part(recorded):
    header, events = read_cast(recorded("kmeans-init"))
    cards = [t for t, kind, data in events if kind == "o" and "Part " in data and " of 3" in data]
    assert len(cards) == 3
    first = "\n".join(replay(header, events, until=0).display)
    assert "K-Means: where the centres start matters" in first and "Random initialisation" in first


def test_timing_comes_from_the_scene(recorded):
    scene = load_scene("kmeans-basics")
    _, events = read_cast(recorded("kmeans-basics"))
    marker_times = [t for t, kind, _ in events if kind == "m"]
    steps = part_steps(scene.parts[0])
    assert marker_times[0] == scene.playback.title_seconds
    from tuiclust.lessons.pacing import step_seconds

    for (t0, t1), step in zip(zip(marker_times, marker_times[1:]), steps):
        expected = step_seconds(scene.playback, scene.parts[0].narration_for(step))
        assert t1 - t0 == pytest.approx(expected, abs=0.0015)
    assert events[-1][0] - marker_times[-1] >= scene.playback.end_seconds


def test_elbow_narration_quotes_the_real_inertia():
    scene = load_scene("elbow")
    for part in scene.parts:
        final = part_steps(part)[-1]
        said = part.narrator(final)
        number = float(re.search(r"about ([\d,]+)", said).group(1).replace(",", ""))
        assert number == pytest.approx(final.inertia, rel=0.03), part.title


def test_linkage_scene_captions_quote_the_runs():
    from sklearn.cluster import AgglomerativeClustering as SkAgglomerative

    from tuiclust.core.datasets import make_dataset

    scene = load_scene("agglomerative-linkage")
    assert [p.spec.algorithm.params["linkage"] for p in scene.parts] == ["ward", "complete", "average", "single"]
    X, truth = make_dataset("moons", n_samples=300, random_state=0)[:2]
    for part in scene.parts:
        steps = part_steps(part)
        final = steps[-1]
        linkage = part.spec.algorithm.params["linkage"]
        np.testing.assert_array_equal(final.labels, SkAgglomerative(2, linkage=linkage).fit(X).labels_)
        # Every number the Done caption quotes is a cluster size or a count of one moon's points in a cluster.
        crosstab = {int(((final.labels == c) & (truth == t)).sum()) for c in (0, 1) for t in (0, 1)}
        quoted = {int(v) for v in re.findall(r"\b(\d+)\b", part.narrator(final))}
        assert quoted and quoted <= set(final.cluster_sizes) | crosstab, (part.title, quoted)
        # Each narrated Merge step is the one its caption describes.
        for step in steps:
            said = part.narrator(step) if step.phase.value == "merge" else None
            if said and "Two clusters left" in said:
                assert step.n_clusters_found == 2
                assert all(str(size) in said for size in step.cluster_sizes) or linkage == "complete"
            if said and "last merge joins" in said:
                assert step.n_clusters_found == 1 and "0.3929" in step.message
    single = part_steps(scene.parts[-1])
    crosstab = [[int(((single[-1].labels == c) & (truth == t)).sum()) for t in (0, 1)] for c in (0, 1)]
    assert sorted(map(sorted, crosstab)) == [[0, 150], [0, 150]]  # the two moons exactly


# --------------------------------------------------------------- the cast writer alone


def test_cast_writer_redraws_only_changed_rows():
    out = io.StringIO()
    writer = CastWriter(out, 10, 3, title="t")
    writer.frame(0, ["aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc"])
    writer.frame(500, ["aaaaaaaaaa", "BBBBBBBBBB", "cccccccccc"])
    writer.marker(500, "second")
    writer.frame(1000, ["aaaaaaaaaa", "BBBBBBBBBB", "cccccccccc"])  # nothing changed: no event
    writer.close(1500)
    lines = out.getvalue().splitlines()
    header, events = json.loads(lines[0]), [json.loads(line) for line in lines[1:]]
    assert header == {
        "version": 2,
        "width": 10,
        "height": 3,
        "title": "t",
        "env": {"TERM": "xterm-256color", "SHELL": "/bin/sh"},
    }
    assert [e[:2] for e in events] == [[0.0, "o"], [0.5, "o"], [0.5, "m"], [1.5, "o"]]
    assert "\x1b[2;1HBBBBBBBBBB" in events[1][2] and "aaaa" not in events[1][2]
    assert replay(header, events).display == ["aaaaaaaaaa", "BBBBBBBBBB", "cccccccccc"]
    with pytest.raises(ValueError, match="must not go back"):
        writer.marker(100, "late")
    with pytest.raises(ValueError, match="3 rows"):
        writer.frame(2000, ["x"])


# --------------------------------------------------------------- the command line


def test_record_command_writes_cast_and_svgs(tmp_path, capsys):
    out = tmp_path / "border.cast"
    assert (
        main(["record", "dbscan-border-order", "-o", str(out), "--size", "80x24", "--svg", str(tmp_path / "svg")]) == 0
    )
    message = capsys.readouterr().out
    assert message.startswith(f"wrote {out}: 80x24, 12 steps")
    header, events = read_cast(out)
    assert (header["width"], header["height"]) == (80, 24)
    svgs = sorted((tmp_path / "svg").glob("*.svg"))
    assert len(svgs) == 12 == sum(1 for e in events if e[1] == "m")
    assert svgs[0].name == "step-001-neighbourhoods.svg"
    assert svgs[0].read_text(encoding="utf-8").startswith("<svg")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--size", "100by30"], 'tuiclust: --size must look like "100x30" (columns x rows), got "100by30"\n'),
        (["--size", "10x10"], 'tuiclust: --size must be from 80x24 to 400x150, got "10x10"\n'),
    ],
)
def test_record_command_bad_size(tmp_path, capsys, argv, message):
    assert main(["record", "kmeans-basics", "-o", str(tmp_path / "x.cast"), *argv]) == 2
    assert capsys.readouterr().err == message


def test_record_command_missing_output_folder(tmp_path, capsys):
    out = tmp_path / "nowhere" / "x.cast"
    assert main(["record", "kmeans-basics", "-o", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"tuiclust: -o {out}: the folder {out.parent} does not exist; create it or choose another path\n"
    )


def test_record_command_unknown_scene(tmp_path, capsys):
    assert main(["record", "kmeans-basic", "-o", str(tmp_path / "x.cast")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and 'did you mean "kmeans-basics"?' in err


# --------------------------------------------------------------- lesson mode and play


async def test_lesson_mode_narrates_steps_and_switches_parts():
    from tuiclust.ui.lesson_app import LessonApp

    scene = load_scene("kmeans-init")
    app = LessonApp(scene)
    async with app.run_test(size=SIZE) as pilot:
        await app.wait_until_computed()
        await pilot.pause()
        caption = lambda: str(app.caption.render()).strip()
        assert caption() == "Two of the three random starts landed in the same group."
        await pilot.press("right")
        await pilot.pause()
        assert caption() == ""  # no narration on this step: the line stays, empty
        assert app.caption.display
        await pilot.press("n")
        await app.wait_until_computed()
        await pilot.pause()
        assert app.part_index == 1
        assert app.current_run.spec.algorithm.params["init"] == "k-means++"
        assert caption() == "k-means++ spreads the starts out: one centre lands in each group."
        assert "2/3 k-means++" in app.title
        await pilot.press("2")  # explorer keys still work: DBSCAN on the same data
        await app.wait_until_computed()
        await pilot.pause()
        assert app.current_run.spec.algorithm.name == "dbscan"


async def test_play_runs_every_part_to_the_end():
    from tuiclust.ui.lesson_app import PlayerApp

    scene = load_scene("dbscan-border-order")
    app = PlayerApp(scene, speed=20.0)
    async with app.run_test(size=SIZE) as pilot:
        await next(worker for worker in app.workers if worker.name == "lesson").wait()
        await pilot.pause()
        assert app.part_index == 1
        timeline = app.current_run.timeline
        assert timeline.finished and timeline.at_last_step
        assert app.current_run.spec.data.source.endswith("border-reversed.csv")
        await pilot.press("q")
    assert app.return_code == 0


async def test_play_pauses_on_space_and_quits_on_q():
    from tuiclust.ui.lesson_app import PlayerApp

    app = PlayerApp(load_scene("kmeans-basics"), speed=1.0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        assert not app._resumed.is_set()
        await pilot.press("space")
        assert app._resumed.is_set()
        await pilot.press("q")
    assert app.return_code == 0


async def test_play_loop_starts_again_with_the_first_part():
    from tuiclust.ui.lesson_app import PlayerApp, Shot

    class InstantPlayer(PlayerApp):
        """Shows every shot at once, and stops after the first shot of the second round."""

        shots: list[Shot] = []

        async def _show(self, shot: Shot) -> None:
            self.shots.append(shot)
            if len([s for s in self.shots if s.step is None]) == 3:  # two cards, then the first card again
                self.exit()

    from textual.worker import WorkerCancelled

    scene = load_scene("dbscan-border-order")
    app = InstantPlayer(scene, loop=True)
    async with app.run_test(size=SIZE):
        lesson = next(worker for worker in app.workers if worker.name == "lesson")
        with contextlib.suppress(WorkerCancelled):  # exit() cancels the lesson where it is
            await lesson.wait()
    cards = [i for i, shot in enumerate(app.shots) if shot.step is None]
    assert [app.shots[i].part_index for i in cards] == [0, 1, 0]
    steps = [shot.step for shot in app.shots[cards[0] : cards[2]] if shot.step is not None]
    assert len(steps) == sum(len(part_steps(part)) for part in scene.parts)


# --------------------------------------------------------------- figures and questions


@pytest.fixture(scope="module")
def figure_scene(tmp_path_factory):
    path = tmp_path_factory.mktemp("figure-scene") / "figures.toml"
    path.write_text(FIGURE_SCENE, encoding="utf-8")
    return load_scene(str(path))


def test_a_figure_and_a_question_record_the_same_bytes_twice(figure_scene, tmp_path):
    first, second = tmp_path / "first.cast", tmp_path / "second.cast"
    recording = record_scene(figure_scene, first, stage=HeadlessStage(), size=SIZE)
    record_scene(figure_scene, second, stage=HeadlessStage(), size=SIZE)  # the figure now comes from the cache
    assert first.read_bytes() == second.read_bytes()
    assert (recording.n_figures, recording.n_questions) == (2, 2)


def test_a_question_is_on_screen_before_its_step_and_the_figure_follows_the_selection(figure_scene, tmp_path):
    out = tmp_path / "figures.cast"
    record_scene(figure_scene, out, stage=HeadlessStage(), size=SIZE)
    header, events = read_cast(out)
    markers = [(t, data) for t, kind, data in events if kind == "m"]
    labels = [data for _, data in markers]
    ask = labels.index("Question: Which centre will the points on the left join?")
    assert labels[ask + 1] == "Every point joins its nearest centre."
    before = "\n".join(replay(header, events, until=markers[ask][0]).display)
    # The step before (Initialize) stays on screen with the question; the answer is not shown yet.
    assert "step 1 of" in before and "Every point joins" not in before
    after = "\n".join(replay(header, events, until=markers[ask + 1][0]).display)
    assert "step 2 of" in after and "Question" not in after
    # The elbow: k = 2 selected, then the question, then k = 3.
    figure = labels.index("k = 2 is selected.")
    assert labels[figure + 1 :] == ["Question: Where is the elbow?", "The elbow is at k = 3."]
    screens = ["\n".join(replay(header, events, until=t).display) for t, _ in markers[figure:]]
    assert "selected k = 2" in screens[0] and "selected k = 2" in screens[1] and "Where is the elbow?" in screens[1]
    assert "selected k = 3" in screens[2] and "The elbow is at k = 3." in screens[2]
    assert all("computed in" not in screen for screen in screens)  # no wall-clock time in a recording


async def test_play_ends_saying_so_and_refuses_keys_that_would_change_the_run():
    from tuiclust.ui.lesson_app import PlayerApp

    app = PlayerApp(load_scene("kmeans-basics"), speed=20.0)
    async with app.run_test(size=SIZE) as pilot:
        first = app.current_run
        await pilot.press("plus")  # k + 1 would leave the scene's captions over another run
        await pilot.pause()
        assert app.current_run is first and any("keys that change the run are off" in t for t in app.told)
        await next(worker for worker in app.workers if worker.name == "lesson").wait()
        await pilot.pause()
        assert "playing the lesson" not in app.status_text() and "end of the lesson" in app.status_text()
        await pilot.press("q")


async def test_lesson_mode_leaves_the_narration_when_a_key_changes_the_run():
    from tuiclust.ui.lesson_app import LessonApp

    scene = load_scene("kmeans-basics")
    app = LessonApp(scene)
    async with app.run_test(size=SIZE) as pilot:
        await app.wait_until_computed()
        assert app.narrator is not None and app.title == scene.title
        await pilot.press("plus")
        await app.wait_until_computed()
        await pilot.pause()
        assert app.current_run.params["n_clusters"] != scene.parts[0].spec.algorithm.params.get("n_clusters")
        assert app.narrator is None and "left the lesson" in app.title
        assert not app.caption.display  # no caption of the part over the new run
        await pilot.press("n")  # back to the lesson (its single part), narrated again
        await app.wait_until_computed()
        await pilot.pause()
        assert app.narrator is not None and app.title == scene.title
