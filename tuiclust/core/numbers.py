"""How numbers read in messages: one formatter for the core's step messages (and the UI's).

Every message the algorithms write goes through these few functions, so
that a number looks the same in every phase log line, whichever algorithm
wrote it. They are plain functions of their arguments (no locale, no state).

Styles of :func:`format_number`:

``"short"``
    Thousands separated above 1,000, four significant digits in the usual
    range, scientific below 0.01: ``1,204.7``, ``12.35``, ``0.0123``,
    ``1.20e-07``.
any Python format spec (``".3f"``, ``"+.3f"``, ``".2g"``, ``".3g"``)
    Applied as ``format(x, spec)``.

A minus sign is the typographic minus (U+2212) unless ``ascii_minus`` is
set: it lines up with ``+`` in a column of changes and reads as a sign, not
a hyphen.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

__all__ = [
    "MINUS",
    "ROUNDING_FRACTION",
    "ZERO_CHANGE",
    "count",
    "format_change",
    "format_number",
    "format_numbers",
    "format_percent_change",
    "is_zero_change",
    "plural",
]

#: The typographic minus sign used in messages.
MINUS = "\u2212"


def format_number(x: float, style: str = "short", *, ascii_minus: bool = False) -> str:
    """Format one number for a message.

    Parameters
    ----------
    x : float
    style : str, default "short"
        ``"short"`` (see the module docstring) or a Python format spec.
    ascii_minus : bool, default False
        Keep ``-`` instead of the typographic minus (also in exponents).

    Returns
    -------
    str
    """
    if style == "short":
        ax = abs(x)
        if ax >= 1000:
            text = f"{x:,.1f}"
        elif ax >= 0.01 or ax == 0:
            text = f"{x:.4g}"
        else:
            text = f"{x:.2e}"
    else:
        text = format(x, style)
    return text if ascii_minus else text.replace("-", MINUS)


#: A change no larger than this fraction of the value it changes (at least of 1) reads as ``±0``:
#: below it lie the rounding of sums over many points and reg_covar's nudge to a converged
#: GMM's covariances (EM on regularised covariances may then "fall" by ~1e-12), never a real move.
ROUNDING_FRACTION = 1e-9
ZERO_CHANGE = "\u00b10"


def is_zero_change(x: float, reference: float | None = None) -> bool:
    """True when ``x`` is zero, or (given the ``reference`` value it changes) within rounding of it."""
    if x == 0:
        return True
    if reference is None or not (math.isfinite(x) and math.isfinite(reference)):
        return False
    return abs(x) <= ROUNDING_FRACTION * max(1.0, abs(reference))


def format_change(x: float, reference: float | None = None) -> str:
    """A signed change: ``+0.125``, ``−3.10e-05`` (two significant digits when tiny), ``±0`` for none.

    Parameters
    ----------
    x : float
        The change.
    reference : float, optional
        The value that changed (a log-likelihood): a change within rounding of
        zero for it (see :data:`ROUNDING_FRACTION`) reads ``±0``, never as a fall.
    """
    if is_zero_change(x, reference):
        return ZERO_CHANGE
    return format_number(x, "+.3f" if abs(x) >= 0.001 else "+.2e")


def format_percent_change(new: float, old: float) -> str:
    """``" (−12.5%)"``, ``" (+0.3%)"`` or ``" (±0.0%)"`` from ``old`` to ``new``; ``""`` when ``old <= 0``."""
    if old <= 0:
        return ""
    change = 100.0 * (new - old) / old
    text = f"{abs(change):.1f}%"
    return f" ({MINUS if change < 0 else '+'}{text})" if text != "0.0%" else " (\u00b10.0%)"


def format_numbers(values: Iterable[float], style: str = ".2f", *, limit: int = 8, separator: str = " ") -> str:
    """Several numbers in one style, at most ``limit`` of them (then ``…``)."""
    values = list(values)
    text = separator.join(format_number(float(v), style) for v in values[:limit])
    return text + (" …" if len(values) > limit else "")


def plural(n: int) -> str:
    """``"s"`` unless ``n == 1``."""
    return "" if n == 1 else "s"


def count(n: int, noun: str, *, grouped: bool = True) -> str:
    """``"1 point"``, ``"1,204 points"``: a count and its noun (``grouped=False``: ``"1204 points"``)."""
    return f"{n:,} {noun}{plural(n)}" if grouped else f"{n} {noun}{plural(n)}"
