"""Every name the user meets, defined once: algorithms, their parameters, choices and phases.

Flags (:mod:`tuiclust.cli.flags`), scenes (:mod:`tuiclust.lessons.scene`),
the explorer's keys, panel and help, and the comparison grid all read this
table. Adding an algorithm means adding its estimator to the core and one
:class:`Algorithm` entry to :data:`ALGORITHMS`.

Light on purpose: importing it imports no estimator (``tuiclust --help``
stays fast); :meth:`Algorithm.estimator_class` imports one when asked.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from tuiclust.core.options import COVARIANCE_TYPES, GMM_INITS, KMEANS_INITS, LINKAGES, SCALINGS
from tuiclust.core.steps import Phase

#: What an export keeps of a CSV's other columns (``--keep-columns``): ``all``
#: carries every column not clustered, as read and in its place; ``none``
#: writes only the clustered columns and the results.
KEEP_COLUMNS: tuple[str, ...] = ("all", "none")

__all__ = [
    "ALGORITHMS",
    "ALGORITHM_NAMES",
    "COVARIANCE_TYPES",
    "FIGURES",
    "FIGURE_NAMES",
    "GMM_INITS",
    "KEEP_COLUMNS",
    "KMEANS_INITS",
    "SCALINGS",
    "WIDE_START",
    "Algorithm",
    "Figure",
    "Parameter",
    "algorithm",
    "flag_of",
    "parameter",
    "title_of",
]


@dataclass(frozen=True)
class Parameter:
    """A constructor parameter the user sets by flag, key or scene.

    Attributes
    ----------
    name : str
        The constructor's (scikit-learn's) name, e.g. ``"n_clusters"``.
    label : str
        The short name a student knows from the lesson (``"k"``), used on
        the panel and in messages.
    flag : str
        The command-line flag (``"--k"``).
    metavar : str
    help : str
        The flag's help, without the algorithm's name.
    kind : {"int", "float", "choice"}
        ``int`` is a whole number >= ``low``; ``float`` a number > ``low``.
    choices : tuple of str
        For ``kind == "choice"``, in the order keys cycle through them.
    low : float
        Smallest whole number, or the exclusive lower bound of a float.
    """

    name: str
    label: str
    flag: str
    metavar: str
    help: str
    kind: str = "int"
    choices: tuple[str, ...] = ()
    low: float = 1


@dataclass(frozen=True)
class Algorithm:
    """One algorithm as the whole app names and runs it.

    Attributes
    ----------
    name : str
        The id in flags and scenes (``--algo kmeans``, ``name = "kmeans"``).
    title : str
        Its name in titles and the log ("K-Means").
    short_title : str
        A name that fits the narrow panel and a grid column.
    key : str
        The explorer key that switches to it ("1").
    estimator : str
        ``"module:Class"`` of its core estimator.
    parameters : tuple of Parameter
        The parameters set by flags and keys; the first is the main one
        (keys ``+``/``-``), the second the one ``[``/``]`` change.
    defaults : mapping
        The explorer's defaults for those parameters.
    phases : tuple of Phase
        The phases its steps go through, as scenes name them.
    seeded : bool
        True when it takes ``random_state`` (defaulting to the data's seed).
    rounds : bool
        True when its steps' ``iteration`` counts rounds of one loop (K-Means,
        EM: the log says "iter N"); False when it counts steps.
    cluster_count : str or None
        The parameter that a data set's suggested number of clusters fills.
    suggested : tuple of str
        Other parameters a built-in data set suggests values for.
    summary : str
        What a student sees on screen, for the help screen.
    numbers : tuple of str
        The groups of numbers the panel shows for its steps, in order (see
        ``tuiclust.ui.step_text.NUMBER_ROWS``).
    extra_parameters : tuple of Parameter
        Flagged parameters that no key steps through.
    gallery : mapping
        Its parameters in the comparison grid (scikit-learn's gallery);
        ``cluster_count`` is filled with each shape's number of groups.
    gallery_by_shape : mapping of str to mapping
        Changes to ``gallery`` for particular shapes.
    gallery_caption : str
        What sets its grid column apart ("min_samples 7").
    """

    name: str
    title: str
    short_title: str
    key: str
    estimator: str
    parameters: tuple[Parameter, ...]
    defaults: Mapping[str, Any]
    phases: tuple[Phase, ...]
    seeded: bool
    rounds: bool
    cluster_count: str | None
    suggested: tuple[str, ...] = ()
    summary: str = ""
    numbers: tuple[str, ...] = ("clusters", "found_sizes")
    extra_parameters: tuple[Parameter, ...] = field(default=())
    gallery: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    gallery_by_shape: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: MappingProxyType({}))
    gallery_caption: str = ""

    @property
    def main(self) -> Parameter:
        """The parameter ``+`` and ``-`` change."""
        return self.parameters[0]

    @property
    def second(self) -> Parameter:
        """The parameter ``[`` and ``]`` change."""
        return self.parameters[1]

    @property
    def all_parameters(self) -> tuple[Parameter, ...]:
        """Parameters with a flag: the two keyed ones, then any others."""
        return self.parameters + self.extra_parameters

    def estimator_class(self) -> type:
        """The core estimator class (imported on first use)."""
        module, _, cls = self.estimator.partition(":")
        return getattr(importlib.import_module(module), cls)


_K = Parameter("n_clusters", "k", "--k", "K", "number of clusters")
# "manual": the run waits until the centres are placed by hand (tuiclust.pipeline.hand_edits).
_INIT = Parameter("init", "init", "--init", "HOW", "how to pick the first centres", "choice", (*KMEANS_INITS, "manual"))
_EPS = Parameter("eps", "eps", "--eps", "R", "neighbourhood radius", "float", low=0)
_MIN_SAMPLES = Parameter("min_samples", "min_samples", "--min-samples", "N", "neighbours a core point needs")
_COMPONENTS = Parameter("n_components", "components", "--components", "K", "number of Gaussian components")
_COVARIANCE = Parameter(
    "covariance_type", "covariance", "--covariance", "TYPE", "shape of each Gaussian", "choice", COVARIANCE_TYPES
)
_LINKAGE = Parameter(
    "linkage", "linkage", "--linkage", "HOW", "how the distance between two clusters is measured", "choice", LINKAGES
)
_MIN_CLUSTER_SIZE = Parameter(
    "min_cluster_size", "min_cluster_size", "--min-cluster-size", "N", "smallest group that counts as a cluster", low=2
)
#: The lesson's GMM start (its EM figure): means at random data points, round covariances as wide as
#: the data, equal weights. Not a rule of the core: the pipeline gives it as weights_init, means_init
#: and precisions_init (tuiclust.core.gmm.wide_start; tuiclust.pipeline.starts).
WIDE_START = "wide"
_GMM_STARTS = (*GMM_INITS, WIDE_START, "manual")
_GMM_INIT = Parameter(
    "init_params", "start", "--gmm-init", "HOW", "how to place the first Gaussians", "choice", _GMM_STARTS
)

ALGORITHMS: Mapping[str, Algorithm] = MappingProxyType(
    {
        a.name: a
        for a in (
            Algorithm(
                name="kmeans",
                title="K-Means",
                short_title="K-Means",
                key="1",
                estimator="tuiclust.core.kmeans:KMeans",
                parameters=(_K, _INIT),
                defaults=MappingProxyType({"n_clusters": 3, "init": "k-means++"}),
                phases=(Phase.INITIALIZE, Phase.ASSIGN, Phase.UPDATE, Phase.CONVERGED, Phase.STOPPED),
                seeded=True,
                rounds=True,
                cluster_count="n_clusters",
                gallery=MappingProxyType({"init": "k-means++"}),
                gallery_caption="k-means++",
                numbers=("inertia", "sizes"),
                summary=(
                    "Initialize picks k centres; Assign gives every point to its nearest centre; "
                    "Update moves each centre to the mean of its points (a trail shows the move). "
                    "Inertia, the sum of squared distances to the centres, never rises."
                ),
            ),
            Algorithm(
                name="dbscan",
                title="DBSCAN",
                short_title="DBSCAN",
                key="2",
                estimator="tuiclust.core.dbscan:DBSCAN",
                parameters=(_EPS, _MIN_SAMPLES),
                defaults=MappingProxyType({"eps": 0.5, "min_samples": 5}),
                phases=(Phase.NEIGHBOURHOODS, Phase.EXPAND, Phase.BORDER, Phase.NOISE, Phase.DONE),
                seeded=False,
                rounds=False,
                cluster_count=None,
                suggested=("eps", "min_samples"),
                gallery=MappingProxyType({"eps": 0.3, "min_samples": 7}),
                gallery_caption="min_samples 7",
                numbers=("clusters", "kinds", "found_sizes"),
                gallery_by_shape=MappingProxyType({"varied": {"eps": 0.18}, "aniso": {"eps": 0.15}}),
                summary=(
                    "Core points have at least min_samples neighbours within eps. Clusters grow from "
                    "core points in visible chunks; border points join the first cluster that reaches "
                    "them; what is left is noise (grey). Not-yet-visited points are dim."
                ),
            ),
            Algorithm(
                name="gmm",
                title="Gaussian Mixture",
                short_title="GMM",
                key="3",
                estimator="tuiclust.core.gmm:GaussianMixture",
                parameters=(_COMPONENTS, _COVARIANCE),
                extra_parameters=(_GMM_INIT,),
                defaults=MappingProxyType({"n_components": 3, "covariance_type": "full"}),
                phases=(Phase.INITIALIZE, Phase.E_STEP, Phase.M_STEP, Phase.CONVERGED, Phase.STOPPED),
                seeded=True,
                rounds=True,
                cluster_count="n_components",
                gallery=MappingProxyType({"covariance_type": "full"}),
                gallery_caption="full covariance",
                numbers=("log_likelihood", "weights", "found_sizes"),
                summary=(
                    "Each component is an ellipse (1 and 2 sigma). The E-step computes how likely each "
                    "point belongs to each component; the M-step moves the means, shapes and weights. "
                    "The log-likelihood never falls; uncertain points are drawn apart."
                ),
            ),
            Algorithm(
                name="agglomerative",
                title="Agglomerative",
                short_title="Agglomerative",
                key="4",
                estimator="tuiclust.core.agglomerative:AgglomerativeClustering",
                parameters=(_K, _LINKAGE),
                defaults=MappingProxyType({"n_clusters": 3, "linkage": "ward"}),
                phases=(Phase.START, Phase.MERGE, Phase.CUT, Phase.DONE),
                seeded=False,
                rounds=False,
                cluster_count="n_clusters",
                gallery=MappingProxyType({"linkage": "ward"}),
                gallery_caption="ward linkage",
                numbers=("clusters", "found_sizes"),
                summary=(
                    "Every point starts as its own cluster; each Merge step joins the closest pairs "
                    "(ward: the merge that adds the least variance), until the tree is cut at k clusters. "
                    "The largest clusters have their own marks, the many small ones a grey dot; the pair the "
                    "last merge joined is drawn reversed. e opens the dendrogram: move the cut, Enter runs it."
                ),
            ),
            Algorithm(
                name="hdbscan",
                title="HDBSCAN",
                short_title="HDBSCAN",
                key="5",
                estimator="tuiclust.core.hdbscan:HDBSCAN",
                parameters=(_MIN_CLUSTER_SIZE, _MIN_SAMPLES),
                defaults=MappingProxyType({"min_cluster_size": 10, "min_samples": 5}),
                phases=(
                    Phase.CORE_DISTANCES,
                    Phase.SPANNING_TREE,
                    Phase.HIERARCHY,
                    Phase.CONDENSE,
                    Phase.SELECT,
                    Phase.DONE,
                ),
                seeded=False,
                rounds=False,
                cluster_count=None,
                gallery=MappingProxyType({"min_cluster_size": 15, "min_samples": 5}),
                gallery_caption="min_cluster_size 15",
                numbers=("clusters", "found_sizes"),
                summary=(
                    "Core distances say how dense each point's neighbourhood is (big dots dense, small dots sparse); "
                    "a spanning tree links the points through dense paths (braille edges); cutting its longest edges "
                    "splits clusters, and the ones that last longest are kept (e: the condensed tree). No eps to "
                    "choose; points in no lasting cluster are noise (×); at the end hollow marks are weak members."
                ),
            ),
        )
    }
)
#: Algorithm ids in key order.
ALGORITHM_NAMES: tuple[str, ...] = tuple(ALGORITHMS)


def algorithm(name: str) -> Algorithm:
    """The entry for ``name``.

    Raises
    ------
    ValueError
        Naming the known algorithms.
    """
    try:
        return ALGORITHMS[name]
    except (KeyError, TypeError):
        raise ValueError(f"algorithm must be one of {', '.join(ALGORITHM_NAMES)}; got {name!r}") from None


def title_of(name: str) -> str:
    """ "K-Means", "DBSCAN", "Gaussian Mixture" (the name itself if unknown)."""
    entry = ALGORITHMS.get(name)
    return entry.title if entry is not None else name


def parameter(name: str) -> Parameter | None:
    """The flagged parameter called ``name`` in any algorithm, or None."""
    for entry in ALGORITHMS.values():
        for p in entry.all_parameters:
            if p.name == name:
                return p
    return None


def flag_of(name: str) -> str | None:
    """The flag that sets the constructor parameter ``name`` (``random_state`` is ``--seed``)."""
    if name == "random_state":
        return "--seed"
    p = parameter(name)
    return p.flag if p is not None else None


@dataclass(frozen=True)
class Figure:
    """A lesson figure that a scene part can stage instead of a run (``[parts.view] kind = ...``).

    Attributes
    ----------
    name : str
        The id in scenes (``kind = "elbow"``).
    title : str
        What the figure is called in messages and recordings.
    key : str
        The explorer key that opens it.
    algorithm : str or None
        The algorithm whose main parameter it helps choose (the part must run
        it); None when it works for any algorithm.
    select : str
        What ``select`` names on it: the parameter it chooses (``"n_clusters"``,
        ``"eps"``, ``"n_components"``), ``"cell"`` for a grid row or cell, or
        ``""`` when the figure has nothing to select.
    """

    name: str
    title: str
    key: str
    algorithm: str | None
    select: str


FIGURES: Mapping[str, Figure] = MappingProxyType(
    {
        f.name: f
        for f in (
            Figure("elbow", "the elbow view", "e", "kmeans", "n_clusters"),
            Figure("k-distance", "the k-distance view", "e", "dbscan", "eps"),
            Figure("bic-aic", "the BIC/AIC view", "e", "gmm", "n_components"),
            Figure("comparison", "the comparison grid", "c", None, "cell"),
            Figure("scores", "the scores strip", "m", None, ""),
            Figure("silhouette", "the silhouette plot", "M", None, ""),
        )
    }
)
#: Figure ids in the order the README lists them.
FIGURE_NAMES: tuple[str, ...] = tuple(FIGURES)
