"""One run of EM as a sequence of steps: the loop that drives the kernels and the story.

:class:`_EMRun` holds the state of one run over validated data. Its
:meth:`~_EMRun.steps` generator yields a :class:`~tuiclust.core.steps.Step`
per phase and *returns* the final :class:`_Result`, from which the estimator
sets its learned attributes.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..steps import Phase, Step, compact_labels, frozen_array
from ..validation import check_random_state
from .init import initial_responsibilities, is_one_hot
from .kernels import (
    _EPS,
    _FLAT_FRACTION,
    _REFINE_BELOW,
    _REPAIR_FRACTION,
    _SINGULAR_FRACTION,
    _covariances_from_precisions,
    _e_pass,
    _eigenvalues,
    _estimate_parameters,
    _Features,
    _flat_components,
    _log_density,
    _Mixture,
    _precision_cholesky,
    _precision_cholesky_from_precisions,
    _refine_covariances,
    _Repair,
    _statistics_from_resp,
    _variances_as_sklearn,
)
from .story import GMMStory, _collapse_note

__all__ = ["_EMRun", "_Result"]

_ALGORITHM = "gmm"


@dataclass
class _Result:
    """What a finished run hands the estimator (its learned attributes come from here)."""

    mixture: _Mixture
    lower_bound: float
    lower_bounds: list[float]
    n_iter: int
    converged: bool
    labels: np.ndarray
    offset: np.ndarray  # the data's mean: the mixture's means are relative to it
    covariance_type: str


class _EMRun:
    """The state of one EM run over validated data; :meth:`steps` drives it."""

    def __init__(self, params: dict[str, Any], X: np.ndarray) -> None:
        self.params = params
        self.X = X
        self.n_samples, self.n_features = X.shape
        self.k = params["n_components"]
        self.covariance_type = params["covariance_type"]
        self.reg_covar = params["reg_covar"]
        self.story = GMMStory(n_components=self.k, max_iter=params["max_iter"], tol=params["tol"])
        self.offset = X.mean(axis=0)
        self.Xc = X - self.offset
        self.features = _Features(self.Xc, self.covariance_type, cache=True)
        self.second_moment_total = self.features.second_moment_total() if self.covariance_type == "tied" else None
        variance = float(np.einsum("ij,ij->", self.Xc, self.Xc)) / (self.n_samples * self.n_features)
        self.scale = variance if variance > 0.0 else 1.0
        self.label_dtype = compact_labels(np.zeros(0, dtype=np.int8), self.k).dtype
        # Responsibilities of the latest E-step, (k, n): reused every iteration,
        # read only when a tiny component's covariance must be recomputed.
        self.resp = np.empty((self.k, self.n_samples))
        self._reported_flat: set[int | None] = set()
        self._sized_labels: np.ndarray | None = None
        self._sized: tuple[int, ...] = ()
        self.repaired_steps = 0  # initialisation and M-steps that had to repair a covariance

    # -- initialisation ---------------------------------------------------
    def _initialise(self) -> tuple[_Mixture, str, str | None]:
        """The initial mixture, the Initialize step's message and its note."""
        params = self.params
        ctype = self.covariance_type
        given = {
            "weights": params["weights_init"],
            "means": params["means_init"],
            "precisions": params["precisions_init"],
        }
        rng = check_random_state(params["random_state"])
        repairs: list[_Repair] = []
        flat: dict[int | None, int] = {}
        counts = np.zeros(self.k)
        if all(value is not None for value in given.values()):
            init_params = None
            weights = means = covariances = precisions_cholesky = None
        else:
            init_params = params["init_params"]
            resp = initial_responsibilities(self.X, self.k, init_params, rng)
            stats = _statistics_from_resp(self.features, resp)
            counts, weights, means, covariances, precisions_cholesky, flat, repairs = self._estimate(
                stats, resp.T, partial_rows=is_one_hot(init_params)
            )
            weights = (counts + 10.0 * _EPS) / self.n_samples  # scikit-learn's start: not normalised
        if given["weights"] is not None:
            weights = np.array(given["weights"])
        if given["means"] is not None:
            means = given["means"] - self.offset
        if given["precisions"] is not None:
            precisions_cholesky = _precision_cholesky_from_precisions(given["precisions"], ctype)
            covariances = _covariances_from_precisions(given["precisions"], ctype)
            flat, repairs = {}, []
        assert weights is not None and means is not None
        assert covariances is not None and precisions_cholesky is not None
        mixture = _Mixture(weights, means, covariances, precisions_cholesky)
        note = self._note(flat, repairs, counts)
        named = [name for name, value in given.items() if value is not None]
        return mixture, self.story.initialize(init_params, named, note), note

    def _estimate(
        self, stats: np.ndarray, resp: np.ndarray, *, partial_rows: bool = False
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[int | None, int], list[_Repair]]:
        """The M-step: parameters from the statistics, with tiny and singular covariances handled.

        Parameters
        ----------
        stats : ndarray of shape (k, n_columns)
        resp : ndarray of shape (k, n_samples)
            The responsibilities behind ``stats``, for recomputing tiny covariances.
        partial_rows : bool
            Some rows of ``resp`` do not sum to 1 (a one-hot start).

        Returns
        -------
        raw_counts, weights, means, covariances, precisions_cholesky, flat, repairs
        """
        ctype = self.covariance_type
        reg_covar = self.reg_covar
        raw_counts, counts, means, covariances = _estimate_parameters(
            stats,
            self.features,
            ctype,
            reg_covar,
            self.second_moment_total,
            self.offset,
            partial_rows=partial_rows,
        )
        eigenvalues = _eigenvalues(covariances, ctype)
        tiny = np.flatnonzero(~(eigenvalues.min(axis=1) >= self.features.radius2 * _REFINE_BELOW))
        if partial_rows and ctype in ("diag", "spherical"):
            # One-point seeds: scikit-learn's own arithmetic on the uncentred
            # data, which is what decides them (refining would not be it).
            covariances = _variances_as_sklearn(self.X, resp, counts, reg_covar, ctype)
            eigenvalues = _eigenvalues(covariances, ctype)
        elif tiny.size and not (partial_rows and ctype == "tied"):
            # (A tied covariance after a one-hot start is scikit-learn's X'X
            # formula over all points, not the weighted sum refining computes.)
            _refine_covariances(covariances, tiny, self.Xc, resp, means, counts, ctype, reg_covar)
            eigenvalues = _eigenvalues(covariances, ctype)
        # Described before any repair, which would hide the flatness.
        flat = _flat_components(eigenvalues, ctype, reg_covar, self.n_features, self.scale * _FLAT_FRACTION)
        precisions_cholesky, repairs = _precision_cholesky(
            covariances,
            ctype,
            eigenvalues,
            singular_below=self.scale * _SINGULAR_FRACTION,
            repair_amount=self.scale * _REPAIR_FRACTION,
        )
        weights = counts / counts.sum()
        return raw_counts, weights, means, covariances, precisions_cholesky, flat, repairs

    def _note(self, flat: dict[int | None, int], repairs: list[_Repair], counts: np.ndarray) -> str | None:
        """The collapse note for this moment; flat components are told once, repairs always."""
        if repairs:
            self.repaired_steps += 1
        fresh = set(flat) - self._reported_flat
        # A component that recovers is told again if it collapses again.
        self._reported_flat = set(flat)
        return _collapse_note(flat, fresh, repairs, counts, self.reg_covar)

    # -- steps ---------------------------------------------------------------
    def _step(self, phase: Phase, iteration: int, labels: np.ndarray, message: str, **fields: Any) -> Step:
        return Step(
            algorithm=_ALGORITHM,
            phase=phase,
            iteration=iteration,
            labels=labels,
            message=message,
            covariance_type=self.covariance_type,
            **fields,
        )

    def _e_step(
        self, mixture: _Mixture, *, statistics: bool
    ) -> tuple[float, np.ndarray, np.ndarray, np.ndarray | None]:
        """Mean log-likelihood, labels, confidence and (if asked) the M-step's statistics."""
        labels = np.empty(self.n_samples, dtype=self.label_dtype)
        confidence = np.empty(self.n_samples, dtype=np.float32)
        density = _log_density(mixture, self.covariance_type, self.features)
        result = _e_pass(
            self.features,
            density,
            statistics=statistics,
            resp_store=self.resp if statistics else None,
            labels_out=labels,
            confidence_out=confidence,
        )
        return result.log_likelihood_sum / self.n_samples, labels, confidence, result.statistics

    def _sizes(self, labels: np.ndarray) -> tuple[int, ...]:
        """Points per component; counted once per labels array (unchanged labels share one)."""
        if labels is not self._sized_labels:
            # E-step labels are never -1.
            self._sized = tuple(int(c) for c in np.bincount(labels, minlength=self.k))
            self._sized_labels = labels
        return self._sized

    def _display(self, mixture: _Mixture, *, normalise: bool = False) -> dict[str, np.ndarray]:
        weights = mixture.weights / mixture.weights.sum() if normalise else mixture.weights.copy()
        return {
            "centers": frozen_array(mixture.means + self.offset),
            "weights": frozen_array(weights),
            "covariances": frozen_array(mixture.covariances.copy()),
        }

    def steps(self) -> Generator[Step, None, _Result]:
        """The run's steps; returns the final state for the estimator's learned attributes."""
        k = self.k
        story = self.story
        max_iter, tol = self.params["max_iter"], self.params["tol"]
        mixture, message, note = self._initialise()
        shown = self._display(mixture, normalise=True)
        yield self._step(
            Phase.INITIALIZE,
            0,
            compact_labels(np.full(self.n_samples, -1), k),
            message,
            cluster_sizes=(0,) * k,
            note=note,
            **shown,
        )

        lower_bound = -math.inf
        lower_bounds: list[float] = []
        labels: np.ndarray | None = None
        converged = False
        change = math.inf
        n_iter = 0
        for n_iter in range(1, max_iter + 1):
            previous = lower_bound
            log_likelihood, new_labels, confidence, stats = self._e_step(mixture, statistics=True)
            labels = _shared_if_equal(new_labels, labels)
            sizes = self._sizes(labels)
            if not math.isfinite(log_likelihood):
                message, note = story.breakdown()
                yield self._step(
                    Phase.STOPPED,
                    n_iter,
                    labels,
                    message,
                    confidence=confidence,
                    cluster_sizes=sizes,
                    note=note,
                    **shown,
                )
                return _Result(
                    mixture, lower_bound, lower_bounds, n_iter, False, labels, self.offset, self.covariance_type
                )
            lower_bound = log_likelihood
            lower_bounds.append(log_likelihood)
            change = lower_bound - previous
            yield self._step(
                Phase.E_STEP,
                n_iter,
                labels,
                story.e_step(n_iter, log_likelihood, change),
                confidence=confidence,
                log_likelihood=log_likelihood,
                log_likelihood_change=change,
                cluster_sizes=sizes,
                **shown,
            )

            assert stats is not None
            raw_counts, weights, means, covariances, precisions_cholesky, flat, repairs = self._estimate(
                stats, self.resp
            )
            mixture = _Mixture(weights, means, covariances, precisions_cholesky)
            note = self._note(flat, repairs, raw_counts)
            previous_centers = shown["centers"]
            shown = self._display(mixture)
            yield self._step(
                Phase.M_STEP,
                n_iter,
                labels,
                story.m_step(weights, note),
                previous_centers=previous_centers,
                confidence=confidence,
                log_likelihood=log_likelihood,
                log_likelihood_change=change,
                cluster_sizes=sizes,
                note=note,
                **shown,
            )
            if abs(change) < tol:
                converged = True
                break

        # One more E-step so that the labels agree with the final parameters.
        final_log_likelihood, new_labels, confidence, _ = self._e_step(mixture, statistics=False)
        labels = _shared_if_equal(new_labels, labels)
        message, note = story.final(
            n_iter=n_iter,
            converged=converged,
            change=change,
            log_likelihood=lower_bound,
            repaired_steps=self.repaired_steps,
        )
        yield self._step(
            Phase.CONVERGED if converged else Phase.STOPPED,
            n_iter,
            labels,
            message,
            confidence=confidence,
            log_likelihood=final_log_likelihood,
            # The change the run stopped on, which the message quotes (not the final E-step's own).
            log_likelihood_change=change,
            cluster_sizes=self._sizes(labels),
            converged=converged,
            note=note,
            **shown,
        )
        return _Result(mixture, lower_bound, lower_bounds, n_iter, converged, labels, self.offset, self.covariance_type)


def _shared_if_equal(labels: np.ndarray, previous: np.ndarray | None) -> np.ndarray:
    """Reuse the previous labels array when nothing changed, else freeze the new one."""
    if previous is not None and np.array_equal(labels, previous):
        return previous
    return frozen_array(labels)
