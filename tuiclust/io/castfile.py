"""Writing asciicast v2 files: a JSON header line, then one JSON event per line.

The format (https://docs.asciinema.org/manual/asciicast/v2/):

    {"version": 2, "width": 100, "height": 30, "title": "..."}
    [0.0, "o", "<bytes written to the terminal>"]
    [0.0, "m", "<marker label>"]

Everything here is deterministic: times come from the caller (never the
clock), there is no timestamp in the header and JSON is written with fixed
separators, so the same frames always give the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TextIO

from tuiclust.safe_text import printable

__all__ = ["CastWriter"]

ESC = "\x1b"
HIDE_CURSOR = f"{ESC}[?25l"
CLEAR_SCREEN = f"{ESC}[0m{ESC}[H{ESC}[2J"
RESET_STYLE = f"{ESC}[0m"


def _dumps(value: object) -> str:
    # ensure_ascii=False keeps box-drawing characters at 3 bytes instead of 6.
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


class CastWriter:
    """Writes frames as asciicast v2 events, redrawing only the rows that changed.

    Parameters
    ----------
    out : text file
        Opened with ``encoding="utf-8"`` and ``newline="\\n"``.
    width, height : int
        Terminal size in columns and rows.
    title : str, optional
    """

    def __init__(self, out: TextIO, width: int, height: int, *, title: str | None = None) -> None:
        self._out = out
        self.width = width
        self.height = height
        self._rows: list[str] | None = None
        self._last_ms = 0
        self.n_frames = 0
        self.n_markers = 0
        header: dict[str, object] = {"version": 2, "width": width, "height": height}
        if title:
            # a player prints the title and marker labels as they are: no escape sequence may ride along
            header["title"] = printable(title)
        header["env"] = {"TERM": "xterm-256color", "SHELL": "/bin/sh"}
        out.write(_dumps(header) + "\n")

    def _event(self, ms: int, kind: str, data: str) -> None:
        if ms < self._last_ms:
            raise ValueError(f"event times must not go back: {ms} ms after {self._last_ms} ms")
        self._last_ms = ms
        self._out.write(_dumps([round(ms / 1000, 3), kind, data]) + "\n")

    def frame(self, ms: int, rows: Sequence[str]) -> None:
        """Show a whole screen at ``ms`` milliseconds.

        Parameters
        ----------
        ms : int
            Time of the frame from the start, in milliseconds.
        rows : sequence of str
            Exactly ``height`` rows, each the ANSI text of one full-width
            row that starts and ends with the default style.
        """
        if len(rows) != self.height:
            raise ValueError(f"a frame needs {self.height} rows, got {len(rows)}")
        if self._rows is None:
            # First frame: a clean screen, then every row.
            parts = [HIDE_CURSOR, CLEAR_SCREEN]
            parts += [f"{ESC}[{y + 1};1H{row}" for y, row in enumerate(rows)]
        else:
            parts = [f"{ESC}[{y + 1};1H{row}" for y, (row, old) in enumerate(zip(rows, self._rows)) if row != old]
        self._rows = list(rows)
        self.n_frames += 1
        if parts:
            self._event(ms, "o", "".join(parts) + RESET_STYLE)

    def marker(self, ms: int, label: str) -> None:
        """A marker (a chapter point in players) at ``ms`` milliseconds."""
        self.n_markers += 1
        self._event(ms, "m", printable(label))

    def close(self, ms: int) -> None:
        """End the cast at ``ms``, so that the last frame stays on screen until then."""
        self._event(ms, "o", HIDE_CURSOR)
