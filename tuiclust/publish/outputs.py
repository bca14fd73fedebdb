"""The outputs of `tuiclust record`, chosen by suffix: ``.cast``, ``.gif``, ``.html``.

The scene is recorded once, to an asciicast file; every other output is
made from that file. Each output is written by :mod:`tuiclust.io.destination`
(files atomically, FIFOs and terminals through, never replaced), and none may
be the scene or a file it reads. The plan is checked before the recording starts (known
suffixes, existing folders, agg installed for a GIF), so a typo costs no
recording time.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..io.destination import Destination, destination, refuse_inputs, shown_path, unfinished, write_bytes

__all__ = ["KNOWN_SUFFIXES", "OutputPlan", "Written", "plan_outputs", "write_outputs"]

#: suffix -> what it is, in the order an error message lists them
KNOWN_SUFFIXES: dict[str, str] = {
    ".cast": "asciicast v2",
    ".gif": "animated GIF",
    ".html": "self-contained web page",
}


@dataclass(frozen=True)
class Written:
    """One output written: how to name it and its size in bytes."""

    path: Path | str
    n_bytes: int


@dataclass(frozen=True)
class OutputPlan:
    """Validated outputs, in the order given.

    Attributes
    ----------
    destinations : tuple of Destination
        Each with a known suffix, in an existing folder, none twice, none an
        input of the scene (:mod:`tuiclust.io.destination` says how each kind
        is written).
    font_size : int
        GIF font size in pixels.
    pause_on_markers : bool
        The web page's player pauses at each chapter.
    """

    destinations: tuple[Destination, ...]
    font_size: int
    pause_on_markers: bool = False

    @property
    def targets(self) -> tuple[Path, ...]:
        """Each output's file (a symlink resolved), or its name as given for a descriptor."""
        return tuple(dest.path if dest.path is not None else Path(dest.given) for dest in self.destinations)

    @property
    def recorded_to(self) -> Path | None:
        """The first ``.cast`` target that is a file (the recording is written there), or None."""
        dest = self._recorded
        return dest.path if dest is not None else None

    @property
    def _recorded(self) -> Destination | None:
        return next((d for d in self.destinations if d.kind == "file" and _suffix(d) == ".cast"), None)

    @property
    def to_stdout(self) -> bool:
        """True when an output goes to standard output (the summary then goes to standard error)."""
        return any(dest.is_stdout for dest in self.destinations)

    @contextmanager
    def cast_file(self) -> Iterator[Path]:
        """Where to record: the first ``.cast`` file target, else a temporary file removed afterwards."""
        if self.recorded_to is not None:
            yield self.recorded_to
            return
        with tempfile.TemporaryDirectory(prefix="tuiclust-record-") as folder:
            unfinished(Path(folder))  # removed on SIGTERM too
            yield Path(folder) / "lesson.cast"


def _suffix(dest: Destination) -> str:
    return Path(dest.given).suffix.lower()


def plan_outputs(
    outputs: Sequence[str],
    *,
    font_size: int | None = None,
    pause_on_markers: bool = False,
    inputs: Mapping[str, str | Path] | None = None,
) -> OutputPlan:
    """Check the ``-o`` values of `tuiclust record` and the tools they need.

    Parameters
    ----------
    outputs : sequence of str
        The ``-o`` values, in order.
    font_size : int, optional
        ``--font-size`` (GIF only); the GIF default when None.
    pause_on_markers : bool
        ``--pause-on-markers`` (web page only).
    inputs : mapping of str to path, optional
        What the recording reads (``"the scene file"`` -> its path, ...):
        no output may be one of them, by path or by hard link.

    Raises
    ------
    UsageError
        An unknown suffix (the message lists the known ones), a missing folder,
        a folder given as a file, the same file twice, an input of the scene,
        agg missing for a GIF, or an option that no output uses.
    """
    from .gif import DEFAULT_FONT_SIZE, check_font_size, require_agg

    chosen: list[Destination] = []
    for given in outputs:
        if given == "":
            raise UsageError("-o: the file name is empty; give a file name such as lesson.cast")
        suffix = Path(given).suffix.lower()
        if suffix not in KNOWN_SUFFIXES:
            known = ", ".join(f"{name} ({what})" for name, what in KNOWN_SUFFIXES.items())
            shown = f"'{Path(given).suffix}'" if Path(given).suffix else "no suffix"
            if not Path(given).suffix and (given == "-" or given.startswith("/dev/")):
                # The format comes from the suffix: a stream needs a name that has one.
                raise UsageError(
                    f"-o {shown_path(given)}: the format comes from the suffix (.cast, .gif, .html); to write to a "
                    "pipe or terminal, give a FIFO or a symlink named like lesson.cast (ln -s /dev/stdout lesson.cast)"
                )
            raise UsageError(f"-o {shown_path(given)}: {shown} is not an output this command writes; known: {known}")
        dest = destination(given, flag="-o")
        refuse_inputs(dest, inputs or {})
        if any(_same(dest, other) for other in chosen):
            raise UsageError(f"-o {shown_path(given)}: given twice")
        chosen.append(dest)
    suffixes = {_suffix(dest) for dest in chosen}
    if font_size is not None and ".gif" not in suffixes:
        raise UsageError("--font-size applies to a GIF output (-o FILE.gif)")
    if pause_on_markers and ".html" not in suffixes:
        raise UsageError("--pause-on-markers applies to a web page output (-o FILE.html)")
    if ".gif" in suffixes:
        require_agg()  # before the recording, not after it
    size = check_font_size(font_size) if font_size is not None else DEFAULT_FONT_SIZE
    return OutputPlan(tuple(chosen), size, pause_on_markers)


def _same(one: Destination, other: Destination) -> bool:
    if one.path is not None and one.path == other.path:
        return True
    return one.kind == other.kind == "descriptor" and one.fd == other.fd


def write_outputs(
    cast: str | Path,
    plan: OutputPlan,
    *,
    title: str,
    description: str = "",
) -> list[Written]:
    """Make every target of ``plan`` but the one recorded to from the recorded cast.

    Parameters
    ----------
    cast : path
        The recorded asciicast v2 file.
    plan : OutputPlan
    title, description : str
        The scene's, shown above the web page's player.

    Returns
    -------
    list of Written
        The outputs written, in the plan's order (the recorded cast not included).
    """
    cast = Path(cast)
    written: list[Written] = []
    recorded = plan._recorded
    for dest in plan.destinations:
        if dest is recorded:
            continue
        suffix = _suffix(dest)
        if suffix == ".cast":
            output = write_bytes(dest, cast.read_bytes())
        elif suffix == ".gif":
            from .gif import render_gif

            output = render_gif(cast, dest, font_size=plan.font_size)
        else:
            from .html import PageText, render_html

            output = render_html(cast, dest, PageText(title, description), pause_on_markers=plan.pause_on_markers)
        written.append(Written(output.path if output.path is not None else output.shown, output.n_bytes))
    return written
