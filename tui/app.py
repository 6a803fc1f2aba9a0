"""The failforward App, and the one factory that builds it for the CLI and the tests.

The app starts on an open journal, on an :class:`~tui.opening.Opening`: a
journal still to be opened, for which it first asks (tui/opening.py), or on a
:class:`~tui.opening.Glimpse`: home drawn from the glance the last session
left (tui/overview.py), the journal read right after that first frame.

Why one module of about 750 lines: each section below is the app's side of
one of Textual's ``App`` hooks (``on_mount``, ``check_action``, ``on_event``,
``deliver_screenshot``, ``panic``, ``get_system_commands``, ``on_unmount``) and
they share the app's state (``leaving``, ``hung_up``, ``last_input``, the open
workbook): split into mixins they would reach that state through ``self``
with no type to check it. What keeps to itself lives elsewhere: opening the
journal in tui/opening.py, keys typed ahead delivered in order in
tui/typeahead.py (a mixin with state of its own), the safety notice's text in
tui/content/notices.py, the screens under screens/. The sections: before the journal opens; what
opening found; below the minimum size; the garbage collector in pauses in
typing; the screenshot; a dropped connection (drafts and hang-up); the safety
note; a journal whose folder went away; navigation and the palette's commands.
"""

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
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.driver import Driver
from textual.screen import Screen

from tui.locations import content_folders
from tui.locations import data_dir as default_data_dir
from tui.opening import ChaptersChanged, Glimpse, Opening, glimpse_journal, open_journal
from tui.typeahead import KeysInOrder

if TYPE_CHECKING:
    from screens.unlock import Opened
    from tui.content import Chapter
    from tui.workbook import Workbook

IDLE_BEFORE_FULL_GC = 1.5  # seconds without a key before Python's full garbage collection may run
FULL_GC_DUE = 10  # younger collections since the last full one (Python's own default)
FULL_GC_OVERDUE = 1000  # after this many, collect even while keys keep coming
FULL_GC_GROWTH = 250_000  # or once this many more memory blocks (about 16 MB) are in use, keys or not
KEY_BAR_FRAMES = 5  # frames the journal's reading waits at most for the key bar to show (see _open_glimpse)


# Dialogs' and form fields' rules: none of them is on home, so a start drawn from home's glance reads
# them after its first frame (about 2 ms of parsing), before any screen that has them (_read_forms_css).
FORMS_CSS = Path(__file__).parent / "forms.tcss"

EXIT_ERROR = 1  # as the command line's: the journal could not be opened
EXIT_PASSPHRASE = 4  # as the command line's: the passphrase was wrong


class WorkbookApp(KeysInOrder, App[None]):
    """A guide beside a reflection form, with everything saved as you type."""

    # The home screen's own rules are read with the app's: a screen's CSS_PATH read when the
    # screen is first shown makes Textual parse every rule of the app again (about 5 ms of the
    # first screen). The home screen still names home.tcss: Textual sees it is already read.
    CSS_PATH = ["app.tcss", "../screens/home.tcss"]
    TITLE = "failforward"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f1", "help", "Help"),
        Binding("f2", "go('journal')", "Journal", show=False),
        Binding("f3", "go('search')", "Search", show=False),
        Binding("f4", "go('progress')", "Progress", show=False),
    ]

    def __init__(
        self, workbook: Workbook | Opening | Glimpse, remember_theme: bool = True, content_key: str | None = None
    ) -> None:
        """``content_key``: the digest of the chapter files the chapters were loaded from (home's glance is
        keyed to it, tui/overview.py); a Glimpse gives its own when it is opened."""
        super().__init__()
        self._workbook = None if isinstance(workbook, (Opening, Glimpse)) else workbook
        self.opening = workbook if isinstance(workbook, Opening) else None
        self.glimpse = workbook if isinstance(workbook, Glimpse) else None  # read after the first frame
        self.open_failed: Exception | None = None  # why the glimpsed journal could not be read
        self.content_key = content_key
        self.hung_up = False
        self.exit_note: str | None = None  # printed after the app has left the screen (where the work went)
        self.leaving = False  # quitting or hanging up: no more dialogs
        self.safety_shown = False  # the "workbook, not therapy" note after a rating of 9 or more: once a session
        self._safety: str | None = None
        self.last_key_time: float | None = None
        self.remember_theme = remember_theme
        self.last_input = time.monotonic()
        self._gc_threshold: tuple[int, int, int] | None = None
        self._blocks_after_gc = sys.getallocatedblocks()
        if remember_theme:
            from tui.settings import load_settings

            theme = load_settings().get("theme")
            if isinstance(theme, str) and theme in self.available_themes:
                self.theme = theme

    @property
    def workbook(self) -> Workbook:
        """The journal; the screens that show it come only once it is open."""
        if self._workbook is None:
            raise RuntimeError("the journal is not open yet")
        return self._workbook

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

    @property
    def journal_open(self) -> bool:
        return self._workbook is not None

    def get_default_screen(self) -> Screen:
        """The home screen when the journal is already open, as the first screen Textual shows.

        Pushed on mount over Textual's blank default screen instead, it would be
        composed after Textual's own start-up, and a terminal would show its
        first frame only once that start-up is done: the frame after, one
        re-layout later, is what people saw.
        """
        if self._workbook is not None or self.glimpse is not None:
            from screens.home import HomeScreen

            return HomeScreen(self.glimpse.glance if self.glimpse else None)
        return super().get_default_screen()

    def on_mount(self) -> None:
        if self.glimpse is None:  # another screen than home may come first: its rules now
            self._read_forms_css()
        if self._workbook is not None:
            self._show_journal()
        elif self.glimpse is not None:
            self.keys_wait = True  # typed before the journal is read: delivered, in order, once it is
            self.call_after_refresh(self._open_glimpse)
        else:
            self._ask()
        self._fit_to(self.size)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self._defer_full_collections()
        if not self.is_headless:
            self._watch_terminal()
        if not gc.isenabled():  # the command line turns it off until the first frame (tui/cli/run.py)
            self.call_after_refresh(gc.enable)

    def _read_forms_css(self) -> None:
        """Add the rules of dialogs and form fields (tui/forms.tcss) to the app's, once.

        No node shown yet matches them (home has neither), so nothing is
        styled again: the screens that have them are styled with them.
        """
        path = str(FORMS_CSS)
        if not self.stylesheet.has_source(path):
            self.stylesheet.add_source(FORMS_CSS.read_text(encoding="utf-8"), read_from=(path, ""))

    # -- before the journal opens: its passphrase, or how a new one starts ------------

    def _open_glimpse(self, frames: int = 0) -> None:
        """Read the journal home was drawn from the glance of (tui/overview.py), then let the keys typed since go.

        Textual's key bar fills in a frame or two after the rest of the screen:
        a journal whose reading takes longer than that (``Glimpse.slow``) is
        read once the bar shows, so that the bar does not wait for the reading;
        a small one is read at once, and the bar comes right after.
        """
        from screens.home import HomeScreen
        from tui.workbook import StoreError

        self._read_forms_css()  # after the first frame, before opening the journal can show a dialog
        homes = [screen for screen in self.screen_stack if isinstance(screen, HomeScreen)]
        glimpse = self.glimpse
        assert glimpse is not None
        if glimpse.slow and frames < KEY_BAR_FRAMES and homes and not homes[0].keys_shown:
            self.call_after_refresh(self._open_glimpse, frames + 1)
            return
        try:
            workbook, self.content_key = glimpse.open()
        except (StoreError, ChaptersChanged) as exc:  # changed since the glance was checked: the command line says why
            self.open_failed = exc
            self.exit(return_code=EXIT_ERROR)
            return
        self._opened(workbook)
        for home in homes:  # under "make the window bigger", if the window is too small
            home.journal_opened()
        self.keys_go()

    def _ask(self) -> None:
        """Show what the Opening needs: the passphrase, the first start's choice, or a new passphrase."""
        from screens.unlock import FirstStartScreen, NewPassphraseScreen, UnlockScreen

        opening = self.opening
        assert opening is not None
        if opening.mode == "unlock":
            self.push_screen(UnlockScreen(opening.folder, opening.unlock), self._opened)
        elif opening.mode == "new":
            self.push_screen(
                NewPassphraseScreen(opening.folder, opening.start_encrypted, can_go_back=False), self._opened
            )
        else:
            self.push_screen(FirstStartScreen(opening.folder), self._chosen)

    def _chosen(self, choice: str | None) -> None:
        from screens.unlock import NewPassphraseScreen, Refused

        opening = self.opening
        assert opening is not None
        if choice == "encrypted":
            self.push_screen(NewPassphraseScreen(opening.folder, opening.start_encrypted), self._opened)
            return
        from tui.workbook import StoreError

        try:
            workbook = opening.start_plain()
        except StoreError as exc:
            self._opened(Refused(str(exc)))
            return
        self._opened(workbook)

    def _opened(self, result: Opened | None) -> None:
        """The journal is open (show it), could not be (leave, saying why), or None: back to the first choice."""
        from screens.unlock import Refused

        if result is None:
            self._ask()
        elif isinstance(result, Refused):
            self.exit_note = result.message
            self.exit(return_code=EXIT_PASSPHRASE if result.wrong_passphrase else EXIT_ERROR)
        else:
            self._workbook = result
            self._show_journal()

    def _show_journal(self) -> None:
        """The home screen, then what opening the journal found (damage, recovered saves, conflict copies)."""
        from screens.home import HomeScreen

        # A home of its own unless home is showing: under "make the window bigger" at the start, the first
        # home stays below. Popping the cover back to Textual's first screen can make Textual resize that
        # screen back and forth for ever (seen at 40x10 to 80x24, tests/test_snapshots.py::test_too_small).
        if not isinstance(self.screen, HomeScreen):
            self.push_screen(HomeScreen())
        self._fit_to(self.size)
        # The journal and the app's own objects live as long as the app: keep the
        # garbage collector from walking them again and again (long pauses at 10k).
        gc.freeze()
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
        self._tell_about_conflict_copies()

    def _tell_about_conflict_copies(self) -> None:
        """Say what the conflict copies a sync tool left beside the journal brought in, and where they went."""
        report = self.workbook.open_report
        merged = report.merged_copies
        if merged:
            n = len(merged)
            copies = "copy" if n == 1 else "copies"
            text = f"Your sync tool left {n} conflicting {copies} of the journal, now merged in. "
            text += " ".join(f"{copy.name}: {copy.summary}." for copy in merged)
            moved = [copy.moved_to for copy in merged if copy.moved_to is not None]
            if moved:
                text += f" Merged copies are kept in {moved[0].parent}."
            if len(moved) < n:
                text += " A copy that could not be moved is merged again next time, which changes nothing more."
            self.notify(
                text,
                title="Sync conflict merged: nothing was lost",
                severity="warning" if any(copy.conflicts for copy in merged) else "information",
                timeout=60,
            )
        for copy in report.unmerged_copies:
            self.notify(
                f"{copy.path} was not merged: {copy.reason}. It stays where it is; nothing was deleted.",
                title="Sync conflict copy not merged",
                severity="warning",
                timeout=60,
            )

    # -- below the minimum size, one line instead of a broken layout ----------------

    def on_resize(self, event: events.Resize) -> None:
        self._fit_to(event.size)

    def _fit_to(self, size: Any) -> None:
        """Cover the screens with "make the window bigger" while it is too small; uncover them after."""
        from screens.too_small import ROOMY_WIDTH, TooSmallScreen, too_small

        self.set_class(size.width < ROOMY_WIDTH, "-tight")  # app.tcss: the footer makes room for every key
        showing = isinstance(self.screen, TooSmallScreen)
        if too_small(size) and not showing:
            self.push_screen(TooSmallScreen())
        elif showing and not too_small(size):
            self.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the window is too small, only quitting works: nothing acts on a screen nobody can see."""
        from screens.too_small import TooSmallScreen

        if not self.screen_stack:
            return True
        if action != "quit" and isinstance(self.screen, TooSmallScreen):
            return False
        if action in ("help", "go") and self._workbook is None and self.glimpse is None:
            return False  # the passphrase first: no screen of the journal before it is open
        if action == "go" and parameters and f"screens.{parameters[0]}" in sys.modules:
            # A section's screen can be showing only once its module is imported: the footer asks
            # about every key as the first screen is drawn, and must not import the sections then.
            target = self._section(str(parameters[0]))
            if target is not None and isinstance(self.screen, target):
                return False  # already there: F2 on the journal is not offered
        return True

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
            if isinstance(event, events.Key):
                self.last_key_time = event.time  # when it arrived: confirmations ignore keys sent with the request
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

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """The palette's "Screenshot": an SVG of the screen in the journal's ``screenshots`` folder.

        Textual's own delivery writes to ~/Downloads (failing where there is
        none, as on most servers) with the umask's mode, 0644: the screen
        shows the person's answers. Here the folder is made 0700 and the file
        written 0600; a journal in memory saves to the current folder. The
        notice is plain text (this app never reads notifications as markup).

        An encrypted journal's screen is not saved at all: an SVG is plain
        text, and it would hold the person's words beside a journal that
        promises none are readable without the passphrase (the notice says so).
        """
        from tui.output import OutputError, write_file
        from tui.workbook import StoreError

        if self._workbook is None or self._workbook.encrypted:
            why = (
                "This journal is encrypted, and a screenshot would hold your words in plain text: none was saved."
                if self._workbook is not None or (self.opening is not None and self.opening.mode == "unlock")
                else "The journal is not open yet: no screenshot was saved."
            )
            self.notify(why, title="Screenshot not saved", severity="warning", timeout=10)
            return None
        try:
            if path:
                folder = Path(path).expanduser()
            elif self.workbook.folder is not None:
                folder = self.workbook.private_folder("screenshots")
            else:
                folder = Path.cwd()
            stamp = self.workbook.clock().strftime(time_format or "%Y%m%d-%H%M%S")
            target = folder / (filename or f"failforward-{stamp}.svg")
            n = 1
            while target.exists() and not filename:
                n += 1
                target = folder / f"failforward-{stamp}-{n}.svg"
            write_file(target, self.export_screenshot().encode("utf-8"))
        except (StoreError, OutputError) as exc:
            self.notify(str(exc), title="Screenshot not saved", severity="error", timeout=10)
            return None
        self.notify(f"Saved to {target} (only you can read it).", title="Screenshot")
        return str(target)

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
        self.hung_up = self.leaving = True
        with contextlib.suppress(Exception):
            self.keep_lost_journal()
        with contextlib.suppress(Exception):
            self.flush_drafts()
        if self._workbook is not None:
            with contextlib.suppress(Exception):
                self._workbook.close()
        # Restoring a terminal that is gone can block: never wait more than a moment.
        timer = threading.Timer(1.0, os._exit, args=(128 + signum,))
        timer.daemon = True
        timer.start()
        self.exit(return_code=128 + signum)

    def flush_drafts(self) -> None:
        """Write what is typed on any open chapter or dialog as a draft."""
        from screens.base import KeepsDraft

        for screen in self.screen_stack:
            if isinstance(screen, KeepsDraft):
                screen.write_draft()

    # -- a workbook, not therapy ---------------------------------------------------

    def safety_text(self) -> str:
        """The "workbook, not therapy" note as plain text (from content's ``_safety.md``), or ""."""
        if self._safety is None:
            from tui.content import plain_notice
            from tui.locations import shipped_content_dir

            # The shipped notice, or the one beside the chapters, which wins.
            folders = [shipped_content_dir(), *dict.fromkeys(c.path.parent for c in self.workbook.chapters)]
            self._safety = plain_notice(folders, "safety")
        return self._safety

    def rating_saved(self, distressing: bool) -> None:
        """After a rating is saved: a high one shows the safety note, once a session, without blocking anything."""
        if not distressing or self.safety_shown:
            return
        text = self.safety_text()
        if not text:
            return
        self.safety_shown = True
        self.notify(text, title="A workbook, not therapy", timeout=45)

    # -- a journal whose folder went away ---------------------------------------

    def save_failed(self, exc: Exception, title: str = "Not saved") -> None:
        """Say that a save failed and that the text is still on screen; offer a way out if the folder is gone."""
        from tui.workbook import JournalLost

        self.notify(f"{exc}. Your text is still here.", title=title, severity="error", timeout=15)
        if isinstance(exc, JournalLost):
            self.offer_rescue()

    def offer_rescue(self) -> None:
        """Ask where to write the journal whose folder went away (once at a time)."""
        from screens.dialogs.rescue import RescueDialog

        if self.leaving or any(isinstance(screen, RescueDialog) for screen in self.screen_stack):
            return
        lost = self.workbook.lost or "the journal's folder is gone"
        original = self.workbook.folder or Path.home() / "failforward"

        def rescued(path: Path | None) -> None:
            if path is not None:
                self.notify(f"Everything is saved in {path.parent}.", title="Journal safe again", timeout=15)

        self.push_screen(RescueDialog(lost, original), rescued)

    def keep_lost_journal(self) -> None:
        """Before leaving: a journal whose folder went away is written whole somewhere, and the exit says where."""
        if self._workbook is None:
            return
        lost = self.workbook.lost or self.workbook.check_journal()
        if lost is None:
            return
        from tui.workbook import StoreError

        try:
            path = self.workbook.rescue()
        except StoreError as exc:
            self.exit_note = f"the journal's folder went away ({lost}) and {exc}"
            return
        self.exit_note = (
            f"the journal's folder went away ({lost.removeprefix('not saved: ')}); "
            f"everything this session held was written to {path}"
        )

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
            self.leaving = True
            self.keep_lost_journal()  # first, so the drafts below land in the journal's new place
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

    @staticmethod
    def _section(section: str) -> type[Screen] | None:
        """The screen of a section (journal, search, progress); None for home. Imports only that one."""
        if section == "journal":
            from screens.journal import JournalScreen

            return JournalScreen
        if section == "search":
            from screens.search import SearchScreen

            return SearchScreen
        if section == "progress":
            from screens.progress import ProgressScreen

            return ProgressScreen
        return None

    def action_go(self, section: str) -> None:
        """Show a section (home, journal, search, progress) from anywhere."""
        target = self._section(section)
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

        setback = self.workbook.setback(setback_id)
        if setback is None:
            return

        def done(rating: int | None) -> None:
            if rating is None:
                return
            self.notify(f"Recorded {rating} for “{setback.title}”.", title="Check-in")
            if then is not None:
                then()

        self.push_screen(CheckInDialog(setback_id, setback.title), done)

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

    def action_empty_trash(self) -> None:
        """Delete for good what is in the trash, after a confirmation."""
        from screens.dialogs.confirm import ConfirmDialog
        from screens.home import HomeScreen
        from tui.workbook import SaveError

        trash = self.workbook.trash()
        if not trash:
            self.notify("The trash is empty.")
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                count = self.workbook.empty_trash()
            except SaveError as exc:
                self.save_failed(exc, title="Trash not emptied")
                return
            self.notify(f"Deleted {count} setback{'s' if count != 1 else ''} for good.", title="Trash emptied")
            if isinstance(self.screen, HomeScreen):
                self.screen.refresh_lists()
                self.screen.refresh_bindings()

        names = ", ".join(f"“{t.title}”" for t in trash[:3]) + (" and more" if len(trash) > 3 else "")
        question = f"Delete {names} for good? This cannot be undone."
        self.push_screen(ConfirmDialog(question, yes="Delete for good"), answered)

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
        """Every action of the workbook, in the command palette (Textual's own only, until the journal is open)."""
        from screens.home import HomeScreen

        if self._workbook is None:
            yield from super().get_system_commands(screen)
            return
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
            "Delete setback", "Move the selected setback and its answers to the trash (d)", on_home("delete_setback")
        )
        yield SystemCommand("Undo delete", "Bring back the setback deleted last (z)", on_home("undo_delete"))
        yield SystemCommand("Trash", "Bring back a deleted setback (t)", on_home("open_trash"))
        yield SystemCommand("Empty the trash", "Delete for good what is in the trash", self.action_empty_trash)
        yield from super().get_system_commands(screen)

    def on_unmount(self) -> None:
        if self._gc_threshold is not None:
            gc.set_threshold(*self._gc_threshold)
        if self._note_full_collection in gc.callbacks:
            gc.callbacks.remove(self._note_full_collection)
        with contextlib.suppress(Exception):
            self.keep_lost_journal()
        if self._workbook is not None:
            self._workbook.close()


def make_app(
    data_dir: str | os.PathLike[str] | None = None,
    content_dir: str | os.PathLike[str] | None = None,
    *,
    chapters: Sequence[Chapter] | None = None,
    clock: Callable[[], dt.datetime] | None = None,
    workbook: Workbook | None = None,
    remember_theme: bool = True,
    passphrase: Callable[[], str] | None = None,
    first_start: bool = False,
    encrypt: bool = False,
    glimpse: bool = False,
) -> WorkbookApp:
    """Build the app on a journal folder and a content folder (or on a workbook already open).

    An encrypted journal opens with ``passphrase`` if given, else the app
    asks for it first. ``first_start`` (the command line's way; the tests'
    default is a plain journal straight away) makes a folder without a
    journal start with the choice of a plain or an encrypted one;
    ``encrypt``, with a new passphrase; ``glimpse`` (the command line's way)
    draws home from the glance the last session left, when it fits, before
    loading the chapters of ``content_dir`` and reading the journal
    (tui/opening.py, ``glimpse_journal``: ``chapters`` is not used then). Raises ``ContentError`` for a bad
    chapter and ``StoreError`` for a journal that cannot be opened; both
    carry a one-line message.
    """
    if workbook is None:
        folders = content_folders(content_dir)
        folder = default_data_dir(data_dir)
        if glimpse and not encrypt:
            seen = glimpse_journal(folder, folders, clock)
            if seen is not None:
                return WorkbookApp(seen, remember_theme=remember_theme)
        content_key = None
        if chapters is None:
            from tui.content import load_checked

            result = load_checked(folders)
            chapters, content_key = result.chapters, result.digest
        opened = open_journal(folder, chapters, clock, passphrase=passphrase, first_start=first_start, encrypt=encrypt)
        return WorkbookApp(opened, remember_theme=remember_theme, content_key=content_key)
    return WorkbookApp(workbook, remember_theme=remember_theme)
