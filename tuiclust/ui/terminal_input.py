"""Input from the terminal that no byte sequence can break.

Textual's Linux driver reads the terminal in a thread, decodes it as strict
UTF-8 and feeds it to its escape-sequence parser. Three things there end
the app (and leave the user's next keys to the shell):

- one byte that is not UTF-8 (a meta key that sets the high bit, line
  noise over a serial or SSH link, ``printf '\\xff'``): the decoder raises
  ``UnicodeDecodeError``;
- a CSI sequence with a number too big for ``chr`` (``ESC [ 99999999999999 u``)
  or a stray colon (``ESC [ : 200 ~``): the parser raises ``OverflowError``
  or ``ValueError``, and its generator is dead from then on;
- a window-size report of absurd size (``ESC [ 48 ; 99999 ; 99999 ; ... t``)
  would make the app lay out a screen of billions of cells.

:class:`SafeXTermParser` drops a sequence the parser cannot parse, alone, and
goes on with a fresh parser from the next character; it also drops resize
reports beyond :data:`MAX_TERMINAL_SIZE`.
:class:`SafeLinuxDriver` is Textual's driver with that parser and a decoder
that replaces bytes that are not UTF-8 (U+FFFD) instead of raising.
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder
from collections.abc import Iterable

from textual import events
from textual._loop import loop_last
from textual._parser import ParseError, Peek1
from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

__all__ = ["MAX_TERMINAL_SIZE", "SafeLinuxDriver", "SafeXTermParser"]

# No terminal has more columns or rows than this; a report beyond it is noise.
MAX_TERMINAL_SIZE = 10_000


def _sane(message: Message) -> bool:
    if isinstance(message, events.Resize):
        width, height = message.size
        return 0 < width <= MAX_TERMINAL_SIZE and 0 < height <= MAX_TERMINAL_SIZE
    return True


class SafeXTermParser(XTermParser):
    """Textual's terminal parser, restarted at the next character when a sequence breaks it.

    Attributes
    ----------
    dropped : int
        How many times a sequence could not be parsed and was dropped.
    """

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self.dropped = 0

    def _restart(self) -> None:
        # What Parser.__init__ sets up: a fresh generator waiting for its first character.
        self._gen = self.parse(self._tokens.append)
        self._awaiting = next(self._gen)
        self._timeout_time = None
        self.dropped += 1

    def feed(self, data: str) -> Iterable[Message]:
        """Parse ``data``; a sequence that raises is dropped and parsing goes on after it.

        Textual's ``Parser.feed``, with the one difference: when the parser
        raises on a character, that character ends the broken sequence and
        a fresh parser takes the next one.
        """
        if not data:  # the end of input
            try:
                yield from filter(_sane, super().feed(data))
            except (ParseError, StopIteration, RuntimeError):
                pass
            return
        tokens = self._tokens
        pos, size = 0, len(data)
        while pos < size:
            try:
                if isinstance(self._awaiting, Peek1):  # looks at the character without taking it
                    self._timeout_time = None
                    self._awaiting = self._gen.send(data[pos])
                else:
                    self._timeout_time = None
                    self._awaiting = self._gen.send(data[pos])
                    pos += 1
            except Exception:  # noqa: BLE001 - any sequence the parser chokes on is dropped, never fatal
                self._restart()
                pos += 1
            if self._awaiting.timeout is not None:
                self._timeout_time = get_time() + self._awaiting.timeout
            while tokens:
                token = tokens.popleft()
                if _sane(token):
                    yield token

    def tick(self) -> Iterable[Message]:
        """Flush a lone ESC (or a sequence cut short) once the escape delay has passed."""
        try:
            yield from filter(_sane, super().tick())
        except Exception:  # noqa: BLE001 - as in feed
            self._restart()


class SafeLinuxDriver(LinuxDriver):
    """Textual's Linux driver with :class:`SafeXTermParser` and a decoder that never raises.

    It also resumes only what it suspended: Textual restarts the terminal's
    application mode on every SIGCONT, so a ``kill -CONT`` to a running app
    started a second input thread and writer beside the first.
    """

    _suspended_by_signal = False

    def _sigtstp_application(self, *args: object) -> None:
        self._suspended_by_signal = True
        super()._sigtstp_application(*args)

    def _sigcont_application(self, *args: object) -> None:
        if not self._suspended_by_signal:
            return  # not stopped by SIGTSTP (a bare SIGCONT, or a SIGSTOP from outside): nothing to resume
        self._suspended_by_signal = False
        super()._sigcont_application(*args)

    def run_input_thread(self) -> None:
        """Wait for input and dispatch events (Textual's loop, with the safe parser and decoder)."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        fileno = self.fileno
        parser = SafeXTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")(errors="replace").decode

        def process_selector_events(
            selector_events: list[tuple[selectors.SelectorKey, int]], final: bool = False
        ) -> None:
            for last, (_key, mask) in loop_last(selector_events):
                if mask & selectors.EVENT_READ:
                    unicode_data = decode(os.read(fileno, 1024 * 4), final=final and last)
                    if not unicode_data:
                        break  # stdin at its end (a pipe)
                    for event in parser.feed(unicode_data):
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                process_selector_events(selector.select(0.1))
            selector.unregister(self.fileno)
            process_selector_events(selector.select(0.1), final=True)
        finally:
            selector.close()
            for _ in parser.feed(""):
                pass
