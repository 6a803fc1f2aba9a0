"""Search: full text over every answer, matches highlighted in context."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Footer, Header, Label, OptionList
from textual.widgets.option_list import Option

from screens.base import WorkbookScreen
from screens.widgets.entry import SafeInput
from tui.workbook import SearchHit

CONTEXT = 60  # characters shown either side of a match
LIMIT = 500
DELAY = 0.15  # seconds after the last key before searching


def snippet(hit: SearchHit) -> Content:
    """The match with some text either side, on one line, the match highlighted."""
    start, end = hit.start, hit.end
    left = max(0, start - CONTEXT)
    right = min(len(hit.text), end + CONTEXT)

    def flat(text: str) -> str:
        return " ".join(text.split("\n"))

    return Content.assemble(
        "…" if left else "",
        flat(hit.text[left:start]),
        (flat(hit.text[start:end]), "bold reverse"),
        flat(hit.text[end:right]),
        "…" if right < len(hit.text) else "",
    )


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
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield SafeInput(self.initial, placeholder="Search your answers", id="query")
        yield Label("Type to search every answer.", id="search-count", classes="section-status")
        yield OptionList(id="results")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Search"
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
    def _submitted(self) -> None:
        results = self.query_one("#results", OptionList)
        if results.option_count:
            results.focus()
            results.highlighted = 0

    def key_down(self) -> None:
        if self.query_one("#query", SafeInput).has_focus:
            self._submitted()

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, query: str) -> None:
        hits, total = self.workbook.search(query, LIMIT)
        self.app.call_from_thread(self._show, query, hits, total)

    def _show(self, query: str, hits: list[SearchHit], total: int) -> None:
        self.hits = hits
        workbook = self.workbook
        titles = {s.id: s.title for s in workbook.setbacks(include_archived=True)}
        options: list[Option | None] = []
        for hit in hits:
            chapter = workbook.chapter(hit.chapter_id)
            field = chapter.field(hit.field_id) if chapter else None
            where = " › ".join(
                [
                    titles.get(hit.setback_id, "?"),
                    chapter.title if chapter else hit.chapter_id,
                    field.label if field else hit.field_id,
                ]
            )
            if options:
                options.append(None)  # a separator line between hits
            options.append(Option(Content.assemble((where, "bold"), "\n", snippet(hit))))
        results = self.query_one("#results", OptionList)
        results.clear_options()
        results.add_options(options)
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
