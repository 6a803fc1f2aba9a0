"""The typed base of every screen and dialog that works with the journal.

Screens sit below the app in the layers (cli > app > screens > services >
storage), so they never import it: :class:`Host` says, as a Protocol, what a
screen may ask of the app it runs in, and :class:`WorkbookScreen` /
:class:`WorkbookModal` give typed access to it and to the Workbook, the one
door to the journal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar, cast, runtime_checkable

from textual.screen import ModalScreen, Screen

from tui.workbook import Workbook

ResultType = TypeVar("ResultType")


class Host(Protocol):
    """What screens use of the app (tui.app.WorkbookApp provides it)."""

    workbook: Workbook

    def open_chapter(self, setback_id: int, chapter_id: str, field_id: str | None = None) -> None: ...

    def after_typing(self, callback: Callable[[], object]) -> None: ...

    def check_in(self, setback_id: int, then: Callable[[], None] | None = None) -> None: ...

    def flush_drafts(self) -> None: ...

    def action_go(self, section: str) -> None: ...

    def save_failed(self, exc: Exception, title: str = "Not saved") -> None: ...


@runtime_checkable
class KeepsDraft(Protocol):
    """A screen or dialog that keeps what is typed as a draft (written on leave, quit and hang-up)."""

    def write_draft(self) -> bool: ...


class WorkbookScreen(Screen[ResultType]):
    """A screen that shows or changes the journal."""

    @property
    def host(self) -> Host:
        """The app this screen runs in."""
        return cast(Host, self.app)

    @property
    def workbook(self) -> Workbook:
        return self.host.workbook


class WorkbookModal(WorkbookScreen[ResultType], ModalScreen[ResultType]):
    """A dialog that shows or changes the journal."""
