"""Typing and pasting into the chapter's fields, through the app's own input layer (Pilot).

Bytes as a terminal sends them go through ``PasteParser`` (what the app's
driver does in a real terminal), and every message it makes is posted to the
app running headless, so the parser, the app's bindings and the widgets are
tested together.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, TextArea

from screens.chapter import ChapterScreen
from screens.widgets.entry import one_line
from tui.app import WorkbookApp
from tui.sanitize import clean_text
from tui.terminal import END, START, PasteParser

from .test_app import app_on, create_setback_and_open_first_chapter


async def send(pilot, data: str) -> None:  # type: ignore[no-untyped-def]
    """``data`` as if the terminal sent it: parsed by the app's parser, then handed to the app."""
    parser = PasteParser(grace=0.0)  # no wait for a paste's end: the whole burst is here
    messages = [*parser.feed(data), *parser.tick()]
    for message in messages:
        pilot.app.post_message(message)
    await pilot.pause()


def field(app: WorkbookApp, field_id: str) -> Input | TextArea:
    widget = app.screen.query_one(f"#field-{field_id}")
    assert isinstance(widget, Input | TextArea)
    return widget


def value(widget: Input | TextArea) -> str:
    return widget.text if isinstance(widget, TextArea) else widget.value


async def open_chapter_at(pilot, field_id: str) -> ChapterScreen:  # type: ignore[no-untyped-def]
    screen = await create_setback_and_open_first_chapter(pilot, "Input")
    if field_id == "headline":
        await pilot.press("tab")
    assert pilot.app.focused is field(pilot.app, field_id)
    return screen


# Text, a screen clear, ESC ESC (back), ESC d (delete), ESC y (yes), an OSC 52 clipboard write,
# a right-to-left override, an 8-bit CSI, BEL and NUL; then a fake end marker and the same keys again.
HOSTILE_PASTE = (
    START
    + "start\x1b[2J one\x1b\x1b\x1bd\x1by two\x1b]52;c;aGk=\x07 \u202eevil\u202c\x9b31m\x07\x00"
    + END
    + "\x1b\x1b\x1bd\x1by three"
    + END
)
PASTED = "start one two evil three"


@pytest.mark.parametrize("field_id", ["what", "headline"], ids=["text-area", "one-line-input"])
async def test_a_hostile_paste_types_its_text_and_nothing_else(data_dir: Path, field_id: str) -> None:
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_chapter_at(pilot, field_id)
        stack = list(app.screen_stack)
        await send(pilot, HOSTILE_PASTE)
        assert value(field(app, field_id)) == PASTED
        # Nothing else happened: the same screens, no dialog, the focus where it was, the setback there.
        assert list(app.screen_stack) == stack and app.screen is screen
        assert app.focused is field(app, field_id)
        assert [s.title for s in app.workbook.setbacks()] == ["Input"]
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = app.workbook.reflection(screen.setback_id, "first")
        assert saved is not None and saved.answers[field_id] == PASTED
        await pilot.press("ctrl+q")


# Latin, a right-to-left override and its pop, isolates, Hebrew with a right-to-left mark, a
# zero-width joiner inside an emoji sequence, a no-break space.
MIXED = "abc\u202eevil\u202c \u2066iso\u2069 שלום\u200f 👩\u200d💻\u00a0x"


@pytest.mark.parametrize("field_id", ["what", "headline"], ids=["text-area", "one-line-input"])
async def test_typed_and_pasted_text_follow_one_rule(data_dir: Path, field_id: str) -> None:
    """Overrides and isolates are dropped, marks, joiners and right-to-left letters kept, typed or pasted."""
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_chapter_at(pilot, field_id)
        widget = field(app, field_id)
        await send(pilot, MIXED)  # typed: one key per character
        typed = value(widget)
        widget.clear()
        await send(pilot, START + MIXED + END)
        pasted = value(widget)
        assert typed == pasted == clean_text(MIXED)
        assert "\u200f" in typed and "\u200d" in typed and "\u00a0" in typed and "שלום" in typed
        assert not any(c in typed for c in "\u202e\u202c\u2066\u2069")
        await pilot.press("ctrl+q")


async def test_lines_pasted_into_a_one_line_answer_are_joined_not_dropped(data_dir: Path) -> None:
    """Textual's Input keeps only a paste's first line: every line is kept here, joined with spaces."""
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        title = app.screen.query_one("#title", Input)
        app.post_message(events.Paste("\nTurned down\r\n  for the staff role \n\nafter the panel\n"))
        await pilot.pause()
        assert title.value == "Turned down for the staff role after the panel"
        assert any("lines were joined" in n.message for n in app._notifications)
        title.value = ""
        app.post_message(events.Paste("  one line, kept exactly "))
        await pilot.pause()
        assert title.value == "  one line, kept exactly "


def test_one_line_joins_lines_and_keeps_a_single_line_exactly() -> None:
    assert one_line("a\nb") == "a b"
    assert one_line("  a  ") == "  a  "
    assert one_line("\n\n") == ""
    assert one_line("x\r\ny\rz") == "x y z"
