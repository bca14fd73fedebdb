"""What the command line prints never drives the terminal, and never runs to thousands of characters.

A CSV header with escape sequences is printed (and written back) with its
control characters written out; a flag value of 5,000 digits is quoted cut.
"""

from __future__ import annotations

import re

import pytest

from tuiclust.cli.main import main
from tuiclust.safe_text import printable, shorten, shown

ESC = "\x1b"
HEADER = [f"alpha{ESC}]0;RETITLED\x07", f"beta{ESC}[2J\u009b31m", f"gamma{ESC}]52;c;Q0xJUA=={ESC}\\"]
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture
def hostile_csv(tmp_path):
    path = tmp_path / "hostile.csv"
    rows = "".join(f"{i},{i * 2 % 7},{i % 3}\n" for i in range(40))
    path.write_text(",".join(HEADER) + "\n" + rows, encoding="utf-8")
    return path


def _clean(text: str) -> bool:
    return CONTROL.search(text.replace("\n", "")) is None


def test_fit_prints_a_hostile_header_with_its_controls_written_out(hostile_csv, tmp_path, capsys):
    out = tmp_path / "labels.csv"
    assert main(["fit", str(hostile_csv), "--k", "2", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert _clean(captured.out) and _clean(captured.err)
    assert "alpha\\x1b]0;RETITLED\\x07" in captured.out  # still tells which column is meant
    assert _clean(out.read_text(encoding="utf-8"))


def test_an_error_quoting_a_hostile_header_is_one_clean_line(hostile_csv, tmp_path, capsys):
    assert main(["fit", str(hostile_csv), "--columns", "nope", "-o", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and _clean(err)
    assert "beta\\x1b[2J\\x9b31m" in err


def test_a_file_name_with_controls_is_quoted_with_them_written_out(tmp_path, capsys):
    assert main(["fit", str(tmp_path / f"no{ESC}]0;x\x07such.csv")]) == 2
    err = capsys.readouterr().err
    assert _clean(err) and "no\\x1b]0;x\\x07such.csv" in err


def test_a_5000_digit_flag_value_is_quoted_cut(capsys):
    assert main(["fit", "blobs", "--seed", "9" * 5000]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and len(err) < 400 and "\u2026" in err


def test_printable_removes_whole_sequences_and_shown_writes_them_out():
    text = f"a{ESC}[2J{ESC}]0;title\x07b{ESC}Pq{ESC}\\c\u009b1m\u0085\u202ed\udcff\te"
    assert printable(text) == "abcd e"
    assert printable("one\ntwo", newlines=True) == "one\ntwo" and printable("one\ntwo") == "one two"
    assert printable(f"never closed {ESC}]0;swallows the rest") == "never closed "
    assert shown(text) == "a\\x1b[2J\\x1b]0;title\\x07b\\x1bPq\\x1b\\c\\x9b1m\\x85\\u202ed\\xff\\te"
    assert shorten("x " + "7" * 300, 30) == "x " + "7" * 20 + "\u2026" + "7" * 9


def test_an_argument_argparse_refuses_is_quoted_cut_and_safe(capsys):
    with pytest.raises(SystemExit) as info:
        main(["record", "kmeans-basics", "-o", "x.cast", "--font-size", "9" * 5000, f"--x{ESC}]0;t\x07"])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and len(err) < 400 and _clean(err)
