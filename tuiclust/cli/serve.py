"""`tuiclust serve [SCENE] [--host 127.0.0.1] [--port 8000]`: the explorer in a browser, one per tab."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of `tuiclust serve`."""
    parser.add_argument(
        "scene",
        metavar="SCENE",
        nargs="?",
        help="a lesson scene (name or .toml path) to serve in lesson mode; the explorer without it",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0: every network)",
    )
    parser.add_argument("--port", default="8000", help="port to listen on (default 8000)")
    parser.add_argument(
        "--allow-outside",
        action="store_true",
        help="let the scene's csv name files outside the scene's folder (only for scenes you trust)",
    )
    parser.epilog = (
        "Every browser tab gets its own explorer; `x` there downloads the CSV to the browser. "
        "Needs `pip install 'tuiclust[publish]'`."
    )


def run(args: argparse.Namespace) -> int:
    """Check the scene and the address, say where to point a browser, then serve until Ctrl+C."""
    from tuiclust.cli.flags import parse_int
    from tuiclust.publish.web_server import app_command, check_address, open_url, serve

    port = parse_int("--port", args.port, low=1, high=65535)
    target: list[str] = []
    title = "tuiclust explorer"
    if args.scene is not None:
        from tuiclust.lessons.pacing import check_parts_load
        from tuiclust.lessons.scene import load_scene

        scene = load_scene(args.scene, allow_outside=args.allow_outside)
        check_parts_load(scene)  # a broken scene fails here, not in every browser tab
        # An absolute path: the app process must find the same file whatever its folder.
        target = [str(Path(args.scene).resolve()) if Path(args.scene).is_file() else args.scene]
        target += ["--allow-outside"] if args.allow_outside else []  # each tab's app reads the scene again
        title = scene.title
    check_address(args.host, port)
    print(
        f"tuiclust: serving {title!r} at {open_url(args.host, port)} (each browser tab gets its own; Ctrl+C stops)",
        flush=True,
    )
    serve(app_command(target), args.host, port, title=title)
    return 0
