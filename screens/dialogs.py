"""Small typed dialogs: a yes/no question and a list to pick from."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList
from textual.widgets.option_list import Option


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question whose default answer is "no"."""

    BINDINGS = [
        Binding("escape,n", "answer(False)", "No"),
        Binding("y", "answer(True)", "Yes"),
    ]

    def __init__(self, question: str, yes: str = "Yes") -> None:
        super().__init__(classes="dialog-screen")
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(self.question), classes="dialog-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button("No (n)", id="no", variant="primary")
                yield Button(f"{self.yes} (y)", id="yes", variant="error")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class PickDialog(ModalScreen[int | None]):
    """Pick one line of a list; returns its index, or None."""

    BINDINGS = [Binding("escape", "cancel", "Close")]

    def __init__(self, title: str, choices: list[str]) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(self.title_text), classes="dialog-question")
            yield OptionList(*[Option(Content(c)) for c in self.choices], id="pick")

    @on(OptionList.OptionSelected, "#pick")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CheckInDialog(ModalScreen[int | None]):
    """How does the setback feel now? A number from 0 to 10."""

    BINDINGS = [
        Binding("enter", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str) -> None:
        super().__init__(classes="dialog-screen")
        self.setback_title = title

    def compose(self) -> ComposeResult:
        from screens.fields import ScaleInput

        with Vertical(classes="dialog"):
            yield Label(Content(f"How does “{self.setback_title}” feel today?"), classes="dialog-question")
            yield Label("0 = it barely bothers me, 10 = it is all I can think about. ←/→ or a digit, enter saves.")
            yield ScaleInput(0, 10, id="rating")

    def on_mount(self) -> None:
        self.query_one("#rating").focus()

    def action_save(self) -> None:
        from screens.fields import ScaleInput

        value = self.query_one("#rating", ScaleInput).value
        if value is None:
            self.app.notify("Choose a number first (←/→).", severity="warning")
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
