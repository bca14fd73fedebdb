"""A recorded lesson's web page in headless Chromium: the player renders and the chapters are listed."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from tuiclust.publish.cast import read_cast_info
from tuiclust.publish.html import PageText, render_html

from .browser import CHROMIUM, FLAGS, dump_dom, needs_chromium
from .images import read_png_pixels


@needs_chromium
def test_recorded_page_plays_in_chromium_and_lists_its_chapters(recorded_cast: Path, tmp_path: Path) -> None:
    page = render_html(recorded_cast, tmp_path / "lesson.html", PageText("K-Means, step by step", "Three blobs.")).path
    markers = read_cast_info(recorded_cast).markers
    dom = dump_dom(page.resolve().as_uri())
    # The player built its terminal and controls: the script ran with no network.
    assert 'class="ap-player' in dom and 'class="ap-term' in dom
    assert re.search(r'class="ap-[^"]*control-bar', dom)
    # The poster is the first step's frame, so the explorer's text is already in the terminal.
    terminal = dom[dom.index('class="ap-term') :]
    assert "K-Means" in re.sub(r"<[^>]+>", "", terminal)
    chapters = re.findall(r'<button type="button" data-marker="(\d+)"', dom)
    assert [int(i) for i in chapters] == list(range(len(markers))) and len(markers) > 5


@needs_chromium
def test_recorded_page_screenshot_is_not_blank(recorded_cast: Path, tmp_path: Path) -> None:
    page = render_html(recorded_cast, tmp_path / "lesson.html", PageText("K-Means", "")).path
    shot = tmp_path / "page.png"
    with tempfile.TemporaryDirectory(prefix="tuiclust-chromium-") as profile:
        subprocess.run(
            [
                str(CHROMIUM),
                *FLAGS,
                f"--user-data-dir={profile}",
                "--virtual-time-budget=8000",
                "--window-size=400,300",
                "--force-device-scale-factor=1",
                f"--screenshot={shot}",
                page.as_uri(),
            ],
            capture_output=True,
            timeout=120,
            check=True,
        )
    width, height, pixels = read_png_pixels(shot.read_bytes())
    assert (width, height) == (400, 300)
    assert len(set(pixels)) > 20  # text and a drawn frame, not one flat colour
    assert (18, 18, 18) in set(pixels)  # the explorer's dark background
