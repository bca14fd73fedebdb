"""The outputs of `tuiclust record`, chosen by suffix: ``.cast``, ``.gif``, ``.html``.

The scene is recorded once, to an asciicast file; every other output is
made from that file. The plan is checked before the recording starts (known
suffixes, existing folders, agg installed for a GIF), so a typo costs no
recording time.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from .atomic import atomic_path

__all__ = ["KNOWN_SUFFIXES", "OutputPlan", "Written", "plan_outputs", "write_outputs"]

#: suffix -> what it is, in the order an error message lists them
KNOWN_SUFFIXES: dict[str, str] = {
    ".cast": "asciicast v2",
    ".gif": "animated GIF",
    ".html": "self-contained web page",
}


@dataclass(frozen=True)
class Written:
    """One file written: its path and size in bytes."""

    path: Path
    n_bytes: int


@dataclass(frozen=True)
class OutputPlan:
    """Validated outputs, in the order given.

    Attributes
    ----------
    targets : tuple of Path
        Each with a known suffix, in an existing folder, none twice.
    font_size : int
        GIF font size in pixels.
    pause_on_markers : bool
        The web page's player pauses at each chapter.
    """

    targets: tuple[Path, ...]
    font_size: int
    pause_on_markers: bool = False

    @property
    def recorded_to(self) -> Path | None:
        """The first ``.cast`` target (the recording is written there), or None."""
        return next((path for path in self.targets if path.suffix.lower() == ".cast"), None)

    @contextmanager
    def cast_file(self) -> Iterator[Path]:
        """Where to record: the first ``.cast`` target, else a temporary file removed afterwards."""
        if self.recorded_to is not None:
            yield self.recorded_to
            return
        with tempfile.TemporaryDirectory(prefix="tuiclust-record-") as folder:
            yield Path(folder) / "lesson.cast"


def plan_outputs(
    outputs: Sequence[str],
    *,
    font_size: int | None = None,
    pause_on_markers: bool = False,
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

    Raises
    ------
    UsageError
        An unknown suffix (the message lists the known ones), a missing folder,
        a folder given as a file, the same file twice, agg missing for a GIF,
        or an option that no output uses.
    """
    from .gif import DEFAULT_FONT_SIZE, check_font_size, require_agg

    targets: list[Path] = []
    for given in outputs:
        path = Path(given).expanduser()
        suffix = path.suffix.lower()
        if suffix not in KNOWN_SUFFIXES:
            known = ", ".join(f"{name} ({what})" for name, what in KNOWN_SUFFIXES.items())
            shown = f"'{path.suffix}'" if path.suffix else "no suffix"
            raise UsageError(f"-o {given}: {shown} is not an output this command writes; known: {known}")
        if path.is_dir():
            raise UsageError(f"-o {given}: is a folder; give a file name such as {path / ('lesson' + suffix)}")
        if not path.parent.is_dir():
            raise UsageError(f"-o {given}: the folder {path.parent} does not exist")
        if any(path.resolve() == other.resolve() for other in targets):
            raise UsageError(f"-o {given}: given twice")
        targets.append(path)
    suffixes = {path.suffix.lower() for path in targets}
    if font_size is not None and ".gif" not in suffixes:
        raise UsageError("--font-size applies to a GIF output (-o FILE.gif)")
    if pause_on_markers and ".html" not in suffixes:
        raise UsageError("--pause-on-markers applies to a web page output (-o FILE.html)")
    if ".gif" in suffixes:
        require_agg()  # before the recording, not after it
    size = check_font_size(font_size) if font_size is not None else DEFAULT_FONT_SIZE
    return OutputPlan(tuple(targets), size, pause_on_markers)


def write_outputs(cast: str | Path, plan: OutputPlan, *, title: str, description: str = "") -> list[Written]:
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
        The files written, in the plan's order (the recorded cast not included).
    """
    cast = Path(cast)
    written: list[Written] = []
    for target in plan.targets:
        if target == plan.recorded_to:
            continue
        suffix = target.suffix.lower()
        if suffix == ".cast":
            with atomic_path(target) as temp:
                shutil.copyfile(cast, temp)
        elif suffix == ".gif":
            from .gif import render_gif

            render_gif(cast, target, font_size=plan.font_size)
        else:
            from .html import PageText, render_html

            render_html(cast, target, PageText(title, description), pause_on_markers=plan.pause_on_markers)
        written.append(Written(target, target.stat().st_size))
    return written
