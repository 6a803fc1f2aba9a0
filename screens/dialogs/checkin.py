"""How does the setback feel now? A number from 0 to 10."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Label

from screens.base import Dialog


class CheckInDialog(Dialog[int | None]):
    """How does the setback feel now? A number from 0 to 10."""

    BINDINGS = [
        Binding("enter", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str) -> None:
        super().__init__(classes="dialog-screen")
        self.setback_title = title

    def compose(self) -> ComposeResult:
        from screens.widgets.fields import ScaleInput

        with VerticalScroll(classes="dialog", can_focus=False):
            yield Label(Content(f"How does “{self.setback_title}” feel today?"), classes="dialog-question")
            yield Label("0 = it barely bothers me, 10 = it is all I can think about. ←/→ or a digit, enter saves.")
            yield ScaleInput(0, 10, id="rating")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#rating").focus()

    def action_save(self) -> None:
        from screens.widgets.fields import ScaleInput

        value = self.query_one("#rating", ScaleInput).value
        if value is None:
            self.app.notify("Choose a number first (←/→).", severity="warning")
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
