"""Numbers on the command line: ASCII digits only, within sense, one speed range everywhere."""

from __future__ import annotations

import pytest

from tuiclust.cli.main import main
from tuiclust.pipeline.limits import SPEED_RANGE


def one_line_refusal(capsys, argv: list[str]) -> str:
    """Run the command; assert exit 2 and one line on stderr (before any app starts); return it."""
    status = main(argv)
    err = capsys.readouterr().err
    assert status == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("text", ["٣", "３", "1_000", " 3", "3.0", "0x10"])
@pytest.mark.parametrize("command", [["fit", "blobs", "--k"], ["--k"], ["fit", "blobs", "--seed"], ["serve", "--port"]])
def test_only_ascii_whole_numbers_are_whole_numbers(capsys, command, text):
    line = one_line_refusal(capsys, [*command, text])
    assert f"{command[-1]} must be a whole number" in line


@pytest.mark.parametrize("text", ["٣", "1_000", "inf", "nan", "1e999"])
def test_only_finite_ascii_numbers_are_numbers(capsys, text):
    line = one_line_refusal(capsys, ["fit", "blobs", "--algo", "dbscan", "--eps", text])
    assert "--eps must be a number > 0" in line


def test_a_long_value_is_not_echoed_whole(capsys):
    line = one_line_refusal(capsys, ["fit", "blobs", "--k", "9" * 5000 + "x"])
    assert len(line) < 200


@pytest.mark.parametrize("speed", ["1e308", "1e-300", "0.01", "25", "0"])
@pytest.mark.parametrize("command", [["--speed"], ["play", "kmeans-basics", "--speed"]])
def test_one_speed_range_for_every_speed(capsys, command, speed):
    low, high = SPEED_RANGE
    assert one_line_refusal(capsys, [*command, speed]) == (
        f"tuiclust: --speed must be from {low:g} to {high:g}, got {float(speed):g}"
    )


def test_a_scene_speed_outside_the_range_is_refused(tmp_path, capsys):
    scene = tmp_path / "slow.toml"
    scene.write_text(
        'title = "t"\n[data]\ngenerator = "blobs"\n[algorithm]\nname = "kmeans"\n'
        "[playback]\nsteps_per_second = 1e-300\n",
        encoding="utf-8",
    )
    line = one_line_refusal(capsys, ["play", str(scene)])
    assert line == "tuiclust: slow.toml: playback.steps_per_second must be a number >= 0.05 and <= 20, got 1e-300"


def test_huge_parameters_are_refused_not_run_with_warnings(tmp_path, capsys):
    import warnings

    scene = tmp_path / "huge.toml"
    base = 'title = "t"\n[data]\ngenerator = "blobs"\n[algorithm]\nname = "gmm"\nn_components = 2\n'
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning from numpy would fail the run here
        line = one_line_refusal(capsys, ["fit", "blobs", "--algo", "dbscan", "--eps", "1e200"])
        assert "--eps: eps must be > 0.0 and at most 1e+150 in size" in line
        scene.write_text(base + "reg_covar = 1e308\n", encoding="utf-8")
        line = one_line_refusal(capsys, ["play", str(scene)])
        assert "algorithm.reg_covar must be >= 0.0 and at most 1e+150 in size" in line
        scene.write_text(base + "means_init = [[1e308, 0.0], [0.0, 0.0]]\n", encoding="utf-8")
        line = one_line_refusal(capsys, ["play", str(scene)])
        assert "algorithm.means_init holds 1e+308, beyond 1e+150" in line
        scene.write_text(base.replace('"blobs"', '"moons"\nnoise = 1e308'), encoding="utf-8")
        assert one_line_refusal(capsys, ["play", str(scene)]) == (
            "tuiclust: huge.toml: data.noise must be from 0 to 1e+150, got 1e+308"
        )


def test_means_init_beyond_the_bound_is_refused():
    import numpy as np

    from tuiclust.core.gmm.estimator import GaussianMixture

    with pytest.raises(ValueError, match=r"means_init holds 1e\+308, beyond 1e\+150"):
        GaussianMixture(2, means_init=[[1e308, 0.0], [0.0, 0.0]]).fit(np.eye(4, 2))


def test_samples_with_a_csv_and_an_empty_data_name_are_refused(tmp_path, capsys):
    path = tmp_path / "pts.csv"
    path.write_text("a,b\n1,2\n3,4\n5,6\n", encoding="utf-8")
    assert "-n/--samples applies to built-in data sets only" in one_line_refusal(capsys, [str(path), "-n", "50"])
    assert "--data needs a built-in data set name or a CSV path" in one_line_refusal(capsys, ["--data", ""])
