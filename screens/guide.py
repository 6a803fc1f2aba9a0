"""The guide pane: a chapter's Markdown as a few Static sections, navigable by heading."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from screens.markdown import Section, render_sections


class GuideView(VerticalScroll, can_focus=True):
    """Scrollable guide text; ``[`` and ``]`` jump between headings."""

    BINDINGS = [
        Binding("right_square_bracket", "heading(1)", "Next heading", show=False),
        Binding("left_square_bracket", "heading(-1)", "Previous heading", show=False),
    ]

    def __init__(self, markdown: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="guide")
        self.sections: list[Section] = render_sections(markdown)

    def compose(self) -> ComposeResult:
        for i, section in enumerate(self.sections):
            classes = f"section level-{section.level}"
            yield Static(section.text, id=f"section-{i}", classes=classes)

    @property
    def headings(self) -> list[tuple[int, Section]]:
        return [(i, s) for i, s in enumerate(self.sections) if s.title]

    def go_to(self, index: int) -> None:
        self.scroll_to_widget(self.query_one(f"#section-{index}", Static), top=True, animate=False)

    def current_section(self) -> int:
        """The index of the section at the top of the view."""
        top = self.scroll_y
        current = 0
        for i, _ in enumerate(self.sections):
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
