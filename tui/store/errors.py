"""The journal's errors: each carries a message meant for the person using the app."""

from __future__ import annotations


class StoreError(Exception):
    """A journal problem with a message meant for the person using the app."""


class SaveError(StoreError):
    """A write that did not reach the disk; the old journal file is unchanged."""


class JournalLocked(StoreError):
    """Another failforward session holds this journal."""


class JournalTooNew(StoreError):
    """The journal was written by a newer failforward."""


class NoJournal(StoreError):
    """There is no journal file in the data folder yet."""


class JournalLost(SaveError):
    """The journal's folder or file is no longer the one this session opened (deleted, moved, unmounted).

    Nothing more is written there; what this session holds stays in memory
    until it is written whole to a folder the person chooses (Store.rescue).
    """
