"""`tuiclust scenes`: list the built-in lesson scenes, one per line (name, then title)."""

from __future__ import annotations

import argparse
import sys

from tuiclust.lessons.scene import SceneError, builtin_scene_names, load_scene


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "Open one with `tuiclust NAME`, play it with `tuiclust play NAME`, "
        "record it with `tuiclust record NAME -o NAME.cast`."
    )


def run(args: argparse.Namespace) -> int:
    names = builtin_scene_names()
    width = max((len(n) for n in names), default=0)
    status = 0
    for name in names:
        try:
            title = load_scene(name).title
        except SceneError as exc:
            # One broken file should not hide the others.
            print(f"tuiclust: {exc}", file=sys.stderr)
            status = 2
            continue
        print(f"{name:<{width}}  {title}")
    return status
