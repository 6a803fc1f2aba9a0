"""What to do next: a suggested order of chapters, the look back when it is due, and when to show the safety note.

The workbook reads in order the first time through, but a person laid off
last week with a feeling of 9 needs looking after before analysing anything.
Once chapter 00 has been written, :func:`suggested_route` orders the chapters
from the setback's kind and how heavy it feels; the home screen shows it and
the person can ignore it. :func:`review_due` names a chapter with
``review_after_days`` once the setback is that old. :func:`distressing` says
when a saved rating is high enough to show the "workbook, not therapy" note.
Nothing here imports Textual.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tui.content import Chapter
from tui.records import is_empty, parse_date
from tui.workbook import Workbook

DISTRESS_AT = 9  # a 0-10 rating of pain or fear this high shows the safety note (once a session)
HEAVY_AT = 8  # from this feeling on, looking after yourself and support come first
CARE_FIRST = ("self-care", "support")
START = "start"

# After chapter 00, by the kind of setback: the chapters that pay off most, in order.
ROUTES: dict[str, tuple[str, ...]] = {
    "rejection": ("acknowledge", "reframe", "feedback", "skills", "resilience", "goals", "network", "story"),
    "project": ("acknowledge", "responsibility", "deconstruct", "lessons", "feedback", "goals", "risk", "story"),
    "layoff": ("acknowledge", "self-care", "support", "network", "resilience", "purpose", "goals", "story"),
    "review": ("acknowledge", "reframe", "responsibility", "feedback", "lessons", "skills", "goals", "story"),
    "promotion": ("acknowledge", "reframe", "feedback", "mindset", "skills", "purpose", "goals", "story"),
    "business": (
        "acknowledge",
        "self-care",
        "responsibility",
        "deconstruct",
        "lessons",
        "resilience",
        "purpose",
        "risk",
    ),
}


def suggested_route(workbook: Workbook, setback_id: int) -> list[Chapter]:
    """The chapters to do next, in a suggested order; empty until chapter 00 has been written.

    Chapters already done are left out; the look back (``review_after_days``)
    is not part of the route (it comes when its day comes).
    """
    setback = workbook.setback(setback_id)
    if setback is None or workbook.chapter(START) is None or workbook.status(setback_id, START) == "empty":
        return []
    ids = list(ROUTES.get(setback.kind, ()))
    if not ids:  # no route for this kind: the chapters in their order
        ids = [c.id for c in workbook.chapters if c.id != START and c.review_after_days is None]
    if setback.feeling is not None and setback.feeling >= HEAVY_AT:
        ids = [*CARE_FIRST, *(i for i in ids if i not in CARE_FIRST)]
    done = {r.chapter_id for r in workbook.reflections(setback_id) if r.status == "done"}
    route = [workbook.chapter(i) for i in ids if i not in done]
    return [c for c in route if c is not None]


def review_due(workbook: Workbook, setback_id: int, today: dt.date | None = None) -> Chapter | None:
    """A look-back chapter whose day has come for this setback and is not done yet, or None.

    The setback's age counts from its date (when it happened), or from when
    it was named if it has no date.
    """
    setback = workbook.setback(setback_id)
    if setback is None:
        return None
    today = today or workbook.clock().date()
    try:
        since = parse_date(setback.date) if setback.date else dt.date.fromisoformat(setback.created[:10])
    except ValueError:
        return None
    for chapter in workbook.chapters:
        days = chapter.review_after_days
        if days is None or workbook.status(setback_id, chapter.id) == "done":
            continue
        if (today - since).days >= days:
            return chapter
    return None


def distressing(chapter: Chapter, answers: dict[str, Any]) -> bool:
    """Whether the answers rate pain or fear (a ``distress`` scale) at DISTRESS_AT or more."""
    for f in chapter.fields:
        value = answers.get(f.id)
        if f.distress and not is_empty(value) and isinstance(value, int) and value >= DISTRESS_AT:
            return True
    return False


def distressing_rating(rating: int | None) -> bool:
    """Whether a 0-10 feeling (naming a setback, a check-in) is DISTRESS_AT or more."""
    return rating is not None and rating >= DISTRESS_AT
