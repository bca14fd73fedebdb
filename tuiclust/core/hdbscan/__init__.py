"""HDBSCAN: density clusters without choosing eps, told as the pictures of its algorithm.

``from tuiclust.core.hdbscan import HDBSCAN`` (or ``from tuiclust.core
import HDBSCAN``). Modules: :mod:`.reachability` (core distances, exact
distances), :mod:`.spanning_tree` (the mutual-reachability MST),
:mod:`.linkage` (single-linkage tree), :mod:`.condense` (condensed tree,
stabilities), :mod:`.select` (eom / leaf, labels, probabilities),
:mod:`.kernels` (the pipeline), :mod:`.estimator` (the class),
:mod:`.narration` (the steps).
"""

from __future__ import annotations

from typing import Any

__all__ = ["HDBSCAN"]


def __getattr__(name: str) -> Any:
    if name == "HDBSCAN":
        from .estimator import HDBSCAN

        return HDBSCAN
    raise AttributeError(name)
