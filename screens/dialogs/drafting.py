"""A dialog that keeps what is typed in it as a draft, the way a chapter keeps its answers.

The draft goes to the journal's ``forms`` table under the dialog's form name
and key, DRAFT_DELAY after the last change, and on leaving, quitting or
hanging up (``write_draft``); a dialog back to what it showed when it opened
leaves no draft behind.
"""

from __future__ import annotations

from typing import Any

from textual.timer import Timer

from screens.base import ResultType, WorkbookModal
from tui.workbook import SaveError

DRAFT_DELAY = 0.8  # seconds after the last change before what is typed is kept as a draft


class DraftingDialog(WorkbookModal[ResultType]):
    """A dialog whose typed values are kept as a draft; subclasses say what is typed and what is untouched."""

    def __init__(self, *, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self._timer: Timer | None = None
        self._dirty = False

    @property
    def form(self) -> str:
        """The form's name in the journal's drafts."""
        raise NotImplementedError

    @property
    def draft_key(self) -> int | None:
        """What the draft belongs to (a setback's id), or None."""
        raise NotImplementedError

    def typed(self) -> dict[str, Any]:
        """What is chosen and typed now."""
        raise NotImplementedError

    def untouched(self) -> bool:
        """Whether the dialog shows what it showed when it opened (nothing to keep)."""
        raise NotImplementedError

    def changed(self) -> None:
        """Something changed: keep it as a draft after a pause."""
        # Widgets also report the values just loaded: write_draft compares with what was there.
        self._dirty = True
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DRAFT_DELAY, self.write_draft)

    def write_draft(self) -> bool:
        """Keep what is typed (on a pause in typing, on leaving, quitting, hanging up)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self._dirty or not self.is_attached:
            return True
        self._dirty = False
        try:
            if self.untouched():
                self.workbook.discard_form_draft(self.form, self.draft_key)
            else:
                self.workbook.save_form_draft(self.form, self.draft_key, self.typed())
        except SaveError as exc:
            self._dirty = True
            self.host.save_failed(exc, title="Draft not saved")
            return False
        return True

    def forget_draft(self) -> None:
        """What was typed is saved or given up: no draft is written any more, and the kept one goes.

        Raises ``SaveError`` when the journal refused to drop the kept draft.
        """
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._dirty = False
        self.workbook.discard_form_draft(self.form, self.draft_key)
