"""The shipped GMM scenes show EM working: ellipses on the first frame, a log-likelihood that rises gently."""

from __future__ import annotations

import numpy as np
import pytest

from tuiclust.core.steps import Phase
from tuiclust.lessons.scene import builtin_scene_names, load_scene
from tuiclust.pipeline.run import prepare_run
from tuiclust.ui.shapes import ellipse_axes


def _gmm_parts() -> list[tuple[str, int, object]]:
    parts = []
    for name in builtin_scene_names():
        for index, part in enumerate(load_scene(name).parts):
            spec = getattr(part, "spec", None)  # a part may show a view instead of a run
            if spec is not None and spec.algorithm.name == "gmm":
                parts.append((name, index, spec))
    return parts


_PARTS = _gmm_parts()


def test_there_are_gmm_scenes_and_they_use_the_wide_start() -> None:
    assert {name for name, _, _ in _PARTS} >= {"gmm-em", "gmm-overlap"}
    for name, _, spec in _PARTS:
        if name in ("gmm-em", "gmm-overlap"):
            assert spec.algorithm.params.get("init_params") == "wide", name


@pytest.mark.parametrize(("name", "index", "spec"), _PARTS, ids=[f"{n}-{i}" for n, i, _ in _PARTS])
def test_the_first_frame_draws_ellipses_and_the_log_likelihood_rises_gently(name: str, index: int, spec) -> None:
    prepared = prepare_run(spec)
    steps = list(prepared.steps)
    first = steps[0]
    assert first.phase is Phase.INITIALIZE and first.note is None, first.note  # no component collapsed
    projection = prepared.dataset.projection
    points = projection.points(prepared.dataset.X)
    span = float(np.ptp(points, axis=0).min())
    k = first.centers.shape[0]
    for covariance in projection.covariances(first.covariances, first.covariance_type, k):
        radii, _ = ellipse_axes(covariance)
        assert radii.min() > 0.02 * span  # an ellipse a student can see, not a point
    e_steps = [s.log_likelihood for s in steps if s.phase is Phase.E_STEP]
    assert len(e_steps) >= 3
    rises = np.diff(e_steps)
    assert (rises < 1e3).all() and (rises > -1e-9 * np.abs(e_steps[1:])).all()
