"""A lesson figure staged by a scene part (``[parts.view]``): the view, its selection, its captions.

A figure part shows, for its own data and algorithm, one of the lesson views
the explorer opens with e, c, m and M: the elbow, the k-distance or the
BIC/AIC view, the comparison grid, the scores strip or the silhouette plot.
:class:`FigureStage` opens it over the part's run, applies the selection the
scene asks for, shows each narration entry in the figure's caption line and
closes it again. The :class:`~tuiclust.ui.lesson_app.Director` (play and
record) and lesson mode drive it the same way.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from tuiclust.lessons.scene import Narration, ScenePart
from tuiclust.pipeline.vocabulary import FIGURES

from .views.base import LessonView
from .views.hooks import PARAMETER_VIEWS, silhouette_view

if TYPE_CHECKING:  # pragma: no cover
    from .lesson_app import LessonApp

__all__ = ["FigureStage"]

# Figures of a small scene data set fill within seconds; this only guards against a hang.
_READY_TIMEOUT = 120.0


class FigureStage:
    """The figure of the part on screen, if it stages one.

    Parameters
    ----------
    app : LessonApp
        The app it stages figures in.

    Attributes
    ----------
    kind : str or None
        The figure on screen (``"elbow"`` ...), None when none is.
    view : LessonView or None
        Its screen; None for the scores strip, which is part of the main screen.
    main_caption : str or None
        The caption the main screen shows for the scores strip (its figure).
    """

    def __init__(self, app: LessonApp) -> None:
        self.app = app
        self.kind: str | None = None
        self.view: LessonView[Any] | None = None
        self.main_caption: str | None = None

    @property
    def is_open(self) -> bool:
        return self.kind is not None

    def open(self, part: ScenePart) -> None:
        """Stage ``part``'s figure over its run, which must be on screen and computed."""
        self.close()
        app, figure = self.app, part.figure
        run = app.current_run
        if figure is None or run is None:
            return
        kind = figure.kind
        view: Any = None
        if FIGURES[kind].algorithm is not None:
            view, _ = PARAMETER_VIEWS[FIGURES[kind].algorithm](run)
        elif kind == "comparison":
            from .views.comparison import ComparisonView

            view = ComparisonView()
        else:
            # The scores and the silhouettes of what the run found: its last step.
            app.action_last_step()
            if kind == "scores":
                app.metrics_strip.set_shown(True)
            else:
                view = silhouette_view(run)
                if isinstance(view, str):
                    app.notify(view, timeout=4)
                    view = None
        self.kind = kind
        self.view = view
        if view is not None:
            view.staged = True
            if figure.select is not None:
                view.select_value(figure.select)
            app.push_screen(view, callback=lambda value, staged=view: self._dismissed(staged, value))

    async def ready(self) -> None:
        """Wait until the figure is complete on screen."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + _READY_TIMEOUT
        view = self.view
        if view is not None:
            while not view.is_mounted and loop.time() < deadline:
                await asyncio.sleep(0.005)
            await view.wait_until_filled(timeout=max(0.0, deadline - loop.time()))
        elif self.kind == "scores":
            strip = self.app.metrics_strip
            while not strip.current and loop.time() < deadline:
                await asyncio.sleep(0.005)

    def ask(self, entry: Narration) -> None:
        """Show ``entry``'s question on the figure, before its selection and caption."""
        self._caption(self.app.question_words(entry))

    def show_entry(self, entry: Narration | None) -> None:
        """Show ``entry``: move the selection it names, and its caption."""
        if entry is not None and entry.select is not None and self.view is not None:
            self.view.select_value(entry.select)
        self._caption(self.app.figure_words(entry))

    def _caption(self, text: str) -> None:
        if self.view is not None:
            if self.view.is_mounted:
                self.view.set_caption(text)
        elif self.kind is not None:
            self.main_caption = text
            self.app.show_caption()

    def close(self) -> None:
        """Take the figure off the screen (nothing happens when none is staged)."""
        view, kind = self.view, self.kind
        self.view, self.kind, self.main_caption = None, None, None
        if view is not None and self.app.screen is view:
            view.dismiss(None)
        if kind == "scores":
            self.app.metrics_strip.set_shown(False)
            self.app.show_caption()

    def _dismissed(self, view: LessonView[Any], value: Any) -> None:
        """The view closed: by :meth:`close`, or by the student (Escape, or Enter with a choice)."""
        if view is not self.view:
            return
        self.view, self.kind = None, None
        app = self.app
        if value is None or app.directed is not None or app.current_run is None:
            return
        # Lesson mode: Enter runs what the figure chose, as the explorer's own keys do.
        if isinstance(value, tuple):
            app._run_grid_cell(view, value)
        else:
            algorithm = app.current_run.spec.algorithm.name
            key = FIGURES_KEYS.get(algorithm)
            if key is not None:
                app._apply_choice(app.current_run, key, value)


#: The parameter each choosing figure sets, by algorithm.
FIGURES_KEYS: dict[str, str] = {f.algorithm: f.select for f in FIGURES.values() if f.algorithm is not None}
