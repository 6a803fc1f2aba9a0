"""The guide pane: a chapter's Markdown as a few Static sections, navigable by heading.

A long chapter is shown in two steps: the sections that fill the first screen
are mounted at once, the rest right after the first frame is painted. Textual
lays out (wraps and measures) every mounted section before it paints, so this
keeps a chapter switch as fast for 300 KB as for 3 KB; heading navigation waits
for the rest when it needs it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from screens.markdown import Section, render_sections

MIN_FIRST_CHARS = 2000  # mount at least this much text before the first frame


class GuideView(VerticalScroll, can_focus=True):
    """Scrollable guide text; ``[`` and ``]`` jump between headings."""

    BINDINGS = [
        Binding("right_square_bracket", "heading(1)", "Next heading", show=False),
        Binding("left_square_bracket", "heading(-1)", "Previous heading", show=False),
    ]

    def __init__(self, markdown: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="guide")
        self.sections: list[Section] = render_sections(markdown)
        self._mounted = 0  # sections mounted so far (they are mounted in order)
        self._pending: int | None = None  # a heading to go to once every section is mounted

    @property
    def complete(self) -> bool:
        """Whether every section is mounted."""
        return self._mounted >= len(self.sections)

    def _section(self, index: int) -> Static:
        section = self.sections[index]
        return Static(section.text, id=f"section-{index}", classes=f"section level-{section.level}")

    def _first_count(self) -> int:
        """How many sections surely fill the first screen.

        Text of ``width * height`` characters wraps to at least ``height`` lines
        in a pane no wider than the terminal, so that much fills any pane.
        """
        size = self.app.size
        budget = max(MIN_FIRST_CHARS, size.width * size.height)
        total = 0
        for index, section in enumerate(self.sections):
            total += len(section.text) + len(section.title)
            if total >= budget:
                return index + 1
        return len(self.sections)

    def compose(self) -> ComposeResult:
        self._mounted = self._first_count()
        for index in range(self._mounted):
            yield self._section(index)

    def on_mount(self) -> None:
        if not self.complete:
            self.call_after_refresh(self._mount_rest)

    def _mount_rest(self) -> None:
        if self.complete or not self.is_attached:
            return
        rest = [self._section(index) for index in range(self._mounted, len(self.sections))]
        self._mounted = len(self.sections)
        self.mount_all(rest)
        if self._pending is not None:
            index, self._pending = self._pending, None
            self.call_after_refresh(self.go_to, index)

    @property
    def headings(self) -> list[tuple[int, Section]]:
        return [(i, s) for i, s in enumerate(self.sections) if s.title]

    def go_to(self, index: int) -> None:
        if index >= self._mounted:
            self._pending = index
            self._mount_rest()
            return
        self.scroll_to_widget(self.query_one(f"#section-{index}", Static), top=True, animate=False)

    def current_section(self) -> int:
        """The index of the section at the top of the view."""
        top = self.scroll_y
        current = 0
        for i in range(self._mounted):
            widget = self.query_one(f"#section-{i}", Static)
            if widget.virtual_region.y <= top + 0.5:
                current = i
        return current

    def action_heading(self, step: int) -> None:
        indexes = [i for i, _ in self.headings]
        if not indexes:
            return
        here = self.current_section()
        after = [i for i in indexes if (i > here if step > 0 else i < here)]
        if after:
            self.go_to(after[0] if step > 0 else after[-1])
