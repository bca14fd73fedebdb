"""The web driver's input (``tuiclust serve``), made as safe as the terminal's.

textual-serve runs the explorer with Textual's WebDriver, which decodes the
browser's keystrokes with a strict UTF-8 decoder and Textual's parser in a
thread of its own; an exception there is logged and the tab's input dies.
:class:`SafeWebDriver` reads with :class:`~.terminal_input.SafeXTermParser`
and a decoder that replaces bytes that are not UTF-8.
"""

from __future__ import annotations

from codecs import getincrementaldecoder

from textual.drivers._byte_stream import ByteStream
from textual.drivers.web_driver import WebDriver, _ExitInput

from .terminal_input import SafeXTermParser

__all__ = ["SafeWebDriver"]


class SafeWebDriver(WebDriver):
    """Textual's web driver with :class:`SafeXTermParser` and a decoder that never raises."""

    def run_input_thread(self) -> None:
        """Wait for input and dispatch events (Textual's loop, with the safe parser and decoder)."""
        input_reader = self._input_reader
        parser = SafeXTermParser(debug=self._debug)
        decode = getincrementaldecoder("utf-8")(errors="replace").decode
        byte_stream = ByteStream()  # stdin's bytes, with in-band packets from the server
        try:
            for data in input_reader:
                if data:
                    for packet_type, payload in byte_stream.feed(data):
                        if packet_type == "D":
                            for event in parser.feed(decode(payload)):
                                self.process_message(event)
                        else:
                            self._on_meta(packet_type, payload)
                for event in parser.tick():
                    self.process_message(event)
        except _ExitInput:
            pass
        finally:
            input_reader.close()
