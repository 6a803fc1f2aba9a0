"""The failforward App, and the one factory that builds it for the CLI and the tests."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence

from textual.app import App
from textual.binding import Binding

from tui.content import Chapter, load_chapters
from tui.locations import content_folders
from tui.locations import data_dir as default_data_dir
from tui.store import Store
from tui.workbook import Workbook


class WorkbookApp(App[None]):
    """A guide beside a reflection form, with everything saved as you type."""

    CSS_PATH = "app.tcss"
    TITLE = "failforward"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f1", "help", "Help"),
    ]

    def __init__(self, workbook: Workbook) -> None:
        super().__init__()
        self.workbook = workbook

    def on_mount(self) -> None:
        from screens.home import HomeScreen

        self.push_screen(HomeScreen())
        report = self.workbook.store.report
        if report.quarantined is not None:
            backup = report.newest_backup
            offer = f" The newest backup is {backup}." if backup else " There is no backup to restore."
            self.notify(
                f"The journal file could not be read ({report.quarantine_reason}) and was moved to "
                f"{report.quarantined}.{offer}",
                title="Journal damaged: nothing was deleted",
                severity="error",
                timeout=60,
            )

    def flush_drafts(self) -> None:
        """Write what is typed on any open chapter screen as a draft."""
        from screens.chapter import ChapterScreen

        for screen in self.screen_stack:
            if isinstance(screen, ChapterScreen):
                screen.write_draft()

    async def action_quit(self) -> None:
        self.flush_drafts()
        self.exit()

    def action_help(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def on_unmount(self) -> None:
        self.workbook.store.close()


def make_app(
    data_dir: str | os.PathLike[str] | None = None,
    content_dir: str | os.PathLike[str] | None = None,
    *,
    chapters: Sequence[Chapter] | None = None,
    clock: Callable[[], dt.datetime] | None = None,
    store: Store | None = None,
) -> WorkbookApp:
    """Build the app on a journal folder and a content folder.

    Raises ``ContentError`` for a bad chapter and ``StoreError`` for a journal
    that cannot be opened; both carry a one-line message.
    """
    if chapters is None:
        chapters = load_chapters(content_folders(content_dir))
    if store is None:
        store = Store(default_data_dir(data_dir))
    workbook = Workbook(store, chapters, clock) if clock else Workbook(store, chapters)
    return WorkbookApp(workbook)
