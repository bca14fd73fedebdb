"""Errors meant for people: one line, what was wrong, where, and what to do."""

from tuiclust.safe_text import shown

__all__ = ["UsageError", "first_line"]


class UsageError(Exception):
    """Bad input from the user (a flag, a file, a scene). The CLI prints it and exits 2.

    The message is made safe on the way in (:func:`tuiclust.safe_text.shown`):
    it quotes file names, column names and cells, whose control characters
    are written out visibly and whose overlong values are cut, so that no
    message can drive the terminal or run to thousands of characters.
    """

    def __init__(self, *args: object) -> None:
        if args and isinstance(args[0], str):
            args = (shown(args[0]), *args[1:])
        super().__init__(*args)


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message, or its type's name when the message is empty.

    Messages for people are one line; numpy's and the standard library's can
    run to several, of which the first says what went wrong. The line is made
    safe like a :class:`UsageError`'s message.
    """
    lines = str(exc).strip().splitlines()
    return shown(lines[0]) if lines else type(exc).__name__
