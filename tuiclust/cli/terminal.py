"""The interactive commands need a terminal: say so at once rather than wait for keys that never come.

The explorer (``tuiclust``, ``tuiclust SCENE``) and ``tuiclust play`` read
keys from standard input and draw on standard error (where Textual draws).
Without a terminal there (``tuiclust < /dev/null``, cron, a CI job, a pipe)
the app would start, draw into a file and wait for ever. ``record`` and
``fit`` need no terminal and do not call this.
"""

from __future__ import annotations

import os
import sys

from tuiclust.errors import UsageError

__all__ = ["require_terminal"]


def _is_terminal(stream: object) -> bool:
    try:
        return stream is not None and stream.isatty()  # type: ignore[attr-defined]
    except (OSError, ValueError):  # closed, or not a file at all
        return False


def require_terminal(command: str) -> None:
    """Raise a one-line :class:`UsageError` unless standard input and standard error are a terminal.

    Parameters
    ----------
    command : str
        What needs it, for the message (``"the explorer"``, ``"`tuiclust play`"``).
    """
    if os.environ.get("TEXTUAL_DRIVER"):  # a driver of its own (textual-serve's web driver): no terminal needed
        return
    missing = [
        name for name, stream in (("input", sys.__stdin__), ("error", sys.__stderr__)) if not _is_terminal(stream)
    ]
    if missing:
        which = " and ".join(f"standard {name}" for name in missing)
        verb = "are" if len(missing) > 1 else "is"
        raise UsageError(
            f"{command} needs a terminal to draw on and read keys from, and {which} {verb} not one; "
            "run it in a terminal (`tuiclust record` and `tuiclust fit` work without one)"
        )
