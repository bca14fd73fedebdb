"""Binning points onto the pane's cells: correctness on small hand-checked cases and random ones."""

from __future__ import annotations

import numpy as np
import pytest

from tuiclust.ui import raster
from tuiclust.ui.raster import (
    BRAILLE_BASE,
    Viewport,
    bin_points,
    braille_dots,
    cell_centres,
    cell_index,
    dominant_group,
    occupied_cells,
    winners_from_counts,
)

UNIT = Viewport(0.0, 1.0, 0.0, 1.0)


def test_corners_and_limits_map_to_the_first_and_last_cells():
    points = np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    cells = cell_index(points, UNIT, 4, 3)
    # row * width + col, row 0 at the bottom
    assert cells.tolist() == [0, 11, 3, 8]


def test_points_outside_or_not_finite_are_marked():
    points = np.array([[2.0, 0.5], [-1.0, 0.5], [0.5, 7.0], [np.nan, 0.5], [0.5, np.inf]])
    assert cell_index(points, UNIT, 4, 3).tolist() == [-1] * 5
    assert cell_index(points, UNIT, 4, 3, outside=12).tolist() == [12] * 5


def test_cell_centres_round_trip():
    cells = np.arange(5 * 7)
    centres = cell_centres(cells, Viewport(-2.0, 3.0, 10.0, 11.0), 5, 7)
    assert cell_index(centres, Viewport(-2.0, 3.0, 10.0, 11.0), 5, 7).tolist() == cells.tolist()


def test_bin_points_keeps_one_centre_per_occupied_cell_per_group():
    # Three points in the bottom-left cell (two groups), one on the top-right limit.
    points = np.array([[0.0, 0.0], [0.05, 0.02], [0.01, 0.04], [1.0, 1.0]])
    groups = np.array([0, 0, 1, 0])
    binned = bin_points(points, groups, UNIT, 4, 3, n_groups=3)
    assert len(binned) == 3
    np.testing.assert_allclose(binned[0], [[0.0, 0.0], [1.0, 1.0]])
    np.testing.assert_allclose(binned[1], [[0.0, 0.0]])
    assert binned[2].shape == (0, 2)  # an empty group


@pytest.mark.parametrize("seed", range(5))
def test_every_output_cell_holds_a_point_of_its_group(seed):
    rng = np.random.default_rng(seed)
    n, width, height, n_groups = 2_000, 13, 7, 5
    points = rng.normal(size=(n, 2))
    groups = rng.integers(0, n_groups, n)
    viewport = Viewport(-1.5, 1.5, -1.0, 1.0)  # some points fall outside
    cells = cell_index(points, viewport, width, height)
    per_group = occupied_cells(cells, groups, n_groups, width * height)
    for g, occupied in enumerate(per_group):
        expected = np.unique(cells[(groups == g) & (cells >= 0)])
        assert occupied.tolist() == expected.tolist()
        assert occupied.size <= width * height
    # The public helper agrees, in data coordinates.
    centres = bin_points(points, groups, viewport, width, height, n_groups)
    for g in range(n_groups):
        assert cell_index(centres[g], viewport, width, height).tolist() == per_group[g].tolist()


def test_sparse_path_agrees_with_dense_path(monkeypatch):
    rng = np.random.default_rng(3)
    n, n_cells, n_groups = 5_000, 50, 40
    cells = rng.integers(-1, n_cells, n)
    groups = rng.integers(0, n_groups, n)
    rank = rng.integers(0, 3, n_groups)
    dense_occupied = occupied_cells(cells, groups, n_groups, n_cells)
    dense_winner = dominant_group(cells, groups, n_groups, n_cells, rank)
    monkeypatch.setattr(raster, "DENSE_BINS_LIMIT", 0)
    sparse_occupied = occupied_cells(cells, groups, n_groups, n_cells)
    sparse_winner = dominant_group(cells, groups, n_groups, n_cells, rank)
    assert [c.tolist() for c in dense_occupied] == [c.tolist() for c in sparse_occupied]
    assert dense_winner.tolist() == sparse_winner.tolist()


def test_unsigned_cells_with_a_spare_bin_are_counted_like_signed_ones():
    cells = np.array([0, 1, 1, 4, 4], dtype=np.int64)  # 4 = outside on a 4-cell grid
    groups = np.array([0, 1, 1, 0, 1])
    signed = occupied_cells(np.where(cells == 4, -1, cells), groups, 2, 4)
    unsigned = occupied_cells(cells.astype(np.uint32), groups, 2, 4)
    assert [c.tolist() for c in signed] == [c.tolist() for c in unsigned] == [[0], [1]]


def test_dominant_group_prefers_rank_then_count():
    cells = np.array([0, 0, 0, 1, 1, 1, 2])
    groups = np.array([0, 0, 1, 0, 0, 2, 0])
    # Equal ranks: the majority wins each cell; cell 3 is empty.
    assert dominant_group(cells, groups, 3, 4).tolist() == [0, 0, 0, -1]
    # Group 2 ranks higher: one point of it takes cell 1 from two of group 0.
    assert dominant_group(cells, groups, 3, 4, rank=np.array([0, 0, 1])).tolist() == [0, 2, 0, -1]


def test_dominant_group_of_nothing():
    empty = np.zeros(0, dtype=np.int64)
    assert dominant_group(empty, empty, 3, 4).tolist() == [-1] * 4


def test_viewport_around_points_has_a_margin_and_survives_flat_data():
    viewport = Viewport.around(np.array([[0.0, 5.0], [10.0, 5.0]]), margin=0.1)
    assert (viewport.x_min, viewport.x_max) == pytest.approx((-1.0, 11.0))
    assert viewport.y_min < 5.0 < viewport.y_max  # a flat axis still has a range
    assert Viewport.around(np.zeros((0, 2))) == Viewport(-1.0, 1.0, -1.0, 1.0)


def test_viewport_around_ignores_rows_that_are_not_finite():
    points = np.array([[0.0, 5.0], [np.nan, 100.0], [10.0, -np.inf], [4.0, 7.0]])
    assert Viewport.around(points, margin=0.0) == Viewport(0.0, 4.0, 5.0, 7.0)  # whole rows dropped
    nothing_finite = np.array([[np.nan, 1.0], [np.inf, 2.0]])
    assert Viewport.around(nothing_finite) == Viewport(-1.0, 1.0, -1.0, 1.0)


def _dots(cells: np.ndarray, bits: np.ndarray) -> dict[int, str]:
    return {int(c): chr(BRAILLE_BASE + int(b)) for c, b in zip(cells, bits)}


def test_braille_horizontal_line_crosses_every_column():
    # On a 4 x 3 grid, y = 0.5 is dot row 5.5 of 12 -> cell row 1, dot rows from the top...
    cells, bits = braille_dots(np.array([[0.0, 0.5], [1.0, 0.5]]), UNIT, 4, 3)
    assert cells.tolist() == [4, 5, 6, 7]  # the whole middle row
    assert len(set(bits.tolist())) == 1  # the same dot row in every cell
    assert bin(int(bits[0])).count("1") == 2  # both dot columns


def test_braille_single_point_and_outside_points():
    cells, bits = braille_dots(np.array([[0.0, 0.0]]), UNIT, 4, 3)
    assert _dots(cells, bits) == {0: "⡀"}  # bottom-left dot of the bottom-left cell
    cells, _ = braille_dots(np.array([[5.0, 5.0], [6.0, 6.0]]), UNIT, 4, 3)
    assert cells.size == 0


def test_braille_dashes_leave_gaps_and_thick_lines_fill_more_dots():
    line = np.array([[0.0, 0.5], [1.0, 0.5]])
    solid_cells, solid_bits = braille_dots(line, UNIT, 20, 3)
    dashed_cells, dashed_bits = braille_dots(line, UNIT, 20, 3, dash=3)
    _, thick_bits = braille_dots(line, UNIT, 20, 3, thick=True)

    def n_dots(bits: np.ndarray) -> int:
        return sum(bin(int(b)).count("1") for b in bits)

    assert n_dots(dashed_bits) < n_dots(solid_bits) < n_dots(thick_bits)
    assert set(dashed_cells.tolist()) <= set(solid_cells.tolist())


def test_grid_size_must_be_positive():
    with pytest.raises(ValueError, match="grid size"):
        cell_index(np.zeros((1, 2)), UNIT, 0, 3)


def test_cell_counter_matches_a_full_count_whatever_came_before():
    rng = np.random.default_rng(7)
    n, n_cells = 3_000, 40
    cells = rng.integers(0, n_cells + 1, n).astype(np.uint32)  # n_cells = outside
    counter = raster.CellCounter(cells, n_cells)
    codes = rng.integers(0, 4, n).astype(np.int8)
    for round_ in range(12):
        # Few changes (incremental), many changes (recount), none, more groups (growth).
        n_groups = 4 if round_ < 8 else 20
        share = [0.01, 0.5, 0.0, 0.05][round_ % 4]
        codes = codes.copy()
        moved = rng.random(n) < share
        codes[moved] = rng.integers(0, n_groups, moved.sum())
        expected = np.zeros((n_cells, n_groups), dtype=np.int64)
        inside = cells < n_cells
        np.add.at(expected, (cells[inside].astype(np.int64), codes[inside].astype(np.int64)), 1)
        np.testing.assert_array_equal(counter.counts(codes, n_groups), expected)
    assert 1 <= counter.rebuilds < 12  # some frames were updated, not recounted


def test_cell_counter_reuses_counts_when_nothing_changed():
    cells = np.array([0, 1, 1, 2], dtype=np.uint32)
    counter = raster.CellCounter(cells, 2)
    first = counter.counts(np.array([0, 1, 1, 0], dtype=np.int8), 2).copy()
    second = counter.counts(np.array([0, 1, 1, 0], dtype=np.int8), 2)
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first, [[1, 0], [0, 2]])
    assert counter.rebuilds == 1


def test_winners_from_counts_matches_dominant_group():
    rng = np.random.default_rng(11)
    cells = rng.integers(0, 30, 500)
    groups = rng.integers(0, 6, 500)
    rank = rng.integers(0, 3, 6)
    counts = np.zeros((30, 6), dtype=np.int64)
    np.add.at(counts, (cells, groups), 1)
    assert winners_from_counts(counts, rank).tolist() == dominant_group(cells, groups, 6, 30, rank).tolist()


def test_braille_of_a_huge_shape_draws_only_what_is_inside_and_stays_cheap():
    # A line far longer than the grid, crossing it: the visible part is drawn in full.
    cells, _ = braille_dots(np.array([[-1e9, 0.5], [1e9, 0.5]]), UNIT, 4, 3)
    assert cells.tolist() == [4, 5, 6, 7]
    # A segment passing beside the grid draws nothing.
    cells, _ = braille_dots(np.array([[-1e9, 5.0], [1e9, 5.0]]), UNIT, 4, 3)
    assert cells.size == 0
    # A huge circle around the grid draws nothing either (and does not take long).
    theta = np.linspace(0, 2 * np.pi, 73)
    circle = np.column_stack([1e7 * np.cos(theta), 1e7 * np.sin(theta)])
    cells, _ = braille_dots(circle, UNIT, 100, 30)
    assert cells.size == 0


def test_braille_skips_non_finite_vertices():
    cells, _ = braille_dots(np.array([[0.0, 0.5], [np.nan, 0.5], [1.0, 0.5]]), UNIT, 4, 3)
    assert cells.size <= 2  # only the vertices themselves, no line through NaN
