"""The journal on disk: ``journal.json`` (the whole journal now and then) and ``journal.log`` (each save since).

Serialization lives here alone: :func:`encode` and :func:`decode` for the
journal file, :func:`log_header`, :func:`log_line` and :func:`parse_log_line`
for the log, and :func:`read_journal_files`, which reads both into one state.
A :class:`Codec` is the seam between the two formats: :data:`PLAIN` writes
exactly these bytes, :class:`tui.store.sealed.EncryptedCodec` seals them.
"""

from __future__ import annotations

import itertools
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import orjson

from tui.locations import BACKUP_DIR, LOG_FILE
from tui.store.crypto import is_encrypted
from tui.store.errors import PassphraseNeeded

_LAYOUT = orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2


def encode(data: dict[str, Any]) -> bytes:
    """The journal as bytes on disk: the same journal always gives the same bytes.

    Pretty-printed (two spaces), every object's keys sorted (tables, record
    numbers as text, fields), a final newline: git or diff shows a change to
    one answer as the line of that answer (and of ``changed``, and the line
    of ``_base``, which names the file's version for the log of saves).
    About twice the time of compact JSON (40 ms at 10,000 reflections), paid
    only when the file is written whole, never on an ordinary save.
    """
    return orjson.dumps(data, option=_LAYOUT) + b"\n"


def decode(raw: bytes) -> dict[str, Any]:
    """The journal from bytes on disk; raises ValueError when it is not a journal."""
    data = orjson.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("not a failforward journal (expected an object of tables)")
    for name, table in data.items():
        if not isinstance(table, dict) or not all(isinstance(doc, dict) for doc in table.values()):
            raise ValueError(f"not a failforward journal (table {name!r} is not a set of records)")
        data[name] = _in_number_order(table)
    return data


def _in_number_order(table: dict[str, Any]) -> dict[str, Any]:
    """A table's records in the order of their numbers, the order they were added in ("2" before "10").

    The file sorts keys as text ("10" before "2"); the program has always
    seen records in the order they were added, and lists that tie on a time
    keep that order. About a millisecond at 10,000 records.
    """
    keys = list(table)
    if all(k.isdigit() for k in keys):
        numbers = [int(k) for k in keys]
        if all(a < b for a, b in itertools.pairwise(numbers)):
            return table
        return {k: table[k] for _, k in sorted(zip(numbers, keys, strict=True))}
    return dict(sorted(table.items(), key=lambda item: _number_order(item[0])))


def _number_order(key: str) -> tuple[int, int, str]:
    return (0, int(key), "") if key.isdigit() else (1, 0, key)


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
    return checksummed(orjson.dumps(changes))


def checksummed(body: bytes) -> bytes:
    """A log line: the CRC-32 of ``body`` in hex, a space, ``body`` (which holds no newline), a newline."""
    return b"%08x " % zlib.crc32(body) + body + b"\n"


def checked_body(line: bytes) -> bytes | None:
    """What a log line holds after its checksum, or None when the checksum does not match."""
    if len(line) < 10 or line[8:9] != b" ":
        return None
    body = line[9:]
    try:
        return body if int(line[:8], 16) == zlib.crc32(body) else None
    except ValueError:
        return None


def parse_log_line(line: bytes) -> dict[str, dict[str, Any]] | None:
    """One record of the log, or None when the line is torn or damaged."""
    body = checked_body(line)
    return None if body is None else parse_changes(body)


def parse_changes(body: bytes) -> dict[str, dict[str, Any]] | None:
    """A log record's changes (table -> id -> record, None for removed), or None when it is not one."""
    try:
        changes = orjson.loads(body)
    except ValueError:
        return None
    if not isinstance(changes, dict):
        return None
    for docs in changes.values():
        if not isinstance(docs, dict) or not all(doc is None or isinstance(doc, dict) for doc in docs.values()):
            return None
    return changes


class Codec(Protocol):
    """How the journal's bytes are written and read: plain, or sealed with the journal's key.

    ``token`` is journal.json's name for itself, which its log carries; ``index``
    is a record's place in the log. The plain format ignores both; the
    encrypted one binds them to each record, so a record opens only in its own
    place in its own log.
    """

    encrypted: bool

    def encode(self, data: dict[str, Any]) -> bytes:
        """journal.json's bytes."""
        ...

    def decode(self, raw: bytes) -> dict[str, Any]:
        """The journal from journal.json's bytes; raises ValueError (``Damaged`` too) when damaged."""
        ...

    def log_header(self, token: str) -> bytes:
        """The log's first line, naming the journal file it continues."""
        ...

    def log_line(self, changes: dict[str, dict[str, Any]], token: str, index: int) -> bytes:
        """One save, as a line of the log."""
        ...

    def parse_log_line(self, line: bytes, token: str, index: int) -> dict[str, dict[str, Any]] | None:
        """One save from a line of the log; None when the line is torn or damaged."""
        ...


class PlainCodec:
    """The journal as plain JSON: the bytes failforward has always written."""

    encrypted = False

    def encode(self, data: dict[str, Any]) -> bytes:
        return encode(data)

    def decode(self, raw: bytes) -> dict[str, Any]:
        if is_encrypted(raw):  # never taken for a damaged plain journal: never moved aside for it
            raise PassphraseNeeded("this journal is encrypted: it needs its passphrase")
        return decode(raw)

    def log_header(self, token: str) -> bytes:
        return log_header(token)

    def log_line(self, changes: dict[str, dict[str, Any]], token: str, index: int) -> bytes:
        return log_line(changes)

    def parse_log_line(self, line: bytes, token: str, index: int) -> dict[str, dict[str, Any]] | None:
        return parse_log_line(line)


PLAIN = PlainCodec()


def backup_paths(folder: Path) -> list[Path]:
    """The rolling backups in a journal folder, oldest first."""
    return sorted((folder / BACKUP_DIR).glob("journal-*.json"))


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
    damaged_after: int | None = None  # a damaged record (a finished line that fails its check) followed this many saves
    codec: Codec = field(default=PLAIN, repr=False)  # how it was read, and how to write it again


BASE_KEY = "_base"  # journal.json's own entry: {"1": {"token": ...}}, not a table


def split_token(data: dict[str, Any]) -> str | None:
    entry = data.pop(BASE_KEY, None)
    token = (entry or {}).get("1", {}).get("token") if isinstance(entry, dict) else None
    return token if isinstance(token, str) and token.isalnum() else None


def read_journal_files(path: Path, codec: Codec = PLAIN) -> Loaded | None:
    """Read the journal at ``path`` and its log through ``codec``; None when there is no journal file.

    The log is read before the journal file: if a session writes a new journal
    file in between, the log no longer matches it and both are read again, so
    this never mixes two moments even while a session is saving. Raises
    OSError when a file cannot be read and ValueError when journal.json is not
    a journal (``Damaged`` for encrypted bytes that fail their check); a
    ``StoreError`` that is not a ValueError (a wrong passphrase, a journal
    that needs one) means nothing was read and nothing is damaged.
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
        data = codec.decode(raw)
        token = split_token(data)
        loaded = Loaded(data, raw, token, codec=codec)
        if log is None:
            return loaded
        header, _, body = log.partition(b"\n")
        if token is None or header + b"\n" != codec.log_header(token):
            loaded.log = "stale"
            # A session may have written journal.json between the two reads: look again if so.
            try:
                if path.read_bytes() == raw:
                    return loaded  # left by a crash after journal.json was written whole: already in it
            except FileNotFoundError:
                return None
            continue
        loaded.log = "current"
        # Each save is appended whole, its newline last: a crash leaves at most an unfinished
        # last line, which is dropped. A finished line that fails its check is damage, wherever it is.
        lines = body.split(b"\n")
        for number, line in enumerate(lines[:-1]):
            changes = codec.parse_log_line(line, token, number)
            if changes is None:
                loaded.damaged_after = loaded.saves
                break
            apply_changes(data, changes)
            loaded.saves += 1
        return loaded
    return loaded
