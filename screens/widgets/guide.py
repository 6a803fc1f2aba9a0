"""The guide pane: a chapter's Markdown as a few Static sections, navigable by heading.

A long chapter is shown in two steps: the sections that fill the first screen
are rendered and mounted at once, the rest right after the first frame is
painted. Textual lays out (wraps and measures) every mounted section before it
paints, and parsing a block's inline Markdown is most of the rendering work, so
this keeps a chapter switch nearly as fast for 300 KB as for 3 KB. Heading
navigation finishes the rest first when it needs it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import AwaitMount
from textual.widgets import Static

from screens.widgets.focus import RestyledInSight
from screens.widgets.markdown import Section, SectionRenderer

MIN_FIRST_CHARS = 2000  # render at least this much text before the first frame


class GuideView(VerticalScroll, RestyledInSight, can_focus=True):
    """Scrollable guide text; ``[`` and ``]`` jump between headings; F5 (on the chapter) zooms it."""

    ALLOW_MAXIMIZE = True  # Textual's scrolling containers refuse to be maximized unless asked

    BINDINGS = [
        Binding("right_square_bracket", "heading(1)", "Next heading", show=False),
        Binding("left_square_bracket", "heading(-1)", "Previous heading", show=False),
    ]

    def __init__(self, markdown: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="guide")
        self._renderer = SectionRenderer(markdown)
        self.sections: list[Section] = []  # rendered so far; all of them once ``complete``
        self._first = 0  # sections mounted before the first frame
        self._pending: int | None = None  # a section to go to once the rest is laid out
        self._laid_out = True  # whether every section mounted after the first frame has been laid out
        self.defer_rest = False  # built hidden, ahead of being shown: the rest waits for finish_later()

    @property
    def complete(self) -> bool:
        """Whether every section is rendered (and, once the view is mounted, mounted too)."""
        return self._renderer.done

    def _section(self, index: int) -> Static:
        section = self.sections[index]
        return Static(section.text, id=f"section-{index}", classes=f"section level-{section.level}")

    def compose(self) -> ComposeResult:
        # Text of width x height characters wraps to at least `height` lines in a
        # pane no wider than the terminal: that much surely fills the first screen.
        size = self.app.size
        self.sections += self._renderer.render(max(MIN_FIRST_CHARS, size.width * size.height))
        self._first = len(self.sections)
        for index in range(len(self.sections)):
            yield self._section(index)

    def on_mount(self) -> None:
        if not self.complete and not self.defer_rest:
            self.call_after_refresh(self._mount_rest)

    def finish_later(self) -> None:
        """Render and mount the sections below the first screen after the next frame (shown at last)."""
        self.defer_rest = False
        if not self.complete:
            self.call_after_refresh(self._mount_rest)

    def _mount_rest(self) -> None:
        """Render and mount the sections below the first screen."""
        if self.complete:
            return
        start = len(self.sections)
        self.sections += self._renderer.render()
        if not self.is_attached:
            return
        self._laid_out = False
        mounted = self.mount_all([self._section(index) for index in range(start, len(self.sections))])
        self.call_next(self._after_mount, mounted)

    async def _after_mount(self, mounted: AwaitMount) -> None:
        await mounted
        self.call_after_refresh(self._rest_laid_out)

    def _rest_laid_out(self) -> None:
        self._laid_out = True
        if self._pending is not None:
            index, self._pending = self._pending, None
            self.go_to(index)

    @property
    def headings(self) -> list[tuple[int, Section]]:
        self._mount_rest()
        return [(i, s) for i, s in enumerate(self.sections) if s.title]

    def go_to(self, index: int) -> None:
        if index >= self._first and not (self.complete and self._laid_out):
            self._pending = index
            self._mount_rest()
            return
        self.scroll_to_widget(self.query_one(f"#section-{index}", Static), top=True, animate=False)

    def current_section(self) -> int:
        """The index of the section at the top of the view."""
        top = self.scroll_y
        current = 0
        for widget in self.query_children(Static):
            if widget.virtual_region.y <= top + 0.5 and widget.id:
                current = int(widget.id.removeprefix("section-"))
        return current

    def action_heading(self, step: int) -> None:
        indexes = [i for i, _ in self.headings]
        if not indexes:
            return
        here = self.current_section()
        after = [i for i in indexes if (i > here if step > 0 else i < here)]
        if after:
            self.go_to(after[0] if step > 0 else after[-1])
