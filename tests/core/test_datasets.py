"""The built-in data sets: shapes, determinism, recipes, and the suggested parameters."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import DBSCAN

from tuiclust.core.datasets import (
    DATASETS,
    DEFAULT_N_SAMPLES,
    DEFAULT_NOISE,
    NOISE_MEANING,
    SUGGESTED,
    make_dataset,
)
from tuiclust.core.preprocess import scale

NAMES = list(DATASETS)
HARRIS = [
    "uniform",
    "gaussian_mixture",
    "smiley",
    "pimpled_smiley",
    "density_bars",
    "packed_circles",
    "dbscan_rings",
    "order_dependent_border",
]
REQUIRED = {
    "blobs",
    "moons",
    "circles",
    "varied",
    "aniso",
    "uniform",
    "no_structure",
    "gaussian_mixture",
    "smiley",
    "pimpled_smiley",
    "density_bars",
    "packed_circles",
    "dbscan_rings",
    "order_dependent_border",
}


def test_every_required_name_is_there_with_a_one_line_description() -> None:
    assert REQUIRED <= set(DATASETS)
    for name, text in DATASETS.items():
        assert text and "\n" not in text, name
    assert set(DEFAULT_N_SAMPLES) == set(DEFAULT_NOISE) == set(NOISE_MEANING) == set(DATASETS)


@pytest.mark.parametrize("name", NAMES)
def test_builds_at_default_size_with_finite_points(name: str) -> None:
    X, y = make_dataset(name)
    n = DEFAULT_N_SAMPLES[name]
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert np.isfinite(X).all()
    assert X.flags.c_contiguous


def test_default_sizes_follow_the_recipes() -> None:
    expected = {
        "blobs": 300,
        "moons": 500,
        "circles": 500,
        "varied": 500,
        "aniso": 500,
        "no_structure": 500,
        "uniform": 250,
        "gaussian_mixture": 250,
        "smiley": 500,
        "pimpled_smiley": 500,
        "density_bars": 500,
        "packed_circles": 500,
        "dbscan_rings": 105,
        "order_dependent_border": 9,
    }
    assert DEFAULT_N_SAMPLES == expected


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_points_other_seed_other_points(name: str) -> None:
    X1, y1 = make_dataset(name, random_state=3)
    X2, y2 = make_dataset(name, random_state=3)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = make_dataset(name, random_state=4)
    if name == "order_dependent_border":
        # Nine fixed points: the seed only matters once there is jitter.
        np.testing.assert_array_equal(X1, X3)
        Xa, _ = make_dataset(name, noise=0.1, random_state=3)
        Xb, _ = make_dataset(name, noise=0.1, random_state=4)
        assert not np.array_equal(Xa, Xb)
    else:
        assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n", [1, 2, 3, 7])
def test_tiny_sizes_work(name: str, n: int) -> None:
    X, y = make_dataset(name, n_samples=n, random_state=1)
    assert X.shape == (n, 2) and y.shape == (n,)
    assert np.isfinite(X).all()


@pytest.mark.parametrize("name", [n for n in NAMES if n not in ("dbscan_rings", "order_dependent_border")])
def test_larger_sizes_work(name: str) -> None:
    X, y = make_dataset(name, n_samples=2_001)
    assert X.shape == (2_001, 2) and y.shape == (2_001,)


@pytest.mark.parametrize("name", HARRIS)
def test_harris_sets_stay_in_their_box(name: str) -> None:
    for seed in range(3):
        X, _ = make_dataset(name, random_state=seed)
        assert np.abs(X).max() <= 10.0, name


def test_unknown_name_lists_the_names() -> None:
    with pytest.raises(ValueError, match="name must be one of.*'moons'.*got 'moon'"):
        make_dataset("moon")


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "10"])
def test_bad_n_samples(bad: object) -> None:
    with pytest.raises(ValueError, match="n_samples"):
        make_dataset("moons", n_samples=bad)  # type: ignore[arg-type]


def test_fixed_layouts_refuse_more_points_than_they_have() -> None:
    with pytest.raises(ValueError, match="n_samples must be from 1 to 9 for 'order_dependent_border'"):
        make_dataset("order_dependent_border", n_samples=10)
    with pytest.raises(ValueError, match="from 1 to 105"):
        make_dataset("dbscan_rings", n_samples=106)


def test_sizes_beyond_memory_are_refused_before_any_work() -> None:
    from tuiclust.core.datasets import MAX_SAMPLES

    with pytest.raises(ValueError, match="n_samples must be from 1 to 5,000,000"):
        make_dataset("blobs", n_samples=1_000_000_000)  # 16 GB: refused at once, nothing allocated
    assert MAX_SAMPLES == 5_000_000


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf")])
def test_bad_noise(bad: float) -> None:
    with pytest.raises(ValueError, match="noise"):
        make_dataset("moons", noise=bad)


def test_bad_random_state() -> None:
    with pytest.raises(ValueError, match="random_state"):
        make_dataset("moons", random_state=-1)


def test_noise_zero_puts_moons_and_circles_on_their_curves() -> None:
    X, y = make_dataset("circles", noise=0.0)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0)
    np.testing.assert_allclose(r[y == 1], 0.5)
    X, y = make_dataset("moons", noise=0.0)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert (upper[:, 1] >= -1e-12).all() and (lower[:, 1] <= 0.5 + 1e-12).all()


def test_noise_default_is_the_recipes_and_changes_the_spread() -> None:
    assert DEFAULT_NOISE["moons"] == DEFAULT_NOISE["circles"] == 0.05
    X_default, _ = make_dataset("circles")
    X_explicit, _ = make_dataset("circles", noise=0.05)
    np.testing.assert_array_equal(X_default, X_explicit)
    X_wide, y = make_dataset("circles", noise=0.2)
    spread = np.std(np.hypot(X_wide[y == 0, 0], X_wide[y == 0, 1]))
    assert 0.1 < spread < 0.3


def test_blob_spreads_follow_the_recipe() -> None:
    X, y = make_dataset("varied", n_samples=3_000)
    sds = [X[y == k].std(axis=0).mean() for k in range(3)]
    np.testing.assert_allclose(sds, [1.0, 2.5, 0.5], rtol=0.1)
    X, y = make_dataset("blobs", n_samples=3_000, noise=2.0)
    assert all(abs(X[y == k].std(axis=0).mean() - 2.0) < 0.2 for k in range(3))


def test_aniso_is_blobs_through_the_shear() -> None:
    X, y = make_dataset("aniso", n_samples=3_000)
    shear = np.array([[0.6, -0.6], [-0.4, 0.8]])
    for k in range(3):
        cov = np.cov(X[y == k].T)
        np.testing.assert_allclose(cov, shear.T @ shear, atol=0.1)


def test_uniform_sets_have_one_group() -> None:
    X, y = make_dataset("no_structure")
    assert (y == 0).all() and X.min() >= 0.0 and X.max() <= 1.0
    X, y = make_dataset("uniform")
    assert (y == 0).all() and X.min() >= -10.0 and X.max() <= 10.0


def test_gaussian_mixture_centres() -> None:
    X, y = make_dataset("gaussian_mixture", n_samples=3_000)
    means = np.array([X[y == k].mean(axis=0) for k in range(3)])
    np.testing.assert_allclose(means, [[-6, -6], [6, -6], [0, 6]], atol=0.15)


def test_smiley_parts_follow_the_recipe() -> None:
    X, y = make_dataset("smiley")
    x, v = X[:, 0], X[:, 1]
    r2 = x**2 + v**2
    assert set(np.unique(y)) == {0, 1, 2, 3}
    assert ((r2[y == 0] > 81) & (r2[y == 0] < 100)).all()
    assert ((x[y == 1] + 4) ** 2 + (v[y == 1] - 4) ** 2 < 1).all()
    assert ((x[y == 2] - 4) ** 2 + (v[y == 2] - 4) ** 2 < 1).all()
    s = y == 3
    assert (0.15 * x[s] ** 2 - 6 < v[s]).all() and (v[s] < (0.15 - 6 / 64) * x[s] ** 2 - 4).all()


def test_pimpled_smiley_has_one_outlier_in_ten() -> None:
    X, y = make_dataset("pimpled_smiley")
    assert np.count_nonzero(y == -1) == 50
    assert set(np.unique(y)) == {-1, 0, 1, 2, 3}


def test_density_bars_have_the_recipes_densities() -> None:
    X, y = make_dataset("density_bars", n_samples=8_000)
    share = np.bincount(y, minlength=3) / len(y)
    np.testing.assert_allclose(share, [1 / 8, 6 / 8, 1 / 8], atol=0.02)
    assert (np.abs(X[:, 1]) <= 4.0).all()
    edges = [-10, -10 / 3, 10 / 3, 10]
    for k in range(3):
        assert ((X[y == k, 0] >= edges[k]) & (X[y == k, 0] <= edges[k + 1])).all()


def test_packed_circles_points_lie_in_their_discs() -> None:
    X, y = make_dataset("packed_circles")
    R = 3.15
    centres = np.array([[0, 0], [-2 * R, 0], [2 * R, 0], [-R, np.sqrt(3) * R], [R, np.sqrt(3) * R],
                        [-R, -np.sqrt(3) * R], [R, -np.sqrt(3) * R]])  # fmt: skip
    assert (np.hypot(*(X - centres[y]).T) <= 3.0).all()
    assert set(np.unique(y)) == set(range(7))


def test_dbscan_rings_grid() -> None:
    X, y = make_dataset("dbscan_rings")
    sizes = np.bincount(y)
    assert len(sizes) == 30
    # 5 rows of rings holding 1, 2, ..., 6 points.
    np.testing.assert_array_equal(sizes.reshape(5, 6), np.tile(np.arange(1, 7), (5, 1)))
    # Rings lower down are smaller.
    radii = []
    for ring in range(30):
        pts = X[y == ring]
        if len(pts) >= 3:
            centre = pts.mean(axis=0)  # evenly spaced: the mean is the centre
            radii.append((ring // 6, np.hypot(*(pts - centre).T).mean()))
    by_row = [np.mean([r for row, r in radii if row == i]) for i in range(5)]
    assert all(a > b for a, b in zip(by_row, by_row[1:]))


def test_order_dependent_border_is_the_nine_points() -> None:
    X, y = make_dataset("order_dependent_border")
    expected = [(0, 0), (-1.8, 0), (-2.3, 0), (-2.3, 0.5), (-2.3, -0.5), (1.8, 0), (2.3, 0), (2.3, 0.5), (2.3, -0.5)]
    np.testing.assert_array_equal(X, np.array(expected, dtype=float))
    np.testing.assert_array_equal(y, [-1, 0, 0, 0, 0, 1, 1, 1, 1])


def test_order_dependent_border_origin_goes_to_whoever_reaches_it_first() -> None:
    X, _ = make_dataset("order_dependent_border")
    params = SUGGESTED["order_dependent_border"]
    db = DBSCAN(eps=params["eps"], min_samples=params["min_samples"]).fit(X)
    np.testing.assert_array_equal(db.core_sample_indices_, [1, 5])
    assert db.labels_[0] == db.labels_[1]  # the left cluster is found first
    # Reverse the order: now the right group is found first and takes the origin.
    rev = DBSCAN(eps=params["eps"], min_samples=params["min_samples"]).fit(X[::-1])
    assert rev.labels_[::-1][0] == rev.labels_[::-1][5]


def test_suggested_covers_every_name() -> None:
    assert set(SUGGESTED) == set(DATASETS)
    for name, params in SUGGESTED.items():
        assert {"n_clusters", "eps", "min_samples", "eps_standard", "dbscan_clusters"} <= set(params), name
        assert params["n_clusters"] >= 1 and params["eps"] > 0 and params["min_samples"] >= 1
        # n_clusters is the number of true groups (noise -1 excluded).
        _, y = make_dataset(name)
        assert params["n_clusters"] == len(set(y.tolist()) - {-1}), name


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", [0, 1])
def test_suggested_dbscan_finds_the_expected_clusters(name: str, seed: int) -> None:
    params = SUGGESTED[name]
    X, y = make_dataset(name, random_state=seed)
    labels = DBSCAN(eps=params["eps"], min_samples=params["min_samples"]).fit_predict(X)
    found = len(set(labels.tolist()) - {-1})
    assert found == params["dbscan_clusters"]
    if params["dbscan_clusters"] == params["n_clusters"]:
        # Where DBSCAN can find the true groups, it finds them: each found
        # cluster is (almost) one true group.
        for k in range(found):
            members = y[labels == k]
            members = members[members != -1]
            assert np.bincount(members).max() >= 0.98 * len(members)
    if params["eps_standard"] is not None:
        std = DBSCAN(eps=params["eps_standard"], min_samples=params["min_samples"]).fit_predict(scale(X, "standard"))
        assert len(set(std.tolist()) - {-1}) == params["dbscan_clusters"]


def test_density_bars_dbscan_keeps_the_dense_bar() -> None:
    params = SUGGESTED["density_bars"]
    X, y = make_dataset("density_bars")
    labels = DBSCAN(eps=params["eps"], min_samples=params["min_samples"]).fit_predict(X)
    assert (labels[y == 1] == 0).mean() > 0.95
    assert (labels[y != 1] == -1).mean() > 0.8
