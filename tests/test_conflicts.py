"""Versions two machines changed differently, as the Workbook gives them to the app: listed, shown, one kept."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest

from tui.content import Chapter
from tui.store import Store
from tui.store.identity import merge_journals
from tui.workbook import Workbook

from .conftest import fixed_clock


def journal_of(wb: Workbook) -> dict[str, Any]:
    return copy.deepcopy(wb.store._storage.read() or {})


def merged_workbook(
    test_chapters: list[Chapter], here: dict[str, Any], other: dict[str, Any], titles: tuple[str, str] | None = None
) -> tuple[Workbook, int]:
    """A journal where this machine and another both changed answers of chapter ``first`` (and maybe the title)."""
    wb = Workbook(Store(None, device="laptop"), test_chapters, fixed_clock)
    setback = wb.add_setback("Laid off", "layoff")
    wb.save_reflection(setback.id, "first", {"what": "shared", "headline": "shared line"})
    base = journal_of(wb)
    there = Workbook(Store(None, data=copy.deepcopy(base), device="devbox"), test_chapters, fixed_clock)
    there.save_reflection(setback.id, "first", other)
    if titles:
        wb.update_setback(setback.id, titles[0], "layoff", None, None)
        there.update_setback(setback.id, titles[1], "layoff", None, None)
    wb.save_reflection(setback.id, "first", here)
    result = merge_journals(base, journal_of(wb), journal_of(there), found="2026-03-14T09:30:00")
    return Workbook(Store(None, data=result.data, device="laptop"), test_chapters, fixed_clock), setback.id


def test_an_answer_changed_on_both_machines_is_listed_for_its_chapter_with_both_versions(
    test_chapters: list[Chapter],
) -> None:
    wb, sid = merged_workbook(test_chapters, {"what": "laptop words"}, {"what": "devbox words"})
    (conflict,) = wb.conflicts()
    assert wb.conflicts(sid, "first") == [conflict] and wb.conflicts(sid, "second") == []
    assert (conflict.field, conflict.here, conflict.other) == ("what", "laptop words", "devbox words")
    assert conflict.answer and conflict.table == "reflections" and conflict.chapter_id == "first"
    assert (conflict.here_device, conflict.other_device) == ("laptop", "devbox")
    assert conflict.here_changed and conflict.other_changed


def test_keeping_the_version_in_place_drops_the_other_and_changes_no_answer(test_chapters: list[Chapter]) -> None:
    wb, sid = merged_workbook(test_chapters, {"what": "laptop words"}, {"what": "devbox words"})
    (conflict,) = wb.conflicts()
    assert wb.resolve_conflict(conflict.id, use_other=False) == "laptop words"
    assert wb.conflicts() == []
    assert wb.reflection(sid, "first").answers["what"] == "laptop words"  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="already resolved"):
        wb.resolve_conflict(conflict.id, use_other=True)


def test_using_the_other_version_puts_it_in_place_as_a_change_made_here(test_chapters: list[Chapter]) -> None:
    wb, sid = merged_workbook(test_chapters, {"what": "laptop words"}, {"what": "devbox words", "headline": "x"})
    before = wb.reflection(sid, "first")
    assert before is not None
    (conflict,) = wb.conflicts()
    assert wb.resolve_conflict(conflict.id, use_other=True) == "devbox words"
    after = wb.reflection(sid, "first")
    assert after is not None
    assert after.answers == {**before.answers, "what": "devbox words"}
    assert after.revision == before.revision + 1
    assert wb.conflicts() == []


def test_a_setback_field_changed_on_both_machines_is_listed_and_can_be_taken(test_chapters: list[Chapter]) -> None:
    wb, sid = merged_workbook(test_chapters, {"what": "same"}, {"what": "same"}, titles=("In March", "Laid off in May"))
    wb.update_setback(sid, "Laid off in March", "layoff", None, None)  # changed here again since: that shows
    (conflict,) = wb.conflicts()
    assert (conflict.table, conflict.field, conflict.answer) == ("setbacks", "title", False)
    assert (conflict.here, conflict.other) == ("Laid off in March", "Laid off in May")
    assert wb.conflicts(sid, "first") == []  # not an answer of a chapter
    wb.resolve_conflict(conflict.id, use_other=True)
    assert wb.setback(sid).title == "Laid off in May"  # type: ignore[union-attr]


def test_a_conflict_about_a_record_that_is_gone_keeps_the_other_version_readable(test_chapters: list[Chapter]) -> None:
    wb, sid = merged_workbook(test_chapters, {"what": "laptop words"}, {"what": "devbox words"})
    wb.delete_setback(sid)
    (conflict,) = wb.conflicts()
    assert conflict.record_id is None and conflict.other == "devbox words" and conflict.here == "laptop words"
    with pytest.raises(ValueError, match="gone"):
        wb.resolve_conflict(conflict.id, use_other=True)
    assert len(wb.conflicts()) == 1  # nothing dropped by a choice that could not be made


def test_the_other_version_survives_a_reopen_of_the_journal_file(tmp_path: Path, test_chapters: list[Chapter]) -> None:
    wb, sid = merged_workbook(test_chapters, {"what": "laptop words"}, {"what": "devbox words"})
    folder = tmp_path / "j"
    with Store(folder) as s:
        s._storage.replace_all(journal_of(wb))  # type: ignore[union-attr]
    again = Workbook.open(folder, test_chapters, fixed_clock)
    try:
        assert [c.other for c in again.conflicts(sid, "first")] == ["devbox words"]
    finally:
        again.close()
    assert b"devbox words" in (folder / "journal.json").read_bytes()
    assert orjson.loads((folder / "journal.json").read_bytes())["conflicts"]
