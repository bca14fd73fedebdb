"""read_table: detection of the file's layout, column choice, missing values, bounded reading."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuiclust.errors import UsageError
from tuiclust.io import csv_reader as csvio
from tuiclust.io.csv_reader import read_table


def write(tmp_path: Path, text: str | bytes, name: str = "data.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


def refused(path: Path, **kwargs) -> str:
    with pytest.raises(UsageError) as info:
        read_table(path, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


# ------------------------------------------------------------------ layout
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("header", [True, False])
def test_delimiter_and_header_are_detected(tmp_path, delimiter, header):
    rows = [["1.5", "-2", "3e2"], ["4", "5.25", "-6"], ["7", "8", "9"]]
    lines = ([delimiter.join(["a", "b", "c"])] if header else []) + [delimiter.join(r) for r in rows]
    table = read_table(write(tmp_path, "\n".join(lines) + "\n"))
    assert table.delimiter == delimiter
    assert table.has_header is header
    assert table.column_names == (["a", "b", "c"] if header else ["col0", "col1", "col2"])
    np.testing.assert_array_equal(table.values, np.array(rows, dtype=float))
    assert table.values.dtype == np.float64
    np.testing.assert_array_equal(table.row_numbers, [1, 2, 3])
    assert table.display_name == "data.csv"


def test_semicolon_file_with_decimal_commas(tmp_path):
    table = read_table(write(tmp_path, "größe;gewicht\n1,5;70\n2,25;-80,5\n"))
    assert table.delimiter == ";"
    assert table.column_names == ["größe", "gewicht"]
    np.testing.assert_array_equal(table.values, [[1.5, 70.0], [2.25, -80.5]])
    assert any("decimal comma" in note for note in table.notes)


def test_quoted_fields_crlf_and_byte_order_mark(tmp_path):
    text = '\ufeff"name","x","y"\r\n"Smith, John","1","2"\r\n"Doe, Jane",3,4\r\n'
    table = read_table(write(tmp_path, text))
    assert table.column_names == ["x", "y"]
    np.testing.assert_array_equal(table.values, [[1, 2], [3, 4]])


def test_single_column_and_blank_lines(tmp_path):
    table = read_table(write(tmp_path, "\nvalue\n1\n\n2\n   \n3\n\n"))
    assert table.column_names == ["value"]
    np.testing.assert_array_equal(table.values, [[1], [2], [3]])


def test_unnamed_and_repeated_header_names_are_made_unique(tmp_path):
    table = read_table(write(tmp_path, "x,x,,col2\n1,2,3,4\n"))
    assert table.column_names == ["x", "x_2", "col2_2", "col2"]
    assert any("x_2" in note for note in table.notes)


def test_a_single_data_row_is_data(tmp_path):
    table = read_table(write(tmp_path, "3,4"))
    assert table.has_header is False
    np.testing.assert_array_equal(table.values, [[3, 4]])


# ----------------------------------------------------------------- columns
def test_non_numeric_columns_are_skipped_with_a_note(tmp_path):
    table = read_table(write(tmp_path, "id,city,age,income\nc1,Oslo,31,52000\nc2,Rome,45,61000\n"))
    assert table.column_names == ["age", "income"]
    np.testing.assert_array_equal(table.values, [[31, 52000], [45, 61000]])
    (note,) = table.notes
    assert "skipped non-numeric columns" in note and "id" in note and "city" in note and "'Oslo'" in note


def test_columns_by_name_and_by_index_in_the_order_given(tmp_path):
    path = write(tmp_path, "id,a,b,c\nx,1,2,3\ny,4,5,6\n")
    by_name = read_table(path, columns=["c", "a"])
    assert by_name.column_names == ["c", "a"]
    np.testing.assert_array_equal(by_name.values, [[3, 1], [6, 4]])
    by_index = read_table(path, columns=["3", 1])
    assert by_index.column_names == ["c", "a"]
    np.testing.assert_array_equal(by_index.values, by_name.values)


def test_a_header_name_wins_over_an_index(tmp_path):
    table = read_table(write(tmp_path, "id,0,b\nx,5,7\ny,6,8\n"), columns=["0"])
    assert table.column_names == ["0"]
    np.testing.assert_array_equal(table.values, [[5], [6]])


def test_picking_a_text_column_is_an_error_naming_it(tmp_path):
    message = refused(write(tmp_path, "id,a\nx,1\ny,2\n"), columns=["id", "a"])
    assert "column 'id'" in message and "not a number" in message and "line 2" in message


def test_unknown_column_lists_the_columns_and_a_close_name(tmp_path):
    message = refused(write(tmp_path, "age,income\n1,2\n"), columns=["incme"])
    assert "no column 'incme'" in message and "did you mean 'income'" in message and "age, income" in message


def test_picking_a_column_twice_is_an_error(tmp_path):
    assert "twice" in refused(write(tmp_path, "a,b\n1,2\n"), columns=["a", "0"])


def test_no_numeric_columns_shows_why(tmp_path):
    message = refused(write(tmp_path, "name,city\nann,Oslo\nbob,Rome\n"))
    assert "no numeric columns" in message and "'ann'" in message


def test_space_separated_file_is_told_to_use_a_delimiter(tmp_path):
    message = refused(write(tmp_path, "x y\n1 2\n3 4\n"))
    assert "commas, semicolons or tabs" in message


# ---------------------------------------------------------- missing values
MISSING = ["", "NA", "n/a", "#N/A", "NaN", "null", "None", "?"]


@pytest.mark.parametrize("marker", MISSING)
def test_every_missing_marker_is_missing(tmp_path, marker):
    path = write(tmp_path, f"x,y\n1,2\n3,{marker}\n5,6\n")
    message = refused(path)
    assert "1 missing value" in message and "line 3" in message and "--drop-missing" in message
    table = read_table(path, drop_missing=True)
    np.testing.assert_array_equal(table.values, [[1, 2], [5, 6]])


def test_missing_values_error_gives_count_columns_and_first_lines(tmp_path):
    lines = ["a,b"] + [("," if i % 3 == 0 else f"{i},") + ("NA" if i % 4 == 0 else str(i)) for i in range(1, 31)]
    message = refused(write(tmp_path, "\n".join(lines) + "\n"))
    # i % 3 == 0 empties a (10 rows), i % 4 == 0 empties b (7 rows), 2 rows both
    assert "17 missing values" in message and "15 rows" in message
    assert "columns a, b" in message
    assert "lines 4, 5, 7, 9, 10 ..." in message  # data rows 3, 4, 6, 8, 9 after the header


def test_drop_missing_drops_rows_keeps_order_and_row_numbers(tmp_path):
    path = write(tmp_path, "x,y\n1,2\n,3\n4,5\n\n6,NA\n7,8\n")
    table = read_table(path, drop_missing=True)
    np.testing.assert_array_equal(table.values, [[1, 2], [4, 5], [7, 8]])
    np.testing.assert_array_equal(table.row_numbers, [1, 3, 5])  # the blank line is not a row
    assert any("dropped 2 of 5 rows" in note for note in table.notes)


def test_every_row_missing_is_refused_even_with_drop_missing(tmp_path):
    message = refused(write(tmp_path, "x,y\n1,\n,2\n"), drop_missing=True)
    assert "every row" in message


def test_missing_line_numbers_count_blank_lines(tmp_path):
    message = refused(write(tmp_path, "x\n1\n\n\n2\nNA\n"))
    assert "line 6" in message


# -------------------------------------------------------------- bad cells
def test_infinity_is_refused_with_line_and_column(tmp_path):
    message = refused(write(tmp_path, "x,y\n1,2\n3,-inf\n"))
    assert "line 3" in message and "'y'" in message and "infinite" in message


def test_overflowing_number_counts_as_infinite(tmp_path):
    message = refused(write(tmp_path, "x,y\n1,2\n1e400,3\n"))
    assert "line 3" in message and "'x'" in message and "'1e400'" in message


def test_text_after_the_sample_in_a_numeric_column(tmp_path):
    """One rule for the whole file: text at line 2002 makes a text column, as it would at line 2."""
    lines = ["x,y"] + [f"{i},{i}" for i in range(2000)] + ["5,five"]
    table = read_table(write(tmp_path, "\n".join(lines) + "\n"))
    assert table.column_names == ["x"]
    assert "skipped non-numeric column y ('five', line 2002)" in table.notes
    message = refused(write(tmp_path, "\n".join(lines) + "\n"), columns=["x", "y"])
    assert message == (
        "data.csv, line 2002, column 'y': 'five' is not a number; fix the cell, or leave the column out with --columns"
    )


def test_ragged_row_after_the_sample(tmp_path):
    lines = ["x,y"] + [f"{i},{i}" for i in range(2000)] + ["5,6,7"]
    message = refused(write(tmp_path, "\n".join(lines) + "\n"))
    assert "line 2002" in message and "3 fields" in message and "2" in message


# ---------------------------------------------------------- block reading
def test_results_do_not_depend_on_block_boundaries(tmp_path, monkeypatch):
    rng = np.random.default_rng(3)
    values = rng.normal(size=(500, 3)).round(6)
    lines = ["a;b;c"]
    for i, row in enumerate(values):
        lines.append(";".join(repr(float(v)) for v in row))
        if i % 37 == 0:
            lines.append("")
    path = write(tmp_path, "\n".join(lines) + "\n")
    whole = read_table(path)
    monkeypatch.setattr(csvio, "_BLOCK_BYTES", 97)  # many blocks, most cut mid-line
    pieces = read_table(path)
    np.testing.assert_array_equal(pieces.values, values)
    np.testing.assert_array_equal(pieces.values, whole.values)
    np.testing.assert_array_equal(pieces.row_numbers, np.arange(1, 501))


def test_line_numbers_stay_right_across_blocks(tmp_path, monkeypatch):
    lines = ["x,y"] + [f"{i},{i}" if i != 400 else "400," for i in range(600)]
    lines.insert(100, "")
    path = write(tmp_path, "\n".join(lines) + "\n")
    monkeypatch.setattr(csvio, "_BLOCK_BYTES", 64)
    assert "(line 403)" in refused(path)  # header, 400 rows before it, one blank line


def test_too_many_rows_is_refused_naming_the_limit_and_how_to_sample(tmp_path, monkeypatch):
    monkeypatch.setattr(csvio, "MAX_ROWS", 10)
    message = refused(write(tmp_path, "x\n" + "1\n" * 11))
    assert "limit of 10" in message and "shuf" in message


def test_too_many_values_suggests_fewer_columns(tmp_path, monkeypatch):
    monkeypatch.setattr(csvio, "MAX_VALUES", 10)
    message = refused(write(tmp_path, "a,b,c\n" + "1,2,3\n" * 4))
    assert "limit of 10 values" in message and "--columns" in message
    assert read_table(tmp_path / "data.csv", columns=["a", "b"]).values.shape == (4, 2)


def test_ten_thousand_columns(tmp_path):
    rng = np.random.default_rng(0)
    values = rng.integers(-50, 50, size=(8, 10_000)).astype(float)
    header = ",".join(f"f{j}" for j in range(10_000))
    body = "\n".join(",".join(str(int(v)) for v in row) for row in values)
    table = read_table(write(tmp_path, header + "\n" + body + "\n"))
    assert table.values.shape == (8, 10_000)
    assert table.column_names[-1] == "f9999"
    np.testing.assert_array_equal(table.values, values)


# ------------------------------------------------------------- round trip
finite = st.floats(min_value=-csvio.MAX_MAGNITUDE, max_value=csvio.MAX_MAGNITUDE, width=64)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.integers(1, 12).flatmap(
        lambda n: st.lists(st.lists(finite, min_size=3, max_size=3), min_size=n, max_size=n)
    ),
    delimiter=st.sampled_from([",", ";", "\t"]),
    header=st.booleans(),
)
def test_any_finite_table_reads_back_exactly(tmp_path, rows, delimiter, header):
    lines = ([delimiter.join(["p", "q", "r"])] if header else []) + [delimiter.join(map(repr, r)) for r in rows]
    path = write(tmp_path, "\n".join(lines) + "\n", name="round.csv")
    table = read_table(path)
    np.testing.assert_array_equal(table.values, np.array(rows, dtype=float))
    assert table.has_header is header


# ------------------------------------------------------------ one long line
@pytest.mark.parametrize("where", ["first line", "later line"])
def test_a_line_longer_than_the_bound_is_refused_after_reading_that_much(tmp_path, where):
    """A 12 MiB line is refused by its line number, holding a bounded share of it in memory."""
    import tracemalloc

    long_line = b"1," * (3 * csvio.MAX_LINE_BYTES // 2)
    head = b"" if where == "first line" else b"a,b\n1,2\n3,4\n"
    path = write(tmp_path, head + long_line + b"\n5,6\n")
    tracemalloc.start()
    try:
        message = refused(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    line = 1 if where == "first line" else 4
    assert message.startswith(f"data.csv, line {line} is longer than {csvio.MAX_LINE_BYTES >> 20} MiB")
    assert "one row per line" in message
    # The line is 3x the bound; the reader holds the bound plus one read, not the line split into fields.
    assert peak < 4 * csvio.MAX_LINE_BYTES


def test_a_long_line_inside_one_block_is_refused_too(tmp_path, monkeypatch):
    """The bound holds for a line that ends inside the block it started in."""
    monkeypatch.setattr(csvio, "MAX_LINE_BYTES", 64)
    path = write(tmp_path, "a,b\n1,2\n3,4\n5,6\n" + "7," * 40 + "8\n9,10\n")
    assert refused(path).startswith("data.csv, line 5 is longer than 0 MiB")


# ------------------------------------------------------- files that would block
def test_a_named_pipe_without_a_writer_is_refused_without_waiting(tmp_path):
    import os

    pipe = tmp_path / "live.csv"
    os.mkfifo(pipe)
    message = refused(pipe)  # open() would wait for a writer forever
    assert "is a named pipe (FIFO), not a regular CSV file" in message
    assert f"cat {pipe} > data.csv" in message


def test_a_device_is_refused():
    message = refused(Path("/dev/zero"))  # never ends
    assert message.startswith("/dev/zero is a character device, not a regular CSV file")


# ------------------------------------------------------- one rule for the whole file
ODD_NUMBERS = {
    "1_000": "write numbers without digit separators (1000)",
    '"1,000"': "write numbers without digit separators (1000)",
    "0x10": "write numbers in decimal",
    "\u22121": "write the minus sign as an ASCII hyphen-minus (-)",
    "1\u00a0000": "write numbers without digit separators (1000)",
    "\u0663": "write digits as ASCII 0-9",
    "\uff13": "write digits as ASCII 0-9",
}


@pytest.mark.parametrize("cell", list(ODD_NUMBERS))
@pytest.mark.parametrize("line", [3, 1503])
def test_a_number_written_oddly_gets_the_same_treatment_wherever_it_is(tmp_path, cell, line):
    """In the first rows or far below: the column is text (skipped with a note saying the fix), or refused if picked."""
    rows = [f"{i},{i}.5" for i in range(1, 1600)]
    rows[line - 2] = f"{line},{cell}"
    path = write(tmp_path, "x,y\n" + "\n".join(rows) + "\n")
    table = read_table(path)
    assert table.column_names == ["x"]
    shown = repr(cell.strip('"'))
    assert f"skipped non-numeric column y ({shown}, line {line}: {ODD_NUMBERS[cell]})" in table.notes
    message = refused(path, columns=["x", "y"])
    assert message == (
        f"data.csv, line {line}, column 'y': {shown} is not a number; {ODD_NUMBERS[cell]}; "
        "fix the cell, or leave the column out with --columns"
    )


def test_a_column_empty_in_the_sample_with_numbers_later_is_numeric(tmp_path):
    rows = [f"{i}," for i in range(1200)] + [f"{i},{i}" for i in range(1200, 1300)]
    table = read_table(write(tmp_path, "x,y\n" + "\n".join(rows) + "\n"), drop_missing=True)
    assert table.column_names == ["x", "y"]
    assert table.values.shape == (100, 2)
    empty = read_table(write(tmp_path, "x,y\n" + "\n".join(f"{i}," for i in range(1300)) + "\n"))
    assert empty.column_names == ["x"] and "skipped empty column y" in empty.notes


@pytest.mark.parametrize("line", [2, 1502])
def test_a_number_that_underflows_to_zero_is_refused(tmp_path, line):
    rows = [f"{i},{i}" for i in range(1600)]
    rows[line - 2] = "1,1e-400"
    message = refused(write(tmp_path, "x,y\n" + "\n".join(rows) + "\n"))
    assert message.startswith(f"data.csv, line {line}, column 'y': '1e-400' is too small for a float64")
    zeros = read_table(write(tmp_path, "x,y\n1,0e-400\n2,5e-324\n3,3\n"))  # a zero and a subnormal are numbers
    np.testing.assert_array_equal(zeros.values[:, 1], [0.0, 5e-324, 3.0])


@pytest.mark.parametrize("line", [3, 1503])
def test_a_quoted_field_with_a_line_break_is_named_as_such(tmp_path, line):
    rows = [f'{i},"a{i}",{i}' for i in range(1600)]
    rows[line - 2] = f'{line},"two\nlines",{line}'
    message = refused(write(tmp_path, "x,name,y\n" + "\n".join(rows) + "\n"))
    assert message.startswith(f"data.csv, line {line}: a quoted field holds a line break")


@pytest.mark.parametrize(
    ("encoding", "words"),
    [
        ("utf-32", "is UTF-32 text; save it as UTF-8"),
        ("utf-32-le", "is UTF-32 text without a byte-order mark"),
        ("utf-32-be", "is UTF-32 text without a byte-order mark"),
        ("utf-16", "is UTF-16 text; save it as UTF-8"),
        ("utf-16-be", "is UTF-16 text without a byte-order mark"),
    ],
)
def test_wide_encodings_are_named(tmp_path, encoding, words):
    path = write(tmp_path, "x,y\n1,2\n3,4\n".encode(encoding))
    assert words in refused(path)


def test_a_line_of_too_many_fields_is_refused_before_it_is_split(tmp_path, monkeypatch):
    """A line under the byte bound can still hold two million fields: refused by its count, at once."""
    monkeypatch.setattr(csvio, "MAX_COLUMNS", 50)
    path = write(tmp_path, ",".join(["1"] * 51) + "\n" + ",".join(["2"] * 51) + "\n")
    assert refused(path).startswith("data.csv has 51 columns on line 1, more than the limit of 50")
    assert read_table(write(tmp_path, ",".join(["1"] * 50) + "\n", "ok.csv")).values.shape == (1, 50)
