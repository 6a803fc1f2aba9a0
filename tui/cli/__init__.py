"""The command line: ``failforward`` opens the app; subcommands work without it.

Subcommands (export, import, backup, list, merge, check-content) never import
Textual, so they start fast. Errors are one line on stderr and a documented
non-zero exit code (``EPILOG`` in :mod:`tui.cli.parser`, docs/CLI.md), never a
traceback. One module a concern: :mod:`~tui.cli.parser` (options and help),
:mod:`~tui.cli.common` (exit codes, errors, output), :mod:`~tui.cli.journal`
(export, import, backup, list), :mod:`~tui.cli.merge` (git's merge driver),
:mod:`~tui.cli.run` (the app, check-content).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

from tui.cli.common import EXIT_ERROR, error
from tui.cli.journal import backup, export, import_file, list_setbacks
from tui.cli.merge import merge
from tui.cli.parser import build_parser
from tui.cli.run import check_content, run_app

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "export": export,
    "import": import_file,
    "backup": backup,
    "list": list_setbacks,
    "merge": merge,
}

__all__ = ["build_parser", "main"]


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
                error(f"unexpected error in '{args.command}': {type(exc).__name__}: {exc} (please report it)")
                return EXIT_ERROR
        return run_app(args.data_dir, args.content)
    except KeyboardInterrupt:
        return 130
