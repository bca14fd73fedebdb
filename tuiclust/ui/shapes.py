"""Shapes drawn over the points: Gaussian ellipses and centre trails, as polylines.

Everything here is pure numpy and works in data coordinates; the pane maps
the polylines onto the character grid (see :mod:`tuiclust.ui.raster`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["ellipse_axes", "ellipse_outline", "full_covariances", "trail_segments"]

_COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")


def full_covariances(covariances: np.ndarray, covariance_type: str, n_components: int, n_features: int) -> np.ndarray:
    """Expand covariances stored in scikit-learn's ``covariance_type`` shape to full matrices.

    Parameters
    ----------
    covariances : ndarray
        full (k, d, d), tied (d, d), diag (k, d) or spherical (k,).
    covariance_type : {"full", "tied", "diag", "spherical"}
    n_components : int
        k; "tied" shares its one matrix between all components.
    n_features : int
        d; "spherical" stores only one variance per component.

    Returns
    -------
    ndarray of shape (n_components, n_features, n_features), float64
    """
    covariances = np.asarray(covariances, dtype=np.float64)
    if covariance_type == "full":
        out = covariances
    elif covariance_type == "tied":
        out = np.broadcast_to(covariances, (n_components, *covariances.shape[-2:])).copy()
    elif covariance_type == "diag":
        k, d = covariances.shape
        out = np.zeros((k, d, d))
        idx = np.arange(d)
        out[:, idx, idx] = covariances
    elif covariance_type == "spherical":
        out = covariances.reshape(-1)[:, None, None] * np.eye(n_features)[None, :, :]
    else:
        raise ValueError(f"covariance_type {covariance_type!r}: expected one of {', '.join(_COVARIANCE_TYPES)}")
    expected = (n_components, n_features, n_features)
    if out.shape != expected:
        raise ValueError(f"{covariance_type} covariances of shape {covariances.shape} do not give {expected}")
    return out


def ellipse_axes(covariance: np.ndarray) -> tuple[np.ndarray, float]:
    """Principal radii (1 sigma) and orientation of a 2-D Gaussian.

    Parameters
    ----------
    covariance : ndarray of shape (2, 2)
        Symmetric; tiny negative eigenvalues from rounding are treated as 0.

    Returns
    -------
    radii : ndarray of shape (2,)
        Standard deviations along the major then the minor axis.
    angle : float
        Angle of the major axis from the x axis, in radians, in (-pi/2, pi/2].
    """
    cov = np.asarray(covariance, dtype=np.float64)
    cov = (cov + cov.T) / 2
    eigenvalues, eigenvectors = np.linalg.eigh(cov)  # ascending
    radii = np.sqrt(np.clip(eigenvalues[::-1], 0.0, None))
    major = eigenvectors[:, 1]
    angle = float(np.arctan2(major[1], major[0]))
    # An axis has no direction: fold the angle into (-pi/2, pi/2].
    if angle <= -np.pi / 2:
        angle += np.pi
    elif angle > np.pi / 2:
        angle -= np.pi
    return radii, angle


def ellipse_outline(mean: np.ndarray, covariance: np.ndarray, n_sigma: float = 1.0, n_vertices: int = 72) -> np.ndarray:
    """Closed outline of the ``n_sigma`` contour of a 2-D Gaussian.

    Parameters
    ----------
    mean : ndarray of shape (2,)
    covariance : ndarray of shape (2, 2)
    n_sigma : float
        1 for the 1-sigma ellipse, 2 for the 2-sigma one.
    n_vertices : int
        Vertices before closing; the pane densifies segments itself.

    Returns
    -------
    ndarray of shape (n_vertices + 1, 2)
        The first vertex repeated at the end, so the outline is closed.
    """
    radii, angle = ellipse_axes(covariance)
    theta = np.linspace(0.0, 2 * np.pi, n_vertices, endpoint=False)
    local = np.column_stack([radii[0] * np.cos(theta), radii[1] * np.sin(theta)]) * n_sigma
    c, s = np.cos(angle), np.sin(angle)
    rotation = np.array([[c, -s], [s, c]])
    outline = local @ rotation.T + np.asarray(mean, dtype=np.float64)
    return np.vstack([outline, outline[:1]])


def trail_segments(previous: np.ndarray, current: np.ndarray) -> list[np.ndarray]:
    """One straight segment per centre, from where it was to where it is.

    Parameters
    ----------
    previous, current : ndarray of shape (k, 2)

    Returns
    -------
    list of k ndarrays of shape (2, 2)
        ``[previous[i], current[i]]``; centres that did not move give a
        segment of length 0 (drawn as nothing beyond the centre itself).
    """
    previous = np.asarray(previous, dtype=np.float64)
    current = np.asarray(current, dtype=np.float64)
    if previous.shape != current.shape:
        raise ValueError(f"previous and current centres differ in shape: {previous.shape} vs {current.shape}")
    return [np.stack([p, c]) for p, c in zip(previous, current)]
