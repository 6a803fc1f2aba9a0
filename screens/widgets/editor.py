"""Long answers in the person's own editor: ``$VISUAL`` or ``$EDITOR``, through Textual's suspend.

The text goes to a file only its owner can read (0600, in the journal's
folder; an encrypted journal's in memory, never the data folder: see
:meth:`tui.workbook.Workbook.private_temp_path`), the app hands
the terminal to the editor (``App.suspend``: works over SSH and in tmux, as
``git commit`` does), and what the editor saved comes back into the text
area, where the usual draft path keeps it. The file is removed afterwards,
whatever happened. Anything that goes wrong is one plain notification, and
the text area keeps what it had.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import cast

from textual.app import App, SuspendNotSupported
from textual.widgets import TextArea

from screens.base import Host
from tui.sanitize import clean_text
from tui.workbook import StoreError, Workbook

TITLE = "External editor"
NO_EDITOR = "Set $VISUAL or $EDITOR to write in your own editor (e.g. export EDITOR=nano), then press ctrl+e again."


def editor_command(environ: dict[str, str] | os._Environ[str] | None = None) -> list[str] | None:
    """The editor to run, as words: ``$VISUAL``, else ``$EDITOR`` (either may carry options); None if neither."""
    env = os.environ if environ is None else environ
    for name in ("VISUAL", "EDITOR"):
        value = env.get(name, "").strip()
        if value:
            try:
                words = shlex.split(value)
            except ValueError:
                words = value.split()
            if words:
                return words
    return None


@contextlib.contextmanager
def _terminal_handed_over(app: App[object]) -> Iterator[None]:
    """The app suspended while the editor runs; nothing to hand over when there is no terminal (tests)."""
    if app.is_headless:
        yield
        return
    with app.suspend():
        yield


def edit_externally(app: App[object], workbook: Workbook, text: str) -> str | None:
    """Run the editor on ``text``; the edited text, or None (the person was told why) to keep the old one."""
    command = editor_command()
    if command is None:
        app.notify(NO_EDITOR, title=TITLE, severity="warning", timeout=10)
        return None
    try:
        path = workbook.private_temp_path(".md")
    except StoreError as exc:
        app.notify(str(exc), title=TITLE, severity="error", timeout=10)
        return None
    try:
        return _run(app, command, path, text)
    finally:
        with contextlib.suppress(OSError):
            path.unlink()


def _run(app: App[object], command: list[str], path: Path, text: str) -> str | None:
    name = os.path.basename(command[0])
    try:
        path.write_text(text, encoding="utf-8")
        with _terminal_handed_over(app):
            result = subprocess.run([*command, str(path)], check=False)
    except SuspendNotSupported:
        app.notify("This terminal cannot hand itself over to an editor.", title=TITLE, severity="error", timeout=10)
        return None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        app.notify(f"Could not start {name}: {reason}. Your text is unchanged.", title=TITLE, severity="error")
        return None
    if result.returncode != 0:
        app.notify(
            f"{name} ended with exit code {result.returncode}: your text is unchanged.",
            title=TITLE,
            severity="warning",
            timeout=10,
        )
        return None
    try:
        edited = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        app.notify(f"Could not read what {name} saved ({exc}). Your text is unchanged.", title=TITLE, severity="error")
        return None
    return edited.removesuffix("\n") if not text.endswith("\n") else edited  # editors add a final newline


def edit_in_editor(area: TextArea) -> None:
    """ctrl+e in a text area: its text through the editor and back, as one edit (so a draft is written)."""
    workbook = cast(Host, area.app).workbook
    edited = edit_externally(area.app, workbook, area.text)
    if edited is None or edited == area.text:
        area.focus()
        return
    area.replace(clean_text(edited), area.document.start, area.document.end)
    area.focus()
    area.app.notify("Your text is back from the editor.", title=TITLE)
