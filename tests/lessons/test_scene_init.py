"""A scene's hand-placed start, ``init = [[x, y], ...]`` in the plot's units: checked with one line naming the key."""

from __future__ import annotations

import pytest

from tuiclust.lessons.scene import SceneError, load_scene

_SCENE = """title = "by hand"
[data]
generator = "blobs"
{data}
[algorithm]
name = "{name}"
{count} = 2
{key} = {value}
[[steps]]
on = "initialize"
say = "placed"
"""


def _load(tmp_path, value, *, name="kmeans", key="init", count="n_clusters", data=""):
    path = tmp_path / "scene.toml"
    path.write_text(_SCENE.format(value=value, name=name, key=key, count=count, data=data), encoding="utf-8")
    return load_scene(str(path))


def test_placed_centres_are_read_in_plot_units(tmp_path):
    scene = _load(tmp_path, "[[0, 0], [1, 1.5]]")
    algo = scene.parts[0].spec.algorithm
    assert algo.params["init"] == "manual"
    assert algo.placed == ((0.0, 0.0), (1.0, 1.5))


def test_gmm_means_are_placed_with_init_params(tmp_path):
    scene = _load(tmp_path, "[[0, 0], [1, 1]]", name="gmm", key="init_params", count="n_components")
    assert scene.parts[0].spec.algorithm.placed == ((0.0, 0.0), (1.0, 1.0))


@pytest.mark.parametrize(
    "value, message",
    [
        ("[[0, 0], [0, 0]]", r"algorithm\.init: \[0, 0\] is given twice"),
        ("[[0, 0]]", r"algorithm\.init gives 1 centre\(s\) but k = 2"),
        ("[[0, 0, 1], [1, 1]]", r"algorithm\.init: entry 1 must be an \[x, y\] pair"),
        ("[[100, 0], [1, 1]]", r"algorithm\.init: entry 1 \[100, 0\] is outside the data range"),
        ("[]", r"algorithm\.init must be a list of \[x, y\] pairs"),
    ],
)
def test_bad_placed_centres_get_one_line_naming_the_key(tmp_path, value, message):
    with pytest.raises(SceneError, match=message) as caught:
        _load(tmp_path, value)
    assert "\n" not in str(caught.value)


def test_the_range_follows_scaling(tmp_path):
    # Standardised blobs span about -2..2: [5, 5] is outside them though inside the raw range.
    with pytest.raises(SceneError, match="outside the data range"):
        _load(tmp_path, "[[5, 5], [0, 0]]", data='scale = "standard"')
