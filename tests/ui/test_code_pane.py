"""The code pane (L): the listing of the algorithm on screen, the current phase marked ▶, its values beside it."""

from __future__ import annotations

import re

import pytest

from tuiclust.core.steps import Phase
from tuiclust.listings import listing_for, phase_lines
from tuiclust.ui.app import ExplorerApp
from tuiclust.ui.code_pane import MARK, code_rows, no_listing_text, window
from tuiclust.ui.phase_log import PhaseLog
from tuiclust.ui.stage import capture_rows

from .conftest import explorer, make_spec, press_and_settle, wait_until

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
SHIFT = "shift\u00b2"  # the panel's label


def marked_code(app: ExplorerApp) -> list[str]:
    """The code of the rows the pane marks ▶ (gutter and value stripped)."""
    rows = [line for line in app.code_pane.plain_lines if line.startswith(MARK + " ")]
    return [line[2:].split("  \u2190 ")[0].strip() for line in rows]


def expected_code(app: ExplorerApp) -> set[str]:
    step = app.current_run.timeline.current
    listing = listing_for(step.algorithm)
    return {listing.lines[i].strip() for i in phase_lines(listing, step)}


def pane_text(app: ExplorerApp) -> str:
    return app.code_pane.plain_text


async def test_l_shows_and_hides_the_pane_in_the_logs_place_below_120_columns():
    async with explorer(size=(100, 30)) as (app, pilot):
        assert not app.code_shown and not app.code_pane.display
        await pilot.press("L")
        await pilot.pause()
        assert app.code_shown and app.code_pane.display
        assert app.code_pane.id == "code-low" and not app.phase_log.display
        assert app.code_pane.region.y >= app.scatter.region.bottom
        assert app.code_pane.border_title == "kmeans.py"
        assert "step 1 of" in app.code_pane.border_subtitle  # the log's status line goes with its place
        await pilot.press("L")
        await pilot.pause()
        assert not app.code_shown and app.phase_log.display and not app.code_pane.display


async def test_the_mark_moves_with_the_phase_and_the_values_are_the_panels():
    async with explorer(size=(100, 30)) as (app, pilot):
        await pilot.press("L")
        seen = []
        for _ in range(4):  # Initialize -> Assign -> Update -> Assign
            await pilot.pause()
            step = app.current_run.timeline.current
            seen.append(step.phase)
            marked = marked_code(app)
            assert marked and set(marked) <= expected_code(app), step.phase
            panel = dict(app.numbers.rows)
            text = pane_text(app)
            if step.phase is Phase.ASSIGN:
                assert f"inertia = {panel['inertia']}" in text
                assert f"changed = {panel['moved'].split()[0]}" in text
            elif step.phase is Phase.UPDATE:
                assert f"shift = {panel[SHIFT]}" in text
            await press_and_settle(app, pilot, "right")
        assert seen == [Phase.INITIALIZE, Phase.ASSIGN, Phase.UPDATE, Phase.ASSIGN]
        # back again: the mark goes back with the step
        await press_and_settle(app, pilot, "left")
        assert app.code_pane.phase is Phase.ASSIGN and set(marked_code(app)) <= expected_code(app)


@pytest.mark.parametrize(
    ("algorithm", "phases"),
    [
        ("dbscan", [Phase.NEIGHBOURHOODS, Phase.EXPAND, Phase.BORDER, Phase.NOISE]),
        ("gmm", [Phase.INITIALIZE, Phase.E_STEP, Phase.M_STEP, Phase.E_STEP]),
    ],
)
async def test_dbscan_and_gmm_phases_move_the_mark(algorithm, phases):
    async with explorer(make_spec(algorithm, n=120), size=(100, 30)) as (app, pilot):
        await pilot.press("L")
        await pilot.pause()
        timeline = app.current_run.timeline
        first = {}  # the first step of each phase, reached as a click on its log line would
        for index in range(len(timeline)):
            first.setdefault(timeline[index].phase, index)
        met: dict[Phase, str] = {}
        for phase in dict.fromkeys(phases):
            app.phase_log.post_message(PhaseLog.StepChosen(first[phase]))
            await wait_until(lambda phase=phase: app.code_pane.phase is phase, what=f"the pane at {phase}")
            await pilot.pause()
            assert set(marked_code(app)) <= expected_code(app), phase
            met[phase] = pane_text(app)
        # and stepping on from there moves the mark to the next phase's lines
        app.phase_log.post_message(PhaseLog.StepChosen(first[phases[0]]))
        await wait_until(lambda: app.code_pane.phase is phases[0])
        await press_and_settle(app, pilot, "right")
        assert app.code_pane.phase is phases[1] and set(marked_code(app)) <= expected_code(app)
        if algorithm == "dbscan":
            assert "core = " in met[Phase.NEIGHBOURHOODS] and "noise = " in met[Phase.NOISE]
        else:
            assert "log_lik = " in met[Phase.E_STEP] and "Nk = " in met[Phase.M_STEP]


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (160, 45)])
async def test_the_pane_fits_and_keeps_the_marked_values_in_view(size):
    async with explorer(make_spec("gmm", n=150), size=size) as (app, pilot):
        await pilot.press("L", "right", "right")  # an M-step: its values sit low in a long listing
        await press_and_settle(app, pilot)
        pane = app.code_pane
        assert pane.phase is Phase.M_STEP
        assert "Nk = " in pane_text(app) and "weights = " in pane_text(app)
        assert len(pane.plain_lines) <= pane.content_size.height
        assert all(len(line) <= pane.content_size.width for line in pane.plain_lines)
        scatter = app.scatter.region
        if size[0] >= 120:  # beside the plot, and everything else stays
            assert pane.id == "code-side" and pane.region.x >= scatter.right
            assert app.phase_log.display and app.numbers.display
        else:
            assert pane.id == "code-low" and pane.region.y >= scatter.bottom and not app.phase_log.display
        assert app.query_one("#side").max_scroll_y == 0, "the side column scrolls"
        # the pane moves when the terminal crosses 120 columns
        await pilot.resize_terminal(130 if size[0] < 120 else 100, size[1])
        await pilot.pause()
        assert app.code_pane is not pane and app.code_pane.display and not pane.display
        assert "Nk = " in pane_text(app)


async def test_no_colour_reads_by_the_gutter():
    app = ExplorerApp(make_spec())
    app.no_color = True  # what NO_COLOR=1 sets
    async with app.run_test(size=(80, 24)) as pilot:
        await app.wait_until_computed()
        await pilot.press("L", "right", "right")
        await app.wait_until_computed()
        await pilot.pause()
        screen = [_ANSI.sub("", row) for row in capture_rows(app)]
        marked = [
            row.split(MARK + " ", 1)[1].split("\u2190")[0].strip(" \u2502") for row in screen if MARK + " " in row
        ]
        assert marked and set(marked) <= expected_code(app)
        assert app.code_pane.phase is Phase.UPDATE


async def test_the_pane_redraws_only_when_the_step_changes():
    async with explorer(size=(100, 30)) as (app, pilot):
        await pilot.press("L")
        await pilot.pause()
        draws = app.code_pane.draws
        await press_and_settle(app, pilot, "v")  # the plot redraws (regions), the step stays
        await press_and_settle(app, pilot, "v")
        assert app.code_pane.draws == draws
        await press_and_settle(app, pilot, "right")
        assert app.code_pane.draws == draws + 1
        # hidden, it draws nothing
        await pilot.press("L")
        await press_and_settle(app, pilot, "right", "right")
        assert app.code_pane.draws == draws + 1


@pytest.mark.parametrize("algorithm", ["agglomerative", "hdbscan"])
async def test_algorithms_without_a_listing_say_so_in_one_line(algorithm):
    async with explorer(make_spec(algorithm, n=60), size=(100, 30)) as (app, pilot):
        await pilot.press("L")
        await pilot.pause()
        assert app.code_pane.plain_lines == [no_listing_text(algorithm)]
        assert "No listing for" in app.code_pane.plain_text and "def " not in app.code_pane.plain_text
        # switching to K-Means shows its listing
        await press_and_settle(app, pilot, "1")
        assert "def kmeans(" in "\n".join(listing_for("kmeans").lines)
        assert app.code_pane.border_title.startswith("kmeans.py")


def test_a_value_that_does_not_fit_beside_its_line_gets_a_row_below_it():
    listing = listing_for("gmm")
    line = listing.value_lines[Phase.M_STEP]["Nk"]
    rows = code_rows(listing, listing.phases[Phase.M_STEP], {line: "Nk = 100 \u00b7 83 \u00b7 17"}, width=60)
    texts = [row.plain for row, _ in rows]
    at = next(i for i, (_, index) in enumerate(rows) if index == line)
    assert "\u2190" not in texts[at] and texts[at + 1].strip() == "\u21b3 Nk = 100 \u00b7 83 \u00b7 17"
    assert all(len(t) <= 60 for t in texts)
    wide = [row.plain for row, _ in code_rows(listing, (), {line: "Nk = 1"}, width=120)]
    assert len(wide) == len(listing.lines) and "\u2190 Nk = 1" in wide[line]


def test_the_window_keeps_the_values_in_view():
    rows = list(range(60))
    # a phase in two groups (a helper function and the loop): the group with the values wins
    marked = (*range(8, 19), *range(36, 45))
    start = window(rows, 8, marked, (43, 44))
    assert start <= 43 and 44 < start + 8
    assert window(rows, 100, marked, (43,)) == 0
    assert window(rows, 8, (58, 59), (59,)) == 52  # never past the end


async def test_a_big_terminal_uses_the_room():
    # issue 17 item 7: at 200x60 the panel kept 32 columns and the log 6 lines
    async with explorer(size=(100, 30)) as (app, pilot):
        log, side = app.phase_log.outer_size.height, app.query_one("#side").outer_size.width
        await pilot.resize_terminal(200, 60)
        await pilot.pause()
        assert app.phase_log.outer_size.height >= log + 6  # twelve lines of the run's history
        assert app.query_one("#side").outer_size.width >= side + 10  # a wider panel: whole sizes and weights
        assert app.scatter.region.width > 2 * app.query_one("#side").region.width  # the plot still leads
        await pilot.press("L")
        await pilot.pause()
        assert app.code_pane.id == "code-side" and app.phase_log.display
        assert app.code_pane.content_size.width >= 76  # the longest listing line fits whole
