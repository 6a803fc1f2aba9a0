"""Journal: every reflection by date, filtered by setback, chapter and status."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Footer, Header, Label, OptionList, Select
from textual.widgets.option_list import Option

from screens.base import WorkbookScreen
from tui.workbook import STATUSES, Reflection, format_value

ALL = "__all__"


def excerpt(reflection: Reflection, width: int = 60) -> str:
    """The first answer of a reflection, on one line."""
    for value in reflection.answers.values():
        raw = value[: width * 2] if isinstance(value, str) else format_value(None, value)[: width * 2]
        text = " ".join(raw.split())
        if text:
            return text if len(text) <= width else text[: width - 1] + "…"
    return ""


def cell(text: str, width: int) -> str:
    """Text cut or padded to exactly ``width`` columns (plus a gap)."""
    text = " ".join(text.split())
    if len(text) > width:
        text = text[: width - 1] + "…"
    return text.ljust(width) + "  "


COLUMNS = (("Updated", 16), ("Setback", 18), ("Chapter", 22), ("Status", 6))


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
        header = "".join(cell(name, width) for name, width in COLUMNS) + "First answer"
        yield Label(Content.styled(header, "bold"), id="journal-header")
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
        self.load()

    def filters(self) -> tuple[str, str, str]:
        values = [self.query_one(f"#filter-{name}", Select).value for name in ("setback", "chapter", "status")]
        return tuple(str(v) for v in values)  # type: ignore[return-value]

    @on(Select.Changed)
    def _filter_changed(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="journal", exit_on_error=False)
    def load(self) -> None:
        """Build the rows off the event loop, then show them."""
        setback_filter, chapter_filter, status_filter = self.filters()
        workbook = self.workbook
        titles = {s.id: s.title for s in workbook.setbacks(include_archived=True)}
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
            cells = (
                r.updated.replace("T", " "),
                titles[r.setback_id],
                chapters.get(r.chapter_id, r.chapter_id),
                r.status,
            )
            line = "".join(cell(text, width) for text, (_, width) in zip(cells, COLUMNS, strict=True)) + excerpt(r)
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
