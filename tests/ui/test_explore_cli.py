"""`tuiclust` flags: every bad value exits 2 with one line naming the flag, before any app starts."""

from __future__ import annotations

import numpy as np
import pytest

from tuiclust.cli.explore import check_spec, spec_from_args
from tuiclust.cli.main import build_parser, main


@pytest.mark.parametrize(
    "argv, flag",
    [
        (["--algo", "kmedoids"], "--algo"),
        (["--k", "zero"], "--k"),
        (["--k", "0"], "--k"),
        (["--k", "301"], "--k"),
        (["--init", "best"], "--init"),
        (["--algo", "dbscan", "--eps", "-1"], "--eps"),
        (["--algo", "dbscan", "--min-samples", "0"], "--min-samples"),
        (["--algo", "gmm", "--components", "0"], "--components"),
        (["--algo", "gmm", "--covariance", "round"], "--covariance"),
        (["--algo", "dbscan", "--k", "3"], "--k"),
        (["--scale", "log"], "--scale"),
        (["--data", "no-such-set"], "--data"),
        (["--data", "missing.csv"], "--data"),
        (["-n", "-5"], "-n/--samples"),
        (["--seed", "x"], "--seed"),
        (["--seed", "99999999999999999999"], "--seed"),
        (["-n", "1000000000"], "-n/--samples"),
        (["--speed", "0"], "--speed"),
        (["--x", "a"], "--x"),
        (["--columns", "a,b"], "--columns"),
        (["--data", "dbscan_rings", "-n", "1000"], "-n/--samples"),
    ],
)
def test_bad_flags_exit_2_with_one_line_naming_the_flag(argv, flag, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("tuiclust: ")
    assert flag in err
    assert "Traceback" not in err


def test_default_spec_is_kmeans_k3_on_blobs_from_random_points():
    args = build_parser("explore").parse_args([])
    run = check_spec(spec_from_args(args))
    assert run.spec.algorithm.name == "kmeans"
    # The lesson's start without arguments (tests/pipeline/test_seeds.py); flags keep k-means++.
    assert run.params["n_clusters"] == 3 and run.params["init"] == "random"
    assert run.dataset.n_samples == 300 and run.dataset.name == "blobs"
    flagged = check_spec(spec_from_args(build_parser("explore").parse_args(["--algo", "kmeans"])))
    assert flagged.params["init"] == "k-means++"


def test_flags_reach_the_spec():
    args = build_parser("explore").parse_args(
        [
            "--algo",
            "dbscan",
            "--data",
            "moons",
            "-n",
            "200",
            "--seed",
            "4",
            "--eps",
            "0.25",
            "--min-samples",
            "6",
            "--scale",
            "standard",
        ]
    )
    spec = spec_from_args(args)
    assert spec.data.source == "moons" and spec.data.n_samples == 200 and spec.data.seed == 4
    assert spec.data.scale == "standard"
    assert dict(spec.algorithm.params) == {"eps": 0.25, "min_samples": 6}


def test_a_csv_target_is_the_data(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("a,b\n" + "\n".join(f"{i},{i % 7}" for i in range(30)) + "\n")
    args = build_parser("explore").parse_args([str(path), "--k", "2"])
    run = check_spec(spec_from_args(args, data_source=args.target))
    assert run.dataset.n_samples == 30 and run.params["n_clusters"] == 2


# ------------------------------------------------------- bad data files
# The same bad inputs as tests/test_bad_input.py gives `tuiclust fit`, on the explorer's command line.
_BAD_FILES = {
    "empty.csv": b"",
    "garbage.csv": bytes(range(256)) * 8,
    "latin1.csv": "x,y\n1,2\ncaf\u00e9,3\n".encode("latin-1"),
    "ragged.csv": b"x,y\n1,2\n3,4,5\n6,7\n",
    "nan.csv": b"x,y\n1,2\nnan,4\n6,7\n",
    "inf.csv": b"x,y\n1,inf\n3,4\n",
    "header.csv": b"x,y\n",
    "good.csv": b"x,y\n1,2\n3,4\n",
}
# case -> (TARGET and flags, words the one line must hold)
_BAD_DATA = {
    "missing file": (["missing.csv"], ["missing.csv", "no such file"]),
    "missing file (--data)": (["--data", "missing.csv"], ["--data", "no such file"]),
    "folder": (["folder"], ["folder is a folder"]),
    "folder/": (["folder/"], ["is a folder"]),
    "empty file": (["empty.csv"], ["empty"]),
    "header only": (["header.csv"], ["no data rows"]),
    "binary garbage": (["garbage.csv"], ["binary"]),
    "not UTF-8": (["latin1.csv"], ["UTF-8"]),
    "ragged rows": (["ragged.csv"], ["line 3"]),
    "NaN": (["nan.csv"], ["missing", "--drop-missing"]),
    "inf": (["inf.csv"], ["infinite"]),
    "unknown column": (["good.csv", "--columns", "nope"], ["nope"]),
    "k > rows": (["good.csv", "--k", "5"], ["--k 5 is more than the 2 rows", "--k 2 or fewer"]),
    "components > rows": (["good.csv", "--algo", "gmm"], ["--components 3 is more than the 2 rows"]),
    "eps 0": (["good.csv", "--algo", "dbscan", "--eps", "0"], ["--eps"]),
    "min_samples 0": (["good.csv", "--algo", "dbscan", "--min-samples", "0"], ["--min-samples"]),
    "one point, default k": (["--data", "blobs", "-n", "1"], ["--k 3 is more than the 1 row", "--k 1"]),
}


@pytest.mark.parametrize("case", list(_BAD_DATA))
def test_bad_data_exits_2_with_one_line_and_never_starts_the_app(case, tmp_path, monkeypatch, capsys):
    from tuiclust.ui.app import ExplorerApp

    def started(self, *args, **kwargs):
        raise AssertionError("the app started on bad input")

    monkeypatch.setattr(ExplorerApp, "run", started)
    monkeypatch.chdir(tmp_path)
    for name, content in _BAD_FILES.items():
        (tmp_path / name).write_bytes(content)
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "inside.csv").write_text("x\n1\n")
    argv, words = _BAD_DATA[case]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("tuiclust: "), err
    for word in words:
        assert word in err, err


def test_a_file_without_an_extension_is_data(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "measurements").write_text("a,b\n" + "\n".join(f"{i},{i % 5}" for i in range(20)) + "\n")
    args = build_parser("explore").parse_args(["measurements", "--k", "2"])
    run = check_spec(spec_from_args(args, data_source=args.target))
    assert run.dataset.n_samples == 20 and run.dataset.name == "measurements"


def test_a_full_covariance_gmm_too_big_for_memory_is_refused_with_the_flags(tmp_path, monkeypatch, capsys):
    from tuiclust.pipeline import limits

    monkeypatch.setattr(limits, "MAX_COVARIANCE_BYTES", 3 * 40 * 40 * 8 - 1)  # 40 columns are "too many"
    path = tmp_path / "wide.csv"
    rows = np.random.default_rng(0).normal(size=(50, 40))
    path.write_text(",".join(f"c{j}" for j in range(40)) + "\n" + "\n".join(",".join(map(str, r)) for r in rows))
    assert main([str(path), "--algo", "gmm"]) == 2
    err = capsys.readouterr().err
    assert "full-covariance GMM on 40 columns" in err and "--covariance diag or spherical" in err
    assert "--columns" in err and err.count("\n") == 1


def test_the_real_command_prints_one_line_and_exits_2(tmp_path):
    import subprocess
    import sys

    (tmp_path / "ragged.csv").write_text("x,y\n1,2\n3,4,5\n")
    result = subprocess.run(
        [sys.executable, "-m", "tuiclust", "ragged.csv"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert result.stdout == "" and result.stderr.count("\n") == 1 and "line 3" in result.stderr


def test_running_out_of_memory_is_one_line(monkeypatch, capsys):
    from tuiclust.pipeline import run as run_module

    def no_memory(spec):
        raise MemoryError

    monkeypatch.setattr(run_module, "load_dataset", no_memory)
    assert main(["--data", "blobs"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not enough memory" in err and "-n" in err


def test_a_closed_pipe_ends_quietly() -> None:
    """`tuiclust scenes | head -1`: no BrokenPipeError traceback."""
    import subprocess
    import sys

    proc = subprocess.run(
        f"{sys.executable} -m tuiclust scenes | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.stdout.count("\n") == 1
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
