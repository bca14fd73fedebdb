"""Where an output goes, and the one way tuiclust writes there.

Every file the program writes (``fit -o``, the explorer's ``x``, ``record -o``
casts, GIFs and pages, ``--svg`` frames) goes through this module, so the
rules are the same everywhere:

- a **regular file** (or a name that does not exist yet) is written under a
  short temporary name in the same folder and renamed over the target at the
  end: a failure or a signal never leaves half a file, and an older file stays
  intact until the new one is complete;
- a **symlink** is followed: the file it points to is replaced and the link
  stays a link; a link to nothing, or a loop, is refused;
- a **FIFO**, a **terminal** or another **character device** (``/dev/null``,
  ``/dev/full``) is written through, as a shell redirection would; it is never
  replaced by a file. A FIFO nobody reads is refused after a short wait
  instead of blocking forever;
- ``-`` (where a command allows it), ``/dev/stdout``, ``/dev/stderr`` and
  ``/dev/fd/N`` write to that open descriptor, keeping the shell's redirection
  (``>>`` appends);
- a **folder**, a **block device** or a **socket** is refused;
- a **fresh** destination (a default export name) chooses its name and creates
  the file in one atomic step (a hard link, or ``O_EXCL`` where links are not
  possible): two runs at once never get the same name.

Every problem is a :class:`~tuiclust.errors.UsageError` of one line. A
temporary file still being written is listed in a registry, so a signal
handler can remove it (:func:`remove_unfinished`).
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from tuiclust.errors import UsageError
from tuiclust.safe_text import SHOWN_LIMIT, shown

__all__ = [
    "Destination",
    "Output",
    "destination",
    "fresh_destination",
    "output_path",
    "path_problem",
    "refuse_inputs",
    "remove_unfinished",
    "shown_path",
    "take_unreported",
    "unfinished",
    "write_bytes",
    "write_output",
]

Kind = Literal["file", "stream", "descriptor"]

#: Longest file name (one path component) most file systems take.
NAME_MAX = 255
#: Seconds a FIFO may go without a reader before the write is refused.
FIFO_WAIT_SECONDS = 10.0
#: Characters of a path quoted in a message; longer ones are cut in the middle
#: (the one limit of every quoted value, tuiclust.safe_text.SHOWN_LIMIT).
SHOWN_CHARS = SHOWN_LIMIT

_DESCRIPTOR_NAMES = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}
_DESCRIPTOR_PATH = re.compile(r"^/(?:dev/fd|proc/self/fd)/(\d+)$")

# Temporary files and folders being written now: removed by remove_unfinished() on a signal.
_UNFINISHED: set[Path] = set()
# Outputs complete but not yet reported by the command (see take_unreported()).
_COMPLETED: list[str] = []
# Re-entrant: a signal handler runs on the main thread, maybe while it holds the lock.
_UNFINISHED_LOCK = threading.RLock()


def shown_path(path: str | os.PathLike[str]) -> str:
    """``path`` as a message shows it: cut in the middle when it is very long."""
    text = shown(os.fspath(path), limit=None)  # a name's control characters are written out, never obeyed
    if len(text) <= SHOWN_CHARS:
        return text
    half = (SHOWN_CHARS - 1) // 2
    return f"{text[:half]}…{text[-half:]} ({len(text)} characters)"


def path_problem(exc: OSError) -> str:
    """What an OSError about a path means, in words for people."""
    code = exc.errno
    if code == errno.ENAMETOOLONG:
        return f"the name is too long (at most {NAME_MAX} characters per file or folder name)"
    if code in (errno.EACCES, errno.EPERM):
        return "permission denied; choose a folder you can write to"
    if code == errno.EROFS:
        return "the file system is read-only; choose another folder"
    if code in (errno.ENOSPC, errno.EDQUOT):
        return "no space left on the device"
    if code == errno.ELOOP:
        return "too many levels of symbolic links"
    return exc.strerror or str(exc)


@dataclass(frozen=True)
class Destination:
    """A checked output target.

    Attributes
    ----------
    given : str
        What the user wrote (``-o`` value), for messages.
    kind : {"file", "stream", "descriptor"}
        ``file``: replaced atomically; ``stream``: a FIFO or character device,
        written through; ``descriptor``: an open file descriptor.
    path : Path or None
        The file to write (a symlink resolved); for a fresh destination, the
        first name tried. None for a descriptor.
    fd : int or None
        The descriptor, for ``kind == "descriptor"``.
    fresh : bool
        Never replace anything: ``path``, else ``path`` with ``-2``, ``-3`` ...
        before the suffix, whichever is free when the file is created.
    """

    given: str
    kind: Kind
    path: Path | None = None
    fd: int | None = None
    fresh: bool = False

    @property
    def is_stdout(self) -> bool:
        """True when the output goes to this process's standard output (its summary should not)."""
        if self.kind == "descriptor":
            return self.fd == 1
        if self.kind == "stream" and self.path is not None:
            try:
                mine, theirs = os.fstat(1), os.stat(self.path)
            except OSError:
                return False
            return (mine.st_dev, mine.st_ino) == (theirs.st_dev, theirs.st_ino)
        return False

    @property
    def shown(self) -> str:
        """How messages name it."""
        if self.kind == "descriptor":
            return "standard output" if self.fd == 1 else self.given
        return shown_path(self.path if self.path is not None else self.given)


def _fail(given: str, problem: str, flag: str) -> UsageError:
    prefix = f"{flag} {shown_path(given)}" if flag else f"cannot write {shown_path(given)}"
    return UsageError(f"{prefix}: {problem}")


def destination(given: str | os.PathLike[str], *, flag: str = "-o", allow_dash: bool = False) -> Destination:
    """Check an output path before any work, and say how it will be written.

    Parameters
    ----------
    given : str or path
        As the user wrote it (``~`` is expanded).
    flag : str
        The option it came from, to start messages ("" for none).
    allow_dash : bool
        ``-`` means standard output.

    Raises
    ------
    UsageError
        An empty name, a name too long, a missing folder, a folder, a block
        device, a socket, a dangling or looping symlink.
    """
    text = os.fspath(given)
    if text == "":
        raise UsageError(f"{flag or 'the output'}: the file name is empty; give a file name")
    if text == "-" and allow_dash:
        return Destination(text, "descriptor", fd=1)
    fd = _descriptor_of(text)
    if fd is not None:
        return _descriptor_destination(text, fd, flag)
    path = Path(text).expanduser().absolute()
    if any(len(part.encode("utf-8", "surrogateescape")) > NAME_MAX for part in path.parts):
        raise _fail(text, f"the name is too long (at most {NAME_MAX} characters per file or folder name)", flag)
    try:
        link = os.lstat(path)
    except FileNotFoundError:
        link = None
    except OSError as exc:
        raise _fail(text, path_problem(exc), flag) from None
    folder_shown = Path(text).expanduser().parent  # as the user wrote it, in messages
    is_link = link is not None and stat.S_ISLNK(link.st_mode)
    if is_link:
        fd = _descriptor_behind(path)
        if fd is not None:  # lesson.cast -> /dev/stdout: the open descriptor, as the shell set it up
            return _descriptor_destination(text, fd, flag)
    try:
        # Follows links, /proc's too (a link to /dev/stdout reaches the pipe or terminal itself).
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if is_link:
            raise _fail(text, "is a symbolic link to a file that does not exist; give the file itself", flag) from None
        mode = None
    except OSError as exc:
        raise _fail(text, path_problem(exc), flag) from None
    if is_link and mode is not None and stat.S_ISREG(mode):
        # The file the link names is replaced; the link itself stays.
        try:
            path = Path(os.path.realpath(path, strict=True))
        except OSError as exc:
            raise _fail(text, path_problem(exc), flag) from None
        folder_shown = path.parent
    if mode is None or stat.S_ISREG(mode):
        _check_folder(text, path.parent, flag, shown=folder_shown)
        return Destination(text, "file", path=path)
    if stat.S_ISDIR(mode):
        raise _fail(text, f"is a folder; give a file name such as {shown_path(path / 'out')}", flag)
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return Destination(text, "stream", path=path)
    what = "a block device" if stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "not a file"
    raise _fail(text, f"is {what}; give a file, a FIFO or a terminal", flag)


def fresh_destination(folder: str | os.PathLike[str], stem: str, suffix: str) -> Destination:
    """A destination that takes ``stem + suffix`` in ``folder``, or the first free ``stem-N + suffix``.

    The name is chosen when the file is created (atomically), not now: this
    only checks the folder.
    """
    directory = Path(folder).expanduser().absolute()
    # Room for "-NNN" and the suffix: the name is cut, never refused.
    stem = stem[: NAME_MAX - len(suffix) - 8] or "output"
    path = directory / f"{stem}{suffix}"
    _check_folder(str(path), directory, "")
    return Destination(str(path), "file", path=path, fresh=True)


def refuse_inputs(dest: Destination, inputs: Mapping[str, str | os.PathLike[str]], *, flag: str = "-o") -> None:
    """Refuse ``dest`` when it is one of ``inputs`` (what -> path): by resolved path or by inode (hard links).

    Raises
    ------
    UsageError
        Naming which input the output would replace.
    """
    if dest.path is None or dest.fresh:
        return
    try:
        target = os.stat(dest.path)
    except OSError:
        target = None
    for what, source in inputs.items():
        try:
            same = Path(os.path.realpath(source)) == dest.path
            if not same and target is not None:
                info = os.stat(source)
                same = (info.st_dev, info.st_ino) == (target.st_dev, target.st_ino)
        except (OSError, ValueError):
            continue
        if same:
            raise _fail(dest.given, f"is {what} itself; write the output to another file", flag)


def _check_folder(given: str, folder: Path, flag: str, *, shown: Path | None = None) -> None:
    try:
        is_dir = folder.is_dir()
        exists = is_dir or folder.exists()
    except OSError as exc:
        raise _fail(given, path_problem(exc), flag) from None
    if not is_dir:
        what = "is not a folder" if exists else "does not exist"
        raise _fail(given, f"the folder {shown_path(shown or folder)} {what}; create it or choose another path", flag)
    if not os.access(folder, os.W_OK):
        # Refused before the work, not after it (a read-only folder or file system).
        problem = "is on a read-only file system" if _read_only(folder) else "is not writable (permission denied)"
        raise _fail(given, f"the folder {shown_path(shown or folder)} {problem}; choose another folder", flag)


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _descriptor_of(text: str) -> int | None:
    if text in _DESCRIPTOR_NAMES:
        return _DESCRIPTOR_NAMES[text]
    match = _DESCRIPTOR_PATH.match(text)
    return int(match.group(1)) if match else None


def _descriptor_behind(path: Path) -> int | None:
    """The descriptor a chain of symlinks leads to (``/dev/stdout``, ``/dev/fd/N`` ...), or None."""
    for _ in range(40):  # the kernel's own limit on links followed
        try:
            target = os.readlink(path)
        except OSError:
            return None
        path = path.parent / target
        fd = _descriptor_of(os.path.normpath(path))
        if fd is not None:
            return fd
    return None


def _descriptor_destination(text: str, fd: int, flag: str) -> Destination:
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        raise _fail(text, f"descriptor {fd} is not open", flag) from None
    if stat.S_ISDIR(mode):
        raise _fail(text, f"descriptor {fd} is a folder", flag)
    return Destination(text, "descriptor", fd=fd)


# --------------------------------------------------------------- writing
class Output:
    """An output being written (from :func:`write_output` or :func:`output_path`).

    Attributes
    ----------
    destination : Destination
    path : Path or None
        Once the block has ended: the file written (for a fresh destination,
        the name it got); None for a descriptor.
    n_bytes : int
        Bytes written, once the block has ended (for a stream, what the
        writer reports: 0 unless it says).
    """

    def __init__(self, dest: Destination) -> None:
        self.destination = dest
        self.path: Path | None = dest.path
        self.n_bytes = 0

    @property
    def shown(self) -> str:
        """How a report names what was written: the whole path of a file (its real name), else the stream."""
        if self.destination.kind == "file" and self.path is not None:
            return str(self.path)
        return self.destination.shown


def _temp_in(folder: Path) -> Path:
    # Short and fixed-length whatever the target's name: a valid 250-character
    # name must not be refused because its temporary name is too long.
    return folder / f".tuiclust-{secrets.token_hex(6)}.tmp"


def _create_temp(folder: Path, given: str) -> tuple[int, Path]:
    for _ in range(8):
        temp = _temp_in(folder)
        try:
            # O_EXCL: never opens anything that exists; 0o666 lets the umask decide, as for any new file.
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise _fail(given, path_problem(exc), "") from None
        unfinished(temp)
        return fd, temp
    raise _fail(given, "could not create a temporary file next to it", "")


def unfinished(path: Path) -> None:
    """Note a temporary file or folder being written, for :func:`remove_unfinished`."""
    with _UNFINISHED_LOCK:
        _UNFINISHED.add(path)


def _forget(temp: Path) -> None:
    with _UNFINISHED_LOCK:
        _UNFINISHED.discard(temp)


def remove_unfinished() -> None:
    """Remove every temporary file and folder still being written (for a signal handler: the process is ending)."""
    with _UNFINISHED_LOCK:
        pending = list(_UNFINISHED)
        _UNFINISHED.clear()
    for temp in pending:
        if temp.is_dir():
            shutil.rmtree(temp, ignore_errors=True)
        else:
            temp.unlink(missing_ok=True)


def _completed(result: Output) -> None:
    with _UNFINISHED_LOCK:
        if result.path is not None and any(folder in result.path.parents for folder in _UNFINISHED):
            return  # a step on the way (a cast in a private folder), not an output of its own
        _COMPLETED.append(result.shown)


def take_unreported() -> list[str]:
    """The outputs completed since the last call, by name; a command calls it once it has reported them.

    A run interrupted after an output is complete (a signal during the summary)
    reports these, so the user learns of the file it made.
    """
    with _UNFINISHED_LOCK:
        done = list(_COMPLETED)
        _COMPLETED.clear()
    return done


def _numbered(path: Path, number: int) -> Path:
    return path if number == 1 else path.with_name(f"{path.stem}-{number}{path.suffix}")


def _commit_file(temp: Path, dest: Destination) -> Path:
    """Move the complete ``temp`` into place; returns the path it now has."""
    assert dest.path is not None
    if not dest.fresh:
        os.replace(temp, dest.path)
        return dest.path
    for number in range(1, 100_000):
        candidate = _numbered(dest.path, number)
        try:
            os.link(temp, candidate)  # fails if the name exists: choose and create in one step
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.EXDEV):
                raise
            # No hard links here (some network and FAT file systems): reserve the name, then fill it.
            try:
                os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            except FileExistsError:
                continue
            os.replace(temp, candidate)
            return candidate
        os.unlink(temp)
        return candidate
    raise OSError(errno.EEXIST, "no free name", str(dest.path))


def _open_stream(dest: Destination) -> int:
    """A descriptor to write ``dest`` through (a FIFO waits up to FIFO_WAIT_SECONDS for a reader)."""
    if dest.kind == "descriptor":
        assert dest.fd is not None
        return os.dup(dest.fd)
    assert dest.path is not None
    deadline = time.monotonic() + FIFO_WAIT_SECONDS
    while True:
        try:
            # Non-blocking: a FIFO nobody reads says so (ENXIO) instead of hanging.
            fd = os.open(dest.path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
            break
        except OSError as exc:
            if exc.errno != errno.ENXIO or time.monotonic() >= deadline:
                if exc.errno == errno.ENXIO:
                    raise _fail(
                        dest.given,
                        f"is a FIFO that nobody read for {FIFO_WAIT_SECONDS:g} s; start its reader first",
                        "",
                    ) from None
                raise _fail(dest.given, path_problem(exc), "") from None
            time.sleep(0.05)
    os.set_blocking(fd, True)
    return fd


@contextmanager
def write_output(dest: Destination, *, report: bool = True) -> Iterator[tuple[BinaryIO, Output]]:
    """Write ``dest``: yields a binary stream and the :class:`Output`, committed if the block ends normally.

    A file destination is written to a temporary file and moved into place;
    a stream or descriptor is written straight through. An ``OSError`` while
    writing becomes a one-line :class:`UsageError` (a reader that left, EPIPE,
    stays a ``BrokenPipeError`` so ``| head`` ends quietly). ``report=False``
    keeps it out of :func:`take_unreported` (one of many frames, say).
    """
    result = Output(dest)
    if dest.kind != "file":
        fd = _open_stream(dest)
        try:
            with open(fd, "wb", closefd=True) as stream:
                yield stream, result
                stream.flush()
            if report:
                _completed(result)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise _fail(dest.given, path_problem(exc), "") from None
        return
    assert dest.path is not None
    fd, temp = _create_temp(dest.path.parent, dest.given)
    try:
        with open(fd, "wb") as stream:
            yield stream, result
            stream.flush()
            os.fsync(stream.fileno())
            result.n_bytes = stream.tell()
        result.path = _commit_file(temp, dest)
        if report:
            _completed(result)
    except OSError as exc:
        raise _fail(dest.given, f"{path_problem(exc)}; nothing was written", "") from None
    finally:
        _forget(temp)
        temp.unlink(missing_ok=True)


@contextmanager
def output_path(dest: Destination) -> Iterator[tuple[Path, Output]]:
    """A temporary path for a program to fill; moved (or copied, for a stream) to ``dest`` afterwards.

    For another program (agg) that takes a file name: the file is complete
    before anything reaches ``dest``.
    """
    result = Output(dest)
    if dest.kind != "file":
        with tempfile.TemporaryDirectory(prefix="tuiclust-") as folder:
            unfinished(Path(folder))
            try:
                temp = Path(folder) / "output"
                temp.touch()
                yield temp, result
                with write_output(dest) as (stream, _), temp.open("rb") as source:
                    shutil.copyfileobj(source, stream)
                result.n_bytes = temp.stat().st_size
            finally:
                _forget(Path(folder))
        return
    assert dest.path is not None
    fd, temp = _create_temp(dest.path.parent, dest.given)
    os.close(fd)
    try:
        yield temp, result
        result.n_bytes = temp.stat().st_size
        result.path = _commit_file(temp, dest)
        _completed(result)
    except OSError as exc:
        raise _fail(dest.given, f"{path_problem(exc)}; nothing was written", "") from None
    finally:
        _forget(temp)
        temp.unlink(missing_ok=True)


def write_bytes(target: Destination | str | os.PathLike[str], data: bytes, *, report: bool = True) -> Output:
    """Write ``data`` to ``target`` by the rules above; returns the :class:`Output`."""
    dest = target if isinstance(target, Destination) else destination(target, flag="")
    with write_output(dest, report=report) as (stream, result):
        stream.write(data)
    result.n_bytes = len(data)
    return result
