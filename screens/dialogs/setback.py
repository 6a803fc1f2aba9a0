"""Create or edit a setback: what happened, what kind, when, how it felt."""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select

from screens.dialogs.confirm import ConfirmDialog
from screens.widgets.entry import SafeInput
from screens.widgets.fields import ScaleInput
from tui.records import SETBACK_KINDS, InvalidSetback, Setback, SetbackFields, check_setback


class SetbackDialog(ModalScreen[SetbackFields | None]):
    """A form for a setback; dismisses with its checked values, or None."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, setback: Setback | None = None, today: dt.date | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.setback = setback
        self.today = today or dt.date.today()

    def compose(self) -> ComposeResult:
        s = self.setback
        with Vertical(classes="dialog setback-dialog"):
            yield Label("Edit the setback" if s else "Name a setback", classes="dialog-question")
            yield Label(Content("What happened, in a few words?"), classes="question")
            yield SafeInput(
                s.title if s else "", placeholder="e.g. Turned down for the staff role", id="title", compact=True
            )
            yield Label("What kind of setback?", classes="question")
            kinds = [(Content(k.capitalize()), k) for k in SETBACK_KINDS]
            yield Select(kinds, value=s.kind if s else "other", allow_blank=False, id="kind", compact=True)
            yield Label("When did it happen? (YYYY-MM-DD)", classes="question")
            yield SafeInput(
                s.date or "" if s else self.today.isoformat(), placeholder="YYYY-MM-DD", id="date", compact=True
            )
            yield Label("How bad does it feel right now? (0 = fine, 10 = awful; ←/→)", classes="question")
            yield ScaleInput(0, 10, id="feeling")
            yield Label("", id="setback-error", classes="error -empty")
            yield Label("enter or ctrl+s saves · escape cancels · tab moves between questions", classes="help")

    def on_mount(self) -> None:
        if self.setback and self.setback.feeling is not None:
            self.query_one("#feeling", ScaleInput).value = self.setback.feeling
        self.query_one("#title", Input).focus()

    def values(self) -> SetbackFields:
        """What the form holds, checked by the one rule for a setback; raises InvalidSetback."""
        kind = self.query_one("#kind", Select).value
        return check_setback(
            self.query_one("#title", Input).value,
            kind if isinstance(kind, str) else "other",
            self.query_one("#date", Input).value.strip() or None,
            self.query_one("#feeling", ScaleInput).value,
        )

    @on(Input.Submitted)
    def action_save(self) -> None:
        error = self.query_one("#setback-error", Label)
        try:
            values = self.values()
        except InvalidSetback as exc:
            message = str(exc)
            error.update(Content(message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")))
            error.remove_class("-empty")
            focus = {"title": "#title", "date": "#date", "feeling": "#feeling", "kind": "#kind"}[exc.field]
            self.query_one(focus).focus()
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        typed = self.query_one("#title", Input).value.strip()
        if not typed or (self.setback and typed == self.setback.title):
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog("Discard what you typed?", yes="Discard"), answered)
