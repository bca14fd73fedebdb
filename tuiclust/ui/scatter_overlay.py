"""Draw an :class:`~tuiclust.ui.overlay.Overlay` onto a frame's character grid.

Regions, eps-circles, the cursor, the inspected point, centres placed by hand
and the inspector's box. Every function here costs at most a few passes over
the plot area's cells: nothing depends on the number of points.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from rich.style import Style

from .overlay import PLACE, Overlay
from .palette import CENTRE_CAPS, CENTRE_MARKER, ColourMode, Palette, cluster_marker
from .raster import BRAILLE_BASE, Viewport, braille_dots, cell_index
from .regions import region_borders, region_map
from .shapes import ellipse_outline

if TYPE_CHECKING:  # pragma: no cover
    from .scatter_frame import _Canvas

__all__ = ["draw_circles", "draw_hands", "draw_regions"]

Area = tuple[int, int, int, int]
_BORDER = Style(dim=True)
_CIRCLE = Style(bold=True)
_BRAILLE = np.array([chr(BRAILLE_BASE + i) for i in range(256)])


def draw_regions(canvas: _Canvas, centres: np.ndarray, viewport: Viewport, palette: Palette, area: Area) -> None:
    """Shade every cell in its nearest centre's colour, behind what is drawn there.

    With NO_COLOR there is no shade: the borders between regions are drawn in
    the empty cells instead. With 16 colours marks on a shade turn black, as
    a mark of the shade's own colour would vanish on it.
    """
    left, top, w, h = area
    regions = region_map(np.asarray(centres, dtype=np.float64), viewport, w, h)
    if (regions < 0).all():
        return
    window = (slice(top, top + h), slice(left, left + w))
    if palette.mode is ColourMode.NONE:
        glyphs = region_borders(regions)
        mask = (canvas.chars[window] == " ") & (glyphs != "")
        canvas.chars[window][mask] = glyphs[mask]
        canvas.style_ids[window][mask] = canvas.style_id(_BORDER)
        return
    k = int(centres.shape[0])
    ids = canvas.style_ids[window].astype(np.int64)
    marked = canvas.chars[window] != " "
    key = (ids * (k + 1) + (regions + 1)) * 2 + marked
    unique, inverse = np.unique(key, return_inverse=True)
    new_ids = np.empty(unique.shape[0], dtype=np.int32)
    black = Style(color="black") if palette.mode is ColourMode.STANDARD else None
    for j, value in enumerate(unique.tolist()):
        value, has_mark = divmod(value, 2)
        sid, region = divmod(value, k + 1)
        shade = palette.region(region - 1) if region > 0 else None
        if shade is None:
            new_ids[j] = sid
            continue
        style = canvas.styles[sid] + shade
        if black is not None and has_mark:
            style = style + black
        new_ids[j] = canvas.style_id(style)
    canvas.style_ids[window] = new_ids[inverse.reshape(h, w)]


def _braille_over(canvas: _Canvas, polyline: np.ndarray, viewport: Viewport, style: Style, area: Area) -> None:
    left, top, w, h = area
    cells, bits = braille_dots(polyline, viewport, w, h)
    if cells.size == 0:
        return
    rows = top + h - 1 - cells // w
    cols = left + cells % w
    canvas.chars[rows, cols] = _BRAILLE[bits]
    canvas.style_ids[rows, cols] = canvas.style_id(style)


def draw_circles(canvas: _Canvas, overlay: Overlay, viewport: Viewport, palette: Palette, area: Area) -> None:
    """DBSCAN eps-circles, over the points: the neighbourhood that decides a point's kind."""
    for x, y, radius in overlay.circles:
        if not (np.isfinite([x, y, radius]).all() and radius > 0):
            continue
        outline = ellipse_outline(np.array([x, y]), np.eye(2) * radius**2, 1.0, n_vertices=96)
        _braille_over(canvas, outline, viewport, _CIRCLE, area)


def _cell(xy: tuple[float, float], viewport: Viewport, area: Area) -> tuple[int, int] | None:
    """Screen (row, col) of a plot position, None outside the plot area."""
    left, top, w, h = area
    cell = int(cell_index(np.array([xy], dtype=np.float64), viewport, w, h)[0])
    if cell < 0:
        return None
    return top + h - 1 - cell // w, left + cell % w


def draw_hands(canvas: _Canvas, overlay: Overlay, viewport: Viewport, palette: Palette, area: Area) -> None:
    """Centres placed so far, the inspected point, the cursor, then the inspector's box."""
    left, _top, w, _h = area
    for c, xy in enumerate(overlay.placed):
        at = _cell(xy, viewport, area)
        if at is None:
            continue
        row, col = at
        if col - 1 >= left:
            canvas.write(row, col - 1, CENTRE_CAPS[0], palette.centre_cap(c))
        if col + 1 < left + w:
            canvas.write(row, col + 1, CENTRE_CAPS[1], palette.centre_cap(c))
        marker = cluster_marker(c) if palette.mode is ColourMode.NONE else CENTRE_MARKER
        canvas.write(row, col, marker, palette.centre(c))
    if overlay.selected is not None:
        at = _cell(overlay.selected, viewport, area)
        if at is not None:
            row, col = at
            base = canvas.styles[canvas.style_ids[row, col]]
            canvas.style_ids[row, col] = canvas.style_id(base + Style(reverse=True, bold=True, underline=True))
    if overlay.cursor is not None:
        at = _cell(overlay.cursor, viewport, area)
        if at is not None:
            row, col = at
            if canvas.chars[row, col] == " ":
                canvas.chars[row, col] = "+" if overlay.cursor_kind == PLACE else "┼"
            base = canvas.styles[canvas.style_ids[row, col]]
            canvas.style_ids[row, col] = canvas.style_id(base + palette.cursor)
            # Pointers either side, in empty cells only, so the cursor is found at a glance.
            for dc, glyph in ((-1, "›"), (1, "‹")):
                c2 = col + dc
                if left <= c2 < left + w and canvas.chars[row, c2] == " ":
                    canvas.write(row, c2, glyph, palette.emphasis)
    if overlay.box:
        _draw_box(canvas, overlay, viewport, palette, area)


def _draw_box(canvas: _Canvas, overlay: Overlay, viewport: Viewport, palette: Palette, area: Area) -> None:
    """The inspector's lines in a framed box, in a corner away from the cursor and the points."""
    left, top, w, h = area
    if w < 12 or h < 3:
        return
    lines = list(overlay.box[: h - 2])
    inner = min(max(len(line) for line in lines), w - 4)
    lines = [line[:inner].ljust(inner) for line in lines]
    box_w = inner + 4
    box_h = len(lines) + 2
    # The corner that hides neither the cursor nor the selected point, and the fewest marks.
    keep = [
        at for at in (_cell(xy, viewport, area) for xy in (overlay.cursor, overlay.selected) if xy is not None) if at
    ]
    corners = [
        (top, left + w - box_w),
        (top, left),
        (top + h - box_h, left + w - box_w),
        (top + h - box_h, left),
    ]

    def clear(corner: tuple[int, int]) -> bool:
        r, c = corner
        return not any(r <= ar < r + box_h and c <= ac < c + box_w for ar, ac in keep)

    def hidden(corner: tuple[int, int]) -> int:
        r, c = corner
        return int(np.count_nonzero(canvas.chars[r : r + box_h, c : c + box_w] != " "))

    free = [corner for corner in corners if clear(corner)] or corners
    row0, col = min(free, key=hidden)
    style = palette.chrome
    canvas.write(row0, col, "╭" + "─" * (box_w - 2) + "╮", style)
    for i, line in enumerate(lines):
        canvas.write(row0 + 1 + i, col, "│ " + line + " │", style)
    canvas.write(row0 + 1 + len(lines), col, "╰" + "─" * (box_w - 2) + "╯", style)
