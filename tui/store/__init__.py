"""Persistence: the journal on TinyDB, on a storage that never loses an acknowledged save.

One concern a module:

* :mod:`tui.store.errors`: the errors, each with a message for the person.
* :mod:`tui.store.private`: private files (atomic, durable, mode 0600) and folders (0700).
* :mod:`tui.store.crypto`: encryption's primitives: the key from the passphrase (Argon2id), sealed pieces (AES-GCM).
* :mod:`tui.store.disk`: the on-disk format: the journal file, the log of saves, reading both, through a codec.
* :mod:`tui.store.sealed`: the encrypted codec, and which codec a journal folder needs.
* :mod:`tui.store.storage`: TinyDB's storage: the data in memory, each change written durably.
* :mod:`tui.store.rekey`: a journal folder written anew in another format (encrypt, decrypt, a new passphrase).
* :mod:`tui.store.lock`: the one-writer lock, kept on this machine, never in the data folder.
* :mod:`tui.store.merge`: the three-way merge of two journals that changed apart (pure).
* :mod:`tui.store.identity`: records' uids, change times and this machine's id; the merge on uids.
* :mod:`tui.store.sync`: git's three versions and sync tools' conflict copies, merged.
* :mod:`tui.store.journal`: the :class:`Store`: a journal folder opened for a session.

Only the services above (the Workbook, export, settings) import this package;
nothing here imports Textual.

Each name below is imported from its module when first used (PEP 562): the
lock (tui.store.lock) and the private files it keeps can be taken before the
first frame without loading TinyDB, the journal and the merge, which a start
drawn from home's glance reads only after that frame (tui/opening.py).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.store.crypto import KdfParams, calibrate
    from tui.store.disk import PLAIN, Codec, Loaded, decode, encode, read_journal_files
    from tui.store.errors import (
        Damaged,
        JournalLocked,
        JournalLost,
        JournalTooNew,
        NoJournal,
        PassphraseNeeded,
        SaveError,
        StoreError,
        WrongPassphrase,
    )
    from tui.store.journal import (
        SCHEMA_VERSION,
        TABLES,
        OpenReport,
        Store,
        journal_exists,
        load_journal,
        merge_journal_files,
        read_copy,
        upgrade,
    )
    from tui.store.lock import FolderLock
    from tui.store.merge import MergeResult
    from tui.store.private import check_writable, ensure_private_dir, private_temp_dir, private_temp_file, write_private
    from tui.store.rekey import Recoded
    from tui.store.sealed import EncryptedCodec, Passphrase, is_encrypted_folder, open_codec
    from tui.store.sync import MergedCopy, UnmergedCopy

_HOMES = {
    "Codec": "tui.store.disk",
    "Damaged": "tui.store.errors",
    "EncryptedCodec": "tui.store.sealed",
    "FolderLock": "tui.store.lock",
    "JournalLocked": "tui.store.errors",
    "JournalLost": "tui.store.errors",
    "JournalTooNew": "tui.store.errors",
    "KdfParams": "tui.store.crypto",
    "Loaded": "tui.store.disk",
    "MergeResult": "tui.store.merge",
    "MergedCopy": "tui.store.sync",
    "NoJournal": "tui.store.errors",
    "OpenReport": "tui.store.journal",
    "PLAIN": "tui.store.disk",
    "Passphrase": "tui.store.sealed",
    "PassphraseNeeded": "tui.store.errors",
    "Recoded": "tui.store.rekey",
    "SCHEMA_VERSION": "tui.store.journal",
    "SaveError": "tui.store.errors",
    "Store": "tui.store.journal",
    "StoreError": "tui.store.errors",
    "TABLES": "tui.store.journal",
    "UnmergedCopy": "tui.store.sync",
    "WrongPassphrase": "tui.store.errors",
    "calibrate": "tui.store.crypto",
    "check_writable": "tui.store.private",
    "decode": "tui.store.disk",
    "encode": "tui.store.disk",
    "ensure_private_dir": "tui.store.private",
    "is_encrypted_folder": "tui.store.sealed",
    "journal_exists": "tui.store.journal",
    "load_journal": "tui.store.journal",
    "merge_journal_files": "tui.store.journal",
    "open_codec": "tui.store.sealed",
    "private_temp_dir": "tui.store.private",
    "private_temp_file": "tui.store.private",
    "read_copy": "tui.store.journal",
    "read_journal_files": "tui.store.disk",
    "upgrade": "tui.store.journal",
    "write_private": "tui.store.private",
}

__all__ = [
    "PLAIN",
    "SCHEMA_VERSION",
    "TABLES",
    "Codec",
    "Damaged",
    "EncryptedCodec",
    "FolderLock",
    "JournalLocked",
    "JournalLost",
    "JournalTooNew",
    "KdfParams",
    "Loaded",
    "MergeResult",
    "MergedCopy",
    "NoJournal",
    "OpenReport",
    "Passphrase",
    "PassphraseNeeded",
    "Recoded",
    "SaveError",
    "Store",
    "StoreError",
    "UnmergedCopy",
    "WrongPassphrase",
    "calibrate",
    "check_writable",
    "decode",
    "encode",
    "ensure_private_dir",
    "is_encrypted_folder",
    "journal_exists",
    "load_journal",
    "merge_journal_files",
    "open_codec",
    "private_temp_dir",
    "private_temp_file",
    "read_copy",
    "read_journal_files",
    "upgrade",
    "write_private",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # found at once from now on
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))
