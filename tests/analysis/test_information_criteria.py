"""BIC and AIC for 1..10 Gaussian components."""

from __future__ import annotations

import numpy as np
import pytest

import tuiclust.analysis.information_criteria as ic
from tuiclust.analysis.information_criteria import criteria_curve, criteria_points, finish_criteria
from tuiclust.core.datasets import make_dataset
from tuiclust.core.gmm import GaussianMixture


def test_three_blobs_have_their_lowest_bic_at_three():
    X, _ = make_dataset("blobs")
    curve = criteria_curve(X)
    assert curve.best_bic == 3 == curve.suggested
    assert [p.n_components for p in curve.points] == list(range(1, 11))


@pytest.mark.parametrize("covariance_type", ["full", "diag", "spherical", "tied"])
def test_values_are_the_mixtures_own(covariance_type):
    X, _ = make_dataset("aniso", n_samples=200)
    for point in criteria_points(X, [1, 2, 4], covariance_type=covariance_type, seed=3):
        gmm = GaussianMixture(point.n_components, covariance_type=covariance_type, random_state=3).fit(X)
        assert point.bic == gmm.bic(X) and point.aic == gmm.aic(X)
        assert point.converged == gmm.converged_


def test_a_failed_fit_is_reported_and_the_others_go_on(monkeypatch):
    real = ic.GaussianMixture

    class Flaky(real):
        def fit(self, X):
            if self.n_components == 2:
                raise ValueError("component 1 collapsed onto a single point\nmore text")
            return super().fit(X)

    monkeypatch.setattr(ic, "GaussianMixture", Flaky)
    X, _ = make_dataset("blobs", n_samples=90)
    points = list(criteria_points(X, [1, 2, 3]))
    assert points[1].bic is None and points[1].error == "component 1 collapsed onto a single point"
    assert points[0].bic is not None and points[2].bic is not None
    curve = finish_criteria(points, covariance_type="full", n_used=90, n_total=90)
    assert curve.best_bic in (1, 3)


def test_every_fit_failing_suggests_nothing():
    points = [ic.CriteriaPoint(n, None, None, False, "no") for n in (1, 2)]
    curve = finish_criteria(points, covariance_type="full", n_used=5, n_total=5)
    assert curve.suggested is None and curve.best_aic is None


def test_aic_min_never_below_bic_min_for_many_points():
    # AIC's price per parameter (2) is below BIC's (log n) once n > e^2: it asks for at least as many.
    X, _ = make_dataset("varied")
    curve = criteria_curve(X, n_max=6)
    assert curve.best_aic >= curve.best_bic
    assert np.isfinite([p.bic for p in curve.points]).all()
