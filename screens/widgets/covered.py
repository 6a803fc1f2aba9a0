"""Containers whose children cover them whole: their own rows are painted once, not at every show.

Textual paints every widget on screen, a container too, though its children
hide every cell of it; and it paints it afresh whenever the container is
shown again or its children move. The chapter view and the panes that hold
the views are such containers, so every ctrl+n repainted 21 rows of each
that nobody sees. :class:`Covered` keeps the rows it painted last and gives
them again while nothing they are made of (the area asked for, the size,
the colours, the app's filters) has changed.

That holds only while the children do cover the container whole: no
border, padding or gap of its own (tests/test_chapter_switch.py checks it
for the chapter screen at several sizes). Name it second, after the
widget's Textual class (``class Panes(Container, Covered)``), as with
:class:`~screens.widgets.focus.RestyledInSight`.
"""

from __future__ import annotations

from textual.containers import Container
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget


class Covered(Widget):
    """A container whose own rows are kept while their size and colours stay the same."""

    _covered_key: tuple[object, ...] | None = None  # what the rows kept were painted for
    _covered_rows: list[Strip]

    def render_lines(self, crop: Region) -> list[Strip]:
        key = (crop, self.size, self.background_colors, tuple(map(id, self.get_line_filters())))
        if key != self._covered_key:
            self._covered_rows = super().render_lines(crop)
            self._covered_key = key
        return self._covered_rows


class Panes(Container, Covered):
    """Where the chapter screen lays its chapter views: the one shown covers it whole."""
