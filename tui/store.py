"""Persistence: TinyDB on a storage that never loses an acknowledged save.

* :class:`DurableStorage` keeps the parsed journal in memory (this process is
  the only writer). A save appends the records it changed to ``journal.log``
  and fsyncs it, so it costs the size of the change, not of the journal. Now
  and then (when the log grows large, on close, after a change that names no
  records) the whole journal is written to ``journal.json``: serialized
  completely, written to a temp file created 0600 with O_EXCL in the same
  folder, fsynced, renamed over the journal, and the folder fsynced. A failure
  at any step leaves both files as they were (a half-written log line is cut
  off again) and raises :class:`SaveError`; the in-memory state is then
  reloaded from disk so memory and files never disagree.
* :class:`Store` opens a journal folder: private permissions, one writer (a
  lock file), leftover temp files removed, saves left in the log by a session
  that ended without closing folded in, a rolling backup, a damaged file moved
  aside rather than reset, and the schema version with its migrations.

Serialization lives in :func:`encode`, :func:`decode` and the log's line
format alone. Nothing here imports Textual.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import secrets
import socket
import stat
import threading
import time
import zlib
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import orjson
from filelock import FileLock, Timeout
from tinydb import TinyDB
from tinydb.storages import MemoryStorage, Storage
from tinydb.table import Table

from tui.locations import BACKUP_DIR, DB_FILE, LOCK_FILE, LOG_FILE

SCHEMA_VERSION = 1
TABLES = ("setbacks", "reflections", "drafts", "actions", "checkins", "meta")
BACKUPS_KEPT = 5
TEMP_PREFIX = ".journal-"
TEMP_SUFFIX = ".tmp"


class StoreError(Exception):
    """A journal problem with a message meant for the person using the app."""


class SaveError(StoreError):
    """A write that did not reach the disk; the old journal file is unchanged."""


class JournalLocked(StoreError):
    """Another failforward session holds this journal."""


class JournalTooNew(StoreError):
    """The journal was written by a newer failforward."""


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(28, "No space left on device")
        view = view[written:]


def write_private(path: Path, payload: bytes | list[bytes]) -> None:
    """Write ``payload`` (bytes, or a list of pieces) to ``path`` atomically and durably, mode 0600.

    Raises :class:`SaveError`. On any failure ``path`` is left byte-identical
    to what it was (if the folder cannot be flushed after the rename, the old
    file is put back) and no temp file remains.
    """
    folder = path.parent
    stamp = f"{os.getpid()}-{time.monotonic_ns()}"
    tmp = folder / f"{TEMP_PREFIX}{stamp}{TEMP_SUFFIX}"
    previous = folder / f"{TEMP_PREFIX}prev-{stamp}{TEMP_SUFFIX}"
    fd = -1
    kept_previous = False
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        os.fchmod(fd, 0o600)
        for piece in [payload] if isinstance(payload, bytes) else payload:
            _write_all(fd, piece)
        os.fsync(fd)
        os.close(fd)
        fd = -1
        try:  # a second name for the old file, to put it back if the folder flush fails
            os.link(path, previous)
            kept_previous = True
        except OSError:
            kept_previous = False
        os.replace(tmp, path)
    except OSError as exc:
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
        for leftover in (tmp, previous) if kept_previous else (tmp,):
            with contextlib.suppress(OSError):
                os.unlink(leftover)
        raise SaveError(f"not saved: {_reason(exc)} ({path.name})") from exc
    try:
        _fsync_dir(folder)
    except OSError as exc:
        # The rename may not be durable: put the old file back, never claim success.
        if kept_previous:
            with contextlib.suppress(OSError):
                os.replace(previous, path)
        raise SaveError(f"not saved: could not flush the folder: {_reason(exc)}") from exc
    if kept_previous:
        with contextlib.suppress(OSError):
            os.unlink(previous)


def encode(data: dict[str, Any]) -> bytes:
    """The journal as bytes on disk."""
    return orjson.dumps(data)


def decode(raw: bytes) -> dict[str, Any]:
    """The journal from bytes on disk; raises ValueError when it is not a journal."""
    data = orjson.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("not a failforward journal (expected an object of tables)")
    for name, table in data.items():
        if not isinstance(table, dict) or not all(isinstance(doc, dict) for doc in table.values()):
            raise ValueError(f"not a failforward journal (table {name!r} is not a set of records)")
    return data


# -- the change log ----------------------------------------------------------
#
# journal.json is written whole only now and then ("compacted"). Each save in
# between appends one line to journal.log holding the records it changed, and
# fsyncs it: a save costs its own size, not the journal's. The log's first line
# names the journal file it continues (a token written into that file), so a log
# left behind by a crash between writing a new journal.json and starting a new
# log is recognised as already included and never applied twice.

LOG_MAGIC = b"failforward-log 1 "
LOG_LIMIT_MIN = 1 << 20  # compact when the log outgrows this, or half the journal file if larger


def _log_header(token: str) -> bytes:
    return LOG_MAGIC + token.encode("ascii") + b"\n"


def _log_line(changes: dict[str, dict[str, Any]]) -> bytes:
    body = orjson.dumps(changes)
    return b"%08x " % zlib.crc32(body) + body + b"\n"


def _parse_log_line(line: bytes) -> dict[str, dict[str, Any]] | None:
    """One record of the log, or None when the line is torn or damaged."""
    if len(line) < 10 or line[8:9] != b" ":
        return None
    body = line[9:]
    try:
        if int(line[:8], 16) != zlib.crc32(body):
            return None
        changes = orjson.loads(body)
    except ValueError:
        return None
    if not isinstance(changes, dict):
        return None
    for docs in changes.values():
        if not isinstance(docs, dict) or not all(doc is None or isinstance(doc, dict) for doc in docs.values()):
            return None
    return changes


def _apply(data: dict[str, Any], changes: dict[str, dict[str, Any]]) -> None:
    for name, docs in changes.items():
        table = data.setdefault(name, {})
        for doc_id, doc in docs.items():
            if doc is None:
                table.pop(doc_id, None)
            else:
                table[doc_id] = doc


@dataclass
class Loaded:
    """A journal as read from its folder: journal.json with the saves of journal.log on top."""

    data: dict[str, Any]
    raw: bytes  # journal.json as it is on disk
    token: str | None  # journal.json's name for itself, carried by the log that continues it
    log: str = "none"  # "none", "current" (it continues this journal.json) or "stale" (already included)
    saves: int = 0  # saves replayed from the log
    damaged_after: int | None = None  # a damaged record, with good ones after it, followed this many saves


BASE_KEY = "_base"  # journal.json's own entry: {"1": {"token": ...}}, not a table


def _split_token(data: dict[str, Any]) -> str | None:
    entry = data.pop(BASE_KEY, None)
    token = (entry or {}).get("1", {}).get("token") if isinstance(entry, dict) else None
    return token if isinstance(token, str) and token.isalnum() else None


def read_journal_files(path: Path) -> Loaded | None:
    """Read the journal at ``path`` and its log; None when there is no journal file.

    The log is read before the journal file: if a session writes a new journal
    file in between, the log no longer matches it and both are read again, so
    this never mixes two moments even while a session is saving. Raises
    OSError when a file cannot be read and ValueError when journal.json is not
    a journal.
    """
    log_path = path.with_name(LOG_FILE)
    loaded: Loaded | None = None
    for _ in range(5):
        try:
            log = log_path.read_bytes()
        except FileNotFoundError:
            log = None
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        data = decode(raw)
        token = _split_token(data)
        loaded = Loaded(data, raw, token)
        if log is None:
            return loaded
        header, _, body = log.partition(b"\n")
        if token is None or header + b"\n" != _log_header(token):
            loaded.log = "stale"
            # A session may have written journal.json between the two reads: look again if so.
            try:
                if path.read_bytes() == raw:
                    return loaded  # left by a crash after journal.json was written whole: already in it
            except FileNotFoundError:
                return None
            continue
        loaded.log = "current"
        lines = body.split(b"\n")
        for number, line in enumerate(lines[:-1]):  # the part after the last newline is a torn write
            changes = _parse_log_line(line)
            if changes is None:
                if any(_parse_log_line(later) is not None for later in lines[number + 1 : -1]):
                    loaded.damaged_after = loaded.saves
                break
            _apply(data, changes)
            loaded.saves += 1
        return loaded
    return loaded


class DurableStorage(Storage):
    """A TinyDB storage that keeps the data in memory and writes it durably.

    A change whose records were named with :meth:`touch` is appended to the log;
    any other change (a table dropped, a restore, a migration) writes the whole
    journal file, as does a log grown past its limit.
    """

    def __init__(self, path: Path, loaded: Loaded | None = None) -> None:
        self.path = Path(path)
        self.log_path = self.path.with_name(LOG_FILE)
        self._batch = 0
        self._dirty = False
        self.writes = 0
        self.compactions = 0
        self._touched: dict[str, set[str]] = {}
        self._log_fd = -1
        self._log_size: int | None = None  # bytes in a log this session started; None: no usable log
        self._log_saves = 0  # saves in the log that journal.json does not have yet
        self._log_broken = False  # a failed append: the log is not trusted again, the next save compacts
        self._closed = False
        self._set_state(loaded)

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
            self._set_state(read_journal_files(self.path))
        return self._data

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
        changed = [name for name, table in data.items() if self._flushed.get(name) is not table]
        dropped = [name for name in self._flushed if name not in data]
        touched, self._touched = self._touched, {}
        with self._reload_on_failure():
            if (
                dropped
                or self._token is None
                or self._log_broken
                or any(name not in touched for name in changed)
                or (self._log_size or 0) > max(LOG_LIMIT_MIN, self._base_size // 2)
            ):
                self._compact()
            elif changed:
                self._append({name: {i: data[name].get(i) for i in touched[name]} for name in changed})
        self._flushed = dict(data)
        self.writes += 1

    def _append(self, changes: dict[str, dict[str, Any]]) -> None:
        line = _log_line(changes)
        if self._log_fd < 0:
            self._start_log()
        start = self._log_size
        assert start is not None
        try:
            _write_all(self._log_fd, line)
            os.fsync(self._log_fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(self._log_fd, start)
            self._log_broken = True  # never fsync again and call it saved: the next save rewrites the journal
            self._close_log()
            raise SaveError(f"not saved: {_reason(exc)} ({self.log_path.name})") from exc
        self._log_size = start + len(line)
        self._log_saves += 1

    def _start_log(self) -> None:
        assert self._token is not None
        header = _log_header(self._token)
        write_private(self.log_path, header)
        try:
            self._log_fd = os.open(self.log_path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0))
        except OSError as exc:
            raise SaveError(f"not saved: {_reason(exc)} ({self.log_path.name})") from exc
        self._log_size = len(header)

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
        with self._reload_on_failure():
            self._compact()

    @contextlib.contextmanager
    def _reload_on_failure(self) -> Iterator[None]:
        try:
            yield
        except SaveError:
            self.reload()
            raise

    def _compact(self) -> None:
        data = self.read()
        assert data is not None
        token = secrets.token_hex(8)
        payload = encode({**data, BASE_KEY: {"1": {"token": token}}})
        write_private(self.path, payload)
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

    def replace_all(self, data: dict[str, Any]) -> None:
        """Make ``data`` the whole journal, written at once (the log is started afresh)."""
        self._check_open()
        self._data = data
        self._touched = {}
        with self._reload_on_failure():
            self._compact()
        self.writes += 1

    def reload(self) -> None:
        """Forget the in-memory state; the next read comes from disk."""
        self._data = None
        self._touched = {}
        self._close_log()
        self._log_size = None
        # After a failed save the log on disk is not trusted: the next save writes the journal whole.
        self._log_broken = True

    def close(self) -> None:
        """Fold the log into journal.json (when it holds saves) and let go of it; later writes fail."""
        if self._closed:
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


class _Memory(MemoryStorage):
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


class _TinyDB(TinyDB):
    table_class = _Table


@dataclass
class OpenReport:
    """What happened while opening a journal, for the app to tell the user."""

    quarantined: Path | None = None
    quarantine_reason: str = ""
    newest_backup: Path | None = None
    removed_temp_files: int = 0
    migrated_from: int | None = None
    recovered_saves: int = 0  # saves found in the log (a session that ended without closing) and kept
    damaged_log: Path | None = None  # a copy of a log damaged in the middle; the saves before the damage were kept


Migration = Callable[["Store"], None]
_Index = dict[tuple[Any, ...], list[dict[str, Any]]]
MIGRATIONS: dict[int, Migration] = {}  # version N -> function bringing N up to N+1


def _check_private_file(path: Path) -> None:
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        raise StoreError(f"refusing to open {path}: it is a symbolic link")
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(f"refusing to open {path}: it is not a regular file")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise StoreError(f"refusing to open {path}: it belongs to another user (uid {info.st_uid})")
    if stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(path, 0o600)


def ensure_private_dir(folder: Path) -> None:
    """Create ``folder`` (mode 0700 whatever the umask), or take away group and other access.

    Permissions the owner lacks are never added: a folder made read-only on
    purpose stays read-only, and writing to it fails with a clear message.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        mode = stat.S_IMODE(folder.stat().st_mode)
        if mode & 0o077:
            os.chmod(folder, mode & 0o700)
    except OSError as exc:
        raise StoreError(f"cannot use the data folder {folder}: {_reason(exc)}") from exc


def _locked(method: Callable[..., Any]) -> Callable[..., Any]:
    """Run a Store method holding the store's lock (drafts are written from a worker thread)."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return method(self, *args, **kwargs)

    return wrapper


def _changing(method: Callable[..., Any]) -> Callable[..., Any]:
    """A Store method that changes a table (its first argument, or all for none): locked, caches dropped."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            try:
                return method(self, *args, **kwargs)
            finally:
                self._changed(args[0] if args and isinstance(args[0], str) else None)

    return wrapper


class Store:
    """A journal: TinyDB tables on durable storage, or in memory for tests.

    Thread-safe: every access holds ``lock`` (re-entrant), and ``batch`` holds
    it for the whole group of changes.
    """

    def __init__(
        self, folder: Path | None, *, clock: Callable[[], float] = time.time, data: dict[str, Any] | None = None
    ) -> None:
        """Open the journal in ``folder``, or an in-memory one (holding a copy of ``data``) for None."""
        self.lock = threading.RLock()
        self.version = 0  # counts changes to any table
        self._versions: dict[str, int] = {}  # counts changes per table; the read caches are per table version
        self._doc_cache: dict[str, tuple[int, list[dict[str, Any]]]] = {}
        self._index_cache: dict[
            tuple[str, tuple[str, ...]], tuple[int, dict[tuple[Any, ...], list[dict[str, Any]]]]
        ] = {}
        self.folder = folder
        self.clock = clock
        self.report = OpenReport()
        self._file_lock: FileLock | None = None
        if folder is None:
            self._storage: DurableStorage | _Memory = _Memory()
            if data is not None:
                self._storage.write(data)
            self.db = _TinyDB(storage=lambda: self._storage)
        else:
            self._open_folder(Path(folder))
        self._migrate()

    # -- opening ---------------------------------------------------------

    @property
    def path(self) -> Path | None:
        return None if self.folder is None else Path(self.folder) / DB_FILE

    def _open_folder(self, folder: Path) -> None:
        ensure_private_dir(folder)
        self._acquire_lock(folder)
        try:
            path = folder / DB_FILE
            _check_private_file(path)
            _check_private_file(folder / LOG_FILE)
            self.report.removed_temp_files = self._remove_temp_files(folder)
            loaded = self._load(path)
            self._storage = DurableStorage(path, loaded)
            on_disk = None if loaded is None else loaded.raw
            if self._storage.pending_saves:
                self.report.recovered_saves = self._storage.pending_saves
                on_disk = None  # journal.json is about to change: the backup reads it again
                with contextlib.suppress(SaveError):  # kept in the log until a save can write them whole
                    self._storage.compact()
            self._backup(path, on_disk)
            self.db = _TinyDB(storage=lambda: self._storage)
        except BaseException:
            self.close()
            raise

    def _acquire_lock(self, folder: Path) -> None:
        lock_path = folder / LOCK_FILE
        owner_path = folder / (LOCK_FILE + ".owner")
        _check_private_file(lock_path)
        lock = FileLock(lock_path, timeout=0, mode=0o600)
        try:
            lock.acquire()
        except Timeout:
            raise JournalLocked(
                f"this journal is open in another failforward session ({self._owner(owner_path)}); "
                "close that one first, or choose another journal with --data-dir"
            ) from None
        except OSError as exc:
            raise StoreError(
                f"cannot open the journal in {folder}: {_reason(exc)} (is the folder writable by you?)"
            ) from exc
        self._file_lock = lock
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": time.strftime("%Y-%m-%d %H:%M"),
        }
        with contextlib.suppress(OSError, SaveError):
            write_private(owner_path, json.dumps(info).encode())

    @staticmethod
    def _owner(owner_path: Path) -> str:
        try:
            info = json.loads(owner_path.read_text())
            return f"pid {info['pid']} on {info['host']}, since {info['since']}"
        except (OSError, ValueError, KeyError, TypeError):
            return "owner unknown"

    @staticmethod
    def _remove_temp_files(folder: Path) -> int:
        removed = 0
        for tmp in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
            with contextlib.suppress(OSError):
                tmp.unlink()
                removed += 1
        return removed

    def _load(self, path: Path) -> Loaded | None:
        try:
            loaded = read_journal_files(path)
        except OSError as exc:
            raise StoreError(f"cannot read the journal {path}: {_reason(exc)}") from exc
        except ValueError as exc:
            self._quarantine(path, str(exc).splitlines()[0] if str(exc) else "unreadable")
            return None
        if loaded is not None and loaded.damaged_after is not None:
            # Keep a copy of the whole log before the saves that could be read are written into the journal.
            log = path.with_name(LOG_FILE)
            target = self._aside(log)
            try:
                write_private(target, log.read_bytes())
            except (OSError, SaveError) as exc:
                reason = f"the log of recent saves {log} is damaged and could not be copied aside: {exc}"
                raise StoreError(reason) from exc
            self.report.damaged_log = target
        return loaded

    def _aside(self, path: Path) -> Path:
        """A new name beside ``path`` for a damaged file, with the time."""
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(self.clock()))
        target = path.with_name(f"{path.name}.damaged-{stamp}")
        n = 1
        while target.exists():
            n += 1
            target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
        return target

    def _quarantine(self, path: Path, reason: str) -> None:
        target = self._aside(path)
        try:
            os.replace(path, target)
        except OSError as exc:
            raise StoreError(
                f"the journal {path} is damaged ({reason}) and could not be moved aside: {_reason(exc)}"
            ) from exc
        log = path.with_name(LOG_FILE)
        if log.exists():  # saves made on top of the damaged file go with it
            with contextlib.suppress(OSError):
                os.replace(log, self._aside(log))
        self.report.quarantined = target
        self.report.quarantine_reason = reason
        self.report.newest_backup = self.newest_backup()

    def backups(self) -> list[Path]:
        """Rolling backups, oldest first."""
        if self.folder is None:
            return []
        return sorted((Path(self.folder) / BACKUP_DIR).glob("journal-*.json"))

    def newest_backup(self) -> Path | None:
        found = self.backups()
        return found[-1] if found else None

    def _backup(self, path: Path, raw: bytes | None = None) -> None:
        """Copy the journal into the rolling backups unless the newest is the same.

        ``raw`` is the journal's bytes when they were just read (opening need not read 16 MB twice).
        """
        if not path.exists():
            return
        folder = path.parent / BACKUP_DIR
        ensure_private_dir(folder)
        newest = self.newest_backup()
        if raw is None:
            raw = path.read_bytes()
        if newest is not None and newest.read_bytes() == raw:
            return
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(self.clock()))
        target = folder / f"journal-{stamp}-{time.time_ns() % 10**9:09d}.json"  # sorts by time within a second
        try:
            write_private(target, raw)
        except SaveError as exc:
            raise StoreError(f"could not back up the journal before opening it: {exc}") from exc
        for old in self.backups()[:-BACKUPS_KEPT]:
            with contextlib.suppress(OSError):
                old.unlink()

    def _migrate(self) -> None:
        meta = self.db.table("meta")
        doc = meta.get(doc_id=1)
        raw = doc.get("schema") if doc else None
        version = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
        if version is None:
            if self.db.tables():
                version = 1  # written before the schema was recorded
            else:
                meta.insert({"schema": SCHEMA_VERSION})
                return
        if version > SCHEMA_VERSION:
            self.close()
            raise JournalTooNew(
                f"this journal was written by a newer failforward (schema {version}, "
                f"this one knows {SCHEMA_VERSION}); upgrade failforward"
            )
        if version < SCHEMA_VERSION:
            self.report.migrated_from = version
            with self.batch():
                while version < SCHEMA_VERSION:
                    MIGRATIONS[version](self)
                    version += 1
                meta.upsert({"schema": version}, lambda d: True)

    @property
    def schema_version(self) -> int:
        doc = self.db.table("meta").get(doc_id=1)
        raw = doc.get("schema") if doc else None
        return raw if isinstance(raw, int) else SCHEMA_VERSION

    # -- access ------------------------------------------------------------

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Group changes into one durable write, as one step no other thread sees half of."""
        with self.lock:
            try:
                with self._storage.batch():
                    yield
            except BaseException:
                self._changed(None)  # a failed batch reloads the journal from disk
                raise

    def _changed(self, table: str | None) -> None:
        """Drop what is cached of ``table`` (of every table for None)."""
        self.version += 1
        for name in [table] if table is not None else list({*self._versions, *TABLES}):
            self._versions[name] = self._versions.get(name, 0) + 1

    def table_version(self, table: str) -> int:
        """A number that changes whenever ``table`` does (for caches built from it)."""
        return self._versions.get(table, 0)

    def _docs(self, table: str) -> list[dict[str, Any]]:
        """The table's documents (with ``id``), kept until the table changes. Callers copy."""
        version = self._versions.get(table, 0)
        cached = self._doc_cache.get(table)
        if cached is not None and cached[0] == version:
            return cached[1]
        raw = (self._storage.read() or {}).get(table, {})  # not TinyDB's all(): it copies every record once more
        docs = [{**doc, "id": int(doc_id)} for doc_id, doc in raw.items()]
        self._doc_cache[table] = (version, docs)
        return docs

    @_locked
    def all(self, table: str) -> list[dict[str, Any]]:
        """Every document of a table, each with its ``id``."""
        return [dict(doc) for doc in self._docs(table)]

    @_locked
    def pluck(self, table: str, *keys: str) -> list[tuple[Any, ...]]:
        """The given keys of every document (``id`` included), without copying the documents.

        For passes over a whole table (search, progress, where to continue) at
        10,000 reflections. Nested values are shared with the read cache: read them only.
        """
        return [tuple(doc.get(k) for k in keys) for doc in self._docs(table)]

    @_locked
    def get(self, table: str, doc_id: int) -> dict[str, Any] | None:
        doc = self.db.table(table).get(doc_id=doc_id)
        return None if doc is None else {**doc, "id": doc.doc_id}

    @_locked
    def find(self, table: str, **match: Any) -> list[dict[str, Any]]:
        """Documents whose keys equal the given values (from an index kept until the next change)."""
        keys = tuple(sorted(match))
        wanted = tuple(match[k] for k in keys)
        version = self._versions.get(table, 0)
        entry = self._index_cache.get((table, keys))
        if entry is None or entry[0] != version:
            index: _Index = {}
            for doc in self._docs(table):
                try:
                    index.setdefault(tuple(doc.get(k) for k in keys), []).append(doc)
                except TypeError:  # an unhashable value (hand-edited journal): not findable by it
                    continue
            entry = (version, index)
            self._index_cache[(table, keys)] = entry
        try:
            found = entry[1].get(wanted, [])
        except TypeError:
            return [dict(doc) for doc in self._docs(table) if all(doc.get(k) == v for k, v in match.items())]
        return [dict(doc) for doc in found]

    @_locked
    def insert(self, table: str, doc: dict[str, Any]) -> int:
        doc = {k: v for k, v in doc.items() if k != "id"}
        before = self._versions.get(table, 0)
        try:
            with self._storage.batch():
                doc_id = int(self.db.table(table).insert(doc))
                self._storage.touch(table, [doc_id])
        finally:
            self._changed(table)
        self._carry_caches(table, before, lambda docs: self._cache_add(table, docs, {**doc, "id": doc_id}))
        return doc_id

    @_changing
    def insert_many(self, table: str, docs: list[dict[str, Any]]) -> list[int]:
        """Insert several documents in one table update (and one durable write)."""
        clean = [{k: v for k, v in doc.items() if k != "id"} for doc in docs]
        with self._storage.batch():
            ids = [int(i) for i in self.db.table(table).insert_multiple(clean)]
            self._storage.touch(table, ids)
        return ids

    @_locked
    def update(self, table: str, doc_id: int, fields: dict[str, Any]) -> None:
        fields = {k: v for k, v in fields.items() if k != "id"}
        before = self._versions.get(table, 0)
        try:
            with self._storage.batch():
                self.db.table(table).update(fields, doc_ids=[doc_id])
                self._storage.touch(table, [doc_id])
        finally:
            self._changed(table)

        def patch(docs: list[dict[str, Any]]) -> None:
            for doc in docs:
                if doc["id"] == doc_id:
                    doc.update(fields)
                    break

        self._carry_caches(table, before, patch, changed_keys=set(fields))

    def _cache_add(self, table: str, docs: list[dict[str, Any]], doc: dict[str, Any]) -> None:
        docs.append(doc)
        for (name, keys), (_, index) in self._index_cache.items():
            if name == table:
                with contextlib.suppress(TypeError):
                    index.setdefault(tuple(doc.get(k) for k in keys), []).append(doc)

    def _carry_caches(
        self,
        table: str,
        before: int,
        apply: Callable[[list[dict[str, Any]]], None],
        changed_keys: set[str] | None = None,
    ) -> None:
        """Bring a table's caches, valid just before a change, up to date instead of dropping them.

        Saving a chapter at 10,000 reflections then costs the write, not a re-read.
        Indexes on keys the change touched are dropped (rebuilt on the next find).
        """
        cached = self._doc_cache.get(table)
        if cached is None or cached[0] != before:
            return
        now = self._versions[table]
        fresh = {key: entry for key, entry in self._index_cache.items() if key[0] == table and entry[0] == before}
        if changed_keys is not None:
            fresh = {key: entry for key, entry in fresh.items() if not changed_keys & set(key[1])}
        for key in [key for key in self._index_cache if key[0] == table]:
            del self._index_cache[key]
        for key, (_, index) in fresh.items():
            self._index_cache[key] = (now, index)
        self._doc_cache[table] = (now, cached[1])
        apply(cached[1])

    @_changing
    def remove(self, table: str, doc_ids: list[int]) -> None:
        if doc_ids:
            with self._storage.batch():
                self.db.table(table).remove(doc_ids=doc_ids)
                self._storage.touch(table, doc_ids)

    @_changing
    def restore(self, backup: Path) -> None:
        """Replace the journal's contents with a backup (checked first); the current state is backed up."""
        if not isinstance(self._storage, DurableStorage):
            raise StoreError("an in-memory journal has no backups")
        try:
            raw = Path(backup).read_bytes()
        except OSError as exc:
            raise StoreError(f"cannot read the backup {backup}: {_reason(exc)}") from exc
        try:
            data = decode(raw)
        except ValueError as exc:
            raise StoreError(f"the backup {backup} is not a readable journal: {exc}") from exc
        _split_token(data)
        if self._storage.pending_saves:
            self._storage.compact()  # the backup of the current state below is then complete
        self._backup(self._storage.path)
        self._storage.replace_all(data)
        for table in self.db.tables():
            self.db.table(table).clear_cache()
        self.db._tables.clear()

    def close(self) -> None:
        """Release the journal (after any write under way); a session that wrote leaves a backup."""
        with self.lock:
            self._close()

    def _close(self) -> None:
        storage = getattr(self, "_storage", None)
        if isinstance(storage, DurableStorage) and self._file_lock is not None:
            with contextlib.suppress(StoreError, OSError):
                storage.close()  # the log's saves into journal.json; if that fails they stay in the log
            if storage.writes:
                with contextlib.suppress(StoreError, OSError):
                    self._backup(storage.path)
        with contextlib.suppress(Exception):
            if hasattr(self, "db"):
                self.db.close()
        if self._file_lock is not None and self.folder is not None:
            with contextlib.suppress(OSError):
                (Path(self.folder) / (LOCK_FILE + ".owner")).unlink()
            self._file_lock.release()
            self._file_lock = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
