"""Opening the workbook, and checking chapter files."""

from __future__ import annotations

import sys
from pathlib import Path

from tui.cli.common import EXIT_CONTENT, EXIT_OK, error, journal_error, read_content, say


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


def run_app(data_dir: str | None, content_dir: str | None) -> int:
    from tui.locations import data_dir as resolve_data_dir
    from tui.workbook import StoreError, Workbook

    result = read_content(content_dir)
    if isinstance(result, int):
        return result
    if result.errors:
        for problem in result.errors:
            error(str(problem))
        error("fix the chapter files above (failforward check-content shows them), then start again")
        return EXIT_CONTENT
    if not result.chapters:
        error(f"no chapter files (*.md) in {content_dir or 'the shipped or your chapters folders'}")
        return EXIT_CONTENT
    try:
        workbook = Workbook.open(resolve_data_dir(data_dir), result.chapters)
    except StoreError as exc:
        return journal_error(exc)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        workbook.close()
        error("the workbook needs a terminal; for scripts, use the commands in 'failforward --help'")
        return EXIT_CONTENT

    from tui.app import WorkbookApp

    app = WorkbookApp(workbook)
    try:
        app.run()
    finally:
        if workbook.lost is not None and app.exit_note is None:  # e.g. the app stopped before it could say
            app.keep_lost_journal()
        workbook.close()
        if app.exit_note:
            error(app.exit_note)
    return app.return_code or EXIT_OK
