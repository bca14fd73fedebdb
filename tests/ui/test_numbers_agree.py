"""The GMM numbers the panel and the phase log show agree, and a change within rounding of zero reads ±0."""

from __future__ import annotations

from types import MappingProxyType

from tuiclust.core.steps import Phase
from tuiclust.pipeline.run import prepare_run
from tuiclust.pipeline.spec import AlgorithmSpec, DataSpec, RunSpec
from tuiclust.ui.step_text import log_line, step_numbers


def _steps(data: str, seed: int = 0) -> list:
    spec = RunSpec(DataSpec(data, seed=seed), AlgorithmSpec("gmm", MappingProxyType({})))
    return list(prepare_run(spec).steps)


def test_the_panel_and_the_log_quote_the_same_change_at_the_end() -> None:
    # `tuiclust --algo gmm --data aniso`, End: once "+1.45e-08" beside "changed by 1.3e-05".
    final = _steps("aniso")[-1]
    assert final.phase is Phase.CONVERGED
    change = dict(step_numbers(final))["change"]
    assert f"changed by {change}," in log_line(final)


def test_every_e_step_shows_one_change_in_both_places_and_none_falls() -> None:
    # blobs, seed 2: iteration 2 once read "change -6.22e-15" though EM never lowers the log-likelihood.
    steps = _steps("blobs", seed=2)
    e_steps = [s for s in steps if s.phase is Phase.E_STEP and s.iteration > 1]
    assert e_steps
    for step in e_steps:
        change = dict(step_numbers(step))["change"]
        assert f"({change})" in log_line(step)
        assert not change.startswith("\u2212"), (step.iteration, step.log_likelihood_change)
    assert dict(step_numbers(e_steps[0]))["change"] == "\u00b10"
