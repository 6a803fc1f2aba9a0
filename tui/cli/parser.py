"""The command line's parser: every command, option and help text (``failforward --help``)."""

from __future__ import annotations

import argparse
from typing import NoReturn

from tui import __version__
from tui.cli.common import EXIT_CONTENT

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
  141  standard output was closed early (e.g. piped into 'head'): the command
       stops quietly, as any tool stopped by a closed pipe (128 + SIGPIPE)

environment:
  FAILFORWARD_DATA_DIR    where the journal lives (same as --data-dir)
  FAILFORWARD_CONFIG_DIR  where your own chapters live (in its 'chapters' folder)

commands: export, import, backup, list, check-content (each has --help);
docs/CLI.md describes them with examples.
"""

OUTPUT_NOTE = """\
-o FILE: '-' is standard output. A new file is written atomically, mode 0600.
A symbolic link is written through: its target is replaced atomically and
keeps its mode. A named pipe, a device, /dev/stdout or /dev/fd/N (a shell's
>(command)) is written straight to. A message says where the output went
only when it went to a regular file.
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

"""
    + OUTPUT_NOTE
    + "\n"
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
    + OUTPUT_NOTE
    + "\n"
    + _READ_ONLY_NOTE
    + """
examples:
  failforward backup
  failforward backup -o ~/safe/failforward.json
  failforward backup -o - | gzip > journal.json.gz
"""
)

LIST_HELP = (
    """\
List the setbacks: id (for 'export --setback'), kind, date, chapters done of
all chapters, and title. Archived setbacks are marked.

"""
    + _READ_ONLY_NOTE
)


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr, exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_CONTENT, f"failforward: {message} (see '{self.prog} --help')\n")


def _common_options() -> Parser:
    """--data-dir and --content, accepted after the subcommand too."""
    common = Parser(add_help=False)
    common.add_argument(
        "--data-dir", metavar="DIR", default=argparse.SUPPRESS, help="journal folder (default: the platform's data dir)"
    )
    common.add_argument(
        "--content", metavar="DIR", default=argparse.SUPPRESS, help="load chapters from DIR instead of the shipped ones"
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="failforward",
        description="A terminal workbook for turning a professional setback into career growth.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"failforward {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help="journal folder (default: the platform's data dir)")
    parser.add_argument("--content", metavar="DIR", help="load chapters from DIR instead of the shipped ones")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
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
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output ('-': standard output)")

    imp = add("import", "add a JSON export to the journal (--dry-run first)", IMPORT_HELP)
    imp.add_argument("file", metavar="FILE", help="a JSON export")
    imp.add_argument("--dry-run", action="store_true", help="only report what would be added and skipped")

    backup = add("backup", "copy the journal to a file", BACKUP_HELP)
    backup.add_argument("-o", "--output", metavar="FILE", help="where to write the copy ('-': standard output)")

    add("list", "list the setbacks with their ids and progress", LIST_HELP)

    check = add(
        "check-content",
        "validate chapter files and report every problem",
        "Validate chapter files. Without DIR: the chapters the app would load.",
    )
    check.add_argument("dir", nargs="?", metavar="DIR", help="a folder of chapter files")
    return parser
