"""`tuiclust record SCENE -o FILE.cast|.gif|.html ... [--size COLSxROWS] [--svg DIR]`: a screencast without a screen."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tuiclust.errors import UsageError
from tuiclust.safe_text import shown

if TYPE_CHECKING:
    from tuiclust.lessons.scene import Scene


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scene", metavar="SCENE", help="a built-in scene name (see `tuiclust scenes`) or a .toml path")
    # -o by suffix, several at once: tuiclust.publish.outputs
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        required=True,
        action="append",
        help="write FILE.cast (asciicast v2), FILE.gif or FILE.html (a web page); repeat for several",
    )
    parser.add_argument("--font-size", metavar="PX", help="GIF font size in pixels (default 20)")
    parser.add_argument("--pause-on-markers", action="store_true", help="the web page's player pauses at each chapter")
    parser.add_argument(
        "--size", metavar="COLSxROWS", help="terminal size of the recording (default: the scene's, usually 100x30)"
    )
    parser.add_argument(
        "--svg", metavar="DIR", help="also write one SVG screenshot per marker (step, figure, question) into DIR"
    )
    parser.add_argument(
        "--allow-outside",
        action="store_true",
        help="let the scene's csv name files outside the scene's folder (only for scenes you trust)",
    )
    parser.epilog = "Play a cast with `asciinema play FILE.cast`; GIFs need `pip install 'tuiclust[publish]'`."


def run(args: argparse.Namespace) -> int:
    from tuiclust.lessons.pacing import unfired_narration
    from tuiclust.lessons.scene import load_scene, parse_size

    scene = load_scene(args.scene, allow_outside=args.allow_outside)
    size = None
    if args.size is not None:
        try:
            size = parse_size(args.size, where="--size")
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    from tuiclust.cli.flags import parse_int
    from tuiclust.io.destination import shown_path, take_unreported
    from tuiclust.lessons.recording import record_scene
    from tuiclust.publish.outputs import plan_outputs, write_outputs
    from tuiclust.ui.stage import HeadlessStage

    font_size = parse_int("--font-size", args.font_size, low=1)
    plan = plan_outputs(
        args.output, font_size=font_size, pause_on_markers=args.pause_on_markers, inputs=_inputs_of(scene)
    )
    # Anything on standard output would mix with a cast written there.
    report = sys.stderr if plan.to_stdout else sys.stdout
    try:
        with plan.cast_file() as cast_path:
            recording = record_scene(scene, cast_path, stage=HeadlessStage(), size=size, svg_dir=args.svg)
            written = write_outputs(cast_path, plan, title=scene.title, description=scene.description)
    except KeyboardInterrupt:
        # What is complete stays, and is reported: the user may not know it was made.
        done = take_unreported()
        if done:
            print(f"tuiclust: interrupted; wrote {', '.join(done)}", file=sys.stderr)
        raise
    for index, entry in unfired_narration(scene):
        where = entry.key or "steps"
        print(
            f"tuiclust: note: {shown(scene.path.name)}: {where} never fires (no {entry.on.value} step"
            f"{'' if entry.iteration is None else f' at iteration {entry.iteration}'} in that run)",
            file=sys.stderr,
        )
    cols, rows = recording.size
    extra = f", {len(recording.svg_files)} SVG files in {shown_path(args.svg)}" if recording.svg_files else ""
    what = (
        f"wrote {shown_path(recording.path)}" if plan.recorded_to is not None else f"recorded {shown(scene.path.name)}"
    )
    counted = f"{recording.n_steps} steps"
    if recording.n_figures:
        counted += f", {recording.n_figures} figure{'s' if recording.n_figures != 1 else ''}"
    if recording.n_questions:
        counted += f", {recording.n_questions} question{'s' if recording.n_questions != 1 else ''}"
    print(
        f"{what}: {cols}x{rows}, {counted}, {recording.duration:.1f} s, {recording.n_bytes:,} bytes{extra}",
        file=report,
    )
    for output in written:
        print(f"wrote {shown_path(output.path)}: {output.n_bytes:,} bytes", file=report)
    take_unreported()
    return 0


def _inputs_of(scene: Scene) -> dict[str, str]:
    """What recording ``scene`` reads, worded for a message: the scene file and each part's CSV."""
    inputs = {"the scene file": str(scene.path)}
    for part in scene.parts:
        data = part.spec.data
        if data.is_file:
            inputs.setdefault(f"the scene's data {Path(data.source).name}", data.source)
    return inputs
