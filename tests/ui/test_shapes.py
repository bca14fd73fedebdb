"""Ellipses of Gaussians and centre trails."""

from __future__ import annotations

import numpy as np
import pytest

from tuiclust.ui.shapes import ellipse_axes, ellipse_outline, full_covariances, trail_segments


@pytest.mark.parametrize("n_sigma", [1.0, 2.0])
def test_diagonal_covariance_gives_its_standard_deviations_as_radii(n_sigma):
    mean = np.array([3.0, -1.0])
    outline = ellipse_outline(mean, np.diag([4.0, 1.0]), n_sigma, n_vertices=360)
    offsets = outline - mean
    # sd 2 along x, 1 along y, times n_sigma
    assert np.abs(offsets[:, 0]).max() == pytest.approx(2.0 * n_sigma, rel=1e-3)
    assert np.abs(offsets[:, 1]).max() == pytest.approx(1.0 * n_sigma, rel=1e-3)
    np.testing.assert_allclose(outline[0], outline[-1])  # closed


def test_rotated_covariance_points_the_major_axis_along_the_correlation():
    # Variances 2 and 2 with covariance 1.5: eigenvalues 3.5 along (1, 1), 0.5 along (1, -1).
    cov = np.array([[2.0, 1.5], [1.5, 2.0]])
    radii, angle = ellipse_axes(cov)
    np.testing.assert_allclose(radii, np.sqrt([3.5, 0.5]))
    assert angle == pytest.approx(np.pi / 4)
    outline = ellipse_outline(np.zeros(2), cov, 2.0, n_vertices=720)
    farthest = outline[np.argmax(np.linalg.norm(outline, axis=1))]
    assert abs(farthest[0]) == pytest.approx(abs(farthest[1]), abs=0.05)  # on the diagonal
    assert np.linalg.norm(farthest) == pytest.approx(2.0 * np.sqrt(3.5), rel=1e-3)


def test_negative_correlation_tilts_the_other_way():
    _, angle = ellipse_axes(np.array([[2.0, -1.5], [-1.5, 2.0]]))
    assert angle == pytest.approx(-np.pi / 4)


@pytest.mark.parametrize("n_sigma", [1.0, 2.0])
def test_outline_is_the_mahalanobis_contour(n_sigma):
    cov = np.array([[3.0, -0.8], [-0.8, 0.7]])
    mean = np.array([-2.0, 5.0])
    diff = ellipse_outline(mean, cov, n_sigma) - mean
    distances = np.sqrt(np.einsum("ni,ij,nj->n", diff, np.linalg.inv(cov), diff))
    np.testing.assert_allclose(distances, n_sigma, rtol=1e-9)


def test_a_degenerate_covariance_gives_a_flat_ellipse():
    radii, angle = ellipse_axes(np.array([[1.0, 0.0], [0.0, 0.0]]))
    np.testing.assert_allclose(radii, [1.0, 0.0])
    assert angle == pytest.approx(0.0)


def test_full_covariances_of_every_type():
    full = np.array([[[2.0, 0.5, 0.0], [0.5, 1.0, 0.0], [0.0, 0.0, 3.0]]] * 2)
    np.testing.assert_array_equal(full_covariances(full, "full", 2, 3), full)
    tied = full_covariances(full[0], "tied", 2, 3)
    assert tied.shape == (2, 3, 3)
    np.testing.assert_array_equal(tied[1], full[0])
    diag = full_covariances(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), "diag", 2, 3)
    np.testing.assert_array_equal(diag[1], np.diag([4.0, 5.0, 6.0]))
    spherical = full_covariances(np.array([0.5, 2.0]), "spherical", 2, 3)
    np.testing.assert_array_equal(spherical[1], 2.0 * np.eye(3))


def test_full_covariances_rejects_unknown_types_and_wrong_shapes():
    with pytest.raises(ValueError, match="covariance_type 'round'"):
        full_covariances(np.ones(2), "round", 2, 2)
    with pytest.raises(ValueError, match="do not give"):
        full_covariances(np.ones((3, 2)), "diag", 2, 2)


def test_trail_segments_go_from_old_to_new_centres():
    previous = np.array([[0.0, 0.0], [1.0, 1.0]])
    current = np.array([[1.0, 0.0], [1.0, 1.0]])
    segments = trail_segments(previous, current)
    np.testing.assert_array_equal(segments[0], [[0.0, 0.0], [1.0, 0.0]])
    np.testing.assert_array_equal(segments[1], [[1.0, 1.0], [1.0, 1.0]])  # did not move
    with pytest.raises(ValueError, match="differ in shape"):
        trail_segments(previous, current[:1])
