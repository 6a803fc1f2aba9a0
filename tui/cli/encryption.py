"""``failforward encrypt``, ``decrypt`` and ``passwd``: the journal's folder written anew, sealed or plain.

Each takes the journal's lock (the app must be closed), asks for what it
needs (the current passphrase, then a new one twice), and hands the rest to
the :class:`~tui.workbook.Workbook`: every file that holds the person's words
is written in the new format and checked before the old files are replaced,
so a crash leaves a journal that opens with the old passphrase or the new one.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tui.cli import passphrase
from tui.cli.common import EXIT_CONTENT, EXIT_ERROR, EXIT_OK, EXIT_PASSPHRASE, error, journal_error, say

if TYPE_CHECKING:
    from tui.workbook import Recoded, Workbook


def encrypt(args: argparse.Namespace) -> int:
    from tui.locations import data_dir
    from tui.workbook import StoreError, Workbook

    folder = data_dir(args.data_dir)
    if not Workbook.has_journal(folder):
        try:
            new = passphrase.new(args)
        except passphrase.PassphraseProblem as exc:
            error(str(exc))
            return EXIT_PASSPHRASE
        try:
            Workbook.create(folder, [], passphrase=new).close()
        except StoreError as exc:
            return journal_error(exc)
        say(f"created an encrypted journal in {folder}")
        say(passphrase.FORGOTTEN)
        return EXIT_OK
    if Workbook.is_encrypted(folder):
        error(f"the journal in {folder} is already encrypted ('failforward passwd' changes its passphrase)")
        return EXIT_CONTENT
    return _change(args, folder, "encrypted", lambda workbook, new: workbook.encrypt(new))


def passwd(args: argparse.Namespace) -> int:
    from tui.locations import data_dir
    from tui.workbook import Workbook

    folder = data_dir(args.data_dir)
    if Workbook.has_journal(folder) and not Workbook.is_encrypted(folder):
        error(f"the journal in {folder} is not encrypted ('failforward encrypt' encrypts it)")
        return EXIT_CONTENT
    return _change(args, folder, "changed the passphrase of", lambda workbook, new: workbook.change_passphrase(new))


def decrypt(args: argparse.Namespace) -> int:
    from tui.locations import data_dir
    from tui.workbook import Workbook

    folder = data_dir(args.data_dir)
    if Workbook.has_journal(folder) and not Workbook.is_encrypted(folder):
        error(f"the journal in {folder} is not encrypted")
        return EXIT_CONTENT
    return _change(args, folder, "decrypted", lambda workbook, new: workbook.decrypt(), needs_new=False)


def _change(
    args: argparse.Namespace,
    folder: Path,
    done: str,
    change: Callable[[Workbook, str], Recoded],
    *,
    needs_new: bool = True,
) -> int:
    """Open the journal (its lock, its passphrase), ask for the new passphrase, change the format, report."""
    from tui.workbook import NoJournal, StoreError, Workbook

    if not Workbook.has_journal(folder):
        return journal_error(NoJournal(f"no journal in {folder} yet (check --data-dir)"))
    try:
        workbook = Workbook.open(folder, [], passphrase=passphrase.current(args, folder))
    except StoreError as exc:
        return journal_error(exc)
    try:
        new = passphrase.new(args) if needs_new else ""
        result = change(workbook, new)
    except passphrase.PassphraseProblem as exc:
        error(str(exc))
        return EXIT_PASSPHRASE
    except StoreError as exc:
        error(str(exc))
        return EXIT_ERROR
    finally:
        workbook.close()
    say(f"{done} the journal in {folder} (written anew: {result.summary()})")
    for path, why in result.left:
        error(f"warning: {path} was left as it was: {why}")
    if result.unfinished:
        error(
            f"warning: not every file is in its place yet ({result.unfinished}); "
            "the next start of failforward finishes it"
        )
    if (folder / ".git").exists():
        error(f"warning: {folder} is a git repository: its history still holds the journal as it was before")
    if needs_new:
        say(passphrase.FORGOTTEN)
    else:
        say("the journal's files are plain text again: anyone who can read them can read your words")
    return EXIT_OK
