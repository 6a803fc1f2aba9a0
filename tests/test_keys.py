"""Every key F1 lists does something, on every screen and dialog; the README's key table matches the bindings.

The walk: for each screen (and a few focus states of the chapter), read the
rows the help lists (``screens.help.help_rows``, what F1 shows) and press each
key, in turn, from the same starting state; what the person could notice
(the screens open, the focus, a highlight, a scroll position, a value, a zoom,
the journal on disk) must differ after the key. A key listed that does
nothing fails, named with its screen.

Between keys that only change what is on screen, the state is arranged again
in the same app; after a key that changes the journal, replaces a screen or
quits, a fresh app starts on a fresh copy of the journal.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.binding import Binding
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Input, OptionList, Select, TextArea

from screens.chapter import ChapterScreen
from screens.help import help_rows
from screens.home import HomeScreen
from screens.widgets.fields import ChecklistField, ChoiceList, MultiList, ScaleInput
from screens.widgets.guide import GuideView
from screens.widgets.textarea import SafeTextArea
from tui.app import WorkbookApp

from .conftest import ROOT
from .layout import COMBINING_TITLE, LONG_TITLE, layout_app, seed_layout

Step = Callable[[Pilot[Any]], Awaitable[None]]


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.wait_for_animation()
    await pilot.pause()


def journal(app: WorkbookApp) -> str:
    wb = app.workbook
    setbacks = wb.setbacks(include_archived=True)
    return repr((setbacks, wb.reflections(), [wb.checkins(s.id) for s in setbacks], wb.drafts()))


def widget_state(widget: Widget) -> Any:
    """What a person could see change in one widget."""
    if isinstance(widget, DataTable):
        return widget.cursor_coordinate
    if isinstance(widget, ChoiceList):
        return (widget.value, widget.highlighted)
    if isinstance(widget, MultiList):
        return (tuple(widget.value), widget.highlighted)
    if isinstance(widget, OptionList):
        return (widget.highlighted, widget.option_count)
    if isinstance(widget, ScaleInput):
        return widget.value
    if isinstance(widget, ChecklistField):
        return repr(widget.items)
    if isinstance(widget, Input | Select):
        return widget.value
    if isinstance(widget, TextArea):
        return (widget.text, widget.cursor_location)
    return None


def fingerprint(app: WorkbookApp) -> tuple[Any, ...]:
    if app.return_code is not None:
        return ("the app quit",)
    screen = app.screen
    widgets = []
    for widget in screen.query("*"):
        state = widget_state(widget)
        scroll = (widget.scroll_x, widget.scroll_y) if widget.is_scrollable else None
        widgets.append((widget.id, type(widget).__name__, state, scroll, str(widget.border_subtitle)))
    return (
        tuple(id(s) for s in app.screen_stack),
        id(app.focused),
        id(screen.maximized),
        tuple(widgets),
        journal(app),
    )


# -- getting to each screen, from home -----------------------------------------------------------


def home(app: WorkbookApp) -> HomeScreen:
    found = next(s for s in app.screen_stack if isinstance(s, HomeScreen))
    return found


def select(app: WorkbookApp, title: str) -> int:
    setbacks = home(app).query_one("#setbacks", OptionList)
    for index in range(setbacks.option_count):
        if title in str(setbacks.get_option_at_index(index).prompt):
            setbacks.highlighted = index
    selected = home(app).selected_setback
    assert selected is not None
    return selected


async def nothing(pilot: Pilot[Any]) -> None:
    return None


def chapter_screen(app: WorkbookApp) -> ChapterScreen:
    screen = app.screen
    assert isinstance(screen, ChapterScreen)
    return screen


def open_chapter(title: str, chapter: str) -> Step:
    async def reach(pilot: Pilot[Any]) -> None:
        app: WorkbookApp = pilot.app  # type: ignore[assignment]
        app.open_chapter(select(app, title), chapter)
        await settle(pilot)

    return reach


def press(*keys: str) -> Step:
    async def reach(pilot: Pilot[Any]) -> None:
        await pilot.press(*keys)
        await settle(pilot)

    return reach


def then(*steps: Step) -> Step:
    async def run(pilot: Pilot[Any]) -> None:
        for step in steps:
            await step(pilot)

    return run


async def question_read(pilot: Pilot[Any]) -> None:
    """A confirmation ignores a yes sent with the request: let a human moment pass."""
    from screens.dialogs.confirm import ConfirmDialog

    dialog = pilot.app.screen
    assert isinstance(dialog, ConfirmDialog)
    dialog.opened -= 1


def unzoom(app: WorkbookApp) -> None:
    if app.screen.maximized is not None:
        app.screen.minimize()


def arrange_home(pilot: Pilot[Any]) -> Awaitable[None]:
    app: WorkbookApp = pilot.app  # type: ignore[assignment]
    select(app, LONG_TITLE)
    chapters = home(app).query_one("#chapters", OptionList)
    chapters.focus()
    chapters.highlighted = 1
    return settle(pilot)


async def archive_one(pilot: Pilot[Any]) -> None:
    """An archived setback, so that "bring back" has something to bring back."""
    app: WorkbookApp = pilot.app  # type: ignore[assignment]
    app.workbook.archive_setback(select(app, COMBINING_TITLE))
    home(app).refresh_lists()


async def archive_all(pilot: Pilot[Any]) -> None:
    app: WorkbookApp = pilot.app  # type: ignore[assignment]
    for s in app.workbook.setbacks():
        app.workbook.archive_setback(s.id)
    home(app).refresh_lists()


def focus(selector: str, **values: Any) -> Step:
    """Focus the widget ``selector`` on the screen on top, and set some of its attributes."""

    async def arrange(pilot: Pilot[Any]) -> None:
        app: WorkbookApp = pilot.app  # type: ignore[assignment]
        unzoom(app)
        widget = app.screen.query_one(selector)
        for name, value in values.items():
            setattr(widget, name, value)
        widget.focus()
        await settle(pilot)

    return arrange


async def type_in_first_field(pilot: Pilot[Any]) -> None:
    chapter_screen(pilot.app).query_one("#field-went_wrong", TextArea).focus()  # type: ignore[arg-type]
    await pilot.press("x")  # something unsaved, for ctrl+s to save


async def arrange_chapter(pilot: Pilot[Any]) -> None:
    app: WorkbookApp = pilot.app  # type: ignore[assignment]
    unzoom(app)
    chapter_screen(app).query_one("#field-went_wrong", TextArea).focus()
    await settle(pilot)


async def guide_mid_way(pilot: Pilot[Any]) -> None:
    app: WorkbookApp = pilot.app  # type: ignore[assignment]
    unzoom(app)
    guide = chapter_screen(app).query_one("#guide", GuideView)
    guide.focus()
    guide.go_to(guide.headings[1][0])  # a heading before it and one after
    await settle(pilot)


async def a_third_item(pilot: Pilot[Any]) -> None:
    chapter_screen(pilot.app).query_one("#field-actions", ChecklistField).add_item("Ask Sam", "")  # type: ignore[arg-type]
    await settle(pilot)


async def search_level(pilot: Pilot[Any]) -> None:
    await pilot.press("slash")
    await settle(pilot)
    pilot.app.screen.query_one("#query", Input).value = "level"
    pilot.app.screen.run_search("level")  # type: ignore[attr-defined]
    await settle(pilot)


async def export_dialog(pilot: Pilot[Any]) -> None:
    pilot.app.action_export()  # type: ignore[attr-defined]
    await settle(pilot)


def scrolled(selector: str, y: int) -> Step:
    async def arrange(pilot: Pilot[Any]) -> None:
        widget = pilot.app.screen.query_one(selector)
        widget.focus()
        await settle(pilot)
        assert widget.max_scroll_y > y, f"{selector} must overflow for its scrolling keys to be walked"
        widget.scroll_to(y=y, animate=False, immediate=True)
        await settle(pilot)

    return arrange


@dataclass
class State:
    """A screen as someone meets it: how to get there from home, and the state to start each key from."""

    reach: Step
    arrange: Step = nothing
    size: tuple[int, int] = (80, 24)
    widget_keys_only: bool = False  # the screen's and the app's keys are walked in the screen's own state


STATES: dict[str, State] = {
    "home": State(archive_one, arrange_home),
    "chapter": State(then(open_chapter(LONG_TITLE, "lessons"), type_in_first_field), arrange_chapter),
    "chapter, the guide": State(open_chapter(LONG_TITLE, "start"), guide_mid_way, widget_keys_only=True),
    "chapter, a scale": State(
        open_chapter(LONG_TITLE, "start"), focus("#field-feeling", value=6), widget_keys_only=True
    ),
    "chapter, a choice": State(
        open_chapter(LONG_TITLE, "start"),
        focus("#field-kind", value="A missed promotion or raise", highlighted=2),
        widget_keys_only=True,
    ),
    "chapter, a multiple choice": State(
        open_chapter(LONG_TITLE, "lessons"), focus("#field-strengths", highlighted=1), widget_keys_only=True
    ),
    "chapter, a checklist": State(
        then(open_chapter(LONG_TITLE, "plan"), a_third_item),
        focus("#field-actions #items", highlighted=1),
        widget_keys_only=True,
    ),
    "chapter, a checklist's suggestions": State(
        open_chapter(LONG_TITLE, "plan"), focus("#field-actions #suggestions", highlighted=1), widget_keys_only=True
    ),
    "chapter, earlier answers": State(
        open_chapter(LONG_TITLE, "lessons"), scrolled("#earlier", 1), widget_keys_only=True
    ),
    "journal": State(press("j"), focus("#journal-table", highlighted=2)),
    "search, the box": State(search_level, focus("#query")),
    "search, the results": State(search_level, focus("#results", highlighted=1), widget_keys_only=True),
    "progress": State(press("p"), focus("#grid", cursor_coordinate=(1, 2))),
    "setback dialog": State(press("n", *"Half"), focus("#title")),
    "edit setback dialog": State(then(arrange_home, press("e")), focus("#kind")),
    "check-in dialog": State(then(arrange_home, press("k")), focus("#rating", value=5)),
    "delete confirmation": State(then(arrange_home, press("d"), question_read), focus("#no")),
    "bring back (pick)": State(then(archive_all, press("u")), focus("#pick", highlighted=1)),
    "headings (pick)": State(then(open_chapter(LONG_TITLE, "start"), press("ctrl+o")), focus("#pick", highlighted=1)),
    "export dialog": State(export_dialog, focus("#path")),
    "help": State(then(open_chapter(LONG_TITLE, "start"), press("f1")), scrolled("#help-body", 2)),
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("layout") / "journal"
    seed_layout(folder)
    return folder


@pytest.mark.parametrize("name", list(STATES))
async def test_every_key_the_help_lists_does_something(
    name: str, template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = STATES[name]
    editor = tmp_path / "editor.sh"  # ctrl+e: an editor that adds a line, so the answer visibly changes
    editor.write_text('#!/bin/sh\nprintf "\\nwritten in the editor" >> "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("VISUAL", str(editor))
    pending: list[Binding] | None = None
    listed: list[str] = []
    runs = 0
    while pending is None or pending:
        runs += 1
        data = tmp_path / f"run{runs}"
        shutil.copytree(template, data)
        app = layout_app(data)
        async with app.run_test(size=state.size) as pilot:
            await settle(pilot)
            await state.reach(pilot)
            base = list(app.screen_stack)
            while True:
                await state.arrange(pilot)
                if pending is None:
                    rows = help_rows(app.screen)
                    if state.widget_keys_only:
                        rows = [row for row in rows if row.owner not in (app, app.screen)]
                    pending = [row.binding for row in rows]
                    listed = [f"{row.keys} {row.text}" for row in rows]
                    assert pending, f"{name}: the help lists no keys"
                if not pending:
                    break
                binding = pending.pop(0)
                before = fingerprint(app)
                await pilot.press(binding.key)
                if app.return_code is None:
                    await settle(pilot)
                after = fingerprint(app)
                what = f"{name}: {app.get_key_display(binding)} ({binding.description}) did nothing"
                assert after != before, what + "\nlisted: " + ", ".join(listed)
                if app.return_code is not None or after[-1] != before[-1] or app.screen_stack[: len(base)] != base:
                    break  # the journal changed, a screen was replaced, or the app quit: start afresh
                while len(app.screen_stack) > len(base):
                    app.pop_screen()
                    await settle(pilot)
        assert runs < 60, f"{name}: too many restarts"


async def rows_of(state: State, data: Path) -> list[str]:
    app = layout_app(data)
    async with app.run_test(size=state.size) as pilot:
        await settle(pilot)
        await state.reach(pilot)
        await state.arrange(pilot)
        return [f"{row.keys} {row.text.split(':')[0]}" for row in help_rows(app.screen)]


async def test_the_help_lists_a_screens_own_keys_and_not_dead_ones(template: Path, tmp_path: Path) -> None:
    """A spot check of what the walk relies on: the rows of two screens, by name."""
    shutil.copytree(template, tmp_path / "a")
    chapter = await rows_of(STATES["chapter"], tmp_path / "a")
    assert {"^s Save", "^t Done", "^n Next", "^r Prev", "^g Pane", "^o Headings", "f5 Zoom", "esc Back"} <= set(chapter)
    assert not any(row.endswith(("Copy selected text", "Scroll Left", "Page Left")) for row in chapter)
    shutil.copytree(template, tmp_path / "b")
    journal_rows = await rows_of(STATES["journal"], tmp_path / "b")
    assert "f2 Journal" not in journal_rows and "f3 Search" in journal_rows  # already on the journal


# -- the README's key table ------------------------------------------------------------------


README_KEYS = {
    "←": "left",
    "→": "right",
    "↑": "up",
    "↓": "down",
    "/": "slash",
    "[": "left_square_bracket",
    "]": "right_square_bracket",
}


def readme_table() -> dict[str, set[str]]:
    """The README's "Keys" table: the keys named (in backticks, second column) for each "where"."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Keys\n", 1)[1].split("\n## ", 1)[0]
    table: dict[str, set[str]] = {}
    where = ""
    for line in section.splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] == "where" or cells[1].startswith("---"):
            continue
        where = cells[0] or where
        for key in re.findall(r"`([^`]+)`", cells[1]):
            table.setdefault(where, set()).add(README_KEYS.get(key, key.lower()))
    return table


def keys_of(*owners: type[Any]) -> set[str]:
    """Every key the classes bind (their own BINDINGS and those they inherit)."""
    keys: set[str] = set()
    for owner in owners:
        for cls in owner.__mro__:
            for binding in cls.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding):
                    keys |= set(binding.key.split(","))
    return keys


def own_keys(owner: type[Any]) -> set[str]:
    """The keys a screen (or the app) binds itself, with a description (the ones F1 shows)."""
    return {
        key
        for binding in owner.__dict__.get("BINDINGS", [])
        if isinstance(binding, Binding) and binding.description and not binding.system
        for key in binding.key.split(",")
    }


def test_the_readme_key_table_names_only_bound_keys_and_every_screen_key() -> None:
    from screens.journal import JournalScreen
    from screens.progress import ProgressScreen
    from screens.search import QueryInput, SearchScreen
    from screens.unlock import FirstStartScreen, NewPassphraseScreen, UnlockScreen

    table = readme_table()
    everywhere = keys_of(WorkbookApp) | {"ctrl+p"}
    bound = {
        "everywhere": everywhere,
        "home": keys_of(HomeScreen, OptionList),
        "chapter": keys_of(ChapterScreen, GuideView),
        "form": keys_of(ChapterScreen, ScaleInput, ChoiceList, MultiList, SafeTextArea),
        "checklist": keys_of(ChecklistField, Input),
        "journal": keys_of(JournalScreen, OptionList),
        "search": keys_of(SearchScreen, QueryInput, OptionList),
        "progress": keys_of(ProgressScreen, DataTable),
        "passphrase": keys_of(UnlockScreen, FirstStartScreen, NewPassphraseScreen),
    }
    assert set(table) == set(bound), f"README sections: {sorted(table)}"
    for where, keys in table.items():
        assert keys <= bound[where] | everywhere, f"README, {where}: {sorted(keys - bound[where])} are bound to nothing"

    screens: dict[str, type[Screen[Any]] | type[WorkbookApp]] = {
        "everywhere": WorkbookApp,
        "home": HomeScreen,
        "chapter": ChapterScreen,
        "journal": JournalScreen,
        "search": SearchScreen,
        "progress": ProgressScreen,
        "passphrase": UnlockScreen,
        "first start": FirstStartScreen,
        "new passphrase": NewPassphraseScreen,
    }
    for where, owner in screens.items():
        where = "passphrase" if where in ("first start", "new passphrase") else where
        named = table[where] | table["everywhere"] | (table["form"] if where == "chapter" else set())
        missing = own_keys(owner) - named
        assert not missing, f"README, {where}: {sorted(missing)} are bound but not in the table"
