"""Persistence: the journal on TinyDB, on a storage that never loses an acknowledged save.

One concern a module:

* :mod:`tui.store.errors`: the errors, each with a message for the person.
* :mod:`tui.store.private`: private files (atomic, durable, mode 0600) and folders (0700).
* :mod:`tui.store.disk`: the on-disk format: the journal file, the log of saves, reading both.
* :mod:`tui.store.storage`: TinyDB's storage: the data in memory, each change written durably.
* :mod:`tui.store.journal`: the :class:`Store`: a journal folder opened for a session.

Only the services above (the Workbook, export, settings) import this package;
nothing here imports Textual.
"""

from tui.store.disk import Loaded, decode, encode, read_journal_files
from tui.store.errors import JournalLocked, JournalTooNew, NoJournal, SaveError, StoreError
from tui.store.journal import SCHEMA_VERSION, TABLES, OpenReport, Store, load_journal, read_copy
from tui.store.private import ensure_private_dir, private_temp_dir, private_temp_file, write_private

__all__ = [
    "SCHEMA_VERSION",
    "TABLES",
    "JournalLocked",
    "JournalTooNew",
    "Loaded",
    "NoJournal",
    "OpenReport",
    "SaveError",
    "Store",
    "StoreError",
    "decode",
    "encode",
    "ensure_private_dir",
    "load_journal",
    "private_temp_dir",
    "private_temp_file",
    "read_copy",
    "read_journal_files",
    "write_private",
]
