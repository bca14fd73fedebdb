"""Character devices to write to in tests, without risking the system's own.

A regression that replaced its target by a file would, as root, replace
/dev/null or /dev/full for the whole machine. So as root the tests write to
private copies made with mknod (the same major and minor numbers, in the
test's folder); as another user they write to the real ones, which no
regression can replace.
"""

from __future__ import annotations

import os
from pathlib import Path

_NUMBERS = {"null": (1, 3), "full": (1, 7)}


def char_device(name: str, folder: Path) -> Path:
    """``/dev/<name>``, or, as root, a private device node with its numbers in ``folder``."""
    if os.geteuid() != 0:
        return Path("/dev") / name
    path = folder / name
    major, minor = _NUMBERS[name]
    os.mknod(path, 0o666 | 0o020000, os.makedev(major, minor))  # S_IFCHR
    return path
