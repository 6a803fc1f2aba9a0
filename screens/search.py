"""Search: full text over every answer, matches highlighted in context."""

from __future__ import annotations

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Footer, Header, Label, OptionList
from textual.widgets.option_list import Option

from screens.base import WorkbookScreen
from screens.widgets.entry import SafeInput
from tui.cells import ELLIPSIS, crop, head, one_line, tail, width
from tui.workbook import SearchHit

LIMIT = 500
DELAY = 0.15  # seconds after the last key before searching
RESULTS_GUTTER = 8  # the list's margin (2), border and padding (4) and scrollbar (2)


def snippet(hit: SearchHit, cells: int = 120) -> Content:
    """The match with text either side, on one line of at most ``cells`` cells, the match highlighted.

    Up to a third of the line goes before the match; widths are terminal cells, so a line
    of wide characters is as wide as a line of Latin ones.
    """
    start, end = hit.start, hit.end
    text = hit.text

    def flat(part: str) -> str:
        return part.replace("\n", " ")

    # Two characters a cell at most: cutting the text this wide first keeps long answers cheap.
    before = flat(text[max(0, start - 2 * cells) : start])
    after = flat(text[end : end + 2 * cells])
    match = crop(flat(text[start:end]), max(1, cells - 2))
    room = max(0, (cells - width(match)) // 3)
    whole_before = len(before) == start
    left = before if whole_before and width(before) <= room else ELLIPSIS + tail(before, room - 1) if room else ""
    room = cells - width(match) - width(left)
    whole_after = end + len(after) >= len(text)
    right = after if whole_after and width(after) <= room else head(after, room - 1) + ELLIPSIS if room > 0 else ""
    return Content.assemble(left, (match, "bold reverse"), right)


class QueryInput(SafeInput):
    """The search box: down goes to the results."""

    BINDINGS = [Binding("down", "screen.to_results", "Results", tooltip="Move to the results")]


class SearchScreen(WorkbookScreen[None]):
    """Type to search; down moves into the results; enter opens one at its question."""

    CSS_PATH = "sections.tcss"
    HELP_TITLE = "Search"
    BINDINGS = [
        Binding("escape", "app.go('home')", "Home"),
        Binding("ctrl+f", "focus_query", "Search box", show=False),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial = query
        self.hits: list[SearchHit] = []
        self.shown: tuple[str, int] = ("", 0)  # the query and total count of the hits shown
        self._timer: Timer | None = None
        self.cells = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield QueryInput(self.initial, placeholder="Search your answers", id="query")
        yield Label("Type to search every answer.", id="search-count", classes="section-status")
        yield OptionList(id="results")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Search"
        self.cells = self.app.size.width - RESULTS_GUTTER
        self.query_one("#query", SafeInput).focus()
        if self.initial:
            self.run_search(self.initial)
        else:
            self._prepare()

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _prepare(self) -> None:
        """Gather every answer's text while the person starts typing (a pass over the journal)."""
        self.workbook.prepare_search()

    @on(SafeInput.Changed, "#query")
    def _typed(self, event: SafeInput.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        value = event.value
        self._timer = self.set_timer(DELAY, lambda: self.run_search(value))

    @on(SafeInput.Submitted, "#query")
    def action_to_results(self) -> None:
        results = self.query_one("#results", OptionList)
        if results.option_count:
            results.focus()
            results.highlighted = 0

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that would do nothing now are not offered (nor listed by F1)."""
        if action == "to_results":
            return bool(self.query_one("#results", OptionList).option_count)
        if action == "focus_query":
            return not self.query_one("#query", SafeInput).has_focus
        return True

    def on_resize(self, event: events.Resize) -> None:
        """Results are cut to the width of the window: show them again at the new one."""
        cells = event.size.width - RESULTS_GUTTER
        if cells != self.cells:
            self.cells = cells
            if self.hits:
                self._show(self.shown[0], self.hits, self.shown[1], keep_highlight=True)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, query: str) -> None:
        hits, total = self.workbook.search(query, LIMIT)
        self.app.call_from_thread(self._show, query, hits, total)

    def _show(self, query: str, hits: list[SearchHit], total: int, keep_highlight: bool = False) -> None:
        self.hits = hits
        self.shown = (query, total)
        cells = max(10, self.cells)
        workbook = self.workbook
        titles = {s.id: s.title for s in workbook.setbacks(include_archived=True)}
        options: list[Option | None] = []
        for hit in hits:
            chapter = workbook.chapter(hit.chapter_id)
            field = chapter.field(hit.field_id) if chapter else None
            # Each part of the place gets its share of the line, so a long title never hides the question.
            third = (cells - 6) // 3
            setback_title = crop(one_line(titles.get(hit.setback_id, "?")), third)
            chapter_title = crop(chapter.title if chapter else hit.chapter_id, third)
            label = field.label if field else hit.field_id
            where = crop(" › ".join([setback_title, chapter_title, label]), cells)
            if options:
                options.append(None)  # a separator line between hits
            options.append(Option(Content.assemble((where, "bold"), "\n", snippet(hit, cells))))
        results = self.query_one("#results", OptionList)
        highlighted = results.highlighted if keep_highlight else None
        results.clear_options()
        results.add_options(options)
        if highlighted is not None and highlighted < results.option_count:
            results.highlighted = highlighted  # the same hits at a new width: the same one stays highlighted
        self.refresh_bindings()  # down to the results works only when there are some
        count = self.query_one("#search-count", Label)
        if not query.strip():
            count.update("Type to search every answer.")
        elif not total:
            count.update(Content(f"No answer contains “{query.strip()}”."))
        else:
            shown = f" (showing the newest {len(hits)})" if total > len(hits) else ""
            count.update(f"{total} answer{'s' if total != 1 else ''}{shown} · down to the results · enter opens")

    @on(OptionList.OptionSelected, "#results")
    def _open(self, event: OptionList.OptionSelected) -> None:
        hit = self.hits[event.option_index]  # separators are not options
        self.host.open_chapter(hit.setback_id, hit.chapter_id, field_id=hit.field_id)

    def action_focus_query(self) -> None:
        self.query_one("#query", SafeInput).focus()
