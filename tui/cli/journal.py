"""The commands that read or add to the journal: export, import, backup, list.

export, list and backup only read (a copy, without the journal's lock), so
they work while the app is open; import takes the lock. Each reaches the
journal through the :class:`~tui.workbook.Workbook` alone.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from tui.cli import passphrase
from tui.cli.common import (
    EXIT_CONTENT,
    EXIT_ERROR,
    EXIT_OK,
    EXIT_UNKNOWN,
    error,
    is_journal,
    is_stdout,
    journal_error,
    load_chapters,
    open_read_only,
    plaintext_note,
    reason,
    say,
    split,
    write_output,
)


def export(args: argparse.Namespace) -> int:
    from tui.export import BadSelection, UnknownSetback, export_json, export_markdown
    from tui.locations import data_dir

    fmt = args.format or ("json" if args.output and args.output.lower().endswith(".json") else "md")
    only, redact = split(args.only), split(args.redact)
    if fmt == "json" and (only is not None or redact is not None):
        error("--only and --redact are for Markdown exports; the JSON export always holds everything")
        return EXIT_CONTENT
    if only is not None and not only:
        error("--only needs at least one chapter id")
        return EXIT_CONTENT
    if fmt == "md-folder" and is_stdout(args.output):
        error("--format md-folder writes one note per setback: name a folder with -o DIR")
        return EXIT_CONTENT
    folder = data_dir(args.data_dir)
    if not is_stdout(args.output) and is_journal(Path(args.output).expanduser(), folder):
        error(f"refusing to write over the journal itself ({args.output})")
        return EXIT_CONTENT
    if fmt == "md-folder" and _inside(Path(args.output).expanduser(), folder):
        error(f"refusing to write notes into the journal's folder ({args.output})")
        return EXIT_CONTENT
    chapters = load_chapters(args.content)
    if isinstance(chapters, int):
        return chapters
    workbook = open_read_only(args, chapters, folder)
    if isinstance(workbook, int):
        return workbook
    plaintext_note(workbook.encrypted)
    try:
        if fmt == "md-folder":
            from tui.export.notes import export_notes

            notes = export_notes(workbook, Path(args.output).expanduser(), args.setback, only=only, redact=redact)
        elif fmt == "json":
            data = export_json(workbook, args.setback)
            payload = (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()
            count = len(data["setbacks"])
        else:
            text = export_markdown(workbook, args.setback, only=only, redact=redact)
            payload = text.encode()
            count = 1 if args.setback is not None else len(workbook.setbacks(include_archived=True))
    except UnknownSetback as exc:
        error(f"{exc} (failforward list shows the ids)")
        return EXIT_UNKNOWN
    except BadSelection as exc:
        error(str(exc))
        return EXIT_CONTENT
    finally:
        workbook.close()
    if fmt == "md-folder":
        return _write_notes(Path(args.output).expanduser(), {n.name: n.text.encode() for n in notes}, args.output)
    noun = "setback" if count == 1 else "setbacks"
    done = f"exported {count} {noun} ({'JSON' if fmt == 'json' else 'Markdown'}) to {args.output}"
    return write_output(payload, args.output, done)


def _inside(target: Path, folder: Path) -> bool:
    """Whether ``target`` is the data folder or inside it."""
    try:
        resolved, data = target.resolve(), folder.resolve()
    except OSError:
        return False
    return resolved == data or data in resolved.parents


def _write_notes(target: Path, files: dict[str, bytes], shown: str) -> int:
    from tui.output import OutputError, write_folder

    try:
        write_folder(target, files)
    except OutputError as exc:
        error(str(exc))
        return EXIT_ERROR
    noun = "note" if len(files) == 1 else "notes"
    say(f"exported {len(files)} {noun} (one per setback) to {shown}")
    return EXIT_OK


def read_json(path: Path, what: str, hint: str = "") -> tuple[Any, int | None]:
    """The parsed JSON file at ``path`` and None; or None and an exit code, the reason said in one line.

    ``what`` names what the file should be ("a failforward JSON export");
    ``hint`` follows a bad-JSON message.
    """

    def no_constants(name: str) -> None:
        raise ValueError(f"{name} is not a number JSON allows")

    try:
        raw = path.read_bytes()
    except OSError as exc:
        error(f"cannot read {path}: {reason(exc)}")
        return None, EXIT_ERROR
    try:
        return json.loads(raw, parse_constant=no_constants), None
    except UnicodeDecodeError:
        error(f"{path} is not {what}: it is not UTF-8 text")
    except json.JSONDecodeError as exc:
        error(f"{path} is not {what}: bad JSON at line {exc.lineno}, column {exc.colno} ({exc.msg}){hint}")
    except ValueError as exc:
        error(f"{path} is not {what}: bad JSON ({exc})")
    return None, EXIT_CONTENT


def import_file(args: argparse.Namespace) -> int:
    from tui.export import ExportError, ExportTooNew, import_json, validate_export
    from tui.locations import data_dir
    from tui.workbook import NoJournal, StoreError, Workbook

    if args.source != "failforward":
        from tui.cli.entries import import_entries_file

        return import_entries_file(args)
    if args.setback is not None or args.title is not None or args.chapter is not None:
        error("--setback, --title and --chapter are for --from jrnl or dayone (a failforward export brings its own)")
        return EXIT_CONTENT
    path = Path(args.file).expanduser()
    hint = "; import reads what 'failforward export --format json' writes (--from jrnl|dayone for those)"
    data, failed = read_json(path, "a failforward JSON export", hint)
    if failed is not None:
        return failed
    try:
        validate_export(data)  # before the journal is even opened
    except ExportError as exc:
        error(f"{path}: {exc}; nothing was imported")
        return EXIT_UNKNOWN if isinstance(exc, ExportTooNew) else EXIT_CONTENT
    folder = data_dir(args.data_dir)
    asked = passphrase.current(args, folder)
    try:
        if args.dry_run:
            try:
                workbook = Workbook.read_only(folder, [], passphrase=asked)
            except NoJournal:
                workbook = Workbook.in_memory([])
        else:
            workbook = Workbook.open(folder, [], passphrase=asked)
    except StoreError as exc:
        return journal_error(exc)
    try:
        report = import_json(workbook, data, dry_run=args.dry_run)
    except StoreError as exc:
        error(f"{exc}; nothing was imported")
        return EXIT_ERROR
    finally:
        workbook.close()
    say(f"{'checked' if args.dry_run else 'imported'} {path}")
    say(report.summary())
    return EXIT_OK


def backup(args: argparse.Namespace) -> int:
    from tui.locations import DB_FILE, data_dir
    from tui.workbook import StoreError, Workbook

    folder = data_dir(args.data_dir)
    source = folder / DB_FILE
    try:
        snapshot = Workbook.snapshot(folder, passphrase.current(args, folder))
    except StoreError as exc:
        return journal_error(exc)
    if args.output == "-":
        return write_output(snapshot.raw, "-")
    if args.output:
        target = Path(args.output).expanduser()
        if is_journal(target, folder):
            error(f"refusing to write over the journal itself ({args.output})")
            return EXIT_CONTENT
    else:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = Path(f"failforward-backup-{stamp}.json")
        n = 1
        while target.exists():
            n += 1
            target = Path(f"failforward-backup-{stamp}-{n}.json")
    noun = "setback" if snapshot.setbacks == 1 else "setbacks"
    return write_output(snapshot.raw, str(target), f"backed up {source} ({snapshot.setbacks} {noun}) to {target}")


def list_setbacks(args: argparse.Namespace) -> int:
    from tui.records import Progress

    chapters = load_chapters(args.content)
    if isinstance(chapters, int):
        return chapters
    workbook = open_read_only(args, chapters)
    if isinstance(workbook, int):
        return workbook
    if args.json:
        plaintext_note(workbook.encrypted)
    try:
        progress = workbook.progress_all()  # one pass, not one search per setback
        setbacks = workbook.setbacks(include_archived=True)
    finally:
        workbook.close()
    total = len(chapters)
    if args.json:
        out = []
        for s in setbacks:
            p = progress.get(s.id) or Progress(0, 0, total)
            out.append(
                {
                    "id": s.id,
                    "title": s.title,
                    "kind": s.kind,
                    "date": s.date,
                    "feeling": s.feeling,
                    "archived": s.archived,
                    "created": s.created,
                    "updated": s.updated,
                    "chapters": {"done": p.done, "started": p.started, "total": total},
                }
            )
        return write_output((json.dumps(out, ensure_ascii=False, indent=2) + "\n").encode(), None)
    rows = []
    for s in setbacks:
        title = " ".join(s.title.split("\n")) + (" (archived)" if s.archived else "")
        p = progress.get(s.id) or Progress(0, 0, total)
        rows.append((str(s.id), s.kind, s.date or "-", f"{p.done}/{total}", title))
    if not rows:
        say("no setbacks yet")
        return EXIT_OK
    from tui.cells import pad, width

    rows.insert(0, ("ID", "KIND", "DATE", "DONE", "TITLE"))
    widths = [max(width(row[i]) for row in rows) for i in range(4)]  # terminal cells, not characters
    for ident, kind, date, done, title in rows:
        cells = [pad(ident, widths[0], right=True), pad(kind, widths[1]), pad(date, widths[2]), pad(done, widths[3])]
        say("  ".join([*cells, title]))
    return EXIT_OK
