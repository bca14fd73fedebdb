"""The wide GMM start through the pipeline: written out as the core's initial parameters, named in the log."""

from __future__ import annotations

from types import MappingProxyType

import numpy as np

from tuiclust.core.gmm import wide_start
from tuiclust.core.steps import Phase
from tuiclust.pipeline.estimators import check_estimator_params
from tuiclust.pipeline.run import prepare_run
from tuiclust.pipeline.spec import AlgorithmSpec, DataSpec, RunSpec


def test_the_pipeline_runs_wide_as_given_parameters_and_says_so() -> None:
    spec = RunSpec(
        DataSpec("aniso", n_samples=240, seed=2),
        AlgorithmSpec("gmm", MappingProxyType({"n_components": 3, "init_params": "wide", "random_state": 0})),
    )
    prepared = prepare_run(spec)
    steps = list(prepared.steps)
    start = wide_start(prepared.dataset.X, 3, "full", random_state=0)
    for key, value in start.items():
        np.testing.assert_array_equal(prepared.estimator.get_params()[key], value)
    assert "initialised wide" in steps[0].message and "given" not in steps[0].message
    # The ellipses have work to do: several rounds of EM, each a modest rise.
    e_steps = [s for s in steps if s.phase is Phase.E_STEP]
    assert len(e_steps) >= 5
    changes = np.diff([s.log_likelihood for s in e_steps])
    assert (changes > -1e-9).all() and (changes < 1e3).all()


def test_a_check_without_data_accepts_the_wide_start() -> None:
    spec = AlgorithmSpec("gmm", MappingProxyType({"init_params": "wide"}))
    assert check_estimator_params(spec, dataset="blobs")["init_params"] == "random_from_data"
