"""Keys that arrive in one burst (typing ahead over a slow link) land where they would typed slowly.

``burst`` hands every key to the app before the app has handled the first,
as one read of a terminal does; Pilot's ``press`` waits between keys.
"""

from __future__ import annotations

import time
import unicodedata
from pathlib import Path

import pytest
from textual import events
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.pilot import Pilot
from textual.widgets import Input

from screens.dialogs.setback import SetbackDialog
from screens.home import HomeScreen
from screens.widgets.fields import ScaleInput
from tui.app import WorkbookApp, make_app

from .conftest import FIXTURE_CHAPTERS, ensure_journal, fixed_clock

# Left out of make test-fast but for its smoke test: bursts of keys through Pilot, a second or more each.
pytestmark = pytest.mark.slow


def app_on(data_dir: Path) -> WorkbookApp:
    return make_app(
        data_dir=ensure_journal(data_dir), content_dir=FIXTURE_CHAPTERS, clock=fixed_clock, remember_theme=False
    )


def key_event(key: str) -> events.Key:
    """The event a terminal's key gives (as Pilot makes it)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


async def burst(pilot: Pilot[None], *items: str | events.Paste) -> None:
    """Send keys (and pastes) all at once, then wait until the app has handled every one."""
    app = pilot.app
    assert isinstance(app, WorkbookApp)
    driver = app._driver
    assert driver is not None
    for item in items:
        driver.send_message(item if isinstance(item, events.Paste) else key_event(item))
    for _ in range(400):
        await pilot.pause()
        if app._in_flight is None and not app._held:
            await pilot.pause()
            return
    raise AssertionError("the burst was not handled")


async def open_setback_dialog(pilot: Pilot[None]) -> SetbackDialog:
    """n on the home screen, typed slowly: the new-setback dialog."""
    await pilot.press("n")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, SetbackDialog)
    return dialog


@pytest.mark.smoke
async def test_a_tab_in_a_burst_moves_the_keys_after_it_to_the_next_field(data_dir: Path) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_setback_dialog(pilot)
        await burst(pilot, *"Laid off", "tab", "tab", "tab", "9")
        assert dialog.query_one("#title", Input).value == "Laid off"
        assert dialog.query_one("#feeling", ScaleInput).value == 9


async def test_keys_after_the_key_that_opens_a_dialog_go_into_the_dialog(data_dir: Path) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await burst(pilot, "n", *"Missed the raise", "enter")
        assert isinstance(app.screen, HomeScreen)
        assert [s.title for s in app.workbook.setbacks()] == ["Missed the raise"]


async def test_a_paste_after_a_tab_lands_in_the_field_the_tab_reached(data_dir: Path) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_setback_dialog(pilot)
        await burst(pilot, *"Bid lost", "tab", "tab", events.Paste("2026-01-02"))
        assert dialog.query_one("#title", Input).value == "Bid lost"
        assert dialog.query_one("#date", Input).value.endswith("2026-01-02")


async def test_a_dialog_closed_and_opened_again_in_one_burst_gets_the_keys_after_it(data_dir: Path) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await burst(pilot, "n", "escape", "n", *"Second try")
        dialog = app.screen
        assert isinstance(dialog, SetbackDialog)
        shown = [type(s) for s in app.screen_stack if s.id != "_default"]  # Textual's blank screen, if under home
        assert shown == [HomeScreen, SetbackDialog]
        assert dialog.query_one("#title", Input).value == "Second try"


async def test_a_key_whose_widget_went_away_does_not_hold_up_the_keys_behind_it(data_dir: Path) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_setback_dialog(pilot)
        title = dialog.query_one("#title", Input)
        # A key that will never say it came to rest, sent just now: the keys behind it wait, then go on.
        app._in_flight, app._in_flight_since = key_event("x"), time.monotonic()
        driver = app._driver
        assert driver is not None
        for key in "Bid":
            driver.send_message(key_event(key))
        await pilot.pause()
        assert title.value == ""  # held behind it
        for _ in range(100):  # STUCK_AFTER (0.5 s) later
            await pilot.pause(0.05)
            if title.value == "Bid":
                break
        assert title.value == "Bid"
        # One sent long ago is taken as at rest as soon as a key comes.
        app._in_flight, app._in_flight_since = key_event("x"), 0.0
        await burst(pilot, *" lost")
        assert title.value == "Bid lost"


async def test_keys_sent_with_ctrl_n_never_land_in_the_chapter_being_left(data_dir: Path) -> None:
    from screens.chapter import ChapterScreen

    from .test_app import create_setback_and_open_first_chapter

    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        first = await create_setback_and_open_first_chapter(pilot, "Next in a burst")
        left = first.chapter.id  # the screen stays; the chapter it shows changes
        await burst(pilot, "ctrl+n", *"abc")
        screen = app.screen
        assert isinstance(screen, ChapterScreen) and screen.chapter.id != left
        focused = app.focused
        assert focused is not None and focused.screen is screen  # the keys went to the chapter shown
        app.flush_drafts()
        left_behind = [d for d in app.workbook.drafts() if d.chapter_id == left]
        assert all("abc" not in repr(d.answers) for d in left_behind)
