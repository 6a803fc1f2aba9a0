"""``import --from jrnl|dayone``: another journal's entries into a setback's notes or a chapter's answer.

The fixtures are built here from the formats' documented structure: jrnl's
JSON exporter (``{"tags": {...}, "entries": [{"title", "body", "date",
"time", "tags", "starred"}]}``) and Day One's ``Journal.json``
(``{"metadata": {"version"}, "entries": [{"uuid", "creationDate", "text",
"tags", "timeZone", "starred", ...}]}``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from tui.content import load_chapters
from tui.export.dayone import parse_dayone
from tui.export.entries import Entry
from tui.export.jrnl import parse_jrnl
from tui.locations import DB_FILE
from tui.store import Store
from tui.workbook import Workbook

from .conftest import FIXTURE_CHAPTERS, fixed_clock
from .test_cli_commands import ff, one_line_error


def jrnl_export(entries: list[dict]) -> dict:
    """What ``jrnl --export json`` writes: tag counts, then the entries."""
    counts: dict[str, int] = {}
    for entry in entries:
        for tag in set(entry["tags"]):
            counts[tag] = counts.get(tag, 0) + 1
    return {"tags": counts, "entries": entries}


def jrnl_entry(date: str, time: str, title: str, body: str, tags=(), starred=False) -> dict:
    return {"title": title, "body": body, "date": date, "time": time, "tags": list(tags), "starred": starred}


def dayone_export(entries: list[dict]) -> dict:
    """What Day One puts in the Journal.json of its JSON export zip."""
    return {"metadata": {"version": "1.0"}, "entries": entries}


def dayone_entry(uuid: str, created: str, text: str, tags=(), zone="Europe/Berlin", starred=False) -> dict:
    return {
        "uuid": uuid,
        "creationDate": created,
        "modifiedDate": created,
        "timeZone": zone,
        "text": text,
        "richText": json.dumps({"meta": {"version": 1}, "contents": [{"text": text}]}),
        "tags": list(tags),
        "starred": starred,
        "duration": 0,
        "creationDevice": "Phone",
        "location": {"localityName": "Berlin", "country": "Germany", "latitude": 52.5, "longitude": 13.4},
        "weather": {"temperatureCelsius": 12, "conditionsDescription": "Cloudy"},
        "photos": [{"identifier": "AB12", "type": "jpeg", "orderInEntry": 0}],
    }


JRNL = jrnl_export(
    [
        jrnl_entry("2026-02-02", "21:15", "The call from HR.", "Ten minutes, no warning.\nI kept calm.", ["@work"]),
        jrnl_entry("2026-02-01", "08:00", "Rumours", "Everyone talks about cuts.", ["@work", "@worry"], True),
    ]
)
DAYONE = dayone_export(
    [
        dayone_entry(
            "5F2A",
            "2026-02-03T19:30:00Z",
            "# Talked to Sam\n\nShe said it was not about me\\. Budget\\-driven\\!\n\n![](dayone-moment://AB12)",
            ["layoff"],
        ),
        dayone_entry("6B3C", "2026-02-04T07:05:00Z", "Slept badly.", zone="America/New_York"),
    ]
)


def write(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


@pytest.fixture
def journal(data_dir: Path) -> Path:
    with Store(data_dir) as store:
        wb = Workbook(store, load_chapters([FIXTURE_CHAPTERS]), fixed_clock)
        s = wb.add_setback("Laid off from Acme", "layoff", "2026-02-01")
        wb.save_reflection(s.id, "first", {"what": "What I wrote in the app.", "feeling": 6}, done=True)
    return data_dir


def read(folder: Path) -> Workbook:
    return Workbook.read_only(folder, load_chapters([FIXTURE_CHAPTERS]))


# -- the formats --------------------------------------------------------------------


def test_jrnl_entries() -> None:
    entries = parse_jrnl(JRNL)
    assert entries[0] == Entry(
        dt.datetime(2026, 2, 2, 21, 15), "The call from HR.", "Ten minutes, no warning.\nI kept calm.", ("@work",)
    )
    assert entries[1].starred and entries[1].tags == ("@work", "@worry")
    assert (
        entries[0].block()
        == "2026-02-02 21:15 · The call from HR.\ntags: @work\nTen minutes, no warning.\nI kept calm."
    )


def test_dayone_entries_local_time_title_and_escapes() -> None:
    talked, slept = parse_dayone(DAYONE)
    assert talked.when == dt.datetime(2026, 2, 3, 20, 30)  # 19:30 UTC in Berlin
    assert talked.title == "Talked to Sam"
    assert talked.body == "She said it was not about me. Budget-driven!\n\n[photo]"
    assert talked.tags == ("layoff",)
    assert slept.when == dt.datetime(2026, 2, 4, 2, 5)  # New York
    assert (slept.title, slept.body) == ("", "Slept badly.")


@pytest.mark.parametrize(
    ("parse", "data", "text"),
    [
        (parse_jrnl, {"entries": "no"}, 'no "entries" list'),
        (parse_jrnl, [], 'no "entries" list'),
        (parse_jrnl, {"entries": [jrnl_entry("2026-13-01", "09:00", "t", "b")]}, "entries[0]: '2026-13-01 09:00'"),
        (parse_jrnl, {"entries": [{**jrnl_entry("2026-01-01", "09:00", "t", "b"), "tags": "x"}]}, "'tags' must be"),
        (parse_dayone, {"entries": [{"text": "no date"}]}, "entries[0]: 'creationDate' is missing"),
        (parse_dayone, {"entries": [{"creationDate": "yesterday"}]}, "is not an ISO 8601 time"),
        (parse_dayone, {"entries": [1]}, "entries[0]: must be an object"),
    ],
)
def test_bad_files_name_the_entry(parse, data, text: str) -> None:
    from tui.export import InvalidExport

    with pytest.raises(InvalidExport, match=re.escape(text)):
        parse(data)


def test_dayone_unknown_time_zone_keeps_utc() -> None:
    (entry,) = parse_dayone(dayone_export([dayone_entry("1", "2026-02-04T07:05:00Z", "x", zone="Mars/Olympus")]))
    assert entry.when == dt.datetime(2026, 2, 4, 7, 5)


# -- the command ---------------------------------------------------------------------


def test_jrnl_into_a_new_setbacks_notes_dry_run_first(journal: Path, tmp_path: Path) -> None:
    export = write(tmp_path / "jrnl.json", JRNL)
    before = (journal / DB_FILE).read_bytes()
    dry = ff(
        "import", "--from", "jrnl", str(export), "--title", "Acme rumours", "--dry-run", "--data-dir", str(journal)
    )
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [
        f"checked {export}",
        "would add: 2 jrnl entries to the setback's notes of a new setback “Acme rumours” (2026-02-01 to 2026-02-02)",
        "dry run: nothing was written",
    ]
    assert (journal / DB_FILE).read_bytes() == before

    result = ff("import", "--from", "jrnl", str(export), "--title", "Acme rumours", "--data-dir", str(journal))
    assert result.returncode == 0, result.stderr
    wb = read(journal)
    made = wb.setback(2)
    assert made is not None and (made.title, made.date) == ("Acme rumours", "2026-02-01")
    assert made.notes == (
        "2026-02-01 08:00 · Rumours ★\ntags: @work, @worry\nEveryone talks about cuts.\n\n"
        "2026-02-02 21:15 · The call from HR.\ntags: @work\nTen minutes, no warning.\nI kept calm."
    )
    markdown = ff("export", "--setback", "2", "--data-dir", str(journal)).stdout
    assert "### Notes" in markdown and "Ten minutes, no warning." in markdown
    exported = json.loads(ff("export", "--format", "json", "--data-dir", str(journal)).stdout)
    by_id = {s["id"]: s for s in exported["setbacks"]}
    assert by_id[2]["notes"] == made.notes  # carried by the JSON export, for a later import


def test_dayone_into_a_chapter_answer_of_an_existing_setback_twice(journal: Path, tmp_path: Path) -> None:
    export = write(tmp_path / "Journal.json", DAYONE)
    args = [
        "import",
        "--from",
        "dayone",
        str(export),
        "--setback",
        "1",
        "--chapter",
        "first",
        "--data-dir",
        str(journal),
    ]
    result = ff(*args)
    assert result.returncode == 0, result.stderr
    assert "added: 2 Day One entries to first.what of setback 1" in result.stdout
    saved = read(journal).reflection(1, "first")
    assert saved is not None
    assert saved.status == "done"  # a finished chapter stays finished
    assert saved.answers["feeling"] == 6  # other answers untouched
    assert saved.answers["what"] == (
        "What I wrote in the app.\n\n"
        "2026-02-03 20:30 · Talked to Sam\ntags: layoff\nShe said it was not about me. Budget-driven!\n\n[photo]\n\n"
        "2026-02-04 02:05\nSlept badly."
    )
    again = ff(*args)
    assert again.returncode == 0
    assert "added: 0 Day One entries" in again.stdout and "skipped, already there: 2" in again.stdout
    assert read(journal).reflection(1, "first") == saved


def test_a_draft_in_the_target_chapter_is_never_set_aside(journal: Path, tmp_path: Path) -> None:
    with Store(journal) as store:
        Workbook(store, load_chapters([FIXTURE_CHAPTERS]), fixed_clock).save_draft(1, "first", {"what": "typing"})
    export = write(tmp_path / "j.json", JRNL)
    before = (journal / DB_FILE).read_bytes()
    result = ff(
        "import", "--from", "jrnl", str(export), "--setback", "1", "--chapter", "first", "--data-dir", str(journal)
    )
    one_line_error(result, 1, "setback 1 has unsaved changes in chapter 'first'")
    assert (journal / DB_FILE).read_bytes() == before


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["--from", "jrnl", "BAD"], 2, "is not a jrnl JSON export: bad JSON at line 1"),
        (["--from", "dayone", "DAYONE", "--chapter", "nope"], 2, "--chapter: no chapter 'nope'"),
        (["--from", "jrnl", "JRNL", "--chapter", "first.feeling"], 2, "'first.feeling' is not a text question"),
        (["--from", "dayone", "DAYONE", "--setback", "9"], 3, "no setback with id 9"),
        (["--from", "dayone", "EMPTY"], 2, "it holds no entries"),
        (["--from", "dayone", "JRNL"], 2, "entries[0]: 'creationDate' is missing"),
        (["JRNL", "--setback", "1"], 2, "--setback, --title and --chapter are for --from jrnl or dayone"),
        (["--from", "evernote", "JRNL"], 2, "invalid choice: 'evernote'"),
    ],
)
def test_errors_change_nothing(journal: Path, tmp_path: Path, args: list[str], code: int, text: str) -> None:
    files = {
        "JRNL": write(tmp_path / "j.json", JRNL),
        "DAYONE": write(tmp_path / "d.json", DAYONE),
        "EMPTY": write(tmp_path / "e.json", dayone_export([])),
        "BAD": tmp_path / "bad.json",
    }
    files["BAD"].write_text("{oops")
    before = (journal / DB_FILE).read_bytes()
    result = ff("import", *[str(files.get(a, a)) for a in args], "--data-dir", str(journal))
    one_line_error(result, code, text)
    assert (journal / DB_FILE).read_bytes() == before
