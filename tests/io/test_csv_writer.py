"""write_result_csv / default_export_path / component_probabilities."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pytest

from tuiclust.core.steps import Phase, PointKind, Step
from tuiclust.errors import UsageError
from tuiclust.io import csv_writer as export
from tuiclust.io.csv_writer import component_probabilities, default_export_path, write_result_csv
from tuiclust.pipeline.data import load_dataset
from tuiclust.pipeline.spec import DataSpec


def read_back(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


@pytest.fixture
def table(tmp_path) -> Path:
    path = tmp_path / "shop.csv"
    path.write_text("customer,visits,spend\nc1,3,10.5\nc2,,20.25\nc3,7,0.1\nc4,1,-3\n", encoding="utf-8")
    return path


def kmeans_step(labels) -> Step:
    labels = np.asarray(labels, dtype=np.int8)
    return Step("kmeans", Phase.CONVERGED, 2, labels, "done", cluster_sizes=tuple(np.bincount(labels[labels >= 0])))


def test_round_trip_keeps_rows_order_names_and_exact_values(tmp_path, table):
    dataset = load_dataset(DataSpec(str(table), drop_missing=True, scale="standard", keep_columns=False))
    out = write_result_csv(tmp_path / "out.csv", dataset, kmeans_step([1, 0, 1])).path
    assert out == (tmp_path / "out.csv").absolute()
    header, rows = read_back(out)
    assert header == ["visits", "spend", "cluster"]
    # raw values (not the scaled ones), one row per kept input row, in order
    assert rows == [["3", "10.5", "1"], ["7", "0.1", "0"], ["1", "-3.0", "1"]]


def test_floats_are_written_to_read_back_to_the_same_float64(tmp_path):
    path = tmp_path / "f.csv"
    values = np.random.default_rng(0).normal(size=(50, 2)) * 1e-7
    path.write_text("a,b\n" + "".join(f"{x!r},{y!r}\n" for x, y in values.tolist()), encoding="utf-8")
    dataset = load_dataset(DataSpec(str(path)))
    out = write_result_csv(tmp_path / "o.csv", dataset, kmeans_step(np.zeros(50))).path
    _, rows = read_back(out)
    np.testing.assert_array_equal(np.array([r[:2] for r in rows], dtype=float), values)


def test_dbscan_writes_the_point_kind(tmp_path, table):
    dataset = load_dataset(DataSpec(str(table), columns=("spend",), keep_columns=False))
    kinds = np.array([PointKind.CORE, PointKind.BORDER, PointKind.NOISE, PointKind.CORE], dtype=np.int8)
    step = Step("dbscan", Phase.DONE, 5, np.array([0, 0, -1, 1], dtype=np.int8), "done", point_kinds=kinds)
    header, rows = read_back(write_result_csv(tmp_path / "d.csv", dataset, step).path)
    assert header == ["spend", "cluster", "kind"]
    assert [r[1:] for r in rows] == [["0", "core"], ["0", "border"], ["-1", "noise"], ["1", "core"]]


def test_gmm_writes_confidence_and_optional_probabilities(tmp_path, table):
    dataset = load_dataset(DataSpec(str(table), columns=("spend",), keep_columns=False))
    confidence = np.array([0.9, 0.6, 1.0, 0.55], dtype=np.float32)
    step = Step("gmm", Phase.CONVERGED, 3, np.array([0, 1, 1, 0], dtype=np.int8), "done", confidence=confidence)
    header, rows = read_back(write_result_csv(tmp_path / "g.csv", dataset, step).path)
    assert header == ["spend", "cluster", "confidence"]
    assert [r[2] for r in rows] == ["0.9000", "0.6000", "1.0000", "0.5500"]
    proba = np.array([[0.9, 0.1], [0.4, 0.6], [0.0, 1.0], [0.55, 0.45]])
    header, rows = read_back(write_result_csv(tmp_path / "g2.csv", dataset, step, probabilities=proba).path)
    assert header == ["spend", "cluster", "confidence", "p0", "p1"]
    assert rows[1][3:] == ["0.4000", "0.6000"]


def test_an_input_column_named_cluster_is_renamed(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("cluster,x\n1,2\n3,4\n", encoding="utf-8")
    dataset = load_dataset(DataSpec(str(path)))
    header, rows = read_back(write_result_csv(tmp_path / "o.csv", dataset, kmeans_step([0, 1])).path)
    assert header == ["cluster_input", "x", "cluster"]
    assert rows == [["1", "2", "0"], ["3", "4", "1"]]


def test_labels_of_the_wrong_length_are_a_programming_error(tmp_path, table):
    dataset = load_dataset(DataSpec(str(table), columns=("spend",)))
    with pytest.raises(ValueError, match="3 labels for 4 rows"):
        write_result_csv(tmp_path / "o.csv", dataset, kmeans_step([0, 1, 0]))


def test_missing_folder_is_a_usage_error_naming_the_path(tmp_path, table):
    dataset = load_dataset(DataSpec(str(table), columns=("spend",)))
    target = tmp_path / "no" / "such" / "out.csv"
    with pytest.raises(UsageError, match=r"folder .*no.*such.* does not exist"):
        write_result_csv(target, dataset, kmeans_step([0, 0, 1, 1]))
    assert not (tmp_path / "no").exists()


def test_a_folder_as_the_destination_is_a_usage_error(tmp_path, table):
    dataset = load_dataset(DataSpec(str(table), columns=("spend",)))
    with pytest.raises(UsageError, match="is a folder"):
        write_result_csv(tmp_path, dataset, kmeans_step([0, 0, 1, 1]))


def test_a_failure_midway_leaves_no_partial_file_and_the_old_file_intact(tmp_path, table, monkeypatch):
    dataset = load_dataset(DataSpec(str(table), columns=("spend",)))
    target = tmp_path / "out.csv"
    target.write_text("an earlier export\n", encoding="utf-8")
    monkeypatch.setattr(export, "_ROWS_PER_BLOCK", 1)
    real_rows = export._rows

    def failing_rows(*args):
        for i, text in enumerate(real_rows(*args)):
            if i == 2:
                raise OSError(28, "No space left on device")
            yield text

    monkeypatch.setattr(export, "_rows", failing_rows)
    with pytest.raises(UsageError, match="no space left on the device; nothing was written"):
        write_result_csv(target, dataset, kmeans_step([0, 0, 1, 1]))
    assert target.read_text(encoding="utf-8") == "an earlier export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "shop.csv"]


def test_an_interrupt_midway_also_cleans_up(tmp_path, table, monkeypatch):
    dataset = load_dataset(DataSpec(str(table), columns=("spend",)))

    def interrupted(*args):
        yield "partial\n"
        raise KeyboardInterrupt

    monkeypatch.setattr(export, "_rows", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_result_csv(tmp_path / "out.csv", dataset, kmeans_step([0, 0, 1, 1]))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.csv"]


def test_written_file_gets_ordinary_permissions(tmp_path, table):
    dataset = load_dataset(DataSpec(str(table), columns=("spend",)))
    umask = os.umask(0o022)
    try:
        out = write_result_csv(tmp_path / "o.csv", dataset, kmeans_step([0, 0, 1, 1])).path
    finally:
        os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o644


def test_default_path_never_overwrites(tmp_path, table):
    dataset = load_dataset(DataSpec(str(table), columns=("spend",)))
    step = kmeans_step([0, 0, 1, 1])
    names = [write_result_csv(default_export_path(dataset, "kmeans", tmp_path), dataset, step).path for _ in range(3)]
    assert [p.name for p in names] == [
        "shop-kmeans-clusters.csv",
        "shop-kmeans-clusters-2.csv",
        "shop-kmeans-clusters-3.csv",
    ]
    assert names[0].parent == tmp_path.absolute()


def test_default_path_is_in_the_current_folder_and_safe(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    dataset = load_dataset(DataSpec("blobs"))
    assert default_export_path(dataset, "dbscan").path == tmp_path.absolute() / "blobs-dbscan-clusters.csv"
    odd = type("D", (), {"name": "../my data?.csv"})()
    assert default_export_path(odd, "gmm").path.name == "my-data-gmm-clusters.csv"


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_component_probabilities_match_predict_proba(covariance_type):
    from tuiclust.core.gmm import GaussianMixture

    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(size=(80, 3)), rng.normal(size=(80, 3)) * [1, 2, 0.5] + 4])
    last = None
    for last in GaussianMixture(2, covariance_type=covariance_type, random_state=0).steps(X):
        pass
    proba = component_probabilities(X, last, rows_per_block=50)
    fitted = GaussianMixture(2, covariance_type=covariance_type, random_state=0).fit(X)
    np.testing.assert_allclose(proba, fitted.predict_proba(X), atol=1e-10)
    np.testing.assert_array_equal(proba.argmax(axis=1), last.labels)


# ------------------------------------------------------- the columns not clustered
def test_text_and_unpicked_columns_are_carried_in_their_place_as_read(tmp_path):
    """Ids and names come back beside the labels, in the file's order; dropped rows are dropped there too."""
    path = tmp_path / "people.csv"
    path.write_text(
        'id,name,age,note,income\nC01,"Smith, Ann",34,"said ""hi""",52000\nC02,Bob,,x,61000\n'
        "C03,Cy,23,,31000\nC04,Di,51,y,90000\n",
        encoding="utf-8",
    )
    dataset = load_dataset(DataSpec(str(path), columns=("income", "age"), drop_missing=True))
    header, rows = read_back(write_result_csv(tmp_path / "o.csv", dataset, kmeans_step([0, 1, 1])).path)
    assert header == ["id", "name", "age", "note", "income", "cluster"]
    assert rows == [
        ["C01", "Smith, Ann", "34", 'said "hi"', "52000", "0"],
        ["C03", "Cy", "23", "", "31000", "1"],
        ["C04", "Di", "51", "y", "90000", "1"],
    ]
    numeric_only = load_dataset(DataSpec(str(path), columns=("income", "age"), drop_missing=True, keep_columns=False))
    header, _ = read_back(write_result_csv(tmp_path / "n.csv", numeric_only, kmeans_step([0, 1, 1])).path)
    assert header == ["income", "age", "cluster"]


def test_a_column_found_to_be_text_late_is_carried_whole(tmp_path):
    """A column that shows text only after the first 1,000 rows is read again as text: no row loses its cell."""
    path = tmp_path / "late.csv"
    rows = [f"{i},{i % 7}" for i in range(1500)] + ["1500,n/k"]
    path.write_text("x,code\n" + "\n".join(rows) + "\n", encoding="utf-8")
    dataset = load_dataset(DataSpec(str(path)))
    assert dataset.column_names == ("x",)
    header, out = read_back(write_result_csv(tmp_path / "o.csv", dataset, kmeans_step(np.zeros(1501))).path)
    assert header == ["x", "code", "cluster"]
    assert [r[1] for r in out] == [str(i % 7) for i in range(1500)] + ["n/k"]


def test_points_added_and_deleted_by_hand_keep_the_text_columns_aligned(tmp_path):
    from dataclasses import replace

    path = tmp_path / "ids.csv"
    path.write_text("id,x,y\na,0,0\nb,1,1\nc,2,0\n", encoding="utf-8")
    spec = DataSpec(str(path))
    dataset = load_dataset(replace(spec, removed=(1,), added=((1.0, 0.5),)))
    header, rows = read_back(write_result_csv(tmp_path / "o.csv", dataset, kmeans_step([0, 1, 1])).path)
    assert header[:3] == ["id", "x", "y"]
    assert [r[0] for r in rows] == ["a", "c", ""]
