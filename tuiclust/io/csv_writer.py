"""Write a clustering result to CSV: the input columns, then ``cluster``, then what the algorithm adds.

The file is written by :mod:`tuiclust.io.destination`: next to its
destination under a temporary name and renamed into place at the end, so a
failure (a full disk, an interrupted run) never leaves half a file and an
older file of the same name stays intact until the new one is complete; a
FIFO, a terminal or standard output is written through, never replaced.

Columns, in order:

- the input columns as read, under their original names: the clustered
  ones from ``Dataset.raw`` (before scaling) and, when the data set carries
  them (``Dataset.carried``, a CSV read with ``--keep-columns all``), every
  other column of the file as the text it held, each in its place, so that
  the labels join back to ids and names;
- ``cluster``: the label of each point at that step, -1 for noise or not
  yet assigned;
- DBSCAN: ``kind``, one of core, border, noise, unvisited;
- GMM: ``confidence``, the probability of the most likely component, and
  ``p0``, ``p1`` ... (each component's probability) when the caller passes
  them;
- HDBSCAN, at its last step: ``probability``, the strength of each point's
  membership of its cluster (0 for noise), scikit-learn's ``probabilities_``.

An input column whose name collides with one of these gets ``_input``
appended, so that ``cluster`` is always the label column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import numpy as np

from tuiclust.core.steps import PointKind, Step
from tuiclust.io.cells import quote_cell
from tuiclust.io.destination import Destination, Output, destination, fresh_destination, write_output

__all__ = [
    "check_export_path",
    "component_probabilities",
    "default_export_path",
    "membership_probabilities",
    "write_result_csv",
]


class Dataset(Protocol):
    """What a result file needs of the data (:class:`tuiclust.pipeline.data.Dataset` has it).

    Declared here so that writing files depends on no layer above I/O.
    """

    @property
    def raw(self) -> np.ndarray: ...  # (n_samples, n_features), before scaling

    @property
    def column_names(self) -> tuple[str, ...]: ...

    @property
    def name(self) -> str: ...

    @property
    def n_samples(self) -> int: ...


_ROWS_PER_BLOCK = 65_536  # rows formatted at a time: bounded memory for millions of rows
_KIND_NAMES = np.array([kind.name.lower() for kind in sorted(PointKind)], dtype=object)


def write_result_csv(
    path: Destination | str | Path,
    dataset: Dataset,
    step: Step,
    *,
    probabilities: np.ndarray | None = None,
) -> Output:
    """Write ``dataset`` with the labels of ``step`` to a CSV file, atomically.

    Parameters
    ----------
    path : Destination, str or Path
        Destination (:mod:`tuiclust.io.destination` says how each kind is
        written); an existing file is replaced only once the new one is complete.
    dataset : Dataset
        Its ``raw`` values, shape (n_samples, n_features), and ``column_names``.
    step : Step
        Labels of shape (n_samples,); DBSCAN ``point_kinds`` and GMM
        ``confidence`` are written when present.
    probabilities : ndarray of shape (n_samples, n_components), optional
        GMM responsibilities, written as ``p0``, ``p1`` ...

    Returns
    -------
    Output
        Where it went: ``path`` is the file written (for a fresh destination,
        the name it got), None for standard output or another stream.

    Raises
    ------
    tuiclust.errors.UsageError
        When the folder is missing, the path is a folder, or writing fails.
    ValueError
        When ``step`` or ``probabilities`` do not match the data set's rows.
    """
    target = path if isinstance(path, Destination) else check_export_path(path)
    n = dataset.n_samples
    if step.labels.shape != (n,):
        raise ValueError(f"step has {step.labels.shape[0]} labels for {n} rows")
    if probabilities is not None and (probabilities.ndim != 2 or probabilities.shape[0] != n):
        raise ValueError(f"probabilities must have shape ({n}, n_components), got {probabilities.shape}")
    header, columns = _output_columns(dataset, step, probabilities)
    with write_output(target) as (out, written):
        head = io.StringIO()
        csv.writer(head, lineterminator="\n").writerow(header)
        out.write(head.getvalue().encode("utf-8"))
        for text in _rows(columns, _row_format(columns, header), n):
            out.write(text.encode("utf-8"))
    return written


def check_export_path(path: str | Path, *, allow_dash: bool = False) -> Destination:
    """Where ``path`` will be written, if a CSV can be written there; call it before a long run.

    Parameters
    ----------
    path : str or Path
    allow_dash : bool
        ``-`` means standard output (``fit -o -``).

    Raises
    ------
    tuiclust.errors.UsageError
        When the folder does not exist, the path is a folder, a block device
        or a socket (see :func:`tuiclust.io.destination.destination`).
    """
    return destination(path, flag="", allow_dash=allow_dash)


def default_export_path(dataset: Dataset, algorithm_name: str, directory: str | Path | None = None) -> Destination:
    """A fresh destination for an export: ``<data>-<algorithm>-clusters.csv`` in the current folder.

    An existing file is never reused: ``-2``, ``-3`` ... are appended until
    the name is free, and the name is taken when the file is created, in one
    atomic step, so two exports at once never share a name.

    Parameters
    ----------
    dataset : Dataset
        Its ``name`` (a file name or a built-in data set name) starts the file name.
    algorithm_name : str
        ``"kmeans"``, ``"dbscan"`` or ``"gmm"``.
    directory : str or Path, optional
        Folder of the file; default: the current working directory.
    """
    folder = Path(directory if directory is not None else Path.cwd()).expanduser().absolute()
    stem = _safe_name(Path(dataset.name).stem) or "data"
    return fresh_destination(folder, f"{stem}-{_safe_name(algorithm_name) or 'clusters'}-clusters", ".csv")


def component_probabilities(X: np.ndarray, step: Step, *, rows_per_block: int = 65_536) -> np.ndarray:
    """Each point's probability under each Gaussian of a GMM step (its responsibilities).

    Computed from the step's weights, means and covariances, so the result is
    what the next E-step would give: for a final step, ``predict_proba``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The data the GMM ran on (``Dataset.X``, after scaling).
    step : Step
        A GMM step with ``weights``, ``centers`` and ``covariances``.
    rows_per_block : int
        Rows evaluated at a time, to bound memory.

    Returns
    -------
    ndarray of shape (n_samples, n_components), float64; rows sum to 1.
    """
    from scipy.linalg import cholesky, solve_triangular
    from scipy.special import logsumexp

    if step.weights is None or step.centers is None or step.covariances is None:
        raise ValueError(f"step of {step.algorithm!r} has no mixture parameters")
    means = np.asarray(step.centers, dtype=np.float64)
    k, d = means.shape
    covs = np.asarray(step.covariances, dtype=np.float64)
    kind = step.covariance_type or "full"
    log_weights = np.log(np.asarray(step.weights, dtype=np.float64))
    # Per component, a function (X block - mean) -> squared Mahalanobis distance, and log|Sigma|.
    if kind in ("full", "tied"):
        factors = [cholesky(covs if kind == "tied" else covs[j], lower=True) for j in range(k)]
        log_dets = [2.0 * np.log(np.diag(L)).sum() for L in factors]

        def mahalanobis(diff: np.ndarray, j: int) -> np.ndarray:
            z = solve_triangular(factors[j], diff.T, lower=True, check_finite=False)
            return np.einsum("ij,ij->j", z, z)
    else:
        variances = covs if kind == "diag" else np.repeat(covs[:, None], d, axis=1)
        log_dets = [float(np.log(variances[j]).sum()) for j in range(k)]

        def mahalanobis(diff: np.ndarray, j: int) -> np.ndarray:
            return np.einsum("ij,ij->i", diff / variances[j], diff)

    n = X.shape[0]
    out = np.empty((n, k))
    constant = d * np.log(2 * np.pi)
    for start in range(0, n, rows_per_block):
        block = X[start : start + rows_per_block]
        log_prob = np.empty((block.shape[0], k))
        for j in range(k):
            log_prob[:, j] = log_weights[j] - 0.5 * (constant + log_dets[j] + mahalanobis(block - means[j], j))
        out[start : start + block.shape[0]] = np.exp(log_prob - logsumexp(log_prob, axis=1, keepdims=True))
    return out


def membership_probabilities(step: Step) -> np.ndarray | None:
    """HDBSCAN's membership probability of every point at its last step, else None.

    Parameters
    ----------
    step : Step

    Returns
    -------
    ndarray of shape (n_samples,), float64, or None
        The Done step's ``point_values`` (there the probabilities; earlier
        steps hold core-distance ranks, which are not written).
    """
    if step.algorithm != "hdbscan" or not step.is_final or step.point_values is None:
        return None
    return np.asarray(step.point_values, dtype=np.float64)


def _safe_name(text: str) -> str:
    """``text`` with anything but letters, digits, dot, dash and underscore replaced by dashes."""
    return re.sub(r"[^\w.-]+", "-", text).strip("-.")


# ----------------------------------------------------------------- columns
def _output_columns(
    dataset: Dataset, step: Step, probabilities: np.ndarray | None
) -> tuple[list[str], list[np.ndarray]]:
    """Header names and one array per output column, each of shape (n_samples,)."""
    added_names: list[str] = ["cluster"]
    added: list[np.ndarray] = [np.asarray(step.labels, dtype=np.int64)]
    if step.point_kinds is not None:
        added_names.append("kind")
        added.append(_KIND_NAMES[np.asarray(step.point_kinds, dtype=np.intp)])
    if step.confidence is not None:
        added_names.append("confidence")
        added.append(np.asarray(step.confidence, dtype=np.float64))
    membership = membership_probabilities(step)
    if membership is not None:
        added_names.append("probability")
        added.append(membership)
    if probabilities is not None:
        for j in range(probabilities.shape[1]):
            added_names.append(f"p{j}")
            added.append(np.asarray(probabilities[:, j], dtype=np.float64))
    taken = set(added_names)
    input_names = []
    for name in dataset.column_names:
        while name in taken:
            name = f"{name}_input"
        taken.add(name)
        input_names.append(name)
    raw = np.asarray(dataset.raw)
    input_columns = [raw[:, j] for j in range(raw.shape[1])]
    carried = getattr(dataset, "carried", None)
    if carried is not None and carried.n_rows == raw.shape[0]:
        by_position = dict(zip(carried.value_positions, zip(input_names, input_columns)))
        for position, cells in carried.cells.items():
            name = carried.names[position]
            while name in taken:
                name = f"{name}_input"
            taken.add(name)
            # written as one field each: a text cell with a comma or a quote is quoted, as CSV does
            by_position[position] = (name, np.array([quote_cell(c) for c in cells.tolist()], dtype=object))
        ordered = [by_position[p] for p in sorted(by_position)]
        input_names, input_columns = [n for n, _ in ordered], [c for _, c in ordered]
    return input_names + added_names, input_columns + added


def _row_format(columns: list[np.ndarray], header: list[str]) -> str:
    """A printf format for one output row, chosen once per column.

    ``%r`` of a Python float is the shortest text that reads back to the same
    float64; whole numbers (counts, ids, years) are written without ``.0``;
    probabilities get 4 decimals. One ``%`` per row is the fastest way
    Python has to write millions of rows (about 1 s per million).
    """
    specs = []
    for column, name in zip(columns, header):
        if column.dtype == object:
            specs.append("%s")
        elif np.issubdtype(column.dtype, np.integer):
            specs.append("%d")
        elif name in ("confidence", "probability") or (name[:1] == "p" and name[1:].isdigit()):
            specs.append("%.4f")
        elif column.size and np.all(np.abs(column) < 2**53) and np.all(column == np.round(column)):
            specs.append("%d")
        else:
            specs.append("%r")
    return ",".join(specs) + "\n"


def _rows(columns: list[np.ndarray], row_format: str, n: int) -> Iterator[str]:
    """Text of the body, one block of rows at a time."""
    for start in range(0, n, _ROWS_PER_BLOCK):
        stop = min(start + _ROWS_PER_BLOCK, n)
        cells = [col[start:stop].tolist() for col in columns]
        yield "".join(map(row_format.__mod__, zip(*cells)))
