"""Typing and pasting into the installed app in tmux: a paste is text, typed and pasted text follow one rule.

``tmux paste-buffer -p`` wraps the buffer in the paste markers (the app asks
for bracketed paste) and sends its bytes as they are, line feeds as CR, as a
terminal does when a person pastes; ``send-keys -l`` types characters one by
one. What was saved is read from the journal after the app has exited.
"""

from __future__ import annotations

import threading
from pathlib import Path

from tui.sanitize import clean_text
from tui.store import Store

from ..conftest import FIXTURE_CHAPTERS, prose
from .conftest import Tmux, app_command, open_first_chapter, quit_app, tab_to, wait_until

END = b"\x1b[201~"
# Every kind of control code a paste can carry: a screen clear, an OSC 52 clipboard write, the
# keys that once closed the chapter and deleted the setback (ESC ESC, ESC d, ESC y), an 8-bit
# CSI, NUL and BEL, a right-to-left override and its pop, a byte that is not UTF-8, a line break.
INTO_TEXT_AREA = (
    b"start\x1b[2J \x1b]52;c;aGFja2Vk\x07one \x1b\x1b\x1bd\x1by two \xc2\x9b31mthree\x00\x07 "
    b"\xe2\x80\xaeevil\xe2\x80\xac \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d\xe2\x80\x8f \xff\nline two"
)
SAVED_TEXT_AREA = "start one  two three evil שלום\u200f \ufffd\nline two"
# A fake end marker, then the keys that would leave the chapter, delete and confirm.
INTO_ONE_LINE = b"kept" + END + b"\x1b\x1b\x1bd\x1by" + b"tail"
SAVED_ONE_LINE = "kepttail"


def test_a_hostile_paste_is_saved_as_its_text_and_presses_no_key(tmux: Tmux, tmp_path: Path) -> None:
    data = tmp_path / "journal"
    tmux.start(app_command(data, FIXTURE_CHAPTERS, "xterm-256color", config_dir=tmp_path / "config"), 80, 24)
    open_first_chapter(tmux, "Pasted")

    tmux.paste(INTO_TEXT_AREA)
    tmux.wait_for("start one  two three evil", "line two")
    tab_to(tmux, "A headline.")  # the one-line answer
    tmux.paste(INTO_ONE_LINE)
    screen = tmux.wait_for(SAVED_ONE_LINE)
    # Still the chapter: no key of the pastes went back, deleted or answered anything.
    assert "chapter 1 of" in screen and "Delete" not in screen, screen
    tmux.keys("C-s")
    tmux.wait_for("Saved.")
    quit_app(tmux)

    with Store(data) as store:
        setbacks = store.all("setbacks")
        answers = store.all("reflections")[0]["answers"]
    assert [s["title"] for s in setbacks] == ["Pasted"]
    assert answers["what"] == SAVED_TEXT_AREA
    assert answers["headline"] == SAVED_ONE_LINE


def test_the_paste_that_deleted_the_setback_deletes_nothing(tmux: Tmux, tmp_path: Path) -> None:
    """Text, then ESC ESC (back), ESC d (delete), ESC y (yes) pasted into a chapter field."""
    data = tmp_path / "journal"
    tmux.start(app_command(data, FIXTURE_CHAPTERS, "xterm", config_dir=tmp_path / "config"), 80, 24)
    open_first_chapter(tmux, "Keep me")

    tmux.paste(b"notes\x1b\x1b\x1bd\x1by\x1b\x1b\x1bd\x1by more")
    screen = tmux.wait_for("notes more")
    assert "chapter 1 of" in screen, screen
    quit_app(tmux)

    with Store(data) as store:
        setbacks = store.all("setbacks")
        drafts = store.all("drafts")
    assert [s["title"] for s in setbacks] == ["Keep me"]
    assert [d["answers"]["what"] for d in drafts] == ["notes more"]


# Latin, a right-to-left override and its pop, isolates, Hebrew with a right-to-left mark, a
# zero-width joiner inside an emoji sequence, a no-break space.
MIXED = "abc\u202eevil\u202c \u2066iso\u2069 שלום\u200f 👩\u200d💻\u00a0x"


def test_typed_and_pasted_bidi_controls_follow_one_rule(tmux: Tmux, tmp_path: Path) -> None:
    data = tmp_path / "journal"
    tmux.start(app_command(data, FIXTURE_CHAPTERS, "xterm-256color", config_dir=tmp_path / "config"), 80, 24)
    open_first_chapter(tmux, "Bidi")

    tmux.type(MIXED)  # typed, one key per character
    tmux.wait_for("abcevil iso")
    tab_to(tmux, "A headline.")
    tmux.paste(MIXED.encode())
    wait_until(lambda: tmux.screen().count("abcevil iso") == 2, 10, lambda: f"the paste never showed:\n{tmux.screen()}")
    tmux.keys("C-s")
    tmux.wait_for("Saved.")
    quit_app(tmux)

    with Store(data) as store:
        answers = store.all("reflections")[0]["answers"]
    expected = clean_text(MIXED)
    assert "\u200f" in expected and "\u202e" not in expected
    assert (answers["what"], answers["headline"]) == (expected, expected)


# -- a very long line, typed key by key --------------------------------------------------

RSS_BUDGET_MB = 150  # the app's memory budget (docs/PERFORMANCE.md)


class PeakMemory:
    """The highest VmHWM of a process, read every 0.1 s until it ends."""

    def __init__(self, pid: int) -> None:
        self.pid, self.mb = pid, 0.0
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        status = Path(f"/proc/{self.pid}/status")
        stop = threading.Event()
        while not stop.wait(0.1):
            try:
                text = status.read_text()
            except OSError:
                return
            for line in text.splitlines():
                if line.startswith("VmHWM:"):
                    self.mb = max(self.mb, int(line.split()[1]) / 1024)


def test_a_20000_character_line_typed_key_by_key_is_kept_within_the_memory_budget(tmux: Tmux, tmp_path: Path) -> None:
    """Keys arrive faster than they are typed in (send-keys, no paste markers): every one is kept.

    Textual re-wrapped and divided the whole line per key, so the keys of a
    20,000-character line took minutes to work through; now they take
    seconds, and memory stays within the app's budget.
    """
    data = tmp_path / "journal"
    tmux.start(app_command(data, FIXTURE_CHAPTERS, "xterm-256color", config_dir=tmp_path / "config"), 80, 24)
    open_first_chapter(tmux, "A long answer")
    memory = PeakMemory(tmux.app_pid())
    text = prose(20_000 - 4, seed=12) + " END"
    for start in range(0, len(text), 500):
        tmux.type(text[start : start + 500])
    tmux.keys("C-q")  # quits once every key before it is in
    assert tmux.wait_exit(timeout=240) == 0, tmux.screen()
    memory.thread.join(timeout=5)

    with Store(data) as store:
        drafts = store.all("drafts")
    assert [d["answers"]["what"] for d in drafts] == [text]
    assert 0 < memory.mb <= RSS_BUDGET_MB, f"peak RSS {memory.mb:.0f} MB"
