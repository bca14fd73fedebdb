"""What a CSV cell is: the one number rule of the reader, and the columns carried through as text.

The number rule, for every cell of a file wherever it is: a number is
ASCII digits with an optional sign, decimal point and exponent (``12``,
``-0.5``, ``1e-3``, ``.5``), or ``inf`` / ``infinity`` (refused later, with
its line). Spaces around it are allowed. Anything else is text, even when a
person reads it as a number: ``1_000``, ``1,000`` (in a comma file, quoted),
``1 000`` (a space or non-breaking space inside), ``0x10``, ``−1`` (the
typographic minus U+2212), ``٣`` or ``３`` (non-ASCII digits). A column is
numeric when all its cells are numbers or missing values; one text cell
anywhere makes it a text column (see :mod:`tuiclust.io.csv_reader`).
:func:`why_not_a_number` says what to change in such a cell.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

__all__ = ["CarriedColumns", "has_tiny_exponent", "is_number", "quote_cell", "underflows", "why_not_a_number"]

_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?inf(?:inity)?", re.IGNORECASE)
# Exponents of -300 and below: only cells with one can underflow to 0 (the slow check runs on those).
# Two patterns with a literal start: re scans for a literal prefix ~70x faster than for [eE].
_TINY_EXPONENTS = tuple(re.compile(e + r"-0*(?:[3-9][0-9]{2}|[0-9]{4,})") for e in "eE")


def has_tiny_exponent(text: str) -> bool:
    """Whether ``text`` holds an exponent of -300 or below (``1e-400``): a number there may underflow."""
    return any(pattern.search(text) for pattern in _TINY_EXPONENTS)


_MINUS_SIGNS = (
    "\u2212\u2013\u2012\ufe63\uff0d"  # typographic minus, en dash, figure dash, small/full-width hyphen-minus
)


def is_number(cell: str) -> bool:
    """Whether a stripped cell is a number by the reader's one rule (see the module docstring)."""
    return _NUMBER.fullmatch(cell) is not None


def why_not_a_number(cell: str) -> str:
    """For a cell a person may read as a number, what to change (``""`` for plain text).

    >>> why_not_a_number("1_000")
    'write numbers without digit separators (1000)'
    """
    digits_only = re.sub(r"[\s_,'\u00a0\u202f]", "", cell)
    if any(c.isdigit() and not "0" <= c <= "9" for c in cell):
        return "write digits as ASCII 0-9"
    if cell[:1] in _MINUS_SIGNS and is_number(cell[1:]):
        return "write the minus sign as an ASCII hyphen-minus (-)"
    if re.fullmatch(r"[+-]?0[xXbBoO][0-9a-fA-F_]+", cell):
        return "write numbers in decimal"
    if digits_only != cell and is_number(digits_only):
        return f"write numbers without digit separators ({digits_only})"
    return ""


def underflows(cell: str, value: float) -> bool:
    """Whether ``cell`` names a non-zero number that a float64 reads as 0 (``1e-400``).

    Subnormal numbers (down to 5e-324) read back exactly as written, and are kept.
    """
    if value != 0.0:
        return False
    mantissa = re.split(r"[eE]", cell, maxsplit=1)[0]
    return any(c in "123456789" for c in mantissa)


def quote_cell(cell: str, delimiter: str = ",") -> str:
    """A text cell as a CSV field: quoted (quotes doubled) when it holds the delimiter, a quote or a line break."""
    if delimiter in cell or '"' in cell or "\n" in cell or "\r" in cell or cell != cell.strip():
        return '"' + cell.replace('"', '""') + '"'
    return cell


@dataclass(frozen=True, eq=False)
class CarriedColumns:
    """Every column of a CSV file in its place: the clustered ones by index, the others as text.

    Attributes
    ----------
    names : tuple of str
        Every column's name, in the file's order.
    value_positions : tuple of int
        File position of each clustered column (its index in ``Table.values``
        is its index here).
    cells : mapping of int to ndarray of shape (n_rows,), object
        File position -> the column's cells as read (stripped of surrounding
        spaces), for every column not clustered.
    """

    names: tuple[str, ...]
    value_positions: tuple[int, ...]
    cells: Mapping[int, np.ndarray]

    @property
    def n_rows(self) -> int:
        """Rows of the carried cells."""
        return int(next(iter(self.cells.values())).shape[0]) if self.cells else 0

    def select(self, keep: np.ndarray, n_added: int = 0) -> CarriedColumns:
        """The rows where ``keep`` (a boolean mask over the rows) is true, then ``n_added`` empty rows."""
        pad = np.full(n_added, "", dtype=object)
        return CarriedColumns(
            self.names,
            self.value_positions,
            {pos: np.concatenate([col[keep], pad]) for pos, col in self.cells.items()},
        )
