"""Progress: a setbacks × chapters grid, completion, and how the setback feels over time."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Label, Sparkline, Static

from screens.base import WorkbookScreen
from tui.cells import crop, one_line
from tui.workbook import Progress

MARKS = {"empty": "·", "draft": "~", "done": "✓"}
TITLE = 20  # cells for a setback's title in the grid


class ProgressScreen(WorkbookScreen[None]):
    """Which chapters are done for each setback, and the check-in chart."""

    CSS_PATH = "sections.tcss"
    HELP_TITLE = "Progress"
    BINDINGS = [
        Binding("escape", "app.go('home')", "Home"),
        Binding("k", "check_in", "Check in"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("· not started   ~ in progress   ✓ done   (enter opens the chapter)", classes="section-status")
        yield DataTable(id="grid", cursor_type="cell", cell_padding=0)
        yield Label("", id="chart-title", classes="pane-title")
        yield Sparkline([], id="chart")
        yield Static("", id="chart-values")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Progress"
        self.refresh_grid()
        self.query_one("#grid", DataTable).focus()

    def on_screen_resume(self) -> None:
        self.refresh_grid()

    def refresh_grid(self) -> None:
        workbook = self.workbook
        table = self.query_one("#grid", DataTable)
        cursor = table.cursor_coordinate  # kept when the grid is filled again (back from a chapter)
        table.clear(columns=True)
        table.add_column("Setback", key="setback", width=TITLE + 1)
        for chapter in workbook.chapters:
            table.add_column(f"{chapter.order:>2} ", key=chapter.id, width=3)
        table.add_column(" Done", key="done", width=5)
        every = workbook.progress_all()
        for setback in workbook.setbacks():
            statuses = {r.chapter_id: r.status for r in workbook.reflections(setback.id)}
            progress = every.get(setback.id) or Progress(0, 0, len(workbook.chapters))
            cells = [Content(crop(one_line(setback.title), TITLE))]
            cells += [Content(f" {MARKS[statuses.get(c.id, 'empty')]} ") for c in workbook.chapters]
            cells.append(Content(f"{round(100 * progress.done / max(1, progress.total)):>4}%"))
            table.add_row(*cells, key=str(setback.id))
        if table.row_count:
            table.cursor_coordinate = table.validate_cursor_coordinate(cursor)
        if not workbook.setbacks():
            self.query_one("#chart-title", Label).update("No setbacks yet: name one on the home screen (n).")
        self.show_chart()

    def current_setback(self) -> int | None:
        table = self.query_one("#grid", DataTable)
        if not table.row_count:
            return None
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return int(str(row_key.value))

    def show_chart(self) -> None:
        setback_id = self.current_setback()
        setback = self.workbook.setback(setback_id) if setback_id else None
        if setback is None:
            return
        checkins = self.workbook.checkins(setback.id)
        ratings = [r for _, r in checkins]
        self.query_one("#chart-title", Label).update(
            Content(f"Feeling over time (0 = fine, 10 = awful; k checks in): {one_line(setback.title)}")
        )
        chart = self.query_one("#chart", Sparkline)
        chart.data = [float(r) for r in ratings]
        chart.display = bool(ratings)
        if checkins:
            values = "  ".join(f"{at[:10]}: {r}" for at, r in checkins[-6:])
        else:
            values = "No check-ins yet: press k to rate how it feels today."
        self.query_one("#chart-values", Static).update(Content(values))

    @on(DataTable.CellHighlighted, "#grid")
    def _moved(self) -> None:
        self.show_chart()

    @on(DataTable.CellSelected, "#grid")
    def _open(self, event: DataTable.CellSelected) -> None:
        column = event.cell_key.column_key.value
        if column and self.workbook.chapter(str(column)):
            self.host.open_chapter(int(str(event.cell_key.row_key.value)), str(column))

    def action_check_in(self) -> None:
        setback_id = self.current_setback()
        if setback_id is not None:
            self.host.check_in(setback_id, then=self.refresh_grid)
