"""The failforward App, and the one factory that builds it for the CLI and the tests."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

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
        self.hung_up = False

    def on_mount(self) -> None:
        from screens.home import HomeScreen

        self.push_screen(HomeScreen())
        if not self.is_headless:
            self._watch_terminal()
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

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Notifications often carry the person's own text: never read it as markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    # -- a dropped connection loses nothing ------------------------------------

    def _watch_terminal(self) -> None:
        """Save and leave on SIGHUP / SIGTERM, or when the terminal disappears.

        Textual installs no SIGHUP handler: without this, a dropped SSH
        connection kills the app before anything is saved; with SIGHUP
        ignored, the orphan would spin on a dead terminal.
        """
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGHUP, signal.SIGTERM):
            with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
                loop.add_signal_handler(sig, self.hang_up, int(sig))
        self.set_interval(1.0, self._check_terminal, name="terminal watch")

    @staticmethod
    def terminal_gone() -> bool:
        """True when the controlling terminal has hung up."""
        stream = sys.__stdin__
        if stream is None:
            return False
        try:
            os.tcgetpgrp(stream.fileno())
        except (OSError, ValueError):
            return True
        return False

    def _check_terminal(self) -> None:
        if self.terminal_gone():
            self.hang_up(int(signal.SIGHUP))

    def panic(self, *renderables: Any) -> None:
        # Textual panics when reading a terminal that is gone: that is a hang-up.
        if not self.is_headless and self.terminal_gone():
            self.hang_up(int(signal.SIGHUP))
            return
        with contextlib.suppress(Exception):
            self.flush_drafts()
        super().panic(*renderables)

    def _handle_exception(self, error: Exception) -> None:
        with contextlib.suppress(Exception):
            self.flush_drafts()
        super()._handle_exception(error)

    def hang_up(self, signum: int) -> None:
        """Keep what was typed, free the journal, and exit without waiting on the terminal."""
        if self.hung_up:
            return
        self.hung_up = True
        with contextlib.suppress(Exception):
            self.flush_drafts()
        with contextlib.suppress(Exception):
            self.workbook.store.close()
        # Restoring a terminal that is gone can block: never wait more than a moment.
        timer = threading.Timer(1.0, os._exit, args=(128 + signum,))
        timer.daemon = True
        timer.start()
        self.exit(return_code=128 + signum)

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
