"""The real `tuiclust` command in a real terminal (tmux): keys in, screen text out."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (.ci/run installs it)")

# A private tmux server: this test never sees or touches anyone else's sessions.
SOCKET = f"tuiclust-test-{os.getpid()}"
SESSION = f"tuiclust-test-{os.getpid()}"  # own name: other test runs may share the tmux server


def tmux(*args: str) -> str:
    result = subprocess.run([TMUX, "-L", SOCKET, *args], capture_output=True, text=True, timeout=10)
    return result.stdout


def screen() -> str:
    return tmux("capture-pane", "-t", SESSION, "-p")


def wait_for(*texts: str, timeout: float = 20.0) -> str:
    """Poll the screen until every text is on it; fail with the screen if not."""
    deadline = time.monotonic() + timeout
    shown = ""
    while time.monotonic() < deadline:
        shown = screen()
        if all(t in shown for t in texts):
            return shown
        time.sleep(0.1)
    pytest.fail(f"never saw {texts!r} on screen:\n{shown}")


@pytest.fixture
def terminal():
    command = f"{sys.executable} -m tuiclust"
    env = {"TERM": "xterm-256color"}
    env_args = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
    tmux(
        "new-session",
        "-d",
        "-s",
        SESSION,
        "-x",
        "100",
        "-y",
        "30",
        *env_args,
        "-c",
        str(Path(__file__).resolve().parents[2]),
        command,
    )
    try:
        yield
    finally:
        tmux("kill-session", "-t", SESSION)


def test_real_terminal_keys_and_screen(terminal):
    first = wait_for("Phase log", "K-Means", "Initialize")
    assert "step 1 of" in first
    tmux("send-keys", "-t", SESSION, "Right", "Right")
    shown = wait_for("iter 1 · Update", "step 3 of")
    assert "iter 1 · Assign" in shown and "inertia" in shown
    tmux("send-keys", "-t", SESSION, "2")
    wait_for("DBSCAN", "Core points", "step 1 of")
    tmux("send-keys", "-t", SESSION, "f", "f", "f", "Space")
    shown = wait_for("Expand cluster", "clusters")
    assert "core" in shown
    tmux("send-keys", "-t", SESSION, "q")
    deadline = time.monotonic() + 60  # generous: a loaded machine may take a while to quit
    while time.monotonic() < deadline and SESSION in tmux("list-sessions"):
        time.sleep(0.1)
