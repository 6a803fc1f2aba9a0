"""The journal's folder went away while the app ran: where should the journal be written now?

Everything the session holds is still in memory (saves since the folder went
away failed and said so). Enter writes the whole journal to the folder typed
(the original place, recreated, by default) and the session carries on there;
escape closes the dialog and keeps working, and quitting writes it to the
original place (or a fallback) and says where.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Input, Label

from screens.base import WorkbookModal
from screens.widgets.entry import SafeInput
from tui.workbook import StoreError


class RescueDialog(WorkbookModal[Path | None]):
    """Ask for a folder and write the whole journal there; dismisses with the journal file's path, or None."""

    BINDINGS = [
        Binding("escape", "later", "Not now"),
        Binding("enter", "write", "Write it there", show=True),
    ]

    def __init__(self, reason: str, original: Path) -> None:
        super().__init__(classes="dialog-screen")
        self.reason = reason
        self.original = original

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", can_focus=False):
            yield Label("Your journal's folder is gone", classes="dialog-question")
            yield Label(Content(f"{self.reason.removeprefix('not saved: ')}."), classes="help")
            yield Label(
                Content(
                    "Nothing since then is on disk, but everything is still here. "
                    "Write the whole journal to this folder (enter), or type another one:"
                )
            )
            yield SafeInput(str(self.original), id="rescue-folder")
            yield Label("", id="rescue-error", classes="error -empty")
            yield Label(
                Content("escape: not now (saves fail until the journal has a folder; quitting writes it here)"),
                classes="help",
            )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#rescue-folder", Input).focus()

    @on(Input.Submitted, "#rescue-folder")
    def action_write(self) -> None:
        typed = self.query_one("#rescue-folder", Input).value.strip()
        folder = Path(typed).expanduser() if typed else self.original
        try:
            path = self.workbook.rescue(folder)
        except StoreError as exc:
            error = self.query_one("#rescue-error", Label)
            error.update(Content(f"Not written: {exc}"))
            error.remove_class("-empty")
            return
        self.dismiss(path)

    def action_later(self) -> None:
        self.dismiss(None)
