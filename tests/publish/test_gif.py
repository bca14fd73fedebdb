"""GIFs from casts with agg: valid, animated at the cast's pace, with the explorer's theme and a bundled font."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tuiclust.cli import main
from tuiclust.errors import UsageError
from tuiclust.publish import gif
from tuiclust.publish.cast import read_cast_info

from .images import read_gif

needs_agg = pytest.mark.skipif(gif.find_agg() is None, reason=f"agg is not installed: {gif.INSTALL_HINT}")


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


@needs_agg
def test_hand_written_cast_with_markers_becomes_a_looping_gif_of_each_frame(tiny_cast: Path, tmp_path: Path) -> None:
    assert len(read_cast_info(tiny_cast).markers) == 3  # agg must take "m" events in its stride
    out = gif.render_gif(tiny_cast, tmp_path / "tiny.gif", font_size=12).path
    info = read_gif(out.read_bytes())
    assert info.n_frames >= 3
    assert info.loops
    assert sum(info.delays_cs) == 150  # three frames of 0.5 s: the cast's own pace
    # 20 columns of a 12 px monospace font: about 0.6 em wide each, plus agg's margins.
    assert 20 * 6 <= info.width <= 20 * 12 + 60


@needs_agg
def test_recorded_scene_gif_keeps_the_scenes_pace(recorded_cast: Path, tmp_path: Path) -> None:
    out = gif.render_gif(recorded_cast, tmp_path / "lesson.gif").path
    info = read_gif(out.read_bytes())
    cast = read_cast_info(recorded_cast)
    assert info.n_frames >= len(cast.markers)  # at least one frame per step
    # No idle-time squeezing: the GIF lasts as long as the cast (within frame rounding).
    assert abs(sum(info.delays_cs) / 100 - cast.duration) <= 0.05
    # The default font size is sized for slides: an 80-column lesson is wider than 900 px.
    assert info.width > 900


@needs_agg
def test_failed_render_leaves_no_file_and_no_temporary_file(tiny_cast: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "x.gif"
    target.parent.mkdir()
    with pytest.raises(UsageError, match="agg could not render"):
        gif.render_gif(tiny_cast, target, agg="/bin/false")
    assert list(target.parent.iterdir()) == []


def test_without_agg_a_gif_is_one_line_naming_the_install_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(gif, "find_agg", lambda: None)
    status, out, err = run_cli("record", "kmeans-basics", "-o", str(tmp_path / "x.gif"))
    assert status == 2
    assert err.count("\n") == 1 and "pip install 'tuiclust[publish]'" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # refused before recording anything


def test_font_size_is_checked_before_recording(tmp_path: Path) -> None:
    status, _, err = run_cli("record", "kmeans-basics", "-o", str(tmp_path / "x.gif"), "--font-size", "300")
    assert status == 2 and "--font-size must be from 8 to 64" in err


def test_bundled_font_and_its_licence_are_there() -> None:
    assert (gif.FONT_DIR / "DejaVuSansMono.ttf").stat().st_size > 100_000
    assert (gif.FONT_DIR / "DejaVuSansMono-Bold.ttf").is_file()
    licence = (gif.FONT_DIR / "LICENSE").read_text(encoding="utf-8")
    assert "Bitstream" in licence and "public domain" in licence


def test_theme_is_the_explorers_dark_theme() -> None:
    from textual.theme import BUILTIN_THEMES

    colours = gif.EXPLORER_THEME.split(",")
    assert len(colours) == 10 and all(len(c) == 6 and int(c, 16) >= 0 for c in colours)
    theme = BUILTIN_THEMES["textual-dark"]
    assert colours[1] == theme.foreground.lstrip("#").lower()
    assert colours[0] == "121212"  # Textual's dark screen background, as in the recorded frames
    assert colours[3] == theme.error.lstrip("#").lower() and colours[6] == theme.primary.lstrip("#").lower()


@needs_agg
@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("unshare") is None,
    reason="hiding the system fonts needs root and unshare (a private mount namespace)",
)
def test_gif_renders_on_a_machine_with_no_fonts(tiny_cast: Path, tmp_path: Path) -> None:
    out = tmp_path / "nofonts.gif"
    render = f"from tuiclust.publish.gif import render_gif; render_gif({str(tiny_cast)!r}, {str(out)!r})"
    # An empty tmpfs over every system font folder, in a mount namespace of this command only.
    hide = " && ".join(f"mount -t tmpfs none {d}" for d in SYSTEM_FONT_DIRS if Path(d).is_dir()) or "true"
    env = dict(os.environ, PYTHONPATH=str(Path(gif.__file__).parents[2]))
    result = subprocess.run(
        [
            "unshare",
            "-m",
            "sh",
            "-c",
            f'{hide} && fc-list 2>/dev/null | wc -l && exec "$0" -c "$1"',
            sys.executable,
            render,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    if result.returncode != 0 and "unshare" in result.stderr and "ermission" in result.stderr:
        pytest.skip(f"no private mount namespace here: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "0"  # fontconfig sees no font at all
    assert read_gif(out.read_bytes()).n_frames >= 3


SYSTEM_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "/root/.fonts", "/root/.local/share/fonts")
