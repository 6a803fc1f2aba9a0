"""One chapter's guide and form, with its own session and drafts: the chapter screen shows one at a time.

Why a view and not a screen per chapter: a new screen is composed, styled
and laid out whole (header, bar and footer included) and then restyled again
when it is shown. The chapter screen keeps its frame and holds a few views:
the one shown and, once the app has been idle a moment, the chapters before
and after it, built hidden and drawn once under the one shown (warm_up).
ctrl+n then only hides one view and shows another, whose values are loaded
from the journal as it is shown if the journal changed since it was filled,
so a prebuilt view never shows answers older than the journal's.
"""

from __future__ import annotations

from typing import Any, cast

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Container, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Label, Static

from screens.base import Host
from screens.widgets.conflicts import ConflictPanel
from screens.widgets.covered import Covered
from screens.widgets.fields import ChecklistField, FieldChanged, ReflectionForm
from screens.widgets.focus import RestyledInSight
from screens.widgets.guide import GuideView
from tui.content import Chapter
from tui.route import distressing
from tui.workbook import ChapterSession, Draft, InvalidAnswers, SaveError, Workbook, format_value

DRAFT_DELAY = 0.8  # seconds after the last key press before a draft is written


class EarlierAnswers(VerticalScroll, RestyledInSight, can_focus=True):
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


def earlier_text(earlier: list[Any]) -> Content:
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


class ChapterView(Container, Covered):
    """The guide beside the form for one chapter of one setback, saved as drafts while typing."""

    class StatusChanged(Message):
        """A draft was written or the answers saved: the chapter bar says so."""

    def __init__(self, session: ChapterSession, focus_field: str | None = None, *, shown: bool = True) -> None:
        super().__init__(classes="chapter-view")  # no id: a stale view may still be leaving as its successor comes
        self.session = session
        self.chapter: Chapter = session.chapter
        self.setback_id = session.setback_id
        self.focus_field = focus_field
        self.active = shown  # shown, or being shown: only then does what is in the form become a draft
        self.display = shown
        self._timer: Timer | None = None
        self._dirty = False
        self._structure: tuple[Any, ...] = ()
        self._filled_at: int | None = None  # the journal's version when the form was last filled
        self._scrolling: list[VerticalScroll] = []
        self._under = False  # being drawn under the chapter shown (warm_up)

    @property
    def workbook(self) -> Workbook:
        return cast(Host, self.app).workbook

    def _current_structure(self) -> tuple[Any, ...]:
        """What the widgets were built from (not the values): when it changes, the view is built again."""
        wb, chapter = self.workbook, self.chapter
        suggestions = {
            f.id: wb.suggestions(self.setback_id, chapter, f.id) for f in chapter.fields if f.kind == "checklist"
        }
        conflicts = wb.conflicts(self.setback_id, chapter.id)
        return (suggestions, [(c.id, c.field, repr(c.here), repr(c.other)) for c in conflicts], bool(self._earlier()))

    def _earlier(self) -> list[Any]:
        return self.workbook.earlier_answers(self.setback_id, self.chapter)

    def compose(self) -> ComposeResult:
        chapter, wb = self.chapter, self.workbook
        self._structure = self._current_structure()
        suggestions = self._structure[0]
        guide = GuideView(chapter.body, id="guide")
        guide.defer_rest = not self.active  # a view built ahead lays out the rest of its guide when shown
        yield guide
        with FormPane(id="form-pane"):
            earlier = self._earlier()
            if earlier:
                with EarlierAnswers(id="earlier") as pinned:
                    pinned.border_title = "You wrote earlier"
                    yield Static(earlier_text(earlier), id="builds-on")
            conflicts = wb.conflicts(self.setback_id, chapter.id)
            if conflicts:
                yield ConflictPanel(conflicts, chapter, id="conflicts")
            yield ReflectionForm(chapter.fields, suggestions, id="form")
            yield Label("", id="kept", classes="-empty")

    def on_mount(self) -> None:
        if self.active:
            self.load()
        else:
            self.fill()  # built ahead: the texts are laid in now, while nothing else is going on

    @property
    def form(self) -> ReflectionForm:
        return self.query_one("#form", ReflectionForm)  # the same widget for the view's life: Textual caches it

    def _panes(self) -> list[VerticalScroll]:
        """The guide, the form and the earlier answers: what scrolls (found once; composed once)."""
        if not self._scrolling:
            self._scrolling = [self.query_one("#guide", GuideView), self.form, *self.query(EarlierAnswers)]
        return self._scrolling

    def is_stale(self) -> bool:
        """Whether the journal changed what this view was built from (suggestions, conflicts, earlier answers)."""
        return self.is_mounted and self._structure != self._current_structure()

    def show(self, focus_field: str | None = None) -> None:
        """Show a view built ahead, with the answers the journal holds now.

        When the journal has not changed since the view was filled (built
        ahead, or left), its form already says what the journal holds and is
        not filled again: showing it then touches no widget that does not
        change.
        """
        changed = self._filled_at != self.workbook.version
        if changed:
            self.session = self.workbook.session(self.setback_id, self.chapter.id)
        self.focus_field = focus_field
        self.active = True
        self._lay_under(False)
        self.display = True
        if changed:
            earlier = self._earlier()
            if earlier:
                text = earlier_text(earlier)
                builds_on = self.query_one("#builds-on", Static)
                shown = builds_on.visual
                if not isinstance(shown, Content) or (shown.plain, shown.spans) != (text.plain, text.spans):
                    builds_on.update(text)
        self.form.show_errors({})
        panes = self._panes()
        cast(GuideView, panes[0]).finish_later()
        for pane in panes:
            if pane.scroll_offset:
                pane.scroll_home(animate=False, immediate=True)  # as a chapter opened afresh: from the top
        self.load(fill=changed)

    def warm_up(self, tries: int = 5) -> None:
        """Draw this view built ahead once, under the one shown, then hide it again.

        Textual keeps what it worked out for a widget (its size, its wrapped
        lines, its painted rows) while the widget is hidden, so a view drawn
        once is shown later in about half the time of one never drawn. Nobody
        sees it: it lies on a layer under the chapter shown, which covers it,
        and its questions take no focus meanwhile.
        """
        if self.active or not self.is_attached:
            return
        self._lay_under(True)
        self.display = True
        self.call_after_refresh(self._warmed, tries)

    def _warmed(self, tries: int, settle: int = 2) -> None:
        if self.active or not self.is_attached:
            return
        if not self.region and tries > 0:  # not laid out yet: the frame that draws it is still to come
            self.call_after_refresh(self._warmed, tries - 1)
            return
        if settle > 0:  # what its first frame set off (scrollbars, the earlier answers' hint) is drawn too
            self.call_after_refresh(self._warmed, tries, settle - 1)
            return
        self.display = False
        self._lay_under(False)

    def _lay_under(self, under: bool) -> None:
        """Put the view on the layer under the chapter shown, or back on its own.

        An inline style and not a class: a class would restyle every widget of
        the view, and the restyle repaints its scrollbars, when it is shown.
        """
        if under != self._under:
            self._under = under
            self.styles.layer = "ahead" if under else None  # None: back to chapter.tcss's layer

    @property
    def drawn_under(self) -> bool:
        """Whether the view is being drawn under the chapter shown (warm_up)."""
        return self._under

    def allow_focus_children(self) -> bool:
        return not self._under

    def hide(self) -> None:
        """Hidden, the view keeps its widgets for a later visit."""
        self.deactivate()
        self.display = False

    def deactivate(self) -> None:
        """From now on, what reaches the view's widgets is never a draft (it was written on leaving)."""
        self.active = False
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._dirty = False

    def fill(self) -> Draft | None:
        """Put the answers in the form: those saved (or linked from the setback), then a draft's, if any.

        A view built ahead is filled as it is built and again when shown:
        the second time, a text already shown is left as it is, so showing it
        costs little when nothing changed in between.
        """
        draft = self.session.draft()
        answers = dict(self.session.baseline)
        pending: dict[str, Any] = {}
        if draft is not None:
            answers.update(draft.answers)
            pending = draft.pending
        self.form.load_answers(answers)
        for checklist in self.query(ChecklistField):
            typed = pending.get(checklist.field.id)
            checklist.set_pending(typed if isinstance(typed, dict) else {})
        kept = self.workbook.unknown_answers(self.chapter, self.session.saved)
        kept_label = self.query_one("#kept", Label)
        if kept:
            lines = [f"{k}: {format_value(None, v)}" for k, v in kept.items()]
            kept_label.update(Content("Answers to questions this chapter no longer asks (kept):\n" + "\n".join(lines)))
        kept_label.set_class(not kept, "-empty")
        self._filled_at = self.workbook.version
        return draft

    def load(self, fill: bool = True) -> None:
        """Fill the form (unless it holds what the journal does), say so if a draft was restored, focus a question."""
        draft = self.fill() if fill else self.session.draft()
        if draft is not None and self.workbook.draft_is_news(self.session.setback_id, self.chapter.id):
            self.notify(
                f"Restored what you typed ({draft.updated.replace('T', ' ')}); ctrl+s saves it.",
                title="Unsaved changes restored",
                timeout=8,
            )
        if self.focus_field and self.chapter.field(self.focus_field):
            self.call_after_refresh(self.form.focus_field, self.focus_field)
        else:
            self.focus_first_field()

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
            self.form.load_answers({conflict.field: value})
        self.query_one("#conflicts", ConflictPanel).resolved(conflict.id)
        self._structure = self._current_structure()
        kept = "the other version" if event.use_other else "the version in the form"
        self.notify(f"Kept {kept}; the other one is gone.", title="Conflict resolved")

    def focus_first_field(self) -> None:
        """Focus the first question now, so that a key typed next lands in it (the form starts at its top)."""
        boxes = self.form.boxes()
        if boxes:
            self.screen.set_focus(boxes[0].input_target(), scroll_visible=False)

    # -- drafts --------------------------------------------------------------

    def _pending(self) -> dict[str, Any]:
        """Checklist items typed but not added yet: kept with the draft, never as answers."""
        return {c.field.id: c.pending for c in self.query(ChecklistField) if any(c.pending.values())}

    @on(FieldChanged)
    def _changed(self) -> None:
        # Widgets also report the values just loaded; drafts are compared with
        # what was loaded, so those never become drafts. (The screen hears it
        # too: building the chapters around waits for a pause in typing.)
        if not self.active:
            return
        self._dirty = True
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DRAFT_DELAY, self._write_draft_in_background)

    def _take_draft(self) -> tuple[int, dict[str, Any], dict[str, Any]] | None:
        """What to write now, with its ticket (an older write never lands after a newer one), or None."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self._dirty or not self.active:
            return None
        self._dirty = False
        return self.session.ticket(), self.form.to_answers(), self._pending()

    def _write_draft_in_background(self) -> None:
        """Drafts written while typing go to a thread: typing never waits for the disk."""
        taken = self._take_draft()
        if taken is not None:
            self._draft_worker(self.session, *taken)

    @work(thread=True, group="drafts", exit_on_error=False)
    def _draft_worker(
        self, session: ChapterSession, ticket: int, answers: dict[str, Any], pending: dict[str, Any]
    ) -> None:
        try:
            session.write_draft(ticket, answers, pending)
        except SaveError as exc:
            self.app.call_from_thread(self._draft_failed, exc)
            return
        self.app.call_from_thread(self.post_message, self.StatusChanged())

    def _draft_failed(self, exc: SaveError) -> None:
        self._dirty = True  # try again on the next change, on leaving or on quit
        cast(Host, self.app).save_failed(exc, title="Draft not saved")

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
            self.post_message(self.StatusChanged())
        return True

    # -- saving --------------------------------------------------------------

    def save(self, done: bool) -> bool:
        """Save the answers (and whether the chapter is done); say what stops it."""
        form = self.form
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
            cast(Host, self.app).save_failed(exc)
            return False
        if self._timer is not None:
            self._timer.stop()
        form.show_errors({})
        self._dirty = False
        cast(Host, self.app).rating_saved(distressing(self.chapter, saved.answers))
        self.post_message(self.StatusChanged())
        return True
