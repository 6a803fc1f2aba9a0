"""Writing what the person asked for (an export, a backup) to a file they named.

One function for the command line and the app's export dialog. Files are
written atomically (a crash never leaves half a file) and privately (mode
0600): they hold the person's own words. Nothing here imports Textual.
"""

from __future__ import annotations

from pathlib import Path

from tui.store import SaveError, write_private


class OutputError(Exception):
    """An output file that could not be written; ``str()`` is one line for the person."""


def _reason(exc: BaseException) -> str:
    cause = exc.__cause__
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror
    return str(exc)


def write_file(path: Path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` atomically, mode 0600; raises :class:`OutputError`."""
    try:
        write_private(path, payload)
    except SaveError as exc:
        raise OutputError(f"cannot write {path}: {_reason(exc)}") from exc
