"""A cursor over the steps of one run, recorded lazily as they are computed.

The algorithm's ``steps(X)`` generator is the only producer. A worker thread
calls :meth:`Timeline.compute_ahead` to pull steps out of it; the UI thread
moves the cursor and reads recorded steps. Recorded steps are never changed,
so reading one needs no lock; the lock guards the generator and the list's
growth.

No UI code here: the timeline is useful (and tested) on its own.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

from tuiclust.core.steps import Step
from tuiclust.errors import first_line

__all__ = ["Timeline"]


class Timeline:
    """Steps of one run, a cursor over them, and the generator that makes more.

    Parameters
    ----------
    steps : iterator of Step
        Usually ``algorithm.steps(X)``. It is consumed lazily, one step at a
        time, by :meth:`compute_ahead`.

    Notes
    -----
    Thread model: one worker thread calls :meth:`compute_ahead`; the UI
    thread calls everything else. ``len(timeline)`` may grow between two
    reads on the UI thread, never shrink.
    """

    def __init__(self, steps: Iterator[Step]) -> None:
        self._source: Iterator[Step] | None = iter(steps)
        self._steps: list[Step] = []
        self._lock = threading.Lock()
        self._index = 0
        self._error: str | None = None

    # ----------------------------------------------------------- producing
    def compute_ahead(self, max_steps: int = 1) -> int:
        """Pull up to ``max_steps`` more steps from the generator and record them.

        Safe to call from a worker thread. An exception raised by the
        generator (a ``ValueError`` for degenerate data or a collapsed
        component, a ``MemoryError`` ...) ends the timeline: the steps so
        far are kept and a one-line message is stored in :attr:`error`.

        Returns
        -------
        int
            How many steps were added (0 once :attr:`finished`).
        """
        added = 0
        with self._lock:
            while added < max_steps and self._source is not None:
                try:
                    step = next(self._source)
                except StopIteration:
                    self._source = None
                    break
                except Exception as exc:  # noqa: BLE001 - a failing generator ends the run; its steps stay
                    self._source = None
                    self._error = _describe(exc)
                    break
                # list.append is atomic: a reader sees the old or the new length.
                self._steps.append(step)
                added += 1
        return added

    def compute_all(self) -> int:
        """Compute every remaining step (for small runs and tests); returns how many were added."""
        total = 0
        while not self.finished:
            total += self.compute_ahead(64)
        return total

    @property
    def finished(self) -> bool:
        """True once the generator is exhausted (or stopped by an error)."""
        return self._source is None

    @property
    def error(self) -> str | None:
        """Why the run stopped early (one line), if it did."""
        return self._error

    # ------------------------------------------------------------- reading
    def __len__(self) -> int:
        """Steps computed so far."""
        return len(self._steps)

    def __getitem__(self, index: int) -> Step:
        return self._steps[index]

    @property
    def index(self) -> int:
        """Position of the cursor (0 before anything has been computed)."""
        return self._index

    @property
    def current(self) -> Step | None:
        """The step under the cursor, or None while nothing is computed yet."""
        if not self._steps:
            return None
        return self._steps[min(self._index, len(self._steps) - 1)]

    @property
    def at_end(self) -> bool:
        """True when the cursor is on the last computed step."""
        return self._index >= len(self._steps) - 1

    @property
    def at_last_step(self) -> bool:
        """True when the cursor is on the run's final step (nothing more will come)."""
        return self.finished and self.at_end

    # -------------------------------------------------------------- moving
    def seek(self, index: int) -> bool:
        """Move the cursor to ``index``, clamped to the computed steps.

        Returns
        -------
        bool
            True if the cursor moved.
        """
        last = max(len(self._steps) - 1, 0)
        target = min(max(index, 0), last)
        moved = target != self._index
        self._index = target
        return moved

    def forward(self) -> bool:
        """One step forward if it is computed; True if the cursor moved."""
        return self.seek(self._index + 1)

    def back(self) -> bool:
        """One step back; True if the cursor moved."""
        return self.seek(self._index - 1)

    def first(self) -> bool:
        """To the first step; True if the cursor moved."""
        return self.seek(0)

    def last(self) -> bool:
        """To the last computed step; True if the cursor moved."""
        return self.seek(len(self._steps) - 1)


def _describe(exc: BaseException) -> str:
    """One line for a person: the message of a ValueError, plain words for the rest."""
    if isinstance(exc, MemoryError):
        return "not enough memory to compute more steps; try fewer points or columns"
    text = first_line(exc)
    if isinstance(exc, ValueError) or text == type(exc).__name__:
        return text
    return f"{type(exc).__name__}: {text}"
