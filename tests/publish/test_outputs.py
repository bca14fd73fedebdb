"""`tuiclust record -o` by suffix: one recording, every output written, bad outputs refused first."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from tuiclust.cli import main
from tuiclust.lessons import recording as record_module
from tuiclust.publish import gif
from tuiclust.publish.outputs import KNOWN_SUFFIXES, plan_outputs

from .images import read_gif


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


@pytest.mark.skipif(gif.find_agg() is None, reason=f"agg is not installed: {gif.INSTALL_HINT}")
def test_several_outputs_come_from_one_recording(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = record_module.record_scene
    monkeypatch.setattr(record_module, "record_scene", lambda *a, **k: calls.append(a) or real(*a, **k))
    files = [tmp_path / name for name in ("a.cast", "b.gif", "c.html", "d.cast")]
    status, out, err = run_cli("record", "kmeans-basics", "--size", "80x24", *[f"-o{f}" for f in files])
    assert status == 0, err
    assert len(calls) == 1
    assert files[3].read_bytes() == files[0].read_bytes()
    assert read_gif(files[1].read_bytes()).n_frames > 3
    assert "K-Means, step by step" in files[2].read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.cast", "b.gif", "c.html", "d.cast"]  # no temp files
    assert out.splitlines()[0].startswith(f"wrote {files[0]}: 80x24, ")
    assert [line.split(":")[0] for line in out.splitlines()[1:]] == [f"wrote {f}" for f in files[1:]]


def test_a_page_alone_needs_no_cast_file_and_leaves_none(tmp_path: Path) -> None:
    status, out, err = run_cli(
        "record", "kmeans-basics", "--size", "80x24", "-o", str(tmp_path / "x.html"), "--pause-on-markers"
    )
    assert status == 0, err
    assert [p.name for p in tmp_path.iterdir()] == ["x.html"]
    assert out.startswith("recorded kmeans-basics.toml: 80x24")
    assert '"pauseOnMarkers": true' in (tmp_path / "x.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("outputs", "message"),
    [
        (["x.mp4"], "'.mp4' is not an output this command writes; known: .cast (asciicast v2), .gif"),
        (["lesson"], "no suffix is not an output"),
        (["a.cast", "./a.cast"], "given twice"),
        (["missing/a.html"], "the folder missing does not exist"),
    ],
)
def test_bad_outputs_are_one_line_and_exit_2(
    outputs: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    argv = ["record", "kmeans-basics"] + [part for path in outputs for part in ("-o", path)]
    status, out, err = run_cli(*argv)
    assert status == 2 and message in err and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []


def test_every_known_suffix_is_listed_and_case_does_not_matter(tmp_path: Path) -> None:
    assert list(KNOWN_SUFFIXES) == [".cast", ".gif", ".html"]
    plan = plan_outputs([str(tmp_path / "A.CAST"), str(tmp_path / "b.HTML")])
    assert plan.recorded_to == tmp_path / "A.CAST"


def test_options_for_an_output_that_is_not_asked_for_are_refused(tmp_path: Path) -> None:
    status, _, err = run_cli("record", "kmeans-basics", "-o", str(tmp_path / "a.cast"), "--font-size", "20")
    assert status == 2 and "--font-size applies to a GIF output" in err
