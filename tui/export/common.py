"""What the export formats share: their errors, the tables they carry, the time stamp."""

from __future__ import annotations

import datetime as dt

FORMAT = "failforward-export"
MARKDOWN_FORMAT = "failforward-markdown"
CHILD_TABLES = ("reflections", "drafts", "actions", "checkins")
TABLES = ("setbacks", *CHILD_TABLES)

_NOUNS = {
    "setbacks": ("setback", "setbacks"),
    "reflections": ("reflection", "reflections"),
    "drafts": ("draft", "drafts"),
    "actions": ("action item", "action items"),
    "checkins": ("check-in", "check-ins"),
}


class ExportError(Exception):
    """An export or import that cannot be done. ``str()`` is one line for the user."""


class UnknownSetback(ExportError):
    """The setback asked for is not in the journal."""


class BadSelection(ExportError):
    """``only`` or ``redact`` names a chapter or field that does not exist."""


class InvalidExport(ExportError):
    """The data is not a valid failforward JSON export; nothing was imported."""


class ExportTooNew(ExportError):
    """The export was written by a newer failforward; nothing was imported."""


def stamp(now: dt.datetime | None) -> str:
    """When an export was made, with the local time zone."""
    moment = now if now is not None else dt.datetime.now().astimezone()
    return moment.replace(microsecond=0).isoformat()
