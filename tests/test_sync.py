"""Conflict copies a sync tool leaves beside the journal: found at start, merged, moved aside, announced."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from textual.widgets import Static

from tui.app import make_app
from tui.content import Chapter
from tui.store import SaveError, Store
from tui.store import storage as storage_module
from tui.store.sync import find_conflict_copies
from tui.workbook import Workbook

from .conftest import FIXTURE_CHAPTERS, fixed_clock

SYNCTHING_COPY = "journal.sync-conflict-20260314-093000-ABCDEFG.json"


def seed(folder: Path, chapters: list[Chapter]) -> int:
    wb = Workbook(Store(folder), chapters, fixed_clock)
    setback = wb.add_setback("Laid off from Acme", "layoff")
    wb.save_reflection(setback.id, "first", {"what": "the base words", "headline": "Reorg"})
    wb.close()
    return setback.id


def write_copy(folder: Path, name: str, change: Callable[[dict[str, Any]], None], start: bytes | None = None) -> Path:
    """The journal as it is now (or ``start``), changed as the other machine did, under a sync tool's conflict name."""
    data = orjson.loads(start if start is not None else (folder / "journal.json").read_bytes())
    change(data)
    path = folder / name
    path.write_bytes(orjson.dumps(data))
    return path


def the_other_machine(data: dict[str, Any]) -> None:
    data["reflections"]["1"]["answers"]["what"] = "the devbox words"
    # Left as it was on this machine: a copy comes without the shared base, so this too is kept as a conflict.
    data["reflections"]["1"]["answers"]["headline"] = "Reorg, then layoff"
    data["checkins"] = {"1": {"setback_id": 1, "rating": 4, "at": "2026-03-13T20:00:00"}}


def change_here(folder: Path, chapters: list[Chapter], setback_id: int) -> None:
    wb = Workbook(Store(folder), chapters, fixed_clock)
    wb.save_reflection(setback_id, "first", {"what": "the laptop words", "headline": "Reorg"})
    wb.save_reflection(setback_id, "second", {"tags": ["a"]})
    wb.close()


@pytest.mark.parametrize(
    ("name", "found"),
    [
        (SYNCTHING_COPY, True),
        ("journal.sync-conflict-20260101-000000-7XYZ123.json", True),
        ("journal (conflicted copy).json", True),
        ("journal (Sam's conflicted copy 2026-03-14).json", True),
        ("journal (conflicted copy 2026-03-14 093000).json", True),
        ("journal.json", False),
        ("journal (1).json", False),
        ("journal.sync-conflict-20260314-093000-ABCDEFG.log", False),
        ("notes.sync-conflict-20260314-093000-ABCDEFG.json", False),
        ("journal.json.damaged-20260314-093000", False),
    ],
)
def test_conflict_copies_are_found_by_the_names_sync_tools_give_them(tmp_path: Path, name: str, found: bool) -> None:
    (tmp_path / name).write_text("{}")
    assert find_conflict_copies(tmp_path) == ([tmp_path / name] if found else [])


def test_a_syncthing_copy_is_merged_at_open_moved_aside_and_reported(
    data_dir: Path, test_chapters: list[Chapter]
) -> None:
    setback_id = seed(data_dir, test_chapters)
    shared = (data_dir / "journal.json").read_bytes()
    change_here(data_dir, test_chapters, setback_id)
    copy = write_copy(data_dir, SYNCTHING_COPY, the_other_machine, start=shared)
    copy_bytes = copy.read_bytes()

    with Store(data_dir) as store:
        (merged,) = store.report.merged_copies
        assert store.report.unmerged_copies == []
        assert merged.name == SYNCTHING_COPY
        assert merged.moved_to == data_dir / "conflicts-merged" / SYNCTHING_COPY
        assert merged.moved_to.read_bytes() == copy_bytes and not copy.exists()
        assert merged.conflicts == 2
        assert "1 check-in added" in merged.summary
        wb = Workbook(store, test_chapters, fixed_clock)
        # This machine's answers stay in place; what only the copy had is taken.
        assert wb.reflection(setback_id, "first").answers == {"what": "the laptop words", "headline": "Reorg"}  # type: ignore[union-attr]
        assert wb.reflection(setback_id, "second").answers == {"tags": ["a"]}  # type: ignore[union-attr]
        assert wb.checkins(setback_id) == [("2026-03-13T20:00:00", 4)]
        # The copy's versions of the answers both machines changed are kept, readable by today's storage.
        notes = {(n["answer_field"], n["ours"], n["theirs"]) for n in store.all("conflicts")}
        assert notes == {
            ("what", "the laptop words", "the devbox words"),
            ("headline", "Reorg", "Reorg, then layoff"),
        }
        backup = store.newest_backup()
    assert backup is not None
    before_merge = orjson.loads(backup.read_bytes())  # the backup made at opening: the journal before the merge
    assert "conflicts" not in before_merge and "checkins" not in before_merge

    with Store(data_dir) as store:  # written durably, and merged once
        assert store.report.merged_copies == []
        assert len(store.all("conflicts")) == 2
        assert len(store.all("checkins")) == 1


def test_a_copy_in_a_folder_without_a_journal_becomes_the_journal(data_dir: Path, test_chapters: list[Chapter]) -> None:
    seed(data_dir, test_chapters)
    (data_dir / "journal.json").rename(data_dir / "journal (Sam's conflicted copy 2026-03-14).json")
    with Store(data_dir) as store:
        assert [d["title"] for d in store.all("setbacks")] == ["Laid off from Acme"]
        assert store.report.merged_copies[0].summary.startswith("1 setback added, 1 reflection added")


def test_an_unreadable_copy_stays_where_it_is_and_is_reported(data_dir: Path, test_chapters: list[Chapter]) -> None:
    seed(data_dir, test_chapters)
    before = (data_dir / "journal.json").read_bytes()
    copy = data_dir / SYNCTHING_COPY
    copy.write_bytes(b'{"setbacks": {"1": ')
    with Store(data_dir) as store:
        (unmerged,) = store.report.unmerged_copies
        assert unmerged.path == copy and "is not a failforward journal" in unmerged.reason
        assert store.report.merged_copies == []
    assert copy.exists()
    assert (data_dir / "journal.json").read_bytes() == before


def test_a_copy_written_by_a_newer_failforward_is_not_merged(data_dir: Path, test_chapters: list[Chapter]) -> None:
    seed(data_dir, test_chapters)
    copy = write_copy(data_dir, SYNCTHING_COPY, lambda d: d["meta"]["1"].update(schema=99))
    with Store(data_dir) as store:
        (unmerged,) = store.report.unmerged_copies
        assert "newer failforward" in unmerged.reason
        assert "conflicts" not in store.db.tables()
    assert copy.exists()


def test_a_merge_the_disk_refuses_changes_nothing_and_keeps_the_copy(
    data_dir: Path, test_chapters: list[Chapter], monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(data_dir, test_chapters)
    before = (data_dir / "journal.json").read_bytes()
    copy = write_copy(data_dir, SYNCTHING_COPY, the_other_machine)

    def full_disk(path: Path, payload: bytes | list[bytes]) -> None:
        raise SaveError(f"not saved: No space left on device ({path.name})")

    monkeypatch.setattr(storage_module, "write_private", full_disk)
    with Store(data_dir) as store:
        (unmerged,) = store.report.unmerged_copies
        assert unmerged.reason.startswith("not merged: not saved: No space left on device")
        assert store.all("checkins") == []  # the journal as it was, not half merged
    assert copy.exists()
    assert (data_dir / "journal.json").read_bytes() == before


async def test_the_app_says_what_a_conflict_copy_brought_in(data_dir: Path, test_chapters: list[Chapter]) -> None:
    setback_id = seed(data_dir, test_chapters)
    shared = (data_dir / "journal.json").read_bytes()
    change_here(data_dir, test_chapters, setback_id)
    write_copy(data_dir, SYNCTHING_COPY, the_other_machine, start=shared)
    app = make_app(data_dir=data_dir, content_dir=FIXTURE_CHAPTERS, clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        (notice,) = [n for n in app._notifications if n.title == "Sync conflict merged: nothing was lost"]
        assert SYNCTHING_COPY in notice.message
        assert "1 check-in added" in notice.message
        assert "2 answers changed on both sides: both versions kept" in notice.message
        assert str(data_dir / "conflicts-merged") in notice.message
        assert notice.severity == "warning"
        assert app.workbook.checkins(setback_id) == [("2026-03-13T20:00:00", 4)]
        status = str(app.screen.query_one("#home-status", Static).render())
        assert "Changed on two machines, both versions kept: 2 answers (chapters marked !)" in status
        others = {c.field: c.other for c in app.workbook.conflicts(setback_id, "first")}
        assert others == {"what": "the devbox words", "headline": "Reorg, then layoff"}
    app.workbook.close()


async def test_the_app_says_which_copy_it_could_not_merge(data_dir: Path, test_chapters: list[Chapter]) -> None:
    seed(data_dir, test_chapters)
    (data_dir / SYNCTHING_COPY).write_bytes(b"not json")
    app = make_app(data_dir=data_dir, content_dir=FIXTURE_CHAPTERS, clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        (notice,) = [n for n in app._notifications if n.title == "Sync conflict copy not merged"]
        assert str(data_dir / SYNCTHING_COPY) in notice.message and "stays where it is" in notice.message
    app.workbook.close()
