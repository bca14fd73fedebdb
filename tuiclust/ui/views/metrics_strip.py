"""The scores strip on the explorer's main screen: how good is the clustering at this step?

One line under the plot with the silhouette, Calinski-Harabasz and
Davies-Bouldin scores of the step on screen, each with the direction that is
better (↑ higher, ↓ lower). ``m`` shows and hides it; ``M`` opens the
silhouette plot of the same step.

The scores are computed in a thread worker, one computation at a time: when
the step changes during a computation, the newest step is scored next and
the steps in between are skipped (playback never waits for the scores).
Results are cached by data and labels, so stepping back is instant.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from ...analysis.scores import SCORES_CACHE, ClusteringScores, score_clustering, scores_key
from ...core.steps import PointKind, Step
from .base import one_line
from .formatting import short_number

__all__ = ["MetricsStrip", "scores_text"]

UP = "\u2191"
DOWN = "\u2193"


@dataclass(frozen=True, eq=False)
class _Job:
    token: int
    X: np.ndarray
    labels: np.ndarray


class _Scored(Message):
    def __init__(self, token: int, scores: ClusteringScores | None, error: str | None) -> None:
        super().__init__()
        self.token, self.scores, self.error = token, scores, error


def _silhouette_words(scores: ClusteringScores) -> str:
    if scores.silhouette is None:
        return "\u2013"
    approx = "\u2248" if scores.silhouette_sample else ""
    return f"{approx}{scores.silhouette:.3f}"


def scores_text(
    scores: ClusteringScores | None,
    *,
    width: int,
    pending: bool = False,
    unvisited: bool = False,
    error: str | None = None,
) -> Text:
    """The strip's line for ``scores``, the most words that fit in ``width`` cells.

    Parameters
    ----------
    scores : ClusteringScores or None
        None: nothing computed yet.
    width : int
        Cells available.
    pending : bool
        A newer step is being scored (the numbers shown are dimmed).
    unvisited : bool
        DBSCAN has not visited every point yet (they are scored with the noise).
    error : str, optional
    """
    if error is not None:
        return Text(f"Scores could not be computed: {error}", style="italic", no_wrap=True, overflow="ellipsis")
    if scores is None:
        return Text("Scores: computing\u2026", style="dim italic", no_wrap=True)
    if not scores.defined:
        for tail in (" \u00b7 silhouette, Calinski-Harabasz and Davies-Bouldin need 2 clusters or more", ""):
            text = Text(no_wrap=True, overflow="ellipsis")
            text.append("Scores ", style="bold")
            text.append(f"n/a \u2013 {scores.reason}", style="italic")
            text.append(tail, style="dim")
            if text.cell_len <= width:
                break
        return text
    notes = []
    if unvisited:
        notes.append("unvisited and noise points scored as one cluster")
    elif scores.has_noise:
        notes.append("noise scored as one cluster")
    if scores.silhouette_sample:
        notes.append(f"silhouette on {scores.silhouette_sample:,} sampled points")
    # From the most words to the fewest: the first that fits wins.
    variants = (
        (True, True, True, True, True),
        (True, True, False, True, True),
        (True, False, False, True, True),
        (True, False, False, False, True),
        (False, False, False, True, True),
        (False, False, False, False, True),
        (False, False, False, False, False),
    )
    for long_names, long_key, with_notes, with_hint, with_clustered in variants:
        text = _scores_line(
            scores, pending, long_names, long_key, notes if with_notes else [], with_hint, with_clustered
        )
        if text.cell_len <= width:
            return text
    return text


def _scores_line(
    scores: ClusteringScores,
    pending: bool,
    long_names: bool,
    long_key: bool,
    notes: list[str],
    hint: bool,
    clustered: bool,
) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    if long_names:
        text.append("Scores ", style="bold")
    names = ("silhouette", "Calinski-Harabasz", "Davies-Bouldin") if long_names else ("silhouette", "CH", "DB")
    values = (
        (_silhouette_words(scores), UP),
        (short_number(scores.calinski_harabasz), UP),
        (short_number(scores.davies_bouldin, 3), DOWN),
    )
    number_style = "dim" if pending else "bold"
    for i, (name, (value, arrow)) in enumerate(zip(names, values)):
        if i:
            text.append(" \u00b7 ", style="dim")
        text.append(f"{name} ")
        text.append(value, style=number_style)
        text.append(arrow, style="bold")
        if i == 0 and clustered and scores.silhouette_clustered is not None:
            words = "without noise" if long_names else "w/o noise"
            text.append(f" ({scores.silhouette_clustered:.3f} {words})", style="dim")
    text.append(f"  ({UP} higher, {DOWN} lower is better)" if long_key else f"  {UP}{DOWN} better", style="dim")
    if notes:
        text.append(f" \u00b7 {'; '.join(notes)}", style="dim")
    if hint:
        text.append(" \u00b7 M: silhouette plot" if long_names else " \u00b7 M plot", style="dim")
    return text


class MetricsStrip(Static):
    """One line of scores for the step on screen; hidden until ``m``.

    Call :meth:`show_step` whenever the explorer shows a step; nothing is
    computed while the strip is hidden.
    """

    DEFAULT_CSS = """
    MetricsStrip {
        display: none;
        height: 1;
        padding: 0 1;
        background: $boost;
    }
    MetricsStrip.-on { display: block; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self._X: np.ndarray | None = None
        self._step: Step | None = None
        self._token = 0
        self._busy = False
        self._waiting: _Job | None = None
        self.scores: ClusteringScores | None = None
        self.scores_token = -1  # token of the step that ``scores`` belongs to
        self.error: str | None = None

    @property
    def shown(self) -> bool:
        return self.has_class("-on")

    @property
    def current(self) -> bool:
        """The scores on display belong to the step on screen."""
        return self.scores_token == self._token and (self.scores is not None or self.error is not None)

    def toggle(self) -> bool:
        """Show or hide the strip; returns True when it is now shown."""
        self.set_class(not self.shown, "-on")
        if self.shown:
            self._request()
        return self.shown

    def set_shown(self, on: bool) -> None:
        """Show (and score) or hide the strip, whatever it was."""
        if on != self.shown:
            self.toggle()

    def show_step(self, X: np.ndarray | None, step: Step | None) -> None:
        """The explorer shows ``step`` of data ``X``: score it (if the strip is on)."""
        if step is self._step and X is self._X:
            return
        self._X, self._step = X, step
        self._token += 1
        if self.shown:
            self._request()
        else:
            self.refresh()

    def _request(self) -> None:
        if self._X is None or self._step is None:
            self.scores, self.error = None, None
            self.refresh()
            return
        if self.scores_token == self._token:
            self.refresh()
            return
        job = _Job(self._token, self._X, self._step.labels)
        hit = SCORES_CACHE.get(scores_key(job.X, job.labels)) if job.X.shape[0] <= 200_000 else None
        if hit is not None:
            self._show(job.token, hit, None)
            return
        self.refresh()  # dim the old numbers while the new ones come
        if self._busy:
            self._waiting = job  # the newest step is scored next; the ones in between never
            return
        self._start(job)

    def _start(self, job: _Job) -> None:
        self._busy = True
        self.run_worker(lambda: self._score(job), thread=True, group="metrics-strip", exit_on_error=False)

    def _score(self, job: _Job) -> None:
        try:
            key = scores_key(job.X, job.labels)
            scores = SCORES_CACHE.get(key)
            if scores is None:
                scores = score_clustering(job.X, job.labels)
                SCORES_CACHE.put(key, scores)
            self.post_message(_Scored(job.token, scores, None))
        except Exception as exc:  # noqa: BLE001 - a score must never take the explorer down
            self.post_message(_Scored(job.token, None, one_line(exc)))

    def on__scored(self, message: _Scored) -> None:
        self._busy = False
        self._show(message.token, message.scores, message.error)
        waiting, self._waiting = self._waiting, None
        if waiting is not None and waiting.token == self._token and self.shown and self.scores_token != self._token:
            self._start(waiting)

    def _show(self, token: int, scores: ClusteringScores | None, error: str | None) -> None:
        if token != self._token and token < self.scores_token:
            return
        self.scores, self.error, self.scores_token = scores, error, token
        self.refresh()

    def _unvisited(self) -> bool:
        kinds = self._step.point_kinds if self._step is not None else None
        if kinds is None or self._step is None or self._step.kind_counts is None:
            return False
        return self._step.kind_counts[PointKind.UNVISITED] > 0

    def render(self) -> Text:
        pending = self.scores_token != self._token
        return scores_text(
            self.scores, width=self.size.width, pending=pending, unvisited=self._unvisited(), error=self.error
        )
