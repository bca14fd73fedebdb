"""Feature scaling and the 2-D projection used to draw data with more than two columns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import check_choice

__all__ = ["SCALINGS", "Projection", "fit_projection", "scale"]

SCALINGS: tuple[str, ...] = ("none", "standard", "minmax")


def scale(X: np.ndarray, method: str) -> np.ndarray:
    """Scale the columns of X.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    method : {"none", "standard", "minmax"}
        "standard" gives zero mean and unit variance per column, "minmax"
        maps each column onto [0, 1]. Constant columns are left centred
        rather than divided by zero.

    Returns
    -------
    ndarray of shape (n_samples, n_features), float64 (X itself for "none").
    """
    check_choice("scale", method, SCALINGS)
    if method == "none":
        return X
    if method == "standard":
        spread = X.std(axis=0)
        shift = X.mean(axis=0)
    else:
        lo, hi = X.min(axis=0), X.max(axis=0)
        spread, shift = hi - lo, lo
    spread = np.where(spread > 0, spread, 1.0)  # a constant column stays constant
    return (X - shift) / spread


def range_ratio(X: np.ndarray) -> float:
    """Largest column range divided by the smallest non-zero one (1.0 for one column)."""
    with np.errstate(over="ignore", invalid="ignore"):
        # Column by column: much faster than ptp(axis=0) on tall, narrow data (40 ms -> 1 ms at 1e6 x 2).
        ranges = np.array([np.ptp(X[:, j]) for j in range(X.shape[1])], dtype=np.float64)
        ranges = ranges[np.isfinite(ranges) & (ranges > 0)]
        if ranges.size < 2:
            return 1.0
        ratio = float(ranges.max() / ranges.min())
    # Subnormal ranges can overflow the division; "very large" is all that matters.
    return ratio if np.isfinite(ratio) else float(np.finfo(np.float64).max)


@dataclass(frozen=True)
class Projection:
    """A linear map from n_features to the 2 plotted axes.

    Attributes
    ----------
    mean : ndarray of shape (n_features,)
    components : ndarray of shape (n_features, 2)
    axis_labels : tuple of 2 str
    explained : tuple of 2 float or None
        Share of the variance each axis explains (PCA only).
    """

    mean: np.ndarray
    components: np.ndarray
    axis_labels: tuple[str, str]
    explained: tuple[float, float] | None = None

    def points(self, X: np.ndarray) -> np.ndarray:
        """Project points: (n, d) -> (n, 2)."""
        return (X - self.mean) @ self.components

    def covariances(
        self, covs: np.ndarray, covariance_type: str = "full", n_components: int | None = None
    ) -> np.ndarray:
        """Project covariances to the plotted axes: ``P' C P`` for each component.

        Diagonal and spherical covariances are projected as they are stored,
        never expanded to d x d matrices (10,000 columns would need gigabytes).

        Parameters
        ----------
        covs : ndarray
            In scikit-learn's shape for ``covariance_type``: full (k, d, d),
            tied (d, d), diag (k, d) or spherical (k,).
        covariance_type : {"full", "tied", "diag", "spherical"}
        n_components : int, optional
            k; needed for "tied", whose one matrix all components share.

        Returns
        -------
        ndarray of shape (k, 2, 2)

        Raises
        ------
        ValueError
            ``covs`` does not have the shape of its type for this projection.
        """
        P = self.components
        d = P.shape[0]
        covs = np.asarray(covs, dtype=np.float64)
        expected = {"full": 3, "tied": 2, "diag": 2, "spherical": 1}
        if covariance_type not in expected:
            raise ValueError(f"covariance_type {covariance_type!r}: expected one of {', '.join(expected)}")
        feature_axes = covs.shape[1:] if covariance_type != "tied" else covs.shape
        if covs.ndim != expected[covariance_type] or any(n != d for n in feature_axes):
            raise ValueError(f"{covariance_type} covariances of shape {covs.shape} do not fit {d} feature(s)")
        if covariance_type == "full":
            return np.einsum("di,kde,ej->kij", P, covs, P)
        if covariance_type == "tied":
            k = 1 if n_components is None else int(n_components)
            return np.broadcast_to(P.T @ covs @ P, (k, 2, 2)).copy()
        if covariance_type == "diag":
            return np.einsum("di,kd,dj->kij", P, covs, P)
        return covs[:, None, None] * (P.T @ P)[None]


def fit_projection(
    X: np.ndarray,
    *,
    column_names: list[str] | None = None,
    x: int | None = None,
    y: int | None = None,
) -> Projection:
    """Choose how to draw X in two dimensions.

    Two columns are drawn as they are; with ``x`` and ``y`` given, those two
    columns; otherwise the first two principal components (numpy SVD), with
    the variance each explains.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    column_names : list of str, optional
    x, y : int, optional
        Column indices to plot instead of a PCA.
    """
    n, d = X.shape
    names = column_names or [f"x{i}" for i in range(d)]
    if d == 1:
        comp = np.zeros((1, 2))
        comp[0, 0] = 1.0
        return Projection(np.zeros(1), comp, (names[0], ""))
    if x is not None and y is not None or d == 2:
        i, j = (x, y) if x is not None and y is not None else (0, 1)
        comp = np.zeros((d, 2))
        comp[i, 0] = comp[j, 1] = 1.0
        return Projection(np.zeros(d), comp, (names[i], names[j]))
    mean = X.mean(axis=0)
    # SVD of a sample keeps this cheap for millions of rows; the axes barely change.
    sample = X if n <= 20_000 else X[np.random.default_rng(0).choice(n, 20_000, replace=False)]
    centred = sample - mean
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    var = s**2
    total = var.sum() or 1.0
    explained = (float(var[0] / total), float(var[1] / total) if var.size > 1 else 0.0)
    comp = vt[:2].T
    if comp.shape[1] < 2:
        comp = np.column_stack([comp, np.zeros(d)])
    labels = (f"PC1 ({explained[0]:.0%})", f"PC2 ({explained[1]:.0%})")
    return Projection(mean, comp, labels, explained)
