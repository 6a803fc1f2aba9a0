"""What sync tools leave behind, merged back into the journal with the three-way merge (:mod:`tui.store.merge`).

failforward never moves files between machines: git, Syncthing or Dropbox do.
When two copies changed apart, those tools leave either three versions (git,
through the merge driver :func:`merge_files`) or a second file beside the
journal (Syncthing's ``journal.sync-conflict-YYYYMMDD-HHMMSS-DEVICE.json``,
Dropbox's ``journal (Name's conflicted copy YYYY-MM-DD).json``), which
:func:`bring_in_conflict_copies` finds and merges when the journal is opened
(:func:`merge_conflict_copies`), writes, then moves into ``conflicts-merged/``
under its own name (:func:`put_aside`).

A conflict copy comes without the version both sides last shared, so it is
merged against an empty journal: every record on either side is kept, a
record deleted on one machine comes back if the copy still has it, and an
answer that differs is kept twice (this machine's in place, the copy's in the
conflicts table). Nothing is lost; at worst something deleted returns. A
guessed base (the newest backup, say) could make the merge read "the copy
never had this record" as "the copy deleted it" and drop it.

Every journal read here is brought to this version's schema first
(``prepare``, :func:`tui.store.journal.upgrade`): one written by a newer
failforward is refused, never merged half understood.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.locations import DB_FILE, MERGED_COPIES_DIR
from tui.store.disk import PLAIN, Codec, encode, split_token
from tui.store.errors import SaveError, StoreError
from tui.store.identity import merge_journals
from tui.store.merge import Journal, MergeResult
from tui.store.private import ensure_private_dir, reason, write_private
from tui.store.storage import DurableStorage

Prepare = Callable[[dict[str, Any]], dict[str, Any]]

_STEM, _SUFFIX = os.path.splitext(DB_FILE)
CONFLICT_COPY_PATTERNS = (
    # Syncthing: journal.sync-conflict-20260314-093000-ABCDEFG.json
    re.compile(rf"^{re.escape(_STEM)}\.sync-conflict-\d{{8}}-\d{{6}}-[A-Za-z0-9]+{re.escape(_SUFFIX)}$"),
    # Dropbox and others: journal (conflicted copy).json, journal (Sam's conflicted copy 2026-03-14).json
    re.compile(rf"^{re.escape(_STEM)} \([^()]*conflicted copy[^()]*\){re.escape(_SUFFIX)}$", re.IGNORECASE),
)


def read_data(path: Path, codec: Codec = PLAIN) -> dict[str, Any]:
    """The tables of a journal file (without journal.json's own entry); raises StoreError in one line.

    An encrypted journal's conflict copies are sealed with the same key: ``codec`` opens them.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {reason(exc)}") from exc
    try:
        data = codec.decode(raw)
    except ValueError as exc:
        why = str(exc).splitlines()[0] if str(exc) else "unreadable"
        raise StoreError(f"{path} is not a failforward journal ({why})") from exc
    split_token(data)
    return data


def merge_files(base: Path, ours: Path, theirs: Path, *, found: str, prepare: Prepare) -> MergeResult:
    """git's merge driver: merge the three versions and write the result over ``ours``, atomically.

    An empty ``base`` (git's stand-in when both sides added the file) is an
    empty journal; an empty ``ours`` or ``theirs`` is damage and refused.
    Raises StoreError (JournalTooNew for a newer schema); ``ours`` is then unchanged.
    """
    try:
        empty_base = base.stat().st_size == 0
    except OSError as exc:
        raise StoreError(f"cannot read {base}: {reason(exc)}") from exc
    b = prepare({} if empty_base else read_data(base))
    o = prepare(read_data(ours))
    t = prepare(read_data(theirs))
    result = merge_journals(b, o, t, found=found)
    try:
        write_private(ours, encode(result.data))
    except SaveError as exc:
        raise StoreError(f"the merge was not written: {exc}") from exc
    return result


def find_conflict_copies(folder: Path) -> list[Path]:
    """Conflict copies of the journal that sync tools left in ``folder``, by name."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if entry.is_file(follow_symlinks=False))
    except OSError:
        return []
    return [folder / name for name in names if any(p.match(name) for p in CONFLICT_COPY_PATTERNS)]


@dataclass(frozen=True)
class MergedCopy:
    """A conflict copy merged into the journal, and where it is now."""

    name: str
    moved_to: Path | None  # None: it could not be moved, and the next start merges it again (harmlessly)
    summary: str  # what it brought in (MergeResult.summary)
    conflicts: int  # answers that differed, the copy's version kept in the conflicts table


@dataclass(frozen=True)
class UnmergedCopy:
    """A conflict copy left where it is, and why."""

    path: Path
    reason: str


@dataclass
class CopiesMerged:
    """The journal with the conflict copies merged in (``data`` None when none was)."""

    data: Journal | None = None
    merged: list[tuple[Path, MergeResult]] = field(default_factory=list)
    unmerged: list[UnmergedCopy] = field(default_factory=list)


def merge_conflict_copies(
    folder: Path, journal: dict[str, Any], *, found: str, prepare: Prepare, codec: Codec = PLAIN
) -> CopiesMerged:
    """Merge each conflict copy in ``folder`` into ``journal`` (not changed); nothing is written or moved.

    Write ``data`` first, then :func:`put_aside` the copies: a crash in
    between merges them again next time, which changes nothing more.
    """
    outcome = CopiesMerged()
    copies = find_conflict_copies(folder)
    if not copies:
        return outcome
    try:
        current = prepare(journal)
    except StoreError as exc:
        outcome.unmerged = [UnmergedCopy(path, str(exc)) for path in copies]
        return outcome
    for path in copies:
        try:
            theirs = prepare(read_data(path, codec))
        except StoreError as exc:
            outcome.unmerged.append(UnmergedCopy(path, str(exc)))
            continue
        result = merge_journals({}, current, theirs, found=found)
        current = result.data
        outcome.merged.append((path, result))
    if outcome.merged:
        outcome.data = current
    return outcome


def put_aside(folder: Path, merged: list[tuple[Path, MergeResult]]) -> list[MergedCopy]:
    """Move merged copies into ``conflicts-merged/`` under their own names (never over an earlier one)."""
    target_dir = folder / MERGED_COPIES_DIR
    out = []
    for path, result in merged:
        target = target_dir / path.name
        n = 1
        while target.exists():
            n += 1
            target = target_dir / f"{path.name}.{n}"
        moved_to: Path | None = target
        try:
            ensure_private_dir(target_dir)
            os.replace(path, target)
        except (OSError, StoreError):
            moved_to = None
        out.append(MergedCopy(path.name, moved_to, result.summary(), len(result.conflicts)))
    return out


def bring_in_conflict_copies(
    storage: DurableStorage, *, found: str, prepare: Prepare
) -> tuple[list[MergedCopy], list[UnmergedCopy]]:
    """Merge the conflict copies beside the journal into it, write it whole, then move the copies aside.

    If the journal cannot be written it stays as it was and the copies stay
    where they are, to be merged next time.
    """
    folder = storage.path.parent
    outcome = merge_conflict_copies(folder, storage.read() or {}, found=found, prepare=prepare, codec=storage.codec)
    if outcome.data is None:
        return [], outcome.unmerged
    try:
        storage.replace_all(outcome.data)
    except SaveError as exc:
        return [], outcome.unmerged + [UnmergedCopy(path, f"not merged: {exc}") for path, _ in outcome.merged]
    return put_aside(folder, outcome.merged), outcome.unmerged
