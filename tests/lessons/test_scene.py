"""Scene files: the shipped scenes are valid and narrated, bad files give one clear line."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tuiclust.cli.main import main
from tuiclust.core.steps import Phase, Step
from tuiclust.lessons.pacing import reading_seconds, step_seconds, unfired_narration
from tuiclust.lessons.scene import (
    PHASES,
    Narration,
    Playback,
    SceneError,
    builtin_scene_names,
    is_scene_reference,
    load_scene,
    parse_size,
)

REQUIRED_SCENES = {
    "kmeans-basics",
    "kmeans-init",
    "kmeans-limits",
    "kmeans-outliers",
    "elbow",
    "dbscan-basics",
    "dbscan-eps",
    "dbscan-border-order",
    "gmm-em",
    "gmm-overlap",
    "compare-shapes",
    "scaling-pitfall",
    "agglomerative-linkage",
}

GOOD = """\
title = "Test scene"
description = "A scene for tests."

[data]
generator = "blobs"
n_samples = 60
seed = 3

[algorithm]
name = "kmeans"
n_clusters = 3

[[steps]]
on = "assign"
iteration = 1
say = "Every point joins its nearest centre."
"""


def write(tmp_path: Path, text: str, name: str = "test-scene.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str, name: str = "test-scene.toml") -> str:
    with pytest.raises(SceneError) as info:
        load_scene(str(write(tmp_path, text, name)))
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{name}: ")
    return message


# --------------------------------------------------------------- shipped scenes


def test_every_required_scene_is_shipped():
    assert REQUIRED_SCENES <= set(builtin_scene_names())


@pytest.mark.parametrize("name", builtin_scene_names())
def test_shipped_scene_validates_and_every_narration_fires(name):
    scene = load_scene(name)
    assert scene.name == name and scene.title and scene.parts
    assert all(part.narration for part in scene.parts), "every part says something"
    assert unfired_narration(scene) == []


def test_scenes_command_lists_name_then_title(capsys):
    assert main(["scenes"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = builtin_scene_names()
    assert [line.split()[0] for line in lines] == names
    for line, name in zip(lines, names):
        assert line.split(None, 1)[1] == load_scene(name).title


def test_scene_reference_detection(tmp_path):
    assert is_scene_reference("kmeans-basics")
    assert is_scene_reference("my-lesson.toml")
    assert not is_scene_reference("points.csv")
    assert not is_scene_reference("no-such-scene")


# --------------------------------------------------------------- the format


def test_good_scene_becomes_a_run_spec(tmp_path):
    scene = load_scene(str(write(tmp_path, GOOD)))
    assert scene.name == "test-scene"
    assert not scene.has_parts and len(scene.parts) == 1
    part = scene.parts[0]
    assert part.title == "Test scene"
    assert part.spec.data.source == "blobs" and part.spec.data.n_samples == 60 and part.spec.data.seed == 3
    assert part.spec.algorithm.name == "kmeans" and dict(part.spec.algorithm.params) == {"n_clusters": 3}
    assert scene.playback == Playback()
    assert scene.playback.size == (100, 30)


def test_parts_override_the_defaults_key_by_key(tmp_path):
    scene = load_scene(
        str(
            write(
                tmp_path,
                GOOD
                + """
                [[parts]]
                title = "Random"
                algorithm = { init = "random" }

                [[parts.steps]]
                on = "initialize"
                say = "Random start."

                [[parts]]
                title = "Now DBSCAN"
                data = { n_samples = 80 }
                algorithm = { name = "dbscan", eps = 1.5 }
                """,
            )
        )
    )
    assert scene.has_parts and [p.title for p in scene.parts] == ["Random", "Now DBSCAN"]
    first, second = scene.parts
    assert dict(first.spec.algorithm.params) == {"n_clusters": 3, "init": "random"}
    # Another algorithm starts from its own table: n_clusters does not leak into DBSCAN.
    assert second.spec.algorithm.name == "dbscan" and dict(second.spec.algorithm.params) == {"eps": 1.5}
    assert second.spec.data.n_samples == 80 and second.spec.data.seed == 3
    # The part's own narration first, then the shared entries its algorithm has.
    assert [n.say for n in first.narration] == ["Random start.", "Every point joins its nearest centre."]
    assert second.narration == ()


def test_narration_prefers_the_entry_naming_the_iteration():
    import numpy as np

    from tuiclust.lessons.scene import ScenePart
    from tuiclust.pipeline.spec import RunSpec

    part = ScenePart(
        "t",
        "",
        RunSpec(),
        (Narration(Phase.ASSIGN, "every assign"), Narration(Phase.ASSIGN, "second assign", iteration=2)),
    )
    labels = np.zeros(3, dtype=np.int8)
    step = lambda phase, it: Step("kmeans", phase, it, labels, "")
    assert part.narrator(step(Phase.ASSIGN, 1)) == "every assign"
    assert part.narrator(step(Phase.ASSIGN, 2)) == "second assign"
    assert part.narrator(step(Phase.UPDATE, 2)) is None


def test_pace_of_steps():
    playback = Playback(steps_per_second=2.0)
    assert step_seconds(playback, None) == 0.5
    assert step_seconds(playback, Narration(Phase.ASSIGN, "short", hold=3.0)) == 3.0
    long_text = " ".join(["word"] * 12)
    assert (
        step_seconds(playback, Narration(Phase.ASSIGN, long_text)) == reading_seconds(long_text) == pytest.approx(4.6)
    )
    assert reading_seconds("hi") == 2.0 and reading_seconds("word " * 100) == 8.0


def test_parse_size():
    assert parse_size("100x30") == (100, 30)
    assert parse_size("80X24") == (80, 24)
    with pytest.raises(ValueError, match="columns x rows"):
        parse_size("100 by 30")
    with pytest.raises(ValueError, match="from 80x24"):
        parse_size("40x10")


def test_data_csv_path_is_relative_to_the_scene(tmp_path):
    (tmp_path / "pts.csv").write_text("a,b\n1,2\n3,4\n5,6\n", encoding="utf-8")
    scene = load_scene(
        str(
            write(
                tmp_path,
                GOOD.replace('generator = "blobs"\nn_samples = 60', 'csv = "pts.csv"').replace(
                    "n_clusters = 3", "n_clusters = 2"
                ),
            )
        )
    )
    assert scene.parts[0].spec.data.source == str((tmp_path / "pts.csv").resolve())
    assert scene.parts[0].spec.data.is_file


# --------------------------------------------------------------- bad scenes, one message each


def test_wrong_type_names_the_key_path(tmp_path):
    message = error_of(tmp_path, GOOD.replace("n_clusters = 3", 'n_clusters = "three"'), "kmeans-basics.toml")
    assert message == 'kmeans-basics.toml: algorithm.n_clusters must be an integer >= 1, got "three"'


def test_unknown_key_anywhere(tmp_path):
    assert error_of(tmp_path, GOOD.replace("seed = 3", "seed = 3\nflavour = 1")) == (
        "test-scene.toml: data.flavour is not a known key; allowed keys: generator, csv, n_samples, noise, "
        "seed, scale, columns, x, y, drop_missing"
    )
    assert 'titel is not a known key; did you mean "title"?' in error_of(tmp_path, 'titel = "x"\n' + GOOD)
    message = error_of(tmp_path, GOOD + '[[parts]]\ntitle = "a"\nspeed = 2\n')
    assert message.startswith("test-scene.toml: parts[1].speed is not a known key")
    message = error_of(tmp_path, GOOD + 'hold = 1\nsound = "ding"\n')
    assert message.startswith("test-scene.toml: steps[1].sound is not a known key")


def test_unknown_algorithm_parameter(tmp_path):
    message = error_of(tmp_path, GOOD.replace("n_clusters = 3", "n_cluster = 3"))
    assert message == 'test-scene.toml: algorithm.n_cluster is not a parameter of kmeans; did you mean "n_clusters"?'
    message = error_of(tmp_path, GOOD.replace("n_clusters = 3", "eps = 0.5"))
    assert message.startswith("test-scene.toml: algorithm.eps is not a parameter of kmeans")


def test_out_of_range_values(tmp_path):
    assert error_of(tmp_path, GOOD.replace("n_clusters = 3", "n_clusters = 0")) == (
        "test-scene.toml: algorithm.n_clusters must be an integer >= 1, got 0"
    )
    assert error_of(tmp_path, GOOD + "[playback]\nsteps_per_second = 0\n") == (
        "test-scene.toml: playback.steps_per_second must be a number >= 0.05 and <= 20, got 0"
    )
    assert error_of(tmp_path, GOOD + '[playback]\nsize = "20x5"\n') == (
        'test-scene.toml: playback.size must be from 80x24 to 400x150, got "20x5"'
    )
    assert error_of(tmp_path, GOOD.replace("n_clusters = 3", "n_clusters = 61")) == (
        "test-scene.toml: algorithm.n_clusters is 61, more than the 60 points of the data; use at most 60"
    )
    message = error_of(tmp_path, GOOD.replace('name = "kmeans"\nn_clusters = 3', 'name = "dbscan"\neps = -1'))
    assert message.startswith("test-scene.toml: algorithm.eps must be")
    assert message.endswith("got -1") or message.endswith("got -1.0")


def test_values_inside_parts_name_the_part(tmp_path):
    message = error_of(
        tmp_path, GOOD + '[[parts]]\ntitle = "a"\n[[parts]]\ntitle = "b"\nalgorithm = { n_clusters = -2 }\n'
    )
    assert message == "test-scene.toml: parts[2].algorithm.n_clusters must be an integer >= 1, got -2"


def test_toml_syntax_error_names_the_line(tmp_path):
    message = error_of(tmp_path, GOOD.replace("seed = 3", "seed = = 3"))
    assert message.startswith("test-scene.toml: line 7, column ")
    assert "invalid TOML" in message


def test_missing_csv(tmp_path):
    message = error_of(tmp_path, GOOD.replace('generator = "blobs"\nn_samples = 60', 'csv = "nowhere.csv"'))
    assert message.startswith('test-scene.toml: data.csv "nowhere.csv" does not exist (looked for ')


def test_unknown_generator(tmp_path):
    message = error_of(tmp_path, GOOD.replace('"blobs"', '"blob"'))
    assert message.startswith("test-scene.toml: data.generator must be one of blobs, moons, ")
    assert message.endswith('got "blob" (did you mean "blobs"?)')


def test_narration_on_a_phase_the_algorithm_does_not_have(tmp_path):
    message = error_of(tmp_path, GOOD.replace('on = "assign"', 'on = "e_step"'))
    assert message == (
        'test-scene.toml: steps[1].on: "e_step" is not a phase of kmeans; '
        "use one of initialize, assign, update, converged, stopped"
    )
    assert 'steps[1].on: "assignment" is not a phase' in error_of(
        tmp_path, GOOD.replace('on = "assign"', 'on = "assignment"')
    )


def test_missing_required_keys(tmp_path):
    assert error_of(tmp_path, GOOD.replace('title = "Test scene"\n', "")) == "test-scene.toml: title is missing"
    assert "steps[1].say is missing" in error_of(
        tmp_path, GOOD.replace('say = "Every point joins its nearest centre."', "")
    )
    assert "data needs generator" in error_of(tmp_path, GOOD.replace('generator = "blobs"\n', ""))


def test_unknown_scene_name():
    with pytest.raises(
        SceneError,
        match=r"no scene named 'kmeans-basic' \(did you mean \"kmeans-basics\"\?\); `tuiclust scenes` lists them",
    ):
        load_scene("kmeans-basic")


# --------------------------------------------------------------- the command line


@pytest.mark.parametrize("command", ["record", "play"])
def test_cli_bad_scene_exits_2_with_one_line(tmp_path, capsys, command):
    path = write(tmp_path, GOOD.replace("n_clusters = 3", 'n_clusters = "three"'), "kmeans-basics.toml")
    extra = ["-o", str(tmp_path / "out.cast")] if command == "record" else []
    assert main([command, str(path), *extra]) == 2
    captured = capsys.readouterr()
    assert captured.err == 'tuiclust: kmeans-basics.toml: algorithm.n_clusters must be an integer >= 1, got "three"\n'
    assert not (tmp_path / "out.cast").exists()


def test_real_command_shows_no_traceback(tmp_path):
    path = write(tmp_path, GOOD.replace("seed = 3", "seed = = 3"))
    result = subprocess.run(
        [sys.executable, "-m", "tuiclust", "record", str(path), "-o", str(tmp_path / "x.cast")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("tuiclust: test-scene.toml: line 7, column")


def test_phases_cover_every_phase():
    assert {p for phases in PHASES.values() for p in phases} == set(Phase)


# --------------------------------------------------------------- figures and questions

FIGURE_PART = (
    GOOD.split("[[steps]]")[0]
    + """
[[parts]]
title = "The elbow"
view = { kind = "elbow", select = 4 }

[[parts.steps]]
say = "k = 4 is marked."

[[parts.steps]]
ask = "Where is the elbow?"
select = 3
say = "At k = 3."
"""
)


def test_a_part_can_stage_a_figure_with_a_selection_per_entry(tmp_path):
    scene = load_scene(str(write(tmp_path, FIGURE_PART)))
    part = scene.parts[0]
    assert part.figure is not None and part.figure.kind == "elbow" and part.figure.select == 4
    assert part.figure.title == "the elbow view"
    # A figure's entries have no phase and are shown in order.
    assert [(n.on, n.say, n.ask, n.select) for n in part.narration] == [
        (None, "k = 4 is marked.", None, None),
        (None, "At k = 3.", "Where is the elbow?", 3),
    ]
    assert unfired_narration(scene) == []


def test_every_figure_kind_is_accepted_with_its_algorithm(tmp_path):
    views = {
        "elbow": ('name = "kmeans"', "select = 2"),
        "k-distance": ('name = "dbscan"\neps = 1.0', "select = 0.5"),
        "bic-aic": ('name = "gmm"\nn_components = 3', "select = 3"),
        "comparison": ('name = "kmeans"', 'select = "moons/dbscan"'),
        "scores": ('name = "dbscan"\neps = 1.0', ""),
        "silhouette": ('name = "gmm"\nn_components = 2', ""),
    }
    for kind, (algorithm, select) in views.items():
        text = GOOD.replace('name = "kmeans"\nn_clusters = 3', algorithm).split("[[steps]]")[0]
        text += f'[[parts]]\ntitle = "t"\n[parts.view]\nkind = "{kind}"\n{select}\n[[parts.steps]]\nsay = "s"\n'
        part = load_scene(str(write(tmp_path, text))).parts[0]
        assert part.figure.kind == kind, kind


def test_a_comparison_part_needs_no_data_of_its_own(tmp_path):
    text = 'title = "Grid"\n[[parts]]\ntitle = "g"\nview = { kind = "comparison", select = "aniso" }\n'
    part = load_scene(str(write(tmp_path, text + '[[parts.steps]]\nsay = "s"\n'))).parts[0]
    assert part.figure.select == "aniso" and part.spec is not None


@pytest.mark.parametrize(
    "change, message",
    [
        (
            ('kind = "elbow"', 'kind = "elbows"'),
            (
                "parts[1].view.kind must be one of elbow, k-distance, bic-aic, comparison, scores, silhouette; "
                'got "elbows" (did you mean "elbow"?)'
            ),
        ),
        (
            ('kind = "elbow"', 'kind = "k-distance"'),
            (
                'parts[1].view.kind is "k-distance", which is for dbscan runs, but the part\'s algorithm is kmeans; '
                'set algorithm.name = "dbscan" in this part'
            ),
        ),
        (("select = 4", "select = 11"), "parts[1].view.select must be an integer from 1 to 10, got 11"),
        (("select = 4", 'select = "four"'), 'parts[1].view.select must be an integer from 1 to 10, got "four"'),
        (("select = 4", "select = 4, zoom = 2"), "parts[1].view.zoom is not a known key; allowed keys: kind, select"),
        (
            ("select = 3\n", 'select = 3\non = "assign"\n'),
            (
                "parts[1].steps[2].on does not apply: the elbow view has no phases, its entries are shown in order; "
                "leave it out"
            ),
        ),
        (('ask = "Where is the elbow?"', 'ask = ""'), "parts[1].steps[2].ask must not be empty"),
        (('ask = "Where is the elbow?"', "ask = 3"), "parts[1].steps[2].ask must be a string, got 3"),
        (('say = "At k = 3."', 'said = "At k = 3."'), "parts[1].steps[2].say is missing"),
    ],
)
def test_bad_figure_parts_name_the_key(tmp_path, change, message):
    old, new = change
    assert old in FIGURE_PART
    assert error_of(tmp_path, FIGURE_PART.replace(old, new, 1)) == f"test-scene.toml: {message}"


def test_bad_grid_selections_and_selections_outside_figures(tmp_path):
    text = FIGURE_PART.replace('kind = "elbow", select = 4', 'kind = "comparison", select = "moon"')
    assert error_of(tmp_path, text).startswith(
        "test-scene.toml: parts[1].view.select must be a grid row (circles, moons, varied, aniso, blobs, no_structure)"
    )
    text = FIGURE_PART.replace('kind = "elbow", select = 4', 'kind = "scores", select = 4')
    assert error_of(tmp_path, text) == (
        "test-scene.toml: parts[1].view.select is not used by this figure, which has nothing to select; leave it out"
    )
    assert error_of(tmp_path, GOOD + "select = 3\n") == (
        "test-scene.toml: steps[1].select only applies in a part with [parts.view]; leave it out"
    )


def test_a_question_on_a_run_step(tmp_path):
    scene = load_scene(str(write(tmp_path, GOOD + 'ask = "Where will the points go?"\n')))
    (entry,) = scene.parts[0].narration
    assert entry.ask == "Where will the points go?" and entry.on is Phase.ASSIGN
    long_question = "why " * 60
    assert error_of(tmp_path, GOOD + f'ask = "{long_question}"\n').startswith(
        "test-scene.toml: steps[1].ask is 239 characters long; keep narration under 200"
    )


def test_the_pace_of_questions_and_figures():
    from tuiclust.lessons.pacing import FIGURE_SECONDS, THINK_SECONDS, figure_seconds, question_seconds

    assert question_seconds("Where is it?") == reading_seconds("Where is it?") + THINK_SECONDS
    assert figure_seconds(None) == FIGURE_SECONDS
    assert figure_seconds(Narration(None, "short", hold=5.0)) == 5.0


def test_cli_bad_figure_exits_2_with_one_line(tmp_path, capsys):
    path = write(tmp_path, FIGURE_PART.replace("select = 4", "select = 0"))
    assert main(["play", str(path)]) == 2
    assert capsys.readouterr().err == (
        "tuiclust: test-scene.toml: parts[1].view.select must be an integer from 1 to 10, got 0\n"
    )


# --------------------------------------------------------------- inputs that would block
def test_a_scene_that_is_a_named_pipe_is_refused_without_waiting(tmp_path):
    import os

    pipe = tmp_path / "live.toml"
    os.mkfifo(pipe)
    with pytest.raises(SceneError) as info:
        load_scene(str(pipe))  # reading it would wait for a writer forever
    assert str(info.value) == f"{pipe} is a named pipe (FIFO), not a regular scene file; give a scene file on disk"


# --------------------------------------------------------------- csv outside the scene's folder
CSV_SCENE = GOOD.replace('generator = "blobs"\nn_samples = 60', 'csv = "{csv}"').replace(
    "n_clusters = 3", "n_clusters = 2"
)


@pytest.mark.parametrize("how", ["dot-dot", "absolute", "symlink inside"])
def test_a_scene_reads_only_files_in_its_folder_unless_allowed(tmp_path, how, capsys):
    outside = tmp_path / "private.csv"
    outside.write_text("secret,code\n1,2\n3,4\n5,6\n", encoding="utf-8")
    folder = tmp_path / "lesson"
    folder.mkdir()
    if how == "symlink inside":
        (folder / "pts.csv").symlink_to(outside)
    csv = {"dot-dot": "../private.csv", "absolute": str(outside), "symlink inside": "pts.csv"}[how]
    scene_path = write(folder, CSV_SCENE.format(csv=csv))
    with pytest.raises(SceneError) as info:
        load_scene(str(scene_path))
    message = str(info.value)
    assert message.startswith('test-scene.toml: data.csv "')
    assert f"is outside the scene's folder ({folder.resolve()}); a scene reads only its own files" in message
    assert "--allow-outside" in message
    assert "secret" not in message  # nothing of the other file is read, let alone quoted
    scene = load_scene(str(scene_path), allow_outside=True)
    assert scene.parts[0].spec.data.source == str(outside.resolve())
    # The command line refuses it before anything starts, and takes the flag.
    assert main(["play", str(scene_path)]) == 2
    assert "is outside the scene's folder" in capsys.readouterr().err
    assert main(["record", str(scene_path), "-o", str(tmp_path / "x.cast"), "--size", "10x10", "--allow-outside"]) == 2
    assert "--size" in capsys.readouterr().err  # past the scene check: the bad size is what stops it
