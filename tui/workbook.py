"""The domain service: the one door to the journal.

:class:`Workbook` is what the screens, the app and the command line talk to:
it opens a journal (for a session, or as a read-only copy; an encrypted one
with its passphrase), starts one encrypted, encrypts, decrypts or re-keys a
journal's folder (:meth:`Workbook.encrypt` and friends), validates and
cleans what is typed (once), keeps answers to fields a chapter no longer has,
turns checklist items into action items, groups each save into one durable
write, and says what happened on opening (damage found, saves recovered).
:class:`ChapterSession` orders the drafts of a chapter on screen against its
saves. The journal's errors are re-exported here so callers need nothing
from the storage below. Nothing here imports Textual.

Why one module of about 1,100 lines: it is the journal's whole public face,
and every section (setbacks and the trash, reflections and drafts, dialog
drafts, actions, check-ins, search, conflicts, encryption) goes through the
same store, clock and chapter list and the same batch-one-durable-write rule.
The next split, when it grows again: the encryption commands (``encrypt``,
``decrypt``, ``passwd``) and the read-side queries (search, progress,
actions) into their own modules, each taking the Workbook's store.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.content import Chapter, FieldRef
from tui.locations import EDIT_PREFIX, glance_file, memory_temp_dir
from tui.records import (
    ACTIONS,
    CHECKINS,
    CHILD_TABLES,
    CONFLICTS,
    DRAFTS,
    FORMS,
    REFLECTIONS,
    SETBACK_KINDS,
    SETBACKS,
    STATUSES,
    TRASH,
    ActionItem,
    CheckIn,
    Conflict,
    Draft,
    InvalidSetback,
    Progress,
    Reflection,
    Setback,
    SetbackFields,
    TrashedSetback,
    candidates,
    check_setback,
    format_value,
    from_doc,
    is_empty,
    item_keys,
    new_item_id,
    parse_date,
    same_answers,
)
from tui.sanitize import clean_text, clean_value
from tui.store import (
    PLAIN,
    Damaged,
    EncryptedCodec,
    FolderLock,
    JournalLocked,
    JournalLost,
    JournalTooNew,
    KdfParams,
    MergeResult,
    NoJournal,
    OpenReport,
    Passphrase,
    PassphraseNeeded,
    Recoded,
    SaveError,
    Store,
    StoreError,
    WrongPassphrase,
    check_writable,
    ensure_private_dir,
    is_encrypted_folder,
    journal_exists,
    load_journal,
    merge_journal_files,
    private_temp_dir,
    private_temp_file,
    read_copy,
)

__all__ = [
    "SETBACK_KINDS",
    "STATUSES",
    "ActionItem",
    "ChapterSession",
    "CheckIn",
    "Conflict",
    "Damaged",
    "Draft",
    "EarlierAnswer",
    "FolderLock",
    "InvalidAnswers",
    "InvalidSetback",
    "JournalLocked",
    "JournalLost",
    "JournalTooNew",
    "MergeResult",
    "NoJournal",
    "OpenReport",
    "Passphrase",
    "PassphraseNeeded",
    "Progress",
    "Recoded",
    "Reflection",
    "SaveError",
    "SearchHit",
    "Setback",
    "SetbackFields",
    "Snapshot",
    "StoreError",
    "TrashedSetback",
    "ValidationResult",
    "Workbook",
    "WrongPassphrase",
    "format_value",
    "is_empty",
    "new_item_id",
    "parse_date",
    "same_answers",
]

Clock = Callable[[], dt.datetime]


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


@dataclass
class EarlierAnswer:
    """An answer from another chapter that this one builds on."""

    ref: FieldRef
    chapter_title: str
    label: str
    text: str


@dataclass
class SearchHit:
    """One answer that contains the query, with where the match is in ``text``."""

    setback_id: int
    chapter_id: str
    field_id: str
    text: str
    start: int
    end: int
    updated: str


@dataclass
class ValidationResult:
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


class InvalidAnswers(ValueError):
    """Answers that cannot be saved: ``errors`` maps each field id to its problem (nothing was written)."""

    def __init__(self, message: str, errors: dict[str, str]) -> None:
        super().__init__(message)
        self.errors = errors


@dataclass(frozen=True)
class Snapshot:
    """The journal's saved state as bytes (what a backup copies), read without the lock."""

    raw: bytes
    setbacks: int


class Workbook:
    """Everything a person does with their journal, in domain terms."""

    def __init__(self, store: Store, chapters: Sequence[Chapter], clock: Clock = _now) -> None:
        self.store = store
        self.chapters = list(chapters)
        self._by_id = {c.id: c for c in self.chapters}
        self.clock = clock
        self._texts: tuple[int, list[tuple[int, str, str, str, str]]] | None = None
        self._scratch: Path | None = None  # private files of a journal in memory
        self._drafts_known: set[tuple[int, str]] = set()  # drafts written or already shown since opening

    # -- opening and closing ---------------------------------------------------

    @classmethod
    def open(
        cls,
        folder: Path,
        chapters: Sequence[Chapter],
        clock: Clock = _now,
        *,
        passphrase: Passphrase | None = None,
        hold: FolderLock | None = None,
    ) -> Workbook:
        """The journal in ``folder``, opened for this session (it holds the folder's lock until closed).

        ``passphrase`` is called when the journal is encrypted; ``hold`` is the
        folder's lock when it was taken before (``FolderLock.take``). Raises
        ``JournalLocked`` when another session has it, ``PassphraseNeeded``
        and ``WrongPassphrase`` (nothing changed), ``JournalTooNew`` and
        ``StoreError`` (with a one-line message) when it cannot be opened.
        """
        return cls(Store(folder, passphrase=passphrase, lock=hold), chapters, clock)

    @classmethod
    def read_only(
        cls, folder: Path, chapters: Sequence[Chapter], clock: Clock = _now, *, passphrase: Passphrase | None = None
    ) -> Workbook:
        """An in-memory copy of the journal in ``folder``, read without the lock (changes stay in memory).

        Works while a session has the journal open. Raises ``NoJournal`` when
        there is no journal yet, ``StoreError`` when it cannot be read (or
        its passphrase is needed or wrong).
        """
        return cls(read_copy(folder, passphrase), chapters, clock)

    @classmethod
    def create(
        cls,
        folder: Path,
        chapters: Sequence[Chapter],
        clock: Clock = _now,
        *,
        passphrase: str,
        kdf: KdfParams | None = None,
    ) -> Workbook:
        """A new journal in ``folder``, encrypted with ``passphrase`` from its first byte, opened for this session.

        The key's cost is calibrated on this machine (about a second) unless
        ``kdf`` is given. Raises ``StoreError`` when ``folder`` already holds a
        journal (nothing is changed then) or the passphrase is empty.
        """
        if journal_exists(folder):
            raise StoreError(f"there is already a journal in {folder}")
        workbook = cls(Store(folder, codec=EncryptedCodec.create(passphrase, kdf)), chapters, clock)
        workbook.forget_glance()
        return workbook

    @staticmethod
    def prepare_folder(folder: Path) -> None:
        """Make ``folder`` (0700) and check that files can be written in it; raises ``StoreError`` in one line.

        A first start learns now, before asking how the journal should begin, that it could not be written.
        """
        ensure_private_dir(Path(folder))
        check_writable(Path(folder))

    @staticmethod
    def has_journal(folder: Path) -> bool:
        """Whether ``folder`` holds a journal yet (its file, or backups of one): if not, this is a first start."""
        return journal_exists(folder)

    @staticmethod
    def is_encrypted(folder: Path) -> bool:
        """Whether opening the journal in ``folder`` asks for a passphrase (so a prompt can come first)."""
        return is_encrypted_folder(folder)

    @property
    def encrypted(self) -> bool:
        """Whether this journal is written encrypted."""
        return self.store.codec.encrypted

    # -- encrypting, decrypting, a new passphrase --------------------------------

    def encrypt(self, passphrase: str, *, kdf: KdfParams | None = None) -> Recoded:
        """Encrypt this journal's folder with ``passphrase``: the journal, its backups and every copy of its text.

        Everything is written sealed and checked before it replaces the plain
        files (:meth:`tui.store.Store.recode`); a crash leaves a journal that
        opens without a passphrase or with the new one, nothing lost. Raises
        ``StoreError`` (``SaveError``: nothing changed) and when the journal is already encrypted.
        """
        if self.encrypted:
            raise StoreError("this journal is already encrypted ('failforward passwd' changes its passphrase)")
        recoded = self.store.recode(EncryptedCodec.create(passphrase, kdf))
        self.forget_glance()
        return recoded

    def forget_glance(self) -> None:
        """Remove home's glance of this journal (tui/overview.py): its titles are plain text.

        Called when the journal becomes encrypted, and on closing an encrypted one.
        """
        if self.folder is not None:
            with contextlib.suppress(OSError):
                glance_file(self.folder).unlink(missing_ok=True)

    def decrypt(self) -> Recoded:
        """Write this journal's folder in plain text again; the same promises as :meth:`encrypt`."""
        if not self.encrypted:
            raise StoreError("this journal is not encrypted")
        return self.store.recode(PLAIN)

    def change_passphrase(self, passphrase: str, *, kdf: KdfParams | None = None) -> Recoded:
        """Seal this journal's folder with a new key made from ``passphrase`` (a new salt; the old key opens nothing).

        As :meth:`encrypt`: a crash leaves a journal that opens with the old passphrase or the new one.
        """
        if not self.encrypted:
            raise StoreError("this journal is not encrypted ('failforward encrypt' encrypts it)")
        return self.store.recode(EncryptedCodec.create(passphrase, kdf))

    @classmethod
    def in_memory(cls, chapters: Sequence[Chapter], clock: Clock = _now) -> Workbook:
        """An empty journal that lives in memory only."""
        return cls(Store(None), chapters, clock)

    @staticmethod
    def snapshot(folder: Path, passphrase: Passphrase | None = None) -> Snapshot:
        """The journal's saved state as a backup would hold it (an open session's logged saves included).

        An encrypted journal's snapshot is sealed with its key, as its backups are.
        """
        loaded = load_journal(folder, passphrase)
        raw = loaded.codec.encode(loaded.data) if loaded.saves else loaded.raw
        return Snapshot(raw, len(loaded.data.get(SETBACKS, {})))

    @staticmethod
    def merge_files(base: Path, ours: Path, theirs: Path) -> MergeResult:
        """Merge two journal files that changed apart from ``base`` into ``ours`` (git's merge driver).

        Nothing either side wrote is dropped: an answer changed on both keeps
        ours in place and theirs in the journal's conflicts table. Raises
        StoreError (JournalTooNew for a newer schema), and ``ours`` is then unchanged.
        """
        return merge_journal_files(base, ours, theirs, found=_now().isoformat(timespec="seconds"))

    def close(self) -> None:
        """Write what the log holds into the journal file and let the journal go."""
        self.store.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    # -- private files beside the journal ------------------------------------

    def private_folder(self, name: str) -> Path:
        """The folder ``name`` in the journal's folder, made 0700 if missing (screenshots).

        A journal in memory has a private temporary folder instead, removed
        on close. Raises ``StoreError`` with a one-line message.
        """
        base = self.folder
        if base is None:
            if self._scratch is None:
                self._scratch = private_temp_dir()
            base = self._scratch
        folder = base / name
        ensure_private_dir(folder)
        return folder

    def private_temp_path(self, suffix: str = ".md") -> Path:
        """A new empty file, mode 0600, for text handed to an editor; the caller removes it.

        A plain journal's goes in its own folder. An encrypted journal's text
        reaches the editor in plain text, so it goes where it is least exposed:
        a folder in memory (``$XDG_RUNTIME_DIR``, else ``/dev/shm``), which no
        disk, backup or sync tool ever sees and a reboot empties; on a system
        without one, the system's temp folder, never the data folder a sync
        tool may copy. Raises ``StoreError`` with a one-line message.
        """
        if self.encrypted:
            return private_temp_file(memory_temp_dir() or Path(tempfile.gettempdir()), "failforward-edit-", suffix)
        base = self.folder
        if base is None:
            if self._scratch is None:
                self._scratch = private_temp_dir()
            base = self._scratch
        return private_temp_file(base, EDIT_PREFIX, suffix)

    @property
    def folder(self) -> Path | None:
        """The journal's folder; None for a journal in memory."""
        return None if self.store.folder is None else Path(self.store.folder)

    @property
    def left_as(self) -> list[int] | None:
        """journal.json as closing left it (inode, size, time), noted before the lock went; None before closing."""
        left = self.store.left_as
        return None if left is None else [left.st_ino, left.st_size, left.st_mtime_ns]

    @property
    def version(self) -> int:
        """A number that changes whenever anything in the journal does (a save, a draft, a reload)."""
        return self.store.version

    @property
    def open_report(self) -> OpenReport:
        """What happened while opening: a damaged file moved aside, saves recovered, a migration."""
        return self.store.report

    @property
    def lost(self) -> str | None:
        """Why the journal on disk is no longer the one opened (folder deleted, moved, unmounted), or None.

        Every save checks; :meth:`check_journal` looks now. While lost, saves
        fail with JournalLost and everything stays in memory until
        :meth:`rescue` writes it whole somewhere.
        """
        return self.store.lost

    def check_journal(self) -> str | None:
        """Look now whether the journal's folder and files are still the ones opened; the problem, or None."""
        return self.store.check()

    def rescue(self, folder: Path | None = None) -> Path:
        """Write the whole journal to ``folder`` and carry on there; the journal file's path.

        Without a folder: the original place, recreated, else a new folder in
        the home folder, the current folder or the temp folder, the first that
        works. Raises StoreError when ``folder`` (or every fallback) fails.
        """
        if folder is not None:
            return self.store.rescue(folder)
        original = self.folder
        stamp = self.clock().strftime("%Y%m%d-%H%M%S")
        candidates = [original] if original is not None else []
        candidates += [base / f"failforward-rescued-{stamp}" for base in (Path.home(), Path.cwd(), Path("/tmp"))]
        problems = []
        for candidate in candidates:
            try:
                return self.store.rescue(candidate)
            except StoreError as exc:
                problems.append(f"{candidate}: {exc}")
        raise StoreError("could not write the journal anywhere: " + "; ".join(problems))

    def newest_backup(self) -> Path | None:
        return self.store.newest_backup()

    def restore(self, backup: Path) -> None:
        """Put a backup in place of the journal (the current state is backed up first); raises StoreError."""
        self.store.restore(backup)

    @property
    def lock(self) -> threading.RLock:
        """Held around any group of reads and writes that must not interleave with another thread's."""
        return self.store.lock

    def _stamp(self) -> str:
        return self.clock().isoformat(timespec="seconds")

    def session(self, setback_id: int, chapter_id: str) -> ChapterSession:
        """A chapter opened on screen: its drafts, written in order, and its saves."""
        return ChapterSession(self, setback_id, self._require_chapter(chapter_id))

    # -- chapters ----------------------------------------------------------

    def chapter(self, chapter_id: str) -> Chapter | None:
        return self._by_id.get(chapter_id)

    def neighbour(self, chapter_id: str, step: int) -> Chapter | None:
        """The chapter ``step`` places after (or before) the given one."""
        ids = [c.id for c in self.chapters]
        if chapter_id not in ids:
            return None
        index = ids.index(chapter_id) + step
        return self.chapters[index] if 0 <= index < len(ids) else None

    # -- setbacks ----------------------------------------------------------

    def setbacks(self, include_archived: bool = False) -> list[Setback]:
        found = [from_doc(Setback, d) for d in self.store.all(SETBACKS)]
        if not include_archived:
            found = [s for s in found if not s.archived]
        return sorted(found, key=lambda s: (s.created, s.id), reverse=True)

    def setback(self, setback_id: int) -> Setback | None:
        doc = self.store.get(SETBACKS, setback_id)
        return None if doc is None else from_doc(Setback, doc)

    @staticmethod
    def check_setback(
        title: str, kind: str = "other", date: str | None = None, feeling: int | None = None, notes: str | None = None
    ) -> SetbackFields:
        """The one rule for a valid setback (see :func:`tui.records.check_setback`); raises InvalidSetback."""
        return check_setback(title, kind, date, feeling, notes)

    def add_setback(
        self,
        title: str,
        kind: str = "other",
        date: str | None = None,
        feeling: int | None = None,
        notes: str | None = None,
    ) -> Setback:
        checked = check_setback(title, kind, date, feeling, notes)
        now = self._stamp()
        doc = {**checked.doc(), "archived": False, "created": now, "updated": now}
        with self.store.batch():
            new_id = self.store.insert(SETBACKS, doc)
            if checked.feeling is not None:
                self.store.insert(CHECKINS, {"setback_id": new_id, "rating": checked.feeling, "at": now})
        return from_doc(Setback, {**doc, "id": new_id})

    def update_setback(
        self,
        setback_id: int,
        title: str,
        kind: str,
        date: str | None,
        feeling: int | None,
        notes: str | None = None,
    ) -> Setback:
        """Change a setback; ``notes`` None leaves its free notes as they are."""
        checked = check_setback(title, kind, date, feeling, notes)
        self.store.update(SETBACKS, setback_id, {**checked.doc(), "updated": self._stamp()})
        found = self.setback(setback_id)
        assert found is not None
        return found

    def add_notes(self, setback_id: int, text: str) -> None:
        """Add ``text`` after the setback's free notes (a blank line between); cleaned as typed text is."""
        found = self.setback(setback_id)
        if found is None:
            raise ValueError(f"no setback with id {setback_id}")
        text = clean_text(text).strip("\n")
        notes = f"{found.notes.rstrip()}\n\n{text}" if found.notes.strip() else text
        self.store.update(SETBACKS, setback_id, {"notes": notes, "updated": self._stamp()})

    def archive_setback(self, setback_id: int, archived: bool = True) -> None:
        self.store.update(SETBACKS, setback_id, {"archived": archived, "updated": self._stamp()})

    def delete_setback(self, setback_id: int) -> TrashedSetback:
        """Move a setback, with everything written about it, to the trash (kept until the trash is emptied).

        One durable write; :meth:`restore_setback` brings it back.
        """
        with self.store.batch():
            setback = self.store.get(SETBACKS, setback_id)
            if setback is None:
                raise ValueError(f"no setback with id {setback_id}")
            records = {table: self.store.find(table, setback_id=setback_id) for table in CHILD_TABLES}
            entry = {"setback": setback, "records": records, "deleted": self._stamp()}
            trash_id = self.store.insert(TRASH, entry)
            for table, docs in records.items():
                self.store.remove(table, [d["id"] for d in docs])
            self.store.remove(SETBACKS, [setback_id])
        return _trashed(trash_id, entry)

    def trash(self) -> list[TrashedSetback]:
        """Deleted setbacks, the most recently deleted first."""
        found = [_trashed(doc["id"], doc) for doc in self.store.all(TRASH)]
        return sorted(found, key=lambda t: (t.deleted, t.id), reverse=True)

    def restore_setback(self, trash_id: int) -> Setback:
        """Bring a deleted setback back from the trash, with everything written about it (one durable write)."""
        with self.store.batch():
            entry = self.store.get(TRASH, trash_id)
            if entry is None or not isinstance(entry.get("setback"), dict):
                raise ValueError("that setback is no longer in the trash")
            setback = {k: v for k, v in entry["setback"].items() if k != "id"}
            new_id = self.store.insert(SETBACKS, setback)
            for table in CHILD_TABLES:
                docs = [
                    {**{k: v for k, v in doc.items() if k != "id"}, "setback_id": new_id}
                    for doc in (entry.get("records") or {}).get(table, [])
                    if isinstance(doc, dict)
                ]
                if docs:
                    self.store.insert_many(table, docs)
            self.store.remove(TRASH, [trash_id])
        return from_doc(Setback, {**setback, "id": new_id})

    def empty_trash(self) -> int:
        """Delete for good what is in the trash; how many setbacks that was."""
        ids = [doc["id"] for doc in self.store.all(TRASH)]
        self.store.remove(TRASH, ids)
        return len(ids)

    # -- reflections -------------------------------------------------------

    def reflection(self, setback_id: int, chapter_id: str) -> Reflection | None:
        found = self.store.find(REFLECTIONS, setback_id=setback_id, chapter_id=chapter_id)
        return from_doc(Reflection, found[0]) if found else None

    def reflections(self, setback_id: int | None = None) -> list[Reflection]:
        docs = (
            self.store.all(REFLECTIONS) if setback_id is None else self.store.find(REFLECTIONS, setback_id=setback_id)
        )
        return sorted((from_doc(Reflection, d) for d in docs), key=lambda r: r.updated, reverse=True)

    def status(self, setback_id: int, chapter_id: str) -> str:
        found = self.reflection(setback_id, chapter_id)
        return "empty" if found is None else found.status

    def validate(self, chapter: Chapter, answers: dict[str, Any], done: bool = False) -> ValidationResult:
        """Problems with the answers, by field id; required fields only when marking done."""
        result = ValidationResult()
        for f in chapter.fields:
            value = answers.get(f.id)
            if is_empty(value):
                if done and f.required:
                    result.errors[f.id] = "required to mark the chapter done"
                continue
            if f.kind == "date":
                try:
                    parse_date(str(value))
                except ValueError as exc:
                    result.errors[f.id] = str(exc)
            elif f.kind == "scale":
                if isinstance(value, bool) or not isinstance(value, int) or not f.min <= value <= f.max:
                    result.errors[f.id] = f"choose a number from {f.min} to {f.max}"
            elif f.kind == "choice" and value not in f.options:
                result.errors[f.id] = "choose one of the options"
            elif f.kind == "multi" and isinstance(value, list) and len(value) > (f.max_select or len(value)):
                result.errors[f.id] = f"choose at most {f.max_select}"
            elif f.kind == "checklist":
                if not isinstance(value, list):
                    result.errors[f.id] = "expected a list of items"
                    continue
                for item in value:
                    due = item.get("due") if isinstance(item, dict) else None
                    if due:
                        try:
                            parse_date(str(due))
                        except ValueError as exc:
                            result.errors[f.id] = f"item '{item.get('text', '')}': {exc}"
                            break
        return result

    def save_reflection(
        self,
        setback_id: int,
        chapter_id: str,
        answers: dict[str, Any],
        done: bool = False,
    ) -> Reflection:
        """Save the answers (and clear the draft) in one durable write.

        Raises :class:`InvalidAnswers` (a ValueError, with every problem by
        field id) when the answers are invalid, ``SaveError`` when the disk
        refused them: nothing changed then.
        """
        chapter = self._require_chapter(chapter_id)
        answers = clean_value(answers)
        check = self.validate(chapter, answers, done=done)
        if not check.ok:
            fid, message = next(iter(check.errors.items()))
            f = chapter.field(fid)
            raise InvalidAnswers(f"{f.label if f else fid}: {message}", check.errors)
        now = self._stamp()
        status = "done" if done else "draft"
        with self.store.batch():
            previous = self.reflection(setback_id, chapter_id)
            kept = dict(previous.answers) if previous else {}
            kept.update(answers)  # answers to fields the chapter no longer has stay
            if previous is None:
                doc = {
                    "setback_id": setback_id,
                    "chapter_id": chapter_id,
                    "answers": kept,
                    "status": status,
                    "chapter_version": chapter.version,
                    "revision": 1,
                    "created": now,
                    "updated": now,
                }
                new_id = self.store.insert(REFLECTIONS, doc)
            else:
                new_id = previous.id
                doc = {
                    "answers": kept,
                    "status": status,
                    "chapter_version": chapter.version,
                    "revision": previous.revision + 1,
                    "updated": now,
                }
                self.store.update(REFLECTIONS, new_id, doc)
            self._sync_actions(setback_id, chapter, kept)
            self._sync_setback(setback_id, chapter, answers)
            self._remove_drafts(setback_id, chapter_id)
        base = {"setback_id": setback_id, "chapter_id": chapter_id, "created": now}
        if previous is not None:
            base["created"] = previous.created
        return from_doc(Reflection, {**base, **doc, "id": new_id})

    def _sync_setback(self, setback_id: int, chapter: Chapter, answers: dict[str, Any]) -> None:
        """Answers to fields linked to the setback (``setback: kind|date|feeling``) become the setback's own."""
        setback = self.store.get(SETBACKS, setback_id)
        if setback is None:
            return
        changes: dict[str, Any] = {}
        for f in chapter.fields:
            value = answers.get(f.id)
            if f.setback is None or is_empty(value):
                continue
            if f.setback == "kind":
                kind = f.setback_kind(value)
                if kind is not None and kind != setback.get("kind"):
                    changes["kind"] = kind
            elif f.setback == "date" and value != setback.get("date"):
                changes["date"] = value
            elif f.setback == "feeling" and value != setback.get("feeling"):
                changes["feeling"] = value
        if changes:
            self.store.update(SETBACKS, setback_id, {**changes, "updated": self._stamp()})

    def linked_answers(self, setback_id: int, chapter: Chapter) -> dict[str, Any]:
        """The setback's own kind, date and feeling as answers to the chapter fields linked to them."""
        setback = self.setback(setback_id)
        if setback is None:
            return {}
        out: dict[str, Any] = {}
        for f in chapter.fields:
            if f.setback == "kind":
                out[f.id] = f.setback_option(setback.kind)
            elif f.setback == "date" and setback.date:
                out[f.id] = setback.date
            elif f.setback == "feeling" and setback.feeling is not None:
                out[f.id] = setback.feeling
        return {k: v for k, v in out.items() if v is not None}

    def _require_chapter(self, chapter_id: str) -> Chapter:
        chapter = self.chapter(chapter_id)
        if chapter is None:
            raise ValueError(f"no chapter '{chapter_id}'")
        return chapter

    def unknown_answers(self, chapter: Chapter, reflection: Reflection | None) -> dict[str, Any]:
        """Answers kept from fields this chapter no longer has."""
        if reflection is None:
            return {}
        return {k: v for k, v in reflection.answers.items() if chapter.field(k) is None and not is_empty(v)}

    # -- drafts ------------------------------------------------------------

    def save_draft(
        self, setback_id: int, chapter_id: str, answers: dict[str, Any], pending: dict[str, Any] | None = None
    ) -> None:
        """Keep what is on screen, not yet saved, so that nothing typed is lost.

        ``pending`` is text typed into a form's side inputs that is not an
        answer yet (a checklist item not added): kept beside the answers.
        """
        answers = clean_value(answers)
        pending = clean_value(pending or {})
        now = self._stamp()
        self._drafts_known.add((setback_id, chapter_id))
        found = self.store.find(DRAFTS, setback_id=setback_id, chapter_id=chapter_id)
        if found:
            if found[0].get("answers") == answers and (found[0].get("pending") or {}) == pending:
                return
            self.store.update(DRAFTS, found[0]["id"], {"answers": answers, "pending": pending, "updated": now})
        else:
            doc = {"setback_id": setback_id, "chapter_id": chapter_id, "answers": answers, "updated": now}
            if pending:
                doc["pending"] = pending
            self.store.insert(DRAFTS, doc)

    def draft(self, setback_id: int, chapter_id: str) -> Draft | None:
        found = self.store.find(DRAFTS, setback_id=setback_id, chapter_id=chapter_id)
        return _draft_of(found[0]) if found else None

    def draft_is_news(self, setback_id: int, chapter_id: str) -> bool:
        """Whether the chapter's draft is one to announce: written before the journal was opened, not yet
        announced since. Asking notes it as announced: moving back to a chapter says nothing new."""
        key = (setback_id, chapter_id)
        if key in self._drafts_known or self.draft(setback_id, chapter_id) is None:
            return False
        self._drafts_known.add(key)
        return True

    def drafts(self) -> list[Draft]:
        return sorted(
            (_draft_of(d) for d in self.store.all(DRAFTS)),
            key=lambda d: d.updated,
            reverse=True,
        )

    def discard_draft(self, setback_id: int, chapter_id: str) -> None:
        self._remove_drafts(setback_id, chapter_id)

    def _remove_drafts(self, setback_id: int, chapter_id: str) -> None:
        found = [d["id"] for d in self.store.find(DRAFTS, setback_id=setback_id, chapter_id=chapter_id)]
        if found:  # none: the journal is left as it is (its version too, which views shown again go by)
            self.store.remove(DRAFTS, found)

    # -- what chapters build on -------------------------------------------

    def answer(self, setback_id: int, ref: FieldRef) -> Any:
        """The saved answer to another chapter's field, else its draft, else None."""
        draft = self.draft(setback_id, ref.chapter)
        if draft is not None and not is_empty(draft.answers.get(ref.field)):
            return draft.answers.get(ref.field)
        saved = self.reflection(setback_id, ref.chapter)
        return None if saved is None else saved.answers.get(ref.field)

    def earlier_answers(self, setback_id: int, chapter: Chapter) -> list[EarlierAnswer]:
        """The answers this chapter builds on, in the order its front matter names them."""
        out = []
        for ref in chapter.builds_on:
            source = self.chapter(ref.chapter)
            f = source.field(ref.field) if source else None
            if source is None or f is None:
                continue
            text = format_value(f, self.answer(setback_id, ref))
            out.append(EarlierAnswer(ref, source.title, f.label, text))
        return out

    def suggestions(self, setback_id: int, chapter: Chapter, field_id: str) -> list[str]:
        """Candidate checklist items from the answers a field suggests from."""
        f = chapter.field(field_id)
        if f is None:
            return []
        out: list[str] = []
        for ref in f.suggest_from:
            source = self.chapter(ref.chapter)
            for item in candidates(
                source.field(ref.field) if source else None,
                self.answer(setback_id, ref),
            ):
                if item not in out:
                    out.append(item)
        return out

    # -- action items ------------------------------------------------------

    def _sync_actions(self, setback_id: int, chapter: Chapter, answers: dict[str, Any]) -> None:
        """Make the action items match the chapter's checklist answers."""
        old = [d["id"] for d in self.store.find(ACTIONS, setback_id=setback_id, chapter_id=chapter.id)]
        self.store.remove(ACTIONS, old)
        for f in chapter.fields:
            if f.kind != "checklist":
                continue
            items = [i for i in answers.get(f.id) or [] if isinstance(i, dict) and str(i.get("text", "")).strip()]
            for item, key in zip(items, item_keys(items), strict=True):
                self.store.insert(
                    ACTIONS,
                    {
                        "setback_id": setback_id,
                        "chapter_id": chapter.id,
                        "field_id": f.id,
                        "text": str(item["text"]).strip(),
                        "due": item.get("due") or None,
                        "done": bool(item.get("done")),
                        "item_id": key,  # stays with the item across saves (the record's id does not)
                    },
                )

    def actions(self, setback_id: int | None = None, include_done: bool = False) -> list[ActionItem]:
        docs = self.store.all(ACTIONS) if setback_id is None else self.store.find(ACTIONS, setback_id=setback_id)
        items = [from_doc(ActionItem, d) for d in docs]
        if not include_done:
            items = [a for a in items if not a.done]
        return sorted(items, key=lambda a: (a.due is None, a.due or "", a.id))

    # -- search --------------------------------------------------------------

    def search(self, query: str, limit: int = 500) -> tuple[list[SearchHit], int]:
        """Answers containing ``query`` (case-insensitive), newest first, and the total count.

        Each answer counts once, at its first match; list answers are searched line by line.
        """
        needle = clean_text(query).strip().casefold()
        if not needle:
            return [], 0
        live = {setback_id for (setback_id,) in self.store.pluck(SETBACKS, "id")}
        found = []
        for row in self._answer_texts():
            if row[0] not in live:
                continue
            at = row[3].casefold().find(needle)
            if at >= 0:
                found.append((row, at))
        found.sort(key=lambda hit: hit[0][4], reverse=True)  # newest first; equal times keep their order
        hits = [
            SearchHit(setback_id, chapter_id, field_id, text, at, at + len(needle), updated)
            for (setback_id, chapter_id, field_id, text, updated), at in found[:limit]
        ]
        return hits, len(found)

    # -- check-ins and progress -------------------------------------------

    def prepare_search(self) -> None:
        """Gather what :meth:`search` looks through now, so the first search is as quick as the next."""
        self._answer_texts()

    def _answer_texts(self) -> list[tuple[int, str, str, str, str]]:
        """Every non-empty answer as text, with where it is; kept until the reflections change.

        Searching as the person types then costs one pass over strings, not a
        pass over every record and the formatting of every list answer.
        """
        version = self.store.table_version(REFLECTIONS)
        cached = self._texts
        if cached is not None and cached[0] == version:
            return cached[1]
        texts = []
        rows = self.store.pluck(REFLECTIONS, "setback_id", "chapter_id", "answers", "updated")
        ranks = {c.id: {f.id: n for n, f in enumerate(c.fields)} for c in self.chapters}
        for setback_id, chapter_id, answers, updated in rows:
            # In the order the chapter asks them (the file keeps answers sorted by field id).
            rank = ranks.get(chapter_id, {})
            for field_id, value in sorted((answers or {}).items(), key=lambda kv: rank.get(kv[0], len(rank))):
                text = value if isinstance(value, str) else format_value(None, value)
                if text:
                    texts.append((setback_id, chapter_id, field_id, text, "" if updated is None else updated))
        self._texts = (version, texts)
        return texts

    # -- versions two machines changed differently -------------------------------

    def conflicts(self, setback_id: int | None = None, chapter_id: str | None = None) -> list[Conflict]:
        """What a merge found changed differently on two machines, both versions kept; oldest first.

        With ``setback_id`` and ``chapter_id``: only that chapter's answers.
        """
        out = []
        for doc in self.store.all(CONFLICTS):
            found = self._conflict(doc)
            if found is None:
                continue
            if setback_id is not None and (found.setback_id != setback_id or not found.answer):
                continue
            if chapter_id is not None and found.chapter_id != chapter_id:
                continue
            out.append(found)
        return sorted(out, key=lambda c: (c.found, c.id))

    def _conflict(self, doc: dict[str, Any]) -> Conflict | None:
        table, field_name = doc.get("table"), doc.get("field")
        if not isinstance(table, str) or not isinstance(field_name, str):
            return None
        record = self._record_named(table, doc.get("record_id"))
        answer_field = doc.get("answer_field")
        is_answer = field_name == "answers" and isinstance(answer_field, str)
        key = answer_field if is_answer else field_name
        assert isinstance(key, str)
        here = doc.get("ours")
        if record is not None:
            values = record.get("answers") if is_answer else record
            here = values.get(key) if isinstance(values, dict) else here
        setback = None if record is None else (record["id"] if table == SETBACKS else record.get("setback_id"))
        chapter = None if record is None else record.get("chapter_id")

        # Where and when the version in place was written: the note says, unless it changed here since the merge.
        noted = {"device": doc.get("ours_device"), "changed": doc.get("ours_changed")}
        here_from = record if record is not None and here != doc.get("ours") else noted

        return Conflict(
            id=doc["id"],
            table=table,
            field=key,
            here=here,
            other=doc.get("theirs"),
            answer=is_answer,
            record_id=None if record is None else record["id"],
            setback_id=setback if isinstance(setback, int) and not isinstance(setback, bool) else None,
            chapter_id=chapter if isinstance(chapter, str) else None,
            here_device=_text(here_from.get("device")),
            here_changed=_text(here_from.get("changed")),
            other_device=_text(doc.get("theirs_device")),
            other_changed=_text(doc.get("theirs_changed")),
            found=str(doc.get("found") or ""),
        )

    def _record_named(self, table: str, record_id: Any) -> dict[str, Any] | None:
        """The record a conflict note names: by uid, or by number (notes of the first merges)."""
        if not isinstance(record_id, str) or not record_id:
            return None
        found = self.store.find(table, uid=record_id)
        if found:
            return found[0]
        return self.store.get(table, int(record_id)) if record_id.isdigit() else None

    def resolve_conflict(self, conflict_id: int, use_other: bool) -> Any:
        """Keep one version of a conflict and let the other go; the value now in place.

        ``use_other`` puts the other machine's version in place (as a change
        made here: the next sync carries it); else the version in place stays.
        One durable write. Raises ValueError when the conflict is already resolved.
        """
        with self.store.batch():
            doc = self.store.get(CONFLICTS, conflict_id)
            found = None if doc is None else self._conflict({**doc, "id": conflict_id})
            if found is None:
                raise ValueError("that conflict is already resolved")
            value = found.here
            if use_other and found.record_id is not None:
                value = found.other
                record = self.store.get(found.table, found.record_id) or {}
                now = self._stamp()
                if found.answer:
                    answers = {**(record.get("answers") or {}), found.field: value}
                    changes: dict[str, Any] = {"answers": answers, "updated": now}
                    if found.table == REFLECTIONS:
                        changes["revision"] = int(record.get("revision") or 1) + 1
                    self.store.update(found.table, found.record_id, changes)
                    chapter = self.chapter(found.chapter_id or "")
                    if found.table == REFLECTIONS and chapter is not None and found.setback_id is not None:
                        self._sync_actions(found.setback_id, chapter, answers)
                else:
                    changes = {found.field: value}
                    if "updated" in record:
                        changes["updated"] = now
                    self.store.update(found.table, found.record_id, changes)
            elif use_other:  # the record is gone: nothing to put the other version in
                raise ValueError("the record this conflict was about is gone")
            self.store.remove(CONFLICTS, [conflict_id])
        return value

    def check_in(self, setback_id: int, rating: int, note: str = "") -> None:
        """Record how the setback feels now (0-10), with an optional word on why."""
        if isinstance(rating, bool) or not isinstance(rating, int) or not 0 <= rating <= 10:
            raise ValueError("a check-in is a number from 0 to 10")
        doc: dict[str, Any] = {"setback_id": setback_id, "rating": rating, "at": self._stamp()}
        note = clean_text(note).strip()
        if note:
            doc["note"] = note
        self.store.insert(CHECKINS, doc)

    # -- what was typed into a dialog -------------------------------------------

    def form_draft(self, form: str, setback_id: int | None = None) -> dict[str, Any] | None:
        """What was typed into a dialog (``form``: "new-setback", "edit-setback", "check-in") and not saved."""
        found = self.store.find(FORMS, form=form, setback_id=setback_id or 0)
        values = found[0].get("values") if found else None
        return dict(values) if isinstance(values, dict) else None

    def save_form_draft(self, form: str, setback_id: int | None, values: dict[str, Any]) -> None:
        """Keep what is typed into a dialog, so a dropped connection loses none of it."""
        values = clean_value(values)
        found = self.store.find(FORMS, form=form, setback_id=setback_id or 0)
        if found:
            if found[0].get("values") != values:
                self.store.update(FORMS, found[0]["id"], {"values": values, "updated": self._stamp()})
        else:
            doc = {"form": form, "setback_id": setback_id or 0, "values": values, "updated": self._stamp()}
            self.store.insert(FORMS, doc)

    def discard_form_draft(self, form: str, setback_id: int | None = None) -> None:
        found = self.store.find(FORMS, form=form, setback_id=setback_id or 0)
        if found:
            self.store.remove(FORMS, [d["id"] for d in found])

    def form_drafts(self) -> list[tuple[str, int]]:
        """(form, setback id or 0) of every dialog left with unsaved text."""
        return [(str(form), int(sid or 0)) for form, sid in self.store.pluck(FORMS, "form", "setback_id")]

    def setback_kinds(self) -> list[tuple[str, str]]:
        """(kind, label) of each setback kind: the labels of the chapter field linked to the kind, if one is."""
        for chapter in self.chapters:
            f = chapter.setback_field("kind")
            if f is not None:
                return [(kind, option) for kind, option in zip(SETBACK_KINDS, f.options, strict=True)]
        return [(kind, kind.capitalize()) for kind in SETBACK_KINDS]

    def checkins(self, setback_id: int | None = None) -> list[tuple[str, int]]:
        """(when, rating) of the check-ins, oldest first."""
        docs = self.store.all(CHECKINS) if setback_id is None else self.store.find(CHECKINS, setback_id=setback_id)
        ordered = sorted(docs, key=lambda d: (d["at"], d["id"]))  # same second: in the order recorded
        return [(d["at"], int(d["rating"])) for d in ordered]

    def progress(self, setback_id: int) -> Progress:
        """Chapters done and started of all chapters (answers to chapters no longer shipped do not count)."""
        return self.progress_all().get(setback_id) or Progress(0, 0, len(self.chapters))

    def progress_all(self) -> dict[int, Progress]:
        """Progress of every setback that has reflections, in one pass over the journal."""
        out: dict[int, Progress] = {}
        total = len(self.chapters)
        for setback_id, chapter_id, status in self.store.pluck(REFLECTIONS, "setback_id", "chapter_id", "status"):
            if chapter_id not in self._by_id:
                continue
            p = out.setdefault(setback_id, Progress(0, 0, total))
            p.started += 1
            p.done += status == "done"
        return out

    def last_opened(self) -> tuple[int, str] | None:
        """The (setback, chapter) written in most recently: where to continue."""
        keys = ("updated", "setback_id", "chapter_id")
        live = {s.id for s in self.setbacks()}
        latest = [
            (str(updated or ""), setback_id, chapter_id)
            for table in (REFLECTIONS, DRAFTS)
            for updated, setback_id, chapter_id in self.store.pluck(table, *keys)
            if setback_id in live and chapter_id in self._by_id
        ]
        if not latest:
            return None
        _, setback_id, chapter_id = max(latest)
        return setback_id, chapter_id


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _draft_of(doc: dict[str, Any]) -> Draft:
    """A stored draft; an older journal kept pending text inside the answers under ``__pending__``."""
    answers = dict(doc.get("answers") or {})
    pending = doc.get("pending") or answers.pop("__pending__", None) or {}
    return from_doc(Draft, {**doc, "answers": answers, "pending": pending if isinstance(pending, dict) else {}})


class ChapterSession:
    """A chapter open on screen for one setback: its drafts and saves, in order.

    Drafts are written from a worker thread while the person types, and a
    save can come in between: every draft takes a ticket when it is taken off
    the screen, and a draft whose ticket is older than what is already on disk
    (a newer draft, or a save) is dropped. A draft that says what the saved
    answers say removes the draft instead.
    """

    def __init__(self, workbook: Workbook, setback_id: int, chapter: Chapter) -> None:
        self.workbook = workbook
        self.setback_id = setback_id
        self.chapter = chapter
        self._issued = 0
        self._written = 0
        saved = workbook.reflection(setback_id, chapter.id)
        self.baseline: dict[str, Any] = {f.id: f.empty_value() for f in chapter.fields}
        self.baseline.update(workbook.linked_answers(setback_id, chapter))  # what naming the setback said
        if saved is not None:
            for key, value in saved.answers.items():
                f = chapter.field(key)
                if f is not None and not (
                    f.setback and is_empty(value)
                ):  # a linked field left empty shows the setback's
                    self.baseline[key] = value
        self.saved = saved

    def ticket(self) -> int:
        """A number for the next draft taken off the screen (call it on the screen's thread)."""
        self._issued += 1
        return self._issued

    def write_draft(self, ticket: int, answers: dict[str, Any], pending: dict[str, Any] | None = None) -> None:
        """Write one numbered draft; an older one than what is on disk is dropped. Raises SaveError.

        Safe from any thread.
        """
        pending = {k: v for k, v in (pending or {}).items() if v and any(v.values())}
        with self.workbook.lock:
            if ticket < self._written:
                return  # a newer draft, or a save, is already on disk
            if same_answers(answers, self.baseline) and not pending:
                self.workbook.discard_draft(self.setback_id, self.chapter.id)
            else:
                self.workbook.save_draft(self.setback_id, self.chapter.id, answers, pending)
            self._written = ticket

    def save(self, answers: dict[str, Any], done: bool) -> Reflection:
        """Save the answers (a draft still being written is older, and dropped). Raises InvalidAnswers, SaveError."""
        with self.workbook.lock:
            saved = self.workbook.save_reflection(self.setback_id, self.chapter.id, answers, done=done)
            self._issued += 1
            self._written = self._issued
        self.baseline = {**self.baseline, **{k: v for k, v in saved.answers.items() if self.chapter.field(k)}}
        self.saved = saved
        return saved

    def draft(self) -> Draft | None:
        return self.workbook.draft(self.setback_id, self.chapter.id)

    def status(self) -> str:
        return self.workbook.status(self.setback_id, self.chapter.id)


def _trashed(trash_id: int, entry: dict[str, Any]) -> TrashedSetback:
    setback = entry.get("setback") if isinstance(entry.get("setback"), dict) else {}
    records = entry.get("records") if isinstance(entry.get("records"), dict) else {}
    return TrashedSetback(
        id=trash_id,
        title=str((setback or {}).get("title", "?")),
        deleted=str(entry.get("deleted", "")),
        reflections=len((records or {}).get(REFLECTIONS) or []),
    )
