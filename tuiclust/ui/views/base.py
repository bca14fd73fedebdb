"""What every lesson view shares: a title, a body, progress while computing, a Footer.

A view computes its figure in a thread worker (:meth:`LessonView.compute`),
shows partial results as they arrive (:meth:`LessonView.show_partial`), and
the finished one at the end (:meth:`LessonView.show_result`). A result found
in the cache is shown at once, without a worker.

The view is a modal screen, so the explorer's keys are inactive while it is
open: the run it describes cannot change under it. Escape goes back without
changing anything; views that can apply a choice dismiss with it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import ProgressBar, Static
from textual.worker import get_current_worker

from tuiclust.errors import first_line

from ..footer import KeyFooter

__all__ = ["LessonView", "one_line"]

R = TypeVar("R")  # what the view dismisses with


one_line = first_line  # the views' name for it


class _Cancelled(Exception):
    """The view was closed: the worker stops at its next report."""


class _Partial(Message):
    def __init__(self, token: int, item: Any, text: str, done: int) -> None:
        super().__init__()
        self.token, self.item, self.text, self.done = token, item, text, done


class _Finished(Message):
    def __init__(self, token: int, result: Any) -> None:
        super().__init__()
        self.token, self.result = token, result


class _Failed(Message):
    def __init__(self, token: int, error: str) -> None:
        super().__init__()
        self.token, self.error = token, error


class LessonView(ModalScreen[R], Generic[R]):
    """Base of the lesson views.

    Subclasses implement :meth:`compose_body`, :meth:`cached`,
    :meth:`compute`, :meth:`show_partial` and :meth:`show_result`, and set
    :attr:`total` to the number of reports a full computation makes.

    Attributes
    ----------
    filled : bool
        The figure is complete on screen.
    fill_seconds : float or None
        Seconds from opening to the complete figure.
    from_cache : bool
        The figure came from the cache.
    error : str or None
        Why the figure could not be computed.
    staged : bool
        A lesson scene shows the view (``[parts.view]``): a caption line
        carries its narration, and the time the figure took is not shown
        (a recording must not depend on the machine's speed).
    """

    DEFAULT_CSS = """
    LessonView {
        background: $background;
        layout: vertical;
    }
    LessonView #view-title {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text;
        text-style: bold;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    LessonView #view-progress {
        height: 1;
        padding: 0 1;
    }
    LessonView #view-progress-text {
        width: 1fr;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    LessonView #view-progress-bar { width: auto; }
    LessonView #view-progress-bar Bar { width: 20; }
    LessonView #view-message {
        height: auto;
        padding: 0 1;
        color: $text-warning;
        display: none;
    }
    LessonView #view-caption {
        display: none;
        height: auto;
        max-height: 3;
        padding: 0 1;
        background: $boost;
        color: $text-accent;
        text-style: italic;
    }
    """

    BINDINGS = [Binding("escape", "back", "Back", key_display="esc")]

    total: int | None = None
    # False: the progress line goes once the figure is complete (for views short of rows).
    keep_progress_line: bool = True

    def __init__(self, title: str) -> None:
        super().__init__()
        self.view_title = title
        self.filled = False
        self.fill_seconds: float | None = None
        self.from_cache = False
        self.error: str | None = None
        self.staged = False
        self._token = 0
        self._opened = time.perf_counter()

    # ---------------------------------------------------------- to override
    def compose_body(self) -> Iterable[Widget]:
        """The widgets between the title and the progress line."""
        return ()

    def cached(self) -> Any | None:
        """The finished result, if the cache has it (UI thread; must be cheap)."""
        return None

    def compute(self, report: Callable[[Any, str], None]) -> Any:
        """Compute the result (worker thread). Call ``report(item, text)`` after each part."""
        raise NotImplementedError

    def show_partial(self, item: Any) -> None:
        """Show one part as it arrives (UI thread)."""

    def show_result(self, result: Any) -> None:
        """Show the finished result (UI thread)."""

    # ---------------------------------------------------------- machinery
    def compose(self) -> ComposeResult:
        yield Static(self.view_title, id="view-title")
        yield Static("", id="view-message")
        yield from self.compose_body()
        with Horizontal(id="view-progress"):
            yield Static("starting\u2026", id="view-progress-text")
            yield ProgressBar(total=self.total, show_eta=False, id="view-progress-bar")
        yield Static("", id="view-caption", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self._opened = time.perf_counter()
        self.restart()

    def restart(self) -> None:
        """(Re)compute the figure: from the cache when it has it, else in a worker."""
        self._token += 1
        self.filled = False
        self.error = None
        self.fill_seconds = None
        self._opened = time.perf_counter()
        result = self.cached()
        if result is not None:
            self.from_cache = True
            self._finish(result)
            return
        self.from_cache = False
        self.query_one("#view-progress").display = True
        bar = self.query_one("#view-progress-bar", ProgressBar)
        bar.update(total=self.total, progress=0)
        bar.display = True
        self.set_progress_text("computing\u2026")
        token = self._token
        self.run_worker(
            lambda: self._work(token), thread=True, exclusive=True, group="lesson-view", exit_on_error=False
        )

    def _work(self, token: int) -> None:
        worker = get_current_worker()
        done = 0

        def report(item: Any, text: str) -> None:
            nonlocal done
            if worker.is_cancelled or token != self._token:
                raise _Cancelled
            done += 1
            self.post_message(_Partial(token, item, text, done))

        try:
            result = self.compute(report)
        except _Cancelled:
            return
        except Exception as exc:  # noqa: BLE001 - a figure that cannot be computed must not end the lesson
            self.post_message(_Failed(token, one_line(exc)))
            return
        if not worker.is_cancelled:
            self.post_message(_Finished(token, result))

    def on__partial(self, message: _Partial) -> None:
        if message.token != self._token:
            return
        self.query_one("#view-progress-bar", ProgressBar).update(progress=message.done)
        self.set_progress_text(message.text)
        try:
            self.show_partial(message.item)
        except Exception as exc:  # noqa: BLE001 - the finished figure may still show
            self.show_message(f"Cannot show this part: {one_line(exc)}")

    def on__finished(self, message: _Finished) -> None:
        if message.token == self._token:
            self._finish(message.result)

    def on__failed(self, message: _Failed) -> None:
        if message.token != self._token:
            return
        self.error = message.error
        self.fill_seconds = time.perf_counter() - self._opened
        self.query_one("#view-progress-bar", ProgressBar).display = False
        self.set_progress_text("could not compute this figure")
        self.show_message(f"Cannot compute this figure: {message.error}")
        self.filled = True

    def _finish(self, result: Any) -> None:
        try:
            self.show_result(result)
        except Exception as exc:  # noqa: BLE001 - a view that cannot show its figure says why, and stays
            self.error = one_line(exc)
            self.show_message(f"Cannot show this figure: {self.error}")
        self.fill_seconds = time.perf_counter() - self._opened
        self.filled = True
        self.query_one("#view-progress-bar", ProgressBar).display = False
        self.set_progress_text(self.fill_words)
        self.query_one("#view-progress").display = self.keep_progress_line

    @property
    def fill_words(self) -> str:
        """ "from the cache" or "computed in 0.12 s" (empty until filled, or when staged by a scene)."""
        if self.fill_seconds is None or self.staged:
            return ""
        return "from the cache" if self.from_cache else f"computed in {self.fill_seconds:.2f} s"

    def set_progress_text(self, text: str) -> None:
        self.query_one("#view-progress-text", Static).update(text)

    def set_caption(self, text: str) -> None:
        """The lesson's narration under the figure (plain text; "" hides the line)."""
        caption = self.query_one("#view-caption", Static)
        caption.update(text)
        caption.display = bool(text)

    @property
    def caption_text(self) -> str:
        """The caption on screen ("" when none)."""
        caption = self.query_one("#view-caption", Static)
        return str(caption.render()) if caption.display else ""

    def select_value(self, value: Any) -> None:
        """Select ``value`` on the figure, as a lesson scene's ``select`` asks (views with a selection override)."""

    def show_message(self, text: str) -> None:
        """A line under the title for something the student must know (an error, no elbow...)."""
        message = self.query_one("#view-message", Static)
        message.update(text)
        message.display = bool(text)

    async def wait_until_filled(self, timeout: float = 30.0) -> None:
        """Wait until the figure is complete (for tests and benchmarks)."""
        deadline = time.perf_counter() + timeout
        while not self.filled:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{type(self).__name__} did not fill within {timeout} s")
            await asyncio.sleep(0.005)

    def action_back(self) -> None:
        """Back to the explorer, changing nothing."""
        self.dismiss(None)
