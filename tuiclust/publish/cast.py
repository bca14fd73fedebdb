"""Reading an asciicast v2 file: its header, its length and its markers.

Only what publishing needs; the player and agg do the terminal emulation.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CastInfo", "Marker", "read_cast_info"]

# Escape sequences (CSI, OSC, two-byte ESC x): what is left after removing
# them is text that shows on screen.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")


@dataclass(frozen=True)
class Marker:
    """A chapter point: ``time`` seconds from the start, and its label."""

    time: float
    label: str


@dataclass(frozen=True)
class CastInfo:
    """What a cast file says about itself.

    Attributes
    ----------
    width, height : int
        Terminal columns and rows.
    title : str
        The header's title ("" when absent).
    duration : float
        Time of the last event, in seconds.
    longest_gap : float
        The longest time between two events, in seconds.
    last_drawn : float
        Time of the last output event that puts text on screen (later ones
        only move or hide the cursor), in seconds.
    markers : tuple of Marker
        The ``"m"`` events, in order.
    """

    width: int
    height: int
    title: str
    duration: float
    longest_gap: float
    last_drawn: float
    markers: tuple[Marker, ...]


def read_cast_info(path: str | Path) -> CastInfo:
    """Read the header and the event times of an asciicast v2 file.

    Raises
    ------
    ValueError
        If the file is not an asciicast v2 file (the message names the line).
    """
    path = Path(path)
    with path.open(encoding="utf-8") as stream:
        try:
            header = json.loads(stream.readline())
        except json.JSONDecodeError:
            raise ValueError(f"{path}: line 1 is not an asciicast header") from None
        if not isinstance(header, dict) or header.get("version") != 2:
            raise ValueError(f"{path}: not an asciicast v2 file (version {header.get('version')!r})")
        markers: list[Marker] = []
        last = longest = drawn = 0.0
        for number, line in enumerate(stream, start=2):
            if not line.strip():
                continue
            try:
                time, kind, data = json.loads(line)
                time = float(time)
            except (ValueError, TypeError):
                raise ValueError(f"{path}: line {number} is not an event [time, code, data]") from None
            longest = max(longest, time - last)
            last = time
            if kind == "m":
                markers.append(Marker(time, str(data)))
            elif kind == "o" and _ESCAPES.sub("", str(data)).strip("\r\n"):
                drawn = time
    return CastInfo(
        width=int(header["width"]),
        height=int(header["height"]),
        title=str(header.get("title") or ""),
        duration=last,
        longest_gap=longest,
        last_drawn=drawn,
        markers=tuple(markers),
    )
