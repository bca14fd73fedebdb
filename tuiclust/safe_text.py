"""Text from files made safe for a terminal: no escape sequence or control character gets through.

A scene's title, a CSV header or a file name is data, but a terminal
obeys the control characters in it: ``ESC [2J`` clears the screen, ``OSC 0``
retitles the window, ``OSC 52`` writes the clipboard, a DCS string talks to
the terminal itself, BEL rings. Whatever is drawn, printed or written into
a cast comes from the app's own rendering; text read from a file passes
through one of the two functions here first:

- :func:`printable` for prose (titles, descriptions, narration): escape
  sequences are removed whole, with their payload, and the other control
  characters are dropped; tabs become spaces.
- :func:`shown` for names and quoted values (file names, column names,
  the cells a message quotes): every control character is written out as
  a visible escape (``\\x1b``), so the user can still tell which file or
  column is meant; a value longer than ``limit`` is cut in the middle.

Both also remove the Unicode bidirectional overrides and isolates, which
reorder what a terminal shows, and lone surrogates (undecodable bytes of a
file name), which cannot be printed at all.
"""

from __future__ import annotations

import re

__all__ = ["SHOWN_LIMIT", "printable", "shorten", "shown"]

# One escape sequence, 7-bit or 8-bit (ECMA-48):
# - CSI (ESC [ or 0x9B): parameters, intermediates, a final byte;
# - OSC, DCS, SOS, PM, APC (ESC ] P X ^ _, or 0x9D 0x90 0x98 0x9E 0x9F): a string up
#   to ST (ESC \ or 0x9C) or BEL, or to the end of the text when it is never closed,
#   since the terminal would swallow everything after it too;
# - any other ESC: intermediates, then one final byte (ESC c resets the terminal).
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|$)"
    r"|\x1b[ -/]*[0-~]?"
)
# What is left to drop: C0 but tab and newline, DEL, C1, bidi embeddings,
# overrides and isolates, lone surrogates.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_CONTROL_OR_LAYOUT = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

# Messages quote at most this many characters of any one value.
SHOWN_LIMIT = 200


def printable(text: str, *, newlines: bool = False) -> str:
    """``text`` without escape sequences and control characters, for prose drawn on screen.

    Parameters
    ----------
    text : str
        Text read from a file.
    newlines : bool
        Keep line breaks (a description of several lines); otherwise they
        become spaces, like tabs.

    Returns
    -------
    str
        The same text with every escape sequence removed whole and every
        other control character dropped.
    """
    text = _SEQUENCE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\t", " ")
    if not newlines:
        text = text.replace("\n", " ")
    return _CONTROL.sub("", text)


def _escape_one(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if char == "\t":
        return "\\t"
    if char == "\n":
        return "\\n"
    if char == "\r":
        return "\\r"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str, *, limit: int | None = SHOWN_LIMIT) -> str:
    """``text`` with every control character written out visibly (``\\x1b``), for names and values in messages.

    Parameters
    ----------
    text : str
        A file name, a column name, a cell, or a whole message quoting them.
    limit : int or None
        Cut any run of more than ``limit`` non-space characters in the
        middle, with an ellipsis (a 5,000-digit number, a very long path);
        None keeps them whole.

    Returns
    -------
    str
        Text that prints as it reads, on one line.
    """
    text = _CONTROL_OR_LAYOUT.sub(_escape_one, text)
    return text if limit is None else shorten(text, limit)


def shorten(text: str, limit: int = SHOWN_LIMIT) -> str:
    """Cut every run of more than ``limit`` non-space characters to its start, an ellipsis and its end."""
    if len(text) <= limit:
        return text
    head, tail = (limit * 2) // 3, limit // 3 - 1
    return re.sub(rf"\S{{{limit + 1},}}", lambda m: f"{m.group()[:head]}\u2026{m.group()[-tail:]}", text)
