"""What the home screen shows, as plain data: made from the journal, or read back from the glance.

The home screen draws an :class:`Overview` (the setbacks, where to continue,
drafts and conflicts) and a :class:`SetbackDetail` (the selected setback's
chapters, look back, suggested order and feelings). Both are made here from
the Workbook, so what home shows is tested without a screen.

The glance. At the end of a session the overview of a plain journal, with the
first setback's detail, is written to this machine's cache folder (never the
data folder: a sync tool never copies it). The next start that finds the
journal's files just as they were left (same size, time and inode, the same
folder listing, no log of unsaved changes), the same chapter files (their
texts byte for byte, tui/sources.py), the same day and the same version of
failforward draws its first frame from the glance, and loads the chapters
and opens the journal right after that frame (tui/opening.py, ``Glimpse``).
Keys typed meanwhile wait and are delivered in order once it is open, and
home is drawn again from the journal if anything differs. At 10,000
reflections that first frame comes about 100 ms sooner (docs/PERFORMANCE.md).

An encrypted journal never has a glance: it would hold titles in plain text.
A glance that cannot be read or written is no glance; nothing depends on it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui import __version__
from tui.locations import DB_FILE, LOG_FILE, glance_file
from tui.store import StoreError, ensure_private_dir, write_private

if TYPE_CHECKING:  # the glance is read before the journal's modules are loaded (tui/opening.py)
    from tui.records import Conflict
    from tui.workbook import Workbook

GLANCE_FORMAT = 3  # 2: Overview.can_continue; 3: keyed to the chapter files' texts (tui/sources.py)
STATUS_MARK = {"empty": "[ ]", "draft": "[~]", "done": "[x]"}


@dataclass(frozen=True)
class SetbackRow:
    id: int
    title: str
    done: int
    total: int
    date: str | None


@dataclass(frozen=True)
class ChapterRow:
    id: str
    order: int
    title: str
    status: str  # empty, draft or done
    flag: str  # " ", "*" (unsaved draft) or "!" (an answer changed on two machines)

    @property
    def mark(self) -> str:
        return STATUS_MARK.get(self.status, STATUS_MARK["empty"]) + self.flag


@dataclass(frozen=True)
class Overview:
    """The journal-wide part of home."""

    setbacks: tuple[SetbackRow, ...]
    status: tuple[str, ...]  # where to continue, the next action ... (or a hint when there is nothing)
    drafts_line: str
    conflicts_line: str
    has_trash: bool
    record_conflicts: bool  # fields outside the chapters changed on two machines (v chooses)
    can_continue: bool = False  # a chapter written in before, to go back to (c)


@dataclass(frozen=True)
class SetbackDetail:
    """The selected setback's part of home (none selected: the chapters, unmarked)."""

    setback_id: int | None
    chapters_title: str
    chapters: tuple[ChapterRow, ...]
    review: str | None  # the title of the look back whose day has come
    route: tuple[str, ...]  # the titles of the suggested next chapters
    ratings: tuple[int, ...]  # check-ins, oldest first


@dataclass(frozen=True)
class Glance:
    """Home as it was left: what the next start draws before the journal is read."""

    overview: Overview
    detail: SetbackDetail

    @classmethod
    def empty(cls) -> Glance:
        """Nothing yet: home before it is first drawn."""
        return cls(Overview((), (), "", "", False, False), SetbackDetail(None, "Chapters", (), None, (), ()))


def conflicts_line(conflicts: list[Conflict]) -> str:
    """What merges kept twice, for the status lines: answers in chapters marked !, and other fields."""
    if not conflicts:
        return ""
    answers = sum(1 for c in conflicts if c.in_chapter)
    others = len(conflicts) - answers
    parts = []
    if answers:
        parts.append(f"{answers} answer{'s' if answers > 1 else ''} (chapters marked !)")
    if others:
        parts.append(f"{others} other field{'s' if others > 1 else ''} (press v to choose)")
    return "Changed on two machines, both versions kept: " + "; ".join(parts)


def overview(workbook: Workbook) -> Overview:
    """The setbacks with their progress, and the journal-wide status lines."""
    items = workbook.setbacks()
    progress = workbook.progress_all()
    total = len(workbook.chapters)
    rows = []
    for s in items:
        p = progress.get(s.id)
        rows.append(SetbackRow(s.id, s.title, p.done if p else 0, p.total if p else total, s.date or None))
    conflicts = workbook.conflicts()
    parts: list[str] = []
    last = workbook.last_opened()
    can_continue = False
    if last:
        setback, chapter = workbook.setback(last[0]), workbook.chapter(last[1])
        if setback and chapter:
            parts.append(f"Continue (c): {setback.title} › {chapter.title}")
            can_continue = True
    drafts = len(workbook.drafts())
    drafts_line = f"{drafts} unsaved draft{'s' if drafts > 1 else ''} (marked *)" if drafts else ""
    actions = workbook.actions()
    if actions:
        today = workbook.clock().date().isoformat()
        first = actions[0]
        if first.due and first.due < today:
            overdue = sum(1 for a in actions if a.due and a.due < today)
            parts.append(f"Overdue ({overdue}): {first.text} (was due {first.due})")
        else:
            due = f" (due {first.due})" if first.due else ""
            parts.append(f"Next action: {first.text}{due} · {len(actions)} open")
    if not parts and not drafts_line:
        if items:
            parts.append("Pick a chapter and press enter to start it. Start here comes first.")
        else:
            parts.append("Press n to name a setback, then pick a chapter and press enter.")
    return Overview(
        setbacks=tuple(rows),
        status=tuple(parts),
        drafts_line=drafts_line,
        conflicts_line=conflicts_line(conflicts),
        has_trash=bool(workbook.trash()),
        record_conflicts=any(not c.in_chapter for c in conflicts),
        can_continue=can_continue,
    )


def setback_detail(workbook: Workbook, setback_id: int | None) -> SetbackDetail:
    """The chapters with their marks for ``setback_id``, its look back, suggested order and check-ins."""
    from tui.route import review_due, suggested_route

    drafts = {(d.setback_id, d.chapter_id) for d in workbook.drafts()}
    conflicts = {(c.setback_id, c.chapter_id) for c in workbook.conflicts() if c.in_chapter}
    statuses = {r.chapter_id: r.status for r in workbook.reflections(setback_id)} if setback_id else {}
    rows = []
    for chapter in workbook.chapters:
        flag = "*" if (setback_id, chapter.id) in drafts else " "  # before the title, which may be cut
        if (setback_id, chapter.id) in conflicts:
            flag = "!"  # an answer changed on two machines: the chapter shows both
        rows.append(ChapterRow(chapter.id, chapter.order, chapter.title, statuses.get(chapter.id, "empty"), flag))
    setback = workbook.setback(setback_id) if setback_id else None
    review = review_due(workbook, setback.id) if setback else None
    route = suggested_route(workbook, setback.id) if setback else []
    return SetbackDetail(
        setback_id=setback.id if setback else None,
        chapters_title=f"Chapters for: {setback.title}" if setback else "Chapters",
        chapters=tuple(rows),
        review=review.title if review else None,
        route=tuple(c.title for c in route),
        ratings=tuple(r for _, r in workbook.checkins(setback.id)) if setback else (),
    )


def status_lines(view: Overview, detail: SetbackDetail) -> list[str]:
    """Home's status lines (at most four): conflicts, look back, where to continue, suggested order, the rest."""
    lines = [view.conflicts_line] if view.conflicts_line else []
    if detail.review is not None:
        lines.append(f"Time to look back (r): {detail.review}")
    lines += view.status[:1]  # where to continue
    if detail.route:
        lines.append("Suggested next: " + " → ".join(detail.route[:3]) + (" …" if len(detail.route) > 3 else ""))
    lines += view.status[1:]
    if view.drafts_line:
        lines.append(view.drafts_line)
    return lines[:4]


def trend_title(detail: SetbackDetail) -> str:
    """The title above the feelings' sparkline."""
    if detail.ratings:
        return f"Feeling: {'→'.join(str(r) for r in detail.ratings[-4:])} (10 = awful)"
    if detail.setback_id is None:
        return "Feeling: name a setback first (n)"
    return "Feeling: press k to check in"


def glance_of(workbook: Workbook) -> Glance:
    """Home as it stands, with the first setback selected (as home opens)."""
    view = overview(workbook)
    return Glance(view, setback_detail(workbook, view.setbacks[0].id if view.setbacks else None))


# -- the glance on disk ----------------------------------------------------------------


def _stat(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns]


def glance_key(folder: Path, content: str, today: dt.date) -> dict[str, Any] | None:
    """What must be as it was for a glance to stand for the journal: None when the journal has unsaved changes.

    The names in the folder are part of it: a sync tool's conflict copy, a
    change of passphrase cut short, anything new there is read first.
    ``content`` is the digest of the chapter files' texts (tui/sources.py):
    the same texts are the same chapters, and they loaded without an error.
    """
    folder = Path(folder)
    journal = _stat(folder / DB_FILE)
    if journal is None or _stat(folder / LOG_FILE) is not None:  # no journal yet, or saves still in the log
        return None
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return None
    return {
        "format": GLANCE_FORMAT,
        "version": __version__,
        "names": names,
        "journal": journal,
        "content": content,
        "day": today.isoformat(),
    }


def save_glance(folder: Path, content: str, today: dt.date, glance: Glance, left_as: list[int] | None = None) -> bool:
    """Keep ``glance`` for the next start (after the journal is closed: its files as the next start finds them).

    Written private (0600 in a 0700 folder) and whole. ``left_as`` is
    journal.json as the session left it (its inode, size and time, taken
    before its lock was let go): when the file is no longer that one, another
    process wrote it since and the glance stands for nothing. Returns False
    when it could not be written: nothing depends on it.
    """
    key = glance_key(folder, content, today)
    path = glance_file(folder)
    if key is None or (left_as is not None and key["journal"] != left_as):
        forget_glance(folder)
        return False
    body = json.dumps({"key": key, "glance": asdict(glance)}, ensure_ascii=False).encode()
    try:
        ensure_private_dir(path.parent)
        write_private(path, body)
    except StoreError:  # SaveError is one
        return False
    return True


def load_glance(folder: Path, content: str, today: dt.date) -> Glance | None:
    """The glance kept for ``folder`` when the journal and the chapter files are just as they were left, else None."""
    key = glance_key(folder, content, today)
    if key is None:
        return None
    try:
        data = json.loads(glance_file(folder).read_bytes())
        if data.get("key") != key:
            return None
        return _glance_from(data["glance"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def forget_glance(folder: Path) -> None:
    """Remove the glance of ``folder`` (it stands for nothing now)."""
    with contextlib.suppress(OSError):
        glance_file(folder).unlink()


def close_keeping_glance(workbook: Workbook, content: str | None) -> None:
    """Close the journal, then keep home's glance of it for the next start (a plain journal's only).

    ``content`` is the digest of the chapter files the session loaded
    (``LoadResult.digest``); None keeps no glance. The glance is taken
    before closing and keyed to the files as closing
    leaves them; the app may have closed the journal already (its unmount),
    and another process may have written it since its lock was let go: then
    no glance is kept. Closing comes first in importance: a glance that
    cannot be made is no glance.
    """
    folder = workbook.folder
    seen: Glance | None = None
    if folder is not None and content is not None and not workbook.encrypted and workbook.lost is None:
        try:
            seen = glance_of(workbook)
        except Exception:
            seen = None
    workbook.close()
    if folder is None:
        return
    left = workbook.left_as
    if seen is None or left is None or content is None:
        workbook.forget_glance()
    else:
        save_glance(folder, content, workbook.clock().date(), seen, left)


def _glance_from(data: dict[str, Any]) -> Glance:
    view, detail = data["overview"], data["detail"]
    return Glance(
        Overview(
            setbacks=tuple(SetbackRow(**row) for row in view["setbacks"]),
            status=tuple(str(line) for line in view["status"]),
            drafts_line=str(view["drafts_line"]),
            conflicts_line=str(view["conflicts_line"]),
            has_trash=bool(view["has_trash"]),
            record_conflicts=bool(view["record_conflicts"]),
            can_continue=bool(view["can_continue"]),
        ),
        SetbackDetail(
            setback_id=detail["setback_id"],
            chapters_title=str(detail["chapters_title"]),
            chapters=tuple(ChapterRow(**row) for row in detail["chapters"]),
            review=detail["review"],
            route=tuple(detail["route"]),
            ratings=tuple(int(r) for r in detail["ratings"]),
        ),
    )
