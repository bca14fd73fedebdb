"""Gaussian mixture models fitted by EM, one E-step and M-step at a time.

``from tuiclust.core.gmm import GaussianMixture`` is the way in. The modules:

- :mod:`.estimator`: :class:`GaussianMixture`, its parameters and their checks;
- :mod:`.kernels`: the arithmetic of EM (features, log-densities, M-step);
- :mod:`.init`: initial responsibilities, and :func:`wide_start`, the lesson's start given as parameters;
- :mod:`.em`: one run of EM as a sequence of steps;
- :mod:`.story`: the words of every step.
"""

from __future__ import annotations

from .estimator import COVARIANCE_TYPES, INIT_PARAMS, GaussianMixture
from .init import wide_start

__all__ = ["COVARIANCE_TYPES", "INIT_PARAMS", "GaussianMixture", "wide_start"]
