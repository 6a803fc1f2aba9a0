"""Journal entries from other tools (jrnl, Day One) into a setback: its free notes, or a chapter's answer.

The formats' own modules (:mod:`tui.export.jrnl`, :mod:`tui.export.dayone`)
turn a parsed file into :class:`Entry` values; :func:`import_entries` adds
them. Each entry becomes one dated block of text::

    2026-03-14 09:30 · Title of the entry
    tags: @work, @feedback
    The body, as written.

Blocks go, oldest first, after what is already there: the setback's free
notes (the default), or the answer to a text question of a chapter
(``CHAPTER.FIELD``). An entry whose block is already there is skipped, so
importing the same file twice adds nothing the second time. Everything is
written in one durable write, or nothing (a dry run writes nothing).
Nothing here imports Textual.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tui.export.common import InvalidExport, UnknownSetback
from tui.records import is_empty
from tui.sanitize import clean_text
from tui.workbook import Workbook


@dataclass(frozen=True)
class Entry:
    """One journal entry: when it was written, and what."""

    when: dt.datetime
    title: str
    body: str
    tags: tuple[str, ...] = ()
    starred: bool = False

    def block(self) -> str:
        """The entry as the text it becomes (see the module docstring)."""
        head = self.when.strftime("%Y-%m-%d %H:%M")
        if self.title.strip():
            head += f" · {' '.join(self.title.split())}"
        if self.starred:
            head += " ★"
        lines = [head]
        if self.tags:
            lines.append(f"tags: {', '.join(self.tags)}")
        if self.body.strip():
            lines.append(self.body.strip("\n"))
        return clean_text("\n".join(lines))


@dataclass(frozen=True)
class Target:
    """Where entries go: the setback's notes (``chapter`` None), or a chapter's text question."""

    chapter: str | None = None
    field: str | None = None

    @classmethod
    def parse(cls, workbook: Workbook, text: str | None) -> Target:
        """``CHAPTER.FIELD`` or ``CHAPTER`` (its first long-text question); raises InvalidTarget."""
        if not text:
            return cls()
        chapter_id, _, field_id = text.partition(".")
        chapter = workbook.chapter(chapter_id)
        if chapter is None:
            known = ", ".join(c.id for c in workbook.chapters)
            raise InvalidTarget(f"no chapter '{chapter_id}' (chapters: {known})")
        texts = [f for f in chapter.fields if f.kind in ("text", "textarea")]
        if not field_id:
            longest = [f for f in texts if f.kind == "textarea"] or texts
            if not longest:
                raise InvalidTarget(f"chapter '{chapter_id}' has no text question to hold entries")
            return cls(chapter_id, longest[0].id)
        f = chapter.field(field_id)
        if f is None or f not in texts:
            names = ", ".join(f"{chapter_id}.{t.id}" for t in texts) or "none"
            raise InvalidTarget(f"'{text}' is not a text question (text questions: {names})")
        return cls(chapter_id, field_id)

    def describe(self) -> str:
        return "the setback's notes" if self.chapter is None else f"{self.chapter}.{self.field}"


class InvalidTarget(ValueError):
    """``--chapter`` names no text question; ``str()`` is one line for the person."""


class UnsavedDraft(ValueError):
    """The target chapter has an unsaved draft: writing its answer would set the draft aside."""


@dataclass
class EntriesReport:
    """What an import of entries added, or would add, and where."""

    source: str
    target: str
    dry_run: bool = False
    added: int = 0
    skipped: int = 0
    setback_id: int | None = None
    new_setback: str | None = None
    first: str | None = None
    last: str | None = None
    lines: list[str] = field(default_factory=list)

    def summary(self) -> str:
        verb = "would add" if self.dry_run else "added"
        where = f"a new setback “{self.new_setback}”" if self.new_setback else f"setback {self.setback_id}"
        entries = "entry" if self.added == 1 else "entries"
        out = [f"{verb}: {self.added} {source_name(self.source)} {entries} to {self.target} of {where}"]
        if self.first and self.last:
            out[0] += f" ({self.first} to {self.last})"
        if self.skipped:
            out.append(f"skipped, already there: {self.skipped}")
        if self.dry_run:
            out.append("dry run: nothing was written")
        return "\n".join(out)


def source_name(source: str) -> str:
    return {"jrnl": "jrnl", "dayone": "Day One"}.get(source, source)


def import_entries(
    workbook: Workbook,
    entries: list[Entry],
    source: str,
    *,
    setback_id: int | None = None,
    title: str | None = None,
    target: str | None = None,
    dry_run: bool = False,
) -> EntriesReport:
    """Add ``entries`` to a setback (``setback_id``, else a new one named ``title``), as described above.

    Raises :class:`UnknownSetback`, :class:`InvalidTarget`, :class:`UnsavedDraft`,
    :class:`InvalidExport` (no entries), and ``SaveError`` from the disk
    (nothing is written then).
    """
    if not entries:
        raise InvalidExport("it holds no entries; nothing was imported")
    where = Target.parse(workbook, target)
    ordered = sorted(entries, key=lambda e: e.when)
    report = EntriesReport(source, where.describe(), dry_run=dry_run, setback_id=setback_id)
    report.first, report.last = ordered[0].when.date().isoformat(), ordered[-1].when.date().isoformat()
    existing = ""
    done = False
    if setback_id is not None:
        setback = workbook.setback(setback_id)
        if setback is None:
            raise UnknownSetback(f"no setback with id {setback_id}")
        if where.chapter is None:
            existing = setback.notes
        else:
            if workbook.draft(setback_id, where.chapter) is not None:
                raise UnsavedDraft(
                    f"setback {setback_id} has unsaved changes in chapter '{where.chapter}': open it in failforward "
                    "and save or discard them first"
                )
            saved = workbook.reflection(setback_id, where.chapter)
            if saved is not None:
                value = saved.answers.get(where.field or "")
                existing = value if isinstance(value, str) else ""
                done = saved.status == "done"
    else:
        report.new_setback = title or f"Imported from {source_name(source)}"
    blocks = []
    for entry in ordered:
        block = entry.block()
        if block in existing or block in blocks:
            report.skipped += 1
        else:
            blocks.append(block)
    report.added = len(blocks)
    if dry_run or not blocks:
        return report
    text = "\n\n".join(blocks)
    with workbook.store.batch():
        if setback_id is None:
            made = workbook.add_setback(report.new_setback or "Imported", "other", ordered[0].when.date().isoformat())
            setback_id = report.setback_id = made.id
        if where.chapter is None:
            workbook.add_notes(setback_id, text)
        else:
            answer = f"{existing.rstrip()}\n\n{text}" if not is_empty(existing) else text
            workbook.save_reflection(setback_id, where.chapter, {where.field or "": answer}, done=done)
    return report
