"""Casts to publish: one recorded from a built-in scene, and a hand-written one with awkward text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tuiclust.lessons.recording import record_scene
from tuiclust.lessons.scene import load_scene
from tuiclust.ui.stage import HeadlessStage

# The smallest size the explorer supports, and the quickest to record.
SIZE = (80, 24)
SCENE = "kmeans-basics"


@pytest.fixture(scope="session")
def recorded_cast(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``kmeans-basics`` recorded at 80x24 once for the whole session."""
    path = tmp_path_factory.mktemp("recorded") / f"{SCENE}.cast"
    record_scene(load_scene(SCENE), path, stage=HeadlessStage(), size=SIZE)
    return path


def write_cast(path: Path, *, title: str = "Three frames", markers: tuple[str, ...] = ("one", "two", "three")) -> Path:
    """A 20x5 cast of three frames 0.5 s apart, a marker with each, a last frame held 0.5 s."""
    lines = [json.dumps({"version": 2, "width": 20, "height": 5, "title": title})]
    for index, label in enumerate(markers):
        time = index * 0.5
        # The cursor hidden from the start, as in recorded casts.
        screen = f"\u001b[?25l\u001b[H\u001b[2J\u001b[1;1H\u001b[38;2;230;159;0mframe {index + 1}\u001b[0m"
        lines.append(json.dumps([time, "o", screen]))
        lines.append(json.dumps([time, "m", label]))
    lines.append(json.dumps([len(markers) * 0.5, "o", "\u001b[?25l"]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def tiny_cast(tmp_path: Path) -> Path:
    return write_cast(tmp_path / "tiny.cast")
