"""The Markdown export: a readable case file, every answer verbatim.

How answers appear (the representation round-trips verbatim): every non-empty
answer is a fenced code block with the info string ``text`` directly under a
``####`` heading that holds the question's label. The fence is made of
backticks, one more than the longest run of backticks in the answer (at least
three), so nothing inside can close it; the block's content is exactly the
answer followed by one newline. Answers that are not text are written as text
first: a scale as ``7 (of 0-10)``, a multiple choice as one ``- option`` line
per choice, a checklist as one ``[ ] item (due YYYY-MM-DD)`` line per item
(``[x]`` when done).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from tui import __version__
from tui.content import Chapter, Field
from tui.export.common import MARKDOWN_FORMAT, BadSelection, UnknownSetback, stamp
from tui.records import ActionItem, Progress, Reflection, Setback, format_value, from_doc, is_empty
from tui.store import SCHEMA_VERSION, Store
from tui.workbook import Workbook

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
    workbook: Workbook,
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
    store = workbook.store
    chapters = workbook.chapters
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
        "exported": stamp(now),
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
    progress = workbook.progress_all()
    for s in setbacks:
        out += _setback_section(s, journal, sel, by_id, progress.get(s.id) or Progress(0, 0, len(chapters)))
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


def _setback_section(
    s: Setback, journal: _Grouped, sel: _Selection, by_id: dict[str, Chapter], progress: Progress
) -> list[str]:
    found = journal.reflections[s.id]
    done = progress.done
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
    if s.notes.strip():
        out += ["### Notes", "", fenced(s.notes), ""]
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
