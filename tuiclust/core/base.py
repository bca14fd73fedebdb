"""The contract every step-wise estimator shares: parameters, their checks, fit from steps.

A subclass (KMeans, DBSCAN, GaussianMixture, ...) writes:

- an ``__init__`` with scikit-learn's signature (the first parameter may be
  positional, the rest keyword-only) that only stores its arguments, under
  their own names;
- ``_algorithm``: its short name (``"kmeans"``), used in messages and steps;
- ``_parameter_constraints``: one :class:`~tuiclust.core.constraints.Constraint`
  per parameter;
- ``_fitted_attribute``: an attribute that exists only once fitted;
- ``_run(X, params, narrate=...)``: eager checks of the data against the
  parameters, then a generator of :class:`~tuiclust.core.steps.Step` whose
  *return value* is the final state;
- ``_set_fitted(final)``: the learned attributes from that final state,
  the one place where they are set;
- optionally ``_convergence_warnings()``: what ``fit`` warns about.

The base then gives ``parameter_names``, ``check_params``, ``get_params``,
``set_params``, ``steps``, ``fit``, ``fit_predict`` and a scikit-learn style
``repr``. Parameters are checked when a run starts, so one set after
construction (``g.weights_init = [1.5, 0.7]``) is refused as scikit-learn
refuses it.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Generator, Iterator, Mapping
from typing import Any, ClassVar

import numpy as np

from .constraints import Constraint
from .steps import Step
from .validation import check_data

__all__ = ["ConvergenceWarning", "NotFittedError", "StepwiseEstimator"]


class NotFittedError(ValueError, AttributeError):
    """An estimator was used (``predict``, ``score`` ...) before ``fit``.

    A subclass of both ``ValueError`` and ``AttributeError``, as
    scikit-learn's ``NotFittedError``, so code written for either catches it.
    """


class ConvergenceWarning(UserWarning):
    """A fit ended without converging (``max_iter`` reached) or found fewer clusters than asked.

    Issued by ``fit`` where scikit-learn issues its own ``ConvergenceWarning``;
    the step's message says the same in the phase log.
    """


class StepwiseEstimator:
    """Base of the estimators whose run is a sequence of :class:`Step` snapshots.

    Notes
    -----
    Construction validates nothing (scikit-learn's rule): every parameter is
    checked, against the table ``_parameter_constraints``, when ``steps`` or
    ``fit`` is called, and :meth:`check_params` checks a set of values
    without making an estimator.
    """

    #: Short name of the algorithm, as in ``Step.algorithm`` and messages.
    _algorithm: ClassVar[str] = ""
    #: Parameter name -> its constraint.
    _parameter_constraints: ClassVar[dict[str, Constraint]] = {}
    #: An attribute set by fitting only; its absence means "not fitted".
    _fitted_attribute: ClassVar[str] = "labels_"
    #: False: the constructor only stores, as scikit-learn's does; scenes and
    #: flags check values with :meth:`check_params`, runs at ``steps``/``fit``.
    _check_on_construction: ClassVar[bool] = False

    # ------------------------------------------------------------ parameters
    @classmethod
    def parameter_names(cls) -> tuple[str, ...]:
        """The constructor's parameter names, in order.

        Returns
        -------
        tuple of str
        """
        # Cached per class: constructors call this, and inspect is slow.
        names = cls.__dict__.get("_parameter_names_cache")
        if names is None:
            signature = inspect.signature(cls.__init__)
            names = tuple(
                p.name
                for p in signature.parameters.values()
                if p.name != "self" and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
            )
            cls._parameter_names_cache = names
        return names

    @classmethod
    def default_params(cls) -> dict[str, Any]:
        """Every parameter's default, as the constructor declares it."""
        signature = inspect.signature(cls.__init__)
        return {name: signature.parameters[name].default for name in cls.parameter_names()}

    @classmethod
    def check_params(cls, params: Mapping[str, Any]) -> dict[str, Any]:
        """Check some parameters without data and without making an estimator.

        Relations between parameters (``init``'s rows and ``n_clusters``,
        ``precisions_init``'s shape and ``covariance_type``) are checked
        when both are among ``params``; ``fit`` checks all of them.

        Parameters
        ----------
        params : Mapping of str to Any
            Any subset of the constructor's parameters.

        Returns
        -------
        dict of str to Any
            The same keys in constructor order, with normalised values
            (ints, floats, read-only float64 arrays; seeds as given).

        Raises
        ------
        ValueError
            One line naming the first bad parameter, the value and what is
            allowed, or naming an unknown parameter and listing the known.
        """
        names = cls.parameter_names()
        for key in params:
            if key not in names:
                raise ValueError(f"{key} is not a parameter of {cls._algorithm}; its parameters are {', '.join(names)}")
        checked: dict[str, Any] = {}
        for name in names:
            if name in params:
                constraint = cls._parameter_constraints.get(name)
                value = params[name]
                checked[name] = value if constraint is None else constraint.check(name, value, checked)
        return checked

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The parameters as stored (not normalised), in constructor order.

        Parameters
        ----------
        deep : bool
            Accepted for scikit-learn compatibility; no parameter is an estimator.
        """
        return {name: getattr(self, name) for name in self.parameter_names()}

    def set_params(self, **params: Any) -> StepwiseEstimator:
        """Set parameters by name; they are checked when the next run starts.

        Raises
        ------
        ValueError
            For a name that is not a parameter.
        """
        names = self.parameter_names()
        for key in params:
            if key not in names:
                raise ValueError(
                    f"{key} is not a parameter of {self._algorithm}; its parameters are {', '.join(names)}"
                )
        for key, value in params.items():
            setattr(self, key, value)
        return self

    def _store_params(self, params: Mapping[str, Any]) -> None:
        """The constructor's whole job: keep the arguments under their names."""
        for name in self.parameter_names():
            setattr(self, name, params[name])
        if self._check_on_construction:
            self.check_params(self.get_params())

    def _validated_params(self) -> dict[str, Any]:
        """Every parameter, checked together, normalised."""
        return self.check_params(self.get_params())

    def __repr__(self) -> str:
        parts = []
        for name, value in self.get_params().items():
            if isinstance(value, np.ndarray):
                parts.append(f"{name}=array{value.shape}")
            elif value is not None or name not in ("weights_init", "means_init", "precisions_init"):
                parts.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    # ------------------------------------------------------------------ runs
    def steps(self, X: Any) -> Iterator[Step]:
        """Run on ``X`` and yield a :class:`Step` at every phase.

        Parameters and data are checked at once (a bad value raises here,
        not at the first ``next()``). When the last step has been taken the
        learned attributes are set, as by :meth:`fit`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Yields
        ------
        Step
        """
        return self._start(X, narrate=True)

    def fit(self, X: Any, y: Any = None) -> StepwiseEstimator:
        """Run to the end, set the learned attributes (trailing ``_``) and return ``self``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored
            For scikit-learn compatibility.

        Returns
        -------
        self

        Warns
        -----
        ConvergenceWarning
            Where scikit-learn warns: a run stopped at ``max_iter``, fewer
            distinct clusters than asked for.
        """
        for _ in self._start(X, narrate=False):
            pass
        for message in self._convergence_warnings():
            warnings.warn(message, ConvergenceWarning, stacklevel=2)
        return self

    def fit_predict(self, X: Any, y: Any = None) -> np.ndarray:
        """``fit(X)`` and return a copy of ``labels_``, shape (n_samples,)."""
        return np.array(self.fit(X).labels_)

    def _start(self, X: Any, *, narrate: bool) -> Iterator[Step]:
        params = self._validated_params()
        X = check_data(X)
        run = self._run(X, params, narrate=narrate)  # eager data checks happen here
        return self._drain(run)

    def _drain(self, run: Generator[Step, None, Any]) -> Iterator[Step]:
        final = yield from run
        self._set_fitted(final)

    # ----------------------------------------------------------- subclasses
    def _run(self, X: np.ndarray, params: dict[str, Any], *, narrate: bool) -> Generator[Step, None, Any]:
        """Check ``X`` against ``params`` now, then return the generator of the run.

        ``narrate=False`` (from ``fit``) allows skipping steps that only tell
        the story; the final state must be the same.
        """
        raise NotImplementedError

    def _set_fitted(self, final: Any) -> None:
        """Set the learned attributes from the final state the run returned."""
        raise NotImplementedError

    def _convergence_warnings(self) -> list[str]:
        """Messages ``fit`` issues as :class:`ConvergenceWarning` (none by default)."""
        return []

    def _check_is_fitted(self) -> None:
        """Raise :class:`NotFittedError` unless ``fit`` (or a drained ``steps``) has run."""
        if not hasattr(self, self._fitted_attribute):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet; call fit(X) first")
