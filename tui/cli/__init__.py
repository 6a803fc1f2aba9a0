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

Before anything else, :func:`main` asks :mod:`tui.ownership` whether the
installed ``tui`` and ``screens`` are failforward's own; when another package
wrote over them it prints one line and exits with :data:`EXIT_BROKEN`. Only
then are the commands' modules imported, each when its command runs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

from tui.ownership import installation_problem

# failforward's own files are not its own (tui.ownership): reinstall it. 4 is a passphrase refused (tui.cli.common).
EXIT_BROKEN = 5

__all__ = ["main"]


@cache
def _installation_problem() -> str | None:
    """Checked once a process: the tests call :func:`main` many times."""
    return installation_problem()


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; what the shell sees: the exit code, and at most one line on stderr.

    A reader that goes away (``failforward list | head -1``) ends the command
    quietly with :data:`EXIT_PIPE` (128 + SIGPIPE, what a shell reports for
    any tool stopped by a closed pipe); standard output that cannot be
    written (a full disk) is one line and :data:`EXIT_ERROR`.
    """
    problem = _installation_problem()
    if problem is not None:  # before importing anything that could be someone else's
        print(problem, file=sys.stderr)
        return EXIT_BROKEN
    from tui.cli.common import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_PIPE, StdoutError, error, reason, silence_stdout

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


# Each command's module is imported only when that command runs.
COMMANDS: dict[str, tuple[str, str]] = {
    "export": ("tui.cli.journal", "export"),
    "import": ("tui.cli.journal", "import_file"),
    "backup": ("tui.cli.journal", "backup"),
    "list": ("tui.cli.journal", "list_setbacks"),
    "merge": ("tui.cli.merge", "merge"),
    "actions": ("tui.cli.actions", "actions"),
    "encrypt": ("tui.cli.encryption", "encrypt"),
    "decrypt": ("tui.cli.encryption", "decrypt"),
    "passwd": ("tui.cli.encryption", "passwd"),
    "completion": ("tui.cli.shell", "completion"),
    "man": ("tui.cli.shell", "man"),
}


def _command(name: str) -> Callable[[argparse.Namespace], int]:
    module, function = COMMANDS[name]
    run: Callable[[argparse.Namespace], int] = getattr(importlib.import_module(module), function)
    return run


def _run(argv: Sequence[str] | None) -> int:
    from tui.cli.common import StdoutError
    from tui.cli.parser import parse_command_line
    from tui.cli.run import check_content, run_app

    try:
        args = parse_command_line(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.command == "check-content":
        from tui.locations import content_folders

        folders = [Path(args.dir)] if args.dir else content_folders(args.content)
        return check_content(folders)
    if args.command in COMMANDS:
        try:
            return _command(args.command)(args)
        except (KeyboardInterrupt, BrokenPipeError, StdoutError):
            raise
        except Exception:
            return _unexpected(args.command)
    return run_app(args)


def _unexpected(command: str) -> int:
    """Never a traceback: one line, and a code that says "something failed"."""
    from tui.cli.common import EXIT_ERROR, error

    exc = sys.exc_info()[1]
    error(f"unexpected error in '{command}': {type(exc).__name__}: {exc} (please report it)")
    return EXIT_ERROR
