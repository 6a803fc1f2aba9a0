"""Who a record is, wherever it is copied: its ``uid``, its last change (``changed``) and this machine (``device``).

Inside one journal, records keep TinyDB's small numbers (``id``): the CLI
shows them (``--setback 3``) and child records name their setback by one
(``setback_id``). Those numbers are this copy's alone: two machines adding a
setback between two syncs both call it 3. What says which record is which
across copies is the ``uid`` every record carries (a UUID), so the merge
works on uids (:func:`merge_journals`): each side's tables are keyed by uid
and their links (``setback_id``) translated into uids, the three-way merge of
:mod:`tui.store.merge` runs on that, and the result gets numbers again, ours
where ours had the record.

Records written before uids existed get one from :func:`stable_uid`: a
UUID5 of the table, the old number and the record's creation time, so the
same journal migrated on two machines gives the same uids and two clones of
it still merge.

The device id is this machine's, kept in the state folder (never synced):
a short host name and a random part, made once.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import socket
import time
import uuid
from typing import Any, Final

from tui.locations import state_dir
from tui.store.errors import StoreError
from tui.store.merge import CONFLICTS, META, PARENT_KEY, PARENTS, Journal, MergeResult, Record, merge
from tui.store.private import ensure_private_dir, write_private

UID: Final = "uid"
CHANGED: Final = "changed"
DEVICE: Final = "device"
NAMESPACE: Final = uuid.UUID("7d3c0f52-5a39-4a8e-9a47-3f1b6c2f1e11")  # failforward's UUID5 namespace
DEVICE_FILE: Final = "device"
LINKED: Final = frozenset({"reflections", "drafts", "actions", "checkins", "forms"})  # their setback_id names a setback
_STAMPS: Final = ("created", "at", "deleted")  # a record's first time, whichever it has


def new_uid() -> str:
    """A new record's uid: a random UUID."""
    return str(uuid.uuid4())


def stable_uid(table: str, old_id: str | int, record: Any) -> str:
    """The uid of a record that had none: the same on every machine for the same table, number and creation time.

    A conflict note's number is already made from what it holds: it is its uid.
    """
    if table == CONFLICTS:
        return str(old_id)
    stamp = ""
    if isinstance(record, dict):
        for key in _STAMPS:
            value = record.get(key)
            if isinstance(value, str) and value:
                stamp = value
                break
    return str(uuid.uuid5(NAMESPACE, f"{table}\x00{old_id}\x00{stamp}"))


def uid_of(table: str, old_id: str | int, record: Any) -> str:
    """A record's uid: its own, else the one :func:`stable_uid` gives it."""
    found = record.get(UID) if isinstance(record, dict) else None
    return found if isinstance(found, str) and found else stable_uid(table, old_id, record)


def add_uids(data: dict[str, Any]) -> None:
    """Give every record without a uid its stable one, in place (schema 1 to 2).

    Deleted setbacks in the trash hold their records as they were: those get
    the uid the record would have had, so a restored setback is the same
    record on every machine.
    """
    for table, docs in data.items():
        if table == META or not isinstance(docs, dict):
            continue
        for old_id, doc in docs.items():
            if not isinstance(doc, dict):
                continue
            if not doc.get(UID):
                doc[UID] = stable_uid(table, old_id, doc)
            if table == "trash":
                _uids_in_trash(doc)


def _uids_in_trash(entry: dict[str, Any]) -> None:
    setback = entry.get("setback")
    if isinstance(setback, dict) and not setback.get(UID):
        setback[UID] = stable_uid(PARENTS, setback.get("id", ""), setback)
    records = entry.get("records")
    if not isinstance(records, dict):
        return
    for table, docs in records.items():
        for doc in docs if isinstance(docs, list) else []:
            if isinstance(doc, dict) and not doc.get(UID):
                doc[UID] = stable_uid(table, doc.get("id", ""), doc)


def stamp_now(clock: float) -> str:
    """A change's time, in UTC to the millisecond (comparable across machines)."""
    seconds = int(clock)
    millis = int((clock - seconds) * 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}Z"


# -- this machine ------------------------------------------------------------------

_device: dict[str, str] = {}


def device_id() -> str:
    """This machine's id, made once and kept in the state folder; "" when that folder cannot be written.

    Never fails: a journal opens whether or not the id can be kept (it is
    then made again, and differs, next time).
    """
    folder = state_dir()
    key = os.fspath(folder)
    if key in _device:
        return _device[key]
    path = folder / DEVICE_FILE
    found = ""
    with contextlib.suppress(OSError):
        found = path.read_text(encoding="utf-8").strip()
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,64}", found):
        host = re.sub(r"[^A-Za-z0-9-]", "", socket.gethostname().split(".")[0])[:20] or "machine"
        found = f"{host}-{secrets.token_hex(4)}"
        try:
            ensure_private_dir(folder)
            write_private(path, (found + "\n").encode())
        except (OSError, StoreError):
            pass  # an id that is not kept is still an id
    _device[key] = found
    return found


# -- the merge on uids ------------------------------------------------------------


def _keyed(data: Journal) -> tuple[Journal, dict[str, dict[str, str]]]:
    """The journal with tables keyed by uid and setback_id as the setback's uid; and each table's uid -> number."""
    numbers: dict[str, dict[str, str]] = {}
    parents = {old: uid_of(PARENTS, old, rec) for old, rec in data.get(PARENTS, {}).items()}
    out: Journal = {}
    for table, docs in data.items():
        if table == META:
            out[table] = docs
            continue
        keyed: dict[str, Record] = {}
        where: dict[str, str] = {}
        for old, rec in docs.items():
            uid = uid_of(table, old, rec)
            while uid in keyed:  # the same uid twice in one copy (hand-edited): both kept
                uid = str(uuid.uuid5(NAMESPACE, f"{table}\x00{old}\x00{uid}"))
            rec = {**rec, UID: uid}
            parent = rec.get(PARENT_KEY)
            if table in LINKED and not isinstance(parent, (bool, dict, list)) and str(parent) in parents:
                rec[PARENT_KEY] = parents[str(parent)]
            keyed[uid] = rec
            where[uid] = old
        out[table] = keyed
        numbers[table] = where
    return out, numbers


def _numbered(data: Journal, *sides: dict[str, dict[str, str]]) -> Journal:
    """The merged journal numbered again: each record keeps the number of the first side that has it, if free."""
    out: Journal = {}
    parents: dict[str, int] = {}
    for table in sorted(data, key=lambda name: name != PARENTS):  # setbacks first: their children name them
        docs = data[table]
        if table == META:
            out[table] = docs
            continue
        taken: dict[int, str] = {}
        placed: set[str] = set()
        for side in sides:  # ours first, then theirs, then base
            numbers = side.get(table, {})
            for uid in sorted(docs):
                old = numbers.get(uid)
                if uid not in placed and old is not None and old.isdigit() and int(old) not in taken:
                    taken[int(old)] = uid
                    placed.add(uid)
        pending = [uid for uid in sorted(docs) if uid not in placed]
        nxt = max(taken, default=0) + 1
        for uid in pending:
            taken[nxt] = uid
            nxt += 1
        table_out: dict[str, Record] = {}
        for number in sorted(taken):
            table_out[str(number)] = docs[taken[number]]
        if table == PARENTS:
            parents = {uid: number for number, uid in taken.items()}
        out[table] = table_out
    for table in LINKED & set(out):
        for key, rec in out[table].items():
            parent = rec.get(PARENT_KEY)
            if isinstance(parent, str) and parent in parents:
                out[table][key] = {**rec, PARENT_KEY: parents[parent]}
    return out


def merge_journals(base: Journal, ours: Journal, theirs: Journal, *, found: str = "") -> MergeResult:
    """Merge ``theirs`` into ``ours`` (both changed from ``base``) record by record, records matched by uid.

    Ours keep their numbers; records only theirs had keep theirs where free
    and get the next free number otherwise, their children following them.
    Conflict notes name the record by its uid.
    """
    kb, nb = _keyed(base)
    ko, no = _keyed(ours)
    kt, nt = _keyed(theirs)
    result = merge(kb, ko, kt, found=found)
    for table, docs in result.data.items():
        if table == META:
            continue
        for uid, rec in docs.items():
            if rec.get(UID) != uid:  # a conflict note, or two records folded into one: its key is its uid
                docs[uid] = {**rec, UID: uid}
    result.data = _numbered(result.data, no, nt, nb)
    return result
