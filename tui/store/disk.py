"""The journal on disk: ``journal.json`` (the whole journal now and then) and ``journal.log`` (each save since).

Serialization lives here alone: :func:`encode` and :func:`decode` for the
journal file, :func:`log_header`, :func:`log_line` and :func:`parse_log_line`
for the log, and :func:`read_journal_files`, which reads both into one state.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from tui.locations import LOG_FILE


def encode(data: dict[str, Any]) -> bytes:
    """The journal as bytes on disk."""
    return orjson.dumps(data)


def decode(raw: bytes) -> dict[str, Any]:
    """The journal from bytes on disk; raises ValueError when it is not a journal."""
    data = orjson.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("not a failforward journal (expected an object of tables)")
    for name, table in data.items():
        if not isinstance(table, dict) or not all(isinstance(doc, dict) for doc in table.values()):
            raise ValueError(f"not a failforward journal (table {name!r} is not a set of records)")
    return data


# -- the change log ----------------------------------------------------------
#
# journal.json is written whole only now and then ("compacted"). Each save in
# between appends one line to journal.log holding the records it changed, and
# fsyncs it: a save costs its own size, not the journal's. The log's first line
# names the journal file it continues (a token written into that file), so a log
# left behind by a crash between writing a new journal.json and starting a new
# log is recognised as already included and never applied twice.

LOG_MAGIC = b"failforward-log 1 "
LOG_LIMIT_MIN = 1 << 20  # compact when the log outgrows this, or half the journal file if larger


def log_header(token: str) -> bytes:
    return LOG_MAGIC + token.encode("ascii") + b"\n"


def log_line(changes: dict[str, dict[str, Any]]) -> bytes:
    body = orjson.dumps(changes)
    return b"%08x " % zlib.crc32(body) + body + b"\n"


def parse_log_line(line: bytes) -> dict[str, dict[str, Any]] | None:
    """One record of the log, or None when the line is torn or damaged."""
    if len(line) < 10 or line[8:9] != b" ":
        return None
    body = line[9:]
    try:
        if int(line[:8], 16) != zlib.crc32(body):
            return None
        changes = orjson.loads(body)
    except ValueError:
        return None
    if not isinstance(changes, dict):
        return None
    for docs in changes.values():
        if not isinstance(docs, dict) or not all(doc is None or isinstance(doc, dict) for doc in docs.values()):
            return None
    return changes


def apply_changes(data: dict[str, Any], changes: dict[str, dict[str, Any]]) -> None:
    for name, docs in changes.items():
        table = data.setdefault(name, {})
        for doc_id, doc in docs.items():
            if doc is None:
                table.pop(doc_id, None)
            else:
                table[doc_id] = doc


@dataclass
class Loaded:
    """A journal as read from its folder: journal.json with the saves of journal.log on top."""

    data: dict[str, Any]
    raw: bytes  # journal.json as it is on disk
    token: str | None  # journal.json's name for itself, carried by the log that continues it
    log: str = "none"  # "none", "current" (it continues this journal.json) or "stale" (already included)
    saves: int = 0  # saves replayed from the log
    damaged_after: int | None = None  # a damaged record, with good ones after it, followed this many saves


BASE_KEY = "_base"  # journal.json's own entry: {"1": {"token": ...}}, not a table


def split_token(data: dict[str, Any]) -> str | None:
    entry = data.pop(BASE_KEY, None)
    token = (entry or {}).get("1", {}).get("token") if isinstance(entry, dict) else None
    return token if isinstance(token, str) and token.isalnum() else None


def read_journal_files(path: Path) -> Loaded | None:
    """Read the journal at ``path`` and its log; None when there is no journal file.

    The log is read before the journal file: if a session writes a new journal
    file in between, the log no longer matches it and both are read again, so
    this never mixes two moments even while a session is saving. Raises
    OSError when a file cannot be read and ValueError when journal.json is not
    a journal.
    """
    log_path = path.with_name(LOG_FILE)
    loaded: Loaded | None = None
    for _ in range(5):
        try:
            log = log_path.read_bytes()
        except FileNotFoundError:
            log = None
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        data = decode(raw)
        token = split_token(data)
        loaded = Loaded(data, raw, token)
        if log is None:
            return loaded
        header, _, body = log.partition(b"\n")
        if token is None or header + b"\n" != log_header(token):
            loaded.log = "stale"
            # A session may have written journal.json between the two reads: look again if so.
            try:
                if path.read_bytes() == raw:
                    return loaded  # left by a crash after journal.json was written whole: already in it
            except FileNotFoundError:
                return None
            continue
        loaded.log = "current"
        lines = body.split(b"\n")
        for number, line in enumerate(lines[:-1]):  # the part after the last newline is a torn write
            changes = parse_log_line(line)
            if changes is None:
                if any(parse_log_line(later) is not None for later in lines[number + 1 : -1]):
                    loaded.damaged_after = loaded.saves
                break
            apply_changes(data, changes)
            loaded.saves += 1
        return loaded
    return loaded
