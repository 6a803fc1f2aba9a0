"""Create or edit a setback: what happened, what kind, when, how it felt (editing shows its free notes too).

What is typed is kept as a draft (like a chapter's answers), written a moment
after typing stops, on leaving and when the connection drops, and offered back
the next time the dialog opens. The dialog saves the setback itself: if the
save fails it stays open with everything typed, and only a saved setback
closes it. Enter on any question saves; ctrl+s saves once the keys typed
before it are in.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Input, Label, OptionList
from textual.widgets.option_list import Option

from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.drafting import DraftingDialog
from screens.widgets.entry import SafeInput
from screens.widgets.fields import FieldChanged, ScaleInput
from screens.widgets.textarea import SafeTextArea
from tui.records import InvalidSetback, Setback, SetbackFields, check_setback
from tui.route import distressing_rating
from tui.workbook import SaveError

NEW = "new-setback"
EDIT = "edit-setback"


class KindList(OptionList):
    """The kinds of setback: the highlighted one is the answer; enter saves the dialog."""

    def __init__(self, kinds: list[tuple[str, str]], value: str, *, id: str | None = None) -> None:
        self.kinds = [kind for kind, _ in kinds]
        super().__init__(*[Option(Content(label), id=kind) for kind, label in kinds], id=id, compact=True)
        self._initial = value

    def on_mount(self) -> None:
        self.value = self._initial

    @property
    def value(self) -> str:
        index = self.highlighted
        return self.kinds[index] if index is not None and 0 <= index < len(self.kinds) else "other"

    @value.setter
    def value(self, kind: str) -> None:
        self.highlighted = self.kinds.index(kind) if kind in self.kinds else len(self.kinds) - 1


class SetbackDialog(DraftingDialog[Setback | None]):
    """A form for a setback that saves it; dismisses with the saved setback, or None."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("enter", "save", "Save", show=False),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        setback: Setback | None = None,
        today: dt.date | None = None,
        save: Callable[[SetbackFields], Setback] | None = None,
    ) -> None:
        super().__init__(classes="dialog-screen")
        self.setback = setback
        self.today = today or dt.date.today()
        self._save_with = save

    @property
    def form(self) -> str:
        return EDIT if self.setback else NEW

    @property
    def draft_key(self) -> int | None:
        return self.setback.id if self.setback else None

    def compose(self) -> ComposeResult:
        s = self.setback
        with VerticalScroll(classes="dialog setback-dialog", can_focus=False):
            yield Label("Edit the setback" if s else "Name a setback", classes="dialog-question")
            yield Label(Content("What happened, in a few words?"), classes="question")
            yield SafeInput(
                s.title if s else "", placeholder="e.g. Turned down for the staff role", id="title", compact=True
            )
            yield Label("What kind of setback? (↑/↓)", classes="question")
            yield KindList(self.workbook.setback_kinds(), s.kind if s else "other", id="kind")
            yield Label("When did it happen? (YYYY-MM-DD)", classes="question")
            yield SafeInput(
                s.date or "" if s else self.today.isoformat(), placeholder="YYYY-MM-DD", id="date", compact=True
            )
            yield Label("How bad does it feel right now? (0 = fine, 10 = awful; ←/→)", classes="question")
            yield ScaleInput(0, 10, id="feeling")
            if s is not None:  # naming a new setback stays quick; its notes come with editing
                yield Label("Notes (anything; ctrl+e opens your editor)", classes="question")
                yield SafeTextArea(s.notes, id="notes", soft_wrap=True, tab_behavior="focus", compact=True)
            yield Label("", id="setback-error", classes="error -empty")
            yield Label("enter or ctrl+s saves · escape cancels · tab moves between questions", classes="help")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if self.setback and self.setback.feeling is not None:
            self.query_one("#feeling", ScaleInput).value = self.setback.feeling
        draft = self.workbook.form_draft(self.form, self.draft_key)
        if draft:
            self._load(draft)
            self.notify("Restored what you typed here last time.", title="Unsaved changes restored", timeout=8)
        self.query_one("#title", Input).focus()

    def _load(self, values: dict[str, Any]) -> None:
        if isinstance(values.get("title"), str):
            self.query_one("#title", Input).value = values["title"]
        if isinstance(values.get("kind"), str):
            self.query_one("#kind", KindList).value = values["kind"]
        if isinstance(values.get("date"), str):
            self.query_one("#date", Input).value = values["date"]
        feeling = values.get("feeling")
        if isinstance(feeling, int) and not isinstance(feeling, bool) and 0 <= feeling <= 10:
            self.query_one("#feeling", ScaleInput).value = feeling
        if self.setback is not None and isinstance(values.get("notes"), str):
            self.query_one("#notes", SafeTextArea).load_text(values["notes"])

    def typed(self) -> dict[str, Any]:
        """What the form holds, as typed (unchecked)."""
        return {
            "title": self.query_one("#title", Input).value,
            "kind": self.query_one("#kind", KindList).value,
            "date": self.query_one("#date", Input).value,
            "feeling": self.query_one("#feeling", ScaleInput).value,
            **({"notes": self.query_one("#notes", SafeTextArea).text} if self.setback is not None else {}),
        }

    def values(self) -> SetbackFields:
        """What the form holds, checked by the one rule for a setback; raises InvalidSetback."""
        typed = self.typed()
        return check_setback(
            typed["title"], typed["kind"], typed["date"].strip() or None, typed["feeling"], typed.get("notes")
        )

    # -- drafts --------------------------------------------------------------

    def untouched(self) -> bool:
        typed = self.typed()
        s = self.setback
        if s is None:
            return not typed["title"].strip() and typed["feeling"] is None and typed["kind"] == "other"
        now = (typed["title"].strip(), typed["kind"], typed["date"].strip() or None, typed["feeling"], typed["notes"])
        return now == (s.title, s.kind, s.date, s.feeling, s.notes)

    @on(Input.Changed)
    @on(SafeTextArea.Changed)
    @on(FieldChanged)
    @on(OptionList.OptionHighlighted)
    def _changed(self) -> None:
        self.changed()

    # -- actions -------------------------------------------------------------

    @on(Input.Submitted)
    @on(OptionList.OptionSelected, "#kind")
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        self.host.after_typing(self._save_now)

    def _show_error(self, message: str, focus: str) -> None:
        error = self.query_one("#setback-error", Label)
        error.update(Content(message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")))
        error.remove_class("-empty")
        self.query_one(focus).focus()

    def _save_now(self) -> None:
        if not self.is_attached:
            return
        try:
            values = self.values()
        except InvalidSetback as exc:
            focus = {"title": "#title", "date": "#date", "feeling": "#feeling", "kind": "#kind"}[exc.field]
            self._show_error(str(exc), focus)
            return
        try:
            saved = self._save_with(values) if self._save_with else None
        except (SaveError, ValueError) as exc:
            self.write_draft()
            self.host.save_failed(exc, title="Setback not saved")
            return
        with contextlib.suppress(SaveError):  # the setback is saved; a draft left behind can be cancelled
            self.forget_draft()
        self.host.rating_saved(distressing_rating(values.feeling))
        self.dismiss(saved)

    def action_cancel(self) -> None:
        def discard() -> None:
            try:
                self.forget_draft()
            except SaveError as exc:
                self.host.save_failed(exc, title="Draft not discarded")
            self.dismiss(None)

        if self.untouched():
            discard()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                discard()

        self.app.push_screen(ConfirmDialog("Discard what you typed?", yes="Discard"), answered)
