"""Journal: every reflection by date, filtered by setback, chapter and status."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Footer, Header, Label, OptionList, Select
from textual.widgets.option_list import Option

from screens.base import WorkbookScreen
from tui.cells import crop, fit, one_line
from tui.workbook import STATUSES, Reflection, format_value

ALL = "__all__"
GAP = 2  # cells between two columns
UPDATED = 16  # "2026-03-14 09:30", never cut
STATUS = 6
TITLE_MIN, TITLE_MAX = 8, 26  # the setback and chapter columns share what is left, then the first answer
TABLE_GUTTER = 6  # the list's border and padding (4) and its scrollbar (2)


class Columns(NamedTuple):
    """Widths in terminal cells of the journal's columns; the first answer takes what is left."""

    setback: int
    chapter: int
    answer: int

    @classmethod
    def for_width(cls, total: int) -> Columns:
        """Updated and Status whole; the two titles up to a third each of the rest; the answer the remainder."""
        rest = max(0, total - UPDATED - STATUS - 4 * GAP)
        title = max(TITLE_MIN, min(TITLE_MAX, rest // 3))
        return cls(title, title, max(0, rest - 2 * title))

    def line(self, updated: str, setback: str, chapter: str, status: str, answer: str) -> str:
        """One row: every cell cut or padded to its width in cells, so wide characters shift nothing."""
        cells = [fit(updated, UPDATED), fit(setback, self.setback), fit(chapter, self.chapter), fit(status, STATUS)]
        return (" " * GAP).join(cells) + " " * GAP + crop(one_line(answer), self.answer)


def excerpt(reflection: Reflection, width: int = 60, order: Sequence[str] = ()) -> str:
    """The first answer of a reflection, in the order of ``order`` (the chapter's questions), on one line.

    At most ``width`` cells. Answers are not kept in the order they were asked (the file sorts them).
    """
    answers = reflection.answers
    keys = [k for k in order if k in answers] + [k for k in answers if k not in order]
    for value in (answers[k] for k in keys):
        raw = value[: width * 2] if isinstance(value, str) else format_value(None, value)[: width * 2]
        text = one_line(raw)
        if text:
            return crop(text, width)
    return ""


class JournalScreen(WorkbookScreen[None]):
    """All reflections, newest first; enter opens one."""

    CSS_PATH = "sections.tcss"
    HELP_TITLE = "Journal"
    BINDINGS = [
        Binding("escape", "app.go('home')", "Home"),
        Binding("f", "focus_filters", "Filter"),
    ]

    def compose(self) -> ComposeResult:
        workbook = self.workbook
        setbacks = [(Content(s.title), str(s.id)) for s in workbook.setbacks(include_archived=True)]
        chapters = [(Content(f"{c.order:>2} {c.title}"), c.id) for c in workbook.chapters]
        statuses = [(Content(s), s) for s in STATUSES if s != "empty"]
        yield Header()
        with Horizontal(id="journal-filters", classes="filters"):
            yield self._filter("setback", "All setbacks", setbacks)
            yield self._filter("chapter", "All chapters", chapters)
            yield self._filter("status", "Any status", statuses)
        yield Label("Loading…", id="journal-count", classes="section-status")
        yield Label("", id="journal-header")
        yield OptionList(id="journal-table")
        yield Footer(compact=True)

    @staticmethod
    def _filter(name: str, everything: str, options: list[tuple[Content, str]]) -> Select[str]:
        return Select(
            [(Content(everything), ALL), *options], value=ALL, allow_blank=False, id=f"filter-{name}", compact=True
        )

    def on_mount(self) -> None:
        self.sub_title = "Journal"
        self.query_one("#journal-table", OptionList).focus()
        self.keys: list[tuple[int, str]] = []
        self.columns = Columns.for_width(self.app.size.width - TABLE_GUTTER)
        self.load()

    def on_resize(self, event: events.Resize) -> None:
        """Columns follow the width of the window; the rows are built again when they change."""
        columns = Columns.for_width(event.size.width - TABLE_GUTTER)
        if columns != self.columns:
            self.columns = columns
            self.load()

    def filters(self) -> tuple[str, str, str]:
        values = [self.query_one(f"#filter-{name}", Select).value for name in ("setback", "chapter", "status")]
        return tuple(str(v) for v in values)  # type: ignore[return-value]

    @on(Select.Changed)
    def _filter_changed(self) -> None:
        self.load()

    def load(self) -> None:
        """Show the rows for the filters and the width of now."""
        columns = self.columns
        header = columns.line("Updated", "Setback", "Chapter", "Status", "First answer")
        self.query_one("#journal-header", Label).update(Content.styled(header, "bold"))
        self._build(self.filters(), columns)

    @work(thread=True, exclusive=True, group="journal", exit_on_error=False)
    def _build(self, filters: tuple[str, str, str], columns: Columns) -> None:
        """Build the rows off the event loop, then show them."""
        setback_filter, chapter_filter, status_filter = filters
        workbook = self.workbook
        titles = {s.id: s.title for s in workbook.setbacks(include_archived=True)}
        field_order = {c.id: [f.id for f in c.fields] for c in workbook.chapters}
        chapters = {c.id: c.title for c in workbook.chapters}
        rows = []
        for r in workbook.reflections():
            if setback_filter != ALL and str(r.setback_id) != setback_filter:
                continue
            if chapter_filter != ALL and r.chapter_id != chapter_filter:
                continue
            if status_filter != ALL and r.status != status_filter:
                continue
            if r.setback_id not in titles:
                continue
            line = columns.line(
                r.updated.replace("T", " ")[:UPDATED],
                titles[r.setback_id],
                chapters.get(r.chapter_id, r.chapter_id),
                r.status,
                excerpt(r, columns.answer, field_order.get(r.chapter_id, ())),
            )
            rows.append(((r.setback_id, r.chapter_id), Option(Content(line))))
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows: list[tuple[tuple[int, str], Option]]) -> None:
        table = self.query_one("#journal-table", OptionList)
        self.keys = [key for key, _ in rows]
        table.clear_options()
        table.add_options([option for _, option in rows])
        if rows:
            table.highlighted = 0
        count = len(rows)
        self.query_one("#journal-count", Label).update(
            f"{count} reflection{'s' if count != 1 else ''} · enter opens · f filters"
            if count
            else "No reflections match. Save a chapter and it appears here."
        )

    @on(OptionList.OptionSelected, "#journal-table")
    def _open(self, event: OptionList.OptionSelected) -> None:
        setback_id, chapter_id = self.keys[event.option_index]
        self.host.open_chapter(setback_id, chapter_id)

    def action_focus_filters(self) -> None:
        self.query_one("#filter-setback", Select).focus()
