"""What to run: the data and the algorithm, as plain frozen values.

The CLI flags, a scene file and the explorer's keys all produce a
:class:`RunSpec`; :func:`tuiclust.pipeline.run.build_run` turns it into
arrays, an estimator and a timeline. Changing a parameter means building a new spec (``replace``), never
mutating one, so the one-way data flow of the design holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

__all__ = ["DEFAULT_RUN", "AlgorithmSpec", "DataSpec", "RunSpec", "replace"]


@dataclass(frozen=True)
class DataSpec:
    """Where the points come from and how they are prepared.

    Attributes
    ----------
    source : str
        A built-in data set name (see ``tuiclust.core.datasets.DATASETS``) or
        a path to a CSV file.
    n_samples, noise : optional
        Built-in data sets only; None means the data set's default.
    seed : int
        Seed of the built-in generator.
    scale : {"none", "standard", "minmax"}
    columns : tuple of str, optional
        CSV only: the columns to cluster, by name or 0-based index.
    x, y : str, optional
        CSV only: two original columns to plot instead of a PCA projection.
    drop_missing : bool
        CSV only: drop rows with missing values instead of refusing them.
    keep_columns : bool
        CSV only: carry the columns not clustered (ids, names) to exports,
        as read and in their place (``--keep-columns all``, the default).
    added : tuple of (x, y) pairs
        Points placed by hand, in the plot's units (see
        :mod:`tuiclust.pipeline.hand_edits`), appended after the data's rows.
    removed : tuple of int
        0-based rows of the data (before ``added``) deleted by hand.
    """

    source: str = "blobs"
    n_samples: int | None = None
    noise: float | None = None
    seed: int = 0
    scale: str = "none"
    columns: tuple[str, ...] | None = None
    x: str | None = None
    y: str | None = None
    drop_missing: bool = False
    keep_columns: bool = True
    added: tuple[tuple[float, float], ...] = ()
    removed: tuple[int, ...] = ()

    @property
    def is_file(self) -> bool:
        """True when ``source`` names a file rather than a built-in data set."""
        return "/" in self.source or "\\" in self.source or Path(self.source).suffix != ""


@dataclass(frozen=True)
class AlgorithmSpec:
    """An algorithm name and its constructor parameters (scikit-learn names).

    Parameters left out take the defaults of :mod:`tuiclust.pipeline.vocabulary`.
    ``placed`` holds centres (K-Means) or means (GMM) placed by hand, in the
    plot's units, used when the init parameter is ``"manual"``.
    """

    name: str = "kmeans"
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    placed: tuple[tuple[float, float], ...] = ()

    def with_params(self, **changes: Any) -> AlgorithmSpec:
        """A copy with some parameters changed (hand-placed centres kept)."""
        return AlgorithmSpec(self.name, MappingProxyType({**self.params, **changes}), self.placed)


@dataclass(frozen=True)
class RunSpec:
    """The data and the algorithm of one run."""

    data: DataSpec = field(default_factory=DataSpec)
    algorithm: AlgorithmSpec = field(default_factory=AlgorithmSpec)


#: What ``tuiclust`` opens on without arguments: the lesson's K-Means figure. K-Means from
#: k random data points (the lesson's start, not k-means++) on the three blobs, with a seed
#: whose start puts all three centres among the two right-hand blobs: over 6 iterations one
#: centre travels across the plot to the third blob while 88, 94 and 74 points change
#: cluster, and the run ends on the three blobs. (With k-means++ almost every seed is done
#: in 2 iterations: nothing moves.) Any flag or target opens the usual defaults instead.
DEFAULT_RUN = RunSpec(
    DataSpec(source="blobs", seed=174),
    AlgorithmSpec("kmeans", MappingProxyType({"n_clusters": 3, "init": "random"})),
)
