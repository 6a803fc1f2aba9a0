"""The long-answer text area: one rule for typed and pasted text, and quick typing on a very long line.

Textual's soft-wrapped ``TextArea`` does work in proportion to the whole
document line on every key: it re-wraps the edited line from its first word
(``compute_wrap_offsets``), splits the whole line into its wrapped sections
(a rich ``Text.divide``) once for every visible row it draws, and again to
place the cursor: at the end of a 20,000-character answer about 50 ms of
work a key (9 ms at 2,000; ``make bench``). :class:`SafeTextArea` keeps what
it draws and what it saves identical, and makes the per-key work depend on
the screen width instead:

- :class:`LongLineWrap` re-wraps only around an edit inside one line (from one
  row above the edited word to the first row break that falls where it was
  before), and finds a cursor's row by slicing one section;
- :meth:`SafeTextArea._render_line` draws a wrapped row from its own section
  of the line, with the same styles in the same order as Textual's.

Anything unusual (tabs, line numbers, syntax highlighting, a suggestion, an
edit across lines, a word longer than four rows) goes to Textual's own code.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import pairwise

from rich.style import Style
from rich.text import Text
from textual import events
from textual._cells import cell_len, cell_width_to_column_index
from textual._wrap import compute_wrap_offsets
from textual.binding import Binding
from textual.document._document import Location
from textual.document._document_navigator import DocumentNavigator
from textual.document._wrapped_document import WrappedDocument
from textual.geometry import Offset
from textual.strip import Strip
from textual.widgets import TextArea

from screens.widgets.entry import typed_text
from screens.widgets.focus import RestyledInSight
from tui.sanitize import clean_text

_CHUNK_START = re.compile(r"(?<=\s)\S")  # where a word starts: every wrapped chunk is a word and its spaces
WORD_ROWS = 4  # a word longer than this many rows is re-wrapped by Textual, from the line's start


class LongLineWrap(WrappedDocument):
    """Textual's ``WrappedDocument``, re-wrapping around the edit and slicing one section at a time."""

    def wrap_range(self, start: Location, old_end: Location, new_end: Location) -> None:
        line_index = start[0]
        if self._width and line_index == old_end[0] == new_end[0] and 0 <= line_index < len(self._wrap_offsets):
            line = self.document[line_index]
            old = self._wrap_offsets[line_index]
            if old and "\t" not in line:
                offsets = self._rewrap(line, old, start[1], old_end[1], new_end[1])
                if offsets is not None:
                    self._set_offsets(line_index, offsets, bool(line))
                    return
        super().wrap_range(start, old_end, new_end)

    def _rewrap(self, line: str, old: list[int], column: int, old_end: int, new_end: int) -> list[int] | None:
        """The line's new wrap offsets after ``[column, old_end)`` became ``[column, new_end)``; None: no shortcut.

        Wrapping is greedy: each row starts where the previous one was full, so
        rows before the edited word stay as they were, except the row just
        above it (the word may now fit there). From there the line is wrapped
        a window at a time, each ending where a word starts (so every word in
        it is whole), until a row starts where a row started before the edit
        (shifted by what the edit added): from that row on, the rest is as
        before. A window that finds no such row is followed by one twice as
        long, from its last row.
        """
        width = self._width
        word = column  # the start of the word before the edit (its trailing spaces are part of its chunk)
        limit = max(0, column - WORD_ROWS * width)
        while word > limit and line[word - 1].isspace():
            word -= 1
        while word > limit and not line[word - 1].isspace():
            word -= 1
        if word == limit and limit > 0:
            return None
        row = max(0, bisect_right(old, word) - 1)  # one row above the word's row
        offsets = old[:row]
        begin = old[row - 1] if row else 0
        shift = new_end - old_end
        reach = 2 * width
        while True:
            found = _CHUNK_START.search(line, max(begin, new_end) + reach)
            stop = found.start() if found else len(line)
            fresh = [begin + o for o in compute_wrap_offsets(line[begin:stop], width, self._tab_width)]
            for n, offset in enumerate(fresh):
                if offset >= new_end:
                    at = bisect_right(old, offset - shift) - 1
                    if at >= 0 and old[at] == offset - shift:
                        return offsets + fresh[: n + 1] + [o + shift for o in old[at + 1 :]]
            offsets += fresh
            if stop == len(line):
                return offsets
            begin = fresh[-1] if fresh else begin
            reach *= 2

    def _set_offsets(self, line_index: int, offsets: list[int], text: bool) -> None:
        """Put in a line's new wrap offsets, moving the rows below when the line's row count changed."""
        rows = self._line_index_to_offsets[line_index]
        top, old_count, new_count = rows[0], len(rows), len(offsets) + 1
        self._wrap_offsets[line_index] = offsets
        self._tab_width_cache[line_index] = [0] if text else []  # no tab, as get_tab_widths says
        if new_count == old_count:
            return
        self._offset_to_line_info[top : top + old_count] = [(line_index, s) for s in range(new_count)]
        self._line_index_to_offsets[line_index] = list(range(top, top + new_count))
        shift = new_count - old_count
        below = self._line_index_to_offsets
        for index in range(line_index + 1, len(below)):
            below[index] = [y + shift for y in below[index]]

    def _section_bounds(self, line_index: int, section: int) -> tuple[int, int]:
        offsets = self._wrap_offsets[line_index]
        start = offsets[section - 1] if section > 0 else 0
        end = offsets[section] if section < len(offsets) else len(self.document[line_index])
        return start, end

    def get_sections(self, line_index: int) -> list[str]:
        """The line's wrapped sections, by slicing (Textual builds a rich Text and divides it)."""
        line = self.document[line_index]
        bounds = [0, *self._wrap_offsets[line_index], len(line)]
        return [line[a:b] for a, b in pairwise(bounds)]

    def location_to_offset(self, location: Location) -> Offset:
        """Where a location is drawn, from its own section only."""
        line_index, column = location
        if not self._width or not 0 <= line_index < len(self._wrap_offsets):
            return super().location_to_offset(location)
        line = self.document[line_index]
        if "\t" in line:
            return super().location_to_offset(location)
        section = bisect_right(self._wrap_offsets[line_index], column)
        start, _ = self._section_bounds(line_index, section)
        return Offset(cell_len(line[start:column]), self._line_index_to_offsets[line_index][section])

    def get_target_document_column(self, line_index: int, x_offset: int, y_offset: int) -> int:
        """The column drawn at ``x_offset`` of a row, from that row's section only."""
        offsets = self._wrap_offsets[line_index]
        line = self.document[line_index]
        if not offsets or "\t" in line:
            return super().get_target_document_column(line_index, x_offset, y_offset)
        section = y_offset % (len(offsets) + 1)
        start, end = self._section_bounds(line_index, section)
        target = start + cell_width_to_column_index(line[start:end], x_offset, self._tab_width)
        if section != len(offsets):  # only the last row lets the cursor rest past its end
            target = min(target, end - 1)
        return target


class SafeTextArea(TextArea, RestyledInSight):
    """A TextArea whose typed and pasted text follows ``clean_text``, and that stays quick on a long line.

    Textual calls the ``_on_paste`` and ``_on_key`` of every class in the MRO,
    subclass first: cleaning a paste here is enough for TextArea's own handler
    to insert it; a key typed here stops there (``prevent_default``).

    ctrl+e opens the text in ``$VISUAL`` / ``$EDITOR`` (:mod:`screens.widgets.editor`).
    """

    BINDINGS = [Binding("ctrl+e", "external_editor", "Editor", tooltip="write this answer in $VISUAL or $EDITOR")]

    def action_external_editor(self) -> None:
        from screens.widgets.editor import edit_in_editor

        edit_in_editor(self)

    async def _on_paste(self, event: events.Paste) -> None:
        event.text = clean_text(event.text)

    async def _on_key(self, event: events.Key) -> None:
        text = typed_text(event)
        if text is None or self.read_only:
            return
        event.stop()
        event.prevent_default()
        if text:
            self._replace_via_keyboard(text, *self.selection)

    def _set_document(self, text: str, language: str | None) -> None:
        super()._set_document(text, language)
        wrapped = self.wrapped_document
        self.wrapped_document = LongLineWrap(self.document, wrapped._width, wrapped._tab_width)
        self.navigator = DocumentNavigator(self.wrapped_document)

    def _render_line(self, y: int) -> Strip:
        """A wrapped row drawn from its own section of the line; Textual draws anything else."""
        wrapped = self.wrapped_document
        row = y + self.scroll_offset.y
        theme = self._theme
        if (
            not self.soft_wrap
            or self.show_line_numbers
            or self._highlights
            or self.suggestion
            or theme is None
            or not 0 <= row < len(wrapped._offset_to_line_info)
        ):
            return super()._render_line(y)
        line_index, section = wrapped._offset_to_line_info[row]
        offsets = wrapped.get_offsets(line_index)
        line_string = self.document.get_line(line_index)
        if not offsets or "\t" in line_string:
            return super()._render_line(y)
        return self._render_section(line_string, line_index, section, offsets)

    def _render_section(self, line_string: str, line_index: int, section: int, offsets: list[int]) -> Strip:
        """Textual's ``_render_line`` for one section of a wrapped line without tabs: same styles, same order.

        Each style Textual puts on the whole line is put here on the part of
        it that falls in this section, in the order Textual applies them, so
        the row is drawn exactly as Textual would draw it.
        """
        theme = self._theme
        assert theme is not None
        base_style = theme.base_style if theme.base_style is not None else self.rich_style
        count = len(line_string)
        first = offsets[section - 1] if section else 0
        last = offsets[section] if section < len(offsets) else count + 1  # the line ends with room for the cursor
        text = Text(line_string[first:last] + (" " if last > count else ""))

        def stylize(style: Style | None, start: int, end: int) -> None:
            if style is not None and end > first and start < last:
                text.stylize(style, max(start, first) - first, min(end, last) - first)

        selection = self.selection
        start, end = selection
        cursor_row, cursor_column = end
        (top_row, top_column), (bottom_row, bottom_column) = sorted(selection)
        cursor_line_style = theme.cursor_line_style if self.highlight_cursor_line and self._has_cursor else None
        if self._has_cursor and cursor_line_style and cursor_row == line_index:
            stylize(cursor_line_style, 0, count + 1)
        if start != end and top_row <= line_index <= bottom_row:
            selection_style = theme.selection_style
            if line_index == top_row == bottom_row:
                stylize(selection_style, top_column, bottom_column)
            elif line_index == top_row:
                stylize(selection_style, top_column, count)
            elif line_index == bottom_row:
                stylize(selection_style, 0, bottom_column)
            else:
                stylize(selection_style, 0, count)
        bracket = self._matching_bracket_location
        brackets = self._has_cursor and self.match_cursor_bracket and bracket is not None and start == end
        if cursor_row == line_index:
            if brackets:
                stylize(theme.bracket_matching_style, cursor_column, cursor_column + 1)
            if self._draw_cursor:
                stylize(theme.cursor_style, cursor_column, cursor_column + 1)
        if brackets and bracket is not None and bracket[0] == line_index:
            stylize(theme.bracket_matching_style, bracket[1], bracket[1] + 1)
        text.end = ""
        target_width = self.scrollable_content_region.size.width - self.gutter_width
        strip = Strip(text.render(self.app.console), cell_length=text.cell_len)
        line_style = cursor_line_style if cursor_row == line_index and self.highlight_cursor_line else theme.base_style
        return strip.extend_cell_length(target_width, line_style).apply_style(base_style)
