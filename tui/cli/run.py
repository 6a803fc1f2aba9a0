"""Opening the workbook, and checking chapter files."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tui.cli import passphrase
from tui.cli.common import EXIT_CONTENT, EXIT_OK, error, journal_error, read_content, say

if TYPE_CHECKING:
    from tui.workbook import Workbook

FRAME_WRITER_WAIT = 0.0005  # seconds the interpreter may run one thread before another may take over


def check_content(folders: list[Path]) -> int:
    from tui.content import load_folders

    missing = [f for f in folders if not f.is_dir()]
    if len(missing) == len(folders):
        error(f"no such folder: {missing[0]}")
        return EXIT_CONTENT
    result = load_folders(folders)
    for problem in result.errors:
        error(str(problem))
    for warning in result.warnings:  # worth fixing, but the chapters work: not a failure
        error(f"warning: {warning}")
    if result.errors:
        return EXIT_CONTENT
    if not result.chapters:
        error(f"no chapter files (*.md) in {', '.join(str(f) for f in folders)}")
        return EXIT_CONTENT
    count = len(result.warnings)
    warned = f", {count} warning{'s' if count != 1 else ''}" if count else ""
    say(f"{len(result.chapters)} chapters OK in {', '.join(str(f) for f in folders if f.is_dir())}{warned}")
    return EXIT_OK


def run_app(args: argparse.Namespace) -> int:
    """Open the workbook: on the journal, or first on its passphrase or the first start's choice (in the app).

    The journal is opened here when it can be (plain, or with a passphrase
    file), so that a journal in use or damaged beyond opening is one line
    before any screen; an encrypted one without a file is opened by the app
    once its passphrase is typed.

    Python's garbage collector is off from here to the app's first frame
    (WorkbookApp turns it back on just after): importing Textual and the
    journal's modules, loading the chapters and building the home screen
    make many objects and few cycles, and the collections they set off cost
    about 12 ms of every start.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run_app(args)
    finally:
        if collecting:
            gc.enable()


def _run_app(args: argparse.Namespace) -> int:
    # A start that finds the journal and the chapter files as the last session left
    # them draws home from its glance, and loads the chapters and the journal (their
    # modules too: the chapter loader, the Workbook, TinyDB) after that first frame.
    from tui.app import WorkbookApp
    from tui.locations import content_folders
    from tui.locations import data_dir as resolve_data_dir
    from tui.opening import ChaptersChanged, Glimpse, Opening, StoreError, glimpse_journal, open_journal

    folder = resolve_data_dir(args.data_dir)
    opened: Workbook | Opening | Glimpse | None = None
    content_key = None
    if not args.encrypt:
        try:
            opened = glimpse_journal(folder, content_folders(args.content))
        except StoreError as exc:
            return journal_error(exc)
    if opened is None:
        result = read_content(args.content)
        if isinstance(result, int):
            return result
        if result.errors:
            return _content_errors(result.errors)
        if not result.chapters:
            error(f"no chapter files (*.md) in {args.content or 'the shipped or your chapters folders'}")
            return EXIT_CONTENT
        if args.encrypt:
            from tui.workbook import Workbook

            if Workbook.has_journal(folder) and not Workbook.is_encrypted(folder):
                error(
                    f"--encrypt is for a new journal: the one in {folder} is not encrypted "
                    "('failforward encrypt' does it)"
                )
                return EXIT_CONTENT
        content_key = result.digest
        try:
            opened = open_journal(
                folder,
                result.chapters,
                passphrase=passphrase.from_file_only(args),
                first_start=True,
                encrypt=args.encrypt,
            )
        except StoreError as exc:
            return journal_error(exc)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        if isinstance(opened, Glimpse):
            opened.release()
        elif not isinstance(opened, Opening):
            opened.close()
        error("the workbook needs a terminal; for scripts, use the commands in 'failforward --help'")
        return EXIT_CONTENT

    app = WorkbookApp(opened, content_key=content_key)
    # Textual writes each frame from a thread of its own. While the event loop
    # works on (after ctrl+n, the next chapter's key bar and the rest of its
    # guide), that thread waits for the interpreter lock, 5 ms by default,
    # before the frame just made reaches the terminal; half a millisecond
    # sends it on almost at once.
    switching = sys.getswitchinterval()
    sys.setswitchinterval(FRAME_WRITER_WAIT)
    try:
        app.run()
    finally:
        sys.setswitchinterval(switching)
        if app.journal_open and app.workbook.lost is not None and app.exit_note is None:
            app.keep_lost_journal()  # e.g. the app stopped before it could say
        if app.journal_open:
            from tui.overview import close_keeping_glance

            close_keeping_glance(app.workbook, app.content_key)  # home as it is left: the next start draws it at once
        elif isinstance(opened, Glimpse):
            opened.release()
        if app.exit_note:
            error(app.exit_note)
    if isinstance(app.open_failed, ChaptersChanged):
        return _content_errors(app.open_failed.errors)
    if app.open_failed is not None:
        return journal_error(app.open_failed)
    return app.return_code or EXIT_OK


def _content_errors(problems: Sequence[Exception]) -> int:
    """Say what is wrong with the chapter files; the exit code for it."""
    for problem in problems:
        error(str(problem))
    error("fix the chapter files above (failforward check-content shows them), then start again")
    return EXIT_CONTENT
