"""Typed access to the app from screens, without importing the app module."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.app import WorkbookApp


def workbook_app(node: Any) -> WorkbookApp:
    """The running WorkbookApp of a widget or screen."""
    return node.app  # type: ignore[no-any-return]
