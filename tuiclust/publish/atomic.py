"""Writing a file all at once: a temporary file next to the target, renamed over it at the end.

A failure (a full disk, a renderer that crashes, Ctrl+C) never leaves half
a file behind, and an older file of the same name stays intact until the
new one is complete.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_path", "write_bytes_atomically"]


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """A temporary path in ``target``'s folder; renamed to ``target`` if the block ends normally.

    Parameters
    ----------
    target : path
        The file to create or replace. Its folder must exist.

    Yields
    ------
    Path
        An empty file to fill (by this process or by a program it runs).
    """
    target = Path(target)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temp = Path(name)
    # mkstemp makes the file private (0600); a published lesson is meant to be
    # shared, so give it the mode any new file gets under the user's umask.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temp, 0o666 & ~umask)
    try:
        yield temp
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def write_bytes_atomically(target: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically and return ``target`` as a Path."""
    target = Path(target)
    with atomic_path(target) as temp:
        temp.write_bytes(data)
    return target
