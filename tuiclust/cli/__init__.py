"""The command line: argument parsing and the sub-commands (the top layer)."""

from .main import main

__all__ = ["main"]
