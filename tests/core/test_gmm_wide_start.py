"""The lesson's wide GMM start: given parameters, so a run from it is scikit-learn's run from the same start."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture as SkGaussianMixture

from tuiclust.core.datasets import make_dataset
from tuiclust.core.gmm import COVARIANCE_TYPES, GaussianMixture, wide_start

# Uncentred data with three columns (the third not a mix of the other two), so that no
# shortcut of centred 2-D data hides a difference.
_X = (
    make_dataset("aniso", n_samples=240, random_state=2)[0] @ np.array([[1.0, 0.2, -0.5], [0.3, 1.0, 0.4]])
    + np.random.RandomState(0).normal(0.0, 0.3, (240, 3))
    + 7.0
)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_a_run_from_the_wide_start_is_scikit_learns(covariance_type: str) -> None:
    start = wide_start(_X, 3, covariance_type, random_state=4)
    ours = GaussianMixture(3, covariance_type=covariance_type, **start).fit(_X)
    ref = SkGaussianMixture(3, covariance_type=covariance_type, random_state=0, **start).fit(_X)
    assert ours.n_iter_ == ref.n_iter_ and ours.converged_ == ref.converged_
    assert ours.lower_bound_ == pytest.approx(ref.lower_bound_, rel=1e-10)
    np.testing.assert_allclose(ours.weights_, ref.weights_, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(ours.means_, ref.means_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(ours.covariances_, ref.covariances_, rtol=1e-7, atol=1e-10)
    np.testing.assert_array_equal(ours.labels_, ref.predict(_X))


def test_the_wide_start_is_round_wide_equal_and_on_data_points() -> None:
    start = wide_start(_X, 3, "full", random_state=4)
    np.testing.assert_array_equal(start["weights_init"], np.full(3, 1 / 3))
    # The same points random_from_data seeds with the same seed.
    picked = np.random.RandomState(4).choice(_X.shape[0], size=3, replace=False)
    np.testing.assert_array_equal(start["means_init"], _X[picked])
    variance = _X.var(axis=0).mean()
    np.testing.assert_allclose(start["precisions_init"], np.stack([np.eye(3) / variance] * 3))
