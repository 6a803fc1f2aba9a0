"""The journal as a folder of notes, one per setback, for Obsidian and other Markdown note apps.

``failforward export --format md-folder -o DIR`` writes these. Each note has
flat front matter that note apps read as properties (``title``, ``date``,
``tags``, ``setback``, ``status``), the setback's details, its action items
as Tasks-plugin lines (``- [ ] text 📅 YYYY-MM-DD``), then each chapter's
answers verbatim in fenced blocks (as in the Markdown case file, so a line in
an answer can never turn into a task, a heading or a tag), then the
check-ins. Re-running updates the same files: a note is found again by its
``setback`` id (and the ``failforward`` tag), whatever it was renamed to.
Nothing here imports Textual.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from tui.export.common import UnknownSetback
from tui.export.markdown import _Grouped, _inline, _select, _Selection, answer_text, fenced
from tui.records import Progress, Setback, is_empty
from tui.workbook import Workbook

TAG = "failforward"
_UNSAFE = re.compile(r'[\\/:*?"<>|#^\[\]\x00-\x1f]+')  # not in file names (Obsidian also refuses #^[]|)
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


@dataclass(frozen=True)
class Note:
    """One setback's note: its file name in the folder, and its text."""

    setback_id: int
    name: str
    text: str


def status_of(setback: Setback, progress: Progress) -> str:
    """``archived``, ``done`` (every chapter), ``in-progress`` or ``not-started``."""
    if setback.archived:
        return "archived"
    if progress.total and progress.done >= progress.total:
        return "done"
    return "in-progress" if progress.started else "not-started"


def file_name(title: str) -> str:
    """A note's file name from its title: characters file systems and note apps refuse become ``-``."""
    name = " ".join(_UNSAFE.sub("-", title).split()).strip(" .-")[:100].strip()
    return f"{name or 'setback'}.md"


def existing_notes(folder: Path) -> dict[int, str]:
    """The notes a previous export left in ``folder``: setback id to file name."""
    found: dict[int, str] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.md")):
        try:
            with path.open(encoding="utf-8") as handle:
                head = handle.read(4096)
        except (OSError, UnicodeDecodeError):
            continue
        match = _FRONT.match(head.replace("\r\n", "\n"))
        if not match:
            continue
        try:
            front = yaml.safe_load(match.group(1))
        except yaml.YAMLError:
            continue
        if not isinstance(front, dict) or not isinstance(front.get("setback"), int):
            continue
        tags = front.get("tags")
        if isinstance(tags, list) and TAG in tags:
            found.setdefault(front["setback"], path.name)
    return found


def export_notes(
    workbook: Workbook,
    folder: Path,
    setback_id: int | None = None,
    only: Sequence[str] | None = None,
    redact: Sequence[str] | None = None,
) -> list[Note]:
    """The notes to write into ``folder``: one per setback (or the one asked for).

    Notes already in ``folder`` for a setback keep their file name; a new
    note is named after its setback's title (with `` (ID)`` when two would
    share a name). ``only`` and ``redact`` work as for the Markdown case
    file. Raises :class:`UnknownSetback` and ``BadSelection``.
    """
    setbacks = [s for s in workbook.setbacks(include_archived=True) if setback_id is None or s.id == setback_id]
    if setback_id is not None and not setbacks:
        raise UnknownSetback(f"no setback with id {setback_id}")
    ids = {s.id for s in setbacks}
    reflections = [r for r in workbook.store.all("reflections") if r.get("setback_id") in ids]
    sel = _select(workbook.chapters, reflections, only, redact)
    grouped = _Grouped.of(workbook.store, ids, reflections)
    progress = workbook.progress_all()
    known = existing_notes(folder)
    taken = {name.casefold() for sid, name in known.items() if sid not in ids}
    notes = []
    for s in sorted(setbacks, key=lambda s: s.id):
        name = known.get(s.id)
        if name is None:
            name = file_name(s.title)
            if name.casefold() in taken:
                name = f"{name.removesuffix('.md')} ({s.id}).md"
        taken.add(name.casefold())
        p = progress.get(s.id) or Progress(0, 0, len(workbook.chapters))
        notes.append(Note(s.id, name, _note(workbook, s, p, grouped, sel)))
    return notes


def _note(workbook: Workbook, s: Setback, progress: Progress, grouped: _Grouped, sel: _Selection) -> str:
    day = s.date or s.created[:10]
    front = {
        "title": s.title,
        "date": dt.date.fromisoformat(day) if day else None,
        "tags": [TAG, f"setback/{s.kind}"],
        "setback": s.id,
        "status": status_of(s, progress),
    }
    out = ["---", yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=2**31).rstrip("\n"), "---", ""]
    out += [f"# {_inline(s.title)}", ""]
    out.append(f"- Kind: {s.kind}")
    out.append(f"- Date: {s.date or 'not given'}")
    if s.feeling is not None:
        out.append(f"- How it felt: {s.feeling} of 10")
    out.append(f"- Chapters done: {progress.done} of {len(workbook.chapters)}")
    out.append("")
    actions = [
        a
        for a in grouped.actions[s.id]
        if a.chapter_id in sel.included and (a.chapter_id, a.field_id) not in sel.redacted
    ]
    if actions:
        out += ["## Actions", ""]
        for a in actions:
            due = f" 📅 {a.due}" if a.due else ""
            out.append(f"- [{'x' if a.done else ' '}] {_inline(a.text)}{due}")
        out.append("")
    if s.notes.strip():
        out += ["## Notes", "", fenced(s.notes), ""]
    found = grouped.reflections[s.id]
    for cid in sel.chapters:
        reflection = found.get(cid)
        if reflection is None or cid not in sel.included:
            continue
        chapter = workbook.chapter(cid)
        answers = []
        order = [f.id for f in chapter.fields] if chapter else []
        order += [k for k in reflection.answers if k not in order]
        for fid in order:
            value = reflection.answers.get(fid)
            if is_empty(value) or (cid, fid) in sel.redacted:
                continue
            f = chapter.field(fid) if chapter else None
            answers += [f"### {_inline(f.label if f else fid)}", "", fenced(answer_text(f, value)), ""]
        if answers:
            out += [f"## {_inline(chapter.title if chapter else cid)}", ""]
            out += [f"_Status: {reflection.status}, saved {_inline(reflection.updated)}_", "", *answers]
    if grouped.checkins[s.id]:
        out += ["## Check-ins", ""]
        out += [f"- {_inline(at)}: {rating} of 10" for at, rating in grouped.checkins[s.id]]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
