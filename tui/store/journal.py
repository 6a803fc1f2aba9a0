"""The Store: a journal folder opened for this session.

Opening takes the folder's lock (one writer), finds the journal's format
(plain, or encrypted: then it asks for the passphrase before changing
anything), removes leftover temp files,
folds in saves left in the log by a session that died, moves a damaged file
aside rather than resetting it, keeps rolling backups and runs the schema's
migrations. Every access holds one re-entrant lock, and per-table read caches
and indexes make whole-table passes cheap at 10,000 reflections.

Why one module of about 700 lines: opening, recovery, the lock and the
caches all guard one invariant (what is in memory is what is on disk, under
one lock) and share its private state; the on-disk format, the TinyDB
storage, the merge and the ids already live in modules of their own.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import orjson

from tui.locations import BACKUP_DIR, DB_FILE, LOG_FILE
from tui.store.disk import PLAIN, Codec, Loaded, backup_paths, decode, encode, read_journal_files, split_token
from tui.store.errors import JournalTooNew, NoJournal, SaveError, StoreError
from tui.store.identity import CHANGED, DEVICE, UID, add_uids, device_id, new_uid, stamp_now
from tui.store.lock import FolderLock
from tui.store.private import (
    TEMP_PREFIX,
    TEMP_SUFFIX,
    check_private_file,
    check_writable,
    ensure_private_dir,
    reason,
    write_private,
)
from tui.store.rekey import Recoded, finish_interrupted, recode_folder
from tui.store.sealed import Passphrase, open_codec
from tui.store.storage import DurableStorage, JournalDB, MemoryStorage
from tui.store.sync import (
    MergedCopy,
    MergeResult,
    UnmergedCopy,
    bring_in_conflict_copies,
    find_conflict_copies,
    merge_files,
)

SCHEMA_VERSION = 2  # 2: every record has a uid (see tui.store.identity)
TABLES = ("setbacks", "reflections", "drafts", "actions", "checkins", "meta", "trash", "forms")
BACKUPS_KEPT = 5


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
    merged_copies: list[MergedCopy] = field(default_factory=list)  # sync tools' conflict copies, merged in
    unmerged_copies: list[UnmergedCopy] = field(default_factory=list)  # conflict copies left where they are, and why
    rekey: str | None = None  # a change of passphrase a crash cut short: "finished" or "undone"


Migration = Callable[["Store"], None]
_Index = dict[tuple[Any, ...], list[dict[str, Any]]]
MIGRATIONS: dict[int, Migration] = {}  # version N -> function bringing N up to N+1


def _add_uids(store: Store) -> None:
    """Schema 1 to 2: every record gets its stable uid (the same on every machine; links stay as they are)."""
    data = orjson.loads(
        orjson.dumps(store._storage.read() or {})
    )  # new records: the caches never see a half-changed one
    add_uids(data)
    store._storage.write(data)
    for name in store.db.tables():
        store.db.table(name).clear_cache()


MIGRATIONS[1] = _add_uids


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
        self,
        folder: Path | None,
        *,
        clock: Callable[[], float] = time.time,
        data: dict[str, Any] | None = None,
        codec: Codec | None = None,
        passphrase: Passphrase | None = None,
        device: str | None = None,
        lock: FolderLock | None = None,
    ) -> None:
        """Open the journal in ``folder``, or an in-memory one for None, holding ``data`` itself.

        An in-memory store works on the very dict it is given (no copy, and
        migrations change its records in place): pass a copy to keep the
        original, as :func:`upgrade` does.

        Each record inserted or updated is stamped with its ``uid`` (kept once
        given), the time of the change (``changed``, UTC) and ``device``: this
        machine's id (:func:`tui.store.identity.device_id`) for a folder, none
        in memory unless given.

        The folder's own format decides how it is read and written: an
        encrypted journal calls ``passphrase`` (and raises ``PassphraseNeeded``
        without one, ``WrongPassphrase`` when it does not fit, with the lock
        released and nothing on disk changed). ``codec`` overrides that, for
        a journal that is to start encrypted (``EncryptedCodec.create``).
        ``lock`` is the folder's lock when it was taken before (held: the
        store lets it go on close, or when opening fails).
        """
        self.lock = threading.RLock()
        self.version = 0  # counts changes to any table
        self._versions: dict[str, int] = {}  # counts changes per table; the read caches are per table version
        self._doc_cache: dict[str, tuple[int, list[dict[str, Any]]]] = {}
        self._index_cache: dict[
            tuple[str, tuple[str, ...]], tuple[int, dict[tuple[Any, ...], list[dict[str, Any]]]]
        ] = {}
        self.folder = folder
        self.clock = clock
        self.device = device if device is not None else ("" if folder is None else device_id())
        self.report = OpenReport()
        self._file_lock: FolderLock | None = None
        self.left_as: os.stat_result | None = None  # journal.json as closing left it, taken before the lock goes
        self.codec: Codec = codec or PLAIN  # how the files are written: plain or sealed
        if folder is None:
            self._storage: DurableStorage | MemoryStorage = MemoryStorage()
            if data is not None:
                self._storage.write(data)
            self.db = JournalDB(storage=lambda: self._storage)
        else:
            self._open_folder(Path(folder), codec, passphrase, lock)
        self._migrate()

    # -- opening ---------------------------------------------------------

    @property
    def path(self) -> Path | None:
        return None if self.folder is None else Path(self.folder) / DB_FILE

    def _open_folder(
        self, folder: Path, codec: Codec | None, passphrase: Passphrase | None, lock: FolderLock | None
    ) -> None:
        ensure_private_dir(folder)
        self._acquire_lock(folder, lock)
        try:
            path = folder / DB_FILE
            check_private_file(path)
            check_private_file(folder / LOG_FILE)
            self.codec = codec or open_codec(folder, passphrase)  # first: a wrong passphrase changes nothing
            self.report.rekey = finish_interrupted(folder)  # journal.json already says which format it is in
            self.report.removed_temp_files = self._remove_temp_files(folder)
            loaded = self._load(path)
            self._storage = DurableStorage(path, loaded, self.codec)
            on_disk = None if loaded is None else loaded.raw
            if self._storage.pending_saves:
                self.report.recovered_saves = self._storage.pending_saves
                on_disk = None  # journal.json is about to change: the backup reads it again
                with contextlib.suppress(SaveError):  # kept in the log until a save can write them whole
                    self._storage.compact()
            self._backup(path, on_disk)
            # After the backup, which so holds the journal as it was before the merge.
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(self.clock()))
            merged = bring_in_conflict_copies(self._storage, found=stamp, prepare=upgrade)
            self.report.merged_copies, self.report.unmerged_copies = merged
            self.db = JournalDB(storage=lambda: self._storage)
        except BaseException:
            self.close()
            raise

    def _acquire_lock(self, folder: Path, held: FolderLock | None = None) -> None:
        lock = held or FolderLock(folder)
        if not lock.held:
            lock.acquire()
        self._file_lock = lock
        check_writable(folder)  # the lock no longer lives here: learn now, not at the first save, if it is read-only

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
            loaded = read_journal_files(path, self.codec)
        except OSError as exc:
            raise StoreError(f"cannot read the journal {path}: {reason(exc)}") from exc
        except ValueError as exc:  # Damaged too; a wrong passphrase is no ValueError and moves nothing
            self._quarantine(path, str(exc).splitlines()[0] if str(exc) else "unreadable")
            return None
        if loaded is not None and loaded.damaged_after is not None:
            # Keep a copy of the whole log before the saves that could be read are written into the journal.
            log = path.with_name(LOG_FILE)
            target = self._aside(log)
            try:
                write_private(target, log.read_bytes())
            except (OSError, SaveError) as exc:
                problem = f"the log of recent saves {log} is damaged and could not be copied aside: {exc}"
                raise StoreError(problem) from exc
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

    def _quarantine(self, path: Path, why: str) -> None:
        target = self._aside(path)
        try:
            os.replace(path, target)
        except OSError as exc:
            raise StoreError(
                f"the journal {path} is damaged ({why}) and could not be moved aside: {reason(exc)}"
            ) from exc
        log = path.with_name(LOG_FILE)
        if log.exists():  # saves made on top of the damaged file go with it
            with contextlib.suppress(OSError):
                os.replace(log, self._aside(log))
        self.report.quarantined = target
        self.report.quarantine_reason = why
        self.report.newest_backup = self.newest_backup()

    def backups(self) -> list[Path]:
        """Rolling backups, oldest first."""
        if self.folder is None:
            return []
        return backup_paths(Path(self.folder))

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
        version = self._versions.get(table, 0)
        cached = self._doc_cache.get(table)
        if cached is not None and cached[0] == version:
            return [tuple(doc.get(k) for k in keys) for doc in cached[1]]
        # Straight from the stored table: no copy of each record with its id (a third of start-up's reading at 10k).
        raw = (self._storage.read() or {}).get(table, {})
        return [tuple(int(i) if k == "id" else doc.get(k) for k in keys) for i, doc in raw.items()]

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

    def _stamped(self, table: str, doc: dict[str, Any], taken: set[str] | None = None) -> dict[str, Any]:
        """A document to insert: without ``id``, with a uid of its own (a new one if the table has its uid), stamped."""
        doc = {k: v for k, v in doc.items() if k != "id"}
        uid = doc.get(UID)
        if not isinstance(uid, str) or not uid or (taken is not None and uid in taken) or self.find(table, uid=uid):
            doc[UID] = new_uid()
        if taken is not None:
            taken.add(doc[UID])
        return {**doc, **self._change_stamp()}

    def _change_stamp(self) -> dict[str, Any]:
        stamp: dict[str, Any] = {CHANGED: stamp_now(self.clock())}
        if self.device:
            stamp[DEVICE] = self.device
        return stamp

    @_locked
    def insert(self, table: str, doc: dict[str, Any]) -> int:
        doc = self._stamped(table, doc)
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
        taken: set[str] = set()
        clean = [self._stamped(table, doc, taken) for doc in docs]
        with self._storage.batch():
            ids = [int(i) for i in self.db.table(table).insert_multiple(clean)]
            self._storage.touch(table, ids)
        return ids

    @_locked
    def update(self, table: str, doc_id: int, fields: dict[str, Any]) -> None:
        fields = {**{k: v for k, v in fields.items() if k not in ("id", UID)}, **self._change_stamp()}
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
            raise StoreError(f"cannot read the backup {backup}: {reason(exc)}") from exc
        try:
            data = self.codec.decode(raw)
        except ValueError as exc:
            raise StoreError(f"the backup {backup} is not a readable journal: {exc}") from exc
        except StoreError as exc:  # sealed with another passphrase, or encrypted when this journal is not
            raise StoreError(f"the backup {backup} cannot be opened: {exc}") from exc
        split_token(data)
        if self._storage.pending_saves:
            self._storage.compact()  # the backup of the current state below is then complete
        self._backup(self._storage.path)
        self._storage.replace_all(data)
        for table in self.db.tables():
            self.db.table(table).clear_cache()
        self.db._tables.clear()

    def recode(self, codec: Codec) -> Recoded:
        """Write the whole journal folder anew with ``codec``: encrypt, decrypt, or seal with a new passphrase.

        Holding the lock: the log is folded into journal.json first (in the old
        format, so no log is left in it), then every file that holds the
        person's words is written in the new format beside the old ones,
        flushed, read back and checked, and only then put in their place,
        journal.json first (see :mod:`tui.store.rekey`: a crash at any point
        leaves a journal that opens with the old passphrase or the new one).
        Conflict copies a sync tool left that could not be merged stop it
        first: they are another machine's journal, in a format of their own.
        Raises StoreError (SaveError when a write failed: nothing changed).
        """
        with self.lock:
            storage = self._storage
            if not isinstance(storage, DurableStorage) or self.folder is None:
                raise StoreError("a journal in memory has no files to encrypt")
            folder = Path(self.folder)
            copies = find_conflict_copies(folder)
            if copies:
                raise StoreError(
                    f"{copies[0]} is a conflict copy a sync tool left that could not be merged; "
                    f"move it out of {folder} first (nothing was changed)"
                )
            storage.compact()  # the log's saves into journal.json, in the old format; journal.log goes
            data = storage.read()
            assert data is not None
            result = recode_folder(folder, data, self.codec, codec, self.clock)
            storage.adopt(codec, result.token, result.size)
            self.codec = codec
            self._changed(None)
            if result.unfinished is None:
                for old in self.backups()[:-BACKUPS_KEPT]:
                    with contextlib.suppress(OSError):
                        old.unlink()
            return result

    @property
    def lost(self) -> str | None:
        """Why the journal on disk is no longer the one opened (its folder deleted, moved...), or None.

        Checked on every save; once set, saves fail with JournalLost and memory
        keeps everything until :meth:`rescue` writes it whole somewhere.
        """
        storage = getattr(self, "_storage", None)
        return storage.lost if isinstance(storage, DurableStorage) else None

    def check(self) -> str | None:
        """Look now whether the journal on disk is still the one opened; the reason it is not, or None."""
        with self.lock:
            storage = self._storage
            if isinstance(storage, DurableStorage) and storage.lost is None:
                problem = storage._identity_problem()
                if problem is not None:
                    storage.lost = f"not saved: {problem}"
            return self.lost

    def rescue(self, folder: Path) -> Path:
        """Write the whole journal held in memory to ``folder`` (created 0700) and carry on there.

        For a journal whose folder went away: the original place recreated,
        or another folder. A journal file already there is backed up first.
        Raises StoreError (JournalLocked when another session holds ``folder``).
        """
        folder = Path(folder).expanduser()
        with self.lock:
            storage = self._storage
            if not isinstance(storage, DurableStorage):
                raise StoreError("an in-memory journal has no folder")
            ensure_private_dir(folder)
            # Let go of the old lock first: the rescue may go to the very same folder (a deleted log).
            old_lock, self._file_lock = self._file_lock, None
            if old_lock is not None:
                with contextlib.suppress(OSError):
                    old_lock.release()
            try:
                self._acquire_lock(folder)
                path = folder / DB_FILE
                check_private_file(path)
                if path.exists():
                    self._backup(path)
                storage.move_to(path)
            except BaseException:
                if self._file_lock is not None:
                    self._file_lock.release()
                self._file_lock = None
                if old_lock is not None:
                    with contextlib.suppress(OSError, StoreError):
                        old_lock.acquire()
                        self._file_lock = old_lock
                raise
            self.folder = folder
            self._changed(None)
            return path

    def close(self) -> None:
        """Release the journal (after any write under way); a session that wrote leaves a backup."""
        with self.lock:
            self._close()

    def _close(self) -> None:
        storage = getattr(self, "_storage", None)
        if isinstance(storage, DurableStorage) and self._file_lock is not None:
            with contextlib.suppress(StoreError, OSError):
                storage.close()  # the log's saves into journal.json; if that fails they stay in the log
            if storage.writes and storage.lost is None:
                with contextlib.suppress(StoreError, OSError):
                    self._backup(storage.path)
        with contextlib.suppress(Exception):
            if hasattr(self, "db"):
                self.db.close()
        if self._file_lock is not None:
            if self.folder is not None:
                with contextlib.suppress(OSError):
                    self.left_as = (Path(self.folder) / DB_FILE).stat()
            self._file_lock.release()
            self._file_lock = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def journal_exists(folder: Path) -> bool:
    """Whether ``folder`` holds a journal: its file, or backups of one (whose file was moved aside)."""
    folder = Path(folder)
    return (folder / DB_FILE).exists() or (folder / LOG_FILE).exists() or bool(backup_paths(folder))


def load_journal(folder: Path, passphrase: Passphrase | None = None) -> Loaded:
    """The journal in ``folder`` as files hold it (journal.json with journal.log's saves), read without the lock.

    journal.json is only ever replaced whole, and journal.log (the saves since)
    is read first and applied only if it continues that very journal.json, so
    this is always one complete saved state, even while a failforward session
    is saving. Nothing in ``folder`` is created or changed. ``passphrase`` is
    asked for when the journal is encrypted (as :class:`Store` does).

    Raises :class:`NoJournal` when there is no journal file and
    :class:`StoreError` when it cannot be read or is damaged, or its passphrase is needed or wrong.
    """
    path = Path(folder) / DB_FILE
    codec = open_codec(Path(folder), passphrase)
    try:
        loaded = read_journal_files(path, codec)
    except OSError as exc:
        raise StoreError(f"cannot read the journal {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        why = str(exc).splitlines()[0] if str(exc) else "unreadable"
        raise StoreError(
            f"the journal {path} is damaged ({why}); start failforward to move it aside and restore a backup"
        ) from None
    if loaded is None:
        raise NoJournal(f"no journal in {folder} yet (start failforward to write one, or check --data-dir)")
    return loaded


def read_copy(folder: Path, passphrase: Passphrase | None = None) -> Store:
    """An in-memory copy of the journal in ``folder`` (see :func:`load_journal`); changes stay in memory.

    Raises what :func:`load_journal` raises, and ``JournalTooNew`` when a newer
    failforward wrote the journal.
    """
    loaded = load_journal(folder, passphrase)
    return Store(None, data=loaded.data, codec=loaded.codec)  # refuses a newer schema, migrates an older one


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of a journal's tables brought to this version's schema (raises JournalTooNew for a newer one)."""
    return Store(None, data=decode(encode(data)))._storage.read() or {}  # a copy: migrations change records in place


def merge_journal_files(base: Path, ours: Path, theirs: Path, found: str) -> MergeResult:
    """Three journal files merged into ``ours`` (git's merge driver; see :func:`tui.store.sync.merge_files`)."""
    return merge_files(base, ours, theirs, found=found, prepare=upgrade)
