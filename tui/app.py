"""The failforward App, and the one factory that builds it for the CLI and the tests."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.driver import Driver
from textual.screen import Screen

from tui.content import Chapter, load_chapters
from tui.locations import content_folders
from tui.locations import data_dir as default_data_dir
from tui.workbook import Workbook

IDLE_BEFORE_FULL_GC = 1.5  # seconds without a key before Python's full garbage collection may run
FULL_GC_DUE = 10  # younger collections since the last full one (Python's own default)
FULL_GC_OVERDUE = 1000  # after this many, collect even while keys keep coming
FULL_GC_GROWTH = 250_000  # or once this many more memory blocks (about 16 MB) are in use, keys or not


class WorkbookApp(App[None]):
    """A guide beside a reflection form, with everything saved as you type."""

    CSS_PATH = "app.tcss"
    TITLE = "failforward"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f1", "help", "Help"),
        Binding("f2", "go('journal')", "Journal", show=False),
        Binding("f3", "go('search')", "Search", show=False),
        Binding("f4", "go('progress')", "Progress", show=False),
    ]

    def __init__(self, workbook: Workbook, remember_theme: bool = True) -> None:
        super().__init__()
        self.workbook = workbook
        self.hung_up = False
        self.remember_theme = remember_theme
        self.last_input = time.monotonic()
        self._gc_threshold: tuple[int, int, int] | None = None
        self._blocks_after_gc = sys.getallocatedblocks()
        if remember_theme:
            from tui.settings import load_settings

            theme = load_settings().get("theme")
            if isinstance(theme, str) and theme in self.available_themes:
                self.theme = theme

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this platform, with pastes read as text in a Linux or macOS terminal.

        Textual's own parser replays an ESC inside a bracketed paste as key
        presses (tui/terminal.py says why and what upstream would need). A
        driver named in TEXTUAL_DRIVER, and the headless driver of tests, stay.
        """
        driver = super().get_driver_class()
        if sys.platform != "win32" and not os.environ.get("TEXTUAL_DRIVER"):
            from textual.drivers.linux_driver import LinuxDriver

            if driver is LinuxDriver:
                from tui.terminal import PasteSafeDriver

                return PasteSafeDriver
        return driver

    def on_mount(self) -> None:
        from screens.home import HomeScreen

        self.push_screen(HomeScreen())
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        # The journal and the app's own objects live as long as the app: keep the
        # garbage collector from walking them again and again (long pauses at 10k).
        gc.freeze()
        self._defer_full_collections()
        if not self.is_headless:
            self._watch_terminal()
        report = self.workbook.open_report
        if report.quarantined is not None:
            backup = report.newest_backup
            offer = (
                f" The newest backup is {backup}: ctrl+p, then 'Restore backup', puts it back."
                if backup
                else " There is no backup to restore."
            )
            self.notify(
                f"The journal file could not be read ({report.quarantine_reason}) and was moved to "
                f"{report.quarantined}.{offer}",
                title="Journal damaged: nothing was deleted",
                severity="error",
                timeout=60,
            )
        if report.damaged_log is not None:
            self.notify(
                "The log of recent saves was damaged part way. The saves before the damage are in the journal; "
                f"a copy of the whole log is in {report.damaged_log}.",
                title="Journal log damaged: nothing was deleted",
                severity="error",
                timeout=60,
            )

    # -- typing never waits for the garbage collector ------------------------------

    def _defer_full_collections(self) -> None:
        """Run Python's full garbage collections in pauses in typing, not between two keys.

        A full collection walks every object the app holds (Textual's render
        caches, the journal's read caches): 30-60 ms at 10,000 reflections, a
        visible stall when it lands mid-word. Python's own trigger is turned
        off while the app runs; a timer runs the collection once the keyboard
        has been idle a moment and enough has changed to make it worth it.

        Typing without a pause must not grow memory without end either:
        Textual's rendered lines keep themselves in their own caches, so
        every key leaves a little garbage that only a full collection frees
        (a 20,000-key answer typed in one go grew the process by hundreds of
        MB). So a collection also runs, keys or not, once the memory in use
        has grown by ``FULL_GC_GROWTH`` blocks since the last one.
        """
        self._gc_threshold = gc.get_threshold()
        young, middle, _ = self._gc_threshold
        gc.set_threshold(young, middle, 1 << 30)
        self._blocks_after_gc = sys.getallocatedblocks()
        gc.callbacks.append(self._note_full_collection)
        self.set_interval(0.5, self.collect_when_idle, name="idle garbage collection")

    def _note_full_collection(self, phase: str, info: dict[str, int]) -> None:
        """Memory grows from what is in use after the last full collection, whoever ran it."""
        if phase == "stop" and info.get("generation") == 2:
            self._blocks_after_gc = sys.getallocatedblocks()

    def collect_when_idle(self) -> bool:
        """Run a full collection if one is due and the keyboard is idle; True if it ran."""
        due = gc.get_count()[2]
        idle = time.monotonic() - self.last_input >= IDLE_BEFORE_FULL_GC
        grown = sys.getallocatedblocks() - self._blocks_after_gc >= FULL_GC_GROWTH
        if (due >= FULL_GC_DUE and idle) or due >= FULL_GC_OVERDUE or grown:
            gc.collect()  # _note_full_collection takes the new measure
            return True
        return False

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.InputEvent, events.Paste)):
            self.last_input = time.monotonic()
        await super().on_event(event)

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
            self.workbook.close()
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

    def after_typing(self, callback: Callable[[], Any]) -> None:
        """Run ``callback`` once the keys already sent to the focused widget are applied.

        Priority keys (ctrl+q, ctrl+s, ...) are handled as soon as they arrive,
        while the keys typed just before them still wait in the focused
        widget's queue: over a slow link both often come in one burst.
        """
        target = self.focused
        if target is None:
            callback()
        else:
            target.call_later(callback)

    async def action_quit(self) -> None:
        def quit_now() -> None:
            self.flush_drafts()
            self.exit()

        self.after_typing(quit_now)

    # -- navigation ------------------------------------------------------------

    def action_help(self) -> None:
        from screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def _pop_to_home(self) -> None:
        """Keep what was typed, then close every screen above home."""
        from screens.home import HomeScreen

        self.flush_drafts()
        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def action_go(self, section: str) -> None:
        """Show a section (home, journal, search, progress) from anywhere."""
        from screens.journal import JournalScreen
        from screens.progress import ProgressScreen
        from screens.search import SearchScreen

        screens = {"journal": JournalScreen, "search": SearchScreen, "progress": ProgressScreen}
        target = screens.get(section)
        if target is not None and isinstance(self.screen, target):
            return
        self._pop_to_home()
        if target is not None:
            self.push_screen(target())

    def open_chapter(self, setback_id: int, chapter_id: str, field_id: str | None = None) -> None:
        """Open a chapter over the current section, replacing any open chapter."""
        from screens.chapter import ChapterScreen

        self.flush_drafts()
        while isinstance(self.screen, ChapterScreen):
            self.pop_screen()
        self.push_screen(ChapterScreen(setback_id, chapter_id, focus_field=field_id))

    def check_in(self, setback_id: int, then: Callable[[], None] | None = None) -> None:
        """Ask how a setback feels now and record it."""
        from screens.dialogs.checkin import CheckInDialog
        from tui.workbook import SaveError

        setback = self.workbook.setback(setback_id)
        if setback is None:
            return

        def done(rating: int | None) -> None:
            if rating is None:
                return
            try:
                self.workbook.check_in(setback_id, rating)
            except (SaveError, ValueError) as exc:
                self.notify(str(exc), title="Check-in not saved", severity="error", timeout=10)
                return
            self.notify(f"Recorded {rating} for “{setback.title}”.", title="Check-in")
            if then is not None:
                then()

        self.push_screen(CheckInDialog(setback.title), done)

    def action_export(self) -> None:
        from screens.dialogs.transfer import ExportDialog

        stamp = self.workbook.clock().strftime("%Y%m%d")
        self.push_screen(ExportDialog(Path.home() / f"failforward-export-{stamp}.md"))

    def action_restore(self) -> None:
        """Offer the newest backup in place of the journal (after a confirmation)."""
        from screens.dialogs.confirm import ConfirmDialog
        from screens.home import HomeScreen
        from tui.workbook import StoreError

        backup = self.workbook.newest_backup()
        if backup is None:
            self.notify("There is no backup yet.", severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.workbook.restore(backup)
            except StoreError as exc:
                self.notify(str(exc), title="Not restored", severity="error", timeout=15)
                return
            self.notify(f"Restored {backup.name}. The journal as it was is kept among the backups.", title="Restored")
            self._pop_to_home()
            if isinstance(self.screen, HomeScreen):
                self.screen.refresh_lists()

        question = (
            f"Put the backup {backup.name} in place of the journal? What the journal holds now is backed up first."
        )
        self.push_screen(ConfirmDialog(question, yes="Restore"), answered)

    def action_import(self) -> None:
        from screens.dialogs.transfer import ImportDialog

        self.push_screen(ImportDialog(Path.home() / "failforward-export.json"))

    def _remember_theme(self, theme: Any) -> None:
        if not self.remember_theme:
            return
        from tui.settings import save_setting

        problem = save_setting("theme", theme.name)
        if problem:
            self.notify(problem, title="Theme not remembered", severity="warning")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action of the workbook, in the command palette."""
        from screens.home import HomeScreen

        yield SystemCommand("Home", "Setbacks and chapters (escape)", lambda: self.action_go("home"))
        yield SystemCommand("Journal", "Every reflection by date (F2)", lambda: self.action_go("journal"))
        yield SystemCommand("Search", "Full text over your answers (F3)", lambda: self.action_go("search"))
        yield SystemCommand(
            "Progress", "Chapters done per setback, feelings over time (F4)", lambda: self.action_go("progress")
        )
        yield SystemCommand("Help", "Every key of this screen (F1)", self.action_help)
        yield SystemCommand("Export journal", "Write everything to a Markdown or JSON file", self.action_export)
        yield SystemCommand("Restore backup", "Put the newest backup in place of the journal", self.action_restore)
        yield SystemCommand("Import journal", "Add a JSON export to this journal", self.action_import)

        def on_home(action: str) -> Callable[[], None]:
            def run() -> None:
                self._pop_to_home()
                home = self.screen
                if isinstance(home, HomeScreen):
                    self.call_later(getattr(home, f"action_{action}"))

            return run

        yield SystemCommand("New setback", "Name a new setback (n on the home screen)", on_home("new_setback"))
        yield SystemCommand("Continue", "Where you left off (c on the home screen)", on_home("continue"))
        yield SystemCommand("Check in", "Rate how the selected setback feels now (k)", on_home("check_in"))
        yield SystemCommand("Edit setback", "Change the selected setback (e)", on_home("edit_setback"))
        yield SystemCommand(
            "Archive setback", "Hide the selected setback from the lists (a)", on_home("archive_setback")
        )
        yield SystemCommand("Bring back a setback", "Unarchive a setback (u)", on_home("unarchive_setback"))
        yield SystemCommand(
            "Delete setback", "Delete the selected setback and its answers (d)", on_home("delete_setback")
        )
        yield from super().get_system_commands(screen)

    def on_unmount(self) -> None:
        if self._gc_threshold is not None:
            gc.set_threshold(*self._gc_threshold)
        if self._note_full_collection in gc.callbacks:
            gc.callbacks.remove(self._note_full_collection)
        self.workbook.close()


def make_app(
    data_dir: str | os.PathLike[str] | None = None,
    content_dir: str | os.PathLike[str] | None = None,
    *,
    chapters: Sequence[Chapter] | None = None,
    clock: Callable[[], dt.datetime] | None = None,
    workbook: Workbook | None = None,
    remember_theme: bool = True,
) -> WorkbookApp:
    """Build the app on a journal folder and a content folder (or on a workbook already open).

    Raises ``ContentError`` for a bad chapter and ``StoreError`` for a journal
    that cannot be opened; both carry a one-line message.
    """
    if workbook is None:
        if chapters is None:
            chapters = load_chapters(content_folders(content_dir))
        folder = default_data_dir(data_dir)
        workbook = Workbook.open(folder, chapters, clock) if clock else Workbook.open(folder, chapters)
    return WorkbookApp(workbook, remember_theme=remember_theme)
