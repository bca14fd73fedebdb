"""Colours and markers of the scatter pane, and which colours the terminal can show.

Clusters differ by marker as well as by colour, so that the plot still reads
with 16 colours, with NO_COLOR and for colour-blind eyes. Each cluster has a
*solid* marker (data points, DBSCAN core points, confident GMM points) and a
*hollow* twin (DBSCAN border points, uncertain GMM points).

Colours follow Okabe & Ito's colour-blind-safe set, ordered so that the
colour that is weakest on a light background (yellow) comes last. With 16
colours each one maps onto the nearest ANSI colour, and with no colour the
markers alone carry the cluster.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from rich.style import Style

if TYPE_CHECKING:  # pragma: no cover
    from textual.app import App

__all__ = [
    "CENTRE_CAPS",
    "CENTRE_MARKER",
    "HOLLOW_MARKERS",
    "MEAN_MARKER",
    "NOISE_MARKER",
    "SOLID_MARKERS",
    "UNASSIGNED_MARKER",
    "ColourMode",
    "Palette",
    "cluster_marker",
    "detect_colour_mode",
    "palette_for",
]


class ColourMode(Enum):
    """What the terminal can show."""

    TRUECOLOR = "truecolor"
    EIGHT_BIT = "256"
    STANDARD = "16"  # TERM=xterm and the like: the 16 ANSI colours
    NONE = "none"  # NO_COLOR: markers and bold/dim/reverse only


def detect_colour_mode(app: App) -> ColourMode:
    """The colour mode of a running Textual app.

    NO_COLOR wins (Textual records it as ``app.no_color``); otherwise the
    colour system that Rich detected for the terminal from ``TERM``,
    ``COLORTERM`` or ``TEXTUAL_COLOR_SYSTEM``.
    """
    if getattr(app, "no_color", False):
        return ColourMode.NONE
    system = app.console.color_system
    if system is None:
        return ColourMode.NONE
    if system == "truecolor":
        return ColourMode.TRUECOLOR
    if system == "256":
        return ColourMode.EIGHT_BIT
    return ColourMode.STANDARD  # "standard", and "windows" (legacy console): 16 colours


# (solid, hollow) pairs. The shapes are one cell wide and present in common
# monospace fonts; ASCII pairs follow for runs with many clusters.
_MARKER_PAIRS: tuple[tuple[str, str], ...] = (
    ("●", "○"),
    ("▲", "△"),
    ("■", "□"),
    ("◆", "◇"),
    ("▼", "▽"),
    ("#", "="),
    ("@", "o"),
    ("%", "~"),
    ("&", "-"),
    ("$", "s"),
)
SOLID_MARKERS: tuple[str, ...] = tuple(solid for solid, _ in _MARKER_PAIRS)
HOLLOW_MARKERS: tuple[str, ...] = tuple(hollow for _, hollow in _MARKER_PAIRS)

UNASSIGNED_MARKER = "·"  # not yet assigned (K-Means, GMM) or not yet visited (DBSCAN)
NOISE_MARKER = "×"
CENTRE_MARKER = "X"  # K-Means centres, drawn reversed so they are the biggest marks
MEAN_MARKER = "+"  # GMM means, drawn reversed
# Half blocks either side of a reversed centre widen it into a solid pill: ▐X▌
CENTRE_CAPS = ("▐", "▌")

# Okabe & Ito (2008), "Color Universal Design"; yellow last for light themes.
_OKABE_ITO: tuple[tuple[int, int, int], ...] = (
    (230, 159, 0),  # orange
    (86, 180, 233),  # sky blue
    (0, 158, 115),  # bluish green
    (204, 121, 167),  # reddish purple
    (0, 114, 178),  # blue
    (213, 94, 0),  # vermillion
    (240, 228, 66),  # yellow
)
# The nearest of the 16 ANSI colours to each of the above, in the same order.
_ANSI16: tuple[str, ...] = ("yellow", "bright_cyan", "green", "magenta", "blue", "red", "bright_yellow")
# Region backgrounds in 16 colours: the non-bright ANSI colours, so points in
# bright colours and black markers stay readable on them.
_ANSI16_DARK: tuple[str, ...] = ("yellow", "cyan", "green", "magenta", "blue", "red", "yellow")
_NEUTRAL_RGB = (140, 140, 140)  # mid grey: readable on dark and on light backgrounds
_NEUTRAL_ANSI = "bright_black"


def cluster_marker(cluster: int, *, hollow: bool = False) -> str:
    """The marker of a cluster (solid, or its hollow twin); markers cycle after ten clusters."""
    solid, hollow_twin = _MARKER_PAIRS[cluster % len(_MARKER_PAIRS)]
    return hollow_twin if hollow else solid


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _toward_grey(rgb: tuple[int, int, int], amount: float) -> tuple[int, int, int]:
    """Blend a colour toward the neutral grey; ``amount`` 0 keeps it, 1 gives grey."""
    r, g, b = (round(c + (n - c) * amount) for c, n in zip(rgb, _NEUTRAL_RGB))
    return r, g, b


def _toward_black(rgb: tuple[int, int, int], amount: float) -> tuple[int, int, int]:
    """Darken a colour; ``amount`` 0 keeps it, 1 gives black (a tint behind points)."""
    r, g, b = (round(c * (1.0 - amount)) for c in rgb)
    return r, g, b


def _text_on(rgb: tuple[int, int, int]) -> str:
    """Black or white, whichever reads better on ``rgb`` (WCAG relative luminance)."""

    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return "#000000" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.18 else "#ffffff"


class Palette:
    """Rich styles for every role a mark plays, in one colour mode.

    Use :func:`palette_for`: one shared palette per mode, so that the same
    role gives the same ``Style`` object in every frame.
    """

    def __init__(self, mode: ColourMode) -> None:
        self.mode = mode
        self._cache: dict[tuple[str, int], Style] = {}
        none = mode is ColourMode.NONE
        if none:
            self.neutral = Style(dim=True)
            self.noise = Style(bold=True)
        elif mode is ColourMode.STANDARD:
            self.neutral = Style(color=_NEUTRAL_ANSI)
            self.noise = Style(color=_NEUTRAL_ANSI, bold=True)
        else:
            self.neutral = Style(color=_hex(_NEUTRAL_RGB))
            self.noise = Style(color=_hex(_NEUTRAL_RGB), bold=True)
        # Axes and labels use the theme's own foreground, so any theme works.
        self.chrome = Style()
        self.emphasis = Style(bold=True)

    @property
    def n_colours(self) -> int:
        """Distinct cluster colours before they repeat (markers keep clusters apart beyond)."""
        return len(_OKABE_ITO)

    def _colour(self, cluster: int) -> str | None:
        if self.mode is ColourMode.NONE:
            return None
        if self.mode is ColourMode.STANDARD:
            return _ANSI16[cluster % len(_ANSI16)]
        return _hex(_OKABE_ITO[cluster % len(_OKABE_ITO)])

    def point(self, cluster: int) -> Style:
        """A data point of ``cluster`` (solid or hollow marker)."""
        key = ("point", cluster)
        style = self._cache.get(key)
        if style is None:
            style = self._cache[key] = Style(color=self._colour(cluster))
        return style

    def highlighted_point(self, cluster: int) -> Style:
        """A point of the cluster that is being grown (DBSCAN): bold."""
        key = ("highlight", cluster)
        style = self._cache.get(key)
        if style is None:
            style = self._cache[key] = Style(color=self._colour(cluster), bold=True)
        return style

    def faded_point(self, cluster: int) -> Style:
        """A point of a cluster in the background while another one grows (DBSCAN)."""
        key = ("faded", cluster)
        style = self._cache.get(key)
        if style is None:
            if self.mode is ColourMode.NONE:
                style = Style(dim=True)
            elif self.mode is ColourMode.STANDARD:
                # 16 colours have no half-tone; dim keeps the hue where the terminal can.
                style = Style(color=self._colour(cluster), dim=True)
            else:
                style = Style(color=_hex(_toward_grey(_OKABE_ITO[cluster % len(_OKABE_ITO)], 0.5)))
            self._cache[key] = style
        return style

    def centre(self, cluster: int) -> Style:
        """A K-Means centre or GMM mean: reversed, so it is the biggest mark of its colour."""
        key = ("centre", cluster)
        style = self._cache.get(key)
        if style is None:
            if self.mode is ColourMode.NONE:
                style = Style(bold=True, reverse=True)
            elif self.mode is ColourMode.STANDARD:
                style = Style(color="black", bgcolor=self._colour(cluster), bold=True)
            else:
                rgb = _OKABE_ITO[cluster % len(_OKABE_ITO)]
                style = Style(color=_text_on(rgb), bgcolor=_hex(rgb), bold=True)
            self._cache[key] = style
        return style

    def centre_cap(self, cluster: int) -> Style:
        """The half blocks beside a centre: the colour the centre's cell is filled with."""
        key = ("cap", cluster)
        style = self._cache.get(key)
        if style is None:
            style = self._cache[key] = (
                Style(color=self._colour(cluster), bold=True) if self._colour(cluster) else Style()
            )
        return style

    def line(self, cluster: int) -> Style:
        """Trails and ellipse outlines of ``cluster``."""
        return self.point(cluster)

    def outline(self, cluster: int, *, faint: bool = False) -> Style:
        """A GMM ellipse drawn over the points: the 1-sigma one bold, the 2-sigma one faint."""
        key = ("outline-faint" if faint else "outline", cluster)
        style = self._cache.get(key)
        if style is None:
            if not faint:
                style = Style(color=self._colour(cluster), bold=True)
            elif self.mode in (ColourMode.NONE, ColourMode.STANDARD):
                style = Style(color=self._colour(cluster), dim=True)
            else:
                style = Style(color=_hex(_toward_grey(_OKABE_ITO[cluster % len(_OKABE_ITO)], 0.55)))
            self._cache[key] = style
        return style

    def soft_point(self, cluster: int, level: int) -> Style:
        """A GMM point by how sure its top component is: level 2 sure, 1 fairly sure, 0 uncertain.

        With colour the hue fades toward grey as the responsibility falls; with
        16 colours and with NO_COLOR bold, plain and dim carry the same order.
        """
        key = ("soft", cluster * 3 + level)
        style = self._cache.get(key)
        if style is None:
            if self.mode in (ColourMode.NONE, ColourMode.STANDARD):
                style = Style(color=self._colour(cluster), bold=level == 2, dim=level == 0)
            else:
                rgb = _OKABE_ITO[cluster % len(_OKABE_ITO)]
                style = Style(color=_hex(_toward_grey(rgb, (0.0, 0.35, 0.7)[2 - level])), bold=level == 2)
            self._cache[key] = style
        return style

    def region(self, cluster: int) -> Style | None:
        """The background of a K-Means centre's region; None with NO_COLOR (borders are drawn instead)."""
        if self.mode is ColourMode.NONE:
            return None
        key = ("region", cluster)
        style = self._cache.get(key)
        if style is None:
            if self.mode is ColourMode.STANDARD:
                style = Style(bgcolor=_ANSI16_DARK[cluster % len(_ANSI16_DARK)])
            else:
                rgb = _OKABE_ITO[cluster % len(_OKABE_ITO)]
                style = Style(bgcolor=_hex(_toward_black(rgb, 0.72)))
            self._cache[key] = style
        return style

    @property
    def cursor(self) -> Style:
        """The inspector's and the placement cursor: reversed, so it shows on any mark."""
        return Style(reverse=True, bold=True)


_PALETTES: dict[ColourMode, Palette] = {}


def palette_for(mode: ColourMode) -> Palette:
    """The shared palette of a colour mode."""
    palette = _PALETTES.get(mode)
    if palette is None:
        palette = _PALETTES[mode] = Palette(mode)
    return palette
