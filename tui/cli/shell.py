"""Shell completion and the manual page, both generated from the one parser.

Nothing is written by hand twice: ``failforward completion bash|zsh|fish``
(shtab) and ``failforward man`` (argparse-manpage) read the options, choices
and help texts of :func:`tui.cli.parser.build_parser`, so they cannot fall
behind the commands.
"""

from __future__ import annotations

import argparse

from tui.cli.common import write_output
from tui.cli.parser import build_parser

COMPLETION_SHELLS = ("bash", "zsh", "fish")

# Which arguments name files or folders: completion offers paths for them.
_FILE_ARGS = {"output", "file", "passphrase_file", "new_passphrase_file"}
_DIR_ARGS = {"data_dir", "content", "dir"}


def _parser_for_completion() -> argparse.ArgumentParser:
    """The parser, its path arguments marked so that completion offers files and folders."""
    import shtab

    parser = build_parser()
    stack = [parser]
    while stack:
        current = stack.pop()
        for action in current._actions:
            if action.dest in _FILE_ARGS:
                action.complete = shtab.FILE  # type: ignore[attr-defined]
            elif action.dest in _DIR_ARGS:
                action.complete = shtab.DIRECTORY  # type: ignore[attr-defined]
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._get_subactions():  # the one-line summary, not the long description
                    action.choices[choice.dest].description = choice.help
                stack.extend(action.choices.values())
    return parser


def completion_script(shell: str) -> str:
    """The completion script for ``shell`` (bash, zsh or fish)."""
    import shtab

    return shtab.complete(_parser_for_completion(), shell=shell)


def man_page() -> str:
    """The manual page, failforward(1), in roff."""
    from argparse_manpage.manpage import Manpage

    from tui import __version__

    data = {
        "project_name": "failforward",
        "prog": "failforward",
        "version": __version__,
        "description": "a terminal workbook for turning a professional setback into career growth",
        "manual_section": "1",
        "manual_title": "failforward manual",
        "url": "https://github.com/failforward/failforward",
    }
    # The date in the header: today, or SOURCE_DATE_EPOCH for a reproducible page.
    return str(Manpage(build_parser(), _data=data)) + "\n"


def completion(args: argparse.Namespace) -> int:
    return write_output(completion_script(args.shell).encode(), args.output)


def man(args: argparse.Namespace) -> int:
    return write_output(man_page().encode(), args.output)
