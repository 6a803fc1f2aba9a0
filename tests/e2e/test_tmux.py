"""The installed app in a real terminal: tmux at 80x24, three terminal types, a slow link, resizes.

Keys go in with ``tmux send-keys`` (exact bytes with ``-H``), the screen comes
back with ``tmux capture-pane -p`` (``-e`` for colours), and what was saved is
read from the journal on disk after the app has exited.
"""

from __future__ import annotations

import re
import stat
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.content import load_chapters
from tui.store import Store

from ..conftest import FIXTURE_CHAPTERS
from .conftest import SHIPPED_CONTENT, Tmux, app_command, find, open_first_chapter, quit_app, tab_to

SGR = re.compile(r"\x1b\[([0-9;:]*)m")
EXTENDED_COLOUR = re.compile(r"(?:^|;)(?:38|48)[;:](?:5|2)[;:]")
BASIC_COLOUR = re.compile(r"(?:^|;)(?:3[0-7]|4[0-7]|9[0-7]|10[0-7])(?:;|$)")


def sgr_params(screen: str) -> list[str]:
    return SGR.findall(screen)


# -- a whole session, in three terminal types ------------------------------------


@pytest.mark.parametrize("term", ["xterm-256color", "xterm", "screen"])
def test_name_a_setback_fill_a_chapter_save_and_quit(tmux: Tmux, tmp_path: Path, term: str) -> None:
    data = tmp_path / "journal"
    tmux.start(app_command(data, FIXTURE_CHAPTERS, term, config_dir=tmp_path / "config"), 80, 24)
    open_first_chapter(tmux, "Lost the Acme bid")

    tmux.type("They picked a cheaper vendor.\nI never asked about budget.")
    tmux.wait_for("I never asked about budget.")
    tab_to(tmux, "A headline.")  # the one-line answer
    tmux.type("Ask about budget first")
    tmux.wait_for("Ask about budget first")
    tab_to(tmux, "0 fine, 10 awful.")  # the 0-10 scale
    tmux.type("3")
    tmux.wait_for("10  3")
    tmux.keys("C-s")
    tmux.wait_for("Saved.")

    colours = sgr_params(tmux.screen(colours=True))
    assert any(BASIC_COLOUR.search(p) or EXTENDED_COLOUR.search(p) for p in colours), "no colour at all"
    extended = [p for p in colours if EXTENDED_COLOUR.search(p)]
    if term == "xterm-256color":
        assert extended, "TERM=xterm-256color should get 256 (or true) colours"
    else:
        assert not extended, f"TERM={term} has 16 colours, yet the app sent {extended[:5]}"

    quit_app(tmux)
    with Store(data) as store:
        setbacks = store.all("setbacks")
        reflections = store.all("reflections")
        drafts = store.all("drafts")
    assert [s["title"] for s in setbacks] == ["Lost the Acme bid"]
    assert len(reflections) == 1
    answers = reflections[0]["answers"]
    assert reflections[0]["chapter_id"] == "first"
    assert answers["what"] == "They picked a cheaper vendor.\nI never asked about budget."
    assert answers["headline"] == "Ask about budget first"
    assert answers["feeling"] == 3
    assert drafts == []  # saved, so nothing is left as a draft


def test_80x24_in_16_colours_shows_guide_form_and_key_hints(tmux: Tmux, tmp_path: Path) -> None:
    """The shipped first chapter, as seen on the smallest common terminal with 16 colours."""
    chapter = load_chapters([SHIPPED_CONTENT])[0]
    heading = next(line.lstrip("#").strip() for line in chapter.body.splitlines() if line.startswith("#"))
    paragraph = next(line.strip() for line in chapter.body.splitlines() if line.strip() and line.strip()[0].isalpha())
    guide_words = " ".join(paragraph.split()[:4])
    label_words = " ".join(chapter.fields[0].label.split()[:3])

    tmux.start(app_command(tmp_path / "journal", SHIPPED_CONTENT, "xterm", config_dir=tmp_path / "config"), 80, 24)
    open_first_chapter(tmux, "Turned down for the staff role")
    tmux.wait_for(heading, guide_words, label_words)
    screen = tmux.wait_for_footer("Save", "Quit")
    assert tmux.size() == (80, 24)
    lines = screen.removesuffix("\n").split("\n")
    assert len(lines) == 24 and all(len(line) <= 80 for line in lines), "\n".join(map(repr, lines))

    # The guide (a heading and its text), the form (the first question) and the key hints.
    guide_row = find(lines, guide_words)[0]
    label_row = find(lines, label_words)[0]
    assert guide_row < label_row, "at 80 columns the guide sits above the form"
    footer = lines[-1]
    assert "Save" in footer and "Quit" in footer, screen
    assert "^s" in footer, "every action is on a key shown on screen"

    colours = sgr_params(tmux.screen(colours=True))
    assert any(BASIC_COLOUR.search(p) for p in colours), "no colours at all with TERM=xterm"
    assert not [p for p in colours if EXTENDED_COLOUR.search(p)], "TERM=xterm must only get the 16 basic colours"
    quit_app(tmux)


# -- a slow link -----------------------------------------------------------------


@pytest.mark.parametrize(
    "escdelay",
    [None, "1500"],
    ids=["lone-escape-is-the-escape-key", "ESCDELAY-waits-for-the-rest"],
)
def test_keys_split_by_a_slow_link_never_lose_typed_text(tmux: Tmux, tmp_path: Path, escdelay: str | None) -> None:
    data = tmp_path / "journal"
    extra = {"ESCDELAY": escdelay} if escdelay else {}
    tmux.start(app_command(data, FIXTURE_CHAPTERS, "xterm", config_dir=tmp_path / "config", extra_env=extra))
    open_first_chapter(tmux, "Slow link")

    # One byte at a time, with the two bytes of "é" arriving apart.
    for byte in b"caf":
        tmux.raw(bytes([byte]))
    tmux.raw("é".encode()[:1])
    time.sleep(0.3)  # the link stalls mid-character
    tmux.raw("é".encode()[1:])
    tmux.type("\nline two")
    tmux.wait_for("café", "line two")
    typed = "café\nline two"

    # The Up arrow (ESC [ A) split so that ESC arrives alone, well after the app's escape delay
    # (100 ms by default) and well before ESCDELAY=1500.
    tmux.raw(b"\x1b")
    time.sleep(0.3)  # the stall between the bytes is what is tested
    tmux.raw(b"[A")

    if escdelay is None:
        # A lone ESC is the Escape key: the chapter closes, keeping the text as a draft;
        # "[A" then lands on the home screen, where it does nothing.
        tmux.wait_for("unsaved draft", "Setbacks")
        tmux.keys("c")  # continue where you left off: the draft typed a moment ago, not announced again
        tmux.wait_for("unsaved changes", "café", "line two")
        expected = typed
    else:
        # The app waited for the rest of the sequence: it was the Up arrow, the form stays.
        tmux.type("!")
        shown = tmux.wait_for("café!", "line two")
        assert "chapter 1 of" in shown
        expected = "café!\nline two"
    quit_app(tmux)

    with Store(data) as store:
        drafts = store.all("drafts")
    assert [d["answers"]["what"] for d in drafts] == [expected]


# -- resizes -----------------------------------------------------------------------


def side_by_side(lines: list[str], guide: str, label: str) -> bool:
    (g_row, g_col), (l_row, l_col) = find(lines, guide), find(lines, label)
    return l_col > g_col + 30 and abs(l_row - g_row) <= 2


def stacked(lines: list[str], guide: str, label: str) -> bool:
    (g_row, _), (l_row, l_col) = find(lines, guide), find(lines, label)
    return l_row > g_row and l_col < 5


def test_resizes_keep_typed_text_and_adapt_the_layout(tmux: Tmux, tmp_path: Path) -> None:
    data = tmp_path / "journal"
    guide, label = "Intro text.", "What happened?"
    tmux.start(app_command(data, FIXTURE_CHAPTERS, "xterm-256color", config_dir=tmp_path / "config"), 80, 24)
    open_first_chapter(tmux, "Resized")
    tmux.type("typed at 80x24")
    screen = tmux.wait_for("typed at 80x24")
    assert stacked(screen.split("\n"), guide, label)

    typed = ["typed at 80x24"]
    for cols, rows, layout in [(120, 40, side_by_side), (70, 20, stacked), (80, 24, stacked), (100, 30, side_by_side)]:
        tmux.resize(cols, rows)
        # Wait for the app to lay itself out at the new size, with every line still there.
        deadline = time.monotonic() + 10
        while True:
            lines = tmux.lines()
            try:
                ok = layout(lines, guide, label) and all(t in "\n".join(lines) for t in typed)
            except AssertionError:
                ok = False
            if ok and all(len(line) <= cols for line in lines):
                break
            assert time.monotonic() < deadline, f"no {layout.__name__} layout at {cols}x{rows}:\n" + "\n".join(lines)
            time.sleep(0.05)
        line = f"typed at {cols}x{rows}"
        tmux.type("\n" + line)
        typed.append(line)
        tmux.wait_for(line)

    tmux.keys("C-s")
    tmux.wait_for("Saved.")
    quit_app(tmux)
    with Store(data) as store:
        answers = store.all("reflections")[0]["answers"]
        drafts = store.all("drafts")
    assert answers["what"] == "\n".join(typed)
    assert drafts == []


def test_below_the_minimum_size_one_line_then_the_chapter_as_it_was(tmux: Tmux, tmp_path: Path) -> None:
    """At 40x10 the app asks for a bigger window; resized back, the chapter and the typed text are there."""
    data = tmp_path / "journal"
    tmux.start(app_command(data, FIXTURE_CHAPTERS, "xterm", config_dir=tmp_path / "config"), 80, 24)
    open_first_chapter(tmux, "Shrunk")
    tmux.type("typed before the shrink")
    tmux.wait_for("typed before the shrink")

    tmux.resize(40, 10)
    screen = tmux.wait_for("Make the window at least 70x20")
    assert [line.strip() for line in screen.split("\n") if line.strip()] == ["Make the window at least 70x20"]
    tmux.type("zz")  # keys do nothing while the window is too small

    tmux.resize(80, 24)
    screen = tmux.wait_for("typed before the shrink", "chapter 1 of")
    tmux.wait_for_footer("Save")
    assert "zz" not in screen
    tmux.type(", and after")
    tmux.wait_for("typed before the shrink, and after")
    quit_app(tmux)
    with Store(data) as store:
        drafts = [d["answers"]["what"] for d in store.all("drafts")]
    assert drafts == ["typed before the shrink, and after"]


# -- type-ahead: keys that arrive in one burst ------------------------------------------
# Over SSH, keys typed while the link stalls arrive together, in one read. Textual hands
# each key to the focused widget's own queue; the focus moving (Tab) and priority
# bindings (ctrl+q) act before the keys queued ahead of them have been applied.

LONG_ANSWER = "They chose a cheaper vendor, and I never asked about the budget in the first two calls."


def test_keys_typed_right_after_tab_go_to_the_next_field(tmux: Tmux, tmp_path: Path) -> None:
    """Over a slow link a Tab and the next answer arrive in one burst."""
    data = tmp_path / "journal"
    tmux.start(app_command(data, FIXTURE_CHAPTERS, "xterm-256color", config_dir=tmp_path / "config"))
    open_first_chapter(tmux, "Type-ahead")
    tmux.raw(f"first answer\t{LONG_ANSWER}".encode())
    # The draft is written once the keys stop coming: everything typed has been applied then.
    tmux.wait_for("unsaved")
    quit_app(tmux)
    with Store(data) as store:
        answers = store.all("drafts")[0]["answers"]
    assert (answers["what"], answers["headline"]) == ("first answer", LONG_ANSWER)


def test_a_setback_typed_ahead_in_one_burst_is_named_as_typed(tmux: Tmux, tmp_path: Path) -> None:
    """n, a title, Tab Tab Tab, a feeling and Enter in one burst: each key where it goes typed slowly."""
    data = tmp_path / "journal"
    tmux.start(app_command(data, FIXTURE_CHAPTERS, "xterm-256color", config_dir=tmp_path / "config"))
    tmux.wait_for("Setbacks")
    tmux.wait_for_footer("Quit")
    # 7, not 9 or more: that brings the safety note, whose toast can cover the line waited for.
    tmux.raw(b"nLaid off in the reorg\t\t\t7\r")
    tmux.wait_for("Chapters for: Laid off in the reorg")
    quit_app(tmux)
    with Store(data) as store:
        setbacks = [(s["title"], s["feeling"]) for s in store.all("setbacks")]
    assert setbacks == [("Laid off in the reorg", 7)]


def test_text_typed_right_before_ctrl_q_is_kept(tmux: Tmux, tmp_path: Path) -> None:
    """ctrl+q is handled on arrival; the text that came just before it must still be kept."""
    data = tmp_path / "journal"
    tmux.start(app_command(data, FIXTURE_CHAPTERS, "xterm-256color", config_dir=tmp_path / "config"))
    open_first_chapter(tmux, "Quit in a burst")
    tmux.raw(LONG_ANSWER.encode() + b"\x11")  # ... and ctrl+q
    assert tmux.wait_exit() == 0
    with Store(data) as store:
        drafts = [d["answers"]["what"] for d in store.all("drafts")]
    assert drafts == [LONG_ANSWER]


def test_text_typed_right_before_ctrl_s_is_saved(tmux: Tmux, tmp_path: Path) -> None:
    """ctrl+s in the same burst as the text before it saves that text, not what was there before."""
    data = tmp_path / "journal"
    tmux.start(app_command(data, FIXTURE_CHAPTERS, "xterm-256color", config_dir=tmp_path / "config"))
    open_first_chapter(tmux, "Save in a burst")
    tmux.raw(LONG_ANSWER.encode() + b"\x13")  # ... and ctrl+s
    tmux.wait_for("Saved.")
    quit_app(tmux)
    with Store(data) as store:
        saved = [d["answers"]["what"] for d in store.all("reflections")]
        drafts = store.all("drafts")
    assert saved == [LONG_ANSWER]
    assert drafts == []


# -- the data folder removed while the app runs ---------------------------------------


def test_the_data_folder_removed_while_typing_loses_nothing(tmux: Tmux, tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "journal"
    tmux.start(app_command(data, FIXTURE_CHAPTERS, "xterm-256color", config_dir=tmp_path / "config"), 80, 24)
    open_first_chapter(tmux, "Folder pulled away")
    tmux.type("First words")
    tmux.wait_for("First words")
    shutil.rmtree(data)
    tmux.keys("C-s")
    tmux.wait_for("folder is gone")  # the save says why, and the dialog asks where to write the journal
    screen = tmux.screen()
    assert "Saved." not in screen
    assert not data.exists()
    tmux.keys("Enter")  # the original place, recreated
    tmux.wait_for("Journal safe again")
    tmux.keys("C-s")
    tmux.wait_for("Saved.")
    quit_app(tmux)
    with Store(data) as store:
        assert store.all("reflections")[0]["answers"]["what"] == "First words"


def test_quitting_after_the_data_folder_was_removed_says_where_the_work_went(tmux: Tmux, tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "journal"
    tmux.start(app_command(data, FIXTURE_CHAPTERS, "xterm-256color", config_dir=tmp_path / "config"), 80, 24)
    open_first_chapter(tmux, "Quit after the folder went")
    tmux.type("Typed, never saved")
    tmux.wait_for("Typed, never saved")
    shutil.rmtree(data)
    tmux.keys("C-q")
    assert tmux.wait_exit() == 0
    after = " ".join(tmux.screen().split())
    assert "everything this session held was written to" in after, after
    with Store(data) as store:
        assert store.all("drafts")[0]["answers"]["what"] == "Typed, never saved"


def test_a_session_that_ends_leaves_home_drawn_at_once_the_next_time(
    make_tmux: Callable[[], Tmux], tmp_path: Path
) -> None:
    """Quitting keeps home's glance (private, in the cache folder); the next start draws home from it,
    reads the journal, and takes keys as any start does."""
    data, cache = tmp_path / "journal", tmp_path / "cache"
    command = app_command(
        data,
        FIXTURE_CHAPTERS,
        "xterm-256color",
        config_dir=tmp_path / "config",
        extra_env={"FAILFORWARD_CACHE_DIR": str(cache)},
    )
    first = make_tmux()
    first.start(command)
    first.wait_for("Setbacks")
    first.wait_for_footer("Quit")
    first.raw(b"nTurned down for the lead\t\t\t6\r")
    first.wait_for("Chapters for: Turned down for the lead")
    quit_app(first)
    glances = list((cache / "glances").glob("home-*.json"))
    assert len(glances) == 1, "no glance was kept on quitting"
    assert stat.S_IMODE(glances[0].stat().st_mode) == 0o600
    assert "Turned down for the lead" in glances[0].read_text()

    second = make_tmux()
    second.start(command)
    second.wait_for("Chapters for: Turned down for the lead")
    second.raw(b"nLaid off in the reorg\t\t\t7\r")
    second.wait_for("Chapters for: Laid off in the reorg")
    quit_app(second)
    with Store(data) as store:
        titles = sorted(s["title"] for s in store.all("setbacks"))
    assert titles == ["Laid off in the reorg", "Turned down for the lead"]
    assert "Laid off in the reorg" in glances[0].read_text(), "the glance follows the journal"
