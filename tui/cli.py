"""The command line: ``failforward`` opens the app; subcommands work without it.

Subcommands that do not open the app never import Textual, so they start fast.
Errors are one line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from tui import __version__

EXIT_OK = 0
EXIT_ERROR = 1  # the journal could not be opened or written
EXIT_CONTENT = 2  # a chapter file is malformed, or the command line is wrong

EPILOG = """\
exit codes:
  0  success
  1  the journal could not be opened, read or written (the message says why)
  2  a chapter file is malformed, or the command line is wrong

environment:
  FAILFORWARD_DATA_DIR    where the journal lives (same as --data-dir)
  FAILFORWARD_CONFIG_DIR  where your own chapters live (in its 'chapters' folder)
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="failforward",
        description="A terminal workbook for turning a professional setback into career growth.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"failforward {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help="journal folder (default: the platform's data dir)")
    parser.add_argument("--content", metavar="DIR", help="load chapters from DIR instead of the shipped ones")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = sub.add_parser(
        "check-content",
        help="validate chapter files and report every problem",
        description="Validate chapter files. Without DIR: the chapters the app would load.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("dir", nargs="?", metavar="DIR", help="a folder of chapter files")
    return parser


def _error(message: str) -> None:
    print(f"failforward: {message}", file=sys.stderr)


def check_content(folders: list[Path]) -> int:
    from tui.content import load_folders

    missing = [f for f in folders if not f.is_dir()]
    if len(missing) == len(folders):
        _error(f"no such folder: {missing[0]}")
        return EXIT_CONTENT
    result = load_folders(folders)
    for error in result.errors:
        _error(str(error))
    if result.errors:
        return EXIT_CONTENT
    if not result.chapters:
        _error(f"no chapter files (*.md) in {', '.join(str(f) for f in folders)}")
        return EXIT_CONTENT
    print(f"{len(result.chapters)} chapters OK in {', '.join(str(f) for f in folders if f.is_dir())}")
    return EXIT_OK


def run_app(data_dir: str | None, content_dir: str | None) -> int:
    from tui.content import load_folders
    from tui.locations import content_folders
    from tui.locations import data_dir as resolve_data_dir
    from tui.store import Store, StoreError

    folders = content_folders(content_dir)
    if content_dir is not None and not folders[0].is_dir():
        _error(f"no such folder: {folders[0]}")
        return EXIT_CONTENT
    result = load_folders(folders)
    if result.errors:
        for error in result.errors:
            _error(str(error))
        _error("fix the chapter files above (failforward check-content shows them), then start again")
        return EXIT_CONTENT
    if not result.chapters:
        _error(f"no chapter files (*.md) in {', '.join(str(f) for f in folders)}")
        return EXIT_CONTENT
    try:
        store = Store(resolve_data_dir(data_dir))
    except StoreError as exc:
        _error(str(exc))
        return EXIT_ERROR

    from tui.app import make_app

    app = make_app(chapters=result.chapters, store=store)
    try:
        app.run()
    finally:
        store.close()
    return app.return_code or EXIT_OK


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
        return run_app(args.data_dir, args.content)
    except KeyboardInterrupt:
        return 130
