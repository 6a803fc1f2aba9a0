"""``failforward actions``: the dated commitments, for a prompt, cron or a calendar.

Reads a copy of the journal (never its lock), like ``list`` and ``export``.
The table prints nothing when no item matches, so a cron job mails only when
something is due.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json

from tui.cli.common import (
    EXIT_OK,
    EXIT_UNKNOWN,
    error,
    is_stdout,
    load_chapters,
    open_read_only,
    plaintext_note,
    say,
    write_output,
)


def actions(args: argparse.Namespace) -> int:
    from tui.export.actions import action_rows, rows_ics, rows_json

    chapters = load_chapters(args.content)
    if isinstance(chapters, int):
        return chapters
    workbook = open_read_only(args, chapters)
    if isinstance(workbook, int):
        return workbook
    if args.json or args.ics or not is_stdout(args.output):
        plaintext_note(workbook.encrypted)
    now = dt.datetime.now().astimezone()
    try:
        if args.setback is not None and workbook.setback(args.setback) is None:
            error(f"no setback with id {args.setback} (failforward list shows the ids)")
            return EXIT_UNKNOWN
        rows = action_rows(workbook, now.date(), args.due, include_done=args.done, setback_id=args.setback)
    finally:
        workbook.close()
    if args.ics:
        payload, undated = rows_ics(rows, now)
        dated = len(rows) - undated
        note = f" ({undated} without a due date left out)" if undated else ""
        noun = "action item" if dated == 1 else "action items"
        return write_output(payload, args.output, f"wrote {dated} {noun} to {args.output}{note}")
    if args.json:
        text = json.dumps(rows_json(rows), ensure_ascii=False, indent=2) + "\n"
        return write_output(text.encode(), args.output)
    if not rows:
        return EXIT_OK  # nothing due: nothing printed (cron sends no mail)
    lines = [("DUE", "SETBACK", "CHAPTER", "ACTION")]
    for row in rows:
        due = row.due or "-"
        if row.done:
            due += " done"
        elif row.overdue:
            due += " overdue"
        lines.append((due, f"{row.setback_id} {row.setback}", row.chapter_id, row.text))
    widths = [max(len(line[i]) for line in lines) for i in range(3)]
    table = "\n".join(
        "  ".join([*(cell.ljust(widths[i]) for i, cell in enumerate(line[:3])), line[3]]) for line in lines
    )
    if is_stdout(args.output):
        say(table)
        return EXIT_OK
    return write_output((table + "\n").encode(), args.output)
