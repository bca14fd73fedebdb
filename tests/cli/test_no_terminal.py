"""Without a terminal the interactive commands say so in one line and exit 2; the others just work.

Before, ``tuiclust < /dev/null > out 2>&1`` started the app, drew into the
file and waited for keys for ever.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_without_a_terminal(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    # stdin from /dev/null, stdout and stderr to pipes: no terminal anywhere
    return subprocess.run(
        [sys.executable, "-m", "tuiclust", *args],
        check=False,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,  # the bug was a hang: a timeout here is the failure
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(cwd)},
    )


@pytest.mark.parametrize(
    "args",
    [[], ["kmeans-basics"], ["play", "kmeans-basics"]],
    ids=["explorer", "scene", "play"],
)
@pytest.mark.slow
def test_interactive_commands_refuse_to_start_without_a_terminal(args):
    result = run_without_a_terminal(*args)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "needs a terminal" in lines[0] and "record" in lines[0], result.stderr
    assert result.stdout == ""


def test_bad_input_is_still_reported_first_without_a_terminal():
    result = run_without_a_terminal("--k", "zero")
    assert result.returncode == 2 and "--k" in result.stderr and "terminal" not in result.stderr


def test_fit_needs_no_terminal(tmp_path):
    result = run_without_a_terminal("fit", "blobs", "-o", str(tmp_path / "labels.csv"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "labels.csv").is_file()
