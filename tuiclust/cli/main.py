"""Command line: `tuiclust [explore flags]` and the sub-commands.

Each sub-command lives in ``tuiclust.cli.<name>`` with two functions,
``add_arguments(parser)`` and ``run(args) -> int``. They are imported only
when used, so ``tuiclust --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
from collections.abc import Sequence

from tuiclust import __version__
from tuiclust.errors import UsageError
from tuiclust.safe_text import shown

# name -> one-line summary, in the order --help lists them
SUBCOMMANDS: dict[str, str] = {
    "explore": "open the explorer (the default: `tuiclust`, `tuiclust DATA.csv`, `tuiclust SCENE`)",
    "scenes": "list the built-in lesson scenes",
    "play": "play a scene by itself in the terminal",
    "lesson": "play the whole clustering lesson (the `clustering` scene)",
    "record": "render a scene headless to an asciicast file, a GIF or a web page",
    "fit": "cluster a CSV headless and write the labels to a CSV",
    "serve": "serve the explorer (or a scene) to web browsers, one per tab",
}

EPILOG = (
    "sub-commands:\n"
    + "\n".join(f"  {name:<9} {text}" for name, text in SUBCOMMANDS.items())
    + ("\n\nRun `tuiclust COMMAND --help` for a sub-command's options. Keys inside the explorer: press ?")
)


# Commands that write files: SIGTERM ends them through their cleanup (no temporary file left behind).
WRITING_COMMANDS = ("fit", "record")


def _end_cleanly_on_sigterm() -> None:
    """On SIGTERM: remove unfinished temporary files, report complete outputs, then end as SIGTERM does.

    Nothing is raised into the program (it may be deep in an event loop):
    the handler cleans up what the writers registered and re-sends the
    signal with its default action, so the exit status stays "killed by SIGTERM".
    """

    def handler(signum: int, frame: object) -> None:
        from tuiclust.io.destination import remove_unfinished, take_unreported

        remove_unfinished()
        done = take_unreported()
        if done:
            os.write(2, f"tuiclust: terminated; wrote {', '.join(done)}\n".encode("utf-8", "replace"))
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        os._exit(128 + signum)  # pragma: no cover - the signal ends the process first

    signal.signal(signal.SIGTERM, handler)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, not a usage block."""

    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse quotes the argument it refuses: made safe and cut like every other message
        self.exit(2, f"{self.prog}: {shown(message)} (see `{self.prog} --help`)\n")


def build_parser(command: str) -> argparse.ArgumentParser:
    """The argument parser of one sub-command (explore is the top level)."""
    prog = "tuiclust" if command == "explore" else f"tuiclust {command}"
    parser = _Parser(
        prog=prog,
        description=SUBCOMMANDS[command]
        if command != "explore"
        else "Watch K-Means, DBSCAN and Gaussian mixtures cluster, step by step.",
        epilog=EPILOG if command == "explore" else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    if command == "explore":
        parser.add_argument("--version", action="version", version=f"tuiclust {__version__}")
    module = importlib.import_module(f"tuiclust.cli.{command}")
    module.add_arguments(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `tuiclust` console script. Returns the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] in SUBCOMMANDS:
        command, rest = args_list[0], args_list[1:]
    else:
        command, rest = "explore", args_list
    try:
        parser = build_parser(command)
        args = parser.parse_args(rest)  # exits 2 itself on a bad flag
        module = importlib.import_module(f"tuiclust.cli.{command}")
        if command in WRITING_COMMANDS:
            from tuiclust.io.destination import take_unreported

            take_unreported()  # a fresh start: report only this command's outputs
            _end_cleanly_on_sigterm()
        return int(module.run(args) or 0)
    except UsageError as exc:
        print(f"tuiclust: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `tuiclust scenes | head`: the reader left; say nothing more.
        # Point stdout at devnull so the interpreter's final flush stays quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:
        if exc.filename is None:
            raise
        # A path the checks did not foresee (a 300-character name, a loop of
        # links): still a problem with the user's input, still one line.
        from tuiclust.io.destination import path_problem, shown_path

        print(f"tuiclust: {shown_path(exc.filename)}: {path_problem(exc)}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
