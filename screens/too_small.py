"""Too small: one line asking for a bigger window, shown over whatever screen was open.

Below the minimum size the screens cannot show a question with its answer
box, or a dialog's fields, at once: typing would go into a field nobody can
see. So the app puts this screen on top until the window is big enough again,
then takes it away: the screen underneath was never touched, so it comes back
exactly as it was, typed text, focus and cursor included. Keys pressed
meanwhile do nothing (ctrl+q still quits, keeping what was typed as a draft).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.events import Resize
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Static

MIN_WIDTH = 70  # every screen's keys fit on the bottom line (a chapter's need 66 columns)
MIN_HEIGHT = 20  # a stacked chapter shows the guide and a question with its answer; a dialog fits whole
ROOMY_WIDTH = 90  # below this (80 columns too) the footer drops the palette hint; ctrl+p still works


def too_small(size: Size) -> bool:
    """Whether a window of ``size`` is below the minimum the screens need."""
    return size.width < MIN_WIDTH or size.height < MIN_HEIGHT


def message(size: Size) -> str:
    """The one line to show at ``size``: as much of the request as fits."""
    wanted = f"{MIN_WIDTH}x{MIN_HEIGHT}"
    for text in (
        f"Make the window at least {wanted} (it is {size.width}x{size.height})",
        f"Make the window at least {wanted}",
        f"At least {wanted}",
        wanted,
    ):
        if len(text) <= size.width:
            return text
    return wanted[: max(0, size.width)]


class TooSmallScreen(Screen[None]):
    """One line, "Make the window at least WxH", centred; taken away by the app when the window grows."""

    AUTO_FOCUS = None

    def compose(self) -> ComposeResult:
        yield Static(message(self.app.size), id="too-small")

    def on_resize(self, event: Resize) -> None:
        self.query_one("#too-small", Static).update(message(event.size))
