"""The installed package, run from a folder that is not the source tree.

`python3 -m pip install .` copies the package and the top-level scenes/
folder into site-packages; these tests run the console script from a
temporary folder, so nothing of the checkout is on the path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TUICLUST = shutil.which("tuiclust")
pytestmark = pytest.mark.skipif(TUICLUST is None, reason="the tuiclust command is not installed (pip install .)")


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


def test_installed_command_lists_the_shipped_scenes_from_any_folder(tmp_path: Path) -> None:
    done = _run([str(TUICLUST), "scenes"], tmp_path)
    assert done.returncode == 0, done.stderr
    names = [line.split()[0] for line in done.stdout.splitlines() if line.strip()]
    shipped = sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "scenes").glob("*.toml"))
    assert names == shipped


def test_installed_package_reads_a_scene_with_its_csv(tmp_path: Path) -> None:
    # scaling-pitfall reads customers.csv beside it: the data files are installed too.
    code = (
        "from tuiclust.lessons.pacing import check_parts_load\n"
        "from tuiclust.lessons.scene import load_scene\n"
        "run = check_parts_load(load_scene('scaling-pitfall'))\n"
        "print(run.dataset.n_samples)\n"
    )
    done = _run([sys.executable, "-c", code], tmp_path)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) > 0
