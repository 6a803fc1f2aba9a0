"""The JSON export, which holds everything, and the import that reads it back.

:func:`export_json` writes every setback, reflection, draft, action item and
check-in (of the journal or of one setback) as one JSON-ready dict;
:func:`validate_export` checks such a dict record by record, and
:func:`import_json` adds it to a journal in one durable write.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tui import __version__
from tui.export.common import (
    _NOUNS,
    CHILD_TABLES,
    FORMAT,
    TABLES,
    ExportTooNew,
    InvalidExport,
    UnknownSetback,
    stamp,
)
from tui.records import STATUSES, InvalidSetback, check_setback, parse_date
from tui.sanitize import clean_value
from tui.store import SCHEMA_VERSION, Store
from tui.workbook import Workbook


def _setbacks(store: Store, setback_id: int | None) -> list[dict[str, Any]]:
    found = store.all("setbacks")
    if setback_id is None:
        return found
    found = [s for s in found if s["id"] == setback_id]
    if not found:
        raise UnknownSetback(f"no setback with id {setback_id}")
    return found


def export_json(
    workbook: Workbook,
    setback_id: int | None = None,
    *,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Everything in the journal (or about one setback) as a JSON-ready dict.

    The result has ``"format": "failforward-export"``, ``"schema"`` (the
    journal schema version), ``"exported"`` (when), ``"app"``, ``"chapters"``
    (chapter id to title, for readability; ignored on import), then the lists
    ``setbacks`` (each with its ``id``), ``reflections``, ``drafts``,
    ``actions`` and ``checkins`` (each naming its ``setback_id``). Records
    that belong to no setback (invisible in the app) are left out.
    :func:`import_json` reads it back. The dict shares nothing with the store.

    Raises :class:`UnknownSetback` when ``setback_id`` is not in the journal.
    """
    store = workbook.store
    setbacks = _setbacks(store, setback_id)
    ids = {s["id"] for s in setbacks}
    out: dict[str, Any] = {
        "format": FORMAT,
        "schema": SCHEMA_VERSION,
        "exported": stamp(now),
        "app": f"failforward {__version__}",
        "chapters": {c.id: c.title for c in workbook.chapters},
        "setbacks": [{"id": s["id"], **{k: v for k, v in s.items() if k != "id"}} for s in setbacks],
    }
    for table in CHILD_TABLES:
        out[table] = [
            {k: v for k, v in doc.items() if k != "id"} for doc in store.all(table) if doc.get("setback_id") in ids
        ]
    return copy.deepcopy(out)


# -- JSON import -----------------------------------------------------------


@dataclass
class ImportReport:
    """What an import added, or would add in a dry run, and what it skipped.

    Counts are by table (``setbacks``, ``reflections``, ``drafts``,
    ``actions``, ``checkins``). ``duplicates`` are records the journal
    already has; ``conflicts`` are reflections and drafts (with their action
    items) for a setback and chapter the journal already has a different
    version of: the journal's version is kept. ``setback_ids`` maps each
    setback id in the file to its id in the journal (``None`` for a setback
    a dry run would add).
    """

    dry_run: bool = False
    added: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    duplicates: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    conflicts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    setback_ids: dict[int, int | None] = field(default_factory=dict)

    @property
    def skipped(self) -> dict[str, int]:
        """Duplicates and conflicts together, by table."""
        return {t: self.duplicates[t] + self.conflicts[t] for t in TABLES}

    @property
    def total_added(self) -> int:
        return sum(self.added.values())

    def summary(self) -> str:
        """A few lines for the person: what was (or would be) added and skipped."""

        def counts(numbers: dict[str, int]) -> str:
            parts = [f"{n} {_NOUNS[t][n != 1]}" for t, n in numbers.items() if n]
            return ", ".join(parts) if parts else "nothing"

        verb = "would add" if self.dry_run else "added"
        lines = [f"{verb}: {counts(self.added)}"]
        if any(self.duplicates.values()):
            lines.append(f"skipped, already in the journal: {counts(self.duplicates)}")
        if any(self.conflicts.values()):
            lines.append(f"skipped, the journal has a different version (kept the journal's): {counts(self.conflicts)}")
        if self.dry_run:
            lines.append("dry run: nothing was written")
        return "\n".join(lines)


def _fail(where: str, problem: str) -> InvalidExport:
    return InvalidExport(f"{where}: {problem}")


_MISSING: Any = object()


def _raw(doc: dict[str, Any], key: str, where: str, default: Any) -> Any:
    if key in doc:
        return doc[key]
    if default is _MISSING:
        raise _fail(where, f"'{key}' is missing")
    return default


def _get_int(doc: dict[str, Any], key: str, where: str, default: Any = _MISSING, low: int | None = None) -> Any:
    if key not in doc and default is not _MISSING:
        return default
    value = _raw(doc, key, where, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(where, f"'{key}' must be a whole number, not {value!r}")
    if low is not None and value < low:
        raise _fail(where, f"'{key}' must be {low} or more, not {value}")
    return value


def _get_str(doc: dict[str, Any], key: str, where: str, default: Any = _MISSING) -> Any:
    if key not in doc and default is not _MISSING:
        return default
    value = _raw(doc, key, where, default)
    if not isinstance(value, str):
        raise _fail(where, f"'{key}' must be text, not {value!r}")
    return value


def _get_date(doc: dict[str, Any], key: str, where: str) -> str | None:
    value = doc.get(key)
    if value is None or value == "":
        return value
    if not isinstance(value, str):
        raise _fail(where, f"'{key}' must be a date (YYYY-MM-DD) or null, not {value!r}")
    try:
        parse_date(value)
    except ValueError as exc:
        raise _fail(where, f"'{key}': {exc}") from None
    return value


def _get_rating(doc: dict[str, Any], key: str, where: str, optional: bool) -> int | None:
    if optional and doc.get(key) is None:
        return None
    number = _get_int(doc, key, where)
    if not 0 <= number <= 10:
        raise _fail(where, f"'{key}' must be from 0 to 10, not {number}")
    return int(number)


def _get_bool(doc: dict[str, Any], key: str, where: str) -> bool:
    value = doc.get(key, False)
    if not isinstance(value, bool):
        raise _fail(where, f"'{key}' must be true or false, not {value!r}")
    return value


def _check_setback(doc: dict[str, Any], where: str) -> dict[str, Any]:
    _get_int(doc, "id", where)
    title = _get_str(doc, "title", where)
    kind = _get_str(doc, "kind", where, "other")
    date = _get_date(doc, "date", where)
    feeling = _get_rating(doc, "feeling", where, optional=True)
    try:  # the one rule for a valid setback, as in the app
        check_setback(title, kind, date, feeling)
    except InvalidSetback as exc:
        raise _fail(where, f"'{exc.field}': {exc}") from None
    _get_bool(doc, "archived", where)
    _get_str(doc, "notes", where, "")
    created = _get_str(doc, "created", where)
    _get_str(doc, "updated", where, created)
    return {"kind": "other", "archived": doc.get("archived", False), "updated": doc.get("updated", created), **doc}


def _check_answers(doc: dict[str, Any], where: str) -> None:
    if not isinstance(doc.get("answers"), dict):
        raise _fail(where, "'answers' must be an object of answers by field id")


def _check_reflection(doc: dict[str, Any], where: str) -> dict[str, Any]:
    _get_int(doc, "setback_id", where)
    _get_str(doc, "chapter_id", where)
    _check_answers(doc, where)
    status = _get_str(doc, "status", where, "draft")
    if status not in STATUSES:
        raise _fail(where, f"'status' must be one of {', '.join(STATUSES)}, not {status!r}")
    _get_int(doc, "chapter_version", where, 1, low=1)
    _get_int(doc, "revision", where, 1, low=1)
    created = _get_str(doc, "created", where)
    updated = _get_str(doc, "updated", where, created)
    defaults = {"status": "draft", "chapter_version": 1, "revision": 1, "updated": updated}
    return {**defaults, **doc}


def _check_draft(doc: dict[str, Any], where: str) -> dict[str, Any]:
    _get_int(doc, "setback_id", where)
    _get_str(doc, "chapter_id", where)
    _check_answers(doc, where)
    _get_str(doc, "updated", where)
    return doc


def _check_action(doc: dict[str, Any], where: str) -> dict[str, Any]:
    _get_int(doc, "setback_id", where)
    _get_str(doc, "chapter_id", where)
    _get_str(doc, "field_id", where)
    _get_str(doc, "text", where)
    _get_date(doc, "due", where)
    _get_bool(doc, "done", where)
    return {"due": None, "done": False, **doc}


def _check_checkin(doc: dict[str, Any], where: str) -> dict[str, Any]:
    _get_int(doc, "setback_id", where)
    _get_rating(doc, "rating", where, optional=False)
    _get_str(doc, "at", where)
    return doc


_CHECKS: dict[str, Callable[[dict[str, Any], str], dict[str, Any]]] = {
    "setbacks": _check_setback,
    "reflections": _check_reflection,
    "drafts": _check_draft,
    "actions": _check_action,
    "checkins": _check_checkin,
}


def validate_export(data: Any) -> dict[str, list[dict[str, Any]]]:
    """The cleaned, checked records of a JSON export, by table.

    Every string is cleaned of terminal control characters first. Raises
    :class:`ExportTooNew` for a newer schema and :class:`InvalidExport`,
    naming the record and the problem, for anything else wrong.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidExport(f'not a failforward JSON export (it has no "format": "{FORMAT}")')
    schema = data.get("schema")
    if isinstance(schema, bool) or not isinstance(schema, int) or schema < 1:
        raise InvalidExport(f"'schema' must be a whole number from 1, not {schema!r}")
    if schema > SCHEMA_VERSION:
        raise ExportTooNew(
            f"this export was written by a newer failforward (schema {schema}, this one knows "
            f"{SCHEMA_VERSION}); upgrade failforward to import it"
        )
    records: dict[str, list[dict[str, Any]]] = {}
    for table in TABLES:
        raw = data.get(table, [])
        if not isinstance(raw, list):
            raise InvalidExport(f"'{table}' must be a list of records")
        checked = []
        for index, doc in enumerate(raw):
            where = f"{table}[{index}]"
            if not isinstance(doc, dict):
                raise _fail(where, "must be an object")
            doc = {k: v for k, v in clean_value(doc).items() if k != "id" or table == "setbacks"}
            checked.append(_CHECKS[table](doc, where))
        records[table] = checked
    ids: set[int] = set()
    for index, doc in enumerate(records["setbacks"]):
        if doc["id"] in ids:
            raise _fail(f"setbacks[{index}]", f"a second setback with id {doc['id']}")
        ids.add(doc["id"])
    for table in CHILD_TABLES:
        seen: set[tuple[int, str]] = set()
        for index, doc in enumerate(records[table]):
            where = f"{table}[{index}]"
            if doc["setback_id"] not in ids:
                raise _fail(where, f"'setback_id' {doc['setback_id']} is not a setback in this file")
            if table in ("reflections", "drafts"):
                key = (doc["setback_id"], doc["chapter_id"])
                if key in seen:
                    raise _fail(where, f"a second {_NOUNS[table][0]} for setback {key[0]}, chapter '{key[1]}'")
                seen.add(key)
    return records


def _action_key(setback_id: Any, doc: dict[str, Any]) -> tuple[Any, ...]:
    fields = ("chapter_id", "field_id", "text", "due")
    return (setback_id, *(doc.get(k) for k in fields), bool(doc.get("done")))


def _checkin_key(setback_id: Any, doc: dict[str, Any]) -> tuple[Any, ...]:
    return (setback_id, doc.get("rating"), doc.get("at"))


def import_json(workbook: Workbook, data: Any, dry_run: bool = False) -> ImportReport:
    """Add a JSON export (as parsed from the file) to the journal.

    The whole file is validated first (:func:`validate_export`): a bad file
    raises :class:`InvalidExport` or :class:`ExportTooNew` and changes
    nothing. Setbacks get new ids. Skipped as duplicates: a setback with the
    same title and creation time as one in the journal (what is written
    about it is then merged into that one), a reflection or draft with the
    same setback, chapter and update time, an identical action item or
    check-in. A reflection or draft for a setback and chapter the journal
    already has in another version is not imported (nor its action items):
    the journal's version is kept. Everything is written in one durable
    write; with ``dry_run`` nothing is written. Raises ``SaveError`` when the
    disk refuses the write (the journal is then unchanged).
    """
    records = validate_export(data)
    store = workbook.store
    report = ImportReport(dry_run=dry_run)

    # The journal as it is, indexed for duplicate checks. Setback ids in the
    # plan are ("old", journal id) or ("new", index into new setbacks).
    by_identity = {(s.get("title"), s.get("created")): ("old", s["id"]) for s in store.all("setbacks")}
    mapping: dict[int, tuple[str, int]] = {}
    new_setbacks: list[dict[str, Any]] = []
    for doc in records["setbacks"]:
        identity = (doc["title"], doc["created"])
        if identity in by_identity:
            report.duplicates["setbacks"] += 1
            mapping[doc["id"]] = by_identity[identity]
            continue
        by_identity[identity] = mapping[doc["id"]] = ("new", len(new_setbacks))
        new_setbacks.append({k: v for k, v in doc.items() if k != "id"})
        report.added["setbacks"] += 1

    planned: dict[str, list[tuple[tuple[str, int], dict[str, Any]]]] = {t: [] for t in CHILD_TABLES}
    outcome: dict[tuple[tuple[str, int], str], str] = {}  # (setback, chapter) -> reflection added/duplicate/conflict
    for table in ("reflections", "drafts"):
        existing = {(("old", d["setback_id"]), d["chapter_id"]): d for d in store.all(table)}
        for doc in records[table]:
            sid = mapping[doc["setback_id"]]
            key = (sid, doc["chapter_id"])
            there = existing.get(key)
            if there is None:
                result = "added"
                planned[table].append((sid, doc))
            elif there.get("updated") == doc["updated"]:
                result = "duplicates"
            else:
                result = "conflicts"
            getattr(report, result)[table] += 1
            if table == "reflections":
                outcome[key] = result

    for table, key_of in (("actions", _action_key), ("checkins", _checkin_key)):
        existing_counts = Counter(key_of(("old", d["setback_id"]), d) for d in store.all(table))
        for doc in records[table]:
            sid = mapping[doc["setback_id"]]
            reflection = outcome.get((sid, doc.get("chapter_id", ""))) if table == "actions" else None
            if reflection in ("duplicates", "conflicts"):
                getattr(report, reflection)[table] += 1  # action items follow their reflection
                continue
            key = key_of(sid, doc)
            if existing_counts[key] > 0:
                existing_counts[key] -= 1
                report.duplicates[table] += 1
                continue
            planned[table].append((sid, doc))
            report.added[table] += 1

    if dry_run:
        for file_id, (state, number) in mapping.items():
            report.setback_ids[file_id] = number if state == "old" else None
        return report

    with store.batch():
        new_ids = store.insert_many("setbacks", new_setbacks)

        def resolve(sid: tuple[str, int]) -> int:
            state, number = sid
            return number if state == "old" else new_ids[number]

        for table in CHILD_TABLES:
            docs = [{**doc, "setback_id": resolve(sid)} for sid, doc in planned[table]]
            store.insert_many(table, docs)
    for file_id, sid in mapping.items():
        report.setback_ids[file_id] = resolve(sid)
    return report
