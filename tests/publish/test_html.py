"""The self-contained web page: cast and player embedded, text escaped, markers as chapters."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from tuiclust.publish.cast import read_cast_info
from tuiclust.publish.html import PLAYER_VERSION, PageText, build_page, clean_text, render_html

from .conftest import write_cast

NASTY = 'K-Means </script><script>alert(1)</script> & "friends"\x07\x1b[31m\u009b'


def page_for(cast: Path, text: PageText, **options: bool) -> str:
    return build_page(cast.read_text(encoding="utf-8"), read_cast_info(cast), text, **options)


def script_block(page: str, ident: str) -> str:
    match = re.search(rf'<script type="application/json" id="{ident}">(.*?)</script>', page, re.DOTALL)
    assert match, ident
    return match.group(1)


def test_cast_is_embedded_and_reads_back_byte_for_byte(tiny_cast: Path) -> None:
    page = page_for(tiny_cast, PageText("t"))
    assert json.loads(script_block(page, "tuiclust-cast")) == tiny_cast.read_text(encoding="utf-8")


def test_player_js_and_css_are_inlined_not_linked(tiny_cast: Path) -> None:
    page = page_for(tiny_cast, PageText("t"))
    assert "AsciinemaPlayer" in page and ".ap-player" in page
    assert not re.search(r"<(script|link)[^>]+(src|href)=", page)  # nothing fetched: plays offline
    assert f"asciinema-player {PLAYER_VERSION}" in page


def test_title_description_and_labels_are_escaped_and_stripped_of_controls(tmp_path: Path) -> None:
    cast = write_cast(tmp_path / "nasty.cast", title=NASTY, markers=(NASTY, "<b>bold</b>", "plain"))
    page = page_for(cast, PageText(NASTY, "a <i>description</i>\nover two lines"))
    # Only the page's own script elements exist: 2 JSON blocks, the player, the glue.
    assert page.count("<script") == 4 and page.count("</script>") == 4
    assert "<b>bold</b>" not in page and "<i>description</i>" not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in page
    assert "\x07" not in page and "\x9b" not in page
    assert "a &lt;i&gt;description&lt;/i&gt; over two lines" in page
    # The cast itself (with its own "</script>" in the title and a marker) survives intact.
    assert json.loads(script_block(page, "tuiclust-cast")) == cast.read_text(encoding="utf-8")


def test_clean_text_keeps_words_and_drops_controls() -> None:
    assert clean_text("a\tb\nc\x00d\x7f\x85e") == "a b cde"


def test_markers_become_chapters_that_seek_the_player(tiny_cast: Path) -> None:
    page = page_for(tiny_cast, PageText("t"))
    chapters = re.findall(
        r'<button type="button" data-marker="(\d+)" data-time="([\d.]+)">'
        r'<span class="time">([\d:]+)</span>(.*?)</button>',
        page,
    )
    assert [(int(i), float(t), label) for i, t, _, label in chapters] == [
        (0, 0.0, "one"),
        (1, 0.5, "two"),
        (2, 1.0, "three"),
    ]
    assert "player.seek({ marker: Number(button.dataset.marker) })" in page


def test_pause_on_markers_is_an_option_of_the_player(tiny_cast: Path) -> None:
    assert json.loads(script_block(page_for(tiny_cast, PageText("t")), "tuiclust-options"))["pauseOnMarkers"] is False
    options = json.loads(script_block(page_for(tiny_cast, PageText("t"), pause_on_markers=True), "tuiclust-options"))
    assert options["pauseOnMarkers"] is True
    assert (options["cols"], options["rows"]) == (20, 5)


def test_render_html_writes_the_page_atomically(tiny_cast: Path, tmp_path: Path) -> None:
    out = tmp_path / "site" / "lesson.html"
    out.parent.mkdir()
    render_html(tiny_cast, out, PageText("Lesson", "About <it>"))
    text = out.read_text(encoding="utf-8")
    assert "<h1>Lesson</h1>" in text and html.escape("About <it>") in text
    assert [p.name for p in out.parent.iterdir()] == ["lesson.html"]
