"""The app driven by keys only (Pilot): nothing typed is lost, answers come back."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, TextArea

from screens.chapter import ChapterScreen
from screens.home import HomeScreen
from screens.widgets.fields import ScaleInput
from tui.app import WorkbookApp, make_app
from tui.store import Store
from tui.workbook import Workbook

from .conftest import FIXTURE_CHAPTERS, fixed_clock

# Left out of make test-fast: journeys through several screens, a few seconds each.
pytestmark = pytest.mark.slow


def app_on(data_dir: Path, content: Path = FIXTURE_CHAPTERS) -> WorkbookApp:
    return make_app(data_dir=data_dir, content_dir=content, clock=fixed_clock)


async def create_setback_and_open_first_chapter(pilot, title: str) -> ChapterScreen:  # type: ignore[no-untyped-def]
    app = pilot.app
    await pilot.press("n")
    await pilot.press(*title)
    await pilot.press("enter")  # saves the setback dialog
    await pilot.pause()
    assert isinstance(app.screen, HomeScreen)
    assert app.focused is app.screen.query_one("#chapters", OptionList)
    await pilot.press("enter")  # opens the highlighted (first) chapter
    await pilot.pause()
    assert isinstance(app.screen, ChapterScreen)
    return app.screen


async def test_fill_save_quit_and_see_answers_again(data_dir: Path) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_setback_and_open_first_chapter(pilot, "Passed over")
        assert isinstance(app.focused, TextArea)
        await pilot.press(*"I was not promoted", "enter", *"again")
        await pilot.press("tab", *"Headline here", "tab", "right", "right", "right")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.query_one("#field-feeling", ScaleInput).value == 7
        await pilot.press("ctrl+q")
    assert app.return_code == 0

    with Store(data_dir) as store:
        saved = store.all("reflections")
    assert saved[0]["answers"]["what"] == "I was not promoted\nagain"
    assert saved[0]["answers"]["headline"] == "Headline here"

    again = app_on(data_dir)
    async with again.run_test(size=(80, 24)) as pilot:
        home = again.screen
        assert isinstance(home, HomeScreen)
        await pilot.press("enter", "enter")
        await pilot.pause()
        chapter = again.screen
        assert isinstance(chapter, ChapterScreen)
        assert chapter.query_one("#field-what", TextArea).text == "I was not promoted\nagain"
        assert chapter.query_one("#field-headline", Input).value == "Headline here"
        assert chapter.query_one("#field-feeling", ScaleInput).value == 7
        await pilot.press("ctrl+q")


async def test_unsaved_typing_is_kept_as_a_draft_on_quit(data_dir: Path) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await create_setback_and_open_first_chapter(pilot, "Layoff")
        await pilot.press(*"not saved yet")
        await pilot.press("ctrl+q")
    with Store(data_dir) as store:
        drafts = store.all("drafts")
        assert store.all("reflections") == []
    assert drafts[0]["answers"]["what"] == "not saved yet"

    again = app_on(data_dir)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert again.screen.query_one("#field-what", TextArea).text == "not saved yet"
        await pilot.press("ctrl+q")


async def test_draft_is_written_soon_after_typing_stops(data_dir: Path) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_setback_and_open_first_chapter(pilot, "Review")
        await pilot.press(*"typing")
        workbook: Workbook = app.workbook
        for _ in range(100):
            if workbook.draft(screen.setback_id, "first") is not None:
                break
            await pilot.pause(0.05)
        draft = workbook.draft(screen.setback_id, "first")
        assert draft is not None and draft.answers["what"] == "typing"
        await pilot.press("ctrl+q")


async def test_escape_goes_home_and_keeps_the_text(data_dir: Path) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_setback_and_open_first_chapter(pilot, "Review")
        await pilot.press(*"kept")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.workbook.draft(screen.setback_id, "first").answers["what"] == "kept"
        await pilot.press("ctrl+q")


async def test_mark_done_requires_required_fields(data_dir: Path) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_setback_and_open_first_chapter(pilot, "Review")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.workbook.status(screen.setback_id, "first") == "empty"
        assert "required" in str(screen.query_one("#error-what").render())
        await pilot.press(*"now answered", "ctrl+t")
        await pilot.pause()
        assert app.workbook.status(screen.setback_id, "first") == "done"
        await pilot.press("ctrl+q")


async def test_next_chapter_shows_earlier_answer_and_offers_it_as_an_item(data_dir: Path) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_setback_and_open_first_chapter(pilot, "Review")
        await pilot.press(*"Missed the deadline", "ctrl+s", "ctrl+n")
        await pilot.pause()
        second = app.screen
        assert isinstance(second, ChapterScreen) and second.chapter.id == "second"
        assert "Missed the deadline" in str(second.query_one("#builds-on").render())
        suggestions = second.query_one("#suggestions", OptionList)
        suggestions.focus()
        await pilot.press("enter")  # the suggestion lands in the new-item input
        await pilot.press("tab", *"2026-04-01", "enter", "ctrl+s")
        await pilot.pause()
        actions = app.workbook.actions(screen.setback_id)
        assert [(a.text, a.due) for a in actions] == [("Missed the deadline", "2026-04-01")]
        await pilot.press("ctrl+q")


HOSTILE = "start\x1b]52;c;aGFja2Vk\x07one\x1b[2Jtwo\x9b31mthree [bold]four[/bold] [@click=app.quit]five[/]"
CLEANED = "startonetwothree [bold]four[/bold] [@click=app.quit]five[/]"


async def test_pasted_control_sequences_are_stripped_and_markup_is_plain_text(data_dir: Path) -> None:
    from textual.events import Paste

    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_setback_and_open_first_chapter(pilot, "Paste")
        area = screen.query_one("#field-what", TextArea)
        headline = screen.query_one("#field-headline", Input)
        assert app.focused is area
        app.post_message(Paste(HOSTILE))  # as the terminal driver delivers a paste
        await pilot.pause()
        await pilot.press("tab")
        assert app.focused is headline
        app.post_message(Paste(HOSTILE))
        await pilot.pause()
        assert area.text == CLEANED
        assert headline.value == CLEANED
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.is_running  # [@click=app.quit] was not acted on
        saved = app.workbook.reflection(screen.setback_id, "first")
        assert saved is not None
        assert saved.answers["what"] == CLEANED and saved.answers["headline"] == CLEANED
        await pilot.press("ctrl+q")


async def test_hostile_text_already_in_the_journal_is_shown_clean(data_dir: Path) -> None:
    from tests.conftest import FIXTURE_CHAPTERS as chapters_dir
    from tui.content import load_chapters

    with Store(data_dir) as store:
        wb = Workbook(store, load_chapters([chapters_dir]), fixed_clock)
        s = wb.add_setback("x")
        # written behind the app's back, e.g. by hand or an old version
        store.insert(
            "reflections",
            {
                "setback_id": s.id,
                "chapter_id": "first",
                "answers": {"what": HOSTILE},
                "status": "draft",
                "revision": 1,
                "created": "",
                "updated": "",
            },
        )
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert app.screen.query_one("#field-what", TextArea).text == CLEANED
        await pilot.press("ctrl+q")


async def test_opening_and_leaving_without_typing_leaves_no_draft(data_dir: Path) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_setback_and_open_first_chapter(pilot, "Nothing typed")
        assert screen.write_draft()
        await pilot.press("escape")
        await pilot.pause()
        assert app.workbook.drafts() == []
        await pilot.press("ctrl+q")


async def test_multi_choice_ticks_by_keys_and_shows_marks(data_dir: Path) -> None:
    from screens.widgets.fields import MultiList

    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_setback_and_open_first_chapter(pilot, "Multi")
        await pilot.press("ctrl+n")
        await pilot.pause()
        second = app.screen
        assert isinstance(second, ChapterScreen) and second.chapter.id == "second"
        tags = second.query_one("#field-tags", MultiList)
        assert app.focused is tags
        await pilot.press("space", "down", "down", "enter", "up", "up", "space", "down", "space")
        assert tags.value == ["b", "c"]
        assert str(tags.get_option_at_index(1).prompt).startswith("[x] b")
        assert str(tags.get_option_at_index(0).prompt).startswith("[ ] a")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.workbook.reflection(screen.setback_id, "second").answers["tags"] == ["b", "c"]  # type: ignore[union-attr]
        await pilot.press("ctrl+q")


async def test_a_bad_date_is_flagged_when_leaving_the_field(data_dir: Path) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_setback_and_open_first_chapter(pilot, "Dates")
        screen.query_one("#field-when", Input).focus()
        await pilot.press(*"14/03/2026", "shift+tab")
        await pilot.pause()
        error = str(screen.query_one("#error-when").render())
        assert "'14/03/2026' is not a date: use YYYY-MM-DD" in error
        await pilot.press("ctrl+s")  # refused: the bad date would be lost otherwise
        await pilot.pause()
        assert app.workbook.reflection(screen.setback_id, "first") is None
        screen.query_one("#field-when", Input).value = "2026-03-14"
        screen.query_one("#field-when", Input).focus()
        await pilot.press("tab")
        await pilot.pause()
        assert str(screen.query_one("#error-when").render()) == ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.workbook.reflection(screen.setback_id, "first").answers["when"] == "2026-03-14"  # type: ignore[union-attr]
        await pilot.press("ctrl+q")


async def test_drafts_while_typing_are_written_off_the_event_loop(data_dir: Path) -> None:
    import threading

    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_setback_and_open_first_chapter(pilot, "Threads")
        workbook = app.workbook
        writers: list[str] = []
        real = workbook.save_draft

        def recording(*args, **kwargs):  # type: ignore[no-untyped-def]
            writers.append(threading.current_thread().name)
            return real(*args, **kwargs)

        workbook.save_draft = recording  # type: ignore[method-assign]
        await pilot.press(*"typed")
        for _ in range(100):
            if writers:
                break
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        assert writers and all(name != threading.main_thread().name for name in writers)
        assert workbook.draft(screen.setback_id, "first").answers["what"] == "typed"  # type: ignore[union-attr]

        # an older draft finishing late never overwrites a newer one, nor a save
        await pilot.press(*" more", "ctrl+s")
        await pilot.pause()
        screen.session.write_draft(1, {"what": "stale"})
        assert workbook.draft(screen.setback_id, "first") is None
        assert workbook.reflection(screen.setback_id, "first").answers["what"] == "typed more"  # type: ignore[union-attr]
        await pilot.press("ctrl+q")


async def test_a_failed_save_says_not_saved_and_keeps_the_text_on_screen(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_setback_and_open_first_chapter(pilot, "Disk trouble")
        await pilot.press(*"words worth keeping")
        journal = data_dir / "journal.json"
        before = journal.read_bytes()

        def failing_fsync(fd: int) -> None:
            raise OSError(5, "Input/output error")

        monkeypatch.setattr(os, "fsync", failing_fsync)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any(n.message.startswith("not saved: Input/output error") for n in app._notifications)
        assert screen.query_one("#field-what", TextArea).text == "words worth keeping"
        assert app.workbook.reflection(screen.setback_id, "first") is None
        assert journal.read_bytes() == before
        monkeypatch.undo()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.workbook.reflection(screen.setback_id, "first").answers["what"] == "words worth keeping"  # type: ignore[union-attr]
        await pilot.press("ctrl+q")


async def test_full_garbage_collections_wait_for_a_pause_in_typing(data_dir: Path) -> None:
    """Python's full collection walks every object (tens of ms at 10k): never between two keys."""
    import gc
    import sys
    import time

    before = gc.get_threshold()
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await create_setback_and_open_first_chapter(pilot, "Layoff")
        assert gc.get_threshold()[2] > 10**6  # Python's own trigger is off while the app runs
        for _ in range(12):
            gc.collect(1)  # each passes objects on to the oldest generation: a full collection is due
        marker = app.last_input = time.monotonic()  # busy (a long pause here would let a collection run now)
        # Memory grown past the cap is collected even while typing (the next test): start from now, so
        # what a busy machine allocates before these keys are handled is not taken for that growth.
        app._blocks_after_gc = sys.getallocatedblocks()
        await pilot.press(*"typing")
        assert app.last_input > marker  # keys count as input
        assert not app.collect_when_idle()  # the keyboard is busy: wait
        assert gc.get_count()[2] >= 12
        app.last_input = time.monotonic() - 2.0  # a pause in typing
        assert app.collect_when_idle()
        assert gc.get_count()[2] == 0
        assert not app.collect_when_idle()  # nothing due any more
    assert gc.get_threshold() == before  # given back when the app ends


async def test_memory_grown_past_the_cap_is_collected_even_while_typing(data_dir: Path) -> None:
    """Typing without a pause must not grow memory without end: a full collection runs once enough is in use."""
    import gc
    import sys
    import time

    from tui.app import FULL_GC_GROWTH

    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await create_setback_and_open_first_chapter(pilot, "Long answer")
        await pilot.press(*"typing")
        app.last_input = time.monotonic()  # the keyboard is busy
        gc.collect()  # any full collection is the new starting point
        assert abs(app._blocks_after_gc - sys.getallocatedblocks()) < 1000
        assert not app.collect_when_idle()  # busy, nothing due, no growth: wait
        garbage = []
        for _ in range(FULL_GC_GROWTH):
            cycle: list[object] = []
            cycle.append(cycle)  # garbage only a full collection frees, as Textual's cached lines are
            garbage.append(cycle)
        gc.collect(1)  # they survive two younger collections: now only a full one can free them
        del garbage, cycle
        grown = sys.getallocatedblocks()
        app.last_input = time.monotonic()
        assert app.collect_when_idle()  # grown past the cap: collected though keys keep coming
        assert grown - sys.getallocatedblocks() >= FULL_GC_GROWTH  # the garbage is gone
        assert not app.collect_when_idle()
        await pilot.press("ctrl+q")
    assert app._note_full_collection not in gc.callbacks  # given back when the app ends
