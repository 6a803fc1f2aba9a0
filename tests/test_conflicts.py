"""Versions two machines changed differently, as the Workbook gives them to the app: listed, shown, one kept."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest
from textual.widgets import Label, OptionList, Static

from screens.dialogs.pick import PickDialog
from screens.home import HomeScreen
from tui.app import make_app
from tui.content import Chapter
from tui.store import Store
from tui.store.identity import merge_journals
from tui.workbook import Workbook

from .conftest import FIXTURE_CHAPTERS, fixed_clock


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


# -- on the home screen: fields no chapter shows -------------------------------------------------


def journal_folder(tmp_path: Path, wb: Workbook) -> Path:
    folder = tmp_path / "j"
    with Store(folder) as s:
        s._storage.replace_all(journal_of(wb))  # type: ignore[union-attr]
    return folder


def status_of(home: HomeScreen) -> str:
    return str(home.query_one("#home-status", Static).render())


async def test_a_setback_title_changed_on_two_machines_is_chosen_from_home_with_v(
    tmp_path: Path, test_chapters: list[Chapter]
) -> None:
    wb, sid = merged_workbook(test_chapters, {"what": "same"}, {"what": "same"}, titles=("In March", "In May"))
    app = make_app(data_dir=journal_folder(tmp_path, wb), content_dir=FIXTURE_CHAPTERS, clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert "1 other field (press v to choose)" in status_of(home)
        assert home.check_action("pick_version", ()) is True
        await pilot.press("v")
        dialog = app.screen
        assert isinstance(dialog, PickDialog)
        question = str(dialog.query_one(".dialog-question", Label).render())
        assert question.startswith("A setback's title: changed on two machines")
        picks = dialog.query_one("#pick", OptionList)
        choices = [str(picks.get_option_at_index(i).prompt) for i in range(picks.option_count)]
        assert choices[0].startswith("Keep the one here: In March (on laptop, ")
        assert choices[1].startswith("Use the other version: In May (on devbox, ")
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.screen is home
        assert app.workbook.setback(sid).title == "In May"  # type: ignore[union-attr]
        assert app.workbook.conflicts() == []
        assert "Changed on two machines" not in status_of(home)
        assert home.check_action("pick_version", ()) is False  # the key leaves the footer
        setbacks = home.query_one("#setbacks", OptionList)
        assert "In May" in str(setbacks.get_option_at_index(0).prompt)
        await pilot.press("ctrl+q")
    assert b'"In May"' in (tmp_path / "j" / "journal.json").read_bytes()


async def test_escape_from_the_choice_keeps_both_versions_and_several_are_picked_one_at_a_time(
    tmp_path: Path, test_chapters: list[Chapter]
) -> None:
    wb, sid = merged_workbook(test_chapters, {"what": "same"}, {"what": "same"}, titles=("In March", "In May"))
    wb.store.insert(
        "conflicts",
        {
            "table": "setbacks",
            "field": "kind",
            "record_id": wb.store.get("setbacks", sid)["uid"],  # type: ignore[index]
            "ours": "layoff",
            "theirs": "rejection",
            "found": "2026-03-14T09:31:00",
        },
    )
    app = make_app(data_dir=journal_folder(tmp_path, wb), content_dir=FIXTURE_CHAPTERS, clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        home = app.screen
        assert "2 other fields (press v to choose)" in status_of(home)
        await pilot.press("v")
        picks = app.screen.query_one("#pick", OptionList)
        labels = [str(picks.get_option_at_index(i).prompt) for i in range(picks.option_count)]
        assert labels == [
            "A setback's title: here “In March” · other “In May”",
            "A setback's kind: here “layoff” · other “rejection”",
        ]
        await pilot.press("down", "enter")  # the kind
        await pilot.pause()
        assert str(app.screen.query_one(".dialog-question", Label).render()).startswith("A setback's kind")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is home
        assert len(app.workbook.conflicts()) == 2  # nothing chosen, nothing dropped
        await pilot.press("v", "down", "enter", "enter")  # the kind again, and keep the one here
        await pilot.pause()
        assert app.screen is home
        (left,) = app.workbook.conflicts()
        assert left.field == "title"
        assert app.workbook.setback(sid).kind == "layoff"  # type: ignore[union-attr]
        assert "1 other field (press v to choose)" in status_of(home)
        await pilot.press("ctrl+q")
