"""Textual's command palette, made safe for keys that arrive faster than it draws.

A terminal delivers several keys in one read (a fast typist, a paste, a
key held down, keys over a slow SSH link), and Textual handles them before
the palette has laid out or closed:

- ``Enter Enter``: the first Enter runs the command and closes the palette;
  the second reaches the palette on its way out, closes it again (there is
  no screen left to pop: ``ScreenStackError``) and would run the command
  twice;
- page up / page down / home / end before the list has been laid out
  (``KeyError`` in the option list's line table).

:class:`SafeCommandPalette` ignores whatever selects a command once it is
leaving, and treats a move in a list that is not drawn yet as no move.
"""

from __future__ import annotations

from typing import Any

from textual.await_complete import AwaitComplete
from textual.command import CommandPalette
from textual.message import Message
from textual.widgets import Button, Input, OptionList

__all__ = ["SafeCommandPalette"]

# What makes the palette pick or run a command.
_CHOOSING = (Input.Submitted, OptionList.OptionSelected, Button.Pressed)


class SafeCommandPalette(CommandPalette):
    """The command palette, dismissed once, whatever arrives while it goes."""

    _leaving = False

    def dismiss(self, result: Any = None) -> AwaitComplete:
        """Close the palette; a second request (a second Enter in the same read) does nothing."""
        if self._leaving or self.app.screen is not self:
            return AwaitComplete()
        self._leaving = True
        return super().dismiss(result)

    async def _on_message(self, message: Message) -> None:
        # A second Enter may already be queued when the first closes the palette:
        # it must neither close it again nor run the command a second time.
        if self._leaving and isinstance(message, _CHOOSING):
            message.stop()
            return
        await super()._on_message(message)

    def _action_command_list(self, action: str) -> None:
        try:
            super()._action_command_list(action)
        except (KeyError, IndexError):
            # The list has options but no lines yet (keys faster than the first
            # frame): there is nothing on screen to move to, so do not move.
            pass
