"""Lesson mode: the explorer playing a scene's parts one after the other.

A thin layer over the explorer's public hooks (``load_spec``, the narrator,
:class:`~tuiclust.ui.app.RunEnded`): each part's run plays with its
narration as the caption; when a part ends, the next one loads and plays.
Every key works as usual.
"""

from __future__ import annotations

from typing import Any

from .app import ExplorerApp, RunEnded

__all__ = ["SceneExplorerApp"]


class SceneExplorerApp(ExplorerApp):
    """The explorer on a :class:`tuiclust.scene.Scene`.

    Parameters
    ----------
    scene : tuiclust.scene.Scene
    steps_per_second : float, optional
        Overrides the scene's own pace.
    """

    def __init__(self, scene: Any, *, steps_per_second: float | None = None) -> None:
        self.scene = scene
        self.part_index = 0
        part = scene.parts[0]
        super().__init__(
            part.spec,
            narrator=part.narrator,
            title=self._title_of(0),
            steps_per_second=steps_per_second or scene.playback.steps_per_second,
            autoplay=True,
        )

    def _title_of(self, index: int) -> str:
        parts = self.scene.parts
        if len(parts) == 1:
            return self.scene.title
        return f"{self.scene.title} \u00b7 {index + 1}/{len(parts)} {parts[index].title}"

    def on_run_ended(self, message: RunEnded) -> None:
        """Go on with the next part, if there is one."""
        if self.part_index + 1 >= len(self.scene.parts):
            return
        self.part_index += 1
        part = self.scene.parts[self.part_index]
        self.notify(part.description or part.title, title=part.title, timeout=4)
        self.autoplay = True
        self.load_spec(part.spec, narrator=part.narrator, title=self._title_of(self.part_index))
