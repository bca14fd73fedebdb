"""The scatter pane: the data, and the algorithm's state at one step, drawn most of the screen.

The pane only *shows* frames; :func:`tuiclust.ui.scatter_frame.build_frame`
makes them. A frame depends only on (data set, step, size, colour mode), so:

* frames are cached by that key: showing the same step again, or stepping
  back to it, costs nothing and looks exactly the same;
* for big data sets frames are built in a thread worker, one at a time, and
  only the frame for the latest request is ever shown ("latest frame wins");
  requests that arrive while a frame is being built replace each other, so
  a fast playback never queues stale work;
* nothing is built when nothing changed.

Usage (the app)::

    pane.set_dataset(dataset)   # once per run: projects the points, fixes the axes
    pane.show_step(step)        # any time; None shows the plain data
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from rich.segment import Segment
from textual import events, on
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from tuiclust.pipeline.data import Dataset

from ..core.steps import Step
from .overlay import NO_OVERLAY, Overlay
from .palette import ColourMode, detect_colour_mode
from .raster import cell_centres
from .scatter_data import PlotData
from .scatter_frame import Frame, build_frame

__all__ = ["FrameKey", "ScatterPane"]

# Frames above this many points are built off the main thread. Below it a
# frame costs a few milliseconds, and building it at once keeps the screen
# in step with the keys.
BACKGROUND_ABOVE = 50_000
_CACHED_FRAMES = 32


@dataclass(frozen=True, eq=False)
class FrameKey:
    """What a frame depends on. Compared by identity of data and step, by value of the rest."""

    data: PlotData
    step: Step | None
    width: int
    height: int
    mode: ColourMode
    overlay: Overlay = NO_OVERLAY

    def _id(self) -> tuple[int, int, int, int, ColourMode, Overlay]:
        return (id(self.data), id(self.step), self.width, self.height, self.mode, self.overlay)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, FrameKey)
            and self.data is other.data
            and self.step is other.step
            and (
                self.width,
                self.height,
                self.mode,
                self.overlay,
            )
            == (other.width, other.height, other.mode, other.overlay)
        )

    def __hash__(self) -> int:
        # The key holds the data and step, so their ids cannot be reused while it lives.
        return hash(self._id())


class _FrameReady(Message, bubble=False):
    """A frame built in the worker thread, posted back to the pane."""

    def __init__(self, key: FrameKey, frame: Frame) -> None:
        super().__init__()
        self.key = key
        self.frame = frame


class ScatterPane(Widget):
    """Scatter plot of a data set, drawn as the algorithm sees it at one step.

    Parameters
    ----------
    colour_mode : ColourMode, optional
        Force a colour mode; by default it is detected from the app (NO_COLOR,
        the terminal's colour system).
    background_above : int
        Build frames in a thread worker for data sets with more points than this.
    """

    DEFAULT_CSS = """
    ScatterPane {
        width: 1fr;
        height: 1fr;
        min-height: 4;
    }
    """

    def __init__(
        self,
        *,
        colour_mode: ColourMode | None = None,
        background_above: int = BACKGROUND_ABOVE,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._forced_mode = colour_mode
        self._mode = colour_mode or ColourMode.TRUECOLOR
        self.background_above = background_above
        self._data: PlotData | None = None
        self._step: Step | None = None
        self._overlay: Overlay = NO_OVERLAY
        self._shown: Frame | None = None
        self._shown_key: FrameKey | None = None
        self._wanted: FrameKey | None = None
        self._cache: OrderedDict[FrameKey, Frame] = OrderedDict()
        # The worker takes the newest pending request; older ones are dropped unbuilt.
        self._lock = threading.Lock()
        self._pending: FrameKey | None = None
        self._worker_running = False
        self.frames_built = 0  # for tests and the benchmark: how much work was done

    # ------------------------------------------------------------------ API

    def set_dataset(self, dataset: Dataset) -> None:
        """Use a new data set: project its points once and fix steady axes around them.

        Call once per run. The step shown is reset to none (the plain data).
        """
        self._data = PlotData.from_dataset(dataset)
        self._step = None
        self._cache.clear()
        self._request()

    def show_step(self, step: Step | None, overlay: Overlay | None = None) -> None:
        """Show this moment of the run (None: the plain data). Cheap to call again.

        ``overlay`` replaces the extras drawn over it (None keeps them).
        """
        self._step = step
        if overlay is not None:
            self._overlay = overlay
        self._request()

    def set_overlay(self, overlay: Overlay) -> None:
        """Draw these extras (regions, cursor, inspector box ...) over the step on screen."""
        self._overlay = overlay
        self._request()

    @property
    def overlay(self) -> Overlay:
        return self._overlay

    @property
    def plot_data(self) -> PlotData | None:
        """The data set as the pane draws it (None before the first one)."""
        return self._data

    def plot_position(self, x: int, y: int) -> tuple[float, float] | None:
        """The plot coordinates of the pane's cell (x, y), None outside the plot area."""
        frame, data = self._shown, self._data
        if frame is None or data is None:
            return None
        left, top, w, h = frame.plot_area
        col, row = x - left, top + h - 1 - y
        if not (0 <= col < w and 0 <= row < h):
            return None
        xy = cell_centres(np.array([row * w + col]), data.viewport, w, h)[0]
        return float(xy[0]), float(xy[1])

    class Clicked(Message):
        """The plot was clicked at ``position`` (plot units)."""

        def __init__(self, position: tuple[float, float]) -> None:
            super().__init__()
            self.position = position

    class Wheel(Message):
        """The wheel turned over the plot: ``direction`` 1 is forward in time."""

        def __init__(self, direction: int) -> None:
            super().__init__()
            self.direction = direction

    def on_click(self, event: events.Click) -> None:
        position = self.plot_position(event.x, event.y)
        if position is not None:
            event.stop()
            self.post_message(self.Clicked(position))

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.post_message(self.Wheel(1))

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.post_message(self.Wheel(-1))

    @property
    def colour_mode(self) -> ColourMode:
        return self._mode

    @property
    def frame(self) -> Frame | None:
        """The frame on screen (None before there is anything to draw)."""
        return self._shown

    @property
    def wanted_step(self) -> Step | None:
        """The step most recently asked for (its frame may still be in the making)."""
        return self._step

    @property
    def is_current(self) -> bool:
        """True when the frame on screen is the one for the latest request."""
        return self._wanted is not None and self._shown_key == self._wanted

    # ------------------------------------------------------------------ events

    def on_mount(self) -> None:
        if self._forced_mode is None:
            self._mode = detect_colour_mode(self.app)
        self._request()

    def on_resize(self) -> None:
        self._request()

    # ------------------------------------------------------------------ frames

    def _request(self) -> None:
        """Make sure the frame for (data, step, size, mode) is, or will be, on screen."""
        if self._data is None or not self.is_mounted:
            return
        width, height = self.size.width, self.size.height
        if width <= 0 or height <= 0:
            return
        key = FrameKey(self._data, self._step, width, height, self._mode, self._overlay)
        self._wanted = key
        if key == self._shown_key:
            return  # nothing changed: no work, no repaint
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            self._display(key, cached)
            return
        if self._data.n_samples <= self.background_above:
            self._store(key, self._build(key))
            self._display(key, self._cache[key])
            return
        with self._lock:
            self._pending = key
            start = not self._worker_running
            self._worker_running = True
        if start:
            self.run_worker(self._build_pending, thread=True, group="scatter-frames", name="scatter frames")

    def _build(self, key: FrameKey) -> Frame:
        self.frames_built += 1
        if key.overlay == NO_OVERLAY:
            return build_frame(key.data, key.step, key.width, key.height, key.mode)
        return build_frame(key.data, key.step, key.width, key.height, key.mode, key.overlay)

    def _build_pending(self) -> None:
        """Worker thread: build the newest request until none is left."""
        while True:
            with self._lock:
                key = self._pending
                self._pending = None
                if key is None:
                    self._worker_running = False
                    return
            frame = self._build(key)
            self.post_message(_FrameReady(key, frame))

    @on(_FrameReady)
    def _frame_ready(self, message: _FrameReady) -> None:
        self._store(message.key, message.frame)
        # Latest frame wins: a frame for anything but the newest request is kept
        # in the cache for later, never shown over a newer one.
        if message.key == self._wanted:
            self._display(message.key, message.frame)

    def _store(self, key: FrameKey, frame: Frame) -> None:
        self._cache[key] = frame
        self._cache.move_to_end(key)
        while len(self._cache) > _CACHED_FRAMES:
            self._cache.popitem(last=False)

    def _display(self, key: FrameKey, frame: Frame) -> None:
        self._shown = frame
        self._shown_key = key
        self.refresh()

    # ------------------------------------------------------------------ drawing

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        frame = self._shown
        if frame is None or y >= frame.height:
            return Strip([Segment(" " * width, base)], width)
        strip = frame.strips[y]
        if frame.width != width:
            # Between a resize and its new frame: show the old one cut or padded.
            strip = strip.crop_extend(0, width, None)
        return strip.apply_style(base)
