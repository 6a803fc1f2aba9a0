"""Working through the shipped chapters by keys: answers saved, earlier answers shown, goals to actions."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static, TextArea

from screens.chapter import ChapterScreen
from screens.home import HomeScreen
from screens.widgets.fields import ChoiceList, ScaleInput
from tui.app import WorkbookApp, make_app
from tui.locations import shipped_content_dir
from tui.store import Store

from .conftest import fixed_clock

pytestmark = pytest.mark.slow  # left out of make test-fast: the shipped chapters worked through by keys


def shipped_app(data_dir: Path) -> WorkbookApp:
    return make_app(data_dir=data_dir, content_dir=shipped_content_dir(), clock=fixed_clock)


async def new_setback(pilot, title: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("n", *title, "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, HomeScreen)


async def test_start_here_by_keys_then_answers_come_back(data_dir: Path) -> None:
    """Naming the setback answers chapter 00's kind, date and feeling; the chapter asks them no second time."""
    app = shipped_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", *"Laid off from Northwind", "tab", "home", "down", "down")  # the third kind: layoff
        await pilot.press("tab", "tab", "8", "enter")  # the date stays today's; feeling 8; enter saves
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        setback = app.workbook.setbacks()[0]
        assert (setback.kind, setback.date, setback.feeling) == ("layoff", "2026-03-14", 8)
        await pilot.press("enter")  # the first chapter: Start here
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ChapterScreen) and screen.chapter.id == "start"
        kind = screen.query_one("#field-kind", ChoiceList)
        assert kind.value == "Layoff or contract ended"  # what the dialog said, not asked again
        assert screen.query_one("#field-setback_date", Input).value == "2026-03-14"
        assert screen.query_one("#field-feeling_now", ScaleInput).value == 8
        await pilot.press(*"My role was cut on 4 March.", "tab", "tab", "tab", "left")  # to the feeling: 7
        await pilot.press("tab", *"The money", "ctrl+s")
        await pilot.pause()
        assert screen.query_one("#field-feeling_now", ScaleInput).value == 7
        assert app.workbook.setback(setback.id).feeling == 7  # type: ignore[union-attr]  # the setback follows
        await pilot.press("ctrl+q")

    with Store(data_dir) as store:
        answers = store.all("reflections")[0]["answers"]
    assert answers["what_happened"] == "My role was cut on 4 March."
    assert answers["kind"] == "Layoff or contract ended"
    assert answers["setback_date"] == "2026-03-14"
    assert answers["feeling_now"] == 7
    assert answers["hardest_part"] == "The money"

    again = shipped_app(data_dir)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        await pilot.pause()
        screen = again.screen
        assert isinstance(screen, ChapterScreen) and screen.chapter.id == "start"
        assert screen.query_one("#field-what_happened", TextArea).text == "My role was cut on 4 March."
        assert screen.query_one("#field-kind", ChoiceList).value == "Layoff or contract ended"
        assert screen.query_one("#field-setback_date", Input).value == "2026-03-14"
        assert screen.query_one("#field-feeling_now", ScaleInput).value == 7
        assert screen.query_one("#field-hardest_part", Input).value == "The money"
        await pilot.press("ctrl+q")


async def open_chapter(pilot, chapter_id: str) -> ChapterScreen:  # type: ignore[no-untyped-def]
    app = pilot.app
    home = app.screen
    assert isinstance(home, HomeScreen)
    chapters = home.query_one("#chapters", OptionList)
    ids = [c.id for c in app.workbook.chapters]
    chapters.focus()
    await pilot.press("home", *["down"] * ids.index(chapter_id), "enter")
    await pilot.pause()
    assert isinstance(app.screen, ChapterScreen) and app.screen.chapter.id == chapter_id
    return app.screen


async def test_lessons_shows_causes_and_changes_become_dated_actions(data_dir: Path) -> None:
    app = shipped_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await new_setback(pilot, "Missed promotion")
        deconstruct = await open_chapter(pilot, "deconstruct")
        deconstruct.query_one("#field-causes", TextArea).focus()
        await pilot.press(*"Never asked what staff level meant", "enter", *"Skipped the design review")
        await pilot.press("escape")  # back home; the text is kept as a draft
        await pilot.pause()
        lessons = await open_chapter(pilot, "lessons")
        pinned = str(lessons.query_one("#builds-on").render())
        assert "Never asked what staff level meant" in pinned
        assert "Skipped the design review" in pinned
        lessons.query_one("#field-changes", TextArea).focus()
        await pilot.press(*"Ask for the promotion criteria in writing", "ctrl+s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        goals = await open_chapter(pilot, "goals")
        suggestions = goals.query_one("#suggestions", OptionList)
        assert "Ask for the promotion criteria in writing" in str(suggestions.get_option_at_index(0).prompt)
        suggestions.focus()
        await pilot.press("enter")  # take the suggestion into the new-item line
        await pilot.press("tab", *"2026-03-20", "enter")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        setback_id = goals.setback_id
        actions = app.workbook.actions(setback_id)
        assert [(a.text, a.due, a.chapter_id) for a in actions] == [
            ("Ask for the promotion criteria in writing", "2026-03-20", "goals")
        ]
        await pilot.press("ctrl+q")


async def test_a_setback_from_chapter_00_to_the_look_back_with_dated_commitments_as_actions(data_dir: Path) -> None:
    """Name it, write chapter 00, go chapter by chapter (ctrl+n) to the look back, dating commitments on the way."""
    from screens.widgets.fields import ChecklistField

    commitments = {
        "feedback": ("send_asks", "Ask Dana how the round went", "2026-03-18"),
        "goals": ("actions", "Finish the AWS course", "2026-04-30"),
        "risk": ("first_steps", "Apply for the lead role at Umbra", "2026-03-25"),
    }
    app = shipped_app(data_dir)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("n", *"Laid off from Northwind", "tab", "home", "down", "down", "tab")
        date_field = app.screen.query_one("#date", Input)
        date_field.value = "2026-02-01"  # six weeks ago: the look back is due
        await pilot.press("tab", "7", "enter")
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ChapterScreen) and screen.chapter.id == "start"
        await pilot.press(*"My role was cut with eleven others.", "ctrl+s")
        await pilot.pause()
        visited = ["start"]
        while screen.chapter.id != "review":
            await pilot.press("ctrl+n")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ChapterScreen)
            visited.append(screen.chapter.id)
            if screen.chapter.id in commitments:
                field_id, text, due = commitments[screen.chapter.id]
                assert screen.query_one(f"#field-{field_id}", ChecklistField).add_item(text, due)
                await pilot.press("ctrl+s")
                await pilot.pause()
        assert visited == [c.id for c in app.workbook.chapters]  # every chapter, in order, to the look back
        # The look back shows what was hoped for and planned, and offers the planned changes to tick.
        earlier = str(screen.query_one("#builds-on", Static).render())
        assert "What do you want from working through this workbook?" in earlier
        happened = screen.query_one("#field-happened", ChecklistField)
        assert "Finish the AWS course" in happened.suggestions
        assert "Apply for the lead role at Umbra" in happened.suggestions
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)

    actions = {(a.chapter_id, a.text, a.due) for a in app.workbook.actions()}
    for chapter_id, (_, text, due) in commitments.items():
        assert (chapter_id, text, due) in actions  # every dated commitment is an action with its date
