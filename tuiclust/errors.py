"""Errors meant for people: one line, what was wrong, where, and what to do."""


class UsageError(Exception):
    """Bad input from the user (a flag, a file, a scene). The CLI prints it and exits 2."""
