"""The data folder deleted, moved or unmounted while the app runs: nothing typed is lost, and the app says so."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from screens.chapter import ChapterScreen
from screens.dialogs.rescue import RescueDialog
from tui.app import WorkbookApp, make_app
from tui.store import Store

from .conftest import FIXTURE_CHAPTERS, fixed_clock
from .test_app import create_setback_and_open_first_chapter

pytestmark = pytest.mark.slow  # left out of make test-fast: the data folder removed under a running app, in every way


def app_on(data_dir: Path) -> WorkbookApp:
    return make_app(data_dir=data_dir, content_dir=FIXTURE_CHAPTERS, clock=fixed_clock, remember_theme=False)


def messages(app: WorkbookApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_save_into_a_deleted_folder_says_not_saved_and_offers_to_write_it_again(data_dir: Path) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_setback_and_open_first_chapter(pilot, "Folder trouble")
        await pilot.press(*"words worth keeping")
        shutil.rmtree(data_dir)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any("not saved: the journal folder" in m and "is gone" in m for m in messages(app)), messages(app)
        assert not any(m.startswith("Saved") for m in messages(app))
        assert not data_dir.exists()  # nothing was written where the journal used to be
        assert isinstance(app.screen, RescueDialog)
        assert app.screen.query_one("#rescue-folder", Input).value == str(data_dir)
        await pilot.press("enter")  # write it to the original place, recreated
        await pilot.pause()
        assert isinstance(app.screen, ChapterScreen)
        assert screen.query_one("#field-what", TextArea).text == "words worth keeping"
        assert (data_dir / "journal.json").exists()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.workbook.lost is None
        await pilot.press("ctrl+q")
    assert app.exit_note is None
    with Store(data_dir) as store:
        assert [s["title"] for s in store.all("setbacks")] == ["Folder trouble"]
        assert store.all("reflections")[0]["answers"]["what"] == "words worth keeping"


async def test_the_journal_can_be_written_to_another_folder(data_dir: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await create_setback_and_open_first_chapter(pilot, "Moved away")
        await pilot.press(*"typed before")
        data_dir.rename(tmp_path / "moved")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RescueDialog)
        field = app.screen.query_one("#rescue-folder", Input)
        field.value = str(elsewhere)
        await pilot.press("enter")
        await pilot.pause()
        assert app.workbook.folder == elsewhere
        await pilot.press("ctrl+q")
    with Store(elsewhere) as store:
        assert [s["title"] for s in store.all("setbacks")] == ["Moved away"]


async def test_quitting_with_the_folder_gone_writes_the_journal_and_says_where(data_dir: Path) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await create_setback_and_open_first_chapter(pilot, "Gone at quit")
        await pilot.press(*"never saved by hand")
        shutil.rmtree(data_dir)
        await pilot.press("ctrl+q")  # no save was attempted since the folder went away
    assert app.exit_note is not None
    assert "went away" in app.exit_note and str(data_dir / "journal.json") in app.exit_note
    with Store(data_dir) as store:
        assert [s["title"] for s in store.all("setbacks")] == ["Gone at quit"]
        assert store.all("drafts")[0]["answers"]["what"] == "never saved by hand"


async def test_a_draft_written_while_typing_notices_the_folder_is_gone(data_dir: Path) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_setback_and_open_first_chapter(pilot, "Typing away")
        shutil.rmtree(data_dir)
        await pilot.press(*"still typing")
        assert screen.write_draft() is False  # as the draft timer would
        await pilot.pause()
        assert isinstance(app.screen, RescueDialog)
        await pilot.press("escape")  # not now: keep working
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("ctrl+q")
    assert app.exit_note is not None and "went away" in app.exit_note
    with Store(data_dir) as store:
        assert store.all("drafts")[0]["answers"]["what"] == "still typing"
