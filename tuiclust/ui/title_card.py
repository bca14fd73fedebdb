"""The title card shown before each part of a lesson scene."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

__all__ = ["TitleCard"]


class TitleCard(Screen[None]):
    """A full screen card: the scene's title, which part this is, its title and description.

    Parameters
    ----------
    heading : str
        The scene's title.
    part : str
        E.g. ``"Part 2 of 3"``; "" for a scene that is a single run.
    title : str
        The part's title ("" when it is the scene's own title).
    description : str
        One or two sentences, or "".
    """

    DEFAULT_CSS = """
    TitleCard {
        align: center middle;
        background: $background;
    }
    TitleCard #card {
        width: 80%;
        max-width: 90;
        height: auto;
        border: round $primary;
        padding: 1 3;
        background: $surface;
    }
    TitleCard Static { width: 1fr; text-align: center; }
    TitleCard #heading { text-style: bold; color: $text-primary; }
    TitleCard #part { color: $text-muted; margin-top: 1; }
    TitleCard #title { text-style: bold; color: $text-accent; }
    TitleCard #description { margin-top: 1; }
    TitleCard #question { margin-top: 1; text-style: bold; color: $text-warning; display: none; }
    """

    def __init__(self, heading: str, part: str = "", title: str = "", description: str = "") -> None:
        super().__init__()
        self.heading, self.part, self.part_title, self.description = heading, part, title, description

    def compose(self) -> ComposeResult:
        # Content (not markup): scene text is data and is shown exactly as written.
        with Vertical(id="card"):
            yield Static(Content(self.heading), id="heading")
            if self.part:
                yield Static(Content(self.part), id="part")
            if self.part_title:
                yield Static(Content(self.part_title), id="title")
            if self.description:
                yield Static(Content(self.description), id="description")
            yield Static("", id="question")

    def ask(self, question: str) -> None:
        """Show a question under the card's text ("" hides it): the part's first step waits for the answer."""
        line = self.query_one("#question", Static)
        line.update(Content(question))
        line.display = bool(question)
