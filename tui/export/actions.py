"""Action items for the tools people already use: a table, JSON for scripts, iCalendar for calendars.

:func:`action_rows` picks the open items (due within some days, overdue, or
all) with their setback's title and their chapter's; :func:`rows_json`
and :func:`rows_ics` turn them into what ``failforward actions --json`` and
``--ics`` write. Each item has a UID made of what identifies it for good
(setback, chapter, field and the item's own key, see
:func:`tui.records.item_keys`), so a calendar that imports the file again
updates its events instead of adding copies. Nothing here imports Textual.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from tui import __version__
from tui.workbook import ActionItem, Workbook

DUE_HELP = "7d (due within 7 days, overdue included), overdue, today, or all"
_DAYS = re.compile(r"^(\d{1,4})d$")


@dataclass(frozen=True)
class Due:
    """Which items by due date: ``days`` ahead (overdue included), only ``overdue``, or all."""

    days: int | None = None
    overdue_only: bool = False

    @classmethod
    def parse(cls, text: str) -> Due:
        """``7d``, ``overdue``, ``today`` or ``all``; raises ValueError with a message for the person."""
        word = text.strip().lower()
        if word == "all":
            return cls()
        if word == "overdue":
            return cls(overdue_only=True)
        if word == "today":
            return cls(days=0)
        match = _DAYS.match(word)
        if match:
            return cls(days=int(match.group(1)))
        raise ValueError(f"'{text}' is not a due filter: use {DUE_HELP}")

    def admits(self, due: str | None, today: dt.date) -> bool:
        if self.days is None and not self.overdue_only:
            return True
        if not due:
            return False
        day = dt.date.fromisoformat(due)
        if self.overdue_only:
            return day < today
        assert self.days is not None
        return day <= today + dt.timedelta(days=self.days)


@dataclass(frozen=True)
class ActionRow:
    """One action item with what a person needs to recognise it outside the app."""

    uid: str
    setback_id: int
    setback: str
    chapter_id: str
    chapter: str
    field_id: str
    text: str
    due: str | None
    done: bool
    overdue: bool
    days_left: int | None


def action_uid(item: ActionItem) -> str:
    """The item's UID, the same on every export while the item exists (RFC 5545 wants one per event)."""
    key = item.item_id or f"r{item.id}"
    return f"{item.setback_id}-{item.chapter_id}-{item.field_id}-{key}@failforward"


def action_rows(
    workbook: Workbook,
    today: dt.date,
    due: Due | None = None,
    *,
    include_done: bool = False,
    setback_id: int | None = None,
) -> list[ActionRow]:
    """The action items asked for, soonest due first (items without a date last).

    Items of archived setbacks are left out unless ``setback_id`` names one.
    """
    due = due or Due()
    setbacks = {s.id: s for s in workbook.setbacks(include_archived=True)}
    rows = []
    for item in workbook.actions(setback_id, include_done=include_done):
        setback = setbacks.get(item.setback_id)
        if setback is None or (setback.archived and setback_id is None) or not due.admits(item.due, today):
            continue
        chapter = workbook.chapter(item.chapter_id)
        days_left = (dt.date.fromisoformat(item.due) - today).days if item.due else None
        rows.append(
            ActionRow(
                uid=action_uid(item),
                setback_id=item.setback_id,
                setback=" ".join(setback.title.split()),
                chapter_id=item.chapter_id,
                chapter=chapter.title if chapter else item.chapter_id,
                field_id=item.field_id,
                text=" ".join(item.text.split()),
                due=item.due,
                done=item.done,
                overdue=days_left is not None and days_left < 0 and not item.done,
                days_left=days_left,
            )
        )
    return rows


def rows_json(rows: list[ActionRow]) -> list[dict[str, Any]]:
    """The rows as JSON-ready objects (the shape docs/CLI.md describes)."""
    return [dict(vars(row)) for row in rows]


def rows_ics(rows: list[ActionRow], now: dt.datetime) -> tuple[bytes, int]:
    """An iCalendar file with one all-day event per item that has a due date; and how many had none.

    Events rather than to-dos: every calendar app shows an all-day event on
    its day, while many ignore VTODO. Done items (with ``--done``) are
    marked completed in their title.
    """
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", f"-//failforward//failforward {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "failforward actions")
    stamp = now.astimezone(dt.UTC).replace(microsecond=0)
    undated = 0
    for row in rows:
        if not row.due:
            undated += 1
            continue
        day = dt.date.fromisoformat(row.due)
        event = Event()
        event.add("uid", row.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", ("✓ " if row.done else "") + row.text)
        event.add("description", f"Setback: {row.setback}\nChapter: {row.chapter}\nfrom failforward")
        event.add("categories", ["failforward"])
        event.add("transp", "TRANSPARENT")  # a reminder, not a meeting: the day stays free
        calendar.add_component(event)
    return calendar.to_ical(), undated
