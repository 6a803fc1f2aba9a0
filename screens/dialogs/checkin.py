"""How does the setback feel now? A number from 0 to 10, and a word on why if you like.

The dialog records the check-in itself: a failed save keeps it open with what
was chosen and typed. The note is kept as a draft while typing, like a
chapter's answers, and offered back the next time.
"""

from __future__ import annotations

import contextlib
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Input, Label

from screens.dialogs.drafting import DraftingDialog
from screens.widgets.entry import SafeInput
from screens.widgets.fields import FieldChanged, ScaleInput
from tui.route import distressing_rating
from tui.workbook import SaveError

FORM = "check-in"


class CheckInDialog(DraftingDialog[int | None]):
    """Rate a setback now (0-10); dismisses with the rating recorded, or None."""

    BINDINGS = [
        Binding("enter", "save", "Save"),
        Binding("ctrl+s", "save", "Save", priority=True, show=False),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, setback_id: int, title: str) -> None:
        super().__init__(classes="dialog-screen")
        self.setback_id = setback_id
        self.setback_title = title

    @property
    def form(self) -> str:
        return FORM

    @property
    def draft_key(self) -> int | None:
        return self.setback_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", can_focus=False):
            yield Label(Content(f"How does “{self.setback_title}” feel today?"), classes="dialog-question")
            yield Label("0 = it barely bothers me, 10 = it is all I can think about.")
            yield Label("←/→ or a digit; enter saves.", classes="help")
            yield ScaleInput(0, 10, id="rating")
            yield Label("A word on why (optional):", classes="question")
            yield SafeInput(placeholder="e.g. slept better, talked to Sam", id="note", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        draft = self.workbook.form_draft(FORM, self.setback_id)
        if draft:
            rating = draft.get("rating")
            if isinstance(rating, int) and not isinstance(rating, bool) and 0 <= rating <= 10:
                self.query_one("#rating", ScaleInput).value = rating
            if isinstance(draft.get("note"), str):
                self.query_one("#note", Input).value = draft["note"]
            self.notify("Restored what you typed here last time.", title="Unsaved changes restored", timeout=8)
        self.query_one("#rating").focus()

    def typed(self) -> dict[str, Any]:
        return {"rating": self.query_one("#rating", ScaleInput).value, "note": self.query_one("#note", Input).value}

    def untouched(self) -> bool:
        typed = self.typed()
        return typed["rating"] is None and not typed["note"].strip()

    @on(FieldChanged)
    @on(Input.Changed)
    def _changed(self) -> None:
        self.changed()

    @on(Input.Submitted, "#note")
    def action_save(self) -> None:
        self.host.after_typing(self._save_now)

    def _save_now(self) -> None:
        if not self.is_attached:
            return
        typed = self.typed()
        if typed["rating"] is None:
            self.notify("Choose a number first (←/→ or a digit).", severity="warning")
            self.query_one("#rating").focus()
            return
        try:
            self.workbook.check_in(self.setback_id, typed["rating"], typed["note"])
        except (SaveError, ValueError) as exc:
            self.write_draft()
            self.host.save_failed(exc, title="Check-in not saved")
            return
        with contextlib.suppress(SaveError):  # the check-in is saved; a draft left behind can be cancelled
            self.forget_draft()
        self.host.rating_saved(distressing_rating(typed["rating"]))
        self.dismiss(typed["rating"])

    def action_cancel(self) -> None:
        self.write_draft()  # a note half typed is kept for next time
        self.dismiss(None)
