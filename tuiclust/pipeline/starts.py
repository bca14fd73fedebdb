"""Starts the pipeline offers beyond the core's named ones: the lesson's wide GMM start.

``init_params = "wide"`` (flag ``--gmm-init wide``, key ``g``, scene key
``init_params``) is the start of the lesson's EM figure: means at random
data points, round covariances as wide as the data, equal weights. The core
has no such rule, and needs none: the start is handed to it as
``weights_init``, ``means_init`` and ``precisions_init``
(:func:`tuiclust.core.gmm.wide_start`), so everything after the start is
the core's EM, equal to scikit-learn's from the same parameters.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import numpy as np

from tuiclust.core.steps import Step
from tuiclust.pipeline.vocabulary import WIDE_START

__all__ = ["WIDE_MESSAGE", "is_wide", "relabel_wide", "wide_params"]

# What a check without data runs instead: the same seed points, drawn the same way.
_STAND_IN = "random_from_data"
#: How the Initialize step reads for the wide start (after "3 Gaussians ").
WIDE_MESSAGE = "initialised wide: round, as wide as the data, at random data points, with equal weights"
_GIVEN = "initialised from the given weights, means and precisions"


def is_wide(algorithm: str, params: dict[str, Any]) -> bool:
    """True when the parameters ask for the wide GMM start."""
    return algorithm == "gmm" and params.get("init_params") == WIDE_START


def wide_params(algorithm: str, params: dict[str, Any], X: np.ndarray | None) -> dict[str, Any]:
    """The constructor parameters with the wide start written out as initial parameters.

    Parameters
    ----------
    algorithm : str
    params : dict
        Resolved parameters; ``init_params`` may be "wide".
    X : ndarray of shape (n_samples, n_features) or None
        The data the run will see; None (a check without data) stands in
        ``random_from_data``, which draws the same seed points.

    Returns
    -------
    dict
        ``params`` unchanged unless the start is wide.
    """
    if not is_wide(algorithm, params):
        return params
    params = dict(params, init_params=_STAND_IN)
    if X is None or X.shape[0] < int(params.get("n_components", 1)):
        return params  # the core refuses too many components itself, in its own words
    from tuiclust.core.gmm import wide_start

    params.update(wide_start(X, params["n_components"], params["covariance_type"], params.get("random_state")))
    return params


def relabel_wide(steps: Iterator[Step]) -> Iterator[Step]:
    """The run's steps, its Initialize step naming the wide start instead of "the given" parameters."""
    first = True
    for step in steps:
        if first:
            first = False
            step = replace(step, message=step.message.replace(_GIVEN, WIDE_MESSAGE))
        yield step
