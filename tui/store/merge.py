"""Three-way merge of two journals that changed apart: record by record, field by field, answer by answer.

Two copies of one journal (a laptop and a remote box, kept in step by git or
Syncthing) each change on their own; :func:`merge` brings them together from
the state they last shared (``base``). Journals are plain dicts,
``{table: {record_id: record}}``, and record ids must be globally unique (the
same id on both sides means the same record): the journal's records are
keyed by their uids for this (:func:`tui.store.identity.merge_journals`).

The rules, chosen so that nothing anyone typed disappears:

* A record or field changed on one side only is taken; changed the same way on
  both sides, it is taken once.
* The same field (for reflections and drafts: the same answer) changed
  differently on both sides keeps ours in place and preserves theirs as a note
  in the ``conflicts`` table (:func:`conflict_note`), for the app to show and
  resolve; the note names both versions' device and time of change
  (``ours_device``, ``ours_changed``, ``theirs_device``, ``theirs_changed``), so
  the app can show which came later. Bookkeeping fields never conflict: ``changed`` and ``updated`` take
  the later time, ``created`` the earlier, ``revision`` the higher, ``device``
  goes with the later change, and ``meta``'s ``schema`` is the higher version.
* A deletion wins only over a record the other side left unchanged: a record
  deleted on one side and changed on the other is kept, with its changes (an
  answer likewise).
* Records added on both sides are all kept. Two reflections (or drafts) added
  for the same setback and chapter, one on each side, become one (the smaller
  id), their answers merged as above, since the app shows one per chapter.
* No orphans: a setback deleted on one side while the other side wrote under
  it (child records name it in ``setback_id``) is kept.

Pure: no files, no clock (the caller says when the merge happened, ``found``),
no Textual. The result is deterministic: the same inputs give the same bytes
once serialised with sorted keys (conflict notes get ids derived from what
they hold, so merging the same copy twice notes a conflict once).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import orjson

Record = dict[str, Any]
Table = dict[str, Record]
Journal = dict[str, Table]
_Key = tuple[tuple[str, Any], ...]

CONFLICTS: Final = "conflicts"  # the table of preserved versions
PARENTS: Final = "setbacks"
PARENT_KEY: Final = "setback_id"
META: Final = "meta"
SCHEMA: Final = "schema"
ANSWERS: Final = "answers"
ANSWER_TABLES: Final = frozenset({"reflections", "drafts"})  # their ``answers`` merge answer by answer
ONE_PER_CHAPTER: Final = {"reflections": ("setback_id", "chapter_id"), "drafts": ("setback_id", "chapter_id")}
LATEST: Final = frozenset({"changed", "updated"})
EARLIEST: Final = frozenset({"created"})
HIGHEST: Final = frozenset({"revision"})
DEVICE: Final = "device"
CHANGED: Final = "changed"
IDENTITY: Final = "uid"  # a record's uid: the key it is merged under, never a conflict

NOUNS: Final = {
    "setbacks": ("setback", "setbacks"),
    "reflections": ("reflection", "reflections"),
    "drafts": ("draft", "drafts"),
    "actions": ("action item", "action items"),
    "checkins": ("check-in", "check-ins"),
}


class _Missing:
    """A key absent from a record (distinct from a stored ``null``)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()


@dataclass
class MergeResult:
    """The merged journal and what the merge did, compared with ours."""

    data: Journal
    conflicts: list[Record] = field(default_factory=list)  # notes this merge added (also in data["conflicts"])
    added: dict[str, int] = field(default_factory=dict)  # by table: records that ours did not have
    changed: dict[str, int] = field(default_factory=dict)  # by table: records of ours that are now different
    deleted: dict[str, int] = field(default_factory=dict)  # by table: records of ours that are gone
    kept_parents: int = 0  # setbacks deleted on one side, kept because the other side wrote under them

    @property
    def brought_in(self) -> int:
        """How many records differ from ours (added, changed or deleted)."""
        return sum(self.added.values()) + sum(self.changed.values()) + sum(self.deleted.values())

    def summary(self) -> str:
        """One line: what the other side brought in, and how many conflicts were kept."""
        parts = []
        for table in sorted({*self.added, *self.changed, *self.deleted}, key=_table_order):
            for verb, counts in (("added", self.added), ("changed", self.changed), ("deleted", self.deleted)):
                if counts.get(table):
                    parts.append(f"{_count(counts[table], table)} {verb}")
        text = ", ".join(parts) if parts else "nothing new from the other side"
        if self.conflicts:
            n = len(self.conflicts)
            text += (
                f"; {n} {'answer' if n == 1 else 'answers'} changed on both sides: "
                "both versions kept (the other side's in the conflicts table, shown in the app)"
            )
        return text


def _table_order(table: str) -> tuple[int, str]:
    order = list(NOUNS)
    return (order.index(table) if table in order else len(order), table)


def _count(n: int, table: str) -> str:
    one, many = NOUNS.get(table, (f"{table} record", f"{table} records"))
    return f"{n} {one if n == 1 else many}"


def same(a: Any, b: Any) -> bool:
    """Equal as JSON values: ``1``, ``1.0`` and ``true`` differ, as they do in the file.

    Python's ``==`` says they are equal, so values it finds equal are compared
    once more as JSON (orjson, with sorted keys: about a microsecond a record).
    """
    if a is b:
        return True
    if a != b:
        return False
    try:
        return orjson.dumps(a, option=orjson.OPT_SORT_KEYS) == orjson.dumps(b, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # not JSON (a number too large for orjson, say): compare by hand
        return _same_by_hand(a, b)


def _same_by_hand(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same_by_hand(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(_same_by_hand(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def conflict_note(
    table: str,
    record_id: str,
    field_name: str,
    answer_field: str | None,
    ours: Any,
    theirs: Any,
    theirs_record: Mapping[str, Any],
    found: str,
    ours_record: Mapping[str, Any] | None = None,
) -> tuple[str, Record]:
    """A conflict record and its id: which value stayed in place (ours) and the one preserved (theirs).

    The id is decimal digits derived from what the note holds (not from
    ``found``): the same disagreement is noted once however often it is
    merged, and a journal whose other ids are numbers can still read it.
    """
    key = json.dumps([table, record_id, field_name, answer_field, ours, theirs], sort_keys=True, ensure_ascii=True)
    note_id = str(int(hashlib.sha256(key.encode()).hexdigest()[:15], 16))
    return note_id, {
        "table": table,
        "record_id": record_id,
        "field": field_name,
        "answer_field": answer_field,
        "ours": ours,
        "theirs": theirs,
        "theirs_device": theirs_record.get(DEVICE),
        "theirs_changed": theirs_record.get(CHANGED),
        "ours_device": (ours_record or {}).get(DEVICE),
        "ours_changed": (ours_record or {}).get(CHANGED),
        "found": found,
    }


class _Merger:
    def __init__(self, found: str) -> None:
        self.found = found
        self.notes: dict[str, Record] = {}

    # -- values ---------------------------------------------------------------

    def value(self, b: Any, o: Any, t: Any) -> tuple[Any, bool]:
        """The merged value of one field, and whether both sides changed it differently (ours kept)."""
        if same(o, t) or same(t, b):
            return o, False
        if same(o, b):
            return t, False
        if o is MISSING:  # deleted on our side, changed on theirs: the change is kept
            return t, False
        if t is MISSING:
            return o, False
        return o, True

    def stamp(self, key: str, o: Any, t: Any, o_rec: Mapping[str, Any], t_rec: Mapping[str, Any]) -> Any:
        """A bookkeeping field both sides changed: decided by a rule, never a conflict."""
        if key == DEVICE:
            later = max((_text(o_rec.get(CHANGED)), _text(o)), (_text(t_rec.get(CHANGED)), _text(t)))
            return o if later == (_text(o_rec.get(CHANGED)), _text(o)) else t
        if type(o) is not type(t) or not isinstance(o, (str, int)) or isinstance(o, bool):
            return o
        if key in EARLIEST:
            return min(o, t)
        return max(o, t)

    # -- records ----------------------------------------------------------------

    def record(self, table: str, rid: str, b: Record | None, o: Record | None, t: Record | None) -> Record | None:
        if o is None and t is None:
            return None
        if b is None:
            if o is None or t is None:
                return o if t is None else t  # added on one side
            return self.fields(table, rid, {}, o, t)  # the same id added on both sides
        if o is None:
            return None if t is None or same(t, b) else t  # a deletion wins only over an unchanged record
        if t is None:
            return None if same(o, b) else o
        if same(o, t) or same(t, b):
            return o
        if same(o, b):
            return t
        return self.fields(table, rid, b, o, t)

    def fields(self, table: str, rid: str, b: Record, o: Record, t: Record) -> Record:
        """Both sides changed a record: merge it field by field (answers answer by answer)."""
        out: Record = {}
        for key in sorted({*b, *o, *t}):
            bv, ov, tv = b.get(key, MISSING), o.get(key, MISSING), t.get(key, MISSING)
            if table == META and key == SCHEMA:
                versions = [v for v in (ov, tv) if isinstance(v, int) and not isinstance(v, bool)]
                merged = max(versions) if versions else self.value(bv, ov, tv)[0]
            elif table in ANSWER_TABLES and key == ANSWERS and _answers(ov) and _answers(tv):
                merged = self.answers(table, rid, bv if _answers(bv) else {}, ov, tv, o, t)
            else:
                merged, clash = self.value(bv, ov, tv)
                if clash and key == IDENTITY:  # two records folded into one: the caller says which uid it keeps
                    pass
                elif clash and (key in LATEST or key in EARLIEST or key in HIGHEST or key == DEVICE):
                    merged = self.stamp(key, ov, tv, o, t)
                elif clash and table != CONFLICTS:  # two notes of one disagreement: one is enough
                    self.note(table, rid, key, None, ov, tv, o, t)
            if merged is not MISSING:
                out[key] = merged
        return out

    def answers(self, table: str, rid: str, b: Record, o: Record, t: Record, o_rec: Record, t_rec: Record) -> Record:
        out: Record = {}
        for key in sorted({*b, *o, *t}):
            ov, tv = o.get(key, MISSING), t.get(key, MISSING)
            merged, clash = self.value(b.get(key, MISSING), ov, tv)
            if clash:
                self.note(table, rid, ANSWERS, key, ov, tv, o_rec, t_rec)
            if merged is not MISSING:
                out[key] = merged
        return out

    def note(
        self, table: str, rid: str, key: str, answer: str | None, o: Any, t: Any, o_rec: Record, t_rec: Record
    ) -> None:
        note_id, note = conflict_note(table, rid, key, answer, o, t, t_rec, self.found, o_rec)
        self.notes.setdefault(note_id, note)

    # -- after the records ------------------------------------------------------

    def one_per_chapter(self, out: Journal, ours: Journal, theirs: Journal) -> None:
        """Two records for one setback and chapter, one added on each side, become one (the smaller id)."""
        for table, key_fields in ONE_PER_CHAPTER.items():
            merged = out.get(table)
            if not merged:
                continue
            for mine, other in _pairs(merged, ours.get(table, {}), theirs.get(table, {}), key_fields):
                keep, gone = min(mine, other), max(mine, other)
                merged[keep] = self.fields(table, keep, {}, merged[mine], merged[other])
                del merged[gone]

    def keep_parents(self, out: Journal, ours: Journal, theirs: Journal) -> int:
        """Setbacks deleted on one side that the other side wrote under: kept (no orphans)."""
        parents = out.get(PARENTS, {})
        kept = 0
        for table in sorted(out):
            if table in (PARENTS, CONFLICTS):  # a note about a record is not writing under its setback
                continue
            for rec in out[table].values():
                parent = rec.get(PARENT_KEY)
                if parent is None or isinstance(parent, (dict, list)) or str(parent) in parents:
                    continue
                source = ours.get(PARENTS, {}).get(str(parent)) or theirs.get(PARENTS, {}).get(str(parent))
                if source is not None:
                    parents[str(parent)] = source
                    out[PARENTS] = parents
                    kept += 1
        return kept


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _answers(value: Any) -> bool:
    return isinstance(value, dict)


def _natural(rec: Record, key_fields: tuple[str, ...]) -> tuple[tuple[str, Any], ...] | None:
    """The record's setback and chapter (with their types: 1 and "1" differ), or None if it names none."""
    values = [rec.get(k) for k in key_fields]
    if any(v is None or isinstance(v, (dict, list)) for v in values):
        return None
    return tuple((type(v).__name__, v) for v in values)


def _by_key(table: Table, key_fields: tuple[str, ...]) -> dict[_Key, list[str]]:
    found: dict[_Key, list[str]] = defaultdict(list)
    for rid, rec in table.items():
        key = _natural(rec, key_fields)
        if key is not None:
            found[key].append(rid)
    return found


def _pairs(merged: Table, ours: Table, theirs: Table, key_fields: tuple[str, ...]) -> list[tuple[str, str]]:
    """(our id, their id) for each setback and chapter that has two merged records: one only ours, one only theirs.

    Only records that one side lacks are looked at first (usually a few), so
    a merge of 10,000 reflections does not index them all.
    """
    ours_only = _by_key({rid: rec for rid, rec in merged.items() if rid not in theirs}, key_fields)
    theirs_only = _by_key({rid: rec for rid, rec in merged.items() if rid not in ours}, key_fields)
    candidates = [
        (key, ours_only[key][0], theirs_only[key][0])
        for key in ours_only
        if key in theirs_only and len(ours_only[key]) == 1 and len(theirs_only[key]) == 1
    ]
    if not candidates:
        return []
    everyone = _by_key(merged, key_fields)
    return sorted((mine, other) for key, mine, other in candidates if len(everyone[key]) == 2)


def _present(name: str, base: Journal, ours: Journal, theirs: Journal) -> bool:
    """Whether a table stays (three-way on the table's presence, as for a record)."""
    b, o, t = name in base, name in ours, name in theirs
    return o if o == t or t == b else t


def merge(base: Journal, ours: Journal, theirs: Journal, *, found: str = "") -> MergeResult:
    """Merge ``theirs`` into ``ours``, both changed from ``base``; ``found`` dates the conflict notes.

    The inputs are not changed; the result shares unchanged records with them.
    """
    merger = _Merger(found)
    out: Journal = {}
    for name in sorted({*base, *ours, *theirs}):
        b, o, t = base.get(name, {}), ours.get(name, {}), theirs.get(name, {})
        table: Table = {}
        for rid in sorted({*b, *o, *t}):
            rec = merger.record(name, rid, b.get(rid), o.get(rid), t.get(rid))
            if rec is not None:
                table[rid] = rec
        if table or _present(name, base, ours, theirs):
            out[name] = table
    merger.one_per_chapter(out, ours, theirs)
    kept = merger.keep_parents(out, ours, theirs)
    new_notes = []
    for note_id in sorted(merger.notes):
        notes = out.setdefault(CONFLICTS, {})
        if note_id not in notes:
            notes[note_id] = merger.notes[note_id]
            new_notes.append(merger.notes[note_id])
    result = MergeResult(out, new_notes, kept_parents=kept)
    for name, table in out.items():
        if name in (CONFLICTS, META):
            continue
        before = ours.get(name, {})
        _tally(result.added, name, sum(1 for rid in table if rid not in before))
        _tally(result.deleted, name, sum(1 for rid in before if rid not in table))
        changed = sum(1 for rid, rec in table.items() if rid in before and not same(rec, before[rid]))
        _tally(result.changed, name, changed)
    for name, before in ours.items():
        if name not in out and name not in (CONFLICTS, META):
            _tally(result.deleted, name, len(before))
    return result


def _tally(counts: dict[str, int], table: str, n: int) -> None:
    if n:
        counts[table] = counts.get(table, 0) + n
