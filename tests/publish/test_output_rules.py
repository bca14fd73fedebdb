"""`tuiclust record -o` and `--svg` by the output rules (issue 18 items 1, 2, 3, 7).

The scene and the files it reads are never an output (by path, symlink or
hard link); a FIFO is written through and stays a FIFO; a full device is one
line; SVG frames are replaced by rename, never rewritten in place; SIGTERM
leaves no temporary file or folder.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from tuiclust.cli.main import main

from ..io.devices import char_device

ROOT = Path(__file__).resolve().parents[2]
SCENE = """\
title = "Tiny"
[data]
csv = "{csv}"
[algorithm]
name = "kmeans"
n_clusters = 2
max_iter = 1
"""
POINTS = "x,y\n0,0\n0,1\n1,0\n9,9\n9,8\n8,9\n"


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def tiny_scene(folder: Path, *, name: str = "tiny.toml", csv: str = "points.csv") -> Path:
    (folder / csv).write_text(POINTS)
    scene = folder / name
    scene.write_text(SCENE.format(csv=csv))
    return scene


def refused(*argv: str) -> str:
    status, _, err = run_cli(*argv)
    assert status == 2 and "Traceback" not in err and err.count("\n") == 1, err
    return err


# ----------------------------------------------------------- inputs are not outputs
def test_the_scene_itself_is_refused_as_an_output(tmp_path: Path) -> None:
    scene = tiny_scene(tmp_path, name="lesson.cast")  # a scene path may have any suffix
    before = scene.read_bytes()
    assert "is the scene file itself" in refused("record", str(scene), "-o", str(scene))
    assert scene.read_bytes() == before


def test_a_file_the_scene_reads_is_refused_as_an_output(tmp_path: Path) -> None:
    scene = tiny_scene(tmp_path, csv="points.cast")
    assert "is the scene's data points.cast itself" in refused(
        "record", str(scene), "-o", str(tmp_path / "points.cast")
    )
    assert (tmp_path / "points.cast").read_text() == POINTS


@pytest.mark.parametrize("how", ["symlink", "hard link", "dot-dot"])
def test_an_input_under_another_name_is_refused(tmp_path: Path, how: str) -> None:
    scene = tiny_scene(tmp_path)
    other = tmp_path / "other.cast"
    if how == "symlink":
        other.symlink_to(scene.name)  # followed, it would write into the scene
    elif how == "hard link":
        os.link(scene, other)
    else:
        (tmp_path / "sub").mkdir()
        other = tmp_path / "sub" / ".." / "points.csv.cast"
        os.link(tmp_path / "points.csv", tmp_path / "points.csv.cast")
    assert "itself; write the output to another file" in refused("record", str(scene), "-o", str(other))
    assert scene.read_text() == SCENE.format(csv="points.csv") and (tmp_path / "points.csv").read_text() == POINTS


def test_an_empty_output_name_is_one_line(tmp_path: Path) -> None:
    assert "the file name is empty" in refused("record", "kmeans-basics", "-o", "")


def test_a_read_only_folder_is_refused_before_recording(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Root writes anywhere: the folder's verdict is what access(2) says, patched here.
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if Path(path) == tmp_path else real_access(path, mode))
    assert "is not writable" in refused("record", "kmeans-basics", "-o", str(tmp_path / "x.cast"))
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------- what is written
def test_a_fifo_cast_and_svg_frames_follow_the_rules(tmp_path: Path) -> None:
    scene = tiny_scene(tmp_path)
    fifo = tmp_path / "lesson.cast"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    frames = tmp_path / "frames"
    frames.mkdir()
    first = frames / "step-001-initialize.svg"
    first.write_text("old frame")
    os.link(first, tmp_path / "kept.svg")  # a rename leaves this name with the old bytes
    (tmp_path / "linked.svg").write_text("old")
    (frames / "step-002-assign.svg").symlink_to(tmp_path / "linked.svg")
    status, out, err = run_cli("record", str(scene), "--size", "80x24", "-o", str(fifo), "--svg", str(frames))
    reader.join(timeout=120)
    assert status == 0, err
    assert json.loads(got[0].splitlines()[0])["width"] == 80  # the cast went through the FIFO
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert (tmp_path / "kept.svg").read_text() == "old frame" and first.read_text().startswith("<svg")
    assert (frames / "step-002-assign.svg").is_symlink() and (tmp_path / "linked.svg").read_text().startswith("<svg")
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    assert f"wrote {fifo}" in out


def test_a_full_device_after_recording_is_one_line(tmp_path: Path) -> None:
    scene = tiny_scene(tmp_path)
    (tmp_path / "full.cast").symlink_to(char_device("full", tmp_path))
    err = refused("record", str(scene), "--size", "80x24", "-o", str(tmp_path / "full.cast"))
    assert "no space left on the device" in err
    assert (tmp_path / "full.cast").is_symlink()


@pytest.mark.slow
def test_sigterm_while_recording_leaves_no_temporary_file_or_folder(tmp_path: Path) -> None:
    work, temp = tmp_path / "work", tmp_path / "temp"
    work.mkdir()
    temp.mkdir()
    scene = tiny_scene(work)
    code = f"""
        import os, signal, sys
        from tuiclust.io import castfile
        real_marker = castfile.CastWriter.marker
        def marker(self, ms, label):
            real_marker(self, ms, label)
            if self.n_markers == 2:
                os.kill(os.getpid(), signal.SIGTERM)  # midway through the recording
        castfile.CastWriter.marker = marker
        from tuiclust.cli.main import main
        sys.exit(main(["record", {str(scene)!r}, "--size", "80x24", "-o", "a.cast", "-o", "b.html", "--svg", "f"]))
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(temp)}
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == -signal.SIGTERM, result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in work.iterdir()) == ["f", "points.csv", "tiny.toml"]  # no a.cast, no .tmp
    assert not [p for p in (work / "f").iterdir() if p.suffix == ".tmp"]
    assert list(temp.iterdir()) == []
