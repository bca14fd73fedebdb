"""Open an input file without ever blocking: regular files only.

``open()`` on a named pipe (FIFO) with no writer waits forever, and a device
such as ``/dev/zero`` or a terminal never ends. Inputs are therefore opened
with ``O_NONBLOCK`` (which makes opening a FIFO return at once), checked with
``fstat`` on the open descriptor (no race between the check and the read), and
refused unless they are regular files. ``/dev/stdin`` redirected from a file
is that file, and is read.
"""

from __future__ import annotations

import fcntl
import os
import stat
from pathlib import Path
from typing import BinaryIO

from tuiclust.errors import UsageError

__all__ = ["kind_of_special_file", "open_regular_file"]

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind_of_special_file(mode: int) -> str | None:
    """What a non-regular, non-folder file is, in words (``"a named pipe (FIFO)"``); None for others."""
    for test, words in _KINDS:
        if test(mode):
            return words
    return None


def open_regular_file(path: str | Path, *, what: str = "file") -> BinaryIO:
    """Open ``path`` for binary reading, refusing anything but a regular file, without blocking.

    Parameters
    ----------
    path : str or Path
    what : str
        What the file should be, for the message (``"CSV file"``, ``"scene file"``).

    Returns
    -------
    BinaryIO
        Open for reading, in blocking mode again.

    Raises
    ------
    tuiclust.errors.UsageError
        When ``path`` is a named pipe, a device or a socket.
    OSError
        When it cannot be opened (missing, permission, a folder ...): the
        caller words those.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            kind = kind_of_special_file(mode) or "not a regular file"
            # a pipe is read once and cannot be measured first: the data must be saved
            saved = stat.S_ISFIFO(mode) and what == "CSV file"
            hint = f"save the data first, e.g. cat {path} > data.csv" if saved else f"give a {what} on disk"
            raise UsageError(f"{path} is {kind}, not a regular {what}; {hint}")
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "is a folder", str(path))
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
