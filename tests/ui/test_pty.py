"""The real command in a pseudo-terminal: what reaches the terminal, suspend and resume, odd bytes in.

Each test starts ``python -m tuiclust`` on a pty, renders what it writes
with pyte (a terminal emulator), and writes keys and bytes to it.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pyte
import pytest

from tests.lessons.test_text_safety import FORBIDDEN_IN_CAST, hostile_scene

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")]
ROOT = Path(__file__).resolve().parents[2]
COLUMNS, ROWS = 100, 30


class Terminal:
    """A child process on a pty, its output rendered by pyte."""

    def __init__(self, *args: str) -> None:
        env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(ROOT), "COLUMNS": "", "LINES": ""}
        env = {k: v for k, v in env.items() if v}
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the pty is its controlling terminal
            os.chdir(ROOT)
            os.execve(sys.executable, [sys.executable, "-m", "tuiclust", *args], env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        self.raw = b""
        self.screen = pyte.Screen(COLUMNS, ROWS)
        self.stream = pyte.ByteStream(self.screen)

    def read(self, seconds: float = 0.1) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                return
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            self.raw += data
            self.stream.feed(data)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                pytest.fail(f"never saw {what}; screen:\n{self.text()}")
            self.read()

    def wait_for_text(self, *texts: str) -> None:
        self.wait_for(lambda: all(t in self.text() for t in texts), repr(texts))

    def exited(self) -> bool:
        return os.waitpid(self.pid, os.WNOHANG)[0] != 0

    def state(self) -> str:
        return Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]

    def close(self) -> int | None:
        try:
            gone = self.exited()
        except ChildProcessError:  # reaped already
            gone = True
        if gone:
            os.close(self.fd)
            return None
        try:
            os.kill(self.pid, signal.SIGCONT)
            os.write(self.fd, b"q")
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                self.read()
                pid, status = os.waitpid(self.pid, os.WNOHANG)
                if pid:
                    return os.waitstatus_to_exitcode(status)
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            return None
        finally:
            os.close(self.fd)


@pytest.fixture
def explorer_terminal():
    term = Terminal()
    term.wait_for_text("Phase log", "step 1 of")
    yield term
    term.close()


def _cooked() -> Callable[[int], bool]:
    def check(fd: int) -> bool:
        lflag = termios.tcgetattr(fd)[3]
        return bool(lflag & termios.ICANON) and bool(lflag & termios.ECHO)

    return check


@pytest.mark.parametrize("how", ["SIGTSTP", "ctrl+z"])
def test_suspend_restores_the_terminal_and_resume_redraws_every_row(explorer_terminal, how):
    term = explorer_terminal
    if how == "SIGTSTP":
        os.kill(term.pid, signal.SIGTSTP)
    else:
        os.write(term.fd, b"\x1a")
    term.wait_for(lambda: term.state() == "T", "the process stopped")
    assert _cooked()(term.fd), "the terminal was left raw while the app is stopped"
    term.read()
    term.screen.reset()  # what follows must draw the whole screen by itself
    os.kill(term.pid, signal.SIGCONT)
    term.wait_for_text("Phase log", "step 1 of", "Quit")
    term.wait_for(lambda: sum(bool(row.strip()) for row in term.screen.display) >= ROWS - 2, "every row drawn")
    os.write(term.fd, b"l")
    term.wait_for_text("step 2 of")


def test_bytes_that_broke_the_input_thread_are_survived(explorer_terminal):
    term = explorer_terminal
    os.write(term.fd, b"\xff")  # not UTF-8
    os.write(term.fd, b"l")
    term.wait_for_text("step 2 of")
    os.write(term.fd, b"\x1b[99999999999999u\x1b[1114112u\x1b[:200~")  # numbers beyond chr() and C ints
    os.write(term.fd, b"l")
    term.wait_for_text("step 3 of")


def test_ctrl_c_says_how_to_quit_in_plain_words(explorer_terminal):
    term = explorer_terminal
    os.write(term.fd, b"\x03")
    term.wait_for_text("Press q to quit the app")
    assert "[b]" not in term.text()


def test_play_draws_a_hostile_scene_without_its_control_sequences(tmp_path):
    term = Terminal("play", str(hostile_scene(tmp_path)), "--speed", "4")
    try:
        term.wait_for_text("Narration")
        # Textual's own OSC: the pointer shape (OSC 22), ended by BEL; nothing else of the kind.
        output = re.sub("\x1b]22;[a-z-]*\x07", "", term.raw.decode("utf-8", errors="replace"))
        for forbidden in FORBIDDEN_IN_CAST:
            assert forbidden not in output, f"{forbidden!r} reached the terminal"
        assert "Title" in term.text() or "Part" in term.text() or "Narration" in term.text()
    finally:
        term.close()


def test_a_bare_sigcont_leaves_the_running_app_alone(explorer_terminal):
    term = explorer_terminal
    os.kill(term.pid, signal.SIGCONT)  # nothing was suspended: there is nothing to restart
    term.read(1.0)
    os.write(term.fd, b"l")
    term.wait_for_text("step 2 of")
    os.write(term.fd, b"q")
    term.wait_for(term.exited, "the app quit on q", timeout=20)
