"""The chapters' front matter as YAML last read it, kept between starts so that starting reads no YAML.

Reading YAML is most of what loading the chapters costs at each start (PyYAML's
import and the parse of every file's front matter: about 10 ms),
for front matter that rarely changes. The cache is one JSON file in the
platform's cache folder (``FAILFORWARD_CACHE_DIR`` overrides it) mapping each
front matter's exact text to what YAML made of it.

Keyed by the text itself, not by a file's name, size and modification time:
a file changed within the clock's granularity, or put back with an old time
by a sync tool or ``git checkout``, can never be read from a stale entry.
Only what YAML parsed without error is kept, and only when JSON gives back
exactly the same values (dates are written tagged; no times, no keys that
are not strings), so the
checks that follow and their messages are those of a fresh parse. Only the
entries used by the last load are written back: the file does not grow.
A cache that cannot be read or written is as if there were none.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from tui.locations import front_matter_cache_file

FORMAT = 1  # bump when what a cached value means changes
DATE = "__date__"  # a date (a notice's ``checked``) in JSON: {"__date__": "2026-12-01"}


def _encode(value: object) -> object:
    if type(value) is dt.date:
        return {DATE: value.isoformat()}
    raise TypeError(f"not kept: {type(value).__name__}")


def _decode(value: dict[str, Any]) -> object:
    if len(value) == 1 and isinstance(value.get(DATE), str):
        return dt.date.fromisoformat(value[DATE])
    return value


def _dumps(value: object) -> str:
    return json.dumps(value, default=_encode, ensure_ascii=False)


def _loads(text: str) -> Any:
    return json.loads(text, object_hook=_decode)


class FrontMatterCache:
    """Front matter texts to their parsed values: those of the last load, and those read in this one."""

    def __init__(self, path: Path | None, entries: dict[str, Any] | None = None) -> None:
        self.path = path
        self._old = entries or {}
        self._used: dict[str, Any] = {}
        self._changed = False

    @classmethod
    def open(cls, path: Path | None = None) -> FrontMatterCache:
        """The cache in ``path`` (the platform's cache folder unless given); empty if it cannot be read."""
        path = path or front_matter_cache_file()
        try:
            stored = _loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path)
        entries = stored.get("entries") if isinstance(stored, dict) and stored.get("format") == FORMAT else None
        if not isinstance(entries, dict):
            return cls(path)
        return cls(path, entries)

    def get(self, text: str) -> Any | None:
        """What YAML made of ``text`` when it was last read; None if it is not kept."""
        if text in self._used:
            return self._used[text]
        if text not in self._old:
            return None
        value = self._old[text]
        self._used[text] = value
        return value

    def put(self, text: str, value: Any) -> None:
        """Keep what YAML made of ``text``, if JSON gives it back unchanged."""
        try:
            same = _loads(_dumps(value)) == value
        except (TypeError, ValueError):
            same = False
        if same:
            self._used[text] = value
            self._changed = True

    def save(self) -> None:
        """Write the entries used by this load, if they differ from those read; never raises."""
        if self.path is None or (not self._changed and self._used.keys() == self._old.keys()):
            return
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(_dumps({"format": FORMAT, "entries": self._used}), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
