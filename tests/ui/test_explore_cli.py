"""`tuiclust` flags: every bad value exits 2 with one line naming the flag, before any app starts."""

from __future__ import annotations

import pytest

from tuiclust.cli import build_parser, main
from tuiclust.commands.explore import check_spec, spec_from_args


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


def test_default_spec_is_kmeans_k3_on_blobs():
    args = build_parser("explore").parse_args([])
    run = check_spec(spec_from_args(args))
    assert run.spec.algorithm.name == "kmeans"
    assert run.params["n_clusters"] == 3 and run.params["init"] == "k-means++"
    assert run.dataset.n_samples == 300 and run.dataset.name == "blobs"


def test_flags_reach_the_spec():
    args = build_parser("explore").parse_args(
        ["--algo", "dbscan", "--data", "moons", "-n", "200", "--seed", "4", "--eps", "0.25", "--min-samples", "6",
         "--scale", "standard"]
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
