"""Errors meant for people: one line, what was wrong, where, and what to do."""

__all__ = ["UsageError", "first_line"]


class UsageError(Exception):
    """Bad input from the user (a flag, a file, a scene). The CLI prints it and exits 2."""


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message, or its type's name when the message is empty.

    Messages for people are one line; numpy's and the standard library's can
    run to several, of which the first says what went wrong.
    """
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
