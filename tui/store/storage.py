"""TinyDB's storage for the journal: the data in memory, every change written durably.

:class:`DurableStorage` appends each save to the log and now and then writes
the whole journal file; :class:`MemoryStorage` is the same interface without
files (tests, read-only copies). :class:`JournalDB` is TinyDB with a table that
changes one shallow copy of a stored table instead of converting it twice.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import MemoryStorage as _TinyMemoryStorage
from tinydb.storages import Storage
from tinydb.table import Table

from tui.locations import LOG_FILE
from tui.store import disk
from tui.store.disk import BASE_KEY, PLAIN, Codec, Loaded, read_journal_files
from tui.store.errors import JournalLost, SaveError
from tui.store.private import reason, write_all, write_private


class DurableStorage(Storage):
    """A TinyDB storage that keeps the data in memory and writes it durably.

    A change whose records were named with :meth:`touch` is appended to the log;
    any other change (a table dropped, a restore, a migration) writes the whole
    journal file, as does a log grown past its limit. Every byte goes through
    ``codec``: plain, or sealed with the journal's key.
    """

    def __init__(self, path: Path, loaded: Loaded | None = None, codec: Codec = PLAIN) -> None:
        self.path = Path(path)
        self.codec = codec
        self.log_path = self.path.with_name(LOG_FILE)
        self._batch = 0
        self._dirty = False
        self.writes = 0
        self.compactions = 0
        self._touched: dict[str, set[str]] = {}
        self._log_fd = -1
        self._log_size: int | None = None  # bytes in a log this session started; None: no usable log
        self._log_saves = 0  # saves in the log that journal.json does not have yet
        self._log_lines = 0  # records in the log this session started (the next one's place)
        self._log_broken = False  # a failed append: the log is not trusted again, the next save compacts
        self._closed = False
        self.lost: str | None = None  # why the journal on disk is no longer ours (JournalLost), if it is not
        self._set_state(loaded)
        self._folder_id = _identity(self.path.parent)
        self._journal_id = _identity(self.path)

    def _set_state(self, loaded: Loaded | None) -> None:
        self._data: dict[str, Any] | None = None if loaded is None else loaded.data
        self._token = None if loaded is None else loaded.token
        self._base_size = 0 if loaded is None else len(loaded.raw)
        self._log_saves = 0 if loaded is None or loaded.log != "current" else loaded.saves
        self._flushed: dict[str, Any] = dict(self._data or {})
        self._touched = {}
        self._close_log()
        self._log_size = None  # a log found on disk is never appended to: the next save compacts it away
        if loaded is not None and loaded.log != "none":
            self._log_broken = True

    @property
    def pending_saves(self) -> int:
        """Saves held in the log only, which the next compaction writes into journal.json."""
        return self._log_saves

    def read(self) -> dict[str, Any] | None:
        if self._data is None:
            loaded = read_journal_files(self.path, self.codec)
            if loaded is None and self._journal_id is not None:
                # The journal this session opened is gone: never carry on as if it were empty.
                self.lost = f"not saved: the journal file {self.path} is gone"
                raise JournalLost(self.lost)
            self._set_state(loaded)
        return self._data

    # -- is the journal on disk still the one this session opened? ---------------

    def _identity_problem(self) -> str | None:
        """Why the folder or files are no longer the ones opened (deleted, moved, replaced, unmounted), or None."""
        folder = self.path.parent
        try:
            found = _identity(folder, missing_ok=False)
        except FileNotFoundError:
            return f"the journal folder {folder} is gone (deleted, moved or unmounted)"
        except OSError as exc:
            return f"the journal folder {folder} cannot be reached ({reason(exc)})"
        if found != self._folder_id:
            return f"the journal folder {folder} was replaced (moved away, or another folder put in its place)"
        if self._journal_id is not None:
            current = _identity(self.path)
            if current is None:
                return f"the journal file {self.path} was deleted"
            if current != self._journal_id:
                return f"the journal file {self.path} was replaced by another program"
        if self._log_fd >= 0:
            try:
                if os.fstat(self._log_fd).st_nlink == 0:
                    return f"the log of recent saves {self.log_path} was deleted"
            except OSError as exc:
                return f"the log of recent saves {self.log_path} cannot be reached ({reason(exc)})"
        return None

    def _check_identity(self) -> None:
        """Raise JournalLost (and remember why) when the journal on disk is no longer the one opened."""
        if self.lost is None:
            problem = self._identity_problem()
            if problem is not None:
                self.lost = f"not saved: {problem}"
        if self.lost is not None:
            raise JournalLost(self.lost)

    def move_to(self, path: Path) -> None:
        """Write the whole journal held in memory to ``path`` and carry on there (after JournalLost).

        Raises SaveError; the session then stays where it was.
        """
        before = (self.path, self.log_path, self.lost, self._folder_id, self._journal_id, self._token)
        self.path = Path(path)
        self.log_path = self.path.with_name(LOG_FILE)
        self.lost = None
        self._folder_id = _identity(self.path.parent)
        self._journal_id = None
        self._close_log()
        try:
            self._compact()
        except SaveError:
            self.path, self.log_path, self.lost, self._folder_id, self._journal_id, self._token = before
            raise
        self.writes += 1

    def touch(self, table: str, doc_ids: list[int] | list[str]) -> None:
        """Name the records of ``table`` the change under way writes (so only they are saved)."""
        self._touched.setdefault(table, set()).update(str(i) for i in doc_ids)

    def write(self, data: dict[str, Any]) -> None:
        self._data = data
        if self._batch:
            self._dirty = True
            return
        self._flush()

    def _flush(self) -> None:
        data = self._data
        assert data is not None
        self._check_open()
        self._check_identity()
        changed = [name for name, table in data.items() if self._flushed.get(name) is not table]
        dropped = [name for name in self._flushed if name not in data]
        touched, self._touched = self._touched, {}
        with self._reload_on_failure():
            if (
                dropped
                or self._token is None
                or self._log_broken
                or any(name not in touched for name in changed)
                or (self._log_size or 0) > max(disk.LOG_LIMIT_MIN, self._base_size // 2)
            ):
                self._compact()
            elif changed:
                self._append({name: {i: data[name].get(i) for i in touched[name]} for name in changed})
        self._flushed = dict(data)
        self.writes += 1

    def _append(self, changes: dict[str, dict[str, Any]]) -> None:
        if self._log_fd < 0:
            self._start_log()
        assert self._token is not None
        line = self.codec.log_line(changes, self._token, self._log_lines)
        start = self._log_size
        assert start is not None
        try:
            write_all(self._log_fd, line)
            os.fsync(self._log_fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(self._log_fd, start)
            self._log_broken = True  # never fsync again and call it saved: the next save rewrites the journal
            self._close_log()
            raise SaveError(f"not saved: {reason(exc)} ({self.log_path.name})") from exc
        self._log_size = start + len(line)
        self._log_lines += 1
        self._log_saves += 1

    def _start_log(self) -> None:
        assert self._token is not None
        header = self.codec.log_header(self._token)
        write_private(self.log_path, header)
        try:
            self._log_fd = os.open(self.log_path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0))
        except OSError as exc:
            raise SaveError(f"not saved: {reason(exc)} ({self.log_path.name})") from exc
        self._log_size = len(header)
        self._log_lines = 0

    def _close_log(self) -> None:
        if self._log_fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._log_fd)
            self._log_fd = -1

    def _check_open(self) -> None:
        if self._closed:  # e.g. a draft written as the app quits: the journal may belong to another session now
            self.reload()
            raise SaveError("not saved: the journal is closed")

    def compact(self) -> None:
        """Write the whole journal to journal.json; the log it continued is then spent."""
        self._check_open()
        self._check_identity()
        with self._reload_on_failure():
            self._compact()

    @contextlib.contextmanager
    def _reload_on_failure(self) -> Iterator[None]:
        """After a failed write, memory is made to match the files again, unless the files are gone.

        A journal that vanished mid-write (its folder deleted or unmounted) is
        never reloaded as empty: memory keeps everything, and JournalLost says why.
        """
        try:
            yield
        except JournalLost:
            raise
        except SaveError as exc:
            problem = self._identity_problem()
            if problem is not None:
                self.lost = f"not saved: {problem}"
                raise JournalLost(self.lost) from exc
            self.reload()
            raise

    def _compact(self) -> None:
        data = self.read()
        assert data is not None
        token = secrets.token_hex(8)
        payload = self.codec.encode({**data, BASE_KEY: {"1": {"token": token}}})
        write_private(self.path, payload)
        self._journal_id = _identity(self.path)  # the new file, put in place by this session
        # journal.json now holds every save; the old log names the old token and is never applied again.
        self._token = token
        self._base_size = len(payload)
        self._close_log()
        self._log_size = None
        self._log_saves = 0
        self._log_broken = False
        self._flushed = dict(data)
        self.compactions += 1
        with contextlib.suppress(OSError):
            os.unlink(self.log_path)

    def adopt(self, codec: Codec, token: str, size: int) -> None:
        """Carry on with the journal.json just put in place by someone else: ``codec``'s, ``size`` bytes, ``token``.

        For a change of passphrase (:mod:`tui.store.rekey`): the journal is the
        same, its file and its format are new; no log continues it yet.
        """
        self.codec = codec
        self._token = token
        self._journal_id = _identity(self.path)
        self._base_size = size
        self._close_log()
        self._log_size = None
        self._log_saves = 0
        self._log_broken = False
        self._flushed = dict(self._data or {})
        self.writes += 1

    def replace_all(self, data: dict[str, Any]) -> None:
        """Make ``data`` the whole journal, written at once (the log is started afresh)."""
        self._check_open()
        self._check_identity()
        self._data = data
        self._touched = {}
        with self._reload_on_failure():
            self._compact()
        self.writes += 1

    def reload(self) -> None:
        """Forget the in-memory state; the next read comes from disk (never once the journal is lost)."""
        if self.lost is not None:
            self._touched = {}
            return
        self._data = None
        self._touched = {}
        self._close_log()
        self._log_size = None
        # After a failed save the log on disk is not trusted: the next save writes the journal whole.
        self._log_broken = True

    def close(self) -> None:
        """Fold the log into journal.json (when it holds saves) and let go of it; later writes fail.

        A lost journal is left alone: nothing is written where it used to be.
        """
        if self._closed:
            return
        if self.lost is not None or self._identity_problem() is not None:
            self._closed = True
            self._close_log()
            return
        try:
            if self._data is None:  # nothing read since a failed save: see what the files hold now
                try:
                    self.read()
                except (OSError, ValueError):
                    return  # leave them as they are
            if self._log_saves:
                self._compact()
            else:
                with contextlib.suppress(OSError):
                    os.unlink(self.log_path)  # empty, or spent
        finally:
            self._closed = True
            self._close_log()

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Group several changes into one durable write at the end."""
        self._batch += 1
        try:
            yield
        except BaseException:
            self._batch -= 1
            if not self._batch and self._dirty:
                self._dirty = False
                self.reload()
            raise
        self._batch -= 1
        if not self._batch and self._dirty:
            self._dirty = False
            self._flush()


def _identity(path: Path, missing_ok: bool = True) -> tuple[int, int] | None:
    """(device, inode) of ``path``: what stays the same while it is the same file or folder."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if missing_ok:
            return None
        raise
    return (info.st_dev, info.st_ino)


class MemoryStorage(_TinyMemoryStorage):
    """TinyDB's memory storage with the same ``batch`` and ``touch`` as the durable one."""

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        yield

    def touch(self, table: str, doc_ids: list[int] | list[str]) -> None:
        pass


class _IdKeyed(MutableMapping[int, Any]):
    """A stored table (string ids, as in the file) seen with integer ids, as TinyDB's updaters expect."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    def __getitem__(self, doc_id: int) -> Any:
        return self.raw[str(doc_id)]

    def __setitem__(self, doc_id: int, doc: Any) -> None:
        self.raw[str(doc_id)] = doc

    def __delitem__(self, doc_id: int) -> None:
        del self.raw[str(doc_id)]

    def __contains__(self, doc_id: object) -> bool:
        return str(doc_id) in self.raw

    def __iter__(self) -> Iterator[int]:
        return (int(doc_id) for doc_id in self.raw)

    def __len__(self) -> int:
        return len(self.raw)

    def clear(self) -> None:
        self.raw.clear()


class _Table(Table):
    """TinyDB's table, changed in place of being converted twice.

    TinyDB copies a table into a dict keyed by integer ids before every change
    and back into one keyed by strings after it: two passes over every record,
    about 6 ms at 10,000 reflections. Here the change works on one shallow copy
    of the stored table through :class:`_IdKeyed`. The table is still a new
    dict after each change, which is how the storage tells changed tables from
    the others.
    """

    def _update_table(self, updater: Callable[[Any], None]) -> None:
        tables = self._storage.read() or {}
        raw = dict(tables.get(self.name, {}))
        updater(_IdKeyed(raw))
        tables[self.name] = raw
        self._storage.write(tables)
        self.clear_cache()


class JournalDB(TinyDB):
    table_class = _Table
