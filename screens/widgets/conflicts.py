"""Versions two machines changed differently: answers shown above the form, other fields chosen from home."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from tui.content import Chapter
from tui.workbook import Conflict, format_value

NOUNS = {"setbacks": "A setback", "actions": "An action", "checkins": "A check-in", "reflections": "An answer"}
FIELD_WORDS = {"due": "due date", "done": "done mark", "at": "time"}
SHOWN = 120  # a version longer than this is cut in a choice list (the whole of it stays in the journal)


def when_written(device: str, changed: str) -> str:
    """Where and when a version was written: "on laptop, 2026-03-14 09:30 UTC"."""
    where = f"on {device}" if device else "on a machine not named"
    return f"{where}, {changed.replace('T', ' ')[:16]} UTC" if changed else where


def shown_version(value: Any) -> str:
    """A version on one line for a choice list: empty said so, long ones cut."""
    text = " / ".join(format_value(None, value).splitlines()) or "(empty)"
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def record_conflict_label(conflict: Conflict) -> str:
    """What a conflict outside any chapter is about, in one line: "A setback's title: here … · other …"."""
    noun = NOUNS.get(conflict.table, f"A {conflict.table.rstrip('s')}")
    field = FIELD_WORDS.get(conflict.field, conflict.field.replace("_", " "))
    gone = " (deleted here)" if conflict.record_id is None else ""
    return f"{noun}'s {field}{gone}: here “{shown_version(conflict.here)}” · other “{shown_version(conflict.other)}”"


def version_choices(conflict: Conflict) -> list[str]:
    """The lines to choose from for one conflict outside a chapter: keep the one in place, or use the other.

    When the record is gone there is nothing to put the other version in, so
    the only choice is to let it go.
    """
    here = f"{shown_version(conflict.here)} ({when_written(conflict.here_device, conflict.here_changed)})"
    other = f"{shown_version(conflict.other)} ({when_written(conflict.other_device, conflict.other_changed)})"
    if conflict.record_id is None:
        return [f"Let the other version go: {other}"]
    return [f"Keep the one here: {here}", f"Use the other version: {other}"]


def conflict_text(conflict: Conflict, chapter: Chapter) -> Content:
    """The question, both versions with where and when each was written, the later one said so."""
    f = chapter.field(conflict.field)
    label = f.label if f else conflict.field
    here = format_value(f, conflict.here) or "(empty)"
    other = format_value(f, conflict.other) or "(empty)"
    later_here, later_other = ("", " (the later change)") if conflict.other_is_newer else (" (the later change)", "")
    if not conflict.other_changed or not conflict.here_changed:
        later_here = later_other = ""
    return Content.assemble(
        (label, "bold"),
        " was changed on two machines; both versions are kept.\n",
        (f"In the form, {when_written(conflict.here_device, conflict.here_changed)}{later_here}:", "italic"),
        f"\n{here}\n",
        (f"The other version, {when_written(conflict.other_device, conflict.other_changed)}{later_other}:", "italic"),
        f"\n{other}",
    )


class ConflictPanel(Vertical):
    """One box for each answer of the chapter that two machines changed differently."""

    DEFAULT_CSS = """
    ConflictPanel {
        height: auto;
        max-height: 50%;
        overflow-y: auto;
        border: round $warning;
        border-title-color: $warning;
        padding: 0 1;
    }
    ConflictPanel .conflict {
        height: auto;
        margin-bottom: 1;
    }
    ConflictPanel .conflict-buttons {
        height: auto;
    }
    ConflictPanel Button {
        min-width: 16;
        margin-right: 1;
    }
    """

    class Chosen(Message):
        """A version was chosen: the other one (``use_other``) or the one in place."""

        def __init__(self, conflict: Conflict, use_other: bool) -> None:
            super().__init__()
            self.conflict = conflict
            self.use_other = use_other

    def __init__(self, conflicts: list[Conflict], chapter: Chapter, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.conflicts = {c.id: c for c in conflicts}
        self.chapter = chapter
        self.border_title = "Changed on two machines"

    def compose(self) -> ComposeResult:
        for conflict in self.conflicts.values():
            with Vertical(classes="conflict", id=f"conflict-{conflict.id}"):
                yield Static(conflict_text(conflict, self.chapter))
                with Horizontal(classes="conflict-buttons"):
                    yield Button("Keep the one in the form", id=f"keep-{conflict.id}", compact=True)
                    yield Button("Use the other version", id=f"other-{conflict.id}", compact=True)

    @on(Button.Pressed)
    def _chosen(self, event: Button.Pressed) -> None:
        event.stop()
        name, _, number = (event.button.id or "").partition("-")
        conflict = self.conflicts.get(int(number)) if number.isdigit() else None
        if conflict is not None:
            self.post_message(self.Chosen(conflict, use_other=name == "other"))

    def resolved(self, conflict_id: int) -> None:
        """Take a resolved conflict's box away (the panel too, once none is left)."""
        self.conflicts.pop(conflict_id, None)
        if not self.conflicts:
            self.remove()
        else:
            self.query_one(f"#conflict-{conflict_id}").remove()
