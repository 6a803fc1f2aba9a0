"""The real program in a pseudo-terminal: a dropped connection and hostile text."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from tui.locations import glance_file
from tui.store import Store

from .conftest import FIXTURE_CHAPTERS
from .ptyapp import CTRL_S, PtyApp, start_chapter

pytestmark = pytest.mark.slow  # the app in a pseudo-terminal, as a process of its own


@pytest.mark.parametrize("ignore_hup", [False, True], ids=["hup", "hup-ignored"])
def test_hangup_while_typing_saves_a_draft_and_exits_fast(tmp_path: Path, ignore_hup: bool) -> None:
    """The terminal goes away; with SIGHUP ignored (nohup) the app notices all the same."""
    data = tmp_path / "journal"
    app = PtyApp("--data-dir", str(data), "--content", str(FIXTURE_CHAPTERS), ignore_hup=ignore_hup)
    try:
        start_chapter(app, "Dropped connection")
        app.type("typed over ssh")
        app.wait_for_screen("typed over ssh")
        app.hang_up()
        started = time.monotonic()
        code = app.wait_exit(timeout=5)
        assert code is not None, "the app did not exit after its terminal went away"
        # within 2 seconds of the hang-up; with SIGHUP ignored it is noticed by the once-a-second watch
        assert time.monotonic() - started < (2.5 if ignore_hup else 2.0)
    finally:
        app.close()
    with Store(data) as store:
        drafts = store.all("drafts")
    assert drafts and drafts[0]["answers"]["what"] == "typed over ssh"

    again = PtyApp("--data-dir", str(data), "--content", str(FIXTURE_CHAPTERS))
    try:
        again.wait_for_screen("unsaved draft")
        again.type("c")  # continue where you left off
        again.wait_for_screen("Unsaved changes restored")
        again.wait_for_screen("typed over ssh")
    finally:
        again.close()


def test_a_chapter_broken_since_the_last_session_is_said_before_any_screen(tmp_path: Path) -> None:
    """The last session left a glance of home; the chapter files changed since, so it does not stand."""
    data, content = tmp_path / "journal", tmp_path / "chapters"
    shutil.copytree(FIXTURE_CHAPTERS, content)
    app = PtyApp("--data-dir", str(data), "--content", str(content))
    try:
        app.wait_for_screen("n New")
        app.type("\x11")  # ctrl+q: the session ends as a person's does, the glance kept
        assert app.wait_exit(timeout=10) == 0
    finally:
        app.close()
    assert glance_file(data).exists(), "the glance of home, kept as the session ended"
    broken = sorted(content.glob("[!_]*.md"))[0]
    broken.write_text("no front matter at all\n", encoding="utf-8")
    again = PtyApp("--data-dir", str(data), "--content", str(content))
    try:
        assert again.wait_exit(timeout=30) == 2
        said = again.text_since(0)
        assert broken.name in said and "fix the chapter files above" in said
        assert "Setbacks" not in said, "no screen before the chapters are checked"
    finally:
        again.close()


OSC52 = "\x1b]52;c;aGFja2VkIGNsaXBib2FyZA==\x1b\\"  # writes "hacked clipboard" to the clipboard
CLEAR = "\x1b[2J"
C1_CSI = "\x9b31m"
HOSTILE = f"start{OSC52}one{CLEAR}two{C1_CSI}three [bold]four[/bold] [@click=app.quit]five[/]"


def test_hostile_text_never_reaches_the_terminal_or_the_journal(tmp_path: Path) -> None:
    data = tmp_path / "journal"
    app = PtyApp("--data-dir", str(data), "--content", str(FIXTURE_CHAPTERS))
    try:
        start_chapter(app, "Pasted text")
        mark = len(app.output)
        app.type(HOSTILE)
        app.wait_for_screen("[bold]four")  # markup shown as typed, not applied
        app.type(CTRL_S)
        app.wait_for_screen("Saved.")
        shown = app.text_since(mark)
        # Textual's input parser turns the escape sequences into harmless keys; none of
        # the control bytes may come back out to the terminal.
        assert "\x1b]52" not in shown
        assert CLEAR not in shown
        assert "\x9b" not in shown
        assert app.proc.poll() is None  # [@click=app.quit] did nothing
    finally:
        app.close()
    with Store(data) as store:
        saved = store.all("reflections")[0]["answers"]["what"]
    assert all(ch.isprintable() or ch in "\n\t" for ch in saved), repr(saved)
    assert "[bold]four[/bold] [@click=app.quit]five[/]" in saved
    positions = [saved.index(word) for word in ("start", "one", "two", "three")]
    assert positions == sorted(positions)
