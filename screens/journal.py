"""Journal: every reflection by date, filtered by setback, chapter and status."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Select

from screens.base import workbook_app
from tui.workbook import STATUSES, Reflection, Workbook, format_value

ALL = "__all__"


def excerpt(reflection: Reflection, width: int = 60) -> str:
    """The first answer of a reflection, on one line."""
    for value in reflection.answers.values():
        text = " ".join(format_value(None, value).split())
        if text:
            return text if len(text) <= width else text[: width - 1] + "…"
    return ""


class JournalScreen(Screen[None]):
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
            yield Select(
                [(Content("All setbacks"), ALL), *setbacks],
                value=ALL,
                allow_blank=False,
                id="filter-setback",
                compact=True,
            )
            yield Select(
                [(Content("All chapters"), ALL), *chapters],
                value=ALL,
                allow_blank=False,
                id="filter-chapter",
                compact=True,
            )
            yield Select(
                [(Content("Any status"), ALL), *statuses],
                value=ALL,
                allow_blank=False,
                id="filter-status",
                compact=True,
            )
        yield Label("Loading…", id="journal-count", classes="section-status")
        yield DataTable(id="journal-table", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    @property
    def workbook(self) -> Workbook:
        return workbook_app(self).workbook

    def on_mount(self) -> None:
        self.sub_title = "Journal"
        table = self.query_one("#journal-table", DataTable)
        table.add_column("Updated", key="updated", width=16)
        table.add_column("Setback", key="setback", width=18)
        table.add_column("Chapter", key="chapter", width=20)
        table.add_column("Status", key="status", width=6)
        table.add_column("First answer", key="excerpt")
        table.focus()
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
            row = (
                r.updated.replace("T", " ")[:16],
                titles[r.setback_id],
                chapters.get(r.chapter_id, r.chapter_id),
                r.status,
                excerpt(r),
            )
            rows.append((f"{r.setback_id}:{r.chapter_id}", tuple(Content(str(cell)) for cell in row)))
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows: list[tuple[str, tuple[Content, ...]]]) -> None:
        table = self.query_one("#journal-table", DataTable)
        table.clear()
        for key, cells in rows:
            table.add_row(*cells, key=key)
        count = len(rows)
        self.query_one("#journal-count", Label).update(
            f"{count} reflection{'s' if count != 1 else ''} · enter opens · f filters"
            if count
            else "No reflections match. Save a chapter and it appears here."
        )

    @on(DataTable.RowSelected, "#journal-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value)
        setback_id, chapter_id = key.split(":", 1)
        workbook_app(self).open_chapter(int(setback_id), chapter_id)

    def action_focus_filters(self) -> None:
        self.query_one("#filter-setback", Select).focus()
