"""What the commands share: exit codes, one-line errors, the chapters, writing output."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from tui.content import Chapter, LoadResult
    from tui.workbook import Workbook

EXIT_OK = 0
EXIT_ERROR = 1  # the journal, or a file named on the command line, could not be opened, read or written
EXIT_CONTENT = 2  # the command line is wrong, a chapter file is malformed, or an import file is not an export
EXIT_UNKNOWN = 3  # no such setback, or a journal or export written by a newer failforward
EXIT_PASSPHRASE = 4  # a wrong passphrase, none to be had (no terminal, no file), or a new one refused
# 5, EXIT_BROKEN, is defined in tui.cli itself: it is returned before this module is imported.
EXIT_INTERRUPTED = 130  # ctrl+c: 128 + SIGINT, as a shell reports it
EXIT_PIPE = 141  # the reader of standard output went away: 128 + SIGPIPE, as a shell reports it


def error(message: str) -> None:
    """One line on standard error, starting with ``failforward:``."""
    print(f"failforward: {' '.join(str(message).split(chr(10)))}", file=sys.stderr)


def reason(exc: BaseException) -> str:
    """Why an OS operation failed, in a few words."""
    cause = exc if isinstance(exc, OSError) else exc.__cause__
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror
    return str(exc)


def journal_error(exc: Exception) -> int:
    """Say why the journal could not be opened or read; the exit code for it."""
    from tui.workbook import JournalTooNew, PassphraseNeeded, WrongPassphrase

    error(str(exc))
    if isinstance(exc, (WrongPassphrase, PassphraseNeeded)):
        return EXIT_PASSPHRASE
    return EXIT_UNKNOWN if isinstance(exc, JournalTooNew) else EXIT_ERROR


def open_read_only(args: argparse.Namespace, chapters: list[Chapter], folder: Path | None = None) -> Workbook | int:
    """The journal of --data-dir for reading (an encrypted one's passphrase asked for or read from
    --passphrase-file), or the exit code after saying why it could not be opened."""
    from tui.cli import passphrase
    from tui.locations import data_dir
    from tui.workbook import StoreError, Workbook

    folder = folder if folder is not None else data_dir(args.data_dir)
    try:
        return Workbook.read_only(folder, chapters, passphrase=passphrase.current(args, folder))
    except StoreError as exc:
        return journal_error(exc)


def plaintext_note(encrypted: bool) -> None:
    """One line on standard error when an encrypted journal's words go out in plain text (exports, JSON)."""
    if encrypted:
        error("note: the journal is encrypted, this output is not: keep it somewhere safe")


def read_content(content_dir: str | None) -> LoadResult | int:
    """The chapters of --content DIR, or the shipped and the user's; an exit code if DIR is missing."""
    from tui.content import load_folders
    from tui.locations import content_folders

    folders = content_folders(content_dir)
    if content_dir is not None and not folders[0].is_dir():
        error(f"no such folder: {folders[0]}")
        return EXIT_CONTENT
    return load_folders(folders)


def load_chapters(content_dir: str | None) -> list[Chapter] | int:
    """The chapters for titles and labels; problems are a warning, not a stop."""
    result = read_content(content_dir)
    if isinstance(result, int):
        return result
    if result.errors:
        count = len(result.errors)
        error(
            f"warning: {count} problem{'s' if count != 1 else ''} in the chapter files "
            "(failforward check-content shows them); those chapters show field ids for labels"
        )
    return result.chapters


def is_journal(target: Path, folder: Path) -> bool:
    """Whether ``target`` is the journal's own file (never to be written over by an export)."""
    from tui.locations import DB_FILE, LOG_FILE

    try:
        return target.resolve() in {(folder / DB_FILE).resolve(), (folder / LOG_FILE).resolve()}
    except OSError:
        return False


class StdoutError(Exception):
    """Standard output could not be written (a full disk, an I/O error); the cause is the OSError."""


def say(text: str = "") -> None:
    """One line of a command's output on standard output.

    A broken pipe propagates as it is (the reader went away: not an error);
    any other failure becomes :class:`StdoutError`, which :func:`tui.cli.main`
    reports in one line, so a full disk is never mistaken for a bug.
    """
    try:
        print(text)
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise StdoutError(str(exc)) from exc


def silence_stdout() -> None:
    """Point standard output at /dev/null, so that the interpreter's last flush has nowhere to fail.

    After a broken pipe or a full disk the bytes still in Python's buffer
    would otherwise be flushed again at exit, and fail with a traceback.
    """
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def is_stdout(output: str | None) -> bool:
    """Whether ``-o`` names standard output: not given, or ``-`` (for every command)."""
    return output is None or output == "-"


def write_stdout(payload: bytes) -> None:
    """All of ``payload`` to standard output, after anything printed before it.

    A buffered write to a pipe may write only part and return the count (the
    reader went away mid-way): write the rest, so that the broken pipe
    surfaces as an error instead of silently cutting the output short.
    """
    try:
        sys.stdout.flush()
        out = sys.stdout.buffer
        view = memoryview(payload)
        while view:
            written = out.write(view)
            view = view[written or 0 :]
        out.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise StdoutError(str(exc)) from exc


def write_output(payload: bytes, output: str | None, done: str | None = None) -> int:
    """Write to FILE (see :func:`tui.output.write_file`), or to standard output for None or ``-``.

    ``done`` is printed once a regular file was written; never after writing
    to a stream (a pipe, ``/dev/stdout``), where it would mix with the output.
    A broken pipe propagates: :func:`tui.cli.main` ends quietly on it.
    """
    from tui.output import OutputError, write_file

    if is_stdout(output):
        write_stdout(payload)
        return EXIT_OK
    assert output is not None
    try:
        written = write_file(Path(output).expanduser(), payload)
    except OutputError as exc:
        error(str(exc))
        return EXIT_ERROR
    if done and written == "file":
        say(done)
    return EXIT_OK


def split(values: list[str] | None) -> list[str] | None:
    """Comma-separated values of a repeatable option, as one list."""
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]
