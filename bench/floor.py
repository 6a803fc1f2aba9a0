"""The floor: a bare Textual app that does what failforward does on ctrl+n with nothing of its own.

    python bench/floor.py        run it in a terminal (tmux): ctrl+n goes to the next screen, ctrl+q quits

Each screen holds a Header, a Static and a Footer. The app pushes its first
screen on mount, over Textual's default screen, as failforward pushes its home
screen; ctrl+n builds a new screen and puts it in place of the shown one with
``App.switch_screen``, as failforward's chapter screen does for the next
chapter (``ChapterScreen._go_to_neighbour``): a fresh screen per step, the
screen left behind removed. This is the cheapest fair version of that step:
composing, styling, laying out and painting a new screen with a header and a
footer of key hints.

Imports nothing but Textual and the standard library: bench/probe.py loads it
under any benchmark interpreter.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

FLOOR_TEXT = "floor: a bare Textual app"


def screen_text(number: int) -> str:
    """What the Static on screen ``number`` (from 1) says: the marker of that screen."""
    return f"{FLOOR_TEXT}, screen {number}"


class FloorScreen(Screen[None]):
    BINDINGS = [Binding("ctrl+n", "next", "Next", priority=True)]

    def __init__(self, number: int) -> None:
        super().__init__()
        self.number = number

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(screen_text(self.number))
        yield Footer(compact=True)

    def action_next(self) -> None:
        self.app.switch_screen(FloorScreen(self.number + 1))


class FloorApp(App[None]):
    TITLE = "floor"

    def on_mount(self) -> None:
        self.push_screen(FloorScreen(1))


if __name__ == "__main__":
    FloorApp().run()
