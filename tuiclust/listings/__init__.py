"""The lesson's view of the algorithms: short plain-numpy listings, and what the code pane marks.

Three modules hold readable implementations that really run and give the
core's results from the same start (the tests check it):

- :mod:`tuiclust.listings.kmeans` -- ``kmeans(X, centres, max_iter, tol)``
- :mod:`tuiclust.listings.dbscan` -- ``dbscan(X, eps, min_samples)``
- :mod:`tuiclust.listings.gmm` -- ``gaussian_mixture(X, means, covariances, weights, ...)``

Their lines are tagged with the phases of :class:`tuiclust.core.steps.Phase`.
:func:`listing_for` turns a module's source into a :class:`Listing` (the
lines to show and the lines of each phase); :func:`phase_lines` and
:func:`annotations` say which lines to mark for a :class:`~tuiclust.core.steps.Step`
and which values to write beside them.
"""

from __future__ import annotations

from .listing import (
    ALGORITHMS,
    LISTING_PHASES,
    MAX_ANNOTATION,
    Listing,
    annotations,
    line_names,
    listing_for,
    parse_listing,
    phase_lines,
    pointed_lines,
)

__all__ = [
    "ALGORITHMS",
    "LISTING_PHASES",
    "MAX_ANNOTATION",
    "Listing",
    "annotations",
    "line_names",
    "listing_for",
    "parse_listing",
    "phase_lines",
    "pointed_lines",
]
