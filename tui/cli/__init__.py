"""The command line: ``failforward`` opens the app; subcommands work without it.

Subcommands (export, import, backup, list, actions, encrypt, decrypt, passwd,
merge, check-content, completion, man) never import Textual, so they start fast. Errors are one
line on stderr and a documented non-zero exit code (``EPILOG`` in
:mod:`tui.cli.parser`, docs/CLI.md), never a traceback; a closed pipe ends a
command quietly (141). One module a concern: :mod:`~tui.cli.parser` (options
and help), :mod:`~tui.cli.common` (exit codes, errors, output),
:mod:`~tui.cli.journal` (export, import, backup, list), :mod:`~tui.cli.entries`
(import from jrnl and Day One), :mod:`~tui.cli.actions` (action items, JSON,
iCalendar), :mod:`~tui.cli.encryption` (encrypt, decrypt, passwd),
:mod:`~tui.cli.passphrase` (an encrypted journal's passphrase: the terminal or
a file), :mod:`~tui.cli.merge` (git's merge driver), :mod:`~tui.cli.shell`
(completion, man page), :mod:`~tui.cli.run` (the app, check-content).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from tui.cli.actions import actions
from tui.cli.common import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_PIPE, StdoutError, error, reason, silence_stdout
from tui.cli.encryption import decrypt, encrypt, passwd
from tui.cli.journal import backup, export, import_file, list_setbacks
from tui.cli.merge import merge
from tui.cli.parser import build_parser
from tui.cli.run import check_content, run_app
from tui.cli.shell import completion, man

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "export": export,
    "import": import_file,
    "backup": backup,
    "list": list_setbacks,
    "merge": merge,
    "actions": actions,
    "encrypt": encrypt,
    "decrypt": decrypt,
    "passwd": passwd,
    "completion": completion,
    "man": man,
}

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; what the shell sees: the exit code, and at most one line on stderr.

    A reader that goes away (``failforward list | head -1``) ends the command
    quietly with :data:`EXIT_PIPE` (128 + SIGPIPE, what a shell reports for
    any tool stopped by a closed pipe); standard output that cannot be
    written (a full disk) is one line and :data:`EXIT_ERROR`.
    """
    try:
        code = _run(argv)
        try:
            sys.stdout.flush()  # what is still buffered: a closed pipe or a full disk shows here, not at exit
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise StdoutError(str(exc)) from exc
    except BrokenPipeError:
        silence_stdout()
        return EXIT_PIPE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except StdoutError as exc:
        silence_stdout()
        error(f"cannot write to standard output: {reason(exc)}")
        return EXIT_ERROR
    return code


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.command == "check-content":
        from tui.locations import content_folders

        folders = [Path(args.dir)] if args.dir else content_folders(args.content)
        return check_content(folders)
    if args.command in COMMANDS:
        try:
            return COMMANDS[args.command](args)
        except (KeyboardInterrupt, BrokenPipeError, StdoutError):
            raise
        except Exception:
            return _unexpected(args.command)
    return run_app(args)


def _unexpected(command: str) -> int:
    """Never a traceback: one line, and a code that says "something failed"."""
    exc = sys.exc_info()[1]
    error(f"unexpected error in '{command}': {type(exc).__name__}: {exc} (please report it)")
    return EXIT_ERROR
