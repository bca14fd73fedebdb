"""One self-contained web page that plays a recorded lesson, with no network.

The page embeds the cast and asciinema-player's JS and CSS (a pinned copy
vendored in ``player/``), shows the scene's title and description above the
player, and lists the cast's markers as chapters that seek the player.

Everything that comes from a scene file is treated as untrusted text: the
title, the description and marker labels are stripped of control characters
and HTML-escaped, and the cast goes into a JSON ``<script>`` block with every
``<`` escaped, so no text can close the block or start markup.
"""

from __future__ import annotations

import html
import json
import re
import string
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..io.destination import Destination, Output, destination, write_bytes
from .cast import CastInfo, read_cast_info

__all__ = ["PLAYER_VERSION", "PageText", "build_page", "clean_text", "render_html"]

PLAYER_VERSION = "3.18.0"
_PLAYER_DIR = Path(__file__).with_name("player")
_TEMPLATE = Path(__file__).with_name("page.html")

# The tuiclust theme's 8 ANSI colours, bright ones the same: as gif.EXPLORER_THEME.
_ANSI = ("2e2e2e", "ba3c5b", "4ebf71", "ffa62b", "0178d4", "cc79a7", "56b4e9", "e0e0e0")

# C0 and C1 controls and DEL; tab and newline become spaces instead.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class PageText:
    """What the page says above the player: the scene's title and description."""

    title: str
    description: str = ""


def clean_text(text: str) -> str:
    """``text`` on one line without control characters (not yet HTML-escaped)."""
    text = _CONTROL.sub("", text)
    return " ".join(text.split())


def _escape(text: str) -> str:
    return html.escape(clean_text(text), quote=True)


def _script_json(value: object) -> str:
    """JSON that is safe inside ``<script>``: no ``</script>``, no ``<!--``, no line separators."""
    text = json.dumps(value, ensure_ascii=False)
    # \u003c is "<" to the JSON parser and nothing to the HTML tokenizer.
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def _chapters(info: CastInfo) -> str:
    items = [
        f'<li><button type="button" data-marker="{index}" data-time="{marker.time:.3f}">'
        f'<span class="time">{_clock(marker.time)}</span>{_escape(marker.label) or "(untitled)"}</button></li>'
        for index, marker in enumerate(info.markers)
    ]
    return "\n".join(items) if items else "<li>(this recording has no chapters)</li>"


def build_page(cast_text: str, info: CastInfo, text: PageText, *, pause_on_markers: bool = False) -> str:
    """The HTML page for one cast.

    Parameters
    ----------
    cast_text : str
        The whole asciicast v2 file.
    info : CastInfo
        Its header and markers (:func:`~tuiclust.publish.cast.read_cast_info`).
    text : PageText
        Title and description shown above the player.
    pause_on_markers : bool
        Pause the player at each marker (chapter).

    Returns
    -------
    str
        A complete HTML document.
    """
    js = (_PLAYER_DIR / "asciinema-player.min.js").read_text(encoding="utf-8")
    css = (_PLAYER_DIR / "asciinema-player.css").read_text(encoding="utf-8")
    # The vendored files must not end their own element early; checked, not assumed.
    if re.search(r"</script", js, re.IGNORECASE) or re.search(r"</style", css, re.IGNORECASE):
        raise ValueError("the vendored asciinema-player files contain a closing tag; re-vendor them")
    options = {
        "cols": info.width,
        "rows": info.height,
        "fit": "width",
        "theme": "tuiclust",
        "pauseOnMarkers": bool(pause_on_markers),
        # The scene's pace, as recorded: no idle-time squeezing.
        "idleTimeLimit": None,
        "preload": True,
    }
    if info.markers:
        # Before play, show the first step rather than an empty terminal.
        options["poster"] = f"npt:{info.markers[0].time + 0.05:.3f}"
    title = clean_text(text.title) or clean_text(info.title) or "tuiclust lesson"
    return string.Template(_TEMPLATE.read_text(encoding="utf-8")).substitute(
        version=html.escape(__version__),
        player_version=PLAYER_VERSION,
        title=html.escape(title, quote=True),
        description=_escape(text.description),
        player_css=css,
        ansi_colours="\n  ".join(
            f"--term-color-{index + offset}: #{colour};" for offset in (0, 8) for index, colour in enumerate(_ANSI)
        ),
        chapters=_chapters(info),
        cast_json=_script_json(cast_text),
        options_json=_script_json({key: value for key, value in options.items() if value is not None}),
        player_js=js,
    )


def render_html(
    cast: str | Path, out: Destination | str | Path, text: PageText, *, pause_on_markers: bool = False
) -> Output:
    """Write the self-contained page of the asciicast v2 file ``cast`` to ``out``, atomically.

    Returns
    -------
    Output
        What was written, and where (:mod:`tuiclust.io.destination`).
    """
    cast = Path(cast)
    page = build_page(cast.read_text(encoding="utf-8"), read_cast_info(cast), text, pause_on_markers=pause_on_markers)
    dest = out if isinstance(out, Destination) else destination(out, flag="-o")
    return write_bytes(dest, page.encode("utf-8"))
