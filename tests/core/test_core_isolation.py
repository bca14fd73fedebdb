"""The core must stay importable without any terminal library."""

import subprocess
import sys


def test_core_imports_no_ui_library() -> None:
    code = (
        "import sys, tuiclust.core as c\n"
        "from tuiclust.core import KMeans, DBSCAN, GaussianMixture\n"
        "import tuiclust.core.metrics, tuiclust.core.elbow, tuiclust.core.datasets\n"
        "bad = [m for m in ('textual', 'plotext', 'rich', 'textual_plotext') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
