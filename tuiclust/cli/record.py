"""`tuiclust record SCENE -o FILE.cast [--size COLSxROWS] [--svg DIR]`: a screencast without a screen."""

from __future__ import annotations

import argparse
import sys

from tuiclust.errors import UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scene", metavar="SCENE", help="a built-in scene name (see `tuiclust scenes`) or a .toml path")
    parser.add_argument("-o", "--output", metavar="FILE.cast", required=True, help="the asciicast v2 file to write")
    parser.add_argument(
        "--size", metavar="COLSxROWS", help="terminal size of the recording (default: the scene's, usually 100x30)"
    )
    parser.add_argument("--svg", metavar="DIR", help="also write one SVG screenshot per step into DIR")
    parser.epilog = "Play the cast with `asciinema play FILE.cast`; make a GIF with `agg FILE.cast FILE.gif`."


def run(args: argparse.Namespace) -> int:
    from tuiclust.lessons.pacing import unfired_narration
    from tuiclust.lessons.scene import load_scene, parse_size

    scene = load_scene(args.scene)
    size = None
    if args.size is not None:
        try:
            size = parse_size(args.size, where="--size")
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    from tuiclust.lessons.recording import record_scene
    from tuiclust.ui.stage import HeadlessStage

    recording = record_scene(scene, args.output, stage=HeadlessStage(), size=size, svg_dir=args.svg)
    for index, entry in unfired_narration(scene):
        where = entry.key or "steps"
        print(f"tuiclust: note: {scene.path.name}: {where} never fires (no {entry.on.value} step"
              f"{'' if entry.iteration is None else f' at iteration {entry.iteration}'} in that run)", file=sys.stderr)
    cols, rows = recording.size
    extra = f", {len(recording.svg_files)} SVG files in {args.svg}" if recording.svg_files else ""
    print(
        f"wrote {recording.path}: {cols}x{rows}, {recording.n_steps} steps, "
        f"{recording.duration:.1f} s, {recording.n_bytes:,} bytes{extra}"
    )
    return 0
