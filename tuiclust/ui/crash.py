"""An unexpected error ends the app with one line and a log, never a screen of traceback.

Textual ends an app on an unhandled exception by restoring the terminal
and printing a rich traceback with the local variables of every frame;
the command then carried on as if the app had ended well. With
:class:`CrashReport` mixed into the app, the traceback goes to a log file
and the terminal gets one line naming the error and that file; the app's
return code is 1, which the command line passes on as its exit status.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

from rich.console import Console

from tuiclust.errors import first_line

__all__ = ["CrashReport", "write_crash_log"]


def write_crash_log(details: str) -> Path:
    """Write ``details`` to a new private file in the temporary folder and return its path."""
    handle, name = tempfile.mkstemp(prefix="tuiclust-crash-", suffix=".log")
    with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace") as out:
        out.write(details)
    return Path(name)


class CrashReport:
    """Mix into a Textual ``App`` (before ``App``): crashes end with one line and a log file.

    Attributes
    ----------
    crash_log : Path or None
        The log of the first unexpected error, once there was one.
    """

    crash_log: Path | None = None
    _crash_line: str | None = None

    def _report_crash(self, summary: str, details: str) -> None:
        if self.crash_log is None:
            try:
                self.crash_log = write_crash_log(details)
                where = f"the traceback is in {self.crash_log}"
            except OSError as exc:
                where = f"no log could be written ({exc.strerror or exc})"
            self._crash_line = f"tuiclust: unexpected error{summary}; the app stopped, {where}"
        self._return_code = 1
        self._exit_renderables.clear()  # no traceback on screen: _print_error_renderables prints the line

    def _handle_exception(self, error: Exception) -> None:
        super()._handle_exception(error)  # type: ignore[misc]  # Textual's bookkeeping (Pilot re-raises it)
        self._report_crash(
            f" ({type(error).__name__}: {first_line(error)})", "".join(traceback.format_exception(error))
        )

    def panic(self, *renderables: Any) -> None:
        # Textual's input thread panics with a traceback when it dies.
        super().panic(*renderables)  # type: ignore[misc]
        if any(isinstance(r, BaseException) for r in renderables):
            return  # _handle_exception reports it, with its traceback
        text = io.StringIO()
        Console(file=text, width=120, color_system=None).print(*renderables)
        self._report_crash("", text.getvalue())

    def _print_error_renderables(self) -> None:
        # Called by Textual once the terminal is restored. The line is written as
        # it is: a rich console would wrap it at its width, and it is one line.
        if self._crash_line is None:
            super()._print_error_renderables()  # type: ignore[misc]
            return
        self._exit_renderables.clear()
        sys.stderr.write(self._crash_line + "\n")
        sys.stderr.flush()
