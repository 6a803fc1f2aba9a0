"""``failforward import --from jrnl|dayone FILE``: another journal's entries into a setback.

The mapping (docs/CLI.md): each entry becomes a dated block of text in the
setback's free notes, or in a chapter's text answer with ``--chapter``; a new
setback unless ``--setback ID`` names one. See :mod:`tui.export.entries`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tui.cli import passphrase
from tui.cli.common import EXIT_CONTENT, EXIT_ERROR, EXIT_OK, EXIT_UNKNOWN, error, journal_error, load_chapters, say
from tui.cli.journal import read_json


def import_entries_file(args: argparse.Namespace) -> int:
    from tui.export import ExportError, UnknownSetback
    from tui.export.dayone import parse_dayone
    from tui.export.entries import InvalidTarget, UnsavedDraft, import_entries, source_name
    from tui.export.jrnl import parse_jrnl
    from tui.locations import data_dir
    from tui.workbook import NoJournal, StoreError, Workbook

    path = Path(args.file).expanduser()
    what = f"a {source_name(args.source)} JSON export"
    data, failed = read_json(path, what)
    if failed is not None:
        return failed
    try:
        entries = parse_jrnl(data) if args.source == "jrnl" else parse_dayone(data)
    except ExportError as exc:
        error(f"{path}: {exc}; nothing was imported")
        return EXIT_CONTENT
    chapters = load_chapters(args.content)
    if isinstance(chapters, int):
        return chapters
    folder = data_dir(args.data_dir)
    asked = passphrase.current(args, folder)
    try:
        if args.dry_run:
            try:
                workbook = Workbook.read_only(folder, chapters, passphrase=asked)
            except NoJournal:
                workbook = Workbook.in_memory(chapters)
        else:
            workbook = Workbook.open(folder, chapters, passphrase=asked)
    except StoreError as exc:
        return journal_error(exc)
    try:
        report = import_entries(
            workbook,
            entries,
            args.source,
            setback_id=args.setback,
            title=args.title,
            target=args.chapter,
            dry_run=args.dry_run,
        )
    except UnknownSetback as exc:
        error(f"{exc} (failforward list shows the ids); nothing was imported")
        return EXIT_UNKNOWN
    except InvalidTarget as exc:
        error(f"--chapter: {exc}")
        return EXIT_CONTENT
    except ExportError as exc:
        error(f"{path}: {exc}")
        return EXIT_CONTENT
    except UnsavedDraft as exc:
        error(f"{exc}; nothing was imported")
        return EXIT_ERROR
    except StoreError as exc:
        error(f"{exc}; nothing was imported")
        return EXIT_ERROR
    finally:
        workbook.close()
    say(f"{'checked' if args.dry_run else 'imported'} {path}")
    say(report.summary())
    return EXIT_OK
