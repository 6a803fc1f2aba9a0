"""``failforward merge BASE OURS THEIRS``: git's merge driver for the journal file.

git calls it with its three versions of ``journal.json`` (``%O %A %B``) when
both sides changed the file; the merged journal is written over OURS and exit
code 0 tells git the merge is clean. Answers changed on both sides are both
kept (theirs in the journal's conflicts table), so a merge that could read its
three files is always clean; exit 1 (a file unreadable or not a journal) or 3
(written by a newer failforward) leaves OURS as it was and git reports a
conflict. Reaches the files through :meth:`~tui.workbook.Workbook.merge_files`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tui.cli.common import EXIT_ERROR, EXIT_OK, EXIT_UNKNOWN, error


def merge(args: argparse.Namespace) -> int:
    from tui.workbook import JournalTooNew, StoreError, Workbook

    ours = Path(args.ours)
    try:
        result = Workbook.merge_files(Path(args.base), ours, Path(args.theirs))
    except JournalTooNew as exc:
        error(f"{exc}; nothing was merged")
        return EXIT_UNKNOWN
    except StoreError as exc:
        error(f"{exc}; nothing was merged")
        return EXIT_ERROR
    error(f"merged into {ours}: {result.summary()}")
    return EXIT_OK
