"""A journal folder written anew under another codec: encrypted, decrypted, or sealed with a new passphrase.

Every file of the folder that holds the person's words is written in the new
format into a staging folder (:data:`~tui.locations.REKEY_DIR`, inside the
data folder, so every rename stays on one file system), each one flushed,
read back and checked against what it must hold. A manifest then names where
each staged file goes. Renaming the staged ``journal.json`` over the journal
is the one step that decides (the commit); the backups and copies follow it
by renames. So a crash at any moment leaves:

* before the commit: the old files untouched (they open with the old
  passphrase); the staging folder is removed at the next opening;
* after it: the new ``journal.json`` (it opens with the new passphrase); the
  next opening finishes the renames from the manifest, which needs no key.

Which files, and how each is written again:

* ``journal.json``: the journal as the session holds it (the caller folds the
  log in first, so no ``journal.log`` is left in the old format);
* ``backups/journal-*.json`` and ``conflicts-merged/*``: journals, decoded
  with the old codec (or as plain JSON) and encoded with the new one; a fresh
  backup of the new journal is added, so the newest backup (which decides the
  folder's format when ``journal.json`` is missing) is in the new format;
* ``journal.json.damaged-*``, ``journal.log.damaged-*``, ``screenshots/*`` and
  editor files a crash left (``.edit-*``): any bytes, sealed whole
  (:meth:`~tui.store.sealed.EncryptedCodec.seal_copy`) when the new format is
  encrypted, and given back as they were when it is plain.

A file that cannot be read with the current passphrase (damaged sealed bytes,
or sealed with another key) cannot be decrypted: it is sealed whole again
under the new key when the new format is encrypted, and otherwise left as it
is, and :class:`Recoded` names it.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from tui.locations import (
    BACKUP_DIR,
    DB_FILE,
    EDIT_PREFIX,
    LOG_FILE,
    MERGED_COPIES_DIR,
    REKEY_DIR,
    SCREENSHOTS_DIR,
)
from tui.store.crypto import is_encrypted
from tui.store.disk import BASE_KEY, PLAIN, Codec, backup_paths
from tui.store.errors import SaveError, StoreError
from tui.store.private import ensure_private_dir, fsync_dir, reason, write_private
from tui.store.sealed import SEALED_LOG_MAGIC, EncryptedCodec

MANIFEST = "manifest.json"

Check = Callable[[bytes], bool]


@dataclass
class Recoded:
    """What a change of format wrote, and what it could not."""

    journal: Path
    rewritten: list[Path] = field(default_factory=list)  # besides journal.json: backups, copies, screenshots
    backup: Path | None = None  # the new backup of the journal as it now is (the newest, in the new format)
    left: list[tuple[Path, str]] = field(default_factory=list)  # files left as they were, and why
    unfinished: str | None = None  # why some files are not in place yet (the next opening puts them there)
    token: str = ""  # the new journal.json's name for itself
    size: int = 0  # its size in bytes

    def summary(self) -> str:
        """ "the journal, 5 backups and 2 other files", for a one-line message."""
        backups = sum(1 for path in self.rewritten if path.parent.name == BACKUP_DIR)
        others = len(self.rewritten) - backups
        parts = ["the journal"]
        if backups:
            parts.append(f"{backups} backup{'s' if backups != 1 else ''}")
        if others:
            parts.append(f"{others} other file{'s' if others != 1 else ''}")
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass
class _Staged:
    target: Path
    payload: bytes
    check: Check


def _roundtrip(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` as it reads back from any journal file: what a written file is compared with."""
    parsed = orjson.loads(orjson.dumps(data))
    assert isinstance(parsed, dict)
    return parsed


def _journal_files(folder: Path) -> list[Path]:
    """Files that hold whole journals: the rolling backups and the conflict copies already merged."""
    merged = folder / MERGED_COPIES_DIR
    copies = sorted(p for p in merged.iterdir() if p.is_file() and not p.is_symlink()) if merged.is_dir() else []
    return [*backup_paths(folder), *copies]


def _other_files(folder: Path) -> list[Path]:
    """Files that hold the person's words in any shape: damaged copies, screenshots, an editor's leftovers."""
    found = [
        p
        for p in folder.iterdir()
        if p.is_file()
        and not p.is_symlink()
        and (
            p.name.startswith((f"{DB_FILE}.damaged-", f"{LOG_FILE}.damaged-"))
            or (p.name.startswith(EDIT_PREFIX) and len(p.name) > len(EDIT_PREFIX))
        )
    ]
    shots = folder / SCREENSHOTS_DIR
    if shots.is_dir():
        found += [p for p in shots.iterdir() if p.is_file() and not p.is_symlink()]
    return sorted(found)


def _journal_file(path: Path, raw: bytes, old: Codec, new: Codec) -> _Staged | bool:
    """A whole journal file in the new format; True when it already is (plain to plain), False when unreadable."""
    for codec in (old, PLAIN) if old is not PLAIN else (PLAIN,):
        try:
            data = codec.decode(raw)
        except (ValueError, StoreError):
            continue
        if codec is PLAIN and new is PLAIN:
            return True
        return _Staged(path, new.encode(data), _decodes_to(new, _roundtrip(data)))
    return False


def _decodes_to(codec: Codec, expected: dict[str, Any]) -> Check:
    """A check that a written journal file decodes, with ``codec``, to ``expected``."""
    return lambda written: codec.decode(written) == expected


def _any_file(path: Path, raw: bytes, old: Codec, new: Codec) -> _Staged | str | None:
    """Any bytes in the new format: a _Staged, None when it already is, or why it has to stay as it is."""
    inner = old.open_copy(raw) if isinstance(old, EncryptedCodec) else None
    plain = raw if inner is None else inner
    if isinstance(new, EncryptedCodec):
        return _Staged(path, new.seal_copy(plain), lambda written: new.open_copy(written) == plain)
    if inner is None:
        if is_encrypted(raw) or raw.startswith(SEALED_LOG_MAGIC):
            return "sealed, and it does not open with this passphrase (damaged, or sealed with another one)"
        return None
    return _Staged(path, plain, lambda written: written == plain)


def _write_checked(path: Path, payload: bytes, check: Check) -> None:
    """Write ``payload`` durably (mode 0600), then read it back: it must say what it was meant to."""
    write_private(path, payload)
    try:
        written = path.read_bytes()
    except OSError as exc:
        raise SaveError(f"not saved: {reason(exc)} (reading back {path.name})") from exc
    try:
        fine = check(written)
    except (ValueError, StoreError):
        fine = False
    if not fine:
        raise SaveError(f"not saved: {path.name} did not read back as it was written")


def recode_folder(folder: Path, data: dict[str, Any], old: Codec, new: Codec, clock: Callable[[], float]) -> Recoded:
    """Write the journal folder ``folder`` anew under ``new`` (see the module's docstring); the caller holds the lock.

    ``data`` is the whole journal as the session holds it; ``old`` is how its
    files are written now. Returns after the commit, with the files renamed
    into place (:attr:`Recoded.unfinished` says why some are not, if so: the
    next opening finishes them). Raises :class:`SaveError` before the commit,
    and then nothing in ``folder`` has changed (the staging folder is removed).
    """
    folder = Path(folder)
    finish_interrupted(folder)  # a change of format a crash cut short, first
    staging = folder / REKEY_DIR
    token = secrets.token_hex(8)
    result = Recoded(folder / DB_FILE, token=token)
    try:
        ensure_private_dir(staging)
        whole = {**data, BASE_KEY: {"1": {"token": token}}}
        payload = new.encode(whole)
        result.size = len(payload)
        journal_check = _decodes_to(new, _roundtrip(whole))
        _write_checked(staging / DB_FILE, payload, journal_check)
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(clock()))
        fresh = folder / BACKUP_DIR / f"journal-{stamp}-{time.time_ns() % 10**9:09d}.json"
        staged: list[_Staged] = [_Staged(fresh, payload, journal_check)]
        for path in _journal_files(folder):
            raw = path.read_bytes()
            outcome: _Staged | bool | str | None = _journal_file(path, raw, old, new)
            if outcome is False:  # not a journal this passphrase opens: kept whole, as any other file
                outcome = _any_file(path, raw, old, new)
            _sort(path, outcome, staged, result)
        for path in _other_files(folder):
            _sort(path, _any_file(path, path.read_bytes(), old, new), staged, result)
        manifest: dict[str, str] = {}
        for number, item in enumerate(staged):
            _write_checked(staging / str(number), item.payload, item.check)
            manifest[str(number)] = item.target.relative_to(folder).as_posix()
        write_private(staging / MANIFEST, json.dumps({"files": manifest}).encode())
        _commit(folder, staging)
    except BaseException as exc:
        if isinstance(exc, Exception):  # a crash (anything else) leaves the staging folder to the next opening
            with contextlib.suppress(OSError):
                shutil.rmtree(staging)
        if isinstance(exc, OSError):
            raise SaveError(f"not saved: {reason(exc)}") from exc
        raise
    result.backup = fresh
    result.rewritten = [folder / target for target in manifest.values() if folder / target != fresh]
    try:
        _finish(folder, staging)
    except (OSError, StoreError) as exc:
        result.unfinished = reason(exc) if isinstance(exc, OSError) else str(exc)
    return result


def _sort(path: Path, outcome: _Staged | bool | str | None, staged: list[_Staged], result: Recoded) -> None:
    """A file to write (staged), one to leave with the reason why (a string), or one already right."""
    if isinstance(outcome, _Staged):
        staged.append(outcome)
    elif isinstance(outcome, str):
        result.left.append((path, outcome))


def _commit(folder: Path, staging: Path) -> None:
    """Rename the staged journal over journal.json; if the folder cannot be flushed, put the old one back."""
    journal = folder / DB_FILE
    previous = staging / "previous"
    kept = False
    with contextlib.suppress(OSError):
        os.link(journal, previous)
        kept = True
    os.replace(staging / DB_FILE, journal)
    try:
        fsync_dir(folder)
    except OSError:
        if kept:
            with contextlib.suppress(OSError):
                os.replace(previous, journal)
        raise
    with contextlib.suppress(OSError):
        previous.unlink()


def _finish(folder: Path, staging: Path) -> None:
    """Rename every staged file over its target (the commit is done), then remove the staging folder."""
    manifest = json.loads((staging / MANIFEST).read_bytes())
    folders = {folder}
    for name, target in manifest["files"].items():
        source = staging / name
        if not source.exists():  # renamed before a crash
            continue
        destination = folder / target
        if destination.parent != folder:
            ensure_private_dir(destination.parent)
        os.replace(source, destination)
        folders.add(destination.parent)
    for touched in folders:
        fsync_dir(touched)
    shutil.rmtree(staging)
    fsync_dir(folder)


def finish_interrupted(folder: Path) -> str | None:
    """Finish, or undo, a change of format a crash cut short; "finished", "undone", or None when there was none.

    Committed (the staged journal is gone from the staging folder, its
    manifest is there): the remaining renames are done. Otherwise the staging
    folder is removed and the old files, never touched, stay. Needs no key.
    Raises StoreError when the files cannot be moved.
    """
    staging = Path(folder) / REKEY_DIR
    if not staging.is_dir() or staging.is_symlink():
        return None
    try:
        if (staging / MANIFEST).is_file() and not (staging / DB_FILE).exists():
            _finish(Path(folder), staging)
            return "finished"
        shutil.rmtree(staging)
        return "undone"
    except (OSError, ValueError, KeyError, StoreError) as exc:
        why = reason(exc) if isinstance(exc, OSError) else str(exc)
        raise StoreError(f"cannot finish the change of passphrase left in {staging}: {why}") from exc
