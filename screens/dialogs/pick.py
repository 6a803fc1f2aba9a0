"""Pick one line of a list."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from screens.base import Dialog


class PickDialog(Dialog[int | None]):
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
        yield Footer(compact=True)

    @on(OptionList.OptionSelected, "#pick")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)

    def action_cancel(self) -> None:
        self.dismiss(None)
