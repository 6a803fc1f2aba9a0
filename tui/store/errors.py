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


class Damaged(StoreError, ValueError):
    """Encrypted bytes that fail their integrity check: damaged or altered, never decrypted into garbage.

    Also a ValueError, as every other unreadable journal file is: whatever
    moves a damaged journal aside (or reports it as damaged) treats this one
    the same way.
    """


class WrongPassphrase(StoreError):
    """The passphrase does not open this journal; nothing was read or changed."""

    def __init__(self, message: str = "wrong passphrase") -> None:
        super().__init__(message)


class PassphraseNeeded(StoreError):
    """The journal is encrypted and no passphrase was given; nothing was read or changed."""
