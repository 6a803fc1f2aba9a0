"""Dialogs keep what is typed like a chapter does, apply keys in order, and save on every key they name."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from screens.dialogs.checkin import CheckInDialog
from screens.dialogs.setback import SetbackDialog
from screens.home import HomeScreen
from screens.widgets.fields import ScaleInput
from tui.app import WorkbookApp, make_app
from tui.store import Store

from .conftest import FIXTURE_CHAPTERS, fixed_clock

pytestmark = pytest.mark.slow  # left out of make test-fast: each dialog through the app, a few seconds a test


def app_on(data_dir: Path) -> WorkbookApp:
    return make_app(data_dir=data_dir, content_dir=FIXTURE_CHAPTERS, clock=fixed_clock, remember_theme=False)


async def test_a_setback_being_named_is_kept_when_the_session_ends_and_offered_back(data_dir: Path) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", *"Turned down for the", "tab", "end", "tab", "tab", "9")
        assert isinstance(app.screen, SetbackDialog)
        app.flush_drafts()  # what a hang-up does before leaving
    with Store(data_dir) as store:
        forms = store.all("forms")
        assert store.all("setbacks") == []
    assert [(f["form"], f["values"]["title"], f["values"]["feeling"]) for f in forms] == [
        ("new-setback", "Turned down for the", 9)
    ]

    again = app_on(data_dir)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert any("press n to go on naming the setback" in n.message.lower() for n in again._notifications)
        await pilot.press("n")
        dialog = again.screen
        assert isinstance(dialog, SetbackDialog)
        assert dialog.query_one("#title", Input).value == "Turned down for the"
        assert dialog.query_one("#feeling", ScaleInput).value == 9
        await pilot.press("end", *" staff role", "enter")
        await pilot.pause()
        assert [s.title for s in again.workbook.setbacks()] == ["Turned down for the staff role"]
        assert again.workbook.form_drafts() == []  # saved: nothing left to offer


async def test_keys_sent_with_ctrl_s_are_in_the_saved_setback(data_dir: Path) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", *"All of this title", "ctrl+s")  # one burst, as over a slow link
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert [s.title for s in app.workbook.setbacks()] == ["All of this title"]


@pytest.mark.parametrize("where", ["title", "kind", "date", "feeling"])
async def test_enter_on_any_question_saves_the_setback(data_dir: Path, where: str) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", *"Named")
        tabs = ["title", "kind", "date", "feeling"].index(where)
        await pilot.press(*["tab"] * tabs, "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen), where
        assert [s.title for s in app.workbook.setbacks()] == ["Named"]


async def test_a_setback_that_cannot_be_saved_keeps_the_dialog_and_its_text(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", *"Disk is full")

        def no_space(fd: int) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fsync", no_space)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SetbackDialog)
        assert app.screen.query_one("#title", Input).value == "Disk is full"
        assert any("No space left on device" in n.message for n in app._notifications)
        monkeypatch.undo()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert [s.title for s in app.workbook.setbacks()] == ["Disk is full"]


async def test_a_check_in_note_is_kept_and_saved_with_enter(data_dir: Path) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", *"Layoff", "enter")
        await pilot.pause()
        setback = app.workbook.setbacks()[0]
        await pilot.press("k", "4", "tab", *"slept better")
        assert isinstance(app.screen, CheckInDialog)
        await pilot.press("escape")  # escape keeps what was typed for next time
        await pilot.pause()
        assert app.workbook.form_draft("check-in", setback.id) == {"rating": 4, "note": "slept better"}
        await pilot.press("k")
        dialog = app.screen
        assert isinstance(dialog, CheckInDialog)
        assert dialog.query_one("#note", Input).value == "slept better"
        await pilot.press("enter")  # on the scale: saves
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.workbook.checkins(setback.id)[-1][1] == 4
        assert app.workbook.form_draft("check-in", setback.id) is None
    with Store(data_dir) as store:
        assert store.all("checkins")[-1]["note"] == "slept better"
