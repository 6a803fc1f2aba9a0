"""A journal still to be opened: what the app asks before it shows one.

:func:`open_journal` opens the journal in a folder, or, when something has to
be asked first (an encrypted journal's passphrase, or on a first start whether
the journal is to be encrypted), returns an :class:`Opening` that the app's
unlock and first-start screens (screens/unlock.py) call once they have the
answer. While it asks, the journal's lock is not held (it is taken only long
enough to learn that the journal is encrypted and not in use) and nothing in
the folder changes: a wrong passphrase changes nothing.

:func:`glimpse_journal` comes first at a start: when home's glance
(tui/overview.py) stands for the journal and the chapter files as the last
session left them, it takes the lock and returns a :class:`Glimpse`, which
the app draws home from, then opens after that first frame. Before it, only
the lock's and the glance's modules are loaded: the chapter loader and the
Workbook are imported when the Glimpse or a journal is opened. Nothing here
imports Textual.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from tui.locations import DB_FILE
from tui.overview import Glance, load_glance
from tui.sources import content_digest
from tui.store import FolderLock, PassphraseNeeded, StoreError

if TYPE_CHECKING:
    from tui.content import Chapter
    from tui.workbook import Workbook

__all__ = ["ChaptersChanged", "Clock", "Glimpse", "Opening", "StoreError", "glimpse_journal", "open_journal"]

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


class ChaptersChanged(Exception):
    """The chapter files changed between a glanced start's first frame and its reading, and now have errors."""

    def __init__(self, errors: Sequence[Exception]) -> None:
        super().__init__("the chapter files changed as failforward started")
        self.errors = list(errors)


@dataclass(frozen=True)
class Glimpse:
    """A plain journal just as the last session left it: home is drawn from its glance, then it is opened.

    Its lock is already held (a second session is turned away before any
    screen); :meth:`open` loads the chapters from ``content`` (the content
    folders) and reads the journal, :meth:`release` lets it go unread.
    """

    folder: Path
    content: Sequence[Path]
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

    def open(self) -> tuple[Workbook, str]:
        """The journal, opened with the lock held, and the digest of the chapter files it was opened with.

        Raises StoreError, or ChaptersChanged when the chapter files no
        longer load (changed since the glance was checked); the lock is let
        go either way.
        """
        from tui.content import load_folders

        try:
            result = load_folders(self.content)
            failures = result.failures(self.content)
            if failures:
                raise ChaptersChanged(failures)
            clock = (self.clock,) if self.clock else ()
            return _workbook().open(self.folder, result.chapters, *clock, hold=self.hold), result.digest
        except BaseException:
            self.hold.release()
            raise

    def release(self) -> None:
        self.hold.release()


def glimpse_journal(folder: Path, content: Sequence[Path], clock: Clock | None = None) -> Glimpse | None:
    """The journal in ``folder`` as a :class:`Glimpse` when home's glance stands for it, its lock taken; else None.

    The glance stands when the journal's files, the chapter files in the
    ``content`` folders (their texts: tui/sources.py), the day and the
    version are as the last session left them: the chapters are then known
    to load without an error, and are loaded after the first frame with
    the journal. Raises StoreError (the journal in use, a lock that cannot
    be taken).
    """
    content_key = content_digest(content)
    if content_key is None:
        return None
    glance = load_glance(folder, content_key, (clock or dt.datetime.now)().date())
    if glance is None:
        return None
    return Glimpse(folder, tuple(content), glance, FolderLock.take(Path(folder)), clock)


def open_journal(
    folder: Path,
    chapters: Sequence[Chapter],
    clock: Clock | None = None,
    *,
    passphrase: Callable[[], str] | None = None,
    first_start: bool = False,
    encrypt: bool = False,
) -> Workbook | Opening:
    """The journal in ``folder`` opened, or what the app must ask first to open it.

    Without ``passphrase``, an encrypted journal is an :class:`Opening` to
    unlock (found out before anything is read or changed: the lock is taken
    and let go again). With ``first_start`` a folder without a journal is an
    Opening to choose plain or encrypted; with ``encrypt``, to make it
    encrypted (the folder is made, and checked to be writable, first).
    (A journal with a glance is opened by :func:`glimpse_journal` first.)
    Raises StoreError (a wrong passphrase, a journal in use, a read-only folder...).
    """
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
