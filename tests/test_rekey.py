"""Encrypt, decrypt, a new passphrase: every file written anew, checked, then swapped; a crash leaves old or new."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tui.locations import REKEY_DIR
from tui.store import EncryptedCodec, SaveError, Store, StoreError, WrongPassphrase
from tui.store import private as private_module
from tui.store import rekey as rekey_module
from tui.store.crypto import MAGIC
from tui.workbook import Workbook

from .conftest import FAST_KDF, TEST_PASSPHRASE, Flavour, fixed_clock

MARKER = "wombat-lanyard-9031"  # a word the person typed
NEW_PASSPHRASE = "a new and longer passphrase"
PLAIN_FLAVOUR, ENCRYPTED = Flavour(False), Flavour(True)


def files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def holding_marker(folder: Path) -> list[str]:
    return [name for name, raw in files(folder).items() if MARKER.encode() in raw]


def tables(store: Store) -> dict[str, Any]:
    return {name: sorted(repr(sorted(doc.items())) for doc in store.all(name)) for name in store.db.tables()}


def populate(folder: Path, flavour: Flavour) -> dict[str, Any]:
    """A journal with saves in its log, backups, damaged copies, a screenshot and an editor's leftover file."""
    with flavour.open(folder) as s:
        s.insert("setbacks", {"title": f"Laid off {MARKER}"})
    with flavour.open(folder) as s:
        s.insert("reflections", {"setback_id": 1, "chapter_id": "first", "answers": {"what": f"I {MARKER}"}})
    session = flavour.open(folder)
    session.insert("drafts", {"setback_id": 1, "chapter_id": "second", "answers": {"plan": f"draft {MARKER}"}})
    session._storage._close_log()  # type: ignore[union-attr]  # killed: its save stays in the log
    session._storage._closed = True  # type: ignore[union-attr]
    session.close()
    assert (folder / "journal.log").exists()
    journal = (folder / "journal.json").read_bytes()
    (folder / "journal.json.damaged-20260101-000000").write_bytes(journal[: len(journal) // 2])
    (folder / "journal.log.damaged-20260101-000000").write_bytes((folder / "journal.log").read_bytes()[:-3])
    (folder / "screenshots").mkdir(mode=0o700)
    (folder / "screenshots" / "failforward_2026.svg").write_text(f"<svg><text>{MARKER}</text></svg>")
    (folder / ".edit-k2j3.md").write_text(f"left by a crash: {MARKER}")
    with flavour.open(folder) as s:
        return tables(s)


def open_with(folder: Path, passphrase: str | None) -> Store:
    return Store(folder, passphrase=None if passphrase is None else lambda: passphrase)


def test_encrypt_then_a_new_passphrase_then_decrypt_keeps_everything(tmp_path: Path) -> None:
    folder = tmp_path / "journal"
    expected = populate(folder, PLAIN_FLAVOUR)
    plain_files = files(folder)
    assert holding_marker(folder)
    with open_with(folder, None) as s:
        wb = Workbook(s, [], fixed_clock)
        done = wb.encrypt(TEST_PASSPHRASE, kdf=FAST_KDF)
        assert wb.encrypted and tables(s) == expected
        assert done.left == [] and done.unfinished is None
        assert {p.name for p in done.rewritten} >= {
            "journal.json.damaged-20260101-000000",
            "journal.log.damaged-20260101-000000",
            "failforward_2026.svg",
            ".edit-k2j3.md",
        }
        compactions = s._storage.compactions  # type: ignore[union-attr]
        wb.add_setback(f"After encrypting {MARKER}")  # saves go on, sealed, each a line of the new log
        assert s._storage.compactions == compactions  # type: ignore[union-attr]
        assert (folder / "journal.log").read_bytes().startswith(b"failforward-sealed-log 1 ")
        expected = tables(s)
    assert holding_marker(folder) == []
    assert all(raw.startswith(MAGIC) for raw in files(folder).values())
    assert not (folder / REKEY_DIR).exists()
    with pytest.raises(StoreError):
        open_with(folder, None)
    old_key = open_with(folder, TEST_PASSPHRASE)
    old_codec = old_key.codec
    assert tables(old_key) == expected
    Workbook(old_key, []).change_passphrase(NEW_PASSPHRASE, kdf=FAST_KDF)
    old_key.close()
    with pytest.raises(WrongPassphrase):
        open_with(folder, TEST_PASSPHRASE)
    for name, raw in files(folder).items():  # the old key opens no file any more
        with pytest.raises((ValueError, StoreError)):
            old_codec.decode(raw)
        assert isinstance(old_codec, EncryptedCodec) and old_codec.open_copy(raw) is None, name
    with open_with(folder, NEW_PASSPHRASE) as s:
        assert tables(s) == expected
        Workbook(s, []).decrypt()
    with open_with(folder, None) as s:
        assert tables(s) == expected and not s.codec.encrypted
    back = files(folder)
    for name in ("journal.json.damaged-20260101-000000", "journal.log.damaged-20260101-000000", ".edit-k2j3.md"):
        assert back[name] == plain_files[name]  # the bytes that were moved aside, as they were
    assert back["screenshots/failforward_2026.svg"] == plain_files["screenshots/failforward_2026.svg"]
    assert len([n for n in back if n.startswith("backups/")]) == 5


class Crash(BaseException):
    """The process dies here (kill -9, a power cut): nothing after it runs, no clean-up."""


CHANGES = {  # from, to: the passphrases (None: plain) of each change of format
    "encrypt": (None, TEST_PASSPHRASE),
    "passwd": (TEST_PASSPHRASE, NEW_PASSPHRASE),
    "decrypt": (TEST_PASSPHRASE, None),
}


def change(store: Store, to: str | None) -> None:
    wb = Workbook(store, [], fixed_clock)
    if to is None:
        wb.decrypt()
    elif wb.encrypted:
        wb.change_passphrase(to, kdf=FAST_KDF)
    else:
        wb.encrypt(to, kdf=FAST_KDF)


class Inject:
    """Make call number ``n`` of a system call fail (OSError) or crash the process (Crash); count them all."""

    def __init__(self, name: str, n: int = 0, crash: bool = False) -> None:
        self.name, self.n, self.crash, self.calls = name, n, crash, 0
        self.real = private_module.fsync_dir if name == "fsync_dir" else getattr(os, name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls == self.n:
            if self.crash:
                raise Crash()
            raise OSError(5, "Input/output error (injected)")
        return self.real(*args, **kwargs)

    def __enter__(self) -> Inject:
        if self.name == "fsync_dir":
            private_module.fsync_dir = self  # type: ignore[assignment]
            rekey_module.fsync_dir = self  # type: ignore[assignment]
        else:
            setattr(os, self.name, self)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.name == "fsync_dir":
            private_module.fsync_dir = self.real
            rekey_module.fsync_dir = self.real
        else:
            setattr(os, self.name, self.real)


def died(store: Store) -> None:
    """What is left of a session killed mid-way: its lock goes with the process, nothing else happens."""
    store._storage._close_log()  # type: ignore[union-attr]
    store._storage._closed = True  # type: ignore[union-attr]
    assert store._file_lock is not None
    store._file_lock.release()


def reopen(folder: Path, *passphrases: str | None) -> Store:
    for passphrase in passphrases:
        try:
            return open_with(folder, passphrase)
        except StoreError as exc:  # wrong passphrase, or a passphrase needed
            last = exc
    raise last


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, Any]]]:
    base = tmp_path_factory.mktemp("templates")
    return {
        "plain": (base / "plain", populate(base / "plain", PLAIN_FLAVOUR)),
        "encrypted": (base / "encrypted", populate(base / "encrypted", ENCRYPTED)),
    }


@pytest.mark.slow  # every step failing or crashing, in a child process: left out of make test-fast
@pytest.mark.parametrize("call", ["write", "fsync", "replace", "fsync_dir"])
@pytest.mark.parametrize("crash", [False, True], ids=["fails", "crashes"])
@pytest.mark.parametrize("which", list(CHANGES))
def test_a_failure_or_a_crash_at_any_step_leaves_the_old_journal_or_the_new_one(
    tmp_path: Path, templates: dict[str, tuple[Path, dict[str, Any]]], which: str, crash: bool, call: str
) -> None:
    """Every call of ``call`` in turn fails (or kills the process); the journal then opens, whole, with one passphrase.

    Before the commit nothing but journal.json's compaction has changed; after
    it, the next opening finishes the renames, and every file is in the new format.
    """
    old, new = CHANGES[which]
    template, expected = templates["plain" if old is None else "encrypted"]
    counting = tmp_path / "count"
    shutil.copytree(template, counting)
    with open_with(counting, old) as s, Inject(call) as counter:
        change(s, new)
    assert counter.calls > 0
    outcomes = set()
    for n in range(1, counter.calls + 1):
        folder = tmp_path / f"run{n}"
        shutil.copytree(template, folder)
        s = open_with(folder, old)
        before = files(folder)  # opening folds the log in and makes a backup
        try:
            with Inject(call, n, crash):
                change(s, new)
        except Crash:
            died(s)
        except SaveError as exc:
            assert "Input/output error" in str(exc), n
            s.close()
        else:
            s.close()
        with reopen(folder, old, new) as s:
            assert tables(s) == expected, n
            now_old = s.codec.encrypted == (old is not None) and (old is None or open_with_codec_fits(s, template))
        assert not (folder / REKEY_DIR).exists(), n
        outcomes.add("old" if now_old else "new")
        after = files(folder)
        if now_old:
            unchanged = {k: v for k, v in before.items() if k != "journal.json" and not k.startswith("backups/")}
            assert {k: after[k] for k in unchanged} == unchanged, n
        elif new is not None:
            assert holding_marker(folder) == [], n
            assert all(raw.startswith(MAGIC) for raw in after.values()), n
        else:  # a damaged sealed copy cannot be opened, so it stays sealed; everything else is plain
            assert [k for k, raw in after.items() if raw.startswith(MAGIC) and ".damaged-" not in k] == [], n
        shutil.rmtree(folder)
    # Writes all come before the commit; renames and flushes (of the folders too) on both sides of it.
    assert outcomes == ({"old"} if call == "write" else {"old", "new"})


def open_with_codec_fits(store: Store, template: Path) -> bool:
    """Whether ``store`` is sealed under the same header as the journal in ``template``."""
    theirs = Store(template, passphrase=lambda: TEST_PASSPHRASE)
    try:
        return store.codec.header == theirs.codec.header  # type: ignore[attr-defined]
    finally:
        theirs.close()


def test_decrypting_names_the_files_it_cannot_open_and_leaves_them_as_they_are(tmp_path: Path) -> None:
    folder = tmp_path / "journal"
    populate(folder, ENCRYPTED)
    damaged = {name: raw for name, raw in files(folder).items() if ".damaged-" in name}
    with open_with(folder, TEST_PASSPHRASE) as s:
        done = Workbook(s, []).decrypt()
    assert sorted(path.name for path, _ in done.left) == sorted(damaged)
    assert all("does not open with this passphrase" in why for _, why in done.left)
    assert {name: raw for name, raw in files(folder).items() if ".damaged-" in name} == damaged


def test_a_wrong_passphrase_leaves_an_interrupted_change_for_the_right_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash just after the commit: only the new passphrase opens the journal, and only then are the renames done."""
    folder = tmp_path / "journal"
    expected = populate(folder, PLAIN_FLAVOUR)
    s = open_with(folder, None)

    def crash(*args: object) -> None:
        raise Crash()

    with monkeypatch.context() as patched:
        patched.setattr(rekey_module, "_finish", crash)
        with pytest.raises(Crash):
            change(s, TEST_PASSPHRASE)
    died(s)
    assert (folder / REKEY_DIR / "manifest.json").exists() and holding_marker(folder)
    before = files(folder)
    for attempt in (None, "not it"):
        with pytest.raises(StoreError):
            open_with(folder, attempt)
        assert files(folder) == before
    with open_with(folder, TEST_PASSPHRASE) as s:
        assert s.report.rekey == "finished"
        assert tables(s) == expected
    assert not (folder / REKEY_DIR).exists() and holding_marker(folder) == []


def test_a_crash_before_the_commit_is_undone_at_the_next_opening(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "journal"
    expected = populate(folder, PLAIN_FLAVOUR)
    s = open_with(folder, None)

    def crash(*args: object) -> None:
        raise Crash()

    with monkeypatch.context() as patched:
        patched.setattr(rekey_module, "_commit", crash)
        with pytest.raises(Crash):
            change(s, TEST_PASSPHRASE)
    died(s)
    assert (folder / REKEY_DIR / "manifest.json").exists()
    with open_with(folder, None) as s:
        assert s.report.rekey == "undone" and not s.codec.encrypted
        assert tables(s) == expected
    assert not (folder / REKEY_DIR).exists()


def test_a_conflict_copy_that_could_not_be_merged_stops_it_before_anything_changes(tmp_path: Path) -> None:
    folder = tmp_path / "journal"
    populate(folder, PLAIN_FLAVOUR)
    copy = folder / "journal.sync-conflict-20260314-093000-ABCDEFG.json"
    copy.write_bytes(b"not a journal at all")
    with open_with(folder, None) as s:
        before = files(folder)
        with pytest.raises(StoreError, match="conflict copy"):
            Workbook(s, []).encrypt(TEST_PASSPHRASE, kdf=FAST_KDF)
        assert files(folder) == before and not s.codec.encrypted
