"""The command line: ``failforward`` opens the app; subcommands work without it.

Subcommands (export, import, backup, list, check-content) never import
Textual, so they start fast. Errors are one line on stderr and a documented
non-zero exit code (``EPILOG``, docs/CLI.md), never a traceback.

The read-only commands (export, list, backup, import --dry-run) never take
the journal's lock: they read the journal file, which the app only ever
replaces whole, so they work while the app is open. import takes the lock.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from tui import __version__

if TYPE_CHECKING:
    from tui.content import Chapter, LoadResult

EXIT_OK = 0
EXIT_ERROR = 1  # the journal, or a file named on the command line, could not be opened, read or written
EXIT_CONTENT = 2  # the command line is wrong, a chapter file is malformed, or an import file is not an export
EXIT_UNKNOWN = 3  # no such setback, or a journal or export written by a newer failforward

EPILOG = """\
exit codes:
  0  success
  1  the journal, or a file you named, could not be opened, read or written
     (missing, unreadable, unwritable, open in another session for import;
     the message says why)
  2  the command line is wrong, a chapter file is malformed, or the file to
     import is not a failforward JSON export (bad JSON, bad records)
  3  no setback with that id, or the journal or export was written by a
     newer failforward (upgrade first)
  130  interrupted (ctrl+c)

environment:
  FAILFORWARD_DATA_DIR    where the journal lives (same as --data-dir)
  FAILFORWARD_CONFIG_DIR  where your own chapters live (in its 'chapters' folder)

commands: export, import, backup, list, check-content (each has --help);
docs/CLI.md describes them with examples.
"""

_READ_ONLY_NOTE = """\
This command only reads the journal: it never takes the journal's lock and
never writes to the data folder, so it works while failforward is open. The
journal file is only ever replaced whole, so what it reads is one complete
saved state (unsaved text on screen is not in it until the app saves it).
"""

EXPORT_HELP = (
    """\
Export the journal, or one setback, to Markdown (default) or JSON.

Markdown is a readable case file, e.g. for a mentor: YAML front matter (the
setbacks, when it was exported, and exactly what was left out), then each
chapter with every question and your answer verbatim in a fenced block, then
action items with due dates. JSON holds everything (setbacks, reflections,
drafts, action items, check-ins) and is what 'failforward import' reads.
Without --format, a FILE ending in .json gets JSON, anything else Markdown.
Output files are written atomically and only you can read them (mode 0600).

"""
    + _READ_ONLY_NOTE
    + """
examples:
  failforward export -o journal.md
  failforward export --format json -o journal.json
  failforward export --setback 2 --only feedback,goals --redact goals.obstacle
"""
)

IMPORT_HELP = """\
Add a JSON export (from 'failforward export --format json') to the journal.

The whole file is checked before anything is written: a bad file changes
nothing. Setbacks get new ids. What the journal already has is skipped: the
same setback (title and creation time), the same reflection or draft (setback,
chapter and save time), the same action item or check-in. A reflection for a
setback and chapter the journal has in a different version is not imported:
the journal's version is kept, and the summary says so. Everything is added in
one durable write. Importing needs the journal to itself: close failforward
first. --dry-run only reads (it works while failforward is open).

examples:
  failforward import journal.json --dry-run
  failforward import journal.json
"""

BACKUP_HELP = (
    """\
Copy the journal file, byte for byte, to FILE (default:
failforward-backup-YYYYMMDD-HHMMSS.json in the current folder), mode 0600.
To restore it: close failforward, then copy it over journal.json in the data
folder (failforward also keeps its last five backups in the folder 'backups').

"""
    + _READ_ONLY_NOTE
    + """
examples:
  failforward backup
  failforward backup -o ~/safe/failforward.json
"""
)

LIST_HELP = (
    """\
List the setbacks: id (for 'export --setback'), kind, date, chapters done of
all chapters, and title. Archived setbacks are marked.

"""
    + _READ_ONLY_NOTE
)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr, exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_CONTENT, f"failforward: {message} (see '{self.prog} --help')\n")


def _common_options() -> argparse.ArgumentParser:
    """--data-dir and --content, accepted after the subcommand too."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir", metavar="DIR", default=argparse.SUPPRESS, help="journal folder (default: the platform's data dir)"
    )
    common.add_argument(
        "--content", metavar="DIR", default=argparse.SUPPRESS, help="load chapters from DIR instead of the shipped ones"
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="failforward",
        description="A terminal workbook for turning a professional setback into career growth.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"failforward {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help="journal folder (default: the platform's data dir)")
    parser.add_argument("--content", metavar="DIR", help="load chapters from DIR instead of the shipped ones")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    common = _common_options()

    def add(name: str, summary: str, description: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=summary,
            description=description,
            epilog=EPILOG,
            parents=[common],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    export = add("export", "export the journal or one setback to Markdown or JSON", EXPORT_HELP)
    export.add_argument("--setback", metavar="ID", type=int, help="only this setback ('failforward list' shows ids)")
    export.add_argument("--format", choices=("md", "json"), help="md (Markdown, the default) or json")
    export.add_argument(
        "--only",
        metavar="CHAPTER,...",
        action="append",
        help="Markdown: include only these chapters (ids, comma-separated)",
    )
    export.add_argument(
        "--redact",
        metavar="FIELD,...",
        action="append",
        help="Markdown: leave out these answers (chapter.field, or a field id for every chapter)",
    )
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")

    imp = add("import", "add a JSON export to the journal (--dry-run first)", IMPORT_HELP)
    imp.add_argument("file", metavar="FILE", help="a JSON export")
    imp.add_argument("--dry-run", action="store_true", help="only report what would be added and skipped")

    backup = add("backup", "copy the journal to a file", BACKUP_HELP)
    backup.add_argument("-o", "--output", metavar="FILE", help="where to write the copy")

    add("list", "list the setbacks with their ids and progress", LIST_HELP)

    check = add(
        "check-content",
        "validate chapter files and report every problem",
        "Validate chapter files. Without DIR: the chapters the app would load.",
    )
    check.add_argument("dir", nargs="?", metavar="DIR", help="a folder of chapter files")
    return parser


def _error(message: str) -> None:
    print(f"failforward: {' '.join(str(message).split(chr(10)))}", file=sys.stderr)


def check_content(folders: list[Path]) -> int:
    from tui.content import load_folders

    missing = [f for f in folders if not f.is_dir()]
    if len(missing) == len(folders):
        _error(f"no such folder: {missing[0]}")
        return EXIT_CONTENT
    result = load_folders(folders)
    for error in result.errors:
        _error(str(error))
    for warning in result.warnings:  # worth fixing, but the chapters work: not a failure
        _error(f"warning: {warning}")
    if result.errors:
        return EXIT_CONTENT
    if not result.chapters:
        _error(f"no chapter files (*.md) in {', '.join(str(f) for f in folders)}")
        return EXIT_CONTENT
    count = len(result.warnings)
    warned = f", {count} warning{'s' if count != 1 else ''}" if count else ""
    print(f"{len(result.chapters)} chapters OK in {', '.join(str(f) for f in folders if f.is_dir())}{warned}")
    return EXIT_OK


def run_app(data_dir: str | None, content_dir: str | None) -> int:
    from tui.locations import data_dir as resolve_data_dir
    from tui.store import JournalTooNew, Store, StoreError

    result = _read_content(content_dir)
    if isinstance(result, int):
        return result
    if result.errors:
        for error in result.errors:
            _error(str(error))
        _error("fix the chapter files above (failforward check-content shows them), then start again")
        return EXIT_CONTENT
    if not result.chapters:
        _error(f"no chapter files (*.md) in {content_dir or 'the shipped or your chapters folders'}")
        return EXIT_CONTENT
    try:
        store = Store(resolve_data_dir(data_dir))
    except StoreError as exc:
        _error(str(exc))
        return EXIT_UNKNOWN if isinstance(exc, JournalTooNew) else EXIT_ERROR
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        store.close()
        _error("the workbook needs a terminal; for scripts, use the commands in 'failforward --help'")
        return EXIT_CONTENT

    from tui.app import make_app

    app = make_app(chapters=result.chapters, store=store)
    try:
        app.run()
    finally:
        store.close()
    return app.return_code or EXIT_OK


def _reason(exc: BaseException) -> str:
    """Why an OS operation failed, in a few words."""
    cause = exc if isinstance(exc, OSError) else exc.__cause__
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror
    return str(exc)


def _journal_error(exc: Exception) -> int:
    from tui.store import JournalTooNew

    _error(str(exc))
    return EXIT_UNKNOWN if isinstance(exc, JournalTooNew) else EXIT_ERROR


def _read_content(content_dir: str | None) -> LoadResult | int:
    """The chapters of --content DIR, or the shipped and the user's; an exit code if DIR is missing."""
    from tui.content import load_folders
    from tui.locations import content_folders

    folders = content_folders(content_dir)
    if content_dir is not None and not folders[0].is_dir():
        _error(f"no such folder: {folders[0]}")
        return EXIT_CONTENT
    return load_folders(folders)


def _load_chapters(content_dir: str | None) -> list[Chapter] | int:
    """The chapters for titles and labels; problems are a warning, not a stop."""
    result = _read_content(content_dir)
    if isinstance(result, int):
        return result
    if result.errors:
        count = len(result.errors)
        _error(
            f"warning: {count} problem{'s' if count != 1 else ''} in the chapter files "
            "(failforward check-content shows them); those chapters show field ids for labels"
        )
    return result.chapters


def _is_journal(target: Path, folder: Path) -> bool:
    from tui.locations import DB_FILE, LOG_FILE

    try:
        return target.resolve() in {(folder / DB_FILE).resolve(), (folder / LOG_FILE).resolve()}
    except OSError:
        return False


def _write_output(payload: bytes, output: str | None) -> int:
    """Write to FILE atomically (mode 0600), or to standard output."""
    from tui.store import SaveError, write_private

    if output is None or output == "-":
        try:
            sys.stdout.buffer.write(payload)
            sys.stdout.buffer.flush()
        except BrokenPipeError:  # e.g. piped into head: not an error worth a message
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return EXIT_ERROR
        return EXIT_OK
    target = Path(output).expanduser()
    try:
        write_private(target, payload)
    except SaveError as exc:
        _error(f"cannot write {target}: {_reason(exc)}")
        return EXIT_ERROR
    return EXIT_OK


def _split(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def export(args: argparse.Namespace) -> int:
    from tui.export import BadSelection, UnknownSetback, export_json, export_markdown, read_journal
    from tui.locations import data_dir
    from tui.store import StoreError

    fmt = args.format or ("json" if args.output and args.output.lower().endswith(".json") else "md")
    only, redact = _split(args.only), _split(args.redact)
    if fmt == "json" and (only is not None or redact is not None):
        _error("--only and --redact are for Markdown exports; the JSON export always holds everything")
        return EXIT_CONTENT
    if only is not None and not only:
        _error("--only needs at least one chapter id")
        return EXIT_CONTENT
    folder = data_dir(args.data_dir)
    if args.output not in (None, "-") and _is_journal(Path(args.output).expanduser(), folder):
        _error(f"refusing to write over the journal itself ({args.output})")
        return EXIT_CONTENT
    chapters = _load_chapters(args.content)
    if isinstance(chapters, int):
        return chapters
    try:
        store = read_journal(folder)
    except StoreError as exc:
        return _journal_error(exc)
    try:
        if fmt == "json":
            data = export_json(store, chapters, args.setback)
            payload = (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()
            count = len(data["setbacks"])
        else:
            text = export_markdown(store, chapters, args.setback, only=only, redact=redact)
            payload = text.encode()
            count = 1 if args.setback is not None else len(store.all("setbacks"))
    except UnknownSetback as exc:
        _error(f"{exc} (failforward list shows the ids)")
        return EXIT_UNKNOWN
    except BadSelection as exc:
        _error(str(exc))
        return EXIT_CONTENT
    finally:
        store.close()
    code = _write_output(payload, args.output)
    if code == EXIT_OK and args.output not in (None, "-"):
        noun = "setback" if count == 1 else "setbacks"
        print(f"exported {count} {noun} ({'JSON' if fmt == 'json' else 'Markdown'}) to {args.output}")
    return code


def import_file(args: argparse.Namespace) -> int:
    from tui.export import ExportError, ExportTooNew, NoJournal, import_json, read_journal, validate_export
    from tui.locations import data_dir
    from tui.store import Store, StoreError

    path = Path(args.file).expanduser()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        _error(f"cannot read {path}: {_reason(exc)}")
        return EXIT_ERROR

    def no_constants(name: str) -> None:
        raise ValueError(f"{name} is not a number JSON allows")

    try:
        data = json.loads(raw, parse_constant=no_constants)
    except UnicodeDecodeError:
        _error(f"{path} is not a failforward JSON export: it is not UTF-8 text")
        return EXIT_CONTENT
    except json.JSONDecodeError as exc:
        _error(
            f"{path} is not a failforward JSON export: bad JSON at line {exc.lineno}, column {exc.colno} "
            f"({exc.msg}); import reads what 'failforward export --format json' writes"
        )
        return EXIT_CONTENT
    except ValueError as exc:
        _error(f"{path} is not a failforward JSON export: bad JSON ({exc})")
        return EXIT_CONTENT
    try:
        validate_export(data)  # before the journal is even opened
    except ExportError as exc:
        _error(f"{path}: {exc}; nothing was imported")
        return EXIT_UNKNOWN if isinstance(exc, ExportTooNew) else EXIT_CONTENT
    folder = data_dir(args.data_dir)
    try:
        if args.dry_run:
            try:
                store = read_journal(folder)
            except NoJournal:
                store = Store(None)
        else:
            store = Store(folder)
    except StoreError as exc:
        return _journal_error(exc)
    try:
        report = import_json(store, data, dry_run=args.dry_run)
    except StoreError as exc:
        _error(f"{exc}; nothing was imported")
        return EXIT_ERROR
    finally:
        store.close()
    print(f"{'checked' if args.dry_run else 'imported'} {path}")
    print(report.summary())
    return EXIT_OK


def backup(args: argparse.Namespace) -> int:
    import time

    from tui.export import load_journal
    from tui.locations import DB_FILE, data_dir
    from tui.store import SaveError, StoreError, encode, write_private

    folder = data_dir(args.data_dir)
    source = folder / DB_FILE
    try:
        loaded = load_journal(folder)
    except StoreError as exc:
        return _journal_error(exc)
    # The file as it is when it holds everything; with the saves of an open session's log, the whole state.
    raw = encode(loaded.data) if loaded.saves else loaded.raw
    setbacks = len(loaded.data.get("setbacks", {}))
    if args.output:
        target = Path(args.output).expanduser()
        if _is_journal(target, folder):
            _error(f"refusing to write over the journal itself ({args.output})")
            return EXIT_CONTENT
    else:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = Path(f"failforward-backup-{stamp}.json")
        n = 1
        while target.exists():
            n += 1
            target = Path(f"failforward-backup-{stamp}-{n}.json")
    try:
        write_private(target, raw)
    except SaveError as exc:
        _error(f"cannot write {target}: {_reason(exc)}")
        return EXIT_ERROR
    noun = "setback" if setbacks == 1 else "setbacks"
    print(f"backed up {source} ({setbacks} {noun}) to {target}")
    return EXIT_OK


def list_setbacks(args: argparse.Namespace) -> int:
    from collections import Counter

    from tui.export import read_journal
    from tui.locations import data_dir
    from tui.store import StoreError
    from tui.workbook import Workbook

    chapters = _load_chapters(args.content)
    if isinstance(chapters, int):
        return chapters
    try:
        store = read_journal(data_dir(args.data_dir))
    except StoreError as exc:
        return _journal_error(exc)
    try:
        known = {c.id for c in chapters}
        done: Counter[int] = Counter(  # one pass, not one search per setback
            r.get("setback_id")
            for r in store.all("reflections")
            if r.get("status") == "done" and r.get("chapter_id") in known
        )
        rows = []
        for s in Workbook(store, chapters).setbacks(include_archived=True):
            title = " ".join(s.title.split("\n")) + (" (archived)" if s.archived else "")
            rows.append((str(s.id), s.kind, s.date or "-", f"{done[s.id]}/{len(chapters)}", title))
    finally:
        store.close()
    if not rows:
        print("no setbacks yet")
        return EXIT_OK
    rows.insert(0, ("ID", "KIND", "DATE", "DONE", "TITLE"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        ident, kind, date, done, title = row
        print(
            "  ".join(
                [ident.rjust(widths[0]), kind.ljust(widths[1]), date.ljust(widths[2]), done.ljust(widths[3]), title]
            )
        )
    return EXIT_OK


COMMANDS = {"export": export, "import": import_file, "backup": backup, "list": list_setbacks}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        if args.command == "check-content":
            from tui.locations import content_folders

            folders = [Path(args.dir)] if args.dir else content_folders(args.content)
            return check_content(folders)
        if args.command in COMMANDS:
            try:
                return COMMANDS[args.command](args)
            except KeyboardInterrupt:
                raise
            except Exception as exc:  # never a traceback: one line, and a code that says "something failed"
                _error(f"unexpected error in '{args.command}': {type(exc).__name__}: {exc} (please report it)")
                return EXIT_ERROR
        return run_app(args.data_dir, args.content)
    except KeyboardInterrupt:
        return 130
