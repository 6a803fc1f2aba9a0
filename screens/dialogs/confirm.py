"""A yes/no question whose default answer is "no", which keys sent with the request cannot answer."""

from __future__ import annotations

from textual import on
from textual._time import get_time  # the clock Textual stamps events with
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Footer, Label

from screens.base import Dialog

HUMAN_MOMENT = 0.4  # seconds: a "yes" typed sooner after the question appeared was not an answer to it


class ConfirmDialog(Dialog[bool]):
    """A yes/no question whose default answer is "no".

    Keys that arrived in the same burst as the one that asked (a slow link
    delivering "d y" at once, keys typed ahead) cannot say yes: a "yes" whose
    key was sent less than a human moment after the question appeared is
    ignored, and the person is asked to press it again.
    """

    BINDINGS = [
        Binding("escape,n", "answer(False)", "No"),
        Binding("y", "answer(True)", "Yes"),
    ]

    def __init__(self, question: str, yes: str = "Yes") -> None:
        super().__init__(classes="dialog-screen")
        self.question = question
        self.yes = yes
        self.opened = get_time()

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", can_focus=False):
            yield Label(Content(self.question), classes="dialog-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button("No (n)", id="no", variant="primary")
                yield Button(f"{self.yes} (y)", id="yes", variant="error")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def too_soon(self) -> bool:
        """Whether the last key was sent before the question could have been read."""
        sent = getattr(self.app, "last_key_time", None)
        return isinstance(sent, float) and sent - self.opened < HUMAN_MOMENT

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        if answer and self.too_soon():
            self.app.notify(f"Read the question first, then press y again to {self.yes.lower()}.", severity="warning")
            return
        self.dismiss(answer)
