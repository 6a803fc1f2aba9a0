"""Day One's JSON export (the ``Journal.json`` inside its export zip) as entries.

The file is ``{"metadata": {"version": "1.0"}, "entries": [...]}``; each
entry has ``uuid``, ``creationDate`` (ISO 8601 in UTC, e.g.
``2026-03-14T08:30:00Z``), ``text`` (Markdown, with Markdown punctuation
escaped by a backslash), and may have ``timeZone`` (e.g. ``Europe/Berlin``:
the time is shown there), ``tags``, ``starred``, and photos, places and
weather (not imported; a photo's place in the text becomes ``[photo]``). An
entry whose text starts with a ``#`` heading takes it as its title.
:func:`parse_dayone` checks every entry before anything is imported.
Nothing here imports Textual.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tui.export.common import InvalidExport
from tui.export.entries import Entry
from tui.sanitize import clean_text

_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|~])")
_MOMENT = re.compile(r"!\[[^\]]*\]\(dayone-moment:/*[^)]*\)")


def _plain(text: str) -> str:
    """Day One's Markdown as typed: escapes undone, photos as ``[photo]``."""
    return _ESCAPED.sub(r"\1", _MOMENT.sub("[photo]", text))


def _when(raw: dict[str, Any], where: str) -> dt.datetime:
    stamp = raw.get("creationDate")
    if not isinstance(stamp, str):
        raise InvalidExport(f"{where}: 'creationDate' is missing (Day One writes e.g. 2026-03-14T08:30:00Z)")
    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidExport(f"{where}: 'creationDate' {stamp!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    zone = raw.get("timeZone")
    if isinstance(zone, str) and zone:
        with contextlib.suppress(ZoneInfoNotFoundError, ValueError):  # an unknown zone: the time stays in UTC
            moment = moment.astimezone(ZoneInfo(zone))
    return moment.replace(tzinfo=None)


def parse_dayone(data: Any) -> list[Entry]:
    """The entries of a parsed Day One JSON export; raises InvalidExport naming the entry and the problem."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise InvalidExport('not a Day One JSON export (it has no "entries" list; use the Journal.json of its zip)')
    out = []
    for index, raw in enumerate(data["entries"]):
        where = f"entries[{index}]"
        if not isinstance(raw, dict):
            raise InvalidExport(f"{where}: must be an object")
        text = raw.get("text", "")
        if not isinstance(text, str):
            raise InvalidExport(f"{where}: 'text' must be text")
        tags = raw.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise InvalidExport(f"{where}: 'tags' must be a list of text")
        text = clean_text(_plain(text)).strip("\n")
        title = ""
        first, _, rest = text.partition("\n")
        if first.startswith("#"):
            title, text = first.lstrip("#").strip(), rest.strip("\n")
        out.append(
            Entry(
                when=_when(raw, where),
                title=title,
                body=text,
                tags=tuple(clean_text(t) for t in tags),
                starred=bool(raw.get("starred")),
            )
        )
    return out
