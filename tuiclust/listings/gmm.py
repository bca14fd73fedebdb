"""A Gaussian mixture fitted by EM in plain numpy: the code pane's listing.

Full covariance matrices only (one free-shaped ellipse per component);
that is enough to read EM, and the core's "tied", "diag" and "spherical"
types differ only in how the M-step averages the covariances. Started from
the parameters of the core's Initialize step it gives the same labels,
means, covariances, weights, lower bound and iteration count as
:class:`tuiclust.core.GaussianMixture` (and scikit-learn), because it keeps
scikit-learn's order and rules:

- each round is an E-step (responsibilities, and the mean log-likelihood
  per point) then an M-step (weights, means, covariances);
- the run converges when the mean log-likelihood changed by less than
  ``tol`` since the previous round (the first change is +inf); the value
  returned is that of the last E-step, before the last M-step;
- the M-step adds 10 machine epsilons to every ``Nk`` and ``reg_covar`` to
  every covariance's diagonal;
- one more E-step gives the labels for the final parameters.

Not shown here: the core repairs a covariance that collapsed onto a point
or a line, where this listing (like scikit-learn) would fail.

Lines are tagged with their phase for :mod:`tuiclust.listings`: a comment
line ``# ── <phase>`` tags the lines below it up to the next blank line, and
a trailing ``# ── <name>`` marks the line where that value is written. The
loader strips both (and the docstrings) from what is shown.
"""

import numpy as np


def log_weighted_densities(
    X: np.ndarray,
    means: np.ndarray,
    covariances: np.ndarray,
    weights: np.ndarray,
) -> np.ndarray:
    """``log(weight_j * N(x_i | mean_j, covariance_j))`` for every point and component.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    means : ndarray of shape (k, n_features)
    covariances : ndarray of shape (k, n_features, n_features)
    weights : ndarray of shape (k,)

    Returns
    -------
    ndarray of shape (n_samples, k)
    """
    # ── e_step
    n, d = X.shape
    result = np.empty((n, len(weights)))
    for j in range(len(weights)):
        diff = X - means[j]
        # (x - mean)' inv(cov) (x - mean): solve, never invert
        solved = np.linalg.solve(covariances[j], diff.T).T
        squared = (diff * solved).sum(axis=1)
        log_det = np.linalg.slogdet(covariances[j])[1]
        log_density = -0.5 * (d * np.log(2 * np.pi) + log_det + squared)
        result[:, j] = np.log(weights[j]) + log_density
    return result


def gaussian_mixture(
    X: np.ndarray,
    means: np.ndarray,
    covariances: np.ndarray,
    weights: np.ndarray,
    tol: float = 1e-3,
    reg_covar: float = 1e-6,
    max_iter: int = 100,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float, int]:
    """Fit a mixture of Gaussians to ``X`` by expectation-maximisation.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    means : array-like of shape (k, n_features)
        Initial means; the initial arrays are not modified.
    covariances : array-like of shape (k, n_features, n_features)
        Initial covariance matrices, symmetric positive definite.
    weights : array-like of shape (k,)
        Initial mixture weights, summing to 1.
    tol : float, default 1e-3
        Convergence threshold on the change of the mean log-likelihood.
    reg_covar : float, default 1e-6
        Added to the diagonal of every covariance.
    max_iter : int, default 100
        Most EM rounds.

    Returns
    -------
    labels : ndarray of shape (n_samples,)
        Most likely component of each point under the final parameters.
    means, covariances, weights : ndarray
        The final parameters, shaped as given.
    log_lik : float
        Mean log-likelihood per point at the last E-step (scikit-learn's
        ``lower_bound_``).
    iteration : int
        Rounds run (``n_iter_``).
    """
    # ── initialize
    means = np.array(means, dtype=float)
    covariances = np.array(covariances, dtype=float)
    weights = np.array(weights, dtype=float)  # ── weights
    d = X.shape[1]
    log_lik = -np.inf

    for iteration in range(1, max_iter + 1):
        # ── e_step
        log_p = log_weighted_densities(X, means, covariances, weights)
        # log-sum-exp per row, largest term taken out: no overflow
        largest = log_p.max(axis=1, keepdims=True)
        shifted = np.exp(log_p - largest)
        log_sum = largest + np.log(shifted.sum(axis=1, keepdims=True))
        responsibilities = np.exp(log_p - log_sum)  # rows sum to 1
        previous = log_lik
        log_lik = log_sum.mean()  # ── log_lik
        change = log_lik - previous  # ── change

        # ── m_step
        # 10 machine epsilons keep every Nk above 0 (scikit-learn)
        Nk = responsibilities.sum(axis=0) + 10 * np.finfo(float).eps  # ── Nk
        weights = Nk / Nk.sum()  # ── weights
        means = responsibilities.T @ X / Nk[:, np.newaxis]
        for j in range(len(Nk)):
            diff = X - means[j]
            spread = (responsibilities[:, j] * diff.T) @ diff
            # reg_covar on the diagonal keeps it invertible
            covariances[j] = spread / Nk[j] + reg_covar * np.eye(d)

        # ── converged
        if abs(change) < tol:  # ── iterations
            break

    # ── converged
    # one more E-step gives the labels for the final parameters
    final = log_weighted_densities(X, means, covariances, weights)
    labels = final.argmax(axis=1)  # ── final
    return labels, means, covariances, weights, log_lik, iteration
