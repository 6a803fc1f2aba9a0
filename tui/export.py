"""Export, import and read the journal outside the app.

* :func:`export_json` writes everything (setbacks, reflections, drafts, action
  items, check-ins) as one JSON-ready dict that :func:`import_json` reads back.
* :func:`export_markdown` writes a readable "case file": YAML front matter,
  then one section per setback and chapter, every answer verbatim.
* :func:`read_journal` reads the journal file into memory without taking the
  lock, so the read-only commands work while the app has the journal open.

How answers appear in Markdown (the representation round-trips verbatim):
every non-empty answer is a fenced code block with the info string ``text``
directly under a ``####`` heading that holds the question's label. The fence
is made of backticks, one more than the longest run of backticks in the
answer (at least three), so nothing inside can close it; the block's content
is exactly the answer followed by one newline. Answers that are not text are
written as text first: a scale as ``7 (of 0-10)``, a multiple choice as one
``- option`` line per choice, a checklist as one ``[ ] item (due YYYY-MM-DD)``
line per item (``[x]`` when done).

Nothing here imports Textual.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tui import __version__
from tui.content import Chapter, Field
from tui.locations import DB_FILE
from tui.sanitize import clean_value
from tui.store import SCHEMA_VERSION, Loaded, Store, StoreError, read_journal_files
from tui.workbook import (
    SETBACK_KINDS,
    STATUSES,
    ActionItem,
    Reflection,
    Setback,
    Workbook,
    format_value,
    from_doc,
    is_empty,
    parse_date,
)

FORMAT = "failforward-export"
MARKDOWN_FORMAT = "failforward-markdown"
CHILD_TABLES = ("reflections", "drafts", "actions", "checkins")
TABLES = ("setbacks", *CHILD_TABLES)

_NOUNS = {
    "setbacks": ("setback", "setbacks"),
    "reflections": ("reflection", "reflections"),
    "drafts": ("draft", "drafts"),
    "actions": ("action item", "action items"),
    "checkins": ("check-in", "check-ins"),
}


class ExportError(Exception):
    """An export or import that cannot be done. ``str()`` is one line for the user."""


class UnknownSetback(ExportError):
    """The setback asked for is not in the journal."""


class BadSelection(ExportError):
    """``only`` or ``redact`` names a chapter or field that does not exist."""


class InvalidExport(ExportError):
    """The data is not a valid failforward JSON export; nothing was imported."""


class ExportTooNew(ExportError):
    """The export was written by a newer failforward; nothing was imported."""


class NoJournal(StoreError):
    """There is no journal file in the data folder yet."""


# -- reading the journal without the lock ----------------------------------


def load_journal(folder: Path) -> Loaded:
    """The journal in ``folder`` as files hold it (journal.json with journal.log's saves), read without the lock.

    journal.json is only ever replaced whole, and journal.log (the saves since)
    is read first and applied only if it continues that very journal.json, so
    this is always one complete saved state, even while a failforward session
    is saving. Nothing in ``folder`` is created or changed.

    Raises :class:`NoJournal` when there is no journal file and
    :class:`StoreError` when it cannot be read or is damaged.
    """
    path = Path(folder) / DB_FILE
    try:
        loaded = read_journal_files(path)
    except OSError as exc:
        raise StoreError(f"cannot read the journal {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else "unreadable"
        raise StoreError(
            f"the journal {path} is damaged ({reason}); start failforward to move it aside and restore a backup"
        ) from None
    if loaded is None:
        raise NoJournal(f"no journal in {folder} yet (start failforward to write one, or check --data-dir)")
    return loaded


def read_journal(folder: Path) -> Store:
    """An in-memory copy of the journal in ``folder`` (see :func:`load_journal`); changes stay in memory.

    Raises what :func:`load_journal` raises, and ``JournalTooNew`` when a newer
    failforward wrote the journal.
    """
    return Store(None, data=load_journal(folder).data)  # refuses a newer schema, migrates an older one (in memory)


# -- JSON export -----------------------------------------------------------


def _store_of(source: Store | Workbook) -> Store:
    return source.store if isinstance(source, Workbook) else source


def _stamp(now: dt.datetime | None) -> str:
    moment = now if now is not None else dt.datetime.now().astimezone()
    return moment.replace(microsecond=0).isoformat()


def _setbacks(store: Store, setback_id: int | None) -> list[dict[str, Any]]:
    found = store.all("setbacks")
    if setback_id is None:
        return found
    found = [s for s in found if s["id"] == setback_id]
    if not found:
        raise UnknownSetback(f"no setback with id {setback_id}")
    return found


def export_json(
    source: Store | Workbook,
    chapters: Sequence[Chapter],
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
    store = _store_of(source)
    setbacks = _setbacks(store, setback_id)
    ids = {s["id"] for s in setbacks}
    out: dict[str, Any] = {
        "format": FORMAT,
        "schema": SCHEMA_VERSION,
        "exported": _stamp(now),
        "app": f"failforward {__version__}",
        "chapters": {c.id: c.title for c in chapters},
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
    if not title.strip():
        raise _fail(where, "'title' is empty")
    kind = _get_str(doc, "kind", where, "other")
    if kind not in SETBACK_KINDS:
        raise _fail(where, f"'kind' must be one of {', '.join(SETBACK_KINDS)}, not {kind!r}")
    _get_date(doc, "date", where)
    _get_rating(doc, "feeling", where, optional=True)
    _get_bool(doc, "archived", where)
    created = _get_str(doc, "created", where)
    _get_str(doc, "updated", where, created)
    return {"kind": kind, "archived": doc.get("archived", False), "updated": doc.get("updated", created), **doc}


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


def import_json(store: Store, data: Any, dry_run: bool = False) -> ImportReport:
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


# -- Markdown export -------------------------------------------------------

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>#~|!&])")


def _inline(text: str) -> str:
    """Text for a heading or list item: one line, Markdown punctuation escaped."""
    return _INLINE_SPECIAL.sub(r"\\\1", " ".join(str(text).split("\n")).strip())


def answer_text(f: Field | None, value: Any) -> str:
    """An answer as the text written verbatim inside its fenced block."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) or (f is not None and f.kind == "scale" and isinstance(value, int)):
        return format_value(f, value)
    if isinstance(value, bool) or value is None:
        return "true" if value else ("false" if value is False else "")
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def fenced(text: str, info: str = "text") -> str:
    """``text`` as a fenced code block whose content is exactly ``text`` plus a newline."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text}\n{fence}"


@dataclass
class _Selection:
    chapters: list[str]  # every chapter id known, in order
    included: set[str]
    redacted: set[tuple[str, str]]
    left_out_chapters: list[str]
    left_out_fields: list[str]


def _select(
    chapters: Sequence[Chapter],
    reflections: list[dict[str, Any]],
    only: Sequence[str] | None,
    redact: Sequence[str] | None,
) -> _Selection:
    by_id = {c.id: c for c in chapters}
    known = [c.id for c in chapters]
    known += sorted({r["chapter_id"] for r in reflections} - set(known))
    fields: dict[str, list[str]] = {cid: [f.id for f in by_id[cid].fields] if cid in by_id else [] for cid in known}
    for r in reflections:
        for key in r.get("answers") or {}:
            if key not in fields[r["chapter_id"]]:
                fields[r["chapter_id"]].append(key)
    included = set(known)
    if only is not None:
        wanted = [x.strip() for x in only if x.strip()]
        for cid in wanted:
            if cid not in fields:
                raise BadSelection(f"no chapter '{cid}' to include (chapters: {', '.join(known)})")
        included = set(wanted)
    redacted: set[tuple[str, str]] = set()
    for ref in redact or []:
        ref = ref.strip()
        if not ref:
            continue
        if "." in ref:
            cid, _, fid = ref.partition(".")
            matches = [(cid, fid)] if fid in fields.get(cid, []) else []
        else:
            matches = [(cid, ref) for cid in known if ref in fields[cid]]
        if not matches:
            raise BadSelection(f"no field '{ref}' to leave out (write chapter.field, e.g. {_example(fields)})")
        redacted.update(matches)
    left_chapters = [cid for cid in known if cid not in included]
    left_fields = [f"{cid}.{fid}" for cid in known if cid in included for fid in fields[cid] if (cid, fid) in redacted]
    return _Selection(known, included, redacted, left_chapters, left_fields)


def _example(fields: dict[str, list[str]]) -> str:
    for cid, fids in fields.items():
        if fids:
            return f"{cid}.{fids[0]}"
    return "chapter.field"


def export_markdown(
    source: Store | Workbook,
    chapters: Sequence[Chapter],
    setback_id: int | None = None,
    only: Sequence[str] | None = None,
    redact: Sequence[str] | None = None,
    *,
    now: dt.datetime | None = None,
) -> str:
    """The journal (or one setback) as Markdown with YAML front matter.

    The front matter names the setbacks (id, title, kind, date, created,
    updated, archived), when it was exported and, under ``left_out``, exactly
    what is not in the document: ``chapters`` (ids), ``fields``
    (``chapter.field`` refs) and ``unsaved_drafts`` (a count; drafts are
    never exported to Markdown). The body repeats that in a sentence, then
    gives per setback its details, per chapter its title, status and each
    question with its answer verbatim (see the module docstring for the
    representation), then its action items with due dates and its check-ins.

    ``only``: chapter ids to include (default all). ``redact``: fields to
    leave out, as ``chapter.field`` or a bare field id (that field in every
    chapter); redacting a checklist also leaves out its action items. Raises
    :class:`BadSelection` when one of them names nothing (so a typo never
    leaks what was meant to stay out) and :class:`UnknownSetback`.
    """
    store = _store_of(source)
    workbook = Workbook(store, chapters)
    by_id = {c.id: c for c in chapters}
    setbacks = [s for s in workbook.setbacks(include_archived=True) if setback_id is None or s.id == setback_id]
    if setback_id is not None and not setbacks:
        raise UnknownSetback(f"no setback with id {setback_id}")
    ids = {s.id for s in setbacks}
    reflections = [r for r in store.all("reflections") if r.get("setback_id") in ids]
    sel = _select(chapters, reflections, only, redact)
    drafts = [d for d in store.all("drafts") if d.get("setback_id") in ids]
    journal = _Grouped.of(store, ids, reflections)

    front = {
        "title": f"failforward: {setbacks[0].title}" if len(setbacks) == 1 else "failforward journal",
        "format": MARKDOWN_FORMAT,
        "schema": SCHEMA_VERSION,
        "exported": _stamp(now),
        "app": f"failforward {__version__}",
        "setbacks": [
            {
                "id": s.id,
                "title": s.title,
                "kind": s.kind,
                "date": s.date,
                "created": s.created,
                "updated": s.updated,
                "archived": s.archived,
            }
            for s in setbacks
        ],
        "left_out": {
            "chapters": sel.left_out_chapters,
            "fields": sel.left_out_fields,
            "unsaved_drafts": len(drafts),
        },
    }
    out = ["---", yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=2**31).rstrip("\n"), "---", ""]
    out += [f"# {_inline(str(front['title']))}", "", _left_out_note(sel, by_id, len(drafts)), ""]
    if not setbacks:
        out += ["No setbacks yet.", ""]
    for s in setbacks:
        out += _setback_section(s, journal, sel, by_id)
    return "\n".join(out).rstrip("\n") + "\n"


def _left_out_note(sel: _Selection, by_id: dict[str, Chapter], drafts: int) -> str:
    def name(cid: str) -> str:
        return f"{_inline(by_id[cid].title if cid in by_id else cid)} ({_inline(cid)})"

    parts = []
    left, kept = sel.left_out_chapters, [c for c in sel.chapters if c in sel.included]
    if left and len(left) > 3 and len(left) > len(kept):
        listed = ", ".join(name(c) for c in kept) or "none"
        parts.append(f"every chapter except {listed} ({len(left)} chapters, listed in the front matter)")
    elif left:
        parts.append(f"the chapter{'s' if len(left) != 1 else ''} {', '.join(name(c) for c in left)}")
    if sel.left_out_fields:
        names = []
        for ref in sel.left_out_fields:
            cid, _, fid = ref.partition(".")
            f = by_id[cid].field(fid) if cid in by_id else None
            names.append(f'"{_inline(f.label)}" ({_inline(ref)})' if f else _inline(ref))
        parts.append(f"the answer{'s' if len(names) != 1 else ''} to {', '.join(names)}")
    if drafts:
        parts.append(f"{drafts} unsaved draft{'s' if drafts != 1 else ''}")
    if not parts:
        return "> Nothing was left out: every saved answer is below."
    return f"> **Left out of this document:** {'; '.join(parts)}."


@dataclass
class _Grouped:
    """What the exported setbacks have, grouped by setback in one pass over each table."""

    reflections: dict[int, dict[str, Reflection]]
    actions: dict[int, list[ActionItem]]
    checkins: dict[int, list[tuple[str, int]]]

    @classmethod
    def of(cls, store: Store, ids: set[int], reflections: list[dict[str, Any]]) -> _Grouped:
        grouped = cls({i: {} for i in ids}, {i: [] for i in ids}, {i: [] for i in ids})
        for doc in reflections:
            grouped.reflections[doc["setback_id"]][doc["chapter_id"]] = from_doc(Reflection, doc)
        for doc in store.all("actions"):
            if doc.get("setback_id") in ids:
                grouped.actions[doc["setback_id"]].append(from_doc(ActionItem, doc))
        for doc in store.all("checkins"):
            if doc.get("setback_id") in ids:
                grouped.checkins[doc["setback_id"]].append((str(doc.get("at", "")), int(doc.get("rating", 0))))
        for items in grouped.actions.values():
            items.sort(key=lambda a: (a.due is None, a.due or "", a.id))
        for points in grouped.checkins.values():
            points.sort()
        return grouped


def _setback_section(s: Setback, journal: _Grouped, sel: _Selection, by_id: dict[str, Chapter]) -> list[str]:
    found = journal.reflections[s.id]
    done = sum(1 for r in found.values() if r.status == "done" and r.chapter_id in by_id)
    out = [f"## {_inline(s.title)}", ""]
    out.append(f"- Kind: {s.kind}")
    out.append(f"- Date: {s.date or 'not given'}")
    if s.feeling is not None:
        out.append(f"- How it felt: {s.feeling} of 10")
    out.append(f"- Chapters done: {done} of {len(by_id)}")
    out.append(f"- Created: {_inline(s.created)}, updated: {_inline(s.updated)}")
    if s.archived:
        out.append("- Archived")
    out.append("")
    for cid in sel.chapters:
        reflection = found.get(cid)
        if reflection is None or cid not in sel.included:
            continue
        chapter = by_id.get(cid)
        out += [f"### {_inline(chapter.title if chapter else cid)}", ""]
        saved = _inline(reflection.updated)
        out += [f"_Status: {reflection.status}, revision {reflection.revision}, saved {saved}_", ""]
        shown = 0
        order = [f.id for f in chapter.fields] if chapter else []
        order += [k for k in reflection.answers if k not in order]
        for fid in order:
            value = reflection.answers.get(fid)
            if is_empty(value) or (cid, fid) in sel.redacted:
                continue
            f = chapter.field(fid) if chapter else None
            if f is not None:
                label = _inline(f.label)
            elif chapter is not None:
                label = f"{_inline(fid)} (a question this chapter no longer asks)"
            else:
                label = _inline(fid)
            out += [f"#### {label}", "", fenced(answer_text(f, value)), ""]
            shown += 1
        if not shown:
            out += ["_No answers in this document._", ""]
    actions = [
        a
        for a in journal.actions[s.id]
        if a.chapter_id in sel.included and (a.chapter_id, a.field_id) not in sel.redacted
    ]
    if actions:
        out += ["### Action items", ""]
        for a in actions:
            chapter = by_id.get(a.chapter_id)
            due = f" (due {a.due})" if a.due else ""
            where = _inline(chapter.title if chapter else a.chapter_id)
            out.append(f"- [{'x' if a.done else ' '}] {_inline(a.text)}{due}, from {where}")
        out.append("")
    checkins = journal.checkins[s.id]
    if checkins:
        out += ["### Check-ins", ""]
        out += [f"- {_inline(at)}: {rating} of 10" for at, rating in checkins]
        out.append("")
    return out
