"""Export and import from inside the app (the command palette), with progress shown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Label, ProgressBar

from screens.base import WorkbookModal
from screens.widgets.entry import SafeInput
from tui.export import ExportError, export_json, export_markdown, import_json
from tui.export.notes import export_notes
from tui.output import OutputError, write_file, write_folder
from tui.workbook import StoreError


class TransferDialog(WorkbookModal[None]):
    """A path to type, then work in a thread with a progress bar, then the result."""

    BINDINGS = [Binding("escape", "close", "Close")]
    TITLE_TEXT = ""
    PROMPT = ""

    def __init__(self, default_path: Path) -> None:
        super().__init__(classes="dialog-screen")
        self.default_path = default_path
        self.busy = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", can_focus=False):
            yield Label(self.TITLE_TEXT, classes="dialog-question")
            yield Label(Content(self.PROMPT))
            if self.note():
                yield Label(Content(self.note()), id="transfer-note", classes="help")
            yield SafeInput(str(self.default_path), id="path")
            yield ProgressBar(total=None, show_eta=False, id="progress")
            yield Label("", id="result")
            yield Label("enter starts · escape closes", classes="help")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#progress").display = False
        self.query_one("#path", SafeInput).focus()

    @on(SafeInput.Submitted, "#path")
    def _start(self) -> None:
        if self.busy:
            return
        path = Path(self.query_one("#path", SafeInput).value.strip()).expanduser()
        if not str(path).strip():
            return
        self.busy = True
        self.query_one("#progress").display = True
        self.query_one("#result", Label).update("Working…")
        self.run(path)

    @work(thread=True, exclusive=True, group="transfer", exit_on_error=False)
    def run(self, path: Path) -> None:
        try:
            message = self.transfer(path)
            ok = True
        except (ExportError, StoreError, OutputError, OSError, ValueError) as exc:
            message, ok = str(exc), False
        self.app.call_from_thread(self._done, message, ok)

    def note(self) -> str:
        """A line under the prompt, if there is something to know before starting."""
        return ""

    def transfer(self, path: Path) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def _done(self, message: str, ok: bool) -> None:
        self.busy = False
        progress = self.query_one("#progress", ProgressBar)
        progress.update(total=1, progress=1 if ok else 0)
        self.query_one("#result", Label).update(Content(message if ok else f"Not done: {message}"))
        self.query_one("#result", Label).set_class(not ok, "error")

    def action_close(self) -> None:
        if not self.busy:
            self.dismiss(None)


class ExportDialog(TransferDialog):
    """Write the whole journal to a Markdown or JSON file (by its extension), or notes into a folder."""

    TITLE_TEXT = "Export the journal"
    PROMPT = "File (.md: case file, .json: everything) or folder/ for notes:"
    PLAIN_TEXT = "The journal is encrypted; the export is not: plain text, for anyone who gets the file."

    def note(self) -> str:
        return self.PLAIN_TEXT if self.workbook.encrypted else ""

    def transfer(self, path: Path) -> str:
        typed = self.query_one("#path", SafeInput).value.strip()
        if typed.endswith("/") or path.is_dir():
            notes = export_notes(self.workbook, path)
            write_folder(path, {n.name: n.text.encode("utf-8") for n in notes})
            return f"Exported {len(notes)} note{'s' if len(notes) != 1 else ''} (one per setback) to {path}."
        if path.suffix.lower() == ".json":
            text = json.dumps(export_json(self.workbook), ensure_ascii=False, indent=2) + "\n"
        else:
            text = export_markdown(self.workbook)
        private = not path.is_symlink()  # a link's target keeps its own mode
        written = write_file(path, text.encode("utf-8"))
        unsealed = " Not encrypted: keep it safe." if self.workbook.encrypted else ""
        if written == "file" and private:
            return f"Exported to {path} (only you can read it).{unsealed}"
        return f"Exported to {path}.{unsealed}"


class ImportDialog(TransferDialog):
    """Add a JSON export to the journal: first what it would add, then for real."""

    TITLE_TEXT = "Import a JSON export"
    PROMPT = "JSON export to read (enter once to see what it adds, again to import):"

    def __init__(self, default_path: Path) -> None:
        super().__init__(default_path)
        self.checked: Path | None = None

    def transfer(self, path: Path) -> str:
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise ValueError(f"{path} is not JSON: {exc}") from exc
        if self.checked != path:
            report = import_json(self.workbook, data, dry_run=True)
            self.checked = path
            return report.summary().replace("dry run: nothing was written", "press enter again to import")
        report = import_json(self.workbook, data)
        self.checked = None
        return report.summary()

    def _done(self, message: str, ok: bool) -> None:
        super()._done(message, ok)
        if ok and self.checked is None:
            from screens.home import HomeScreen

            for screen in self.app.screen_stack:
                if isinstance(screen, HomeScreen):
                    screen.refresh_lists()
