"""A journal still to be opened: what the app asks before it shows one.

:func:`open_journal` opens the journal in a folder, or, when something has to
be asked first (an encrypted journal's passphrase, or on a first start whether
the journal is to be encrypted), returns an :class:`Opening` that the app's
unlock and first-start screens (screens/unlock.py) call once they have the
answer. While it asks, the journal's lock is not held (it is taken only long
enough to learn that the journal is encrypted and not in use) and nothing in
the folder changes: a wrong passphrase changes nothing. Nothing here imports
Textual.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from tui.locations import DB_FILE
from tui.overview import Glance, load_glance
from tui.store import FolderLock, PassphraseNeeded, StoreError

if TYPE_CHECKING:
    from tui.content import Chapter
    from tui.workbook import Workbook

__all__ = ["Clock", "Glimpse", "Opening", "StoreError", "open_journal"]

SLOW_READING = 1_000_000  # bytes of journal.json: more takes over a frame to read and check against its glance

Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class Opening:
    """A journal the app opens once it has asked: "unlock" (its passphrase), "choose" (a first start) or "new".

    "new" starts an encrypted journal straight away (``failforward --encrypt``).
    """

    folder: Path
    chapters: Sequence[Chapter]
    mode: Literal["unlock", "choose", "new"]
    clock: Clock | None = None

    def _clock(self) -> tuple[Clock, ...]:
        return (self.clock,) if self.clock else ()

    def unlock(self, passphrase: str) -> Workbook:
        """The encrypted journal, opened with ``passphrase``; raises WrongPassphrase (nothing changed), StoreError."""
        return _workbook().open(self.folder, self.chapters, *self._clock(), passphrase=lambda: passphrase)

    def start_plain(self) -> Workbook:
        """A first start's plain journal; raises StoreError."""
        return _workbook().open(self.folder, self.chapters, *self._clock())

    def start_encrypted(self, passphrase: str) -> Workbook:
        """A first start's journal, encrypted with ``passphrase`` from its first byte; raises StoreError."""
        return _workbook().create(self.folder, self.chapters, *self._clock(), passphrase=passphrase)


@dataclass(frozen=True)
class Glimpse:
    """A plain journal just as the last session left it: home is drawn from its glance, then it is opened.

    Its lock is already held (a second session is turned away before any
    screen); :meth:`open` reads it, :meth:`release` lets it go unread.
    """

    folder: Path
    chapters: Sequence[Chapter]
    glance: Glance
    hold: FolderLock
    clock: Clock | None = None

    @property
    def slow(self) -> bool:
        """Whether reading the journal takes longer than a frame or two (about 500 reflections and more)."""
        try:
            return (self.folder / DB_FILE).stat().st_size > SLOW_READING
        except OSError:
            return False

    def open(self) -> Workbook:
        """The journal, opened with the lock held; raises StoreError (and the lock is let go)."""
        try:
            return _workbook().open(self.folder, self.chapters, *((self.clock,) if self.clock else ()), hold=self.hold)
        except BaseException:
            self.hold.release()
            raise

    def release(self) -> None:
        self.hold.release()


def open_journal(
    folder: Path,
    chapters: Sequence[Chapter],
    clock: Clock | None = None,
    *,
    passphrase: Callable[[], str] | None = None,
    first_start: bool = False,
    encrypt: bool = False,
    glimpse: bool = False,
) -> Workbook | Opening | Glimpse:
    """The journal in ``folder`` opened, or what the app must ask first to open it.

    Without ``passphrase``, an encrypted journal is an :class:`Opening` to
    unlock (found out before anything is read or changed: the lock is taken
    and let go again). With ``first_start`` a folder without a journal is an
    Opening to choose plain or encrypted; with ``encrypt``, to make it
    encrypted (the folder is made, and checked to be writable, first).
    With ``glimpse``, a journal just as the last session left it, with a
    glance kept (tui/overview.py), is a :class:`Glimpse`: its lock taken,
    its reading left to the app, after its first frame.
    Raises StoreError (a wrong passphrase, a journal in use, a read-only folder...).
    """
    if glimpse and not encrypt:  # a glance is kept only for a journal that is there (tui/overview.py)
        glance = load_glance(folder, chapters, (clock or dt.datetime.now)().date())
        if glance is not None:
            hold = FolderLock(Path(folder))
            hold.acquire()
            return Glimpse(folder, chapters, glance, hold, clock)
    workbook = _workbook()
    if (first_start or encrypt) and not workbook.has_journal(folder):
        workbook.prepare_folder(folder)  # a folder that cannot be written is said now, not after the questions
        return Opening(folder, chapters, "new" if encrypt else "choose", clock)
    try:
        return workbook.open(folder, chapters, *((clock,) if clock else ()), passphrase=passphrase)
    except PassphraseNeeded:
        if passphrase is not None:
            raise
        return Opening(folder, chapters, "unlock", clock)


def _workbook() -> type[Workbook]:
    """The Workbook, imported when a journal is opened: a start drawn from the glance draws before it needs it."""
    from tui.workbook import Workbook

    return Workbook
