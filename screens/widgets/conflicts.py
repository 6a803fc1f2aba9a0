"""Answers two machines changed differently: the other version shown above the form, and a way to keep one."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from tui.content import Chapter
from tui.workbook import Conflict, format_value


def _when(device: str, changed: str) -> str:
    where = f"on {device}" if device else "on a machine not named"
    return f"{where}, {changed.replace('T', ' ')[:16]} UTC" if changed else where


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
        (f"In the form, {_when(conflict.here_device, conflict.here_changed)}{later_here}:", "italic"),
        f"\n{here}\n",
        (f"The other version, {_when(conflict.other_device, conflict.other_changed)}{later_other}:", "italic"),
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
