"""jrnl's JSON export (``jrnl --export json``, or ``--format json``) as entries.

The file is ``{"tags": {"@tag": count, ...}, "entries": [...]}``; each entry
has ``title``, ``body``, ``date`` (``YYYY-MM-DD``), ``time`` (``HH:MM``),
``tags`` (a list, e.g. ``["@work"]``) and ``starred``, and may have ``uuid``
and ``creator`` (ignored). :func:`parse_jrnl` checks every entry before
anything is imported. Nothing here imports Textual.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tui.export.common import InvalidExport
from tui.export.entries import Entry
from tui.sanitize import clean_text


def parse_jrnl(data: Any) -> list[Entry]:
    """The entries of a parsed jrnl JSON export; raises InvalidExport naming the entry and the problem."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise InvalidExport('not a jrnl JSON export (it has no "entries" list; jrnl writes one with --export json)')
    out = []
    for index, raw in enumerate(data["entries"]):
        where = f"entries[{index}]"
        if not isinstance(raw, dict):
            raise InvalidExport(f"{where}: must be an object")
        date, time = raw.get("date"), raw.get("time", "00:00")
        if not isinstance(date, str) or not isinstance(time, str):
            raise InvalidExport(f"{where}: 'date' (YYYY-MM-DD) and 'time' (HH:MM) must be text")
        try:
            when = dt.datetime.combine(dt.date.fromisoformat(date), dt.time.fromisoformat(time))
        except ValueError:
            raise InvalidExport(f"{where}: '{date} {time}' is not a date and time (YYYY-MM-DD and HH:MM)") from None
        title, body = raw.get("title", ""), raw.get("body", "")
        if not isinstance(title, str) or not isinstance(body, str):
            raise InvalidExport(f"{where}: 'title' and 'body' must be text")
        tags = raw.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise InvalidExport(f"{where}: 'tags' must be a list of text")
        out.append(
            Entry(
                when=when,
                title=clean_text(title),
                body=clean_text(body),
                tags=tuple(clean_text(t) for t in tags),
                starred=bool(raw.get("starred")),
            )
        )
    return out
