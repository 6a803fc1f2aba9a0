"""``failforward actions`` (table, --json, --ics) and ``list --json``: what cron, scripts and calendars read."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from icalendar import Calendar

from tui.content import load_chapters
from tui.store import Store
from tui.workbook import Workbook

from .conftest import FIXTURE_CHAPTERS, fixed_clock
from .test_cli_commands import ff, one_line_error

TODAY = dt.date.today()


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def open_workbook(folder: Path) -> tuple[Store, Workbook]:
    store = Store(folder)
    return store, Workbook(store, load_chapters([FIXTURE_CHAPTERS]), fixed_clock)


PLAN = [
    {"id": "a1", "text": "Call Sam", "due": day(-1), "done": False},
    {"id": "b2", "text": "Update the CV", "due": day(3), "done": False},
    {"id": "c3", "text": "Apply at Initech", "due": day(20), "done": False},
    {"id": "d4", "text": "Read a book", "due": None, "done": False},
    {"id": "e5", "text": "Tidy the desk", "due": day(1), "done": True},
]


@pytest.fixture
def journal(data_dir: Path) -> Path:
    store, wb = open_workbook(data_dir)
    with store:
        s = wb.add_setback("Laid off from Acme", "layoff", "2026-02-01")
        wb.save_reflection(s.id, "second", {"plan": PLAN})
        old = wb.add_setback("Old and archived", "other")
        wb.save_reflection(old.id, "second", {"plan": [{"text": "Hidden", "due": day(0), "done": False}]})
        wb.archive_setback(old.id)
    return data_dir


def texts(stdout: str) -> list[str]:
    return [line.split("  ")[-1].strip() for line in stdout.splitlines()[1:]]


def test_the_table_lists_open_items_soonest_first(journal: Path) -> None:
    result = ff("actions", "--data-dir", str(journal))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["DUE", "SETBACK", "CHAPTER", "ACTION"]
    assert texts(result.stdout) == ["Call Sam", "Update the CV", "Apply at Initech", "Read a book"]
    assert lines[1].startswith(f"{day(-1)} overdue  1 Laid off from Acme  second")
    assert "Hidden" not in result.stdout  # archived setbacks stay out of the way


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        ("7d", ["Call Sam", "Update the CV"]),
        ("30d", ["Call Sam", "Update the CV", "Apply at Initech"]),
        ("overdue", ["Call Sam"]),
        ("today", ["Call Sam"]),
        ("all", ["Call Sam", "Update the CV", "Apply at Initech", "Read a book"]),
    ],
)
def test_due_filters(journal: Path, due: str, expected: list[str]) -> None:
    result = ff("actions", "--due", due, "--data-dir", str(journal))
    assert result.returncode == 0, result.stderr
    assert texts(result.stdout) == expected


def test_done_items_on_request_and_one_setback(journal: Path) -> None:
    result = ff("actions", "--done", "--setback", "1", "--data-dir", str(journal))
    assert "Tidy the desk" in texts(result.stdout)
    assert f"{day(1)} done" in result.stdout
    archived = ff("actions", "--setback", "2", "--data-dir", str(journal))
    assert texts(archived.stdout) == ["Hidden"]  # named, so shown


def test_nothing_due_prints_nothing_so_cron_sends_no_mail(data_dir: Path) -> None:
    store, wb = open_workbook(data_dir)
    with store:
        wb.add_setback("Quiet", "other")
    result = ff("actions", "--due", "overdue", "--data-dir", str(data_dir))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert json.loads(ff("actions", "--json", "--data-dir", str(data_dir)).stdout) == []


def test_json_shape(journal: Path) -> None:
    result = ff("actions", "--json", "--due", "7d", "--data-dir", str(journal))
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows[0] == {
        "uid": "1-second-plan-a1@failforward",
        "setback_id": 1,
        "setback": "Laid off from Acme",
        "chapter_id": "second",
        "chapter": "Second",
        "field_id": "plan",
        "text": "Call Sam",
        "due": day(-1),
        "done": False,
        "overdue": True,
        "days_left": -1,
    }
    assert [r["days_left"] for r in rows] == [-1, 3]


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["--due", "soon"], 2, "'soon' is not a due filter"),
        (["--json", "--ics"], 2, "not allowed with argument"),
        (["--setback", "99"], 3, "no setback with id 99"),
    ],
)
def test_errors(journal: Path, args: list[str], code: int, text: str) -> None:
    one_line_error(ff("actions", *args, "--data-dir", str(journal)), code, text)


# -- iCalendar ------------------------------------------------------------------


def read_ics(path: Path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


def events(calendar: Calendar) -> dict[str, tuple[str, dt.date]]:
    return {str(e["UID"]): (str(e["SUMMARY"]), e.decoded("DTSTART")) for e in calendar.walk("VEVENT")}


def test_ics_has_one_all_day_event_per_dated_item(journal: Path, tmp_path: Path) -> None:
    out = tmp_path / "actions.ics"
    result = ff("actions", "--ics", "-o", str(out), "--data-dir", str(journal))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote 3 action items to {out} (1 without a due date left out)\n"
    calendar = read_ics(out)
    assert str(calendar["VERSION"]) == "2.0" and "failforward" in str(calendar["PRODID"])
    assert events(calendar) == {
        "1-second-plan-a1@failforward": ("Call Sam", TODAY - dt.timedelta(days=1)),
        "1-second-plan-b2@failforward": ("Update the CV", TODAY + dt.timedelta(days=3)),
        "1-second-plan-c3@failforward": ("Apply at Initech", TODAY + dt.timedelta(days=20)),
    }
    event = next(iter(calendar.walk("VEVENT")))
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(days=1)  # all day
    assert "DTSTAMP" in event
    assert "Laid off from Acme" in str(event["DESCRIPTION"])
    assert out.read_bytes().count(b"\r\n") > 10  # RFC 5545 line ends


def test_ics_uids_survive_an_unrelated_save(data_dir: Path, tmp_path: Path) -> None:
    """Items saved before items had ids (no 'id') and new ones keep their UID when the chapter is saved again."""
    store, wb = open_workbook(data_dir)
    with store:
        s = wb.add_setback("Missed promotion", "promotion")
        legacy = [{"text": "Ask for criteria", "due": day(5), "done": False}]
        legacy.append({"text": "Ask for criteria", "due": day(9), "done": False})  # the same text twice
        wb.save_reflection(s.id, "second", {"plan": [*legacy, {"id": "n1", "text": "New", "due": day(2)}]})
    first = tmp_path / "first.ics"
    assert ff("actions", "--ics", "-o", str(first), "--data-dir", str(data_dir)).returncode == 0

    store, wb = open_workbook(data_dir)
    with store:  # another answer, and an item added first: every action record is made anew, in a new order
        saved = wb.reflection(1, "second")
        assert saved is not None
        before = {a.text: a.id for a in wb.actions()}
        plan = [{"id": "n0", "text": "Added first", "due": day(1)}, *saved.answers["plan"]]
        wb.save_reflection(1, "second", {**saved.answers, "tags": ["a"], "plan": plan})
        assert before["New"] != {a.text: a.id for a in wb.actions()}["New"]  # record ids moved
    second = tmp_path / "second.ics"
    assert ff("actions", "--ics", "-o", str(second), "--data-dir", str(data_dir)).returncode == 0

    one, two = events(read_ics(first)), events(read_ics(second))
    assert len(one) == 3  # the same text twice still gives two UIDs
    assert {uid: two[uid] for uid in one} == one
    assert set(two) - set(one) == {"1-second-plan-n0@failforward"}


def test_ics_to_standard_output(journal: Path) -> None:
    result = ff("actions", "--ics", "--data-dir", str(journal))
    assert result.returncode == 0, result.stderr
    assert len(events(Calendar.from_ical(result.stdout.encode()))) == 3


# -- list --json ------------------------------------------------------------------


def test_list_json(journal: Path) -> None:
    result = ff("list", "--json", "--data-dir", str(journal))
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == [2, 1]
    assert rows[1] == {
        "id": 1,
        "title": "Laid off from Acme",
        "kind": "layoff",
        "date": "2026-02-01",
        "feeling": None,
        "archived": False,
        "created": "2026-03-14T09:30:00",
        "updated": "2026-03-14T09:30:00",
        "chapters": {"done": 0, "started": 1, "total": 2},
    }
    assert rows[0]["archived"] is True


def test_list_json_of_an_empty_journal_is_an_empty_list(data_dir: Path) -> None:
    store, _ = open_workbook(data_dir)
    store.close()
    result = ff("list", "--json", "--data-dir", str(data_dir))
    assert (result.returncode, json.loads(result.stdout)) == (0, [])
