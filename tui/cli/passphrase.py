"""The passphrase of an encrypted journal, for the commands: asked on the terminal, or read from a file.

A command asks only when the journal turns out to be encrypted. It asks on
the controlling terminal (``/dev/tty``, with echo off, as ``sudo`` and
``ssh`` do), so a pipe on standard input or output never sees it; a script or
a cron job, which has no terminal, names a file holding it instead
(``--passphrase-file FILE`` or ``$FAILFORWARD_PASSPHRASE_FILE``). Without a
terminal and without a file, the command stops with one line. Nothing here
keeps the passphrase: it goes straight to the key derivation.

The file's caveats (docs/ENCRYPTION.md): the passphrase is as safe as the
file. It must be a file only its owner can read (0600; a regular file that
others may read is refused, as ssh refuses such a key); its first line is the
passphrase (one final newline is dropped, nothing else is trimmed). A named
pipe or ``/dev/fd/N`` (a shell's ``<(pass show failforward)``) is read the same
way, and leaves nothing on a disk.
"""

from __future__ import annotations

import argparse
import os
import stat
from collections.abc import Callable
from pathlib import Path

PASSPHRASE_FILE_ENV = "FAILFORWARD_PASSPHRASE_FILE"
FORGOTTEN = "keep the passphrase safe: a forgotten passphrase cannot be recovered, and neither can the journal"


class PassphraseProblem(Exception):
    """No passphrase could be had (no terminal, an unreadable file), or a new one was refused; one line."""


def terminal_available() -> bool:
    """Whether this process has a controlling terminal to ask on (a cron job, ``setsid``, CI: no)."""
    try:
        fd = os.open("/dev/tty", os.O_RDWR | getattr(os, "O_NOCTTY", 0))
    except OSError:
        return False
    os.close(fd)
    return True


def ask(prompt: str) -> str:
    """One passphrase typed on the controlling terminal, not echoed; raises PassphraseProblem on end of input."""
    try:
        import getpass  # only where a passphrase is typed on the command line

        return getpass.getpass(prompt)
    except EOFError:
        raise PassphraseProblem("no passphrase was typed: nothing was changed") from None


def read_file(name: str, what: str = "passphrase file") -> str:
    """The passphrase in the file ``name``: its text without one final newline; raises PassphraseProblem."""
    path = Path(name).expanduser()
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) & 0o077:
                raise PassphraseProblem(
                    f"the {what} {path} can be read by other users: make it yours alone (chmod 600 {path})"
                )
            raw = handle.read()
    except OSError as exc:
        raise PassphraseProblem(f"cannot read the {what} {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PassphraseProblem(f"the {what} {path} is not UTF-8 text") from None
    text = text.removesuffix("\n").removesuffix("\r")
    if not text:
        raise PassphraseProblem(f"the {what} {path} is empty")
    return text


def current(args: argparse.Namespace, folder: Path) -> Callable[[], str]:
    """What the journal's opening calls for its passphrase (only if it is encrypted); raises PassphraseNeeded.

    The file named by ``--passphrase-file`` or ``$FAILFORWARD_PASSPHRASE_FILE``,
    else the controlling terminal, else one line saying how to give it.
    """

    def passphrase() -> str:
        from tui.workbook import PassphraseNeeded

        source = getattr(args, "passphrase_file", None) or os.environ.get(PASSPHRASE_FILE_ENV)
        try:
            if source:
                return read_file(source)
            if not terminal_available():
                raise PassphraseProblem(
                    f"the journal in {folder} is encrypted: it needs its passphrase, and there is no terminal "
                    f"to ask on (give --passphrase-file FILE, or set {PASSPHRASE_FILE_ENV})"
                )
            return ask(f"Passphrase for the journal in {folder}: ")
        except PassphraseProblem as exc:
            raise PassphraseNeeded(str(exc)) from None

    return passphrase


def from_file_only(args: argparse.Namespace) -> Callable[[], str] | None:
    """The passphrase file given for the app, if one was: the app asks on its own screen otherwise."""
    source = getattr(args, "passphrase_file", None) or os.environ.get(PASSPHRASE_FILE_ENV)
    if not source:
        return None

    def passphrase() -> str:
        from tui.workbook import PassphraseNeeded

        try:
            return read_file(source)
        except PassphraseProblem as exc:
            raise PassphraseNeeded(str(exc)) from None

    return passphrase


def new(args: argparse.Namespace) -> str:
    """A new passphrase: from ``--new-passphrase-file``, else typed twice on the terminal; raises PassphraseProblem.

    An empty one, or two that differ, are refused.
    """
    source = getattr(args, "new_passphrase_file", None)
    if source:
        return read_file(source, "new passphrase file")
    if not terminal_available():
        raise PassphraseProblem(
            "there is no terminal to ask for the new passphrase on: give it with --new-passphrase-file FILE"
        )
    first = ask("New passphrase (a forgotten one cannot be recovered): ")
    if not first:
        raise PassphraseProblem("the passphrase is empty: nothing was changed")
    if ask("The new passphrase again: ") != first:
        raise PassphraseProblem("the two passphrases differ: nothing was changed")
    return first
