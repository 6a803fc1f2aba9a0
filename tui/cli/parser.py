"""The command line's parser: every command, option and help text (``failforward --help``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

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
  3  no setback with that id, or the journal, export or a file to merge was
     written by a newer failforward (upgrade first)
  4  the passphrase: wrong, or none to be had (no terminal to ask on and no
     --passphrase-file), or a new one empty or typed differently twice;
     nothing was changed
  5  failforward's installed files are not its own: another package also
     provides 'tui' or 'screens', or one of its files is missing or changed
     (reinstall it in its own environment, e.g. pipx install .)
  130  interrupted (ctrl+c)
  141  standard output was closed early (e.g. piped into 'head'): the command
       stops quietly, as any tool stopped by a closed pipe (128 + SIGPIPE)

environment:
  FAILFORWARD_DATA_DIR    where the journal lives (same as --data-dir)
  FAILFORWARD_CONFIG_DIR  where your own chapters live (in its 'chapters' folder)
  FAILFORWARD_STATE_DIR   where this machine keeps the journal's lock
  FAILFORWARD_PASSPHRASE_FILE  a file holding an encrypted journal's passphrase
                          (same as --passphrase-file; docs/ENCRYPTION.md has
                          the caveats)

commands: export, import, backup, list, actions, encrypt, decrypt, passwd,
merge, check-content, completion, man (each has --help);
docs/CLI.md describes them with examples.
"""

OUTPUT_HELP = "write to FILE instead of standard output ('-': standard output)"
DUE_HELP = "7d (due within 7 days, overdue included), overdue, today, or all (the default)"

OUTPUT_NOTE = """\
-o FILE: '-' is standard output. A new file is written atomically, mode 0600.
A symbolic link is written through: its target is replaced atomically and
keeps its mode. A named pipe, a device, /dev/stdout or /dev/fd/N (a shell's
>(command)) is written straight to. A message says where the output went
only when it went to a regular file.
"""

PLAINTEXT_NOTE = """\
The output is plain text even when the journal is encrypted (a line on
standard error says so): keep the file somewhere safe, or delete it when done.
"""

PASSPHRASE_NOTE = """\
An encrypted journal's passphrase is asked for on the terminal, or read from
--passphrase-file FILE (or the file $FAILFORWARD_PASSPHRASE_FILE names) for
scripts and cron; with neither, the command stops (exit code 4).
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

md-folder writes one note per setback into the folder -o DIR (made if
missing), for Obsidian and other note apps: flat front matter (title, date,
tags, setback, status), action items as task lines ("- [ ] text 📅
YYYY-MM-DD"), the answers verbatim. Running it again updates the same notes
(found by their 'setback' property, even when renamed); other files in the
folder are left alone.

"""
    + PLAINTEXT_NOTE
    + "\n"
    + OUTPUT_NOTE
    + "\n"
    + _READ_ONLY_NOTE
    + "\n"
    + PASSPHRASE_NOTE
    + """
examples:
  failforward export -o journal.md
  failforward export --format json -o journal.json
  failforward export --setback 2 --only feedback,goals --redact goals.obstacle
  failforward export --format md-folder -o ~/vault/failforward
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
first. --dry-run only reads (it works while failforward is open). An
encrypted journal's passphrase is asked for on the terminal or read from
--passphrase-file FILE; what is imported is sealed with it.

--from jrnl or --from dayone reads another journal's JSON export instead:
each entry becomes a dated block of text ("YYYY-MM-DD HH:MM · title", its
tags, its text) added, oldest first, to a new setback's free notes (or to
--setback ID's), or with --chapter to a chapter's text answer (e.g.
--chapter acknowledge, or acknowledge.costs). Entries already there
are skipped, so importing the same file again adds nothing.

examples:
  failforward import journal.json --dry-run
  failforward import journal.json
  jrnl --export json > work.json
  failforward import --from jrnl work.json --title "Laid off from Acme" --dry-run
  failforward import --from dayone Journal.json --setback 2 --chapter acknowledge
"""

BACKUP_HELP = (
    """\
Copy the journal file, byte for byte, to FILE (default:
failforward-backup-YYYYMMDD-HHMMSS.json in the current folder), mode 0600.
To restore it: close failforward, then copy it over journal.json in the data
folder (failforward also keeps its last five backups in the folder 'backups').
The copy of an encrypted journal is sealed with its key, as the journal is:
it opens only with the journal's passphrase.

"""
    + OUTPUT_NOTE
    + "\n"
    + _READ_ONLY_NOTE
    + "\n"
    + PASSPHRASE_NOTE
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
all chapters, and title. Archived setbacks are marked. --json prints them for
scripts: plain text, also from an encrypted journal (a line on standard error
says so).

"""
    + _READ_ONLY_NOTE
    + "\n"
    + PASSPHRASE_NOTE
)


ENCRYPT_HELP = """\
Encrypt the journal with a passphrase: the journal, its log of recent saves,
its backups, the copies of damaged files and the screenshots in the data
folder are all written sealed (Argon2id and AES-256-GCM, docs/ENCRYPTION.md),
each checked before it replaces the plain one. A crash midway leaves a journal
that opens as it was or with the new passphrase: nothing is lost. With no
journal yet, it starts an empty encrypted one. Close failforward first.

The new passphrase is typed twice on the terminal (not shown), or read from
--new-passphrase-file FILE for a script. There is no way to recover a
forgotten passphrase: without it the journal is lost.

examples:
  failforward encrypt
  failforward encrypt --new-passphrase-file ~/.config/failforward/passphrase
"""

DECRYPT_HELP = """\
Write the encrypted journal back in plain text: the journal, its backups and
the copies sealed with it, each checked before it replaces the sealed one (a
crash leaves a journal that opens as it was, or in plain text). Copies that
do not open with the passphrase (damaged ones) stay as they are, and are
named. Asks for the current passphrase. Close failforward first.
"""

PASSWD_HELP = """\
Change the encrypted journal's passphrase: a new key (a new salt) seals the
journal, its backups and every copy again, each checked before it replaces
the old one; the old passphrase then opens nothing in the data folder. A
crash leaves a journal that opens with the old passphrase or the new one.
Asks for the current passphrase (or reads --passphrase-file), then for the
new one twice (or reads --new-passphrase-file). Close failforward first.

Copies you made yourself (with 'failforward backup', or of the data folder)
keep the old passphrase.
"""

MERGE_HELP = """\
Merge two versions of a journal file that changed apart, for git as a merge
driver: BASE is the version both sides started from, OURS this machine's
(where the result is written, atomically), THEIRS the other machine's.

Records changed on one side only are taken, and so is everything either side
added. An answer (or any field) changed differently on both sides keeps ours
in place and the other version in the journal's conflicts table: nothing
either side wrote is dropped, so git counts it a clean merge (exit 0). A
record deleted on one side goes only if the other side left it unchanged. A
one-line summary goes to standard error. Needs no terminal and reads no data
folder: --data-dir does not apply.

set up once per repository holding the journal:
  echo 'journal.json merge=failforward' >> .gitattributes
  git config merge.failforward.name "failforward journal merge"
  git config merge.failforward.driver "failforward merge %O %A %B"
"""


COMPLETION_HELP = """\
Print the completion script for your shell: commands, options, their choices
and file names complete with tab. It is generated from the same parser as
--help, so it always knows every option.

install it:
  bash:  failforward completion bash > ~/.local/share/bash-completion/completions/failforward
  zsh:   failforward completion zsh > ~/.zfunc/_failforward
         (with fpath+=~/.zfunc before compinit in ~/.zshrc)
  fish:  failforward completion fish > ~/.config/fish/completions/failforward.fish
"""

MAN_HELP = """\
Print the manual page, failforward(1), generated from the same parser as
--help.

read or install it:
  failforward man | man -l -
  failforward man > ~/.local/share/man/man1/failforward.1
"""


ACTIONS_HELP = (
    """\
List the open action items (the dated steps of checklist questions, e.g. in
"Set clear goals"): due date, setback, chapter and the action, soonest first,
items without a date last. Nothing is printed when nothing matches, so a cron
job mails only when something is due. Archived setbacks' items are left out
unless --setback names one.

--json prints them for scripts; --ics writes an iCalendar file with one
all-day event per dated item. Each item keeps its UID across saves and
exports, so importing the file again (or subscribing to it) updates the
events instead of adding copies.

--json, --ics and -o FILE write plain text even when the journal is
encrypted (a line on standard error says so): keep such files safe.

"""
    + OUTPUT_NOTE
    + "\n"
    + _READ_ONLY_NOTE
    + "\n"
    + PASSPHRASE_NOTE
    + """
examples:
  failforward actions --due 7d
  failforward actions --due overdue --json | jq -r '.[].text'
  failforward actions --ics -o ~/calendars/failforward.ics
"""
)


def _due(text: str) -> Any:
    """--due's value, checked by the parser (a bad one is a usage error, exit code 2)."""
    from tui.export.actions import Due

    try:
        return Due.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr, exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_CONTENT, f"failforward: {message} (see '{self.prog} --help')\n")


PASSPHRASE_FILE_HELP = "read an encrypted journal's passphrase from FILE (mode 0600) instead of asking"


def _common_options() -> Parser:
    """--data-dir, --content and --passphrase-file, accepted after the subcommand too."""
    common = Parser(add_help=False)
    common.add_argument(
        "--data-dir", metavar="DIR", default=argparse.SUPPRESS, help="journal folder (default: the platform's data dir)"
    )
    common.add_argument(
        "--content", metavar="DIR", default=argparse.SUPPRESS, help="load chapters from DIR instead of the shipped ones"
    )
    common.add_argument("--passphrase-file", metavar="FILE", default=argparse.SUPPRESS, help=PASSPHRASE_FILE_HELP)
    return common


class _NotTheApp(Exception):
    """The words given are not only the app's options: the whole parser reads them."""


class _AppParser(Parser):
    def error(self, message: str) -> NoReturn:
        raise _NotTheApp(message)


def parse_command_line(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """``argv`` (default: the process's) read as :func:`build_parser` reads it.

    Starting the app names no command: its few options are read by a parser
    of their own, without building every command's (about 2 ms of each
    start). Any word that parser does not take (a command, help, a mistake:
    it has no positional arguments and no --help) sends the whole argv to the
    whole parser, whose answers and messages are the command line's.
    """
    words = list(sys.argv[1:] if argv is None else argv)
    try:
        return _app_options(_AppParser(prog="failforward", add_help=False)).parse_args(words)
    except _NotTheApp:
        return build_parser().parse_args(words)


def _app_options(parser: Parser) -> Parser:
    """The options of failforward itself (the app's), before any command."""
    parser.add_argument("--version", action="version", version=f"failforward {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help="journal folder (default: the platform's data dir)")
    parser.add_argument("--content", metavar="DIR", help="load chapters from DIR instead of the shipped ones")
    parser.add_argument("--passphrase-file", metavar="FILE", help=PASSPHRASE_FILE_HELP)
    parser.add_argument(
        "--encrypt",
        action="store_true",
        help="on the first start (no journal yet): start the journal encrypted, with a new passphrase",
    )
    parser.set_defaults(command=None)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = _app_options(
        Parser(
            prog="failforward",
            description="A terminal workbook for turning a professional setback into career growth.",
            epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
    )
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
    export.add_argument(
        "--format",
        choices=("md", "json", "md-folder"),
        help="md (Markdown, the default), json, or md-folder (one note per setback into the folder -o DIR)",
    )
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
    export.add_argument("-o", "--output", metavar="FILE", help=OUTPUT_HELP)

    imp = add("import", "add a JSON export to the journal (--dry-run first)", IMPORT_HELP)
    imp.add_argument("file", metavar="FILE", help="a JSON export")
    imp.add_argument(
        "--from",
        dest="source",
        choices=("failforward", "jrnl", "dayone"),
        default="failforward",
        help="what wrote FILE: failforward (the default), jrnl (--export json) or dayone (Journal.json)",
    )
    imp.add_argument("--dry-run", action="store_true", help="only report what would be added and skipped")
    imp.add_argument("--setback", metavar="ID", type=int, help="jrnl/dayone: add to this setback (default: a new one)")
    imp.add_argument("--title", metavar="TEXT", help="jrnl/dayone: the new setback's title")
    imp.add_argument(
        "--chapter",
        metavar="CHAPTER[.FIELD]",
        help="jrnl/dayone: into this chapter's text answer (default: the setback's notes)",
    )

    backup = add("backup", "copy the journal to a file", BACKUP_HELP)
    backup.add_argument("-o", "--output", metavar="FILE", help="where to write the copy ('-': standard output)")

    lister = add("list", "list the setbacks with their ids and progress", LIST_HELP)
    lister.add_argument("--json", action="store_true", help="JSON for scripts (docs/CLI.md shows the shape)")

    acts = add("actions", "list action items by due date, as JSON or as a calendar (.ics)", ACTIONS_HELP)
    acts.add_argument(
        "--due",
        type=_due,
        default="all",
        metavar="WHEN",
        help=DUE_HELP,
    )
    acts.add_argument("--setback", metavar="ID", type=int, help="only this setback's ('failforward list' shows ids)")
    acts.add_argument("--done", action="store_true", help="include items already ticked off")
    form = acts.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="JSON for scripts (docs/CLI.md shows the shape)")
    form.add_argument("--ics", action="store_true", help="an iCalendar file: one all-day event per dated item")
    acts.add_argument("-o", "--output", metavar="FILE", help=OUTPUT_HELP)

    new_file_help = "read the new passphrase from FILE (mode 0600) instead of asking twice"
    enc = add("encrypt", "encrypt the journal with a new passphrase (asks twice)", ENCRYPT_HELP)
    enc.add_argument("--new-passphrase-file", metavar="FILE", help=new_file_help)
    add("decrypt", "write the encrypted journal in plain text again", DECRYPT_HELP)
    pw = add("passwd", "change the encrypted journal's passphrase", PASSWD_HELP)
    pw.add_argument("--new-passphrase-file", metavar="FILE", help=new_file_help)

    merge = add("merge", "merge two versions of a journal file (git merge driver)", MERGE_HELP)
    merge.add_argument("base", metavar="BASE", help="the version both sides changed (git's %%O)")
    merge.add_argument("ours", metavar="OURS", help="this side's version; the result is written here (%%A)")
    merge.add_argument("theirs", metavar="THEIRS", help="the other side's version (%%B)")

    check = add(
        "check-content",
        "validate chapter files and report every problem",
        "Validate chapter files. Without DIR: the chapters the app would load.",
    )
    check.add_argument("dir", nargs="?", metavar="DIR", help="a folder of chapter files")

    comp = add("completion", "print the shell completion script (bash, zsh or fish)", COMPLETION_HELP)
    comp.add_argument("shell", choices=("bash", "zsh", "fish"), metavar="SHELL", help="bash, zsh or fish")
    comp.add_argument("-o", "--output", metavar="FILE", help=OUTPUT_HELP)

    man = add("man", "print the manual page, failforward(1), in roff", MAN_HELP)
    man.add_argument("-o", "--output", metavar="FILE", help=OUTPUT_HELP)
    return parser
