"""Terminal sizes, the too-small message, resizing while playing, and the mouse."""

from __future__ import annotations

import pytest

from tuiclust.ui.app import MIN_SIZE, ExplorerApp

from .conftest import explorer, make_spec, press_and_settle, wait_until


def visible(app: ExplorerApp, selector: str) -> bool:
    widget = app.query_one(selector)
    return widget.display and widget.region.width > 0 and widget.region.height > 0


@pytest.mark.slow
@pytest.mark.parametrize("size", [(60, 20), (80, 24), (100, 30), (200, 60)])
async def test_every_view_has_room_at(size):
    async with explorer(size=size) as (app, pilot):
        await pilot.press("right", "right")
        assert not app.too_small
        for selector in ("#scatter", "#params", "#numbers", "#log"):
            assert visible(app, selector), selector
        scatter, side = app.query_one("#scatter").region, app.query_one("#side").region
        assert scatter.width > side.width  # the plot gets most of the screen
        assert scatter.right <= side.x  # side by side, no overlap
        assert app.query_one("#log").region.y >= scatter.bottom
        # the current step's line is on screen
        assert app.phase_log.current_line.startswith("iter 1 · Update")


async def test_too_small_terminal_shows_a_message_instead_of_the_layout():
    async with explorer(size=(100, 30)) as (app, pilot):
        await pilot.resize_terminal(50, 15)
        await pilot.pause()
        assert app.too_small
        message = str(app.query_one("#too-small").render())
        assert f"need at least {MIN_SIZE.width}x{MIN_SIZE.height}" in message
        assert "have 50x15" in message
        assert not app.query_one("#main").display or app.query_one("#main").region.height == 0
        # keys still work while folded away, and the layout comes back
        await pilot.press("right")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not app.too_small
        assert visible(app, "#scatter")
        assert app.current_run.timeline.index == 1


@pytest.mark.slow
async def test_resizing_while_playing_never_crashes():
    async with explorer(make_spec("dbscan"), steps_per_second=16.0) as (app, pilot):
        await pilot.press("space")
        for size in [(200, 60), (60, 20), (40, 10), (80, 24), (61, 18), (100, 30), (200, 60)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
        await wait_until(lambda: not app.playing, what="playback to reach the last step")
        await pilot.pause()
        assert app.current_run.timeline.at_last_step
        assert app.is_running


async def test_panel_buttons_click_like_keys():
    async with explorer() as (app, pilot):
        panel = app.query_one("#params")
        # the k row: label, "−", value, "+" ; find its line in the rendered panel
        lines = [line.rstrip() for line in str(panel.render()).splitlines()]
        row = next(i for i, line in enumerate(lines) if line.startswith("k "))
        minus_x = lines[row].index("\u2212")
        plus_x = lines[row].index("+")
        top = panel.region.y + panel.styles.border.spacing.top + panel.styles.padding.top
        left = panel.region.x + panel.styles.border.spacing.left + panel.styles.padding.left
        await pilot.click(offset=(left + plus_x, top + row))
        await app.wait_until_computed()
        await pilot.pause()
        assert app.current_run.params["n_clusters"] == 4
        await pilot.click(offset=(left + minus_x, top + row))
        await app.wait_until_computed()
        await pilot.pause()
        assert app.current_run.params["n_clusters"] == 3


async def test_clicking_a_log_line_jumps_to_its_step():
    async with explorer() as (app, pilot):
        await pilot.press("right", "right", "right")
        log = app.phase_log
        first_line_y = log.region.y + 1  # below the border
        await pilot.click(offset=(log.region.x + 4, first_line_y))
        await pilot.pause()
        assert app.current_run.timeline.index == 0
        assert log.marked_index == 0


async def test_light_theme_and_no_colour_render():
    async with explorer(size=(80, 24)) as (app, pilot):
        app.theme = "textual-light"
        await press_and_settle(app, pilot, "right")
        assert app.export_screenshot()
    app = ExplorerApp(make_spec())
    app.no_color = True  # what NO_COLOR=1 sets
    async with app.run_test(size=(80, 24)) as pilot:
        await app.wait_until_computed()
        await pilot.press("right")
        assert "Assign" in app.export_screenshot()


@pytest.mark.parametrize(("algorithm", "words"), [("gmm", "gaussian_mixture"), ("hdbscan", "min_cluster_size")])
async def test_long_names_in_the_run_panel_are_never_cut_at_80x24(algorithm, words):
    # issue 17 item 6: "gaussian_mixtur…" -- a value too long for its line goes under its label instead
    spec = make_spec(algorithm, "gaussian_mixture")
    async with explorer(spec, size=(80, 24)) as (app, pilot):
        await pilot.pause()
        lines = app.panel.render().plain.splitlines()
        assert any("gaussian_mixture" in line for line in lines) and any(words in line for line in lines)
        assert max(len(line) for line in lines) <= app.panel.content_region.width, "a row is cut at the edge"
        assert app.query_one("#side").max_scroll_y == 0, "the side column scrolls"


@pytest.mark.parametrize("algorithm", ["dbscan", "gmm"])
async def test_this_step_box_fits_at_80x24_without_scrolling(algorithm):
    # issue 17 item 6: the DBSCAN box overflowed behind a scrollbar; GMM weights were cut to "0.33 · 0.33 · …"
    async with explorer(make_spec(algorithm), size=(80, 24)) as (app, pilot):
        await press_and_settle(app, pilot, "right", "right", "right")
        await pilot.pause()
        assert app.query_one("#side").max_scroll_y == 0, "the side column scrolls"
        shown = dict(app.numbers.shown_rows)
        if algorithm == "dbscan":
            assert {"core", "border", "noise"} <= set(shown)
        else:
            weights = shown["weights"]
            assert len(weights.split()) == 3
            # the whole value is on screen, not cut off with an ellipsis
            assert weights in app.export_screenshot().replace("&#160;", " ")


async def test_a_long_title_drops_the_run_words_rather_than_cut_them():
    # issue 17 item 6: a lesson's header read "... — K-Means on cu…"; the Run panel names both anyway
    async with explorer(size=(100, 30)) as (app, pilot):
        assert app.sub_title == "K-Means on blobs"
        app.load_spec(app.spec, title="Clustering: the whole lesson \u00b7 12/13 Pitfall: features on different scales")
        await app.wait_until_computed()
        await pilot.pause()
        assert app.sub_title == ""
        await pilot.resize_terminal(140, 30)
        await wait_until(lambda: app.sub_title == "K-Means on blobs")
