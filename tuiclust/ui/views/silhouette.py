"""The silhouette plot: every point's silhouette, grouped by cluster and sorted.

The classic way to read a clustering without labels. Each cluster is a block
of horizontal bars, one per point (or per small run of points when there
are more points than rows), longest first: a wide, full block is a tight,
well separated cluster; a block that falls short of the mean (the dashed
line) is a weak one; bars to the left of zero are points that sit closer to
another cluster than to their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from ...analysis.scores import PROFILE_CACHE, SilhouetteProfile, profile_key, silhouette_profile
from ..palette import NOISE_MARKER, Palette, cluster_marker, detect_colour_mode, palette_for
from .base import LessonView
from .formatting import percent

__all__ = ["SilhouetteBars", "SilhouetteView", "allocate_rows", "bar_cells", "render_profile", "structure_words"]

_EIGHTHS = " \u258f\u258e\u258d\u258c\u258b\u258a\u2589"
_BAR_CHARS = frozenset("\u2588\u2590")  # cells a bar fills completely
_LABEL_WIDTH = 13
_MEAN_COLOUR = "#d55e00"  # vermillion, as the suggestions in the other views
_MEAN_STYLE = Style(color=_MEAN_COLOUR, bold=True)
# A cluster whose mean silhouette is this far below the overall mean is called weak.
WEAK_MARGIN = 0.1


def allocate_rows(sizes: list[int], rows: int) -> list[int]:
    """Rows for each cluster's block: in proportion to its size, at least one each.

    Parameters
    ----------
    sizes : list of int
        Points in each cluster.
    rows : int
        Rows available for bars (gaps between blocks already taken out).

    Returns
    -------
    list of int, summing to ``max(rows, len(sizes))``; no block gets more rows than points.
    """
    k = len(sizes)
    rows = max(rows, k)
    total = sum(sizes)
    share = [max(1, min(s, int(np.floor(rows * s / total)))) for s in sizes]
    # Hand out what rounding left over to the blocks that lost the most.
    while sum(share) < rows:
        gaps = [(rows * s / total - share[i]) if share[i] < s else -np.inf for i, s in enumerate(sizes)]
        i = int(np.argmax(gaps))
        if gaps[i] == -np.inf:
            break
        share[i] += 1
    while sum(share) > rows:
        i = int(np.argmax(share))
        share[i] -= 1
    return share


def bar_cells(value: float, zero: int, scale: float) -> tuple[int, int, str]:
    """Where a bar of ``value`` goes: (first cell, last cell + 1, characters).

    Positive bars start at the zero column and end with an eighth block;
    negative ones end at it, in whole and half cells (terminals have no
    right-aligned eighths).
    """
    if value >= 0:
        eighths = int(round(value * scale * 8))
        chars = "\u2588" * (eighths // 8) + (_EIGHTHS[eighths % 8] if eighths % 8 else "")
        return zero, zero + len(chars), chars
    halves = int(round(-value * scale * 2))
    full, half = divmod(halves, 2)
    chars = ("\u2590" if half else "") + "\u2588" * full
    return zero - len(chars), zero, chars


class SilhouetteBars(Widget):
    """Draws a :class:`SilhouetteProfile` to fit the widget."""

    DEFAULT_CSS = """
    SilhouetteBars { height: 1fr; width: 1fr; padding: 0 1; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.profile: SilhouetteProfile | None = None

    def show(self, profile: SilhouetteProfile | None) -> None:
        self.profile = profile
        self.refresh()

    def render(self) -> Text:
        profile = self.profile
        if profile is None:
            return Text("")
        palette = palette_for(detect_colour_mode(self.app))
        return render_profile(profile, self.size.width - 2, self.size.height, palette)


def _cluster_style(label: int, palette: Palette) -> Style:
    return palette.noise if label < 0 else palette.point(label)


def render_profile(profile: SilhouetteProfile, width: int, height: int, palette: Palette) -> Text:
    """The silhouette plot of ``profile`` in ``width`` x ``height`` cells.

    Layout: a label column (cluster marker, size, mean), then the bars from
    ``x_min`` to 1 with the zero line and the mean as a dashed line, and an
    axis with ticks on the last line.
    """
    width, height = max(width, _LABEL_WIDTH + 12), max(height, 4)
    bars_width = width - _LABEL_WIDTH - 1
    lowest = min(float(v.min()) for v in profile.values)
    x_min = min(-0.1, np.floor(lowest * 10) / 10)
    scale = (bars_width - 1) / (1.0 - x_min)  # cells per unit of silhouette
    zero = int(round(-x_min * scale))
    mean_col = zero + int(round(profile.mean * scale))

    k = len(profile.values)
    plot_rows = height - 2  # a header line and the axis
    gaps = k - 1 if plot_rows >= 2 * k - 1 + k else 0
    blocks = allocate_rows([v.size for v in profile.values], plot_rows - gaps)

    lines: list[Text] = []
    header = Text(no_wrap=True)
    header.append(" " * (_LABEL_WIDTH + 1 + max(0, mean_col - 4)))
    header.append(f"mean {profile.mean:.2f}", style=_MEAN_STYLE)
    lines.append(header)
    means = profile.cluster_means()
    for c, (label, values, rows) in enumerate(zip(profile.labels, profile.values, blocks)):
        style = _cluster_style(label, palette)
        marker = NOISE_MARKER if label < 0 else cluster_marker(label)
        name = "noise" if label < 0 else f"cluster {label}"
        tags = [f"{marker} {name}", f"{values.size:,} pts", f"avg {means[c]:.2f}"]
        chunks = np.array_split(values, rows)
        for r, chunk in enumerate(chunks):
            tag = tags[r] if r < len(tags) and (rows >= 3 or r == 0) else ""
            if rows < 3 and r == 0:
                # One line for the block: the mean must fit whole ("× noise -0.12", not "× noise avg -").
                tag = f"{marker} {label if label >= 0 else 'noise'} {means[c]:.2f}"
            line = Text(no_wrap=True, overflow="crop")
            line.append(f"{tag:<{_LABEL_WIDTH}.{_LABEL_WIDTH}} ", style=style if r == 0 else "dim")
            cells = [" "] * bars_width
            cell_styles: list[Style | str] = [""] * bars_width
            if chunk.size:
                first, last, chars = bar_cells(float(chunk.mean()), zero, scale)
                for i, ch in enumerate(chars):
                    if 0 <= first + i < bars_width:
                        cells[first + i] = ch
                        cell_styles[first + i] = style
            if cells[zero] == " ":
                cells[zero], cell_styles[zero] = "\u2502", "dim"
            if 0 <= mean_col < bars_width:
                under = cell_styles[mean_col]
                if cells[mean_col] in _BAR_CHARS and isinstance(under, Style):
                    # The line crosses the bar: keep the bar's colour behind it.
                    crossing = (
                        Style(color=_MEAN_COLOUR, bgcolor=under.color, bold=True)
                        if under.color is not None
                        else Style(reverse=True, bold=True)
                    )
                    cells[mean_col], cell_styles[mean_col] = "\u2506", crossing
                else:
                    cells[mean_col], cell_styles[mean_col] = "\u2506", _MEAN_STYLE
            for ch, st in zip(cells, cell_styles):
                line.append(ch, style=st)
            lines.append(line)
        if gaps and c < k - 1:
            gap = Text(" " * (_LABEL_WIDTH + 1), no_wrap=True)
            gap.append(" " * zero + "\u2502", style="dim")
            if mean_col > zero:
                gap.append(" " * (mean_col - zero - 1) + "\u2506", style=_MEAN_STYLE)
            lines.append(gap)
    lines.append(_axis(x_min, zero, scale, bars_width))
    out = Text(no_wrap=True, overflow="crop")
    for i, line in enumerate(lines[:height]):
        if i:
            out.append("\n")
        out.append_text(line)
    return out


def _axis(x_min: float, zero: int, scale: float, bars_width: int) -> Text:
    """Tick labels every 0.2 (every 0.5 when cramped) under the bars."""
    step = 0.2 if scale * 0.2 >= 6 else 0.5
    chars = [" "] * bars_width
    tick = np.ceil(x_min / step) * step
    while tick <= 1.0 + 1e-9:
        col = zero + int(round(tick * scale))
        label = f"{tick:.1f}".replace("-0.0", "0").replace("0.0", "0") if abs(tick) > 1e-9 else "0"
        start = min(max(col - len(label) // 2, 0), bars_width - len(label))
        if all(c == " " for c in chars[max(start - 1, 0) : start + len(label) + 1]):
            chars[start : start + len(label)] = list(label)
        tick += step
    line = Text(" " * (_LABEL_WIDTH + 1), no_wrap=True)
    line.append("".join(chars), style="dim")
    return line


class SilhouetteView(LessonView[None]):
    """The silhouette plot of one step; Escape closes it.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    labels : ndarray of shape (n_samples,)
        The step's clusters (-1, noise, counts as one more cluster).
    what : str
        The step, in words, for the title.
    """

    DEFAULT_CSS = """
    SilhouetteView #silhouette-info { height: auto; padding: 0 1; }
    """

    total = 1

    def __init__(self, X: np.ndarray, labels: np.ndarray, *, what: str) -> None:
        super().__init__(f"Silhouette plot \u00b7 {what}")
        self.X = X
        self.labels = np.asarray(labels)
        self.profile: SilhouetteProfile | None = None
        self._key = profile_key(X, self.labels) if X.shape[0] <= 200_000 else None

    def compose_body(self) -> Iterable[Widget]:
        yield SilhouetteBars(id="silhouette-bars")
        yield Static("", id="silhouette-info")

    def cached(self) -> SilhouetteProfile | None:
        return PROFILE_CACHE.get(self._key) if self._key is not None else None

    def compute(self, report: Callable[[Any, str], None]) -> SilhouetteProfile:
        profile = silhouette_profile(self.X, self.labels)
        PROFILE_CACHE.put(profile_key(self.X, self.labels), profile)
        report(None, "silhouettes computed")
        return profile

    def show_result(self, result: SilhouetteProfile) -> None:
        self.profile = result
        self.query_one(SilhouetteBars).show(result)
        self.query_one("#silhouette-info", Static).update(self.info_text())

    def info_text(self) -> str:
        p = self.profile
        if p is None:
            return ""
        weak = [str(lab) for lab, m in zip(p.labels, p.cluster_means()) if lab >= 0 and m < p.mean - WEAK_MARGIN]
        lines = [
            f"[b]mean silhouette {p.mean:.3f}[/b] (dashed line): {structure_words(p.mean)} \u00b7 "
            f"{percent(p.negative_share())} of the points are negative (nearer another cluster)",
            "Wide, full blocks are tight, well separated clusters; a block well short of the line is weak"
            + (f" (here: cluster{'s' if len(weak) > 1 else ''} {', '.join(weak)})" if weak else "")
            + ". The silhouette favours round clusters.",
        ]
        notes = []
        if -1 in p.labels:
            notes.append("noise (-1) is scored as one more cluster, as scikit-learn does")
        if p.sampled:
            notes.append(f"a random sample of {p.n_used:,} of {p.n_total:,} points")
        if notes:
            lines.append(f"[dim]{'; '.join(notes)}[/]")
        return "\n".join(lines)


def structure_words(mean: float) -> str:
    """Kaufman and Rousseeuw's reading of a mean silhouette (Finding Groups in Data, 1990)."""
    if mean > 0.70:
        return "strong structure"
    if mean > 0.50:
        return "reasonable structure"
    if mean > 0.25:
        return "weak structure, maybe artificial"
    return "no substantial structure"
