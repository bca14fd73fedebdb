"""`tuiclust lesson [--speed X] [--loop] [--explore]`: the whole clustering lesson, the `clustering` scene.

The same as `tuiclust play clustering` (or, with --explore, `tuiclust
clustering`): the problem, K-Means, the elbow, DBSCAN, Gaussian mixtures, the
comparison across shapes, the scores, when to use which and the pitfalls.
"""

from __future__ import annotations

import argparse

#: The scene that is the lesson.
LESSON_SCENE = "clustering"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--speed", metavar="X", default="1", help="play X times faster than the scene's pace (default 1)"
    )
    parser.add_argument("--loop", action="store_true", help="start again from the beginning after the end")
    parser.add_argument(
        "--explore", action="store_true", help="open it in lesson mode instead: step through it yourself (n: next part)"
    )
    parser.epilog = (
        "Keys: space pauses, n / p skip to the next / previous part, q quits; a question waits for any key. "
        f"Record it with `tuiclust record {LESSON_SCENE} -o lesson.cast`."
    )


def run(args: argparse.Namespace) -> int:
    if not args.explore:
        from tuiclust.cli import play

        args.scene = LESSON_SCENE
        args.allow_outside = False  # the shipped scene reads only its own files
        return play.run(args)
    from tuiclust.lessons.pacing import check_parts_load
    from tuiclust.lessons.scene import load_scene

    scene = load_scene(LESSON_SCENE)
    check_parts_load(scene)
    from tuiclust.ui.lesson_app import open_in_explorer

    return open_in_explorer(scene)
