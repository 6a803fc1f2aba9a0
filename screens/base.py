"""The typed base of every screen and dialog that works with the journal.

Screens sit below the app in the layers (cli > app > screens > services >
storage), so they never import it: :class:`Host` says, as a Protocol, what a
screen may ask of the app it runs in, and :class:`WorkbookScreen` /
:class:`WorkbookModal` give typed access to it and to the Workbook, the one
door to the journal.

Every screen and dialog keeps the focused widget on screen
(:class:`FocusInView`): whatever has the keys is never scrolled out of sight.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeVar, cast, runtime_checkable

from textual import events, on
from textual.geometry import Region
from textual.screen import ModalScreen, Screen
from textual.widget import Widget

if TYPE_CHECKING:  # imported when first needed: the home screen has no text area (about 4 ms of every start)
    from textual.widgets import TextArea

    from tui.workbook import Workbook  # loaded with the journal: a start drawn from the glance draws first

ResultType = TypeVar("ResultType")


class Host(Protocol):
    """What screens use of the app (tui.app.WorkbookApp provides it)."""

    workbook: Workbook

    @property
    def journal_open(self) -> bool: ...

    def open_chapter(self, setback_id: int, chapter_id: str, field_id: str | None = None) -> None: ...

    def after_typing(self, callback: Callable[[], object]) -> None: ...

    def check_in(self, setback_id: int, then: Callable[[], None] | None = None) -> None: ...

    def flush_drafts(self) -> None: ...

    def action_go(self, section: str) -> None: ...

    def save_failed(self, exc: Exception, title: str = "Not saved") -> None: ...

    def rating_saved(self, distressing: bool) -> None: ...

    def safety_text(self) -> str: ...


@runtime_checkable
class KeepsDraft(Protocol):
    """A screen or dialog that keeps what is typed as a draft (written on leave, quit and hang-up)."""

    def write_draft(self) -> bool: ...


def scroll_into_view(widget: Widget, region: Region) -> None:
    """Scroll every container above ``widget``, innermost first, until ``region`` shows.

    ``region`` is in the coordinates of ``widget``'s parent's content (as
    ``widget.virtual_region``). The scrolling is immediate, never animated: a
    burst of keys that moves the focus several times must end with the last
    focused widget in view, not wherever an earlier animation was heading.
    Works from the layout, not from what was last painted, so it can run
    several times between two frames (the way Textual's own ``scroll_to_widget`` does).
    """
    while isinstance(widget.parent, Widget) and region:
        container = widget.parent
        delta = (
            container.scroll_to_region(
                region, spacing=widget.dock_gutter, animate=False, immediate=True, origin_visible=True
            )
            if widget.styles.dock == "none"
            else None
        )
        if delta is not None:
            region = region.translate(-delta)
        region = (
            region.translate(container.styles.margin.top_left)
            .translate(container.styles.border.spacing.top_left)
            .translate(container.virtual_region_with_margin.offset)
            .grow(container.styles.margin)
            .intersection(container.virtual_region_with_margin)
        )
        widget = container


def cursor_line(text_area: TextArea) -> Region:
    """The line with the cursor of ``text_area``, in its parent's coordinates (as ``virtual_region``)."""
    box = text_area.virtual_region
    row = text_area.cursor_screen_offset.y - text_area.content_region.y  # the cursor's row in the view
    top = text_area.styles.gutter.top
    return Region(box.x, box.y + top + max(0, min(row, text_area.content_size.height - 1)), box.width, 1)


class FocusInView(Screen[ResultType]):
    """A screen that always shows the widget with the focus, and the line being typed.

    Textual scrolls a newly focused widget into view with an animation, which
    a quick run of tab presses leaves pointing at an earlier widget; and a text
    box that grows as you type is not scrolled at all by the pane around it.
    Here, after every focus change, cursor move and resize, the focused
    widget's question (the nearest ``.field`` around it) is shown whole if it
    fits, then the widget itself, then a text box's cursor line: the last one
    wins when they cannot all fit.
    """

    def set_focus(self, widget: Widget | None, scroll_visible: bool = True, from_app_focus: bool = False) -> None:
        super().set_focus(widget, scroll_visible=False, from_app_focus=from_app_focus)
        if widget is not None and scroll_visible:
            self.call_after_refresh(self.reveal_focus)

    def on_text_area_selection_changed(self, event: TextArea.SelectionChanged) -> None:
        if event.text_area is self.focused:
            self.call_after_refresh(self.reveal_focus)

    @on(events.Resize)
    def _resized(self) -> None:
        self.call_after_refresh(self.reveal_focus)

    def reveal_focus(self) -> None:
        """Scroll what has the focus now into view (whatever had it when this was asked)."""
        widget = self.focused
        if widget is None or not widget.is_attached or not widget.display:
            return
        fields = (node for node in widget.ancestors if isinstance(node, Widget) and node.has_class("field"))
        question = next(fields, None)
        if question is not None:
            scroll_into_view(question, question.virtual_region_with_margin)
        scroll_into_view(widget, widget.virtual_region_with_margin)
        # No widget is a TextArea before the first one is made: until then, do not import it here
        # (this runs as the first screen is drawn, where importing it would hold the frame back).
        text_area = sys.modules.get("textual.widgets._text_area")
        if text_area is not None and isinstance(widget, text_area.TextArea):
            scroll_into_view(widget, cursor_line(widget))


class WorkbookScreen(FocusInView[ResultType]):
    """A screen that shows or changes the journal."""

    @property
    def host(self) -> Host:
        """The app this screen runs in."""
        return cast(Host, self.app)

    @property
    def workbook(self) -> Workbook:
        return self.host.workbook


class Dialog(FocusInView[ResultType], ModalScreen[ResultType]):
    """A modal dialog that keeps its focused field in view (its body scrolls when the window is small)."""


class WorkbookModal(WorkbookScreen[ResultType], ModalScreen[ResultType]):
    """A dialog that shows or changes the journal."""
