"""A setback's free notes (what jrnl and Day One entries become): kept, edited in the setback dialog, exported."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, TextArea

from screens.dialogs.setback import SetbackDialog
from screens.home import HomeScreen
from tui.workbook import Workbook

from .conftest import fixed_clock
from .test_screens import app_on, seed


def test_notes_are_added_kept_and_cleaned(test_chapters) -> None:  # type: ignore[no-untyped-def]
    wb = Workbook.in_memory(test_chapters, fixed_clock)
    s = wb.add_setback("Laid off", "layoff")
    assert s.notes == ""
    wb.add_notes(s.id, "first\x1b[31m entry")
    wb.add_notes(s.id, "second entry")
    assert wb.setback(s.id).notes == "first entry\n\nsecond entry"  # type: ignore[union-attr]
    wb.update_setback(s.id, "Laid off from Acme", "layoff", None, 4)  # no notes given: kept
    assert wb.setback(s.id).notes == "first entry\n\nsecond entry"  # type: ignore[union-attr]
    wb.update_setback(s.id, "Laid off from Acme", "layoff", None, 4, notes="")
    assert wb.setback(s.id).notes == ""  # type: ignore[union-attr]


@pytest.mark.slow  # a Pilot run of a second or more: left out of make test-fast
async def test_the_edit_dialog_shows_and_saves_the_notes(data_dir: Path) -> None:
    seed(data_dir)
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        home.query_one("#setbacks", OptionList).focus()
        chosen = home.selected_setback
        assert chosen is not None
        app.workbook.add_notes(chosen, "From jrnl: the call from HR.")
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SetbackDialog)
        notes = dialog.query_one("#notes", TextArea)
        assert notes.text == "From jrnl: the call from HR."
        notes.focus()
        await pilot.pause()
        assert notes.region.bottom <= 24 and notes.region.height >= 2  # scrolled into view at 80x24
        notes.move_cursor(notes.document.end)
        await pilot.press("enter", *"Then I slept on it.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        saved = app.workbook.setback(chosen)
        assert saved is not None
        assert saved.notes == "From jrnl: the call from HR.\nThen I slept on it."
        assert saved.title  # the rest as it was

        await pilot.press("n")  # naming a new setback stays short: no notes box
        await pilot.pause()
        assert isinstance(app.screen, SetbackDialog)
        assert not app.screen.query("#notes")
        assert app.screen.query_one("#title", Input).has_focus


@pytest.mark.slow  # a Pilot run of a second or more: left out of make test-fast
async def test_escape_with_changed_notes_asks_before_discarding(data_dir: Path) -> None:
    from screens.dialogs.confirm import ConfirmDialog

    seed(data_dir)
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.query_one("#setbacks", OptionList).focus()
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#notes", TextArea).focus()
        await pilot.press(*"half a thought", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
