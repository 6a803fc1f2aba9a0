"""One writer per journal: a lock kept on this machine, never in the data folder.

The lock is an flock (filelock) on a file in the machine's state directory,
named after the journal folder's real path (:func:`tui.locations.lock_file`),
with a note beside it saying who holds it. An flock is released by the
system when its process ends and never reaches across machines, and since
nothing of it lives in the data folder, a sync tool (git, Syncthing) never
copies a lock: nothing another host left behind can block a session here.

Earlier versions kept ``journal.lock`` and ``journal.lock.owner`` inside the
data folder. Such a file left there is removed on opening, unless a session
of such a version on this machine still holds it: then the journal is busy,
as it would be for a current session.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from pathlib import Path

from filelock import FileLock, Timeout

from tui.locations import LEGACY_LOCK_FILE, STATE_ENV, lock_file
from tui.store.errors import JournalLocked, SaveError, StoreError
from tui.store.private import check_private_file, ensure_private_dir, reason, write_private

OWNER_SUFFIX = ".owner"


class FolderLock:
    """The lock of the journal in ``folder`` (held from :meth:`acquire` to :meth:`release`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = lock_file(self.folder)
        self.owner_path = self.path.with_name(self.path.name + OWNER_SUFFIX)
        self._lock: FileLock | None = None

    @classmethod
    def take(cls, folder: Path) -> FolderLock:
        """The lock of the journal in ``folder``, taken now (to open the journal a moment later with it).

        Raises :class:`JournalLocked` when another session has it, else
        StoreError; ``release()`` lets it go unused.
        """
        lock = cls(folder)
        lock.acquire()
        return lock

    @property
    def held(self) -> bool:
        return self._lock is not None

    def acquire(self) -> None:
        """Take the lock; raises :class:`JournalLocked` when another session holds it, else StoreError."""
        try:
            ensure_private_dir(self.path.parent)
        except StoreError as exc:
            why = reason(exc.__cause__) if isinstance(exc.__cause__, OSError) else str(exc)
            raise StoreError(
                f"cannot keep the journal's lock in {self.path.parent}: {why} "
                f"(set {STATE_ENV} to a folder you can write)"
            ) from exc
        check_private_file(self.path)
        retire_legacy_lock(self.folder)
        lock = FileLock(self.path, timeout=0, mode=0o600)
        try:
            lock.acquire()
        except Timeout:
            raise JournalLocked(
                f"this journal is open in another failforward session ({owner(self.owner_path)}); "
                "close that one first, or choose another journal with --data-dir"
            ) from None
        except OSError as exc:
            raise StoreError(f"cannot lock the journal in {self.folder}: {reason(exc)} ({self.path})") from exc
        self._lock = lock
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": time.strftime("%Y-%m-%d %H:%M"),
            "folder": str(self.folder),
        }
        with contextlib.suppress(OSError, SaveError):  # who holds it, for a second session's message: not flushed
            write_private(self.owner_path, json.dumps(info).encode(), durable=False)

    def release(self) -> None:
        if self._lock is None:
            return
        with contextlib.suppress(OSError):
            self.owner_path.unlink()
        self._lock.release()
        self._lock = None


def owner(owner_path: Path) -> str:
    """Who holds a lock, from the note beside it."""
    try:
        info = json.loads(owner_path.read_text())
        return f"pid {info['pid']} on {info['host']}, since {info['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "owner unknown"


def retire_legacy_lock(folder: Path) -> None:
    """Remove the lock file and owner note an earlier version kept in the data folder.

    Raises :class:`JournalLocked` while a session of that version on this
    machine holds it. A copy a sync tool brought from another machine is held
    by no one here, and goes.
    """
    old = folder / LEGACY_LOCK_FILE
    note = folder / (LEGACY_LOCK_FILE + OWNER_SUFFIX)
    if old.is_file() and not old.is_symlink():
        lock = FileLock(old, timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise JournalLocked(
                f"this journal is open in another failforward session, of an earlier version ({owner(note)}); "
                "close that one first"
            ) from None
        except OSError:
            return  # cannot even be opened (a read-only folder): it locks nothing, leave it
        try:
            for path in (old, note):
                with contextlib.suppress(OSError):
                    path.unlink()
        finally:
            lock.release()
    elif note.is_file() and not note.is_symlink():
        with contextlib.suppress(OSError):
            note.unlink()
