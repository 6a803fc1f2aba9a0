"""A very long line typed key by key: the same wrapping and drawing as Textual's, with per-key work that stays flat.

``LongLineWrap`` and ``SafeTextArea._render_section`` replace Textual's
whole-line work with work on the edited rows only; these tests hold them to
Textual's own results (same offsets, same rows drawn, segment for segment)
and count the characters the text area wraps and divides per key.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.document._document import Document
from textual.document._wrapped_document import WrappedDocument
from textual.widgets import TextArea
from textual.widgets.text_area import Selection

from screens.widgets.textarea import LongLineWrap, SafeTextArea

from .conftest import prose
from .test_app import app_on, create_setback_and_open_first_chapter

PIECES = ["a", "bb", "word", "wrapping", "x" * 30, " ", "  ", "   ", "漢字", "é", "👩‍💻", ".", "\n"]


def wrapped_pair(text: str, width: int) -> tuple[Document, LongLineWrap, Document, WrappedDocument]:
    ours, theirs = Document(text), Document(text)
    return ours, LongLineWrap(ours, width), theirs, WrappedDocument(theirs, width)


def state(wrapped: WrappedDocument) -> tuple[object, ...]:
    return (
        wrapped._wrap_offsets,
        wrapped._offset_to_line_info,
        wrapped._line_index_to_offsets,
        wrapped._tab_width_cache,
        wrapped.height,
    )


INSERTED = ["", "a", " ", "word ", "  x", "漢", "\n", "longer text "]
edits = st.lists(
    st.tuples(st.floats(0, 1), st.sampled_from([0, 1, 2, 3, 40, 10_000]), st.sampled_from(INSERTED)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(PIECES), min_size=0, max_size=120),
    width=st.integers(4, 30),
    changes=edits,
)
def test_rewrapping_around_an_edit_gives_textual_s_offsets(pieces: list[str], width: int, changes: list) -> None:
    ours, ours_wrapped, theirs, theirs_wrapped = wrapped_pair("".join(pieces), width)
    for where, deleted, inserted in changes:
        row = int(where * (ours.line_count - 1))
        line = ours[row]
        column = int(where * len(line))
        start, end = (row, column), (row, min(len(line), column + deleted))
        for document, wrapped in ((ours, ours_wrapped), (theirs, theirs_wrapped)):
            result = document.replace_range(start, end, inserted)
            wrapped.wrap_range(start, end, result.end_location)
        assert ours.text == theirs.text
        assert state(ours_wrapped) == state(theirs_wrapped), (ours.text, start, end, inserted)
        for line_index in range(ours.line_count):
            assert ours_wrapped.get_sections(line_index) == theirs_wrapped.get_sections(line_index)
            for column in range(0, len(ours[line_index]) + 1, 3):
                location = (line_index, column)
                assert ours_wrapped.location_to_offset(location) == theirs_wrapped.location_to_offset(location)
            for section in (-1, *range(len(ours_wrapped.get_offsets(line_index)) + 1)):
                for x in (0, 1, width // 2, width + 3):
                    assert ours_wrapped.get_target_document_column(
                        line_index, x, section
                    ) == theirs_wrapped.get_target_document_column(line_index, x, section)


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield SafeTextArea(soft_wrap=True, id="area")


def rows(area: TextArea, draw: object) -> list[list[object]]:
    """Every visible row drawn by ``draw`` (a ``_render_line``), as its segments."""
    return [list(draw(area, y)) for y in range(area.size.height)]  # type: ignore[operator]


async def test_rows_of_a_wrapped_line_are_drawn_as_textual_draws_them() -> None:
    rng = random.Random(12)
    words = ["lorem", "ipsum", "(dolor)", "sit", "amet,", "漢字", "é", "[x]", "👩‍💻", "consectetur"]
    text = "\n".join(" ".join(rng.choice(words) for _ in range(n)) for n in (400, 3, 0, 90))
    app = Host()
    async with app.run_test(size=(50, 14)) as pilot:
        area = app.query_one(SafeTextArea)
        area.load_text(text)
        area.focus()
        await pilot.pause()
        cases = 0
        for theme in ("css", "monokai"):
            area.theme = theme
            for _ in range(40):
                row = rng.randrange(area.document.line_count)
                column = rng.randrange(len(area.document[row]) + 1)
                if rng.random() < 0.5:
                    other = rng.randrange(area.document.line_count)
                    anchor = (other, rng.randrange(len(area.document[other]) + 1))
                    area.selection = Selection(anchor, (row, column))
                else:
                    area.move_cursor((row, column))
                area.highlight_cursor_line = rng.random() < 0.7
                area._cursor_visible = rng.random() < 0.5
                await pilot.pause()
                assert rows(area, SafeTextArea._render_line) == rows(area, TextArea._render_line)
                cases += 1
        area.blur()
        await pilot.pause()
        assert rows(area, SafeTextArea._render_line) == rows(area, TextArea._render_line)
    assert cases == 80


class Work:
    """Characters handed to wrapping (compute_wrap_offsets) and to rich's Text.divide: what grew with a line."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import rich.text
        import textual.document._wrapped_document as upstream

        import screens.widgets.textarea as ours

        self.wrapped = self.divided = 0
        for module in (upstream, ours):
            wrap = module.compute_wrap_offsets

            def counted_wrap(text: str, *args: object, _wrap=wrap, **kwargs: object) -> list[int]:  # type: ignore[no-untyped-def]
                self.wrapped += len(text)
                return _wrap(text, *args, **kwargs)

            monkeypatch.setattr(module, "compute_wrap_offsets", counted_wrap)
        divide = rich.text.Text.divide

        def counted_divide(text: rich.text.Text, offsets: object) -> object:
            self.divided += len(text.plain)
            return divide(text, offsets)  # type: ignore[arg-type]

        monkeypatch.setattr(rich.text.Text, "divide", counted_divide)

    def take(self) -> int:
        total, self.wrapped, self.divided = self.wrapped + self.divided, 0, 0
        return total


@pytest.mark.parametrize("where", ["end", "middle"])
async def test_per_key_work_does_not_grow_with_the_line(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """Thirty keys typed into a 2,000- and a 20,000-character line: work in rows, not in the line's length.

    At the end of the line, the same work at both lengths. In the middle, a
    key can re-flow the rows after it until one breaks where it broke before
    (rarely dozens of rows): the work is bounded by rows, never by the line.
    Textual alone re-wraps and divides the whole line per key and per row
    drawn: hundreds of thousands of characters a key at 20,000.
    """
    app = app_on(data_dir)
    work = Work(monkeypatch)
    per_key: dict[int, float] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_setback_and_open_first_chapter(pilot, "Long answer")
        area = screen.query_one("#field-what", SafeTextArea)
        width = area.wrap_width
        for length in (2_000, 20_000):
            text = prose(length)
            area.load_text(text)
            column = length if where == "end" else length // 2
            area.move_cursor((0, column))
            await pilot.pause()
            work.take()
            typed = "and then I asked again and ag"
            await pilot.press(*typed)
            per_key[length] = work.take() / len(typed)
            assert area.text == text[:column] + typed + text[column:]
        await pilot.press("ctrl+q")
    if where == "end":
        assert per_key[20_000] <= 1.25 * per_key[2_000] + width, per_key
        assert per_key[20_000] <= 5 * width, per_key
    else:
        assert max(per_key.values()) <= 40 * width, per_key
