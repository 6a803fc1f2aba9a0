"""Chapter: the guide beside the reflection form, saved as drafts while typing."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.events import Resize
from textual.geometry import Size
from textual.timer import Timer
from textual.widgets import Footer, Header, Label, Static

from screens.base import WorkbookScreen
from screens.dialogs.pick import PickDialog
from screens.widgets.conflicts import ConflictPanel
from screens.widgets.fields import ChecklistField, FieldChanged, ReflectionForm
from screens.widgets.guide import GuideView
from tui.content import Chapter
from tui.route import distressing
from tui.workbook import ChapterSession, InvalidAnswers, SaveError, format_value

DRAFT_DELAY = 0.8  # seconds after the last key press before a draft is written
NARROW = 100  # under this many columns the guide and the form are stacked
SHORT = 24  # under this many rows, stacked, the form gets more of the height and the earlier answers less
STATUS_WORDS = {"empty": "not started", "draft": "in progress", "done": "done"}


class EarlierAnswers(VerticalScroll, can_focus=True):
    """What earlier chapters' answers said, pinned above the form: shift+tab to it, then the arrows scroll it.

    It is kept short so the form keeps its room; an answer longer than it is
    read by scrolling, and the frame says so when there is more to read.
    """

    def on_resize(self) -> None:
        self.call_after_refresh(self._say_if_more)

    def _say_if_more(self) -> None:
        if not self.max_scroll_y:
            self.border_subtitle = ""
        else:
            self.border_subtitle = "↑↓ pgup pgdn to read" if self.has_focus else "more: shift+tab here, then ↓"

    def on_focus(self) -> None:
        self._say_if_more()

    def on_blur(self) -> None:
        self._say_if_more()


class FormPane(Vertical):
    """The earlier answers and the form: F5 gives them the whole screen."""

    ALLOW_MAXIMIZE = True


class ChapterScreen(WorkbookScreen[None]):
    """One chapter for one setback."""

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

    def __init__(self, setback_id: int, chapter_id: str, focus_field: str | None = None) -> None:
        super().__init__()
        self.setback_id = setback_id
        self.focus_field = focus_field
        self.session: ChapterSession = self.workbook.session(setback_id, chapter_id)  # ValueError: no such chapter
        self.chapter: Chapter = self.session.chapter
        self._timer: Timer | None = None
        self._dirty = False

    def compose(self) -> ComposeResult:
        chapter = self.chapter
        suggestions = {
            f.id: self.workbook.suggestions(self.setback_id, chapter, f.id)
            for f in chapter.fields
            if f.kind == "checklist"
        }
        yield Header()
        with Horizontal(id="chapter-bar"):
            yield Static("", id="bar-title")  # cut first when the window is narrow
            yield Static("", id="bar-status")  # never cut: where you are, the status, unsaved changes
        with Container(id="panes"):
            yield GuideView(chapter.body, id="guide")
            with FormPane(id="form-pane"):
                earlier = self.workbook.earlier_answers(self.setback_id, chapter)
                if earlier:
                    with EarlierAnswers(id="earlier") as pinned:
                        pinned.border_title = "You wrote earlier"
                        yield Static(self._earlier_text(earlier), id="builds-on")
                conflicts = self.workbook.conflicts(self.setback_id, chapter.id)
                if conflicts:
                    yield ConflictPanel(conflicts, chapter, id="conflicts")
                yield ReflectionForm(chapter.fields, suggestions, id="form")
                yield Label("", id="kept", classes="-empty")
        yield Footer(compact=True)

    @staticmethod
    def _earlier_text(earlier: list[Any]) -> Content:
        """Each earlier answer under its question; unanswered ones name their chapter in one line."""
        parts: list[Any] = []
        for answer in earlier:
            if parts:
                parts.append("\n")
            if answer.text:
                parts += [(answer.label, "bold italic"), "\n", answer.text]
            else:
                parts += [(answer.label, "bold italic"), (f" (not answered yet in {answer.chapter_title})", "dim")]
        return Content.assemble(*parts)

    def on_mount(self) -> None:
        self.sub_title = self.chapter.title
        self._fit(self.app.size)
        form = self.query_one("#form", ReflectionForm)
        saved = self.session.saved
        form.load_answers(self.session.baseline)
        kept = self.workbook.unknown_answers(self.chapter, saved)
        if kept:
            lines = [f"{k}: {format_value(None, v)}" for k, v in kept.items()]
            kept_label = self.query_one("#kept", Label)
            kept_label.update(Content("Answers to questions this chapter no longer asks (kept):\n" + "\n".join(lines)))
            kept_label.remove_class("-empty")
        draft = self.session.draft()
        if draft is not None:
            form.load_answers(draft.answers)
            self._restore_pending(draft.pending)
            self.notify(
                f"Restored what you typed ({draft.updated.replace('T', ' ')}); ctrl+s saves it.",
                title="Unsaved changes restored",
                timeout=8,
            )
        self._update_bar()
        if self.focus_field and self.chapter.field(self.focus_field):
            self.call_after_refresh(form.focus_field, self.focus_field)
        else:
            self._focus_first_field()

    @on(ConflictPanel.Chosen)
    def _conflict_chosen(self, event: ConflictPanel.Chosen) -> None:
        """Keep one version of an answer two machines changed; the other goes (the form shows the one kept)."""
        conflict = event.conflict
        try:
            value = self.workbook.resolve_conflict(conflict.id, event.use_other)
        except (ValueError, SaveError) as exc:
            self.notify(str(exc), title="Not changed", severity="error")
            return
        if event.use_other:
            self.session.baseline[conflict.field] = value
            self.query_one("#form", ReflectionForm).load_answers({conflict.field: value})
        self.query_one("#conflicts", ConflictPanel).resolved(conflict.id)
        kept = "the other version" if event.use_other else "the version in the form"
        self.notify(f"Kept {kept}; the other one is gone.", title="Conflict resolved")

    def _focus_first_field(self) -> None:
        boxes = self.query_one("#form", ReflectionForm).boxes()
        if boxes:
            boxes[0].focus_input(scroll_visible=False)  # the form starts at its top, question first

    def _restore_pending(self, pending: dict[str, Any]) -> None:
        for field_id, typed in pending.items():
            for checklist in self.query(ChecklistField):
                if checklist.field.id == field_id and isinstance(typed, dict):
                    checklist.query_one("#new-text").value = str(typed.get("text", ""))  # type: ignore[attr-defined]
                    checklist.query_one("#new-due").value = str(typed.get("due", ""))  # type: ignore[attr-defined]

    def _update_bar(self) -> None:
        workbook = self.workbook
        setback = workbook.setback(self.setback_id)
        index = [c.id for c in workbook.chapters].index(self.chapter.id) + 1
        status = STATUS_WORDS.get(self.session.status(), self.session.status())
        unsaved = self.session.draft() is not None
        title = setback.title if setback else "?"
        self.query_one("#bar-title", Static).update(Content.assemble((title, "bold"), " › ", self.chapter.title))
        self.query_one("#bar-status", Static).update(
            Content.assemble(
                f"chapter {index} of {len(workbook.chapters)} · {status}",
                (" · unsaved changes", "bold") if unsaved else "",
            )
        )

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

    def _pending(self) -> dict[str, Any]:
        """Checklist items typed but not added yet: kept with the draft, never as answers."""
        return {c.field.id: c.pending for c in self.query(ChecklistField) if any(c.pending.values())}

    @on(FieldChanged)
    def _changed(self) -> None:
        # Widgets also report the values just loaded; drafts are compared with
        # what was loaded, so those never become drafts.
        self._dirty = True
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DRAFT_DELAY, self._write_draft_in_background)

    def _take_draft(self) -> tuple[int, dict[str, Any], dict[str, Any]] | None:
        """What to write now, with its ticket (an older write never lands after a newer one), or None."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self._dirty:
            return None
        self._dirty = False
        answers = self.query_one("#form", ReflectionForm).to_answers()
        return self.session.ticket(), answers, self._pending()

    def _write_draft_in_background(self) -> None:
        """Drafts written while typing go to a thread: typing never waits for the disk."""
        taken = self._take_draft()
        if taken is not None:
            self._draft_worker(*taken)

    @work(thread=True, group="drafts", exit_on_error=False)
    def _draft_worker(self, ticket: int, answers: dict[str, Any], pending: dict[str, Any]) -> None:
        try:
            self.session.write_draft(ticket, answers, pending)
        except SaveError as exc:
            self.app.call_from_thread(self._draft_failed, exc)
            return
        self.app.call_from_thread(self._update_bar)

    def _draft_failed(self, exc: SaveError) -> None:
        self._dirty = True  # try again on the next change, on leaving or on quit
        self.host.save_failed(exc, title="Draft not saved")

    def write_draft(self) -> bool:
        """Write what is on screen as a draft now (on leaving, quitting, hanging up)."""
        taken = self._take_draft()
        if taken is None:
            return True
        try:
            self.session.write_draft(*taken)
        except SaveError as exc:
            self._draft_failed(exc)
            return False
        if self.is_attached:
            self._update_bar()
        return True

    # -- actions -------------------------------------------------------------

    def _save(self, done: bool) -> bool:
        form = self.query_one("#form", ReflectionForm)
        for checklist in self.query(ChecklistField):
            pending = checklist.pending
            if pending["text"].strip() and not checklist.add_item(pending["text"], pending["due"]):
                return False
        answers = form.to_answers()
        try:
            saved = self.session.save(answers, done)  # a draft still being written in the background is older: dropped
        except InvalidAnswers as exc:
            form.show_errors(exc.errors)
            form.focus_field(next(iter(exc.errors)))
            self.notify(f"{len(exc.errors)} answer(s) need attention.", title="Not saved", severity="warning")
            return False
        except SaveError as exc:
            self.host.save_failed(exc)
            return False
        if self._timer is not None:
            self._timer.stop()
        form.show_errors({})
        self._dirty = False
        self.host.rating_saved(distressing(self.chapter, saved.answers))
        self._update_bar()
        return True

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
        if self.app.screen is not self:
            return  # something was put on top (the window got too small) before the key was handled
        target = self.workbook.neighbour(self.chapter.id, step)
        if target is None:
            self.notify("This is the " + ("last" if step > 0 else "first") + " chapter.")
            return
        if self.leave():
            self.app.switch_screen(ChapterScreen(self.setback_id, target.id))

    def action_switch_pane(self) -> None:
        guide = self.query_one("#guide", GuideView)
        to_form = guide.has_focus_within or guide.has_focus
        if self.maximized is not None:  # zoomed in, the pane switched to takes the whole screen
            self.maximize(self.query_one("#form-pane", FormPane) if to_form else guide, container=False)
        if to_form:
            self._focus_first_field()
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
        guide = self.query_one("#guide", GuideView)
        if focused is not None and (focused is guide or guide in focused.ancestors):
            self.maximize(guide, container=False)
        else:
            self.maximize(self.query_one("#form-pane", FormPane), container=False)

    def action_outline(self) -> None:
        guide = self.query_one("#guide", GuideView)
        headings = guide.headings
        if not headings:
            return
        labels = [("  " * max(0, s.level - 2)) + s.title for _, s in headings]

        def picked(choice: int | None) -> None:
            if choice is not None:
                guide.go_to(headings[choice][0])
                guide.focus()

        self.app.push_screen(PickDialog("Go to heading", labels), picked)
