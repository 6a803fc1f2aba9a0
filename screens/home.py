"""Home: the setbacks, the chapters with their status, and where to continue."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Footer, Header, Label, OptionList, Sparkline, Static
from textual.widgets.option_list import Option

from screens.base import WorkbookScreen
from tui.overview import (
    Glance,
    SetbackRow,
    overview,
    setback_detail,
    status_lines,
    trend_title,
)

if TYPE_CHECKING:  # the journal's modules: a start drawn from the glance shows home before they are loaded
    from tui.workbook import Conflict, Setback, SetbackFields


class HomeScreen(WorkbookScreen[None]):
    """Pick or name a setback, then open a chapter."""

    CSS_PATH = "home.tcss"
    HELP_TITLE = "Home"
    BINDINGS = [
        Binding("n", "new_setback", "New"),
        Binding("c", "continue", "Continue"),
        Binding("j", "app.go('journal')", "Journal"),
        Binding("slash", "app.go('search')", "Search"),
        Binding("p", "app.go('progress')", "Progress"),
        Binding("k", "check_in", "Check in", show=False, tooltip="Rate how the selected setback feels now"),
        Binding("e", "edit_setback", "Edit setback", show=False),
        Binding("a", "archive_setback", "Archive setback", show=False, tooltip="Hide it from the lists"),
        Binding("u", "unarchive_setback", "Bring back", show=False, tooltip="Bring back an archived setback"),
        Binding("d", "delete_setback", "Delete setback", show=False, tooltip="To the trash: z brings it back"),
        Binding("z", "undo_delete", "Undo delete", show=False, tooltip="Bring back the setback deleted last"),
        Binding("t", "open_trash", "Trash", show=False, tooltip="Bring back a deleted setback"),
        Binding("o", "open_chapter", "Open chapter", show=False),
        Binding("r", "look_back", "Look back", tooltip="Open the look-back chapter: its day has come"),
        Binding("v", "pick_version", "Versions", tooltip="Choose between two machines' versions of a field"),
    ]

    def __init__(self, glance: Glance | None = None) -> None:
        """Home; ``glance`` is what it shows until the journal is open (tui/overview.py)."""
        super().__init__()
        seen = glance or Glance.empty()
        self._view, self._detail = seen.overview, seen.detail

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="home-panes"):
            with Vertical(id="setbacks-pane"):
                yield Label("Setbacks", classes="pane-title")
                yield OptionList(id="setbacks")
                yield Label("Feeling over time", classes="pane-title", id="trend-title")
                yield Sparkline([], id="trend")
            with Vertical(id="chapters-pane"):
                yield Label("Chapters", classes="pane-title", id="chapters-title")
                yield OptionList(id="chapters")
        yield Static("", id="home-status")
        yield Footer(compact=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys offered only when they can act: z and t with something in the trash, r when a look back is due,
        v with a field to choose, c with a chapter to go back to."""
        if action in ("undo_delete", "open_trash"):
            return self._view.has_trash
        if action == "pick_version":
            return self._view.record_conflicts
        if action == "look_back":
            return self._detail.review is not None
        if action == "continue":
            return self._view.can_continue
        return True

    def action_look_back(self) -> None:
        from tui.route import review_due

        setback_id = self.selected_setback
        review = review_due(self.workbook, setback_id) if setback_id else None
        if setback_id is not None and review is not None:
            self.open_chapter(review.id, setback_id)

    def on_mount(self) -> None:
        # The lists are filled by on_screen_resume, which also runs when the screen first shows.
        setbacks = self.query_one("#setbacks", OptionList)
        if self.workbook.setbacks() if self.host.journal_open else self._view.setbacks:
            setbacks.focus()
        else:
            self.query_one("#chapters", OptionList).focus()
        if self.host.journal_open:
            self._announce_form_drafts()

    @property
    def keys_shown(self) -> bool:
        """Whether the key bar shows its keys yet (Textual fills it a frame after the rest)."""
        return bool(self.query_one(Footer).children)

    def journal_opened(self) -> None:
        """The journal is open (home was drawn from its glance): draw what differs, say what needs saying."""
        view, detail = self._view, self._detail
        self.refresh_lists()
        if (self._view, self._detail) != (view, detail):
            self.refresh_bindings()
        if bool(self._view.setbacks) != bool(view.setbacks):  # focus as on_mount would have put it
            self.query_one("#setbacks" if self._view.setbacks else "#chapters", OptionList).focus()
        self._announce_form_drafts()

    def _announce_form_drafts(self) -> None:
        """Dialogs left with unsaved text last time (a dropped connection): say how to get back to them."""
        where = {"new-setback": "n to go on naming the setback", "edit-setback": "e on the setback you were editing"}
        hints = sorted(
            {where.get(form, "k on the setback to finish the check-in") for form, _ in self.workbook.form_drafts()}
        )
        if hints:
            self.app.notify("Press " + "; ".join(hints) + ".", title="Unsaved text kept from last time", timeout=12)

    def on_screen_resume(self) -> None:
        self.refresh_lists()

    @property
    def selected_setback(self) -> int | None:
        setbacks = self.query_one("#setbacks", OptionList)
        if setbacks.highlighted is None or setbacks.option_count == 0:
            return None
        option = setbacks.get_option_at_index(setbacks.highlighted)
        return int(option.id) if option.id and option.id.isdigit() else None

    def refresh_lists(self, select: int | None = None) -> None:
        """Draw the setbacks and the selected one's chapters, status lines and feelings (from the journal once open)."""
        if self.host.journal_open:
            self._view = overview(self.workbook)
        setbacks = self.query_one("#setbacks", OptionList)
        keep = select if select is not None else self.selected_setback
        rows = self._view.setbacks
        if self._drawn != rows:  # unchanged (back from a chapter): not drawn again
            setbacks.clear_options()
            for row in rows:
                when = f" · {row.date}" if row.date else ""
                line = Content.assemble((row.title, "bold"), f"\n{row.done}/{row.total} done{when}")
                setbacks.add_option(Option(line, id=str(row.id)))
            if not rows:
                setbacks.add_option(Option(Content("No setbacks yet.\nPress n to name one."), disabled=True))
            self._drawn = rows
        ids = [row.id for row in rows]
        if ids:
            index = ids.index(keep) if keep in ids else 0
            if setbacks.highlighted != index:
                setbacks.highlighted = index
        self.refresh_setback()

    _drawn: tuple[SetbackRow, ...] | None = None  # the setback rows the list shows

    def refresh_setback(self) -> None:
        """Draw the selected setback's part: its chapters, the status lines, its feelings over time."""
        setback_id = self.selected_setback
        if self.host.journal_open:
            self._detail = setback_detail(self.workbook, setback_id)
        elif self._detail.setback_id != setback_id:
            return  # before the journal is open only the glance's setback is known: drawn once it is
        detail = self._detail
        chapters = self.query_one("#chapters", OptionList)
        keep = chapters.highlighted
        chapters.clear_options()
        for row in detail.chapters:
            line = Content.assemble(f"{row.mark}{row.order:>2} ", (row.title, "bold"))
            chapters.add_option(Option(line, id=row.id))
        chapters.highlighted = keep if keep is not None and keep < chapters.option_count else 0
        self.query_one("#chapters-title", Label).update(Content(detail.chapters_title))
        self.query_one("#home-status", Static).update(Content("\n".join(status_lines(self._view, detail))))
        trend = self.query_one("#trend", Sparkline)
        trend.data = [float(r) for r in detail.ratings]
        trend.display = bool(detail.ratings)
        self.query_one("#trend-title", Label).update(Content(trend_title(detail)))
        self.refresh_bindings()

    @on(OptionList.OptionHighlighted, "#setbacks")
    def _setback_highlighted(self) -> None:
        if self.selected_setback != self._detail.setback_id:  # refresh_lists drew the one it highlights
            self.refresh_setback()

    @on(OptionList.OptionSelected, "#setbacks")
    def _setback_selected(self) -> None:
        self.query_one("#chapters", OptionList).focus()

    @on(OptionList.OptionSelected, "#chapters")
    def _chapter_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.open_chapter(event.option.id)

    def action_open_chapter(self) -> None:
        chapters = self.query_one("#chapters", OptionList)
        if chapters.highlighted is not None:
            option = chapters.get_option_at_index(chapters.highlighted)
            if option.id:
                self.open_chapter(option.id)

    def open_chapter(self, chapter_id: str, setback_id: int | None = None) -> None:
        setback_id = setback_id or self.selected_setback
        if setback_id is None:

            def created(new_id: int | None) -> None:
                if new_id is not None:
                    self.open_chapter(chapter_id, new_id)

            self.app.notify("First name the setback this is about.", title="New setback")
            self._new_setback(created)
            return
        self.host.open_chapter(setback_id, chapter_id)

    def _new_setback(self, then: Callable[[int], None] | None = None) -> None:
        def save(values: SetbackFields) -> Setback:
            return self.workbook.add_setback(values.title, values.kind, values.date, values.feeling)

        def done(setback: Setback | None) -> None:
            if setback is None:
                return
            self.refresh_lists(select=setback.id)
            self.query_one("#chapters", OptionList).focus()
            if then:
                then(setback.id)

        from screens.dialogs.setback import SetbackDialog  # with the form widgets: loaded when first needed

        self.app.push_screen(SetbackDialog(today=self.workbook.clock().date(), save=save), done)

    def action_new_setback(self) -> None:
        self._new_setback()

    def action_edit_setback(self) -> None:
        setback = self._selected()
        if setback is None:
            return

        def save(values: SetbackFields) -> Setback:
            return self.workbook.update_setback(
                setback.id, values.title, values.kind, values.date, values.feeling, notes=values.notes
            )

        def done(saved: Setback | None) -> None:
            if saved is not None:
                self.refresh_lists(select=saved.id)

        from screens.dialogs.setback import SetbackDialog

        self.app.push_screen(SetbackDialog(setback, save=save), done)

    def action_check_in(self) -> None:
        setback_id = self.selected_setback
        if setback_id is None:
            self.app.notify("Name a setback first (n).", severity="warning")
            return
        self.host.check_in(setback_id, then=self.refresh_setback)

    def _selected(self) -> Setback | None:
        """The highlighted setback, or None (with a word to the person)."""
        setback_id = self.selected_setback
        setback = self.workbook.setback(setback_id) if setback_id else None
        if setback is None:
            self.app.notify("No setback selected: press n to name one.", severity="warning")
        return setback

    def action_archive_setback(self) -> None:
        from tui.workbook import SaveError

        setback = self._selected()
        if setback is None:
            return
        try:
            self.workbook.archive_setback(setback.id)
        except SaveError as exc:
            self.host.save_failed(exc, title="Not archived")
            return
        self.app.notify(f"“{setback.title}” archived. Press u to bring it back.")
        self.refresh_lists()

    def action_unarchive_setback(self) -> None:
        from screens.dialogs.pick import PickDialog
        from tui.workbook import SaveError

        workbook = self.workbook
        archived = [s for s in workbook.setbacks(include_archived=True) if s.archived]
        if not archived:
            self.app.notify("No archived setbacks.")
            return

        def picked(index: int | None) -> None:
            if index is None:
                return
            try:
                workbook.archive_setback(archived[index].id, archived=False)
            except SaveError as exc:
                self.host.save_failed(exc, title="Not brought back")
                return
            self.refresh_lists(select=archived[index].id)

        self.app.push_screen(PickDialog("Bring back an archived setback", [s.title for s in archived]), picked)

    def action_delete_setback(self) -> None:
        from screens.dialogs.confirm import ConfirmDialog
        from tui.workbook import SaveError

        workbook = self.workbook
        setback = self._selected()
        if setback is None:
            return
        count = len(workbook.reflections(setback.id))

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                workbook.delete_setback(setback.id)
            except (SaveError, ValueError) as exc:
                self.host.save_failed(exc, title="Not deleted")
                return
            self.app.notify(f"Deleted “{setback.title}”. Press z to bring it back (it stays in the trash).")
            self.refresh_lists()
            self.refresh_bindings()

        question = (
            f"Delete “{setback.title}” and its {count} saved chapter(s)? "
            "It goes to the trash: z brings it back until the trash is emptied."
        )
        self.app.push_screen(ConfirmDialog(question, yes="Delete"), answered)

    def action_undo_delete(self) -> None:
        trash = self.workbook.trash()
        if not trash:
            self.app.notify("Nothing to bring back: the trash is empty.")
            return
        self._restore(trash[0].id)

    def action_open_trash(self) -> None:
        from screens.dialogs.pick import PickDialog

        trash = self.workbook.trash()
        if not trash:
            self.app.notify("The trash is empty.")
            return

        def picked(index: int | None) -> None:
            if index is not None:
                self._restore(trash[index].id)

        labels = [f"{t.title} (deleted {t.deleted.replace('T', ' ')})" for t in trash]
        self.app.push_screen(PickDialog("Bring back a deleted setback", labels), picked)

    def _restore(self, trash_id: int) -> None:
        from tui.workbook import SaveError

        try:
            setback = self.workbook.restore_setback(trash_id)
        except (SaveError, ValueError) as exc:
            self.host.save_failed(exc, title="Not brought back")
            return
        self.app.notify(f"“{setback.title}” is back, with everything written about it.")
        self.refresh_lists(select=setback.id)
        self.refresh_bindings()

    def _record_conflicts(self) -> list[Conflict]:
        """Fields two machines changed differently that no chapter shows (a setback's title, say)."""
        return [c for c in self.workbook.conflicts() if not c.in_chapter]

    def action_pick_version(self) -> None:
        """Pick a field changed on two machines (when there are several), then the version to keep."""
        from screens.dialogs.pick import PickDialog
        from screens.widgets.conflicts import record_conflict_label

        conflicts = self._record_conflicts()
        if not conflicts:
            self.app.notify("Nothing to choose: no field outside the chapters was changed on two machines.")
            return
        if len(conflicts) == 1:
            self._pick_version(conflicts[0])
            return

        def picked(index: int | None) -> None:
            if index is not None:
                self._pick_version(conflicts[index])

        labels = [record_conflict_label(c) for c in conflicts]
        self.app.push_screen(PickDialog("Changed on two machines: which one first?", labels), picked)

    def _pick_version(self, conflict: Conflict) -> None:
        from screens.dialogs.pick import PickDialog
        from screens.widgets.conflicts import record_conflict_label, version_choices
        from tui.workbook import SaveError

        def chosen(index: int | None) -> None:
            if index is None:
                return  # escape: both versions stay kept
            use_other = conflict.record_id is not None and index == 1
            try:
                self.workbook.resolve_conflict(conflict.id, use_other=use_other)
            except (SaveError, ValueError) as exc:
                self.host.save_failed(exc, title="Not chosen")
                return
            if conflict.record_id is None:
                self.app.notify("The other version is let go.")
            else:
                self.app.notify("The other version is in place." if use_other else "The version here stays.")
            self.refresh_lists()
            self.refresh_bindings()

        title = record_conflict_label(conflict).split(":", 1)[0] + ": changed on two machines. Keep which one?"
        self.app.push_screen(PickDialog(title, version_choices(conflict)), chosen)

    def action_continue(self) -> None:
        last = self.workbook.last_opened()
        if last is None:
            self.app.notify("Nothing to continue yet: open a chapter first.")
            return
        self.open_chapter(last[1], last[0])
