"""`tuiclust play SCENE [--speed X] [--loop]`: play a scene by itself, at its pace."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scene", metavar="SCENE", help="a built-in scene name (see `tuiclust scenes`) or a .toml path")
    parser.add_argument(
        "--speed", metavar="X", default="1", help="play X times faster than the scene's pace (default 1)"
    )
    parser.add_argument("--loop", action="store_true", help="start again from the beginning after the end")
    parser.add_argument(
        "--allow-outside",
        action="store_true",
        help="let the scene's csv name files outside the scene's folder (only for scenes you trust)",
    )
    parser.epilog = "Keys: space pauses, n / p skip to the next / previous part, q quits."


def run(args: argparse.Namespace) -> int:
    from tuiclust.cli.flags import parse_speed
    from tuiclust.lessons.scene import load_scene

    speed = parse_speed("--speed", args.speed)
    scene = load_scene(args.scene, allow_outside=args.allow_outside)
    from tuiclust.lessons.pacing import check_parts_load

    check_parts_load(scene)
    from tuiclust.cli.terminal import require_terminal
    from tuiclust.ui.lesson_app import PlayerApp

    require_terminal("`tuiclust play`")

    app = PlayerApp(scene, speed=speed, loop=args.loop)
    app.run()
    return app.return_code or 0
