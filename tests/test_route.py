"""What to do next: the suggested order after chapter 00, the look back when it is due, the safety note."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Static

from screens.home import HomeScreen
from tui.app import make_app
from tui.content import Chapter
from tui.locations import shipped_content_dir
from tui.route import distressing, review_due, suggested_route
from tui.store import Store
from tui.workbook import Workbook

from .conftest import FIXED_NOW, fixed_clock


def shipped_workbook(chapters: list[Chapter]) -> Workbook:
    return Workbook(Store(None), chapters, fixed_clock)


def start_answers(workbook: Workbook, setback_id: int) -> dict[str, object]:
    return {**workbook.session(setback_id, "start").baseline, "what_happened": "It happened."}


def test_no_route_before_chapter_00_then_one_by_kind(shipped_chapters: list[Chapter]) -> None:
    wb = shipped_workbook(shipped_chapters)
    s = wb.add_setback("Turned down", "rejection", "2026-03-01", 5)
    assert suggested_route(wb, s.id) == []  # name the setback first
    wb.save_reflection(s.id, "start", start_answers(wb, s.id))
    route = [c.id for c in suggested_route(wb, s.id)]
    assert route[:3] == ["acknowledge", "reframe", "feedback"]
    assert "review" not in route
    wb.save_reflection(s.id, "acknowledge", {"accepted": "yes"}, done=False)
    assert "acknowledge" in [c.id for c in suggested_route(wb, s.id)]  # in progress stays suggested


def test_a_heavy_feeling_puts_looking_after_yourself_first(shipped_chapters: list[Chapter]) -> None:
    wb = shipped_workbook(shipped_chapters)
    s = wb.add_setback("Laid off", "project", "2026-03-01", 9)
    wb.save_reflection(s.id, "start", start_answers(wb, s.id))
    assert [c.id for c in suggested_route(wb, s.id)][:3] == ["self-care", "support", "acknowledge"]


def test_the_look_back_is_due_after_its_days(shipped_chapters: list[Chapter]) -> None:
    wb = shipped_workbook(shipped_chapters)
    s = wb.add_setback("Laid off", "layoff", "2026-02-20", 6)
    review = review_due(wb, s.id)  # 22 days after the setback: not yet
    assert review is None
    later = review_due(wb, s.id, today=dt.date(2026, 3, 22))
    assert later is not None and later.id == "review" and later.review_after_days == 30
    undated = wb.add_setback("No date given")  # counts from when it was named
    assert review_due(wb, undated.id, today=FIXED_NOW.date() + dt.timedelta(days=30)) is not None


def test_only_distress_scales_of_nine_or_more_are_distressing(shipped_chapters: list[Chapter]) -> None:
    start = next(c for c in shipped_chapters if c.id == "start")
    feeling = start.setback_field("feeling")
    assert feeling is not None and feeling.distress
    assert distressing(start, {feeling.id: 9})
    assert not distressing(start, {feeling.id: 8})
    purpose = next(c for c in shipped_chapters if c.id == "purpose")
    high_is_good = [f for f in purpose.fields if f.kind == "scale"]
    assert high_is_good and not distressing(purpose, {f.id: 10 for f in high_is_good})


@pytest.mark.slow  # a Pilot run of a second or more: left out of make test-fast
async def test_home_shows_the_route_and_offers_the_look_back(data_dir: Path) -> None:
    app = make_app(data_dir=data_dir, content_dir=shipped_content_dir(), clock=fixed_clock, remember_theme=False)
    async with app.run_test(size=(100, 30)) as pilot:
        wb = app.workbook
        s = wb.add_setback("Layoff at Northwind", "layoff", "2026-01-20", 8)
        wb.save_reflection(s.id, "start", start_answers(wb, s.id))
        home = app.screen
        assert isinstance(home, HomeScreen)
        home.refresh_lists(select=s.id)
        await pilot.pause()
        status = str(home.query_one("#home-status", Static).render())
        assert "Time to look back (r): Look back after 30 days" in status
        assert "Suggested next: Look after yourself → Build your support system" in status
        await pilot.press("r")
        await pilot.pause()
        assert app.screen.chapter.id == "review"  # type: ignore[attr-defined]


@pytest.mark.slow  # a Pilot run of a second or more: left out of make test-fast
async def test_a_rating_of_nine_shows_the_safety_note_once_and_help_always_has_it(data_dir: Path) -> None:
    from screens.help import HelpScreen

    app = make_app(data_dir=data_dir, content_dir=shipped_content_dir(), clock=fixed_clock, remember_theme=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", *"Fired on Friday", "tab", "tab", "tab", "9", "enter")  # feeling 9 when naming it
        await pilot.pause()
        notes = [n for n in app._notifications if n.title == "A workbook, not therapy"]
        assert len(notes) == 1
        assert "findahelpline.com" in notes[0].message and "emergency number" in notes[0].message
        assert "**" not in notes[0].message  # plain text, not Markdown
        s = app.workbook.setbacks()[0]
        app.check_in(s.id)
        await pilot.pause()
        await pilot.press("9", "enter")  # a second 9 in the same session: no second note
        await pilot.pause()
        assert len([n for n in app._notifications if n.title == "A workbook, not therapy"]) == 1
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "befrienders.org" in str(app.screen.query_one("#help-safety", Static).render())
