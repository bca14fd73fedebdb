"""Progress of a long headless run on standard error, so that `fit` never sits silent for minutes.

Nothing is shown for a run shorter than :data:`AFTER_SECONDS` when standard
error is a terminal (someone is waiting), or :data:`LOG_AFTER_SECONDS` when
it is a log file or pipe (a short run's log stays as it always was). After
that, a line says how long it has run and which step it is on: rewritten in
place on a terminal, repeated every :data:`EVERY_SECONDS` into a log. A
ticker thread writes it, so a single long step (k-means++ seeding a thousand
centres over millions of rows) still shows the clock moving.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self, TextIO

__all__ = ["AFTER_SECONDS", "EVERY_SECONDS", "LOG_AFTER_SECONDS", "Progress"]

#: Seconds of silence before the first progress line on a terminal.
AFTER_SECONDS = 3.0
#: Seconds of silence before the first progress line into a log file or pipe.
LOG_AFTER_SECONDS = 30.0
#: Seconds between progress lines when standard error is not a terminal.
EVERY_SECONDS = 30.0
#: Seconds between redraws on a terminal.
TERMINAL_EVERY_SECONDS = 1.0


class Progress:
    """Reports a run's steps on ``stream`` once it has lasted ``after`` seconds.

    Parameters
    ----------
    stream : text file
        Standard error, usually.
    what : str
        What is being clustered ("4,000,000 rows x 2 columns").
    after, every : float, optional
        Seconds before the first report, and between reports (default: on
        a terminal :data:`AFTER_SECONDS` and a second, else
        :data:`LOG_AFTER_SECONDS` and :data:`EVERY_SECONDS`).
    clock : callable
        Seconds, monotonic (a test passes its own).
    ticker : bool
        Start a thread that reports while a step is still running; a test
        calls :meth:`tick` itself instead.
    """

    def __init__(
        self,
        stream: TextIO,
        what: str,
        *,
        after: float | None = None,
        every: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        ticker: bool = True,
    ) -> None:
        self._stream = stream
        self._what = what
        self._in_place = _is_terminal(stream)
        if after is None:  # read now, so a test can set the module's
            after = AFTER_SECONDS if self._in_place else LOG_AFTER_SECONDS
        self._after = after
        self._every = every if every is not None else (TERMINAL_EVERY_SECONDS if self._in_place else EVERY_SECONDS)
        self._clock = clock
        self._start = clock()
        self._next = self._start + after
        self._n_steps = 0
        self._where = ""
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fit-progress", daemon=True) if ticker else None
        self.n_reports = 0

    def __enter__(self) -> Self:
        if self._thread is not None:
            self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            if self.n_reports and self._in_place:
                self._stream.write("\n")  # leave the last report; what follows starts on its own line
                self._stream.flush()

    def step(self, step: Any) -> None:
        """Note that ``step`` (a :class:`~tuiclust.core.steps.Step`) was reached; report if one is due."""
        phase = getattr(getattr(step, "phase", None), "label", None) or "step"
        iteration = getattr(step, "iteration", None)
        with self._lock:
            self._n_steps += 1
            self._where = f"{phase}, iteration {iteration}" if iteration else phase
        self.tick()

    def tick(self) -> None:
        """Write a report if the run has lasted long enough and one is due."""
        now = self._clock()
        with self._lock:
            if now < self._next:
                return
            self._next = now + self._every
            seconds = now - self._start
            if self._n_steps:
                done = f"{self._n_steps:,} step{'s' if self._n_steps != 1 else ''} done (last: {self._where})"
            else:  # k-means++ seeding many centres over many rows is one long first step
                done = "still on the first step"
            text = f"tuiclust: clustering {self._what}: {_clock_text(seconds)}, {done}"
            try:
                self._stream.write(f"\r\x1b[K{text}" if self._in_place else f"{text}\n")
                self._stream.flush()
            except (OSError, ValueError):  # stderr gone: progress is not worth failing the run for
                self._stop.set()
                return
            self.n_reports += 1

    def _run(self) -> None:
        while not self._stop.wait(min(0.5, self._every)):
            self.tick()


def _clock_text(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}" if whole >= 60 else f"{whole} s"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
