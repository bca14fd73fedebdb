"""No byte sequence from the terminal and no burst of keys in the palette ends the explorer.

Three layers, each with the inputs that broke it before:

- the parser (:class:`SafeXTermParser`): sequences Textual's parser raises on
  (a code point beyond Unicode, a number beyond a C int, a stray colon),
  then a few thousand seeded random chunks of bytes and broken sequences;
- the running app (Pilot): what the parser makes of random bytes goes in
  through the driver, mouse reports at absurd places included;
- the command palette: Enter twice, page keys before it is drawn, in one read.

After each, the app still answers a key.
"""

from __future__ import annotations

import random

import pytest
from textual import events
from textual._xterm_parser import XTermParser

from tuiclust.ui.command_palette import SafeCommandPalette
from tuiclust.ui.crash import CrashReport
from tuiclust.ui.keys import KEYS
from tuiclust.ui.terminal_input import MAX_TERMINAL_SIZE, SafeLinuxDriver, SafeXTermParser

from .conftest import explorer, wait_until

ESC = "\x1b"
# Each of these killed Textual's parser (and with it the app's input).
BREAKERS = {
    "code point beyond Unicode": f"{ESC}[1114112u",
    "number beyond a C int": f"{ESC}[99999999999999u",
    "modifier beyond a C int": f"{ESC}[97;5;99999999999u",
    "stray colon": f"{ESC}[:200~",
}
BOUND = {key for spec in KEYS for key in spec.keys.split(",")} | {"ctrl+q", "ctrl+c", "ctrl+p", "tab", "shift+tab"}
# Pieces random input is made of: the starts, middles and ends of real sequences.
PIECES = [ESC, "99999999999999999999", "48;", "$y", "200~", "201~", " ", "\x00", "\x07", "\x7f", "\u009b", "\ufffd"]
PIECES += list("[]<>?;:019u~MmtRAa\u00e9P\\-")


def random_input(rng: random.Random) -> str:
    """A chunk the terminal might send: random bytes (decoded as the driver does) or pieces of sequences."""
    if rng.random() < 0.3:
        raw = bytes(rng.randrange(256) for _ in range(rng.randint(1, 24)))
        return raw.decode("utf-8", errors="replace")
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 30)))


def keys_of(parser: XTermParser, data: str) -> list[str]:
    return [event.key for event in parser.feed(data) if isinstance(event, events.Key)]


@pytest.mark.parametrize("sequence", BREAKERS.values(), ids=BREAKERS.keys())
def test_a_sequence_that_breaks_textuals_parser_is_dropped_and_the_next_key_arrives(sequence):
    with pytest.raises((ValueError, OverflowError)):
        list(XTermParser().feed(sequence + "q"))  # the class of failure this guards against
    parser = SafeXTermParser()
    assert keys_of(parser, sequence + "q")[-1] == "q"
    assert keys_of(parser, f"{ESC}[A") == ["up"]  # and the parser keeps parsing sequences
    assert parser.dropped == 1


def test_an_absurd_window_size_report_is_dropped():
    parser = SafeXTermParser()
    messages = list(parser.feed(f"{ESC}[48;99999;99999;1;1t"))
    assert not any(isinstance(m, events.Resize) for m in messages)
    sane = list(SafeXTermParser().feed(f"{ESC}[48;30;100;600;1000t"))
    assert [m.size for m in sane if isinstance(m, events.Resize)] == [(100, 30)]
    assert MAX_TERMINAL_SIZE >= 1000


def test_invalid_utf8_is_replaced_not_raised():
    # The driver decodes with errors="replace": one byte that is not UTF-8 is one U+FFFD, then the key.
    from codecs import getincrementaldecoder

    decode = getincrementaldecoder("utf-8")(errors="replace").decode
    assert keys_of(SafeXTermParser(), decode(b"\xffq")) == ["replacement_character", "q"]
    assert SafeLinuxDriver.run_input_thread is not SafeLinuxDriver.__mro__[1].run_input_thread


def test_thousands_of_random_chunks_never_raise_and_the_parser_still_works():
    rng = random.Random(18)
    parser = SafeXTermParser()
    for _ in range(3000):
        list(parser.feed(random_input(rng)))
    list(parser.feed(ESC + "\x07" + f"{ESC}[201~"))  # close whatever sequence (or paste) the last chunk left open
    assert keys_of(parser, "q")[-1] == "q"


def test_the_explorer_uses_the_safe_driver_and_reports_crashes():
    from tuiclust.pipeline.spec import RunSpec
    from tuiclust.ui.app import ExplorerApp

    app = ExplorerApp(RunSpec())
    assert app.driver_class is SafeLinuxDriver
    assert isinstance(app, CrashReport)


def test_the_served_explorer_uses_the_safe_web_driver(monkeypatch):
    import textual.constants

    from tuiclust.pipeline.spec import RunSpec
    from tuiclust.ui.app import ExplorerApp
    from tuiclust.ui.web_input import SafeWebDriver

    # what textual-serve sets in TEXTUAL_DRIVER (Textual reads it once, at import)
    monkeypatch.setattr(textual.constants, "DRIVER", "textual.drivers.web_driver:WebDriver")
    assert ExplorerApp(RunSpec()).driver_class is SafeWebDriver


async def _still_answers(app, pilot) -> None:
    """Leave any screen on top, then a step forward must show the next step."""
    for _ in range(5):
        if len(app.screen_stack) == 1:
            break
        app.pop_screen()
        await pilot.pause()
    assert len(app.screen_stack) == 1
    await wait_until(lambda: app.current_run is not None, what="a run on screen")
    await app.wait_until_computed()
    timeline = app.current_run.timeline
    before = timeline.index
    if timeline.at_last_step:
        await pilot.press("home")
        await wait_until(lambda: app.current_run.timeline.index == 0, what="home")
        before = 0
    await pilot.press("l")
    await wait_until(lambda: app.current_run.timeline.index == before + 1, what="a step forward after the fuzzing")


@pytest.mark.slow
async def test_random_terminal_input_through_the_driver_leaves_the_app_responsive():
    rng = random.Random(7)
    parser = SafeXTermParser()
    async with explorer(size=(100, 30)) as (app, pilot):
        for _ in range(80):
            for message in parser.feed(random_input(rng)):
                if isinstance(message, events.Key) and message.key in BOUND:
                    continue  # the app's own keys: test_robustness presses thousands of them
                app._driver.process_message(message)
            await pilot.pause()
        # mouse reports far outside the screen, as a terminal with a bug sends them
        for message in parser.feed(f"{ESC}[<0;99999;99999M{ESC}[<0;99999;99999m{ESC}[<35;5000;4000M"):
            app._driver.process_message(message)
        await pilot.pause()
        await _still_answers(app, pilot)


PALETTE_RACES = [
    ["ctrl+p", "enter", "enter"],
    ["ctrl+p", "down", "enter", "enter"],
    ["ctrl+p", "pagedown", "enter", "enter"],
    ["ctrl+p", "pageup", "pagedown", "end", "home", "enter", "pagedown", "enter"],
    ["ctrl+p", "ctrl+p", "enter", "escape", "enter"],
]


@pytest.mark.slow
async def test_palette_key_races_in_one_read_leave_the_app_responsive():
    async with explorer(size=(100, 30)) as (app, pilot):
        rng = random.Random(3)
        keys = ["ctrl+p", "enter", "pagedown", "pageup", "down", "up", "escape", "home", "end", "tab", "a"]
        races = PALETTE_RACES + [[rng.choice(keys) for _ in range(rng.randint(2, 8))] for _ in range(25)]
        for race in races:
            for key in race:  # all posted before the app handles any: one read from the terminal
                app.post_message(events.Key(key, key if len(key) == 1 else None))
            await pilot.pause()
            if SafeCommandPalette.is_open(app):
                app.post_message(events.Key("escape", None))
                await pilot.pause()
            await app.wait_until_computed()
        assert app.return_code is None  # never ended by an error
        await _still_answers(app, pilot)


def test_an_unexpected_error_ends_with_one_line_a_log_and_status_1(capfd):
    from textual.app import App

    class Breaks(CrashReport, App[None]):
        def on_mount(self) -> None:
            raise RuntimeError("a bug\nwith a second line")

    app = Breaks()
    app.run(headless=True)
    assert app.return_code == 1
    err = capfd.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("tuiclust: unexpected error (RuntimeError: a bug); the app stopped, the traceback is in ")
    log = app.crash_log
    assert log is not None and str(log) in err[0]
    assert "Traceback" in log.read_text() and "on_mount" in log.read_text()
    log.unlink()
