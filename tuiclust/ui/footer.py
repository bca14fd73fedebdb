"""A Footer that keeps Help and Quit at every width: keys that do not fit give way, least needed first.

Textual's Footer lays its keys out left to right and cuts off whatever does
not fit, so at 60 columns ``? Help`` and ``q Quit`` fell off the end. This
one keeps the keys in their usual order but drops, when the row is too
narrow, those ranked last in :data:`tuiclust.ui.keys.FOOTER_RANKS` (Help and
Quit rank first, so they are the last to go: 60 columns, the smallest size
the app accepts, keeps playback, +/-, Help and Quit); a wide terminal has
room for the lesson views too.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.events import Resize
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from .keys import FOOTER_RANKS, footer_rank

__all__ = ["KeyFooter", "footer_key_width"]

# A screen's own keys kept before its others: the way back and the one that acts.
_FIRST_SCREEN_KEYS = frozenset({"escape", "enter"})


def footer_key_width(key_display: str, description: str, *, compact: bool) -> int:
    """Cells one Footer key takes (Textual's paddings: ``" key description "``, or compact ``"key description "``)."""
    width = cell_len(key_display) + (cell_len(description) + 1 if description else 0)
    return width + (1 if compact else 2)


class KeyFooter(Footer):
    """The app's Footer: every key that fits, Help and Quit always among them."""

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        keys = [w for w in widgets if isinstance(w, FooterKey) and not w.has_class("-command-palette")]
        palette = [w for w in widgets if isinstance(w, FooterKey) and w.has_class("-command-palette")]
        room = self._room() - sum(
            footer_key_width(w.key_display, w.description, compact=self.compact) + 1 for w in palette
        )
        # Keys of one listed rank (+ and -) stay or go together; every other key stands alone, in its
        # order, a view's way out and its Enter (esc Back, ⏎ Run with this k) first.
        ranks: dict[tuple[int, int], list[int]] = {}
        for index, key in enumerate(keys):
            rank = footer_rank(key.action)
            if key.action in FOOTER_RANKS:
                order = 0
            else:
                order = index - len(keys) if key.key.split(",")[0] in _FIRST_SCREEN_KEYS else index
            ranks.setdefault((rank, order), []).append(index)
        kept: set[int] = set()
        used = 0
        for rank in sorted(ranks):
            width = sum(
                footer_key_width(keys[i].key_display, keys[i].description, compact=self.compact) for i in ranks[rank]
            )
            if used + width <= room:  # keys of one rank stay together (+ and -) or not at all
                kept.update(ranks[rank])
                used += width
        dropped = {id(keys[i]) for i in range(len(keys)) if i not in kept}
        yield from (widget for widget in widgets if id(widget) not in dropped)

    def _room(self) -> int:
        width = self.size.width or self.app.size.width
        return max(int(width), 0)

    def on_resize(self, event: Resize) -> None:
        if event.size.width != getattr(self, "_composed_width", None):
            self._composed_width = event.size.width
            self.call_after_refresh(self.recompose)
