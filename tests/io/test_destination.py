"""The one write helper (tuiclust.io.destination): what is written through, followed, replaced or refused.

One test per class of target: a FIFO and a character device are written
through and stay what they are; a symlink is followed and stays a link; a
hard-linked file is replaced by rename (the other name keeps the old bytes:
proof that nothing is truncated in place); a folder, a socket and a dangling
link are refused in one line; a fresh name is chosen and created in one step.
"""

from __future__ import annotations

import os
import socket
import stat
import threading
from pathlib import Path

import pytest

from tuiclust.errors import UsageError
from tuiclust.io import destination as dst
from tuiclust.io.destination import destination, fresh_destination, refuse_inputs, write_bytes, write_output

from .devices import char_device


def read_fifo_in_thread(path: Path) -> tuple[threading.Thread, list[bytes]]:
    got: list[bytes] = []

    def read() -> None:
        with open(path, "rb") as fifo:
            got.append(fifo.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader, got


def test_a_fifo_is_written_through_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    reader, got = read_fifo_in_thread(fifo)
    dest = destination(fifo)
    assert dest.kind == "stream"
    write_bytes(dest, b"a,b\n1,2\n")
    reader.join(timeout=30)
    assert got == [b"a,b\n1,2\n"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]  # no temporary file beside it


def test_a_fifo_nobody_reads_is_refused_instead_of_blocking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    monkeypatch.setattr(dst, "FIFO_WAIT_SECONDS", 0.0)
    with pytest.raises(UsageError, match="is a FIFO that nobody read") as info:
        write_bytes(fifo, b"x")
    assert "\n" not in str(info.value)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_character_device_is_written_through_never_replaced(tmp_path: Path) -> None:
    null = char_device("null", tmp_path)
    before = os.stat(null)
    dest = destination(null)
    assert dest.kind == "stream"
    write_bytes(dest, b"discarded\n")
    after = os.stat(null)
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]


def test_a_full_device_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    full = char_device("full", tmp_path)
    with pytest.raises(UsageError, match=r"^cannot write .*full: no space left on the device$"):
        write_bytes(full, b"x" * 100_000)
    assert stat.S_ISCHR(os.stat(full).st_mode)


def test_standard_stream_names_are_descriptors_not_paths(tmp_path: Path) -> None:
    # Classified only: written through the descriptor, never by creating a file in /dev.
    assert [destination(name).fd for name in ("/dev/stdout", "/dev/stderr", "/dev/fd/1")] == [1, 2, 1]
    # A link to one (record picks its format by suffix) is that descriptor, not the file behind it.
    (tmp_path / "lesson.cast").symlink_to("/dev/stdout")
    assert destination(tmp_path / "lesson.cast").fd == 1


def test_a_symlink_is_followed_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(real.name)
    out = write_bytes(link, b"new\n")
    assert out.path == real
    assert link.is_symlink() and os.readlink(link) == "real.csv"
    assert real.read_bytes() == b"new\n"


def test_a_symlink_to_a_fifo_writes_through_it(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "out.cast"
    link.symlink_to(fifo)
    reader, got = read_fifo_in_thread(fifo)
    write_bytes(link, b"cast\n")
    reader.join(timeout=30)
    assert got == [b"cast\n"] and link.is_symlink() and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_dangling_or_looping_symlink_is_refused(tmp_path: Path) -> None:
    (tmp_path / "dangling.csv").symlink_to("nowhere.csv")
    with pytest.raises(UsageError, match="symbolic link to a file that does not exist"):
        destination(tmp_path / "dangling.csv")
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(UsageError, match="too many levels of symbolic links"):
        destination(tmp_path / "a")
    assert not (tmp_path / "nowhere.csv").exists()


def test_a_regular_file_is_replaced_by_rename_never_truncated_in_place(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    other_name = tmp_path / "hard-link.csv"
    os.link(target, other_name)
    write_bytes(target, b"new\n")
    # A rename gives the name a new inode: the other name still holds the old, complete file.
    assert target.read_bytes() == b"new\n" and other_name.read_bytes() == b"old\n"


def test_a_failure_while_writing_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    no_space = pytest.raises(UsageError, match="no space left on the device; nothing was written")
    with no_space, write_output(destination(target)) as (stream, _):
        stream.write(b"partial")
        raise OSError(28, "No space left on device")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


@pytest.mark.parametrize("what", ["folder", "socket"])
def test_a_folder_or_socket_is_refused_in_one_line(tmp_path: Path, what: str) -> None:
    path = tmp_path / "x"
    if what == "folder":
        path.mkdir()
        expected = "is a folder"
    else:
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        expected = "is a socket"
    with pytest.raises(UsageError, match=expected) as info:
        destination(path)
    assert "\n" not in str(info.value)


def test_descriptor_names_write_to_the_open_descriptor(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    log.write_text("kept\n")
    fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    try:
        dest = destination(f"/dev/fd/{fd}")
        assert dest.kind == "descriptor"
        write_bytes(dest, b"appended\n")
    finally:
        os.close(fd)
    assert log.read_text() == "kept\nappended\n"  # the shell's `>>` is kept: nothing replaced, nothing truncated
    assert destination("-", allow_dash=True).fd == 1


def test_a_long_valid_name_is_not_refused_for_its_temporary_name(tmp_path: Path) -> None:
    name = "b" * 246 + ".csv"  # 250 characters: valid on every common file system
    out = write_bytes(tmp_path / name, b"ok\n")
    assert out.path is not None and out.path.name == name and out.path.read_bytes() == b"ok\n"


def test_a_name_over_the_limit_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="the name is too long") as info:
        destination(tmp_path / ("a" * 300 + ".csv"), flag="-o")
    message = str(info.value)
    assert "\n" not in message and "a" * 300 not in message and "characters)" in message


def test_an_empty_name_is_one_line() -> None:
    with pytest.raises(UsageError, match="the file name is empty"):
        destination("", flag="-o")


def test_a_read_only_folder_is_refused_before_any_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Root may write anywhere, so the folder's verdict is what access(2) says, patched here.
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if Path(path) == tmp_path else real_access(path, mode))
    with pytest.raises(UsageError, match="is not writable|read-only"):
        destination(tmp_path / "out.cast", flag="-o")


def test_fresh_names_are_taken_atomically_by_concurrent_writers(tmp_path: Path) -> None:
    start = threading.Barrier(6)
    names: list[Path] = []

    def export(index: int) -> None:
        dest = fresh_destination(tmp_path, "blobs-kmeans-clusters", ".csv")
        with write_output(dest) as (stream, out):
            stream.write(f"writer {index}\n".encode())
            start.wait(timeout=30)  # all six hold a finished temporary file, then race for the name
        assert out.path is not None
        names.append(out.path)

    threads = [threading.Thread(target=export, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(set(names)) == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in names)  # every file kept
    assert sorted(p.read_text() for p in names) == [f"writer {i}\n" for i in range(6)]


def test_a_fresh_name_never_touches_what_holds_the_name(tmp_path: Path) -> None:
    fifo = tmp_path / "data-kmeans-clusters.csv"
    os.mkfifo(fifo)
    (tmp_path / "data-kmeans-clusters-2.csv").symlink_to("elsewhere.csv")  # dangling, still a name taken
    out = write_bytes(fresh_destination(tmp_path, "data-kmeans-clusters", ".csv"), b"x\n")
    assert out.path == tmp_path / "data-kmeans-clusters-3.csv"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and not (tmp_path / "elsewhere.csv").exists()


def test_an_input_is_refused_by_path_symlink_and_hard_link(tmp_path: Path) -> None:
    scene = tmp_path / "scene.toml"
    scene.write_text("title = 'x'\n")
    os.link(scene, tmp_path / "hard.cast")
    (tmp_path / "soft.cast").symlink_to(scene)
    for given in (scene, tmp_path / "hard.cast", tmp_path / "soft.cast", tmp_path / "sub" / ".." / "scene.toml"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        with pytest.raises(UsageError, match="is the scene file itself"):
            refuse_inputs(destination(given), {"the scene file": scene})
    refuse_inputs(destination(tmp_path / "new.cast"), {"the scene file": scene})  # another file: fine


def test_signal_cleanup_removes_a_temporary_file_still_being_written(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt), write_output(destination(tmp_path / "out.csv")) as (stream, _):
        stream.write(b"partial")
        assert len([p for p in tmp_path.iterdir() if p.suffix == ".tmp"]) == 1
        dst.remove_unfinished()  # what the SIGTERM handler calls
        assert list(tmp_path.iterdir()) == []
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_a_program_filling_a_path_reaches_a_fifo_only_when_done(tmp_path: Path) -> None:
    # agg writes the GIF to a path: a FIFO gets it copied through once the program is done.
    fifo = tmp_path / "lesson.gif"
    os.mkfifo(fifo)
    reader, got = read_fifo_in_thread(fifo)
    with dst.output_path(destination(fifo)) as (temp, out):
        assert temp.parent != tmp_path  # a private folder, not beside the FIFO
        temp.write_bytes(b"GIF89a...")
    reader.join(timeout=30)
    assert got == [b"GIF89a..."] and out.n_bytes == 9 and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_program_that_fails_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "lesson.gif"
    with pytest.raises(UsageError), dst.output_path(destination(target)) as (temp, _):
        temp.write_bytes(b"half")
        raise UsageError("agg could not render the GIF")
    assert list(tmp_path.iterdir()) == []
