"""Read a user's CSV table into a float64 array, or refuse it with one clear line.

What is detected, from the first lines of the file:

- the delimiter: comma, semicolon or tab (the one that splits every sample
  line into the same number of fields and yields the most numeric columns;
  tab, then semicolon, then comma on a tie);
- a decimal comma (``2,5``) in semicolon- or tab-separated files;
- a header line: the first line is a header when one of its fields is text
  above a column of numbers, or when all of its fields are text;
- which columns are numeric. Text columns are skipped with a note, unless
  picked explicitly, which is an error naming the column.

Missing values are empty cells and ``NA``, ``N/A``, ``#N/A``, ``NaN``,
``null``, ``None`` and ``?`` (any case). They are refused with their count and
first line numbers, or, with ``drop_missing``, their rows are dropped with a
note. Infinite values, and values beyond :data:`MAX_MAGNITUDE` (whose squared
distances would overflow), are refused with their line and column.

The file must be UTF-8 (a byte-order mark is allowed). Other encodings are
refused with a line saying how to convert, rather than guessed: a wrong guess
would garble column names silently, and they are written back on export.

Memory stays bounded: the file is read in blocks of a few MiB, each block is
parsed by numpy's C parser (``np.loadtxt``) straight into one preallocated
float64 array, and a slower cell-by-cell parser only runs on a block that
the fast one rejects, to find the exact line and column to report. Files over
:data:`MAX_ROWS` rows or :data:`MAX_VALUES` values are refused up front with a
command that samples them.

Line numbers in messages are the file's own (the header is line 1), as a text
editor or spreadsheet shows them.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import BinaryIO

import numpy as np

# tuiclust.errors is a leaf module of the standard library only; the core
# raises its UsageError so that every front end reports a bad file the same way.
from tuiclust.errors import UsageError
from tuiclust.io.cells import CarriedColumns, has_tiny_exponent, is_number, underflows, why_not_a_number
from tuiclust.io.opening import open_regular_file
from tuiclust.safe_text import shown

__all__ = [
    "MAX_CARRIED_CELLS",
    "MAX_COLUMNS",
    "MAX_LINE_BYTES",
    "MAX_MAGNITUDE",
    "MAX_ROWS",
    "MAX_VALUES",
    "MISSING_MARKERS",
    "Table",
    "read_table",
]

#: Most data rows read from one file: 4,000,000 rows of two columns load and
#: cluster with K-Means in well under 2 GB (see tests/bench/bench_csv.py).
MAX_ROWS = 5_000_000
#: Most numbers (rows x chosen columns) read from one file: 200 MB as float64,
#: leaving room for scaled copies and the algorithm's own arrays.
MAX_VALUES = 25_000_000
#: Largest magnitude read: squared distances between such values still fit in a float64.
MAX_MAGNITUDE = 1e150
#: Most columns read from one file: a wider first line is refused before it is split.
MAX_COLUMNS = 100_000
#: Most cells of a file whose other columns are carried as text (``keep_text``): about 600 MB of strings.
MAX_CARRIED_CELLS = 10_000_000
#: Cell texts (lower-cased, stripped) that mean "no value here".
MISSING_MARKERS = frozenset({"", "na", "n/a", "#n/a", "nan", "null", "none", "?"})

# On a tie, tab and semicolon win over comma: commas also appear inside
# semicolon files as decimal marks.
_DELIMITERS = ("\t", ";", ",")
_DELIMITER_NAMES = {"\t": "tab", ";": "semicolon", ",": "comma"}
_QUOTE = '"'
_BLOCK_BYTES = 4 << 20  # one parse block; keeps the text side of memory small
_HEAD_BYTES = 256 << 10  # first read, for sniffing
#: Longest line read, in bytes: a row of 100,000 numbers fits; a line longer than this is
#: not a table row, and is refused as soon as this much of it is read (bounded memory, no
#: splitting of a 48 MB line into millions of fields first).
MAX_LINE_BYTES = 4 << 20
_SAMPLE_ROWS = 1000  # rows used to tell numeric columns from text
_SNIFF_LINES = 50  # lines used to choose the delimiter
_SHOWN_LINES = 5  # line numbers quoted in a message

_NUMBER, _TEXT, _MISSING = 0, 1, 2
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+(?:[eE][+-]?\d+)?")
_DECIMAL_POINT = re.compile(r"[+-]?\d*\.\d+(?:[eE][+-]?\d+)?")


@dataclass(frozen=True, eq=False)
class Table:
    """The numeric columns of a CSV file.

    Attributes
    ----------
    values : ndarray of shape (n_rows, n_columns), float64
        Finite numbers only.
    column_names : list of str
        Header names, or ``col0``, ``col1`` ... (the 0-based index) without a header.
    notes : list of str
        Things worth telling the user: skipped columns, dropped rows, a decimal comma.
    row_numbers : ndarray of shape (n_rows,), int64
        The 1-based data row (blank lines not counted) each kept row came from.
    display_name : str
        The file name, for titles and messages.
    delimiter : str
        The detected delimiter: ``","``, ``";"`` or ``"\\t"``.
    has_header : bool
        Whether the first line was read as column names.
    """

    values: np.ndarray
    column_names: list[str]
    notes: list[str]
    row_numbers: np.ndarray
    display_name: str
    delimiter: str = ","
    has_header: bool = True
    carried: CarriedColumns | None = None


def read_table(
    path: str | Path,
    *,
    columns: Sequence[str | int] | None = None,
    drop_missing: bool = False,
    keep_text: bool = False,
) -> Table:
    """Read the numeric columns of a CSV file.

    Parameters
    ----------
    path : str or Path
    columns : sequence of str or int, optional
        Columns to read, by header name or 0-based index (a name wins when a
        header name is itself a number). Default: every numeric column.
    drop_missing : bool
        Drop rows with a missing value (and say how many) instead of refusing them.
    keep_text : bool
        Also keep every column that is not clustered (ids, names, unpicked
        columns) as the text it holds, in ``Table.carried``, so that results
        can be written beside them. Files with more than
        :data:`MAX_CARRIED_CELLS` cells are not carried (a note says so).

    Returns
    -------
    Table

    Raises
    ------
    tuiclust.errors.UsageError
        For anything wrong with the file or the column choice, as one line
        naming the file, the line and the column where they are known.
    """
    file_path = Path(path).expanduser()
    name = shown(file_path.name or str(file_path))  # drawn in titles: its control characters written out
    with _open_for_reading(file_path) as f:
        head, at_eof = _read_head(f, name)
        bom = _check_is_text(head, name)
        layout = _sniff(head[bom:], at_eof, name)
        usecols, all_names, notes = _choose_columns(layout, columns, name)
        upper = _count_lines_from(f, bom + layout.body_offset)
        _check_size(upper, len(usecols), name)
        if keep_text and upper * layout.n_fields > MAX_CARRIED_CELLS:
            notes.append(
                f"the other columns are not carried to the output: {upper:,} rows x {layout.n_fields:,} columns "
                f"is more than {MAX_CARRIED_CELLS:,} cells"
            )
            keep_text = False
        numeric = set(usecols)  # a set once: a file may have 100,000 columns
        text_positions = [j for j in range(layout.n_fields) if j not in numeric] if keep_text else []
        f.seek(bom + layout.body_offset)
        reader = _BodyReader(layout, usecols, all_names, name, strict=columns is not None, text=text_positions)
        values = reader.read(f, upper)
        usecols, values = _settle_columns(reader, values, all_names, notes, name)
        told = set(usecols) | set(text_positions)
        untold = [j for j in range(layout.n_fields) if j not in told]
        if keep_text and untold:  # columns found to be text late in the file: their cells, in a second pass
            f.seek(bom + layout.body_offset)
            reader.collect_text(f, untold)
    names = [all_names[j] for j in usecols]
    if layout.decimal_comma:
        notes.append("numbers use a decimal comma (2,5 is read as 2.5)")
    values, row_numbers, keep = _handle_missing(values, reader, names, drop_missing, notes, name, layout)
    carried = None
    if keep_text and len(usecols) < layout.n_fields:
        cells = reader.text_columns()
        if keep is not None:
            cells = {j: column[keep] for j, column in cells.items()}
        carried = CarriedColumns(tuple(all_names), tuple(usecols), cells)
    return Table(values, names, notes, row_numbers, name, layout.delimiter, layout.has_header, carried)


# --------------------------------------------------------------------- opening
def _open_for_reading(path: Path) -> BinaryIO:
    if path.is_dir():
        inside = sorted(p.name for p in path.glob("*.csv"))[:3]
        hint = f" such as {', '.join(inside)}" if inside else ""
        raise UsageError(f"{path} is a folder, not a file; give a CSV file inside it{hint}")
    try:
        return open_regular_file(path, what="CSV file")  # a FIFO or a device would block or never end
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}; check the path{_similar_names(path)}") from None
    except PermissionError:
        raise UsageError(f"cannot read {path}: permission denied; check the file's permissions") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


def _similar_names(path: Path) -> str:
    folder = path.parent
    try:
        names = [p.name for p in folder.iterdir() if p.is_file()]
    except OSError:
        return f" (folder {folder} does not exist)" if not folder.exists() else ""
    close = difflib.get_close_matches(path.name, names, n=1, cutoff=0.6)
    return f" (did you mean {folder / close[0]}?)" if close else ""


def _read_head(f: BinaryIO, name: str) -> tuple[bytes, bool]:
    """The first bytes of the file: at least three whole lines when there are that many.

    Reads in growing chunks, never more of one line than :data:`MAX_LINE_BYTES`
    and a byte: a longer line is refused with that much of it read.
    """
    head = f.read(_HEAD_BYTES)
    at_eof = len(head) < _HEAD_BYTES
    _check_line_lengths(head, 1, name, open_end=not at_eof)
    while not at_eof and head.count(b"\n") < 3:
        partial = len(head) - head.rfind(b"\n") - 1  # bytes of the line still being read
        want = min(len(head), MAX_LINE_BYTES + 1 - partial)  # doubling: a wide header is a few hundred KiB
        more = f.read(want)
        at_eof = len(more) < want
        head += more
        _check_line_lengths(head, 1, name, open_end=not at_eof)
    return head, at_eof


def _check_line_lengths(data: bytes, first_line: int, name: str, *, open_end: bool) -> None:
    """Refuse ``data`` (lines from ``first_line`` on) if a line in it is longer than :data:`MAX_LINE_BYTES`.

    With ``open_end``, the text after the last line break is the start of a
    line that goes on: it counts too, so a single 48 MB line is refused after
    4 MiB of it are read.
    """
    half = MAX_LINE_BYTES // 2
    # A line longer than the bound holds a whole aligned half-window without a line
    # break: a few C-level finds rule that out for an ordinary block, copying nothing.
    for start in range(0, len(data) - half + 1, half):
        if data.find(b"\n", start, start + half) >= 0:
            continue
        line_start = data.rfind(b"\n", 0, start) + 1
        line_end = data.find(b"\n", start + half)
        if line_end < 0:
            line_end = len(data)
            if not open_end and data.endswith(b"\r"):
                line_end -= 1
        if line_end - line_start > MAX_LINE_BYTES:
            line = first_line + data.count(b"\n", 0, line_start)
            raise UsageError(
                f"{name}, line {line} is longer than {MAX_LINE_BYTES >> 20} MiB (the longest line read); "
                "a CSV file has one row per line: check the line breaks, or cut the row into fewer columns"
            )


def _check_is_text(head: bytes, name: str) -> int:
    """Refuse binary and non-UTF-8 files by their first bytes; return the BOM length to skip."""
    signatures = {
        b"\xff\xfe\x00\x00": "UTF-32 text; save it as UTF-8",  # before UTF-16: the same first two bytes
        b"\x00\x00\xfe\xff": "UTF-32 text; save it as UTF-8",
        b"PK\x03\x04": "an Excel workbook or a zip archive; save it as CSV (UTF-8) from the spreadsheet",
        b"\xd0\xcf\x11\xe0": "an old Excel (.xls) workbook; save it as CSV (UTF-8) from the spreadsheet",
        b"\x1f\x8b": "gzip-compressed; decompress it first (gunzip)",
        b"\xff\xfe": "UTF-16 text; save it as UTF-8",
        b"\xfe\xff": "UTF-16 text; save it as UTF-8",
    }
    for magic, what in signatures.items():
        if head.startswith(magic):
            raise UsageError(f"{name} is {what}")
    wide = _wide_encoding(head)
    if wide:
        raise UsageError(f"{name} is {wide} text without a byte-order mark; save it as UTF-8")
    if b"\x00" in head or _control_share(head) > 0.05:
        raise UsageError(f"{name} is a binary file, not CSV text; give a CSV file")
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise UsageError(f"{name} is empty; give a CSV file with a header line and rows of numbers")
    if b"\n" not in head and b"\r" in head.rstrip(b"\r"):
        raise UsageError(
            f"{name} ends its lines with carriage returns only (old Mac style); "
            f"convert them first, e.g. tr '\\r' '\\n' < {name} > unix-{name}"
        )
    return 3 if head.startswith(b"\xef\xbb\xbf") else 0


def _wide_encoding(head: bytes) -> str:
    """``"UTF-16"`` or ``"UTF-32"`` when the NUL bytes fall as they do in those encodings of mostly-ASCII text."""
    sample = np.frombuffer(head[: min(len(head), 65536) // 4 * 4], dtype=np.uint8)
    if sample.size < 8 or np.count_nonzero(sample == 0) < sample.size // 3:
        return ""
    zero = (sample == 0).reshape(-1, 4).mean(axis=0)  # share of NULs at each position mod 4
    if (zero[1:] > 0.9).all() or (zero[:3] > 0.9).all():
        return "UTF-32"
    if (zero[1] > 0.9 and zero[3] > 0.9) or (zero[0] > 0.9 and zero[2] > 0.9):
        return "UTF-16"
    return ""


def _control_share(data: bytes) -> float:
    """Share of bytes that never occur in text (control characters other than tab, CR, LF)."""
    if not data:
        return 0.0
    codes = np.frombuffer(data, dtype=np.uint8)
    control = (codes < 32) & (codes != 9) & (codes != 10) & (codes != 13) & (codes != 12)
    return float(np.count_nonzero(control)) / codes.size


def _decode(data: bytes, first_line: int, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = first_line + data.count(b"\n", 0, exc.start)
        byte = data[exc.start]
        raise UsageError(
            f"{name} is not UTF-8 text (line {line} has the byte 0x{byte:02X}); save it as UTF-8, "
            f"for example: iconv -f latin1 -t utf-8 {name} > utf8-{name}"
        ) from None


# -------------------------------------------------------------------- sniffing
@dataclass(frozen=True)
class _Layout:
    """How the file is laid out, as read from its first lines."""

    delimiter: str
    decimal_comma: bool
    has_header: bool
    header: list[str]  # stripped fields of the header line ([] without one)
    n_fields: int
    body_offset: int  # bytes from the start (after any BOM) to the first data line
    body_line: int  # file line number of the first line at body_offset
    sample: list[tuple[int, list[str]]]  # (line number, stripped fields) of the first data rows


def _sniff(head: bytes, at_eof: bool, name: str) -> _Layout:
    cut = len(head) if at_eof else head.rfind(b"\n") + 1
    text = _decode(head[:cut], 1, name)
    lines = text.split("\n")
    numbered = [(i + 1, line) for i, line in enumerate(lines) if line.strip()]
    # numbered is not empty: _check_is_text refused blank files
    _check_width(numbered[0][1], name)
    delimiter, decimal_comma = _choose_delimiter([line for _, line in numbered[:_SNIFF_LINES]])
    rows = [(no, _split(line, delimiter, decimal_comma)) for no, line in numbered[: _SAMPLE_ROWS + 1]]
    first_no, first = rows[0]
    has_header = _looks_like_header(first, [fields for _, fields in rows[1:]])
    n_fields = len(first)
    for no, fields in rows:
        if len(fields) != n_fields:
            raise _ragged(name, no, len(fields), n_fields, delimiter, lines[no - 1])
    if has_header:
        body_line = first_no + 1
        body_offset = len("\n".join(lines[:first_no]).encode("utf-8")) + 1
        body_offset = min(body_offset, len(head))
        sample = rows[1:]
    else:
        body_line = first_no
        body_offset = len("\n".join(lines[: first_no - 1]).encode("utf-8")) + (1 if first_no > 1 else 0)
        sample = rows
    return _Layout(
        delimiter,
        decimal_comma,
        has_header,
        # names are shown and written back: their control characters are written out (\x1b), never obeyed
        [shown(h, limit=None) for h in first] if has_header else [],
        n_fields,
        body_offset,
        body_line,
        sample,
    )


def _check_width(first: str, name: str) -> None:
    """Refuse a first line with more than :data:`MAX_COLUMNS` fields by every delimiter, before splitting it.

    Splitting and sniffing a 4 MiB line of two million fields would take minutes.
    """
    counts = [first.count(d) + 1 for d in _DELIMITERS if d in first]
    if counts and min(counts) > MAX_COLUMNS:
        raise UsageError(
            f"{name} has {min(counts):,} columns on line 1, more than the limit of {MAX_COLUMNS:,}; "
            "give a file with one row per line and fewer columns (cut -d, -f1-1000 keeps the first 1,000)"
        )


def _split(line: str, delimiter: str, decimal_comma: bool = False) -> list[str]:
    fields = None
    if _QUOTE in line:
        try:
            fields = next(csv.reader([line.rstrip("\r")], delimiter=delimiter, quotechar=_QUOTE), [""])
        except csv.Error:  # a stray carriage return: split plainly, the cells will say what is odd
            fields = None
    if fields is None:
        fields = line.split(delimiter)
    fields = [field.strip() for field in fields]
    if decimal_comma:
        fields = [f.replace(",", ".") if _DECIMAL_COMMA.fullmatch(f) else f for f in fields]
    return fields


def _choose_delimiter(lines: list[str]) -> tuple[str, bool]:
    """The delimiter (and whether numbers use a decimal comma) that reads ``lines`` best."""
    best: tuple[tuple[int, int, int, int], str, bool] | None = None
    for preference, delimiter in enumerate(reversed(_DELIMITERS)):
        rows = [_split(line, delimiter) for line in lines]
        counts = [len(fields) for fields in rows]
        widest = max(counts)
        if widest < 2:
            continue
        decimal_comma = delimiter != "," and _uses_decimal_comma(rows)
        if decimal_comma:
            rows = [[_comma_to_point(f) for f in fields] for fields in rows]
        consistent = int(all(c == counts[0] for c in counts))
        numeric = _count_numeric_columns(rows)
        score = (consistent, numeric, preference, widest)
        if best is None or score > best[0]:
            best = (score, delimiter, decimal_comma)
    if best is None:  # one column: any delimiter reads it
        return ",", False
    return best[1], best[2]


def _uses_decimal_comma(rows: list[list[str]]) -> bool:
    cells = [cell for fields in rows for cell in fields]
    return any(_DECIMAL_COMMA.fullmatch(c) for c in cells) and not any(_DECIMAL_POINT.fullmatch(c) for c in cells)


def _comma_to_point(cell: str) -> str:
    return cell.replace(",", ".") if _DECIMAL_COMMA.fullmatch(cell) else cell


def _count_numeric_columns(rows: list[list[str]]) -> int:
    width = max(len(fields) for fields in rows)
    kinds = [set() for _ in range(width)]
    for fields in rows[1:] or rows:  # the first line may be a header
        for j, cell in enumerate(fields):
            kinds[j].add(_cell_kind(cell))
    return sum(1 for k in kinds if _NUMBER in k and _TEXT not in k)


def _cell_kind(cell: str) -> int:
    """_MISSING, _NUMBER (inf included: refused later, with its line) or _TEXT."""
    if cell.lower() in MISSING_MARKERS:
        return _MISSING
    # one rule for every cell (tuiclust.io.cells): float() would also take 1_000 and ٣
    return _NUMBER if is_number(cell) else _TEXT


def _looks_like_header(first: list[str], rest: list[list[str]]) -> bool:
    """A header has a name above a column of numbers, or is a line of names only."""
    first_kinds = [_cell_kind(cell) for cell in first]
    if all(kind != _TEXT for kind in first_kinds):
        return False
    if all(kind == _TEXT or cell == "" for kind, cell in zip(first_kinds, first)):
        return True  # a line of names
    for j, kind in enumerate(first_kinds):
        below = {_cell_kind(fields[j]) for fields in rest if j < len(fields)}
        if kind == _TEXT and _NUMBER in below and _TEXT not in below:
            return True  # a name above a column of numbers
    return False


def _ragged(name: str, line: int, got: int, expected: int, delimiter: str, text: str = "") -> UsageError:
    if text.count(_QUOTE) % 2:  # a quote that does not close on its line: the field goes on below
        return UsageError(
            f"{name}, line {line}: a quoted field holds a line break (its quote does not close on this line); "
            "tuiclust reads one row per line: remove the line breaks inside quoted cells"
        )
    return UsageError(
        f"{name}, line {line}: {got} field{_s(got)} where the first line has {expected} "
        f"({_DELIMITER_NAMES[delimiter]}-separated); make every row the same length"
    )


# ------------------------------------------------------------- column choice
def _choose_columns(
    layout: _Layout, columns: Sequence[str | int] | None, name: str
) -> tuple[list[int], list[str], list[str]]:
    """Indices of the columns to read as numbers, every column's name, and notes about the rest.

    Without ``columns``, every column whose sampled cells are numbers or
    missing is read as numbers; one that turns out to hold text further down
    becomes a text column then (:func:`_settle_columns`), as if it had shown
    text here: one rule for the whole file.
    """
    names = _column_names(layout)
    notes: list[str] = []
    renamed = [n for n, h in zip(names, layout.header) if n != h]
    if renamed:
        notes.append(f"unnamed or repeated columns are called {_listing(renamed)}")
    kinds = _column_kinds(layout)
    if columns is None:
        usecols = [j for j, (kind, _) in enumerate(kinds) if kind != _TEXT]
        # the first text cell of each column shows why it was skipped: a stray
        # "n.a." in a column of numbers is easy to fix once seen
        text = [_text_column(names[j], *ex) for j, (kind, ex) in enumerate(kinds) if ex]
        empty = [names[j] for j, (kind, _) in enumerate(kinds) if kind == _MISSING]
        if not any(kind == _NUMBER for kind, _ in kinds) and (not empty or not layout.sample or text):
            hint = (
                "separate columns with commas, semicolons or tabs"
                if layout.n_fields == 1
                else "tuiclust clusters numbers"
            )
            found = _listing(text, 3) or f"empty column{_s(len(empty))} {_listing(empty)}"
            raise UsageError(f"{name} has no numeric columns: {found}; {hint}")
        if text:
            notes.append(f"skipped non-numeric column{_s(len(text))} {_listing(text, 3)}")
    else:
        usecols = [_resolve_column(key, names, name) for key in columns]
        if not usecols:
            raise UsageError(f"no columns picked from {name}; name at least one, e.g. --columns {names[0]}")
        for j in usecols:
            if usecols.count(j) > 1:
                raise UsageError(f"column {names[j]!r} of {name} is picked twice; name each column once")
            kind, example = kinds[j]
            if kind == _TEXT:
                line, cell = example
                raise _not_numeric(name, names[j], line, cell)
    return usecols, names, notes


def _text_column(column: str, line: int, cell: str) -> str:
    """How a skipped text column is named in a note: its first text cell, its line, what to fix."""
    fix = why_not_a_number(cell)
    return f"{column} ({_show(cell)}, line {line}{': ' + fix if fix else ''})"


def _not_numeric(name: str, column: str, line: int, cell: str) -> UsageError:
    fix = why_not_a_number(cell)
    return UsageError(
        f"{name}, line {line}, column {column!r}: {_show(cell)} is not a number"
        f"{'; ' + fix if fix else ''}; fix the cell, or leave the column out with --columns"
    )


def _settle_columns(
    reader: _BodyReader, values: np.ndarray, names: list[str], notes: list[str], name: str
) -> tuple[list[int], np.ndarray]:
    """The columns that hold numbers in the whole file, and their values; notes for the rest.

    A column with a text cell anywhere is a text column (only without
    ``--columns``: a picked one was refused at that cell); a column with no
    number at all is empty.
    """
    numeric = reader.numeric_columns()
    values = values[:, numeric] if len(numeric) < values.shape[1] else values
    usecols = [reader.usecols[k] for k in numeric]
    late = [_text_column(names[reader.usecols[k]], *reader.text_found[k]) for k in sorted(reader.text_found)]
    if late:
        notes.append(f"skipped non-numeric column{_s(len(late))} {_listing(late, 3)}")
    empty_mask = np.isnan(values).all(axis=0) if values.shape[0] else np.zeros(values.shape[1], dtype=bool)
    if empty_mask.any():
        empty = [names[j] for j, is_empty in zip(usecols, empty_mask) if is_empty]
        if reader.strict:
            raise UsageError(
                f"{name}, column {empty[0]!r} has no numbers, only missing values; pick columns that hold numbers"
            )
        notes.append(f"skipped empty column{_s(len(empty))} {_listing(empty)}")
        usecols = [j for j, is_empty in zip(usecols, empty_mask) if not is_empty]
        values = values[:, ~empty_mask]
    if not usecols and values.shape[0]:
        skipped = [note.split(" ", 3)[-1] for note in notes if note.startswith("skipped")]
        raise UsageError(f"{name} has no numeric columns: {'; '.join(skipped)}; tuiclust clusters numbers")
    return usecols, values


def _column_names(layout: _Layout) -> list[str]:
    if not layout.has_header:
        return [f"col{j}" for j in range(layout.n_fields)]
    names: list[str] = []
    used: set[str] = set()  # sets, not lists: a header may hold 10,000 names
    in_header = set(layout.header)
    for j, header in enumerate(layout.header):
        candidate = base = header or f"col{j}"
        suffix = 2
        # a made-up name must not take the name of a later column either
        while candidate in used or (candidate != header and candidate in in_header):
            candidate, suffix = f"{base}_{suffix}", suffix + 1
        used.add(candidate)
        names.append(candidate)
    return names


def _column_kinds(layout: _Layout) -> list[tuple[int, tuple[int, str] | None]]:
    """Per column: _NUMBER, _TEXT (with the first text cell and its line) or _MISSING (empty)."""
    kinds: list[tuple[int, tuple[int, str] | None]] = []
    for j in range(layout.n_fields):
        seen_number, example = False, None
        for line, fields in layout.sample:
            kind = _cell_kind(fields[j])
            if kind == _TEXT:
                example = (line, fields[j])
                break
            seen_number = seen_number or kind == _NUMBER
        if example is not None:
            kinds.append((_TEXT, example))
        else:
            kinds.append((_NUMBER if seen_number or not layout.sample else _MISSING, None))
    return kinds


def _resolve_column(key: str | int, names: list[str], name: str) -> int:
    text = str(key).strip()
    if text in names:
        return names.index(text)
    if text.isdigit() and int(text) < len(names):
        return int(text)
    close = difflib.get_close_matches(text, names, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise UsageError(
        f"{name} has no column {text!r}; {hint}columns are {_listing(names)} "
        f"(by name, or 0-based index up to {len(names) - 1})"
    )


def _listing(names: list[str], shown: int = 8) -> str:
    if len(names) <= shown:
        return ", ".join(names)
    return f"{', '.join(names[:shown])} ... ({len(names) - shown:,} more)"


def _s(count: int) -> str:
    """Plural ending."""
    return "" if count == 1 else "s"


def _show(cell: str) -> str:
    return repr(cell if len(cell) <= 30 else cell[:27] + "...")


# ------------------------------------------------------------------ size limits
def _count_lines_from(f: BinaryIO, offset: int) -> int:
    """Lines from ``offset`` to the end (a last line without a line break counts): a bound on the rows."""
    f.seek(offset)
    count, last = 0, b"\n"
    while block := f.read(1 << 20):
        count += block.count(b"\n")
        last = block[-1:]
    return count + (last != b"\n")


def _check_size(rows: int, n_columns: int, name: str) -> None:
    sample = f"cluster a random sample, e.g. (head -n 1 {name}; tail -n +2 {name} | shuf -n 1000000) > sample.csv"
    if rows > MAX_ROWS:
        raise UsageError(f"{name} has {rows:,} rows, more than the limit of {MAX_ROWS:,}; {sample}")
    if rows * n_columns > MAX_VALUES:
        raise UsageError(
            f"{name} has {rows:,} rows x {n_columns:,} columns, more than the limit of {MAX_VALUES:,} values; "
            f"pick fewer columns with --columns, or {sample}"
        )


# ---------------------------------------------------------------- the body
class _BodyReader:
    """Parse the data lines block by block into one float64 array, and keep text columns.

    Missing cells become NaN here; :func:`_handle_missing` decides what to
    do with them once the whole file is read. Blank lines are skipped and
    remembered, to turn row indices back into file line numbers. Unless
    ``strict`` (columns picked by the user), a column found to hold text
    stops being read as numbers from that block on (``text_found``).
    """

    def __init__(
        self, layout: _Layout, usecols: list[int], names: list[str], name: str, *, strict: bool, text: list[int]
    ) -> None:
        self.layout = layout
        self.usecols = usecols
        self.names = names  # every column's name, by file position
        self.name = name
        self.strict = strict
        self.active = list(range(len(usecols)))  # indices into usecols still read as numbers
        self.text_found: dict[int, tuple[int, str]] = {}  # index into usecols -> (line, first text cell)
        self.blank_lines: list[int] = []  # file line numbers, ascending
        self._text_positions = list(text)
        self._tiny_exponent = False
        self._text_blocks: dict[int, list[np.ndarray]] = {j: [] for j in text}

    def numeric_columns(self) -> list[int]:
        """Indices into ``usecols`` of the columns that held numbers to the end."""
        return list(self.active)

    def text_columns(self) -> dict[int, np.ndarray]:
        """File position -> the cells kept as text, an object array of shape (n_rows,)."""
        return {
            j: np.concatenate(blocks) if blocks else np.empty(0, dtype=object)
            for j, blocks in sorted(self._text_blocks.items())
        }

    def read(self, f: BinaryIO, upper: int) -> np.ndarray:
        """All data rows: ndarray of shape (n_rows, len(usecols)), float64, NaN where missing."""
        values = np.empty((upper, len(self.usecols)), dtype=np.float64)
        n_rows = 0
        for lines, line_no, quoted in self._blocks(f):
            lines, numbers = self._drop_blank_lines(lines, line_no, quoted, remember=True)
            if not lines:
                continue
            self._keep_text(lines, self._text_positions, quoted)
            if self.active:
                parsed = self._parse_lines(lines, numbers, line_no, quoted=quoted)
                if len(self.active) == len(self.usecols):  # the usual case: a plain slice, no fancy indexing
                    values[n_rows : n_rows + len(lines)] = parsed
                else:
                    values[n_rows : n_rows + len(lines), self.active] = parsed
            n_rows += len(lines)
        if n_rows < upper:
            values.resize((n_rows, len(self.usecols)), refcheck=False)  # in place, no copy
        return values

    def collect_text(self, f: BinaryIO, positions: list[int]) -> None:
        """A second pass over the body, keeping the cells of ``positions`` as text."""
        for j in positions:
            self._text_blocks[j] = []
        for lines, line_no, quoted in self._blocks(f):
            lines, _ = self._drop_blank_lines(lines, line_no, quoted, remember=False)
            if lines:
                self._keep_text(lines, positions, quoted)

    def line_of_row(self, row: int) -> int:
        """File line number of the 0-based data row ``row``."""
        line = self.layout.body_line + row
        for blank in self.blank_lines:  # blank lines are few: a linear walk is fine
            if blank <= line:
                line += 1
            else:
                break
        return line

    def _blocks(self, f: BinaryIO) -> Iterator[tuple[list[str], int, bool]]:
        """(lines, file line number of the first, whether any holds a quote), a few MiB at a time."""
        line_no, pending = self.layout.body_line, b""
        while True:
            # never more of one line than the bound and a byte: a long one is refused with that much read
            block = f.read(max(1, min(_BLOCK_BYTES, MAX_LINE_BYTES + 1 - len(pending))))
            data = pending + block
            if block:
                _check_line_lengths(data, line_no, self.name, open_end=True)
                cut = data.rfind(b"\n") + 1
                if cut == 0:  # a line longer than a block: keep reading it
                    pending = data
                    continue
                data, pending = data[:cut], data[cut:]
            if not data:
                return
            text = _decode(data, line_no, self.name)
            if self.layout.decimal_comma:
                text = _DECIMAL_COMMA_IN_TEXT.sub(_point_for_comma, text)
            lines = text.split("\n")
            if text.endswith("\n"):
                lines.pop()
            self._tiny_exponent = has_tiny_exponent(text)  # rare: then cells are checked
            yield lines, line_no, _QUOTE in text
            line_no += len(lines)
            if not block:
                return

    def _drop_blank_lines(
        self, lines: list[str], first_line: int, quoted: bool, *, remember: bool
    ) -> tuple[list[str], list[int] | None]:
        """Check field counts; return the data lines and their file line numbers (None: consecutive)."""
        delimiter, expected = self.layout.delimiter, self.layout.n_fields
        odd = _odd_lines(lines, delimiter, expected, quoted)
        blanks = []
        for i in odd:
            if lines[i].strip():
                got = len(_split(lines[i], delimiter))
                raise _ragged(self.name, first_line + i, got, expected, delimiter, lines[i])
            blanks.append(i)
        if not blanks:
            return lines, None
        if remember:
            self.blank_lines.extend(first_line + i for i in blanks)
        skip = set(blanks)
        numbers = [first_line + i for i in range(len(lines)) if i not in skip]
        return [line for i, line in enumerate(lines) if i not in skip], numbers

    def _keep_text(self, lines: list[str], positions: list[int], quoted: bool) -> None:
        if not positions:
            return
        cells = np.loadtxt(
            lines,
            delimiter=self.layout.delimiter,
            usecols=positions,
            dtype=object,
            ndmin=2,
            comments=None,
            quotechar=_QUOTE if quoted else None,
        )
        for k, j in enumerate(positions):
            self._text_blocks[j].append(_strip(cells[:, k]))

    def _parse_lines(self, lines: list[str], numbers: list[int] | None, first_line: int, *, quoted: bool) -> np.ndarray:
        """The active columns of the data lines: (len(lines), len(active)) float64, NaN where missing.

        Columns found to hold text here leave ``active``; their slots in the
        result are left over at its right end.
        """
        delimiter = self.layout.delimiter
        usecols = [self.usecols[k] for k in self.active]
        try:
            parsed = np.loadtxt(
                lines,
                delimiter=delimiter,
                usecols=usecols,
                dtype=np.float64,
                ndmin=2,
                comments=None,
                quotechar=_QUOTE if quoted else None,
            )
        except ValueError:  # a missing marker or a bad cell: find out which, cell by cell
            parsed = self._parse_slowly(lines, numbers, first_line)
        active = self.active
        too_big = np.abs(parsed[:, : len(active)]) > MAX_MAGNITUDE  # infinity included; NaN (missing) is not
        if too_big.any():
            i, k = (int(v) for v in np.argwhere(too_big)[0])
            cell = _split(lines[i], delimiter)[self.usecols[active[k]]]
            what = (
                "is infinite; replace it with a finite number or remove the row"
                if np.isinf(parsed[i, k])
                else f"is too large to cluster (beyond {MAX_MAGNITUDE:.0e}, squared distances overflow); "
                "rescale the column"
            )
            raise UsageError(f"{self._where(i, numbers, first_line, active[k])}: {_show(cell)} {what}")
        if self._tiny_exponent:  # 1e-400 reads as 0: only a block with such an exponent is looked at closely
            self._refuse_underflow(lines, numbers, first_line, parsed)
        return parsed

    def _parse_slowly(self, lines: list[str], numbers: list[int] | None, first_line: int) -> np.ndarray:
        """Cell by cell: numbers, NaN for missing; a text cell ends a picked column's read with an error,
        another column's read as numbers (it moves out of ``active``)."""
        out = np.full((len(lines), len(self.active)), np.nan, dtype=np.float64)
        delimiter = self.layout.delimiter
        rows = [_split(line, delimiter) for line in lines]
        for slot, k in enumerate(list(self.active)):
            j = self.usecols[k]
            for i, fields in enumerate(rows):
                cell = fields[j]
                kind = _cell_kind(cell)
                if kind == _NUMBER:
                    out[i, slot] = float(cell)
                elif kind == _TEXT:
                    line = numbers[i] if numbers else first_line + i
                    if self.strict:
                        raise _not_numeric(self.name, self.names[j], line, cell)
                    self.text_found[k] = (line, cell)
                    break
        keep = [slot for slot, k in enumerate(self.active) if k not in self.text_found]
        self.active = [k for k in self.active if k not in self.text_found]
        return out[:, keep]

    def _refuse_underflow(
        self, lines: list[str], numbers: list[int] | None, first_line: int, parsed: np.ndarray
    ) -> None:
        for i, line in enumerate(lines):
            if not has_tiny_exponent(line):
                continue
            fields = _split(line, self.layout.delimiter)
            for slot, k in enumerate(self.active):
                cell = fields[self.usecols[k]]
                if _cell_kind(cell) == _NUMBER and underflows(cell, float(parsed[i, slot])):
                    raise UsageError(
                        f"{self._where(i, numbers, first_line, k)}: {_show(cell)} is too small for a float64 "
                        "(below 5e-324, it would read as 0); rescale the column"
                    )

    def _where(self, i: int, numbers: list[int] | None, first_line: int, k: int) -> str:
        line = numbers[i] if numbers else first_line + i
        return f"{self.name}, line {line}, column {self.names[self.usecols[k]]!r}"


def _strip(cells: np.ndarray) -> np.ndarray:
    """Text cells without the spaces around them (as header names are read), object dtype."""
    return np.array([c.strip() for c in cells.tolist()], dtype=object)


def _odd_lines(lines: list[str], delimiter: str, expected: int, quoted: bool) -> list[int]:
    """Indices of the lines that do not hold ``expected`` fields: blank or ragged."""
    if expected == 1:
        return [i for i, line in enumerate(lines) if not line or line.isspace()]
    if quoted:
        counts = [len(_split(line, delimiter)) if _QUOTE in line else line.count(delimiter) + 1 for line in lines]
        return [i for i, count in enumerate(counts) if count != expected]
    # map(str.count) runs at C speed: about 0.1 s per million lines
    separators = list(map(str.count, lines, repeat(delimiter, len(lines))))
    if separators.count(expected - 1) == len(lines):
        return []
    return [i for i, count in enumerate(separators) if count != expected - 1]


# Only numbers like 2,5 turn into 2.5: a comma inside a text cell stays.
_DECIMAL_COMMA_IN_TEXT = re.compile(r"(?<![\w.,])([+-]?\d*),(\d+(?:[eE][+-]?\d+)?)(?![\w.,])")


def _point_for_comma(match: re.Match[str]) -> str:
    return f"{match.group(1)}.{match.group(2)}"


# ------------------------------------------------------------ missing values
def _handle_missing(
    values: np.ndarray,
    reader: _BodyReader,
    names: list[str],
    drop_missing: bool,
    notes: list[str],
    name: str,
    layout: _Layout,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Refuse or drop rows with NaN; return the values, their 1-based data row numbers, the rows kept (None: all)."""
    if values.shape[0] == 0:
        if layout.has_header:
            raise UsageError(
                f"{name} has a header line ({_listing(layout.header, 4)}) but no data rows; "
                "add rows of numbers below it"
            )
        raise UsageError(f"{name} has no data rows; give a CSV file with rows of numbers")
    missing = np.isnan(values)
    if not missing.any():
        return values, np.arange(1, values.shape[0] + 1, dtype=np.int64), None
    per_column = missing.sum(axis=0)
    missing_rows = missing.any(axis=1)
    n_cells, n_bad = int(per_column.sum()), int(np.count_nonzero(missing_rows))
    bad_columns = [names[k] for k in np.flatnonzero(per_column)]
    where = f"column{_s(len(bad_columns))} {_listing(bad_columns, 4)}"
    if not drop_missing:
        first = [reader.line_of_row(int(r)) for r in np.flatnonzero(missing_rows)[:_SHOWN_LINES]]
        shown = ", ".join(str(line) for line in first) + (" ..." if n_bad > len(first) else "")
        raise UsageError(
            f"{name} has {n_cells:,} missing value{_s(n_cells)} in {where}, on {n_bad:,} row{_s(n_bad)} "
            f"(line{_s(n_bad)} {shown}); fill them in, or drop those rows with --drop-missing"
        )
    keep = ~missing_rows
    if not keep.any():
        raise UsageError(f"every row of {name} has a missing value (in {where}); nothing is left to cluster")
    notes.append(f"dropped {n_bad:,} of {values.shape[0]:,} row{_s(values.shape[0])} with missing values (in {where})")
    return values[keep], np.flatnonzero(keep).astype(np.int64) + 1, keep
