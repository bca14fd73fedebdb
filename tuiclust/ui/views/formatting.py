"""Short numbers for tables and labels, in a fixed width."""

from __future__ import annotations

import math

__all__ = ["nice_ticks", "percent", "short_number"]

MINUS = "\u2212"


def short_number(x: float | None, digits: int = 4) -> str:
    """A number in at most about 8 characters: ``31,014``, ``236.7``, ``0.0968``, ``1.24M``, ``3.1e-05``.

    Parameters
    ----------
    x : float or None
        None (no value) gives "–".
    digits : int
        Significant digits for numbers below 10,000.
    """
    if x is None:
        return "\u2013"
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return ("" if x > 0 else MINUS) + "\u221e"
    ax = abs(x)
    if ax >= 1e9:
        text = f"{ax / 1e9:.3g}G"
    elif ax >= 1e6:
        text = f"{ax / 1e6:.3g}M"
    elif ax >= 1e4:
        text = f"{ax:,.0f}"
    elif ax >= 1e-3 or ax == 0:
        text = f"{ax:.{digits}g}"
    else:
        text = f"{ax:.1e}"
    return (MINUS + text) if x < 0 else text


def percent(share: float) -> str:
    """``0.954`` -> ``95.4 %``; whole percents above 99.95 and below 0.05 read as 100 % / 0 %."""
    value = 100.0 * share
    if value >= 99.95:
        return "100 %"
    if value < 0.05:
        return "0 %"
    return f"{value:.1f} %"


def nice_ticks(lo: float, hi: float, target: int = 5) -> tuple[list[float], list[str]]:
    """Round tick values covering [lo, hi], about ``target`` of them, with short labels.

    >>> nice_ticks(0, 31014, 5)[1]
    ['0', '10,000', '20,000', '30,000']
    """
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo], [short_number(lo)]
    raw = (hi - lo) / max(target, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    values = []
    v = first
    while v <= hi + 1e-9 * step:
        values.append(0.0 if abs(v) < 1e-12 * step else v)
        v += step
    digits = max(0, -int(math.floor(math.log10(step)))) if step < 1 else 0
    if max(abs(lo), abs(hi)) >= 1e6:
        labels = [f"{v / 1e6:g}M" if v else "0" for v in values]
    else:
        labels = [f"{v:,.{digits}f}".replace("-", MINUS) for v in values]
    return values, labels
