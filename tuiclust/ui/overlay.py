"""What the scatter pane draws over a step besides the algorithm's own state.

An :class:`Overlay` is a small frozen value (no n-sized array), so that it
can be part of a frame's cache key: the same step with the same overlay is
drawn once. Positions are in the plot's units (the axes on screen), so they
survive a resize.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["INSPECT", "NO_OVERLAY", "PLACE", "Overlay"]

INSPECT = "inspect"  # the cursor selects the point nearest it
PLACE = "place"  # the cursor places centres


@dataclass(frozen=True)
class Overlay:
    """Extras drawn over a frame.

    Attributes
    ----------
    regions : bool
        Shade each K-Means centre's region (its cells of the Voronoi diagram).
    cursor : (x, y) or None
        The inspector's or the placement cursor.
    cursor_kind : {"inspect", "place"}
    selected : (x, y) or None
        Where the inspected point is drawn.
    circles : tuple of (x, y, radius)
        DBSCAN eps-circles, radius in the plot's units (an ellipse on screen
        when the axes differ).
    placed : tuple of (x, y)
        Centres placed by hand so far (before the run starts).
    box : tuple of str
        The inspector's lines, drawn in a box in a corner of the plot.
    """

    regions: bool = False
    cursor: tuple[float, float] | None = None
    cursor_kind: str = INSPECT
    selected: tuple[float, float] | None = None
    circles: tuple[tuple[float, float, float], ...] = ()
    placed: tuple[tuple[float, float], ...] = ()
    box: tuple[str, ...] = ()


NO_OVERLAY = Overlay()
