"""Nothing a user feeds in may crash the tool: one test per bad input, and the inputs that must just work.

Every bad input ends in one line naming what was wrong, where, and what to
do: a UsageError from read_table, and exit status 2 with one line on stderr
(no traceback) from `tuiclust fit`.
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuiclust.cli.main import main
from tuiclust.errors import UsageError
from tuiclust.io.csv_reader import read_table


def fit_fails(capsys, *args: str) -> str:
    """Run `tuiclust fit ARGS`; assert exit 2 and one clean line on stderr; return it."""
    status = main(["fit", *args])
    captured = capsys.readouterr()
    assert status == 2, captured.out
    assert "Traceback" not in captured.err
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("tuiclust: ")
    return lines[0]


def table_fails(path: Path, **kwargs) -> str:
    with pytest.raises(UsageError) as info:
        read_table(path, **kwargs)
    assert "\n" not in str(info.value)
    return str(info.value)


def make(tmp_path: Path, content: str | bytes, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def assert_words(message: str, *words: str) -> None:
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


# ------------------------------------------------------------ the file
def test_missing_file(tmp_path, capsys):
    (tmp_path / "data.csv").write_text("x\n1\n", encoding="utf-8")
    path = tmp_path / "date.csv"
    assert_words(table_fails(path), "no such file", "date.csv", "did you mean", "data.csv")
    assert_words(fit_fails(capsys, str(path)), "no such file", "date.csv")


def test_missing_file_in_a_missing_folder(tmp_path, capsys):
    assert_words(fit_fails(capsys, str(tmp_path / "nope" / "data.csv")), "no such file", "does not exist")


def test_folder_instead_of_a_file(tmp_path, capsys):
    (tmp_path / "inside.csv").write_text("x\n1\n", encoding="utf-8")
    assert_words(table_fails(tmp_path), "is a folder", "inside.csv")
    assert_words(fit_fails(capsys, str(tmp_path) + "/"), "is a folder")


@pytest.mark.parametrize("content", ["", "\n\n  \n", "\ufeff"])
def test_empty_file(tmp_path, capsys, content):
    path = make(tmp_path, content)
    assert_words(table_fails(path), "data.csv is empty")
    assert_words(fit_fails(capsys, str(path)), "is empty")


@pytest.mark.parametrize("content", ["x,y\n", "x,y", "x;y\n\n"])
def test_header_only(tmp_path, capsys, content):
    path = make(tmp_path, content)
    assert_words(table_fails(path), "header line", "no data rows")
    assert_words(fit_fails(capsys, str(path)), "no data rows")


def test_one_row_is_data_but_k_larger_than_the_rows_is_refused(tmp_path, capsys):
    path = make(tmp_path, "x,y\n1.5,2\n")
    assert read_table(path).values.shape == (1, 2)
    assert_words(fit_fails(capsys, str(path), "--k", "3"), "--k 3", "1 row", "--k 1 or fewer")
    assert_words(fit_fails(capsys, str(path), "--algo", "gmm"), "--components 3", "1 row")
    assert main(["fit", str(path), "--k", "1", "-o", str(tmp_path / "o.csv")]) == 0
    assert main(["fit", str(path), "--algo", "dbscan", "-o", str(tmp_path / "o2.csv")]) == 0
    assert "noise: 1 point" in capsys.readouterr().out


def test_binary_garbage(tmp_path, capsys):
    path = make(tmp_path, bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8)), "data.bin")
    assert_words(table_fails(path), "binary", "not CSV text")
    assert_words(fit_fails(capsys, str(path)), "binary")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 50, ("Excel", "save it as CSV")),
        (gzip.compress(b"x,y\n1,2\n", mtime=0), ("gzip", "gunzip")),
        ("x,y\n1,2\n".encode("utf-16"), ("UTF-16", "UTF-8")),
    ],
)
def test_other_file_formats_are_named(tmp_path, capsys, content, words):
    path = make(tmp_path, content)
    assert_words(table_fails(path), *words)
    assert_words(fit_fails(capsys, str(path)), *words)


def test_text_that_is_not_utf8(tmp_path, capsys):
    path = make(tmp_path, "ville,x\nParis,1\nSète,2\n".encode("latin-1"))
    assert_words(table_fails(path), "not UTF-8", "line 3", "0xE8", "iconv")
    assert_words(fit_fails(capsys, str(path)), "not UTF-8", "line 3")


def test_text_that_is_not_utf8_far_into_the_file(tmp_path, capsys):
    body = "".join(f"a{i},{i}\n" for i in range(30_000))
    path = make(tmp_path, ("name,x\n" + body + "Sète,2\n").encode("latin-1"))
    assert_words(table_fails(path), "not UTF-8", "line 30002")


def test_ragged_rows(tmp_path, capsys):
    path = make(tmp_path, "x,y\n1,2\n3,4,5\n6,7\n")
    assert_words(table_fails(path), "line 3", "3 fields", "first line has 2", "same length")
    assert_words(fit_fails(capsys, str(path)), "line 3", "3 fields")


def test_nan(tmp_path, capsys):
    path = make(tmp_path, "x,y\n1,2\nNaN,4\n5,6\n")
    assert_words(table_fails(path), "1 missing value", "column x", "line 3", "--drop-missing")
    assert_words(fit_fails(capsys, str(path)), "missing value", "line 3", "--drop-missing")


def test_inf(tmp_path, capsys):
    path = make(tmp_path, "x,y\n1,2\n3,Infinity\n")
    assert_words(table_fails(path), "line 3", "column 'y'", "infinite")
    assert_words(fit_fails(capsys, str(path), "--drop-missing"), "line 3", "infinite")


def test_values_too_large_to_square(tmp_path, capsys):
    path = make(tmp_path, "x,y\n0,0\n1,2e300\n")
    assert_words(table_fails(path), "line 3", "column 'y'", "too large", "rescale")
    assert_words(fit_fails(capsys, str(path)), "too large")


def test_text_in_a_column_of_numbers(tmp_path, capsys):
    rows = "".join(f"{i},{i}\n" for i in range(1500))
    path = make(tmp_path, "x,y\n" + rows + "7,seven\n")
    # one rule wherever the cell is: picked, it is refused; otherwise its column is text, with a note
    assert_words(table_fails(path, columns=["x", "y"]), "line 1502", "column 'y'", "'seven'", "not a number")
    assert_words(fit_fails(capsys, str(path), "--columns", "x,y"), "line 1502", "not a number")
    assert "skipped non-numeric column y ('seven', line 1502)" in read_table(path).notes


def test_no_numeric_columns(tmp_path, capsys):
    path = make(tmp_path, "name,city\nann,Oslo\n")
    assert_words(fit_fails(capsys, str(path)), "no numeric columns")


def test_too_big_a_file_is_refused_with_the_limit(tmp_path, capsys, monkeypatch):
    from tuiclust.io import csv_reader as csvio

    monkeypatch.setattr(csvio, "MAX_ROWS", 100)
    path = make(tmp_path, "x,y\n" + "1,2\n" * 101)
    assert_words(fit_fails(capsys, str(path)), "101 rows", "limit of 100", "sample")


# ---------------------------------------------------------- the choices
def test_unknown_column(tmp_path, capsys):
    path = make(tmp_path, "age,income\n30,100\n40,200\n")
    assert_words(table_fails(path, columns=["zz"]), "no column 'zz'", "age, income")
    assert_words(fit_fails(capsys, str(path), "--columns", "age,zz"), "no column 'zz'")
    assert_words(fit_fails(capsys, str(path), "--columns", "7"), "no column '7'", "up to 1")


def test_picking_a_non_numeric_column(tmp_path, capsys):
    path = make(tmp_path, "name,x\nann,1\nbob,2\n")
    assert_words(fit_fails(capsys, str(path), "--columns", "name,x"), "'name'", "not a number", "line 2")


def test_k_larger_than_the_rows(tmp_path, capsys):
    path = make(tmp_path, "x,y\n1,2\n3,4\n5,6\n")
    assert_words(fit_fails(capsys, str(path), "--k", "4"), "--k 4", "3 rows", "--k 3 or fewer")
    assert_words(fit_fails(capsys, str(path), "--algo", "gmm", "--components", "9"), "--components 9", "3 rows")


@pytest.mark.parametrize("eps", ["0", "-1", "-0.0", "nan", "inf", "wide"])
def test_eps_not_positive(tmp_path, capsys, eps):
    path = make(tmp_path, "x,y\n1,2\n3,4\n")
    assert_words(fit_fails(capsys, str(path), "--algo", "dbscan", f"--eps={eps}"), "--eps", "> 0")


@pytest.mark.parametrize("min_samples", ["0", "-3", "2.5"])
def test_min_samples_below_one(tmp_path, capsys, min_samples):
    path = make(tmp_path, "x,y\n1,2\n3,4\n")
    assert_words(
        fit_fails(capsys, str(path), "--algo", "dbscan", "--min-samples", min_samples), "--min-samples", ">= 1"
    )


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--algo", "spectral"], ("--algo", "kmeans, dbscan, gmm")),
        (["--k", "three"], ("--k", "whole number")),
        (["--k", "0"], ("--k", ">= 1")),
        (["--scale", "log"], ("--scale", "none, standard, minmax")),
        (["--init", "best"], ("--init", "k-means++")),
        (["--algo", "gmm", "--covariance", "round"], ("--covariance", "spherical")),
        (["--seed", "-1"], ("--seed",)),
        (["--columns", ","], ("--columns", "at least one")),
    ],
)
def test_bad_flag_values(tmp_path, capsys, flags, words):
    path = make(tmp_path, "x,y\n1,2\n3,4\n5,6\n")
    assert_words(fit_fails(capsys, str(path), *flags), *words)


def test_output_path_in_a_missing_folder(tmp_path, capsys):
    path = make(tmp_path, "x,y\n1,2\n3,4\n5,6\n")
    target = tmp_path / "results" / "out.csv"
    assert_words(fit_fails(capsys, str(path), "-o", str(target)), "cannot write", "results", "does not exist")
    assert not target.parent.exists()


def test_output_folder_is_checked_before_the_data_is_read(tmp_path, capsys):
    message = fit_fails(capsys, str(tmp_path / "missing.csv"), "-o", str(tmp_path / "nope" / "o.csv"))
    assert_words(message, "cannot write", "nope")


def test_unknown_data_name(capsys):
    assert_words(fit_fails(capsys, "blobz"), "neither a file nor a built-in data set", "blobs")


# --------------------------------------------------- inputs that just work
def fit_ok(capsys, tmp_path: Path, path: Path, *flags: str) -> list[list[str]]:
    out = tmp_path / "out.csv"
    status = main(["fit", str(path), *flags, "-o", str(out)])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert captured.err == ""
    with open(out, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


ALGORITHMS = [
    ["--algo", "kmeans"],
    ["--algo", "dbscan"],
    ["--algo", "gmm", "--covariance", "full"],
    ["--algo", "gmm", "--covariance", "tied"],
    ["--algo", "gmm", "--covariance", "diag"],
    ["--algo", "gmm", "--covariance", "spherical"],
]


@pytest.mark.parametrize("flags", ALGORITHMS)
@pytest.mark.parametrize("scale", ["none", "standard", "minmax"])
def test_all_points_identical(tmp_path, capsys, flags, scale):
    path = make(tmp_path, "x,y\n" + "2.5,-1\n" * 40)
    rows = fit_ok(capsys, tmp_path, path, *flags, "--scale", scale)
    assert len(rows) == 41
    assert len({r[2] for r in rows[1:]}) == 1  # one cluster (or all noise)


@pytest.mark.parametrize("flags", ALGORITHMS)
def test_heavily_duplicated_points(tmp_path, capsys, flags):
    rng = np.random.default_rng(1)
    points = rng.integers(0, 3, size=(400, 2))
    path = make(tmp_path, "x,y\n" + "".join(f"{a},{b}\n" for a, b in points))
    rows = fit_ok(capsys, tmp_path, path, *flags)
    assert len(rows) == 401
    # identical points share a label
    by_point: dict[tuple[str, str], set[str]] = {}
    for x, y, label, *_ in rows[1:]:
        by_point.setdefault((x, y), set()).add(label)
    assert all(len(labels) == 1 for labels in by_point.values())


@pytest.mark.parametrize("covariance", ["full", "tied", "diag", "spherical"])
def test_collinear_data_with_gmm(tmp_path, capsys, covariance):
    t = np.random.default_rng(2).normal(size=150)
    t[:75] += 6
    path = make(tmp_path, "x,y,z\n" + "".join(f"{a!r},{2 * a + 1!r},{-a!r}\n" for a in t.tolist()))
    rows = fit_ok(capsys, tmp_path, path, "--algo", "gmm", "--components", "2", "--covariance", covariance)
    assert rows[0] == ["x", "y", "z", "cluster", "confidence", "p0", "p1"]
    proba = np.array([[float(v) for v in r[5:]] for r in rows[1:]])
    assert np.isfinite(proba).all()
    assert len({r[3] for r in rows[1:]}) == 2


@pytest.fixture(scope="module")
def ten_thousand_columns(tmp_path_factory) -> Path:
    rng = np.random.default_rng(4)
    values = rng.normal(size=(40, 10_000)).round(3)
    values[20:] += 2.0
    path = tmp_path_factory.mktemp("wide") / "wide.csv"
    lines = [",".join(f"g{j}" for j in range(10_000))] + [",".join(map(repr, row)) for row in values.tolist()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("flags", [["--algo", "kmeans", "--k", "2"], ["--algo", "dbscan"]])
def test_ten_thousand_columns_load_and_cluster(tmp_path, capsys, ten_thousand_columns, flags):
    rows = fit_ok(capsys, tmp_path, ten_thousand_columns, *flags)
    assert len(rows) == 41 and len(rows[0]) == 10_001 + (flags[1] == "dbscan")
    labels = [int(r[10_000]) for r in rows[1:]]
    if flags[1] == "kmeans":  # the two groups, 2 apart in every column, are found
        assert len(set(labels[:20])) == 1 and len(set(labels[20:])) == 1 and labels[0] != labels[20]
    else:
        assert all(label >= -1 for label in labels)


def test_ten_thousand_columns_project_to_two_axes(ten_thousand_columns):
    from tuiclust.pipeline.data import load_dataset
    from tuiclust.pipeline.spec import DataSpec

    dataset = load_dataset(DataSpec(str(ten_thousand_columns)))
    assert dataset.X.shape == (40, 10_000)
    assert dataset.projection.axis_labels[0].startswith("PC1")
    assert dataset.projection.points(dataset.X).shape == (40, 2)


def test_ten_thousand_columns_with_a_full_covariance_gmm_is_refused_not_run(capsys, ten_thousand_columns):
    assert_words(fit_fails(capsys, str(ten_thousand_columns), "--algo", "gmm"), "GB", "--columns")


def test_old_mac_line_endings(tmp_path, capsys):
    path = make(tmp_path, "x,y\r1,2\r3,4\r")
    assert_words(table_fails(path), "carriage returns", "tr ")
    assert_words(fit_fails(capsys, str(path)), "carriage returns")


def test_stray_carriage_return_in_a_line_with_quotes(tmp_path):
    path = make(tmp_path, 'x,y\n1,2\n3\r5,"4"\n')
    assert_words(table_fails(path), "line 3", "'3\\r5'")


# ------------------------------------------------------------------ fuzz
_PIECES = list('0123456789,,,;;\t\n\n\n\r"..--eE+ NAnaIfxy_é?#') + ["nan", "inf", "NA", "1e400", "\x00", "\ufeff"]


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    text=st.lists(st.sampled_from(_PIECES), max_size=300).map("".join),
    drop_missing=st.booleans(),
    columns=st.sampled_from([None, ["0"], ["x"], ["1", "0"]]),
)
@pytest.mark.slow
def test_any_text_gives_a_table_or_one_clear_line(tmp_path_factory, monkeypatch_module, text, drop_missing, columns):
    path = tmp_path_factory.getbasetemp() / "fuzz.csv"
    path.write_text(text, encoding="utf-8", newline="")
    try:
        table = read_table(path, drop_missing=drop_missing, columns=columns)
    except UsageError as exc:
        assert "\n" not in str(exc)
        return
    assert table.values.ndim == 2 and min(table.values.shape) >= 1
    assert np.isfinite(table.values).all()
    assert table.values.shape == (table.row_numbers.shape[0], len(table.column_names))


@pytest.fixture(scope="module")
def monkeypatch_module():
    """Tiny blocks and samples, so that fuzzed text also reaches the block-by-block reader."""
    from tuiclust.io import csv_reader as csvio

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csvio, "_BLOCK_BYTES", 7)
        patch.setattr(csvio, "_SAMPLE_ROWS", 2)
        patch.setattr(csvio, "_SNIFF_LINES", 2)
        yield patch


def test_a_named_pipe_as_data_is_refused_by_fit_and_the_explorer(tmp_path, capsys):
    import os

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    assert_words(fit_fails(capsys, str(pipe)), "is a named pipe (FIFO)", "cat ")
    assert main(["--data", str(pipe)]) == 2  # checked before the app starts
    assert "is a named pipe (FIFO)" in capsys.readouterr().err
