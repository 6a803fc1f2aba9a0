"""ctrl+n and ctrl+r show another chapter in the same screen; the chapters around it are built ahead, hidden."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import OptionList, TextArea

import screens.chapter
from screens.chapter import ChapterScreen
from screens.widgets.chapter_view import ChapterView
from screens.widgets.fields import MultiList
from tui.app import WorkbookApp, make_app
from tui.locations import shipped_content_dir
from tui.records import Conflict

from .conftest import FIXTURE_CHAPTERS, fixed_clock
from .test_app import create_setback_and_open_first_chapter

# Left out of make test-fast but for one: journeys through several chapters.
pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def prepare_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(screens.chapter, "PREPARE_AFTER", 0.05)


def app_on(data_dir: Path, content: Path = FIXTURE_CHAPTERS) -> WorkbookApp:
    return make_app(data_dir=data_dir, content_dir=content, clock=fixed_clock)


def views(screen: ChapterScreen) -> list[ChapterView]:
    return list(screen.query(ChapterView))


async def built_ahead(pilot, screen: ChapterScreen, chapter_id: str) -> ChapterView:  # type: ignore[no-untyped-def]
    """Wait until the view of ``chapter_id`` has been built, drawn once under the one shown, and hidden."""
    for _ in range(200):
        await pilot.pause(0.02)
        found = [v for v in views(screen) if v.chapter.id == chapter_id and v.is_mounted]
        if found and found[0].query("#form") and not found[0].display:
            assert not found[0].display and found[0] is not screen.view
            return found[0]
    raise AssertionError(f"the view of {chapter_id!r} was not built ahead")


@pytest.mark.smoke
async def test_a_chapter_built_ahead_shows_the_answers_the_journal_holds_when_it_is_shown(data_dir: Path) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_setback_and_open_first_chapter(pilot, "Built ahead")
        first = screen.view
        ahead = await built_ahead(pilot, screen, "second")
        # Changed after the view was built, as the command line or a merge would.
        app.workbook.save_reflection(screen.setback_id, "second", {"tags": ["b"]})
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen is screen and screen.view is ahead and ahead.display and not first.display
        assert screen.chapter.id == "second"
        tags = screen.query_one("#field-tags", MultiList)
        assert tags.value == ["b"] and app.focused is tags
        assert "chapter 2 of" in str(screen.query_one("#bar-status").render())
        # Back, then keys typed in the same burst as ctrl+r land in the chapter shown.
        await pilot.press("ctrl+r", *"xyz")
        await pilot.pause()
        assert screen.view is first and screen.chapter.id == "first"
        what = screen.query_one("#field-what", TextArea)
        assert app.focused is what and what.text == "xyz"
        await pilot.press("ctrl+q")


async def test_the_chapter_left_keeps_its_draft_and_a_hidden_one_writes_none(data_dir: Path) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_setback_and_open_first_chapter(pilot, "Drafts on switch")
        await built_ahead(pilot, screen, "second")
        await pilot.press(*"typed then left", "ctrl+n")  # before the draft timer fires
        await pilot.pause()
        assert screen.chapter.id == "second"
        draft = app.workbook.draft(screen.setback_id, "first")
        assert draft is not None and draft.answers["what"] == "typed then left"
        # A key that reaches the hidden view of the chapter left never becomes a draft of it.
        (left,) = [v for v in views(screen) if v.chapter.id == "first"]
        assert not left.display
        left.query_one("#field-what", TextArea).insert("stray")
        await pilot.pause()
        app.flush_drafts()
        again = app.workbook.draft(screen.setback_id, "first")
        assert again is not None and again.answers["what"] == "typed then left"
        assert app.workbook.draft(screen.setback_id, "second") is None
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert screen.query_one("#field-what", TextArea).text == "typed then left"  # the draft, not the stray keys
        await pilot.press("ctrl+q")


async def test_a_view_built_before_its_suggestions_changed_is_built_again(data_dir: Path) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_setback_and_open_first_chapter(pilot, "Stale suggestions")
        ahead = await built_ahead(pilot, screen, "second")
        assert not ahead.query("#suggestions")
        await pilot.press(*"Missed the deadline", "ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.chapter.id == "second" and screen.view is not ahead
        suggestions = screen.query_one("#suggestions", OptionList)
        assert "Missed the deadline" in str(suggestions.get_option_at_index(0).prompt)
        assert "Missed the deadline" in str(screen.query_one("#builds-on").render())
        assert len(views(screen)) <= 2
        await pilot.press("ctrl+q")


async def test_only_the_chapter_shown_and_its_neighbours_are_kept(data_dir: Path) -> None:
    app = make_app(data_dir=data_dir, content_dir=shipped_content_dir(), clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        setback = app.workbook.add_setback("Walk through", "layoff")
        ids = [c.id for c in app.workbook.chapters]
        app.open_chapter(setback.id, ids[0])
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ChapterScreen)
        for index in range(1, 6):
            await built_ahead(pilot, screen, ids[index])
            await pilot.press("ctrl+n")
            await pilot.pause()
            assert screen.chapter.id == ids[index]
            kept = [v.chapter.id for v in views(screen)]
            assert len(kept) <= 3 and set(kept) <= {ids[index - 1], ids[index], ids[index + 1]}
            # The one shown, and perhaps a neighbour being drawn under it (covered, see below).
            assert [v for v in views(screen) if v.display and not v.drawn_under] == [screen.view]
        await pilot.press("ctrl+q")


async def test_a_view_built_with_a_conflict_resolved_since_is_built_again_without_it(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        conflict = Conflict(
            id=1, table="reflections", field="tags", here=["a"], other=["b"], answer=True,
            chapter_id="second", other_device="devbox",
        )  # fmt: skip
        found = [conflict]
        conflicts = app.workbook.conflicts

        def with_found(setback_id: int | None = None, chapter_id: str | None = None) -> list[Conflict]:
            return list(found) if chapter_id == "second" else conflicts(setback_id, chapter_id)

        monkeypatch.setattr(app.workbook, "conflicts", with_found)  # as a merge leaves it
        screen = await create_setback_and_open_first_chapter(pilot, "Two machines")
        ahead = await built_ahead(pilot, screen, "second")
        assert ahead.query("#conflicts")
        found.clear()  # resolved on the other machine, then synced
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.chapter.id == "second" and screen.view is not ahead
        assert not screen.query("#conflicts") and screen.view.query("#form")
        await pilot.press("ctrl+q")


async def test_a_restored_draft_is_announced_once_not_each_time_its_chapter_is_shown_again(data_dir: Path) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_setback_and_open_first_chapter(pilot, "Told once")
        setback_id = screen.setback_id
        await pilot.press(*"typed last time")
        await pilot.press("escape")  # the draft is written on leaving
        await pilot.press("ctrl+q")
    assert app.workbook.draft(setback_id, "first") is not None

    def restored(app: WorkbookApp) -> int:
        return sum(n.title == "Unsaved changes restored" for n in app._notifications)

    again = app_on(data_dir)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        again.open_chapter(setback_id, "first")
        await pilot.pause()
        chapter = again.screen
        assert isinstance(chapter, ChapterScreen)
        assert chapter.query_one("#field-what", TextArea).text == "typed last time"
        assert restored(again) == 1
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert chapter.view.chapter.id == "first"
        assert chapter.query_one("#field-what", TextArea).text == "typed last time"
        assert restored(again) == 1  # not again for the same draft
        await pilot.press("ctrl+q")


async def test_a_chapter_built_ahead_is_drawn_once_under_the_one_shown_and_never_takes_the_focus(
    data_dir: Path,
) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_setback_and_open_first_chapter(pilot, "Drawn ahead")
        shown = screen.view
        ahead = await built_ahead(pilot, screen, "second")
        # Laid out while out of sight: its questions have their sizes before it is ever shown.
        assert ahead.query_one("#form").virtual_size.height > 0
        assert ahead.query_one("#field-tags").container_size.width > 0
        # While it is drawn again: under the chapter shown, out of the way of keys and clicks.
        ahead.warm_up()
        assert ahead.display and ahead.drawn_under and ahead.styles.layer == "ahead"
        assert not any(ahead in w.ancestors for w in screen.focus_chain)
        await pilot.press("tab", "tab", "tab")
        assert app.focused is not None and shown in app.focused.ancestors
        form = shown.query_one("#form").region
        hit, _ = app.screen.get_widget_at(form.x + 2, form.y + 1)
        assert shown in hit.ancestors_with_self and ahead not in hit.ancestors_with_self
        for _ in range(100):
            if not ahead.display:
                break
            await pilot.pause(0.02)
        assert not ahead.display and not ahead.drawn_under and ahead.styles.layer == "shown"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.view is ahead and ahead.display and not ahead.drawn_under
        assert app.focused is ahead.query_one("#field-tags")
        await pilot.press("ctrl+q")


async def test_a_chapter_shown_as_the_journal_left_it_is_not_filled_again(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = app_on(data_dir)
    async with before.run_test(size=(80, 24)) as pilot:
        setback = before.workbook.add_setback("Filled once", "layoff")
        # A draft left last time in the next chapter: filled in as it is built, announced when it is shown.
        session = before.workbook.session(setback.id, "second")
        session.write_draft(session.ticket(), {"tags": ["a"]})
        await pilot.press("ctrl+q")
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_chapter(setback.id, "first")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ChapterScreen)
        ahead = await built_ahead(pilot, screen, "second")
        assert [n.title for n in app._notifications].count("Unsaved changes restored") == 0
        fills: list[str] = []
        fill = ChapterView.fill

        def counted(view: ChapterView):  # type: ignore[no-untyped-def]
            fills.append(view.chapter.id)
            return fill(view)

        monkeypatch.setattr(ChapterView, "fill", counted)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.view is ahead and fills == []
        assert ahead.query_one("#field-tags", MultiList).value == ["a"]
        assert [n.title for n in app._notifications].count("Unsaved changes restored") == 1
        await pilot.press("space")  # ticks the first option: a change, written as a draft on leaving
        await pilot.press("ctrl+r")
        await pilot.pause()
        # The journal changed since the first chapter was filled (the draft just written): filled again.
        assert screen.chapter.id == "first" and fills == ["first"]
        await pilot.press("ctrl+q")


async def test_the_title_and_chapter_bar_change_in_the_frame_that_shows_the_next_chapter(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never a frame with one chapter's questions under another's title or place in the bar."""
    from textual.app import App

    frames: list[str] = []
    display = App._display

    def recorded(self: App[object], screen: object, update: object) -> None:
        display(self, screen, update)  # type: ignore[arg-type]
        render = getattr(update, "render_segments", None)
        if render is not None:
            frames.append(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", render(self.console)))  # its text, in order

    monkeypatch.setattr(App, "_display", recorded)
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_setback_and_open_first_chapter(pilot, "One frame")
        await built_ahead(pilot, screen, "second")
        frames.clear()
        await pilot.press("ctrl+n")
        await pilot.pause()
        first = next(i for i, frame in enumerate(frames) if "Any." in frame)  # the second chapter's help line
        assert "chapter 2 of 2" in frames[first] and "failforward — Second" in frames[first]
        await pilot.press("ctrl+q")


async def test_the_field_left_by_ctrl_n_loses_its_focus_style_in_the_frame_after(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hidden by ctrl+n, the field that had the focus is restyled just after the next chapter is painted.

    Restyled at once (as Textual does) it costs about a millisecond of the switch, for a field nobody sees.
    """
    from textual.app import App
    from textual.css.stylesheet import Stylesheet

    from screens.widgets.focus import RestyledInSight

    seen: list[str] = []
    display, update_nodes = App._display, Stylesheet.update_nodes

    def recorded(self: App[object], screen: object, update: object) -> None:
        display(self, screen, update)  # type: ignore[arg-type]
        seen.append("frame")

    def restyled(self: Stylesheet, nodes: object, animate: bool = False) -> None:
        nodes = list(nodes)  # type: ignore[call-overload]
        seen.extend(f"restyle {id(node)}" for node in nodes)
        update_nodes(self, nodes, animate)

    monkeypatch.setattr(App, "_display", recorded)
    monkeypatch.setattr(Stylesheet, "update_nodes", restyled)
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_setback_and_open_first_chapter(pilot, "Restyled later")
        await built_ahead(pilot, screen, "second")
        left = screen.focused
        assert isinstance(left, RestyledInSight) and left.has_focus
        focused_look = left.styles.background
        await pilot.press("tab")  # in sight: the field left is restyled before the next frame, as always
        await pilot.pause()
        assert left.styles.background != focused_look
        await pilot.press("shift+tab")
        await pilot.pause()
        assert left.has_focus and left.styles.background == focused_look
        seen.clear()
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.pause()
        assert not left.has_focus
        assert f"restyle {id(left)}" in seen, "the field left is restyled all the same"
        assert seen.index("frame") < seen.index(f"restyle {id(left)}"), "after the frame that shows the next chapter"
        assert left.styles.background != focused_look
        await pilot.press("ctrl+q")


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (70, 20)])
async def test_the_chapter_shown_covers_its_view_and_the_panes_whole(data_dir: Path, size: tuple[int, int]) -> None:
    """The view and the panes keep the rows they painted (screens.widgets.covered): no cell of them is ever seen."""
    app = app_on(data_dir, content=shipped_content_dir())
    async with app.run_test(size=size) as pilot:
        screen = await create_setback_and_open_first_chapter(pilot, "Covered")
        await built_ahead(pilot, screen, app.workbook.chapters[1].id)
        for _ in range(2):
            view = screen.view
            panes = screen.query_one("#panes")
            parts = [child.region for child in view.children if child.display]
            assert view.region == panes.region and view.region.area > 0
            assert all(view.region.contains_region(part) for part in parts)
            assert sum(part.area for part in parts) == view.region.area, "the guide and the form fill the view"
            assert len(parts) == 2 and not parts[0].overlaps(parts[1])
            await pilot.press("ctrl+n")
            await pilot.pause()
        await pilot.press("ctrl+q")


async def test_ctrl_n_paints_no_row_that_nobody_sees(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Up to the frame that shows the next chapter, neither the view nor the panes under it are painted again,
    nor the scrollbars of a view drawn ahead (a class toggled on it would restyle and repaint them)."""
    from textual._styles_cache import StylesCache
    from textual.app import App
    from textual.scrollbar import ScrollBar

    from screens.widgets.covered import Covered

    painted: list[object] = []
    recording = [False]
    display, render_line = App._display, StylesCache.render_line

    def recorded(self: App[object], screen: object, update: object) -> None:
        display(self, screen, update)  # type: ignore[arg-type]
        recording[0] = False

    def painting(self: StylesCache, styles: object, *args: object, **kwargs: object) -> object:
        if recording[0]:
            painted.append(styles.node)  # type: ignore[attr-defined]
        return render_line(self, styles, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(App, "_display", recorded)
    monkeypatch.setattr(StylesCache, "render_line", painting)
    app = app_on(data_dir, content=shipped_content_dir())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_setback_and_open_first_chapter(pilot, "Painted once")
        for index in (1, 2):
            ahead = await built_ahead(pilot, screen, app.workbook.chapters[index].id)
            bars = [bar for pane in ahead._panes() if (bar := pane._vertical_scrollbar) is not None]
            assert bars, "the chapter's guide is longer than the pane: it has a scrollbar"
            painted.clear()
            recording[0] = True
            await pilot.press("ctrl+n")
            await pilot.pause()
            assert screen.view is ahead and not recording[0], "the frame came"
            assert painted, "the frame painted the rows that changed"
            assert not [node for node in painted if isinstance(node, Covered)]
            assert not [node for node in painted if isinstance(node, ScrollBar) and node in bars]
        await pilot.press("ctrl+q")
