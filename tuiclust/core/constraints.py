"""Declarative constraints on estimator parameters, in the spirit of scikit-learn's ``_param_validation``.

Each estimator declares a table ``_parameter_constraints`` mapping a
parameter name to one :class:`Constraint`; :class:`~tuiclust.core.base.StepwiseEstimator`
checks the table when a run starts (``fit`` / ``steps``) and through
``check_params`` without data. A constraint returns the normalised value
(an ``int``, a ``float``, a read-only float64 array ...) or raises a
``ValueError`` of one line that names the parameter, the bad value and what
is allowed.

Some parameters depend on others (``init``'s rows on ``n_clusters``,
``precisions_init``'s shape on ``covariance_type``). A constraint receives
the parameters already checked (in constructor order) and checks a relation
only when the other parameter is among them, so that a subset can be
checked on its own.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any, Literal

import numpy as np

from .validation import _LARGEST_SEED, _range, check_choice, check_int, check_random_state

__all__ = ["LARGEST_MAGNITUDE", "Array", "Constraint", "Interval", "Optional", "Options", "RandomState", "Rule"]


#: Largest magnitude of a real parameter or of a value in an array parameter:
#: squared distances between such numbers still fit in a float64 (a CSV cell
#: has the same bound), so nothing overflows into infinity or warns.
LARGEST_MAGNITUDE = 1e150


class Constraint(ABC):
    """One parameter's rule: :meth:`check` returns the normalised value or raises ``ValueError``."""

    @abstractmethod
    def check(self, name: str, value: Any, checked: Mapping[str, Any]) -> Any:
        """Return ``value`` normalised, or raise a one-line ``ValueError`` naming ``name``.

        Parameters
        ----------
        name : str
            The parameter's name, for the message.
        value : Any
        checked : Mapping
            Parameters checked before this one (constructor order), for
            relations between parameters; may lack some.
        """

    @abstractmethod
    def describe(self) -> str:
        """What is allowed, in words (``"an integer >= 1"``), for help texts."""


Closed = Literal["left", "right", "both", "neither"]


@dataclass(frozen=True)
class Interval(Constraint):
    """A number in a range: ``Interval(Integral, 1, None, closed="left")`` is an integer >= 1.

    Booleans are refused (``True`` is not a count), as are NaN and infinity.
    """

    kind: type
    low: float | None
    high: float | None
    closed: Closed = "both"

    def __post_init__(self) -> None:
        if self.kind not in (Integral, Real):
            raise TypeError("Interval kind must be numbers.Integral or numbers.Real")

    @property
    def _low_closed(self) -> bool:
        return self.closed in ("left", "both")

    @property
    def _high_closed(self) -> bool:
        return self.closed in ("right", "both")

    def check(self, name: str, value: Any, checked: Mapping[str, Any]) -> Any:
        if self.kind is Integral:
            low = None if self.low is None else int(self.low) + (0 if self._low_closed else 1)
            high = None if self.high is None else int(self.high) - (0 if self._high_closed else 1)
            return check_int(name, value, low=low, high=high)
        if isinstance(value, bool) or not isinstance(value, Real) or not np.isfinite(value):
            raise ValueError(f"{name} must be a finite number{self._real_range()}, got {value!r}")
        value = float(value)
        if abs(value) > LARGEST_MAGNITUDE:
            raise ValueError(
                f"{name} must be{self._real_range()} and at most {LARGEST_MAGNITUDE:.0e} in size "
                f"(squares of larger numbers overflow), got {value:.3g}"
            )
        too_low = self.low is not None and (value < self.low or (value == self.low and not self._low_closed))
        too_high = self.high is not None and (value > self.high or (value == self.high and not self._high_closed))
        if too_low or too_high:
            raise ValueError(f"{name} must be{self._real_range()}, got {value}")
        return value

    def _real_range(self) -> str:
        low = None if self.low is None else float(self.low)
        high = None if self.high is None else float(self.high)
        if low is not None and high is None:
            return f" {'>=' if self._low_closed else '>'} {low}"
        if high is not None and low is None:
            return f" {'<=' if self._high_closed else '<'} {high}"
        if low is not None and high is not None:
            left = "[" if self._low_closed else "("
            right = "]" if self._high_closed else ")"
            return f" in {left}{low}, {high}{right}"
        return ""

    def describe(self) -> str:
        if self.kind is Integral:
            low = None if self.low is None else int(self.low) + (0 if self._low_closed else 1)
            high = None if self.high is None else int(self.high) - (0 if self._high_closed else 1)
            return f"an integer{_range(low, high)}"
        return f"a finite number{self._real_range()}"


@dataclass(frozen=True)
class Options(Constraint):
    """One of a few strings: ``Options(("full", "tied", "diag", "spherical"))``."""

    values: tuple[str, ...]

    def check(self, name: str, value: Any, checked: Mapping[str, Any]) -> str:
        return check_choice(name, value, self.values)

    def describe(self) -> str:
        return "one of " + ", ".join(repr(v) for v in self.values)


@dataclass(frozen=True)
class RandomState(Constraint):
    """None, an integer seed from 0 to 2**32 - 1, or a numpy ``Generator`` / ``RandomState``.

    The value is returned as given (a seed stays a seed): the generator is
    made when a run starts, so that every run of one estimator draws the same.
    """

    def check(self, name: str, value: Any, checked: Mapping[str, Any]) -> Any:
        if isinstance(value, Integral) and not isinstance(value, bool) and 0 <= int(value) <= _LARGEST_SEED:
            return value  # seeding a RandomState only to check the seed costs a fraction of a millisecond
        if value is not None:
            check_random_state(value)  # a generator passes; anything else raises its message
        return value

    def describe(self) -> str:
        return "None, an integer from 0 to 4294967295 or a numpy random generator"


@dataclass(frozen=True)
class Array(Constraint):
    """An array-like, checked and normalised by ``convert(name, value, checked)``.

    ``convert`` returns a read-only float64 array or raises a one-line
    ``ValueError`` naming the parameter and the expected shape.
    """

    convert: Callable[[str, Any, Mapping[str, Any]], np.ndarray]
    shape: str = "array-like"

    def check(self, name: str, value: Any, checked: Mapping[str, Any]) -> np.ndarray:
        return self.convert(name, value, checked)

    def describe(self) -> str:
        return f"an array of shape {self.shape}"


@dataclass(frozen=True)
class Optional(Constraint):
    """None, or what ``inner`` allows."""

    inner: Constraint

    def check(self, name: str, value: Any, checked: Mapping[str, Any]) -> Any:
        return None if value is None else self.inner.check(name, value, checked)

    def describe(self) -> str:
        return f"None or {self.inner.describe()}"


@dataclass(frozen=True)
class Rule(Constraint):
    """A rule that needs its own code (K-Means' ``init``: a method's name or an array of centres)."""

    convert: Callable[[str, Any, Mapping[str, Any]], Any]
    description: str

    def check(self, name: str, value: Any, checked: Mapping[str, Any]) -> Any:
        return self.convert(name, value, checked)

    def describe(self) -> str:
        return self.description


def float_array(name: str, value: Any) -> np.ndarray:
    """``value`` as a read-only float64 array, or a one-line ``ValueError`` naming ``name``.

    Parameters
    ----------
    name : str
    value : array-like

    Returns
    -------
    ndarray, float64, read-only, finite
    """
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers, got {short_repr(value)}") from None
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} holds NaN or infinite values; give finite numbers")
    if arr.size and np.abs(arr).max() > LARGEST_MAGNITUDE:
        raise ValueError(
            f"{name} holds {np.abs(arr).max():.3g}, beyond {LARGEST_MAGNITUDE:.0e} (squares of larger numbers "
            "overflow); rescale the data and the values"
        )
    arr.flags.writeable = False
    return arr


def short_repr(value: Any, limit: int = 60) -> str:
    """``repr(value)`` on one line and at most ``limit`` characters, for messages."""
    text = " ".join(repr(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
