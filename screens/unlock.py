"""Before the journal opens: its passphrase, or on a first start, how the journal begins.

No journal is open while these screens show, so they never touch one: each
is given what to call to open it (a function the app builds, see
:class:`tui.opening.Opening`) and dismisses with the opened
:class:`~tui.workbook.Workbook`, or with :class:`Refused` saying why the app
has to end. Making the key from a passphrase takes about half a second (a
second to start a new encrypted journal, which measures this machine first):
it runs in a worker thread, with a line saying so, and the keys wait.

* :class:`UnlockScreen`: the passphrase in a masked field; three wrong tries
  end the app with a message. A wrong passphrase changes nothing on disk.
* :class:`FirstStartScreen`: a plain journal (``enter``: the usual path, one
  key) or an encrypted one (``e``).
* :class:`NewPassphraseScreen`: a new passphrase, typed twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Input, Label, Static

from screens.base import FocusInView, Host, ResultType
from tui.workbook import StoreError, Workbook, WrongPassphrase

MAX_TRIES = 3


@dataclass(frozen=True)
class Refused:
    """Why the journal could not be opened; the app ends with this message."""

    message: str
    wrong_passphrase: bool = False


Opened = Workbook | Refused


class _Start(FocusInView[ResultType]):
    """A screen of its own before the journal opens: a box in the middle, the keys at the bottom."""

    CSS_PATH = "unlock.tcss"
    busy = False

    def status(self, text: str) -> None:
        self.query_one("#start-status", Static).update(text)

    def after_typing(self, then: Callable[[], object]) -> None:
        """Run ``then`` once the keys typed before enter are in the field (enter, a priority key, comes first)."""
        cast(Host, self.app).after_typing(then)

    def _finished(self, result: ResultType) -> None:
        """From the worker thread: the journal opened, or could not be (never awaited: see Textual issue 5596).

        The window may have become too small meanwhile: the app's cover over
        this screen goes first (dismissing takes the top screen away), and
        the app puts it back over whatever it shows next.
        """
        if not self.is_active:
            self.pop_until_active()
        self.dismiss(result)


class UnlockScreen(_Start[Opened]):
    """The passphrase of an encrypted journal, in a masked field; three tries."""

    BINDINGS = [Binding("enter", "unlock", "Unlock", priority=True)]

    def __init__(self, folder: Path, unlock: Callable[[str], Workbook]) -> None:
        super().__init__(classes="start-screen")
        self.folder = folder
        self.unlock = unlock
        self.tries = 0

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="start-box", can_focus=False):
            yield Label("failforward", classes="start-title")
            yield Static("This journal is encrypted. Type its passphrase, then press enter.")
            yield Static(str(self.folder), classes="start-note")
            yield Input(password=True, placeholder="passphrase", id="passphrase")
            yield Static("", id="start-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#passphrase", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "unlock" and self.busy)

    def action_unlock(self) -> None:
        self.after_typing(self._unlock_now)

    def _unlock_now(self) -> None:
        if self.busy:
            return
        field = self.query_one("#passphrase", Input)
        if not field.value:
            self.status("Type the passphrase first.")
            return
        self.busy = True
        field.disabled = True
        self.status("Unlocking…")
        self.refresh_bindings()
        passphrase, field.value = field.value, ""
        self._attempt(passphrase)

    @work(thread=True, exclusive=True, group="unlock", exit_on_error=False)
    def _attempt(self, passphrase: str) -> None:
        try:
            workbook = self.unlock(passphrase)
        except WrongPassphrase:
            self.app.call_from_thread(self._wrong)
        except StoreError as exc:
            self.app.call_from_thread(self._finished, Refused(str(exc)))
        else:
            try:
                self.app.call_from_thread(self._finished, workbook)
            except Exception:  # the app ended meanwhile: let the journal go
                workbook.close()
                raise

    def _wrong(self) -> None:
        self.tries += 1
        left = MAX_TRIES - self.tries
        if left <= 0:
            self.dismiss(Refused(f"wrong passphrase, {MAX_TRIES} times: nothing was changed", wrong_passphrase=True))
            return
        self.busy = False
        field = self.query_one("#passphrase", Input)
        field.disabled = False
        field.focus()
        self.status(f"Wrong passphrase. {left} {'tries' if left > 1 else 'try'} left.")
        self.refresh_bindings()


class FirstStartScreen(_Start[str]):
    """No journal yet: a plain one (enter, dismissed with "plain") or an encrypted one (e, "encrypted")."""

    BINDINGS = [
        Binding("enter", "choose('plain')", "Start"),
        Binding("e", "choose('encrypted')", "Encrypt"),
    ]
    AUTO_FOCUS = None

    def __init__(self, folder: Path) -> None:
        super().__init__(classes="start-screen")
        self.folder = folder

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="start-box", can_focus=False):
            yield Label("failforward", classes="start-title")
            yield Static(
                f"Your journal will be kept in {self.folder}, in files only you can read. Press enter to start."
            )
            yield Static(
                "Or press e to encrypt it with a passphrase: then no one who gets hold of the files "
                "(a backup, a lost laptop, an administrator) can read them. A forgotten passphrase "
                "cannot be recovered.",
                classes="start-note",
            )
            yield Static("", id="start-status")
        yield Footer(compact=True)

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


class NewPassphraseScreen(_Start[Opened | None]):
    """A new journal's passphrase, typed twice; the journal is made encrypted from its first byte (None: back)."""

    BINDINGS = [
        Binding("enter", "create", "Encrypt", priority=True),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, folder: Path, create: Callable[[str], Workbook], can_go_back: bool = True) -> None:
        super().__init__(classes="start-screen")
        self.folder = folder
        self.create = create
        self.can_go_back = can_go_back

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="start-box", can_focus=False):
            yield Label("failforward", classes="start-title")
            yield Static(
                "A new encrypted journal. Choose a passphrase: a few words are easier to remember "
                "and harder to guess than one word. A forgotten passphrase cannot be recovered."
            )
            yield Static(str(self.folder), classes="start-note")
            yield Input(password=True, placeholder="new passphrase", id="first")
            yield Input(password=True, placeholder="the same again", id="second")
            yield Static("", id="start-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#first", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.can_go_back and not self.busy
        return not (action == "create" and self.busy)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_create(self) -> None:
        first, second = self.query_one("#first", Input), self.query_one("#second", Input)
        if self.focused is first:
            self.set_focus(second)  # now, not later: the keys typed after enter are the second field's, even in a burst
            return
        self.after_typing(self._create_now)

    def _create_now(self) -> None:
        if self.busy:
            return
        first, second = self.query_one("#first", Input), self.query_one("#second", Input)
        if not first.value:
            first.focus()
            self.status("Type a passphrase.")
            return
        if first.value != second.value:
            first.value = second.value = ""
            first.focus()
            self.status("The two passphrases differ: type them again.")
            return
        passphrase = first.value
        first.value = second.value = ""
        first.disabled = second.disabled = True
        self.busy = True
        self.status("Encrypting… (making the key takes a second)")
        self.refresh_bindings()
        self._create(passphrase)

    @work(thread=True, exclusive=True, group="unlock", exit_on_error=False)
    def _create(self, passphrase: str) -> None:
        try:
            workbook = self.create(passphrase)
        except StoreError as exc:
            self.app.call_from_thread(self._finished, Refused(str(exc)))
        else:
            try:
                self.app.call_from_thread(self._finished, workbook)
            except Exception:
                workbook.close()
                raise
