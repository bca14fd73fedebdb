"""K-Means in words: the phase log's line for every step, from the numbers the run computed.

:class:`KMeansStory` holds no arithmetic of the algorithm; :mod:`tuiclust.core.kmeans`
computes and hands it counts, shifts and inertias. Changing how a step reads
never touches the algorithm, and the algorithm never formats a number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .numbers import count, format_number, format_percent_change, plural

__all__ = ["KMeansStory"]


@dataclass(frozen=True)
class KMeansStory:
    """The messages of one K-Means run.

    Parameters
    ----------
    n_clusters : int
    n_samples : int
    max_iter : int
    tol : float
        The absolute tolerance on the centre shift (``tol`` times the mean
        per-feature variance).
    """

    n_clusters: int
    n_samples: int
    max_iter: int
    tol: float

    def initialize(self, how: str, n_distinct: int) -> tuple[str, str | None]:
        """Message and note of the Initialize step.

        Parameters
        ----------
        how : str
            How the centres were picked (``"with k-means++"``).
        n_distinct : int
            Distinct rows among the initial centres.
        """
        k = self.n_clusters
        message = f"Picked {k} initial centre{plural(k)} {how}"
        note = None
        if n_distinct < k:
            note = f"only {n_distinct} of them are distinct, so some centres coincide"
            message += f"; {note}"
        return message, note

    def assign(self, iteration: int, points_moved: int) -> str:
        """Message of an Assign step."""
        if iteration == 1:
            return f"Assigned each of {count(self.n_samples, 'point')} to its nearest centre"
        if points_moved == 0:
            return "No point changed cluster"
        return f"{count(points_moved, 'point')} changed cluster"

    def relocation_note(self, relocated: list[int], not_relocated: list[int]) -> str | None:
        """Note on empty clusters: relocated to far points, or impossible to relocate.

        Parameters
        ----------
        relocated : list of int
            Empty clusters that took the point farthest from its centre.
        not_relocated : list of int
            Empty clusters left empty (every point sits on its centre).
        """
        if not_relocated:
            n = len(not_relocated)
            which = ", ".join(str(c) for c in not_relocated)
            return (
                f"empty cluster{plural(n)} {which} could not be relocated: every point already sits on "
                "its centre (X has fewer distinct points than clusters)"
            )
        if relocated:
            n = len(relocated)
            which = ", ".join(str(c) for c in relocated)
            whose = "its" if n == 1 else "their"
            return f"empty cluster{plural(n)} {which} relocated to the point{plural(n)} farthest from {whose} centre"
        return None

    def update(self, center_shift: float, inertia: float, reference: float, note: str | None) -> str:
        """Message of an Update step.

        Parameters
        ----------
        center_shift : float
            Sum of squared centre movements (the message shows its root).
        inertia : float
            Inertia after the update.
        reference : float
            Inertia of the previous Update (or this iteration's Assign), for the percentage.
        note : str or None
        """
        message = (
            # Both numbers: the panel and the code pane show shift² (what tol is compared with).
            f"centres moved {math.sqrt(center_shift):.3g} in all (shift\u00b2 {format_number(center_shift)}); "
            f"inertia {format_number(inertia, ascii_minus=True)}"
            f"{format_percent_change(inertia, reference)}"
        )
        return message if note is None else f"{message}; {note}"

    def final(
        self,
        *,
        n_iter: int,
        converged: bool,
        strict: bool,
        center_shift: float,
        moved_at_end: int,
        n_empty: int,
        n_distinct: int | None,
    ) -> tuple[str, str | None]:
        """Message and note of the Converged (or Stopped) step.

        Parameters
        ----------
        n_iter : int
        converged : bool
        strict : bool
            No point changed cluster in the last Assign.
        center_shift : float
            The last Update's sum of squared centre movements.
        moved_at_end : int
            Points the final assignment moved.
        n_empty : int
            Clusters with no point at the end.
        n_distinct : int or None
            Distinct rows of X (given when ``n_empty``).
        """
        reassigned = f"; a final assignment moved {count(moved_at_end, 'point')}" if moved_at_end else ""
        if converged:
            if strict:
                why = "no point changed cluster"
            else:
                why = f"centre shift {center_shift:.3g} is within the tolerance {self.tol:.3g}"
            message = f"Converged after {n_iter} iteration{plural(n_iter)}: {why}{reassigned}"
        else:
            message = (
                f"Stopped at max_iter={self.max_iter} without converging "
                f"(centre shift {center_shift:.3g} > tolerance {self.tol:.3g}){reassigned}"
            )
        note = None
        if n_empty:
            k = self.n_clusters
            note = f"{n_empty} of {k} clusters have no points"
            if n_distinct is not None and n_distinct < k:
                note += f": X has only {n_distinct} distinct point{plural(n_distinct)}, so some centres coincide"
            message += f"; {note}"
        return message, note
