"""Gaussian mixtures in words: the phase log's line for every EM step, from the numbers of the run.

:class:`GMMStory` and the collapse note hold no arithmetic of EM; :mod:`.em`
computes and hands them log-likelihoods, weights, ranks and repairs.
Numbers are formatted by :mod:`tuiclust.core.numbers`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..numbers import format_change, format_number, format_numbers, plural
from .kernels import _Repair

__all__ = ["INIT_SOURCES", "GMMStory"]

#: How each ``init_params`` reads after "initialised from".
INIT_SOURCES = {
    "kmeans": "k-means",
    "k-means++": "k-means++ seeds",
    "random": "random responsibilities",
    "random_from_data": "random data points",
}


@dataclass(frozen=True)
class GMMStory:
    """The messages of one EM run.

    Parameters
    ----------
    n_components : int
    max_iter : int
    tol : float
    """

    n_components: int
    max_iter: int
    tol: float

    def initialize(self, init_params: str | None, given: list[str], note: str | None) -> str:
        """Message of the Initialize step.

        Parameters
        ----------
        init_params : str or None
            The initialisation used; None when weights, means and precisions were all given.
        given : list of str
            Which of "weights", "means", "precisions" were given.
        note : str or None
            The collapse note of the initial parameters.
        """
        k = self.n_components
        if init_params is None:
            source = "the given weights, means and precisions"
        else:
            source = INIT_SOURCES[init_params]
            if given:
                source += f" ({' and '.join(given)} given)"
        return with_note(f"{k} Gaussian{plural(k)} initialised from {source}", note)

    def e_step(self, iteration: int, log_likelihood: float, change: float) -> str:
        """Message of an E-step: the mean log-likelihood and, after the first, its change (``±0`` within rounding)."""
        message = f"log-likelihood {format_number(log_likelihood, '.3f')}"
        return message + (f" ({format_change(change, log_likelihood)})" if iteration > 1 else "")

    def m_step(self, weights: np.ndarray, note: str | None) -> str:
        """Message of an M-step: the new weights (at most 8) and the collapse note."""
        return with_note(f"weights {format_numbers(weights, '.2f')}", note)

    def final(
        self, *, n_iter: int, converged: bool, change: float, log_likelihood: float, repaired_steps: int
    ) -> tuple[str, str | None]:
        """Message and note of the Converged (or Stopped) step.

        Parameters
        ----------
        n_iter : int
        converged : bool
        change : float
            The last change of the log-likelihood (between the last two
            E-steps), the one convergence is judged on; the step carries the
            same number, so the panel and the log agree.
        log_likelihood : float
            The log-likelihood that changed (for ``±0`` within rounding).
        repaired_steps : int
            Initialisation and M-steps that repaired a covariance.
        """
        text = format_change(change, log_likelihood)
        if converged:
            message = (
                f"Converged after {n_iter} iteration{plural(n_iter)}: the log-likelihood "
                f"changed by {text}, less than tol {self.tol:g}"
            )
        else:
            message = (
                f"Stopped at max_iter={self.max_iter} without converging: the last change, "
                f"{text}, is not less than tol {self.tol:g}"
            )
        note = None
        if repaired_steps:
            note = (
                f"collapsed components were repaired {repaired_steps} time"
                f"{plural(repaired_steps)}; try fewer components or a larger reg_covar"
            )
            message = with_note(message, note)
        return message, note

    def breakdown(self) -> tuple[str, str]:
        """Message and note of a run stopped because the log-likelihood is no longer finite."""
        note = (
            "the log-likelihood is no longer a finite number (the parameters overflowed); "
            "scale the data or increase reg_covar"
        )
        return f"stopped: {note}", note


def with_note(message: str, note: str | None) -> str:
    """``message; note``, or ``message`` alone."""
    return message if note is None else f"{message}; {note}"


# ---------------------------------------------------------------------------
# Collapsed components, in words
# ---------------------------------------------------------------------------


def _shape_words(rank: int) -> str:
    return {1: "a line", 2: "a plane"}.get(rank, f"a {rank}-dimensional subspace")


def _component_kind(rank: int | None, count: float) -> tuple[str, str]:
    """What a collapsed component looks like: words for one component and for several.

    ``rank`` is the rank of its empirical covariance, None when it is not
    flat by our measure although its Cholesky factorisation failed.
    """
    if count < 0.5:
        return "is empty", "are empty"
    if rank is None:
        return "has a covariance too close to singular", "have covariances too close to singular"
    if rank == 0 and count < 1.5:
        return "collapsed onto a single point", "collapsed onto single points"
    if rank == 0:
        return f"collapsed onto {count:.0f} identical points", "collapsed onto identical points"
    where = _shape_words(rank)
    return f"is flat: its points lie on {where}", f"are flat: their points lie on {where}"


def _components_text(components: list[int]) -> str:
    names = ", ".join(str(c) for c in components[:3])
    if len(components) > 3:
        names += f" and {len(components) - 3} more"
    return f"component{'s' if len(components) > 1 else ''} {names}"


def _collapse_note(
    flat: dict[int | None, int],
    fresh: set[int | None],
    repairs: list[_Repair],
    counts: np.ndarray,
    reg_covar: float,
) -> str | None:
    """One line about collapsed components: what happened and what was done.

    Parameters
    ----------
    flat : dict
        Component (None: the shared tied covariance) -> rank of its
        empirical covariance, for every flat component.
    fresh : set
        The flat components to describe (those not told before).
    repairs : list of _Repair
        Singular covariances that were repaired (always described).
    counts : ndarray of shape (k,)
        Sum of responsibilities of every component.
    reg_covar : float
    """
    repaired = {repair.component: repair.amount for repair in repairs}
    described = set(fresh) | set(repaired)
    if not described:
        return None
    if None in described:  # tied: one shared covariance
        rank = flat.get(None)
        if rank == 0:
            text = "every point sits on its component's mean, so the shared covariance is zero"
        elif rank is None:
            text = "the shared covariance is too close to singular"
        else:
            text = f"around their means the points lie on {_shape_words(rank)}, so the shared covariance is flat"
    else:
        groups: dict[str, list[tuple[int, str]]] = {}
        for component in sorted(c for c in described if c is not None):
            one, many = _component_kind(flat.get(component), float(counts[component]))
            groups.setdefault(many, []).append((component, one))
        parts = []
        for many, members in groups.items():
            what = members[0][1] if len(members) == 1 else many
            parts.append(f"{_components_text([c for c, _ in members])} {what}")
        text = "; ".join(parts)
    if repaired:
        amount = max(repaired.values())
        if None in repaired:
            text += f"; it was singular, so {amount:.2g} was added to its diagonal"
        else:
            which = sorted(c for c in repaired if c is not None)
            many = len(which) > 1
            text += (
                f"; the covariance{'s' if many else ''} of {_components_text(which)} "
                f"{'were' if many else 'was'} singular, so {amount:.2g} was added to the diagonal"
            )
    elif reg_covar > 0:
        text += f"; only reg_covar={reg_covar:g} keeps the covariance invertible"
    else:
        text += "; the covariance is nearly singular"
    return text
