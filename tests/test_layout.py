"""Every screen works at 80x24 and at the minimum size, and says so below it (Pilot, on the layout fixtures).

What is asserted is what a person sees: the focused field and the line being
typed are on screen, the status is not cut, columns line up with wide and
combining characters, and a window too small shows one line and then gives
the screen back as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from textual import events
from textual.app import App
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Footer, Input, OptionList, TextArea
from textual.widgets._footer import FooterKey

from screens.chapter import ChapterScreen, EarlierAnswers, FormPane
from screens.dialogs.setback import SetbackDialog
from screens.home import HomeScreen
from screens.journal import STATUS, UPDATED, Columns, JournalScreen
from screens.search import snippet
from screens.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallScreen
from screens.widgets.fields import ScaleInput
from screens.widgets.guide import GuideView
from tui.store import Store
from tui.workbook import SearchHit

from .layout import CJK_TITLE, COMBINING_TITLE, LONG_TITLE, layout_app, seed_layout

pytestmark = pytest.mark.slow  # left out of make test-fast: layouts at every size, resizes and bursts of keys

MIN = (MIN_WIDTH, MIN_HEIGHT)


def screen_lines(app: App[None]) -> list[str]:
    """What the terminal shows, a string a row."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def on_screen(widget: Widget) -> bool:
    """Whether the place to type in ``widget`` shows: its cursor line (a text box) or its first line.

    The row must lie inside every container around the widget, the screen included.
    """
    region = widget.region
    if isinstance(widget, TextArea):
        region = Region(region.x, widget.cursor_screen_offset.y, region.width, 1)
    else:
        region = Region(region.x, region.y, region.width, 1)
    if not region:
        return False
    for node in widget.ancestors:
        if isinstance(node, Widget) and not node.scrollable_content_region.contains_region(region):
            return False
    return True


async def open_chapter(pilot, setback: str, chapter: str) -> ChapterScreen:  # type: ignore[no-untyped-def]
    app = pilot.app
    home = next(s for s in app.screen_stack if isinstance(s, HomeScreen))
    setbacks = home.query_one("#setbacks", OptionList)
    index = next(i for i in range(setbacks.option_count) if setback in str(setbacks.get_option_at_index(i).prompt))
    setbacks.highlighted = index
    selected = home.selected_setback
    assert selected is not None
    app.open_chapter(selected, chapter)
    await pilot.pause()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ChapterScreen) and screen.chapter.id == chapter
    return screen


@pytest.fixture
def app(data_dir: Path):  # type: ignore[no-untyped-def]
    seed_layout(data_dir)
    return layout_app(data_dir)


# -- the focused widget is always in view ------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), MIN], ids=["80x24", "minimum"])
@pytest.mark.parametrize("tabs", range(1, 8))
async def test_a_burst_of_tabs_leaves_the_focused_field_on_screen(app, size: tuple[int, int], tabs: int) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=size) as pilot:
        await open_chapter(pilot, LONG_TITLE, "start")
        for _ in range(tabs):  # all at once, as keys arrive over a slow link
            app.post_message(events.Key("tab", None))
        await pilot.pause()
        await pilot.wait_for_animation()  # where the screen comes to rest, not a frame on the way
        await pilot.pause()
        focused = app.focused
        assert focused is not None  # a question, or (six tabs: past the last one) the guide
        assert on_screen(focused), f"{focused} is off screen after {tabs} tabs"
        if isinstance(focused, ScaleInput):  # the arrows change a value the person can see
            await pilot.press("right")
            assert focused.value is not None and on_screen(focused)


async def test_typing_many_lines_keeps_the_line_being_typed_on_screen(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_chapter(pilot, LONG_TITLE, "start")
        screen.query_one("#form").query_one("#field-hoped", TextArea).focus()
        await pilot.pause()
        for line in range(14):  # the box grows to its tallest, then scrolls inside
            await pilot.press(*f"hope {line}", "enter")
            await pilot.pause()
            assert on_screen(app.focused), f"the cursor went off screen at line {line}"  # type: ignore[arg-type]


@pytest.mark.parametrize("size", [(80, 24), MIN], ids=["80x24", "minimum"])
async def test_every_field_of_the_setback_dialog_shows_when_focused(app, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=size) as pilot:
        await pilot.press("n")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SetbackDialog)
        seen = set()
        for _ in range(4):
            focused = app.focused
            assert focused is not None and on_screen(focused), f"{focused} is off screen"
            seen.add(focused.id)
            await pilot.press("tab")
            await pilot.pause()
        assert seen == {"title", "kind", "date", "feeling"}


# -- chapter: zoom, earlier answers, the status bar -------------------------------------------


async def test_f5_zooms_the_pane_with_the_focus_and_gives_the_layout_back(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_chapter(pilot, LONG_TITLE, "lessons")
        await pilot.press("f5")
        assert isinstance(screen.maximized, FormPane)
        assert "chapter 2 of 4" in "\n".join(screen_lines(app))  # zoomed, the status still shows
        await pilot.press("f5")
        assert screen.maximized is None
        await pilot.press("ctrl+g", "f5")  # the guide has the focus: the guide is zoomed
        assert isinstance(screen.maximized, GuideView)
        await pilot.press("ctrl+g")  # zoomed, switching panes zooms the other one
        assert isinstance(screen.maximized, FormPane) and app.focused is not None
        assert screen.query_one("#form-pane") in app.focused.ancestors
        await pilot.press("escape")  # escape gives the layout back, and stays in the chapter
        assert screen.maximized is None and app.screen is screen


async def test_earlier_answers_can_be_read_whole_by_keys(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_chapter(pilot, LONG_TITLE, "lessons")
        panel = screen.query_one("#earlier", EarlierAnswers)
        assert panel.max_scroll_y > 0, "the fixture's earlier answer is longer than the panel"
        assert "shift+tab" in str(panel.border_subtitle)  # it says there is more, and how to get there
        await pilot.press("shift+tab")
        assert app.focused is panel
        for _ in range(panel.max_scroll_y):
            await pilot.press("down")
        await pilot.pause()
        assert panel.scroll_y == panel.max_scroll_y
        assert "I found out from the announcement, like everyone else." in "\n".join(screen_lines(app))


@pytest.mark.parametrize("size", [(80, 24), MIN], ids=["80x24", "minimum"])
async def test_the_status_and_unsaved_changes_show_whatever_the_title(app, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=size) as pilot:
        screen = await open_chapter(pilot, LONG_TITLE, "lessons")
        await pilot.press(*"more")
        assert screen.write_draft()
        await pilot.pause()
        bar = next(line for line in screen_lines(app) if "chapter 2 of 4" in line)
        assert bar.rstrip().endswith("chapter 2 of 4 · in progress · unsaved changes"), bar
        assert bar.startswith(" Passed over") and "…" in bar  # the long title is what is cut


# -- columns measure cells ------------------------------------------------------------------


async def test_journal_columns_line_up_with_wide_and_combining_characters(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        lines = screen_lines(app)
        header = next(line for line in lines if "Updated" in line)
        assert "First answer" in header and header.count("\n") == 0
        rows = [line for line in lines if line.lstrip("▊ ").startswith("2026-03-14 09:30")]
        assert len(rows) == 5
        assert any(CJK_TITLE[:3] in row for row in rows) and any("Refus" in row for row in rows)
        status_at = cell_len(header[: header.index("Status")])
        for row in rows:
            assert "2026-03-14 09:30" in row  # the Updated time is never cut
            status = next(word for word in ("done", "draft") if f"  {word}  " in row)
            assert cell_len(row[: row.index(f"  {status}  ") + 2]) == status_at, row


def test_journal_columns_keep_updated_and_status_whole_at_every_width() -> None:
    for total in range(40, 200):
        columns = Columns.for_width(total)
        line = columns.line("2026-03-14 09:30", CJK_TITLE, COMBINING_TITLE, "draft", LONG_TITLE)
        assert line.startswith("2026-03-14 09:30  ")
        assert cell_len(line) <= max(total, UPDATED + STATUS + 2 * 8 + 8)


def test_a_search_snippet_keeps_the_match_within_its_width_in_wide_text() -> None:
    text = "。".join(["会社の再編で部署ごと無くなった"] * 6) + "。次の仕事を探している。"
    start = text.index("次の仕事")
    hit = SearchHit(1, "reframe", "story", text, start, start + 4, "2026-03-14T09:30:00")
    for cells in (20, 40, 74):
        line = snippet(hit, cells)
        assert cell_len(line.plain) <= cells
        assert "次の仕事" in line.plain and line.plain.startswith("…")


# -- below the minimum size ---------------------------------------------------------------------


async def test_below_the_minimum_one_line_then_the_screen_comes_back_as_it_was(app, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_chapter(pilot, LONG_TITLE, "start")
        box = screen.query_one("#field-what_happened", TextArea)
        await pilot.press("end", *" Typed before the window shrank.")
        before = (box.text, box.cursor_location, app.focused)

        await pilot.resize_terminal(40, 10)
        assert isinstance(app.screen, TooSmallScreen)
        shown = [line.strip() for line in screen_lines(app) if line.strip()]
        assert shown == [f"Make the window at least {MIN_WIDTH}x{MIN_HEIGHT}"]
        await pilot.press(*"zz", "f2", "ctrl+n")  # nothing acts on the screen nobody can see
        assert isinstance(app.screen, TooSmallScreen)

        await pilot.resize_terminal(*MIN)
        assert app.screen is screen
        assert (box.text, box.cursor_location, app.focused) == before
        await pilot.press(*" And after.")
        assert "Typed before the window shrank. And after." in box.text

        await pilot.resize_terminal(MIN_WIDTH - 1, MIN_HEIGHT)  # one column short is too small
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.press("ctrl+q")  # quitting still works, and keeps the text as a draft
    with Store(data_dir) as store:
        drafts = [d["answers"]["what_happened"] for d in store.all("drafts") if d["chapter_id"] == "start"]
    assert any("Typed before the window shrank. And after." in d for d in drafts)


async def test_a_dialog_comes_back_with_what_was_typed_in_it(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", *"Half a title")
        dialog = app.screen
        assert isinstance(dialog, SetbackDialog)
        await pilot.resize_terminal(50, 30)
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(80, 24)
        assert app.screen is dialog
        assert dialog.query_one("#title", Input).value == "Half a title"
        assert app.focused is dialog.query_one("#title", Input)


async def test_starting_in_a_small_window_shows_the_line_at_once(app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(80, 24)
        assert isinstance(app.screen, HomeScreen)


# -- dialogs show their own keys ----------------------------------------------------------------


def footer_keys(app: App[None]) -> set[str]:
    return {key.description for key in app.screen.query_one(Footer).query(FooterKey)}


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (("n",), {"Save", "Cancel"}),  # new setback
        (("k",), {"Save", "Cancel"}),  # check-in
        (("d",), {"No", "Yes"}),  # delete: confirm
        (("u",), {"Close"}),  # bring back: pick (the combining one is archived first)
        (("f1",), {"Close"}),  # help
    ],
    ids=["setback", "check-in", "confirm", "pick", "help"],
)
async def test_a_dialog_shows_its_own_keys_in_the_footer(app, keys: tuple[str, ...], expected: set[str]) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(80, 24)) as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        home.query_one("#setbacks", OptionList).focus()
        if keys == ("u",):
            await pilot.press("a")
        await pilot.press(*keys)
        await pilot.pause()
        assert app.screen is not home
        shown = footer_keys(app)
        assert expected <= shown, shown
        assert not shown & {"New", "Continue", "Journal"}, "the home screen's keys do not belong on a dialog"
