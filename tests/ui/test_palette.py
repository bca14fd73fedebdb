"""Markers and colours of the scatter pane, in every colour mode."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from rich.cells import cell_len
from rich.color import ColorType

from tuiclust.ui.palette import (
    CENTRE_CAPS,
    CENTRE_MARKER,
    HOLLOW_MARKERS,
    MEAN_MARKER,
    NOISE_MARKER,
    SOLID_MARKERS,
    UNASSIGNED_MARKER,
    ColourMode,
    cluster_marker,
    detect_colour_mode,
    palette_for,
)


def test_every_marker_is_distinct_and_one_cell_wide():
    specials = [UNASSIGNED_MARKER, NOISE_MARKER, CENTRE_MARKER, MEAN_MARKER, *CENTRE_CAPS]
    markers = [*SOLID_MARKERS, *HOLLOW_MARKERS, *specials]
    assert len(set(markers)) == len(markers)
    assert all(len(m) == 1 and cell_len(m) == 1 for m in markers)


def test_markers_cycle_after_the_last_pair():
    n = len(SOLID_MARKERS)
    assert cluster_marker(n) == cluster_marker(0)
    assert cluster_marker(n + 1, hollow=True) == cluster_marker(1, hollow=True)
    assert cluster_marker(2) != cluster_marker(2, hollow=True)


def test_clusters_get_distinct_colours_until_the_palette_wraps():
    for mode in (ColourMode.TRUECOLOR, ColourMode.EIGHT_BIT, ColourMode.STANDARD):
        palette = palette_for(mode)
        colours = [palette.point(c).color for c in range(palette.n_colours)]
        assert len(set(colours)) == palette.n_colours
        # Beyond the palette, colour repeats but marker and colour together stay unique for a while.
        pairs = {(palette.point(c).color, cluster_marker(c)) for c in range(35)}
        assert len(pairs) == 35


def test_sixteen_colours_are_ansi_colours():
    palette = palette_for(ColourMode.STANDARD)
    styles = [palette.point(0), palette.faded_point(3), palette.centre(2), palette.neutral, palette.noise]
    for style in styles:
        for colour in (style.color, style.bgcolor):
            assert colour is None or colour.type is ColorType.STANDARD


def test_no_colour_means_no_colour():
    palette = palette_for(ColourMode.NONE)
    styles = [
        palette.point(0),
        palette.faded_point(1),
        palette.highlighted_point(2),
        palette.centre(3),
        palette.centre_cap(3),
        palette.line(4),
        palette.neutral,
        palette.noise,
    ]
    assert all(style.color is None and style.bgcolor is None for style in styles)
    assert palette.centre(0).reverse  # still the biggest mark
    assert palette.highlighted_point(0).bold


def test_centre_text_is_readable_on_its_colour():
    palette = palette_for(ColourMode.TRUECOLOR)
    assert palette.centre(0).color.name == "#000000"  # black on orange
    assert palette.centre(4).color.name == "#ffffff"  # white on blue


def test_same_role_gives_the_same_style_object():
    palette = palette_for(ColourMode.TRUECOLOR)
    assert palette.point(3) is palette.point(3)
    assert palette_for(ColourMode.TRUECOLOR) is palette


def fake_app(system, no_color=False):
    return SimpleNamespace(no_color=no_color, console=SimpleNamespace(color_system=system))


@pytest.mark.parametrize(
    "system, no_color, expected",
    [
        ("truecolor", False, ColourMode.TRUECOLOR),
        ("256", False, ColourMode.EIGHT_BIT),
        ("standard", False, ColourMode.STANDARD),
        ("windows", False, ColourMode.STANDARD),
        (None, False, ColourMode.NONE),
        ("truecolor", True, ColourMode.NONE),
    ],
)
def test_colour_mode_detection(system, no_color, expected):
    assert detect_colour_mode(fake_app(system, no_color)) is expected
