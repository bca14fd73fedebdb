"""Turn a :class:`~tuiclust.spec.DataSpec` into the arrays a run needs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tuiclust.core.preprocess import Projection, fit_projection, range_ratio, scale
from tuiclust.io.cells import CarriedColumns
from tuiclust.pipeline.hand_edits import CANVAS, apply_hand_edits
from tuiclust.pipeline.spec import DataSpec

__all__ = ["Dataset", "load_dataset"]

# Above this ratio of column ranges, unscaled distances are dominated by one
# column: the lesson's first pitfall.
RANGE_WARNING_RATIO = 10.0


@dataclass(frozen=True, eq=False)
class Dataset:
    """Points ready for an algorithm and for drawing.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
        What the algorithm sees (after scaling).
    raw : ndarray of shape (n_samples, n_features)
        The values before scaling, for export.
    y_true : ndarray of shape (n_samples,) or None
        The generating groups of a built-in data set.
    column_names : tuple of str
    projection : Projection
        How X is drawn in two dimensions.
    name : str
        Short name for titles.
    notes : tuple of str
        Things worth telling the user (scaling advice, dropped rows ...).
    row_numbers : ndarray of shape (n_samples,) or None
        CSV only: the 1-based data row each point came from.
    limits : tuple of 4 float or None
        (x_min, x_max, y_min, y_max) the plot keeps whatever the points (the
        empty canvas, and data edited by hand); None: around the points.
    carried : CarriedColumns or None
        CSV only: every column of the file in its place, the ones not
        clustered as the text they hold, for exports; None when there are
        none (or ``keep_columns`` is off).
    """

    X: np.ndarray
    raw: np.ndarray
    y_true: np.ndarray | None
    column_names: tuple[str, ...]
    projection: Projection
    name: str
    notes: tuple[str, ...] = ()
    row_numbers: np.ndarray | None = None
    limits: tuple[float, float, float, float] | None = None
    carried: CarriedColumns | None = None

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])


def load_dataset(spec: DataSpec) -> Dataset:
    """Generate or read the data of ``spec``, scale it and choose its projection.

    Raises
    ------
    tuiclust.errors.UsageError
        For a bad file or a bad column choice (one line, for people).
    ValueError
        For bad generator parameters.
    """
    notes: list[str] = []
    row_numbers = None
    carried = None
    if spec.is_file:
        from tuiclust.io.csv_reader import read_table

        table = read_table(
            spec.source, columns=spec.columns, drop_missing=spec.drop_missing, keep_text=spec.keep_columns
        )
        carried = table.carried
        raw, names, y_true, row_numbers = table.values, tuple(table.column_names), None, table.row_numbers
        notes.extend(table.notes)
        name = table.display_name
    elif spec.source == CANVAS:
        raw, y_true, names, name = np.zeros((0, 2)), None, ("x", "y"), "canvas"
        notes.append("an empty canvas: press i, then a to add points at the cursor")
    else:
        from tuiclust.core.datasets import make_dataset

        raw, y_true = make_dataset(spec.source, n_samples=spec.n_samples, noise=spec.noise, random_state=spec.seed)
        names = tuple(f"x{i + 1}" for i in range(raw.shape[1]))
        name = spec.source
    X = scale(raw, spec.scale) if raw.shape[0] else raw  # the empty canvas has nothing to scale
    if spec.scale == "none" and raw.shape[1] > 1 and raw.shape[0]:
        ratio = range_ratio(raw)
        if ratio > RANGE_WARNING_RATIO:
            notes.append(
                f"column ranges differ {ratio:,.0f}x: distances are dominated by the widest column; "
                "scale them (standard or minmax scaling)"
            )
    x_idx = _column_index(spec.x, names, "--x") if spec.x is not None else None
    y_idx = _column_index(spec.y, names, "--y") if spec.y is not None else None
    projection = fit_projection(X, column_names=list(names), x=x_idx, y=y_idx)
    dataset = Dataset(X, raw, y_true, names, projection, name, tuple(notes), row_numbers, carried=carried)
    return apply_hand_edits(dataset, spec)


def _column_index(key: str, names: tuple[str, ...], flag: str) -> int:
    from tuiclust.errors import UsageError

    if key in names:
        return names.index(key)
    if key.isdigit() and int(key) < len(names):
        return int(key)
    raise UsageError(f"{flag} {key!r}: no such column; columns are {', '.join(names)}")
