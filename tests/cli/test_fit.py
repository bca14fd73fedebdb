"""`tuiclust fit`: headless run to the end, the CSV it writes, the summary it prints."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from tuiclust.cli import fit as fit_command
from tuiclust.cli.main import main


def read_back(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


@pytest.fixture
def three_groups(tmp_path) -> Path:
    rng = np.random.default_rng(7)
    centres = np.array([[0, 0], [8, 0], [0, 8]])
    points = np.vstack([rng.normal(size=(40, 2)) * 0.6 + c for c in centres])
    path = tmp_path / "groups.csv"
    lines = ["id,x,y"] + [f"p{i},{x!r},{y!r}" for i, (x, y) in enumerate(points.tolist())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_fit(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["fit", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def cluster_column(path: Path) -> np.ndarray:
    header, rows = read_back(path)
    return np.array([int(r[header.index("cluster")]) for r in rows])


def test_kmeans_end_to_end(tmp_path, three_groups, capsys):
    out = tmp_path / "km.csv"
    status, text, err = run_fit(
        capsys, str(three_groups), "--algo", "kmeans", "--k", "3", "-o", str(out), "--keep-columns", "none"
    )
    assert status == 0 and err == ""
    header, rows = read_back(out)
    assert header == ["x", "y", "cluster"] and len(rows) == 120
    labels = cluster_column(out)
    # the same run as the estimator's own fit
    from tuiclust.core.kmeans import KMeans

    X = np.array([[float(r[0]), float(r[1])] for r in rows])
    np.testing.assert_array_equal(labels, KMeans(3, random_state=0).fit(X).labels_)
    assert sorted(np.bincount(labels)) == [40, 40, 40]
    assert "clusters found: 3" in text
    assert "sizes: 0: 40, 1: 40, 2: 40" in text
    assert "note: skipped non-numeric column id" in text
    for words in ("silhouette", "higher is better", "Calinski-Harabasz", "Davies-Bouldin", "lower is better"):
        assert words in text
    assert f"wrote {out}" in text


def test_dbscan_end_to_end_reports_noise_and_kinds(tmp_path, three_groups, capsys):
    with open(three_groups, "a", encoding="utf-8") as f:
        f.write("far,50,50\n")
    out = tmp_path / "db.csv"
    status, text, _ = run_fit(
        capsys,
        str(three_groups),
        "--algo",
        "dbscan",
        "--eps",
        "1.5",
        "--min-samples",
        "4",
        "-o",
        str(out),
        "--keep-columns",
        "none",
    )
    assert status == 0
    header, rows = read_back(out)
    assert header == ["x", "y", "cluster", "kind"] and len(rows) == 121
    assert rows[-1][2:] == ["-1", "noise"]
    assert {r[3] for r in rows} <= {"core", "border", "noise"}
    assert "clusters found: 3" in text and "noise: 1 point" in text
    assert "noise left out" in text


def test_dbscan_without_eps_uses_the_suggested_one(tmp_path, three_groups, capsys):
    status, text, _ = run_fit(capsys, str(three_groups), "--algo", "dbscan", "-o", str(tmp_path / "o.csv"))
    assert status == 0 and "suggested from the data" in text


def test_gmm_end_to_end_writes_probabilities(tmp_path, three_groups, capsys):
    out = tmp_path / "gmm.csv"
    status, text, _ = run_fit(
        capsys,
        str(three_groups),
        "--algo",
        "gmm",
        "--components",
        "3",
        "--covariance",
        "diag",
        "-o",
        str(out),
        "--keep-columns",
        "none",
    )
    assert status == 0
    header, rows = read_back(out)
    assert header == ["x", "y", "cluster", "confidence", "p0", "p1", "p2"]
    proba = np.array([[float(v) for v in r[4:]] for r in rows])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=2e-4)
    np.testing.assert_array_equal(proba.argmax(axis=1), cluster_column(out))
    np.testing.assert_allclose([float(r[3]) for r in rows], proba.max(axis=1), atol=1e-4)
    assert "Gaussian Mixture (3 components, diag covariance" in text and "clusters found: 3" in text


def test_hdbscan_end_to_end_writes_probability_equal_to_sklearn(tmp_path, three_groups, capsys):
    out = tmp_path / "hdb.csv"
    status, text, _ = run_fit(
        capsys,
        str(three_groups),
        "--algo",
        "hdbscan",
        "--min-cluster-size",
        "8",
        "--min-samples",
        "4",
        "-o",
        str(out),
        "--keep-columns",
        "none",
    )
    assert status == 0
    header, rows = read_back(out)
    assert header == ["x", "y", "cluster", "probability"]
    X = np.array([[float(r[0]), float(r[1])] for r in rows])
    from sklearn.cluster import HDBSCAN as SkHDBSCAN

    ref = SkHDBSCAN(min_cluster_size=8, min_samples=4, copy=True).fit(X)
    np.testing.assert_array_equal(cluster_column(out), ref.labels_)
    np.testing.assert_allclose([float(r[3]) for r in rows], ref.probabilities_, atol=1e-4)
    assert "HDBSCAN (min_cluster_size=8, min_samples=4)" in text and "noise:" in text
    assert "cluster, probability)" in text


def test_agglomerative_end_to_end_equals_scikit_learn(tmp_path, three_groups, capsys):
    from sklearn.cluster import AgglomerativeClustering as SkAgglomerative

    out = tmp_path / "agg.csv"
    status, text, err = run_fit(
        capsys,
        str(three_groups),
        "--algo",
        "agglomerative",
        "--linkage",
        "average",
        "--k",
        "3",
        "--seed",
        "4",
        "-o",
        str(out),
        "--keep-columns",
        "none",
    )
    assert status == 0 and err == ""
    header, rows = read_back(out)
    assert header == ["x", "y", "cluster"] and len(rows) == 120
    X = np.array([[float(v) for v in r[:2]] for r in rows])
    np.testing.assert_array_equal(cluster_column(out), SkAgglomerative(3, linkage="average").fit(X).labels_)
    assert "Agglomerative (k=3, average linkage): 3 clusters of 40, 40, 40 points" in text


def test_agglomerative_beyond_its_limit_is_one_line_naming_it(tmp_path, capsys, monkeypatch):
    from tuiclust.core import agglomerative

    monkeypatch.setitem(agglomerative.MAX_SAMPLES, "ward", 1000)
    status, _, _ = run_fit(capsys, "moons", "--algo", "agglomerative", "-o", str(tmp_path / "o.csv"))
    assert status == 0  # 500 points: within the limit
    monkeypatch.setitem(agglomerative.MAX_SAMPLES, "ward", 300)  # below the floor of 1,000: the floor holds
    data = tmp_path / "big.csv"
    data.write_text("x,y\n" + "\n".join(f"{i % 37},{i % 11}" for i in range(1200)) + "\n", encoding="utf-8")
    status, _, err = run_fit(capsys, str(data), "--algo", "agglomerative", "-o", str(tmp_path / "b.csv"))
    assert status == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert "ward linkage takes at most 1,000 points" in err and "has 1,200" in err
    assert "a random sample of a file's rows" in err and "single linkage takes up to" in err


def test_builtin_data_set_and_default_output_path(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, text, _ = run_fit(capsys, "blobs", "--seed", "2")
    assert status == 0
    written = tmp_path / "blobs-kmeans-clusters.csv"
    header, rows = read_back(written)
    assert header == ["x1", "x2", "cluster"] and rows
    status, _, _ = run_fit(capsys, "blobs")
    assert status == 0 and (tmp_path / "blobs-kmeans-clusters-2.csv").exists()


def test_a_file_without_extension_is_still_a_file(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("points").write_text("a,b\n1,1\n1,2\n9,9\n9,8\n", encoding="utf-8")
    status, text, _ = run_fit(capsys, "points", "--k", "2", "-o", "out.csv")
    assert status == 0 and "points: 4 rows" in text


def test_scaling_and_columns_are_applied(tmp_path, capsys):
    path = tmp_path / "wide_ranges.csv"
    rng = np.random.default_rng(0)
    rows = np.column_stack([rng.normal(size=60), rng.normal(size=60) * 1000, rng.normal(size=60)])
    path.write_text("a,b,c\n" + "".join(f"{x!r},{y!r},{z!r}\n" for x, y, z in rows.tolist()), encoding="utf-8")
    status, text, _ = run_fit(capsys, str(path), "--columns", "a,b", "-o", str(tmp_path / "o1.csv"))
    assert status == 0 and "2 columns (a, b)" in text
    assert "column ranges differ" in text  # the lesson's first pitfall, also for CSV files
    status, text, _ = run_fit(capsys, str(path), "--scale", "standard", "-o", str(tmp_path / "o2.csv"))
    assert status == 0 and "standard scaling" in text and "column ranges differ" not in text
    header, out_rows = read_back(tmp_path / "o2.csv")
    # the written values are the raw ones, not the scaled ones
    np.testing.assert_array_equal(np.array([r[:3] for r in out_rows], dtype=float), rows)


def test_drop_missing_writes_one_row_per_kept_row(tmp_path, capsys):
    path = tmp_path / "holes.csv"
    path.write_text("x,y\n1,1\n2,\n1,2\n8,8\nNA,3\n9,8\n", encoding="utf-8")
    status, text, _ = run_fit(capsys, str(path), "--k", "2", "--drop-missing", "-o", str(tmp_path / "o.csv"))
    assert status == 0 and "dropped 2 of 6 rows" in text
    _, rows = read_back(tmp_path / "o.csv")
    assert [r[:2] for r in rows] == [["1", "1"], ["1", "2"], ["8", "8"], ["9", "8"]]


def test_scores_are_na_with_a_reason_for_one_cluster(tmp_path, three_groups, capsys):
    status, text, _ = run_fit(capsys, str(three_groups), "--k", "1", "-o", str(tmp_path / "o.csv"))
    assert status == 0
    assert text.count("n/a (fewer than 2 clusters)") == 3


def test_silhouette_is_sampled_for_big_data(tmp_path, three_groups, capsys, monkeypatch):
    monkeypatch.setattr(fit_command, "SILHOUETTE_SAMPLE", 50)
    status, text, _ = run_fit(capsys, str(three_groups), "-o", str(tmp_path / "o.csv"))
    assert status == 0 and "on a random sample of 50 points" in text


def test_flags_of_another_algorithm_are_refused(three_groups, capsys):
    status, _, err = run_fit(capsys, str(three_groups), "--algo", "gmm", "--k", "3")
    assert status == 2 and "--k belongs to --algo kmeans, not gmm" in err and "--components" in err


def test_writing_over_the_input_is_refused(three_groups, capsys):
    status, _, err = run_fit(capsys, str(three_groups), "-o", str(three_groups))
    assert status == 2 and "input file itself" in err
    assert three_groups.read_text(encoding="utf-8").startswith("id,x,y\n")


def test_fit_with_a_manual_init_and_no_centres_exits_2_with_one_line(capsys):
    status, out, err = run_fit(capsys, "blobs", "--init", "manual", "-o", "/dev/null")
    assert status == 2
    assert "init manual needs 3 centre(s) placed by hand" in err
    assert len(err.strip().splitlines()) == 1


def test_explore_accepts_the_canvas_and_a_manual_init():
    from tuiclust.cli.explore import spec_from_args
    from tuiclust.cli.main import build_parser
    from tuiclust.pipeline.hand_edits import waits_for_hands

    parser = build_parser("explore")
    spec = spec_from_args(parser.parse_args(["--data", "canvas"]))
    assert spec.data.source == "canvas" and waits_for_hands(spec)
    spec = spec_from_args(parser.parse_args(["--init", "manual"]))
    assert spec.algorithm.params["init"] == "manual" and waits_for_hands(spec)


def test_text_columns_are_carried_so_labels_join_back(tmp_path, three_groups, capsys):
    """By default the id column comes back in its place; --keep-columns none writes numbers only."""
    out = tmp_path / "km.csv"
    status, _, _ = run_fit(capsys, str(three_groups), "--k", "3", "-o", str(out))
    assert status == 0
    header, rows = read_back(out)
    assert header == ["id", "x", "y", "cluster"]
    assert [r[0] for r in rows] == [f"p{i}" for i in range(120)]
    _, original = read_back(three_groups)
    assert [r[:3] for r in rows] == original  # every input cell as it was read
    status, _, err = run_fit(capsys, str(three_groups), "--keep-columns", "some")
    assert status == 2 and "--keep-columns must be one of all, none" in err
