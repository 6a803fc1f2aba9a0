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
from textual.timer import Timer
from textual.widgets import Footer, Input, Label

from screens.base import WorkbookModal
from screens.widgets.entry import SafeInput
from screens.widgets.fields import FieldChanged, ScaleInput
from tui.route import distressing_rating
from tui.workbook import SaveError

DRAFT_DELAY = 0.8
FORM = "check-in"


class CheckInDialog(WorkbookModal[int | None]):
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
        self._timer: Timer | None = None
        self._dirty = False

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

    @on(FieldChanged)
    @on(Input.Changed)
    def _changed(self) -> None:
        # Widgets also report the values just loaded: write_draft compares with what was there.
        self._dirty = True
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DRAFT_DELAY, self.write_draft)

    def write_draft(self) -> bool:
        """Keep what is chosen and typed (on a pause, on leaving, quitting, hanging up)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self._dirty or not self.is_attached:
            return True
        self._dirty = False
        typed = self.typed()
        try:
            if typed["rating"] is None and not typed["note"].strip():
                self.workbook.discard_form_draft(FORM, self.setback_id)
            else:
                self.workbook.save_form_draft(FORM, self.setback_id, typed)
        except SaveError as exc:
            self._dirty = True
            self.host.save_failed(exc, title="Draft not saved")
            return False
        return True

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
        if self._timer is not None:
            self._timer.stop()
        self._dirty = False
        with contextlib.suppress(SaveError):
            self.workbook.discard_form_draft(FORM, self.setback_id)
        self.host.rating_saved(distressing_rating(typed["rating"]))
        self.dismiss(typed["rating"])

    def action_cancel(self) -> None:
        self.write_draft()  # a note half typed is kept for next time
        self.dismiss(None)
