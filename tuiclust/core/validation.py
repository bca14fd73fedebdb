"""Checks shared by every algorithm: data and parameters, with messages for people."""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import numpy as np

__all__ = ["check_choice", "check_data", "check_int", "check_random_state", "check_real"]


def check_data(X: Any, *, name: str = "X") -> np.ndarray:
    """Return ``X`` as a C-contiguous float64 array of shape (n_samples, n_features).

    Raises
    ------
    ValueError
        If X is empty, not 2-D, not numeric, or holds NaN or infinity.
    """
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric, got {type(X).__name__} ({exc})") from None
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features), got shape {arr.shape}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); give at least one row and one column")
    if not np.isfinite(arr).all():
        bad = int(np.count_nonzero(~np.isfinite(arr)))
        raise ValueError(f"{name} holds {bad} NaN or infinite value(s); drop or fill them first")
    return np.ascontiguousarray(arr)


def check_int(name: str, value: Any, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as int, or raise ValueError naming ``name`` and the allowed range."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{name} must be an integer{_range(low, high)}, got {value!r}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must be an integer{_range(low, high)}, got {value}")
    return value


def check_real(name: str, value: Any, *, low: float | None = None, strict_low: bool = False) -> float:
    """Return ``value`` as float, or raise ValueError naming ``name``.

    ``strict_low`` makes ``low`` exclusive (for example eps > 0).
    """
    if isinstance(value, bool) or not isinstance(value, Real) or not np.isfinite(value):
        op = ">" if strict_low else ">="
        allowed = f" {op} {low}" if low is not None else ""
        raise ValueError(f"{name} must be a finite number{allowed}, got {value!r}")
    value = float(value)
    if low is not None and (value < low or (strict_low and value == low)):
        op = ">" if strict_low else ">="
        raise ValueError(f"{name} must be {op} {low}, got {value}")
    return value


def check_choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``allowed``, else raise ValueError listing them."""
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(repr(a) for a in allowed)}; got {value!r}")
    return value


# A legacy RandomState takes seeds in [0, 2**32 - 1].
_LARGEST_SEED = 2**32 - 1


def check_random_state(seed: Any) -> np.random.Generator | np.random.RandomState:
    """Turn ``seed`` (None, int, Generator or RandomState) into a random generator.

    A legacy ``RandomState`` is used for ints so that draws can match
    scikit-learn's where a test needs them to.
    """
    if seed is None:
        return np.random.RandomState()
    if isinstance(seed, (np.random.RandomState, np.random.Generator)):
        return seed
    if isinstance(seed, Integral) and not isinstance(seed, bool):
        if not 0 <= int(seed) <= _LARGEST_SEED:
            raise ValueError(f"random_state must be from 0 to {_LARGEST_SEED}, got {int(seed)}")
        return np.random.RandomState(int(seed))
    raise ValueError(f"random_state must be None, an integer or a numpy generator, got {seed!r}")


def _range(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f" from {low} to {high}"
    if low is not None:
        return f" >= {low}"
    if high is not None:
        return f" <= {high}"
    return ""
