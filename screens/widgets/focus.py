"""Losing the focus out of sight: the restyle waits for the frame after.

ctrl+n hides the chapter shown and focuses a field of the next one. Textual
restyles the widget that lost the focus at once, although it is hidden now:
about a millisecond for a text area or a list, whose parts (cursor,
selection, highlighted option) are styled one by one, before the frame that
shows the next chapter. A widget with :class:`RestyledInSight` leaves that
restyle to the moment after the next frame while it is out of sight; in
sight, it is restyled at once, as any widget.

Name it after the widget's own Textual class (``class SafeInput(Input,
RestyledInSight)``): Textual reads a widget's styles and parts along its
first base, and the method resolution order puts this class just before
Textual's ``Widget``, whose ``watch_has_focus`` it wraps.
"""

from __future__ import annotations

from textual.widget import Widget


class RestyledInSight(Widget):
    """A widget restyled for losing the focus after the next frame, when it lost it out of sight."""

    def watch_has_focus(self, has_focus: bool) -> None:
        if has_focus or self._in_sight():
            super().watch_has_focus(has_focus)
        else:
            self.call_after_refresh(self._restyle)

    def _in_sight(self) -> bool:
        return all(node.display for node in self.ancestors_with_self if isinstance(node, Widget))

    def _restyle(self) -> None:
        if self.is_attached:
            self.update_node_styles()
