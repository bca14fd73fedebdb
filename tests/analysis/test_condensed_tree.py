"""The condensed-tree view's numbers: births, deaths, widths, layout, selection, reselection."""

from __future__ import annotations

import numpy as np
import pytest

from tuiclust.analysis.condensed_tree import condensed_tree_layout, refit_needed, reselect
from tuiclust.core import HDBSCAN
from tuiclust.core.datasets import make_dataset


def _two_blobs() -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.concatenate([rng.normal(0, 0.3, (60, 2)), rng.normal(5, 0.3, (40, 2))])


def test_two_blobs_give_a_root_and_two_selected_children() -> None:
    model = HDBSCAN(min_cluster_size=10).fit(_two_blobs())
    layout = condensed_tree_layout(model.condensed_tree_, model.selected_clusters_)
    assert layout.ids[0] == 100 and layout.parent[0] == -1 and layout.birth[0] == 0
    assert layout.size[0] == 100
    top = np.flatnonzero(layout.parent == 0)
    assert sorted(layout.size[top].tolist()) == [40, 60]
    assert layout.selected[top].all() and not layout.selected[0]
    # Children are born where the root dies (the split), and live longer.
    assert np.allclose(layout.birth[top], layout.death[0])
    assert np.all(layout.death[top] > layout.birth[top])
    assert np.all((layout.x >= 0) & (layout.x <= 1))
    assert layout.x[0] == pytest.approx(layout.x[top].mean())


@pytest.mark.parametrize("name", ["varied", "pimpled_smiley", "no_structure"])
def test_widths_fall_from_the_birth_size_to_zero(name: str) -> None:
    model = HDBSCAN().fit(make_dataset(name, random_state=1)[0])
    layout = condensed_tree_layout(model.condensed_tree_, model.selected_clusters_)
    for i in range(layout.n_clusters):
        lams, counts = layout.profile_lambda[i], layout.profile_count[i]
        assert lams[0] == pytest.approx(layout.birth[i])
        assert counts[0] == layout.size[i] or lams[0] == layout.birth[i]
        assert counts[-1] == 0 and np.all(np.diff(counts) <= 0) and np.all(np.diff(lams) > 0)
        assert layout.width_at(i, layout.birth[i]) <= layout.size[i]
        assert layout.width_at(i, layout.death[i]) == 0
        if layout.parent[i] >= 0:
            assert layout.birth[i] >= layout.birth[layout.parent[i]]
    assert layout.selected.sum() == len(model.selected_clusters_)


@pytest.mark.parametrize("mcs", [3, 8, 15, 30])
def test_reselect_equals_a_new_fit_with_the_same_min_samples(mcs: int) -> None:
    X = make_dataset("varied", random_state=2)[0]
    base = HDBSCAN(min_cluster_size=5, min_samples=5).fit(X)
    again = reselect(base.single_linkage_tree_, mcs)
    fresh = HDBSCAN(min_cluster_size=mcs, min_samples=5).fit(X)
    np.testing.assert_array_equal(again.labels, fresh.labels_)
    np.testing.assert_allclose(again.probabilities, fresh.probabilities_, atol=1e-12)
    assert again.selected == fresh.selected_clusters_
    assert again.layout.selected.sum() == len(fresh.selected_clusters_)


def test_reselect_leaf_and_errors() -> None:
    X = make_dataset("blobs", random_state=0)[0]
    base = HDBSCAN(min_samples=5).fit(X)
    leaf = reselect(base.single_linkage_tree_, 10, cluster_selection_method="leaf")
    fresh = HDBSCAN(10, min_samples=5, cluster_selection_method="leaf").fit(X)
    np.testing.assert_array_equal(leaf.labels, fresh.labels_)
    with pytest.raises(ValueError, match="min_cluster_size"):
        reselect(base.single_linkage_tree_, 1)
    assert refit_needed(None) and not refit_needed(5)
