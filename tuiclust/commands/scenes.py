"""`tuiclust scenes` (not written yet)."""

import argparse

from ..errors import UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    raise UsageError("'scenes' is not available yet")
