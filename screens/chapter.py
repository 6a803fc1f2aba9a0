"""Chapter: the guide beside the reflection form, saved as drafts while typing.

The screen keeps its frame (header, chapter bar, keys) for as long as chapters
are read one after another: ctrl+n and ctrl+r show another ChapterView
(screens/widgets/chapter_view.py) in its place. The views of the chapters
before and after the one shown are built once the form has not changed for
PREPARE_AFTER (typing done, its draft written) and drawn once, out of sight
under the one shown, so that moving to them only hides one view and shows
another whose layout and painted rows Textual still holds. Views farther away
are let go in the next quiet moment (at once only beyond KEEP_VIEWS).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.events import Resize
from textual.geometry import Size
from textual.messages import Update
from textual.reactive import Reactive
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Header, Static

from screens.base import WorkbookScreen
from screens.dialogs.pick import PickDialog
from screens.widgets.chapter_view import DRAFT_DELAY, ChapterView, EarlierAnswers, FormPane
from screens.widgets.covered import Panes
from screens.widgets.fields import FieldChanged
from screens.widgets.footer import KeysFooter
from screens.widgets.guide import GuideView
from tui.content import Chapter
from tui.workbook import ChapterSession

__all__ = ["DRAFT_DELAY", "ChapterScreen", "EarlierAnswers", "FormPane"]

NARROW = 100  # under this many columns the guide and the form are stacked
SHORT = 24  # under this many rows, stacked, the form gets more of the height and the earlier answers less
STATUS_WORDS = {"empty": "not started", "draft": "in progress", "done": "done"}
KEEP_VIEWS = 5  # views kept at most between quiet moments (then: the chapter shown and its neighbours)
PREPARE_AFTER = 1.5  # seconds without a change in the form before the neighbours are built (after the draft, at 0.8)


class ChapterScreen(WorkbookScreen[None]):
    """One setback's chapters, one shown at a time."""

    CSS_PATH = "chapter.tcss"
    AUTO_FOCUS = None  # the first question gets focus, not the guide
    ALLOW_IN_MAXIMIZED_VIEW = "Footer, #chapter-bar"  # zoomed, the status (under the pane) and the keys still show
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+t", "toggle_done", "Done", priority=True),
        Binding("ctrl+n", "neighbour(1)", "Next", priority=True),
        Binding("ctrl+r", "neighbour(-1)", "Prev", priority=True),
        Binding("ctrl+g", "switch_pane", "Pane", priority=True, tooltip="Switch between guide and form"),
        Binding("ctrl+o", "outline", "Headings", priority=True, show=False),
        Binding("f5", "zoom", "Zoom", show=False, tooltip="Give the guide or the form the whole screen"),
        Binding("ctrl+f", "app.go('search')", "Search", priority=True, show=False),
        Binding("escape", "back", "Back"),
        # Handled on arrival, so that keys typed right after a tab go to the next question.
        Binding("tab", "app.focus_next", "Next question", priority=True, show=False),
        Binding("shift+tab", "app.focus_previous", "Previous question", priority=True, show=False),
    ]
    HELP_TITLE = "Chapter"

    # Textual repaints the whole screen when these change; the widgets they concern repaint themselves.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    sub_title: Reactive[str | None] = Reactive(None, compute=False, repaint=False)

    def __init__(self, setback_id: int, chapter_id: str, focus_field: str | None = None) -> None:
        super().__init__()
        self.setback_id = setback_id
        session = self.workbook.session(setback_id, chapter_id)  # ValueError: no such chapter
        self.view = ChapterView(session, focus_field)
        self._views: dict[str, ChapterView] = {session.chapter.id: self.view}
        self._prepare_timer: Timer | None = None
        self._building: ChapterView | None = None  # a chapter being built to be shown
        self._fit(self.app.size)  # before the first styling, so that it is styled once

    @property
    def chapter(self) -> Chapter:
        """The chapter shown."""
        return self.view.chapter

    @property
    def session(self) -> ChapterSession:
        return self.view.session

    @property
    def focus_field(self) -> str | None:
        return self.view.focus_field

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="chapter-bar"):
            yield Static("", id="bar-title")  # cut first when the window is narrow
            yield Static("", id="bar-status")  # never cut: where you are, the status, unsaved changes
        with Panes(id="panes"):
            yield self.view
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self._bar = (self.query_one("#bar-title", Static), self.query_one("#bar-status", Static))
        self._told_at_once = (*self._bar, self.query_one(Header).query_one("HeaderTitle"))
        self.sub_title = self.chapter.title
        self._fit(self.app.size)
        self._update_bar()
        self._prepare_soon()

    @on(ChapterView.StatusChanged)
    def _status_changed(self) -> None:
        self._update_bar()

    def _update_bar(self) -> None:
        workbook = self.workbook
        setback = workbook.setback(self.setback_id)
        index = [c.id for c in workbook.chapters].index(self.chapter.id) + 1
        status = STATUS_WORDS.get(self.session.status(), self.session.status())
        unsaved = self.session.draft() is not None
        title = setback.title if setback else "?"
        bar_title, bar_status = self._bar
        bar_title.update(Content.assemble((title, "bold"), " › ", self.chapter.title))
        bar_status.update(
            Content.assemble(
                f"chapter {index} of {len(workbook.chapters)} · {status}",
                (" · unsaved changes", "bold") if unsaved else "",
            )
        )

    # -- chapters ahead --------------------------------------------------------

    @on(FieldChanged)
    def _prepare_soon(self) -> None:
        """(Re)start the wait for a quiet moment to build the neighbours' views in."""
        if self._prepare_timer is not None:
            self._prepare_timer.stop()
        self._prepare_timer = self.set_timer(PREPARE_AFTER, self._prepare_neighbours)

    def _neighbour_ids(self) -> list[str]:
        found = (self.workbook.neighbour(self.chapter.id, step) for step in (1, -1))
        return [c.id for c in found if c is not None]

    def _prepare_neighbours(self) -> None:
        """Build, hidden, the view of the next chapter (then, at the next quiet moment, the one before)."""
        self._prepare_timer = None
        if not self.is_attached or self._building is not None:
            return
        self._drop_far_views()
        for chapter_id in self._neighbour_ids():
            if chapter_id not in self._views:
                self._build_ahead(chapter_id)
                self._prepare_soon()
                return

    def _build_ahead(self, chapter_id: str) -> None:
        """Build a chapter's view hidden, then draw it once under the one shown (ChapterView.warm_up)."""
        view = ChapterView(self.workbook.session(self.setback_id, chapter_id), shown=False)
        self._views[chapter_id] = view
        mounted = self.query_one("#panes", Panes).mount(view)

        async def warm_up() -> None:
            await mounted
            view.warm_up()

        self.call_next(warm_up)

    def _drop_far_views(self) -> None:
        """Keep only the views of the chapter shown and its neighbours: memory stays bounded."""
        keep = {self.chapter.id, *self._neighbour_ids()}
        for chapter_id in [c for c in self._views if c not in keep]:
            self._views.pop(chapter_id).remove()

    def show_chapter(self, chapter_id: str, focus_field: str | None = None) -> None:
        """Show another chapter of the setback in place of this one (what was typed is written first).

        A view not built yet is built hidden first: until it is ready the
        chapter left stays on screen (without the keys), so no frame is spent
        on a half-built chapter.
        """
        old = self.view
        if self.maximized is not None:
            self.minimize()
        view = self._views.get(chapter_id)
        if view is not None and (not view.is_mounted or view.is_stale()):
            self._views.pop(chapter_id).remove()
            view = None
        self.set_focus(None)  # nothing typed from here on reaches the chapter left
        old.deactivate()
        if view is not None:
            self._swap(old, view, focus_field)
            return
        view = ChapterView(self.workbook.session(self.setback_id, chapter_id), shown=False)
        self._views[chapter_id] = view
        self._building = view
        mounted = self.query_one("#panes", Panes).mount(view)

        async def when_built() -> None:
            await mounted
            if self._building is view and view.is_attached:
                self._swap(old, view, focus_field)

        self.call_next(when_built)

    def _swap(self, old: ChapterView, view: ChapterView, focus_field: str | None) -> None:
        self._building = None
        old.hide()
        self.query_one("#panes", Panes).move_child(view, before=0)  # first: the screen's queries find it
        view.show(focus_field)
        self.view = view
        self.sub_title = view.chapter.title
        self._update_bar()
        # The bar and the title in the same frame as the chapter: told to the screen now, not when they are
        # next idle (the screen may lay out the new chapter and paint it before that, and them a frame later).
        for widget in self._told_at_once:
            self.post_message(Update(widget))
        self.refresh_bindings()  # ctrl+n and ctrl+r are offered only where there is a chapter to go to
        if len(self._views) > KEEP_VIEWS:  # else in the next quiet moment: removing widgets is work for the frame
            self._drop_far_views()
        self._prepare_soon()
        self.refresh(layout=True, repaint=False)  # one frame for all of it; the screen itself looks the same

    # -- layout --------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        self._fit(event.size)

    def on_screen_resume(self) -> None:
        # The window may have changed size while another screen was on top.
        self._fit(self.app.size)

    def _fit(self, size: Size) -> None:
        self.set_class(size.width < NARROW, "-narrow")
        self.set_class(size.height < SHORT, "-short")

    # -- drafts --------------------------------------------------------------

    def write_draft(self) -> bool:
        """Write what is on screen as a draft now (on leaving, quitting, hanging up)."""
        return self.view.write_draft()

    # -- actions -------------------------------------------------------------

    def _save(self, done: bool) -> bool:
        return self.view.save(done)

    def action_save(self) -> None:
        self.host.after_typing(self._save_now)

    def _save_now(self) -> None:
        done = self.session.status() == "done"
        if self._save(done=done):
            self.notify("Saved." if not done else "Saved (still marked done).", title=self.chapter.title)

    def action_toggle_done(self) -> None:
        self.host.after_typing(self._toggle_done_now)

    def _toggle_done_now(self) -> None:
        done = self.session.status() == "done"
        if self._save(done=not done):
            self.notify("Marked done." if not done else "Marked as in progress.", title=self.chapter.title)

    def leave(self) -> bool:
        """Keep what was typed before the screen goes away."""
        return self.write_draft()

    def action_back(self) -> None:
        if self.leave():
            self.dismiss()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Next and previous are offered only where there is a chapter to go to."""
        if action == "neighbour" and parameters:
            return self.workbook.neighbour(self.chapter.id, int(str(parameters[0]))) is not None
        return True

    def action_neighbour(self, step: int) -> None:
        self.host.after_typing(lambda: self._go_to_neighbour(step))

    def _go_to_neighbour(self, step: int) -> None:
        if self.app.screen is not self or self._building is not None:
            return  # something was put on top (the window got too small), or the last move is not done
        target = self.workbook.neighbour(self.chapter.id, step)
        if target is None:
            self.notify("This is the " + ("last" if step > 0 else "first") + " chapter.")
            return
        if self.leave():
            self.show_chapter(target.id)

    def action_switch_pane(self) -> None:
        guide = self.view.query_one("#guide", GuideView)
        to_form = guide.has_focus_within or guide.has_focus
        if self.maximized is not None:  # zoomed in, the pane switched to takes the whole screen
            self.maximize(self.view.query_one("#form-pane", FormPane) if to_form else guide, container=False)
        if to_form:
            self.view.focus_first_field()
        else:
            guide.focus()

    def action_zoom(self) -> None:
        """Give the pane with the focus the whole screen (but the status bar and the keys), or give it back."""
        if self.maximized is not None:
            self.minimize()
        else:
            self._zoom_focused()

    def _zoom_focused(self) -> None:
        focused = self.focused
        guide = self.view.query_one("#guide", GuideView)
        if focused is not None and (focused is guide or guide in focused.ancestors):
            self.maximize(guide, container=False)
        else:
            self.maximize(self.view.query_one("#form-pane", FormPane), container=False)

    def action_outline(self) -> None:
        guide = self.view.query_one("#guide", GuideView)
        headings = guide.headings
        if not headings:
            return
        labels = [("  " * max(0, s.level - 2)) + s.title for _, s in headings]

        def picked(choice: int | None) -> None:
            if choice is not None:
                guide.go_to(headings[choice][0])
                guide.focus()

        self.app.push_screen(PickDialog("Go to heading", labels), picked)
