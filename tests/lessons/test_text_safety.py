"""Text from a scene file never drives the terminal, and odd scene files end in one line.

A scene whose title, description and narration hold escape sequences
(clear screen, OSC 0 window title, OSC 52 clipboard write, DCS, BEL, C1
controls, a terminal reset) is read with that text made safe, and its
recording carries none of those bytes; a scene nested too deeply for the
TOML reader, or naming a CSV with a NUL in it, is one line and exit 2.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tuiclust.cli.main import main
from tuiclust.lessons.scene import SceneError, load_scene, parse_scene

ESC = "\x1b"
# Everything a terminal would obey: what each one did to a real terminal is in the name.
HOSTILE = {
    "clear screen": f"{ESC}[2J",
    "window title (OSC 0)": f"{ESC}]0;RETITLED\x07",
    "clipboard write (OSC 52)": f"{ESC}]52;c;Q0xJUEJPQVJE{ESC}\\",
    "device control (DCS)": f"{ESC}Pq#0;2;0;0;0{ESC}\\",
    "bell": "\x07",
    "8-bit CSI (C1)": "\u009b31m",
    "next line (C1)": "\u0085",
    "terminal reset": f"{ESC}c",
}
EVIL = "".join(HOSTILE.values())
# What must not reach a cast from the scene: the app's own output has CSI
# sequences for colours and cursor moves, never these.
FORBIDDEN_IN_CAST = ("\x1b]", "\x07", "\x1bP", "\x1bc", "\u009b", "\u0085", "RETITLED", "Q0xJUEJPQVJE")


def _toml_string(text: str) -> str:
    """A TOML basic string holding ``text``, control characters as \\u escapes."""
    out = []
    for char in text:
        if ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F:
            out.append(f"\\u{ord(char):04x}")
        elif char in '"\\':
            out.append("\\" + char)
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def hostile_scene(folder: Path) -> Path:
    path = folder / "hostile.toml"
    path.write_text(
        "\n".join(
            [
                f"title = {_toml_string('Title ' + EVIL)}",
                f"description = {_toml_string('Description ' + EVIL)}",
                '[data]\ngenerator = "blobs"\nn_samples = 60',
                '[algorithm]\nname = "kmeans"\nn_clusters = 3',
                "[playback]\nsteps_per_second = 20\ntitle_seconds = 0.5\nend_seconds = 0.5",
                f'[[steps]]\non = "assign"\nsay = {_toml_string("Narration " + EVIL)}',
                "[[parts]]",
                f"title = {_toml_string('Part ' + EVIL)}",
                f"description = {_toml_string('Part description ' + EVIL)}",
                "",
            ]
        ),
        encoding="utf-8",
    )
    return path


def _has_control(text: str) -> bool:
    return re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text) is not None


def test_scene_text_is_read_without_control_characters(tmp_path):
    scene = load_scene(str(hostile_scene(tmp_path)))
    part = scene.parts[0]
    texts = [scene.title, scene.description, part.title, part.description, *(n.say for n in part.narration)]
    assert texts[0].startswith("Title") and part.narration[0].say.startswith("Narration")
    for text in texts:
        assert not _has_control(text), repr(text)
        assert "RETITLED" not in text and "Q0xJUEJPQVJE" not in text  # payloads go with their sequences


def test_a_recording_of_a_hostile_scene_carries_none_of_its_control_bytes(tmp_path, capsys):
    cast = tmp_path / "out.cast"
    scene = hostile_scene(tmp_path).rename(tmp_path / f"named{ESC}]0;x\x07.toml")  # its name is printed too
    assert main(["record", str(scene), "-o", str(cast)]) == 0
    printed = capsys.readouterr()
    assert not _has_control(printed.out.replace("\n", "")) and not _has_control(printed.err.replace("\n", ""))
    lines = cast.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert not _has_control(header["title"]) and header["title"].startswith("Title")
    events = [json.loads(line) for line in lines[1:]]
    shown = "".join(data for _, kind, data in events if kind == "o")
    assert "Narration" in shown and "Part" in shown  # the texts are there, their controls are not
    for forbidden in FORBIDDEN_IN_CAST:
        assert forbidden not in shown, f"{forbidden!r} reached the cast"
    for _, kind, label in events:
        if kind == "m":
            assert not _has_control(label), repr(label)


def test_a_title_of_control_characters_only_is_refused(tmp_path):
    with pytest.raises(SceneError, match="title must not be empty"):
        parse_scene(
            f'title = {_toml_string(EVIL)}\n[data]\ngenerator = "blobs"\n[algorithm]\nname = "kmeans"\n',
            tmp_path / "x.toml",
        )


@pytest.mark.parametrize(
    "value",
    ["[" * 3000 + "]" * 3000, "{a = " * 3000 + "1" + "}" * 3000],
    ids=["nested arrays", "nested inline tables"],
)
def test_a_scene_nested_too_deeply_is_one_line_and_exit_2(tmp_path, capsys, value):
    path = tmp_path / "deep.toml"
    path.write_text(f'title = "t"\nz = {value}\n', encoding="utf-8")
    assert main(["record", str(path), "-o", str(tmp_path / "x.cast")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "tuiclust: deep.toml: arrays or inline tables nested too deeply; a scene needs a few levels at most"


def test_a_csv_name_with_a_nul_is_one_line_and_exit_2(tmp_path, capsys):
    path = tmp_path / "nul.toml"
    path.write_text('title = "t"\n[data]\ncsv = "a\\u0000b.csv"\n[algorithm]\nname = "kmeans"\n', encoding="utf-8")
    assert main(["record", str(path), "-o", str(tmp_path / "x.cast")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "NUL" in err[0] and "\x00" not in err[0]


@pytest.mark.parametrize("command", [["record"], ["play"], []], ids=["record", "play", "explore"])
def test_a_scene_path_with_a_nul_is_one_line_and_exit_2(tmp_path, capsys, command):
    argv = [*command, str(tmp_path / "a\x00b.toml")] + (
        ["-o", str(tmp_path / "x.cast")] if command == ["record"] else []
    )
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "\\x00" in err[0] and "\x00" not in err[0]
