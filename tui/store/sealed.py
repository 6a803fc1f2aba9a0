"""The encrypted on-disk format, and how a journal folder says which format it is in.

:class:`EncryptedCodec` is the plain format of :mod:`tui.store.disk` sealed
with the journal's key (:mod:`tui.store.crypto`):

* ``journal.json`` is the header, then the plain journal file sealed for the
  context ``b"journal"``. Backups and the copies of damaged files are copies
  of these bytes, so they are sealed too.
* ``journal.log`` starts with its own first line (``failforward-sealed-log 1
  TOKEN``); each save is a line ``CRC32 BASE64``: the checksum finds a torn or
  damaged line as in the plain log, and the base64 is the save (its place in
  the log, then its JSON) sealed for the context ``b"log TOKEN"``. A line
  therefore opens only in the log of that journal file, and only in its place.

:func:`open_codec` looks at a folder and hands back the codec to read and
write it with, asking for the passphrase only when the journal is encrypted.
"""

from __future__ import annotations

import base64
import binascii
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.locations import DB_FILE
from tui.store import disk
from tui.store.crypto import HEADER_BYTES, Header, KdfParams, is_encrypted, key_fits, new_header, seal, unlock, unseal
from tui.store.errors import Damaged, PassphraseNeeded, StoreError, WrongPassphrase

SEALED_LOG_MAGIC = b"failforward-sealed-log 1 "
JOURNAL_CONTEXT = b"journal"
COPY_CONTEXT = b"copy"
_INDEX = struct.Struct(">Q")

Passphrase = Callable[[], str]
"""Asked for the passphrase when, and only when, a journal turns out to be encrypted."""


class EncryptedCodec:
    """journal.json and journal.log sealed with one key under one header (see the module's docstring)."""

    encrypted = True

    def __init__(self, key: bytes, header: Header) -> None:
        self.key = key
        self.header = header
        self._header_bytes = header.to_bytes()

    @classmethod
    def create(cls, passphrase: str, kdf: KdfParams | None = None) -> EncryptedCodec:
        """A codec for a journal about to be encrypted: a fresh salt, costs calibrated here unless given."""
        header, key = new_header(passphrase, kdf)
        return cls(key, header)

    @classmethod
    def unlock(cls, passphrase: str, header: Header) -> EncryptedCodec:
        """The codec of the journal with ``header``; raises ``WrongPassphrase``."""
        return cls(unlock(passphrase, header), header)

    def encode(self, data: dict[str, Any]) -> bytes:
        return self._header_bytes + seal(self.key, self._header_bytes, disk.encode(data), JOURNAL_CONTEXT)

    def decode(self, raw: bytes) -> dict[str, Any]:
        if not is_encrypted(raw):
            try:
                disk.decode(raw)
            except ValueError:
                pass
            else:  # a whole plain journal is not damage: never moved aside for this
                raise StoreError("this journal is not encrypted")
        header = Header.parse(raw)
        header_bytes = header.to_bytes()
        if header_bytes != self._header_bytes and not key_fits(self.key, header):
            raise WrongPassphrase()  # another journal's header, whole: not this key's, and not damage
        plain = unseal(self.key, header_bytes, memoryview(raw)[HEADER_BYTES:], JOURNAL_CONTEXT)
        try:
            return disk.decode(plain)
        except ValueError as exc:  # authentic, yet not a journal: say so rather than guess
            raise Damaged(str(exc).splitlines()[0] if str(exc) else "not a failforward journal") from None

    def seal_copy(self, raw: bytes) -> bytes:
        """Any file's bytes sealed whole: a damaged copy, a screenshot, an editor's file left by a crash.

        The header, then ``raw`` sealed for the context ``b"copy"``: such a file
        never opens as a journal, and :meth:`open_copy` gives its bytes back.
        """
        return self._header_bytes + seal(self.key, self._header_bytes, raw, COPY_CONTEXT)

    def open_copy(self, raw: bytes) -> bytes | None:
        """The bytes :meth:`seal_copy` sealed with this key; None for any other file (plain, damaged, another key)."""
        if not is_encrypted(raw):
            return None
        try:
            header_bytes = Header.parse(raw).to_bytes()
        except StoreError:  # Damaged, or a format this version does not know
            return None
        if header_bytes != self._header_bytes:
            return None
        try:
            return unseal(self.key, header_bytes, memoryview(raw)[HEADER_BYTES:], COPY_CONTEXT)
        except Damaged:
            return None

    def log_header(self, token: str) -> bytes:
        return SEALED_LOG_MAGIC + token.encode("ascii") + b"\n"

    def log_line(self, changes: dict[str, dict[str, Any]], token: str, index: int) -> bytes:
        body = _INDEX.pack(index) + disk.encode(changes)
        text = base64.b64encode(seal(self.key, self._header_bytes, body, _log_context(token)))
        return disk.checksummed(text)

    def parse_log_line(self, line: bytes, token: str, index: int) -> dict[str, dict[str, Any]] | None:
        text = disk.checked_body(line)
        if text is None:
            return None
        try:
            body = unseal(self.key, self._header_bytes, base64.b64decode(text, validate=True), _log_context(token))
        except (binascii.Error, Damaged):
            return None
        if len(body) < _INDEX.size or _INDEX.unpack_from(body)[0] != index:
            return None
        return disk.parse_changes(body[_INDEX.size :])


def _log_context(token: str) -> bytes:
    return b"log " + token.encode("ascii")


def _read_start(path: Path) -> bytes | None:
    """The first bytes of ``path`` (enough for a header); None when it is missing or unreadable."""
    try:
        with path.open("rb") as f:
            return f.read(HEADER_BYTES)
    except OSError:
        return None


def _header_in(start: bytes | None) -> Header | None:
    if start is None or not is_encrypted(start):
        return None
    try:
        return Header.parse(start)
    except Damaged:
        return None


def _backup_format(folder: Path) -> Header | bool | None:
    """What the newest readable backup is: its header when encrypted, False when plain, None when there is none."""
    for backup in reversed(disk.backup_paths(folder)):
        start = _read_start(backup)
        header = _header_in(start)
        if header is not None:
            return header
        if start is not None and start.startswith(b"{"):
            return False
    return None


def find_header(folder: Path) -> Header | None:
    """The header of the journal in ``folder``; None when it is not encrypted.

    journal.json decides when it can: an encrypted one names its header, a
    whole plain one means plain. When journal.json is missing or so damaged
    that it says neither, the newest backup decides, so a folder that was
    encrypted stays encrypted after its journal file is moved aside. Raises
    ``Damaged`` when the journal is encrypted but neither it nor a backup
    holds a whole header (there is then no way to check a passphrase).
    """
    path = Path(folder) / DB_FILE
    start = _read_start(path)
    if start is not None and is_encrypted(start):
        header = _header_in(start)
        if header is not None:
            return header
        backup = _backup_format(folder)
        if isinstance(backup, Header):
            return backup
        raise Damaged(
            f"the journal {path} is damaged (its encryption header) and no backup holds a whole one; "
            "move it aside to start a new journal"
        )
    backup = _backup_format(folder)
    if not isinstance(backup, Header):
        return None
    if start:
        try:
            disk.decode(path.read_bytes())
        except (OSError, ValueError):
            return backup  # a damaged journal in a folder whose backups are encrypted
        return None  # a whole plain journal (made plain after those backups)
    return backup


def is_encrypted_folder(folder: Path) -> bool:
    """Whether opening the journal in ``folder`` needs a passphrase."""
    try:
        return find_header(folder) is not None
    except Damaged:
        return True


def open_codec(folder: Path, passphrase: Passphrase | None) -> disk.Codec:
    """The codec for the journal in ``folder``: :data:`~tui.store.disk.PLAIN`, or encrypted with the passphrase.

    ``passphrase`` is called only when the journal is encrypted. Raises
    ``PassphraseNeeded`` when it is and no passphrase was given,
    ``WrongPassphrase`` when the passphrase does not open it, ``Damaged``
    when no whole header is left; in every case nothing on disk has changed.
    """
    header = find_header(folder)
    if header is None:
        return disk.PLAIN
    if passphrase is None:
        raise PassphraseNeeded(f"the journal in {folder} is encrypted: it needs its passphrase")
    return EncryptedCodec.unlock(passphrase(), header)
