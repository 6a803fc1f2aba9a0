"""Home's glance: drawn on the next start before the journal is read, only when it still stands for the journal.

tui/overview.py keeps it; the app (tui/app.py) draws home from it, reads the
journal right after that first frame, holds the keys typed meanwhile and
draws again whatever differs.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import stat
from pathlib import Path

import pytest
from textual.widgets import Label, OptionList
from textual.widgets._footer import FooterKey

from screens.dialogs.setback import SetbackDialog
from screens.home import HomeScreen
from tui.app import WorkbookApp, make_app
from tui.content import load_checked
from tui.locations import LOG_FILE, content_folders, glance_file
from tui.opening import ChaptersChanged, Glimpse, glimpse_journal, open_journal
from tui.overview import close_keeping_glance, glance_of, load_glance
from tui.sources import chapter_files, content_digest
from tui.workbook import JournalLocked, StoreError, Workbook

from .conftest import FAST_KDF, FIXED_NOW, FIXTURE_CHAPTERS, fixed_clock

TODAY = FIXED_NOW.date()


def chapters() -> list:
    return load_checked([FIXTURE_CHAPTERS]).chapters


def content() -> str:
    """The digest of the fixture chapters' files, as the command line has it from loading them."""
    return load_checked([FIXTURE_CHAPTERS]).digest


def left_with(folder: Path, *titles: str) -> Workbook:
    """A journal with ``titles`` as setbacks (the first with a draft and an action), left open."""
    workbook = Workbook.open(folder, chapters(), fixed_clock)
    for title in titles:
        workbook.add_setback(title, "rejection", "2026-03-01", 6)
    if titles:
        first = workbook.setbacks()[0]
        workbook.save_draft(first.id, "first", {"what": "half a sentence"})
        workbook.check_in(first.id, 7)
    return workbook


def glimpse_on(folder: Path) -> Glimpse:
    opened = glimpse_journal(folder, [FIXTURE_CHAPTERS], fixed_clock)
    assert isinstance(opened, Glimpse), "the glance should stand for the journal as it was left"
    return opened


def footer_keys(home: HomeScreen) -> list[str]:
    return [str(key.description) for key in home.query(FooterKey)]


def setback_lines(home: HomeScreen) -> list[str]:
    options = home.query_one("#setbacks", OptionList)
    return [str(options.get_option_at_index(i).prompt).split("\n")[0] for i in range(options.option_count)]


# -- the glance on disk -------------------------------------------------------------------


def test_the_glance_left_on_closing_is_home_as_the_journal_shows_it(data_dir: Path) -> None:
    workbook = left_with(data_dir, "Laid off", "Turned down")
    expected = glance_of(workbook)
    close_keeping_glance(workbook, content())
    assert load_glance(data_dir, content(), TODAY) == expected
    assert [row.title for row in expected.overview.setbacks] == ["Turned down", "Laid off"]
    assert expected.detail.ratings == (6, 7)  # the feeling given when it was named, then the check-in
    assert expected.overview.drafts_line == "1 unsaved draft (marked *)"


def test_the_glance_is_private_and_never_in_the_data_folder(data_dir: Path) -> None:
    close_keeping_glance(left_with(data_dir, "Laid off"), content())
    path = glance_file(data_dir)
    assert path.exists()
    assert data_dir.resolve() not in path.resolve().parents
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def _saved_again(folder: Path) -> None:
    workbook = Workbook.open(folder, chapters(), fixed_clock)
    workbook.add_setback("Another one")
    workbook.close()


def _saves_in_the_log(folder: Path) -> None:
    (folder / LOG_FILE).write_bytes(b"")


def _conflict_copy(folder: Path) -> None:
    (folder / "journal.sync-conflict-20260301-101010-ABCDEFG.json").write_bytes(b"{}")


@pytest.mark.parametrize(
    "change",
    [_saved_again, _saves_in_the_log, _conflict_copy],
    ids=["journal-written-since", "saves-in-the-log", "a-conflict-copy-came"],
)
def test_a_glance_stands_only_for_the_files_as_they_were_left(data_dir: Path, change: object) -> None:
    close_keeping_glance(left_with(data_dir, "Laid off"), content())
    assert load_glance(data_dir, content(), TODAY) is not None
    change(data_dir)  # type: ignore[operator]
    assert load_glance(data_dir, content(), TODAY) is None


def test_a_glance_stands_only_for_the_same_day_chapter_files_and_version(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    close_keeping_glance(left_with(data_dir, "Laid off"), content())
    assert load_glance(data_dir, content(), TODAY + dt.timedelta(days=1)) is None  # "overdue" and look backs move
    assert load_glance(data_dir, content_digest([FIXTURE_CHAPTERS, FIXTURE_CHAPTERS]), TODAY) is None
    monkeypatch.setattr("tui.overview.__version__", "99.0")
    assert load_glance(data_dir, content(), TODAY) is None


def copied_chapters(tmp_path: Path) -> Path:
    folder = tmp_path / "chapters"
    shutil.copytree(FIXTURE_CHAPTERS, folder)
    return folder


def test_the_digest_a_start_checks_is_the_one_loading_the_chapters_gives(tmp_path: Path) -> None:
    """Were they to differ, no start would ever be drawn from its glance."""
    folders = [copied_chapters(tmp_path), tmp_path / "not there"]
    assert load_checked(folders).digest == content_digest(folders)
    assert load_checked(content_folders(None)).digest == content_digest(content_folders(None))


@pytest.mark.parametrize("change", ["a title", "a byte of the guide", "a file gone", "a file more"])
def test_a_glance_stands_only_for_the_chapter_files_as_they_were_loaded(tmp_path: Path, change: str) -> None:
    folder = copied_chapters(tmp_path)
    before = content_digest([folder])
    first = chapter_files(folder)[0]
    text = first.read_text(encoding="utf-8")
    if change == "a title":
        first.write_text(text.replace("title:", "title: Renamed", 1), encoding="utf-8")
    elif change == "a byte of the guide":
        first.write_text(text + " ", encoding="utf-8")
    elif change == "a file gone":
        first.unlink()
    else:
        (folder / "zz-more.md").write_text(text, encoding="utf-8")
    assert content_digest([folder]) != before


def test_a_chapter_file_that_cannot_be_read_gives_no_digest(tmp_path: Path) -> None:
    folder = copied_chapters(tmp_path)
    chapter_files(folder)[0].write_bytes(b"\xff\xfe not UTF-8")
    assert content_digest([folder]) is None  # no glance: the loader says what is wrong, before any screen


@pytest.mark.parametrize("body", [b"", b"not json", b'{"key": 1}', b'{"key": null, "glance": []}'])
def test_a_damaged_glance_is_no_glance(data_dir: Path, body: bytes) -> None:
    close_keeping_glance(left_with(data_dir, "Laid off"), content())
    glance_file(data_dir).write_bytes(body)
    assert load_glance(data_dir, content(), TODAY) is None
    assert glimpse_journal(data_dir, [FIXTURE_CHAPTERS], fixed_clock) is None  # read at once, as without a glance
    opened = open_journal(data_dir, chapters(), fixed_clock)
    assert isinstance(opened, Workbook)
    opened.close()


def test_a_glance_with_the_right_key_but_wrong_shape_is_no_glance(data_dir: Path) -> None:
    close_keeping_glance(left_with(data_dir, "Laid off"), content())
    data = json.loads(glance_file(data_dir).read_bytes())
    data["glance"]["overview"]["setbacks"] = [{"id": 1}]
    glance_file(data_dir).write_text(json.dumps(data))
    assert load_glance(data_dir, content(), TODAY) is None


def test_an_encrypted_journal_never_has_a_glance(data_dir: Path) -> None:
    workbook = left_with(data_dir, "Laid off")
    close_keeping_glance(workbook, content())
    assert glance_file(data_dir).exists()
    workbook = Workbook.open(data_dir, chapters(), fixed_clock)
    workbook.encrypt("a passphrase for the test", kdf=FAST_KDF)
    assert not glance_file(data_dir).exists(), "its titles in plain text beside an encrypted journal"
    close_keeping_glance(workbook, content())
    assert not glance_file(data_dir).exists()


def test_a_new_encrypted_journal_removes_a_glance_left_in_its_folder(data_dir: Path) -> None:
    close_keeping_glance(left_with(data_dir, "Laid off"), content())
    for path in data_dir.rglob("*"):
        if path.is_file():
            path.unlink()
    (data_dir / "backups").rmdir()
    Workbook.create(data_dir, chapters(), fixed_clock, passphrase="a passphrase", kdf=FAST_KDF).close()
    assert not glance_file(data_dir).exists()


def test_a_glimpse_holds_the_lock_before_any_screen(data_dir: Path) -> None:
    close_keeping_glance(left_with(data_dir, "Laid off"), content())
    glimpse = glimpse_on(data_dir)
    with pytest.raises(JournalLocked):
        Workbook.open(data_dir, chapters(), fixed_clock)
    glimpse.release()
    Workbook.open(data_dir, chapters(), fixed_clock).close()


# -- the app drawn from the glance ---------------------------------------------------------


def glanced_app(data_dir: Path, *titles: str) -> WorkbookApp:
    """The app on a journal left with ``titles`` as setbacks, its glance kept as a session's end keeps it."""
    close_keeping_glance(left_with(data_dir, *titles), content())
    return app_with_glance(data_dir)


def app_with_glance(data_dir: Path) -> WorkbookApp:
    app = make_app(data_dir, FIXTURE_CHAPTERS, clock=fixed_clock, remember_theme=False, glimpse=True)
    assert app.glimpse is not None
    return app


@pytest.mark.parametrize("slow", [False, True], ids=["small-journal", "slow-to-read"])
async def test_home_is_drawn_from_the_glance_then_from_the_journal(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, slow: bool
) -> None:
    if slow:  # a journal that takes longer to read than the key bar to show: the bar is not kept waiting
        monkeypatch.setattr("tui.opening.SLOW_READING", 0)
    app = glanced_app(data_dir, "Laid off", "Turned down")
    seen: list[tuple[bool, list[str], str]] = []
    footers: list[list[str]] = []
    original = Glimpse.open

    def opening(self: Glimpse) -> Workbook:
        home = app.screen
        assert isinstance(home, HomeScreen)
        title = str(home.query_one("#chapters-title", Label).content)
        seen.append((app.journal_open, setback_lines(home), title))
        footers.append(footer_keys(home))
        return original(self)

    monkeypatch.setattr(Glimpse, "open", opening)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert seen == [(False, ["Turned down", "Laid off"], "Chapters for: Turned down")]
        assert app.journal_open
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert setback_lines(home) == ["Turned down", "Laid off"]
        assert home.focused is home.query_one("#setbacks")
        await pilot.pause()
        if slow:
            assert footers == [footer_keys(home)], "the key bar shows before the reading, as it stays"
            assert "Journal" in footers[0] and "Help" in footers[0]
    app.workbook.close()


async def test_a_window_too_small_at_the_start_shows_home_from_the_journal_once_bigger(data_dir: Path) -> None:
    app = glanced_app(data_dir, "Laid off")
    async with app.run_test(size=(30, 8)) as pilot:
        await pilot.pause()
        assert app.journal_open
        assert type(app.screen).__name__ == "TooSmallScreen"
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert setback_lines(home) == ["Laid off"]
    app.workbook.close()


@pytest.mark.parametrize("stale", ["another title", "no setbacks"])
async def test_a_glance_that_no_longer_fits_is_drawn_again_from_the_journal(data_dir: Path, stale: str) -> None:
    close_keeping_glance(left_with(data_dir, "Laid off"), content())
    data = json.loads(glance_file(data_dir).read_bytes())
    if stale == "no setbacks":
        data["glance"]["overview"]["setbacks"] = []
    else:
        data["glance"]["overview"]["setbacks"][0]["title"] = "An old title"
    data["glance"]["detail"]["chapters_title"] = "Chapters for: An old title"
    glance_file(data_dir).write_text(json.dumps(data))
    app = app_with_glance(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert setback_lines(home) == ["Laid off"]
        assert str(home.query_one("#chapters-title", Label).content) == "Chapters for: Laid off"
        assert home.focused is home.query_one("#setbacks")
    app.workbook.close()


async def test_keys_typed_before_the_journal_is_read_are_delivered_in_order_after(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = glanced_app(data_dir, "Laid off")
    original = WorkbookApp._open_glimpse
    monkeypatch.setattr(WorkbookApp, "_open_glimpse", lambda self: None)  # a slow disk: read when the test says
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not app.journal_open
        driver = app._driver
        assert driver is not None
        for key in ["n", *"Missed"]:
            driver.send_message(_key(key))
        await pilot.pause()
        await pilot.click("#chapters")  # a click on what is not open yet does nothing
        assert isinstance(app.screen, HomeScreen), "nothing acts before the journal is read"
        app.call_later(original, app)
        for _ in range(100):
            await pilot.pause()
            if isinstance(app.screen, SetbackDialog) and not app._held and app._in_flight is None:
                break
        dialog = app.screen
        assert isinstance(dialog, SetbackDialog)
        assert dialog.query_one("#title").value == "Missed"  # type: ignore[attr-defined]
    app.workbook.close()


async def test_a_dialog_opened_once_the_journal_is_read_has_the_dialogs_rules(data_dir: Path) -> None:
    """Dialogs' and fields' rules (tui/forms.tcss) are read after the first frame: before the first dialog."""
    app = glanced_app(data_dir, "Laid off")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.journal_open
        await pilot.press("n")
        for _ in range(50):
            if isinstance(app.screen, SetbackDialog):
                break
            await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SetbackDialog)
        await pilot.pause()
        box = dialog.query_one(".dialog")
        assert box.outer_size.width == 70 and box.styles.border_top[0] == "round"  # as tui/forms.tcss has it
    app.workbook.close()


def _key(key: str) -> object:
    from textual import events

    return events.Key(key, key)


async def test_a_journal_that_cannot_be_read_after_its_glance_ends_the_app_saying_why(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = glanced_app(data_dir, "Laid off")
    glimpse = app.glimpse
    assert glimpse is not None

    def unreadable(self: Workbook, *args: object, **kwargs: object) -> None:
        raise StoreError("cannot read the journal: Permission denied")

    monkeypatch.setattr(Workbook, "__init__", unreadable)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert app.return_code == 1
    assert str(app.open_failed) == "cannot read the journal: Permission denied"  # said by the command line
    assert not app.journal_open
    assert not glimpse.hold.held, "the lock goes with the app"


async def test_chapter_files_broken_after_the_glance_was_checked_end_the_app_saying_what_is_wrong(
    data_dir: Path, tmp_path: Path
) -> None:
    """The glance stood for the files a moment ago; they are loaded after the first frame, and now fail."""
    folder = copied_chapters(tmp_path)
    loaded = load_checked([folder])
    workbook = Workbook.open(data_dir, loaded.chapters, fixed_clock)
    workbook.add_setback("Laid off", "rejection", "2026-03-01", 6)
    close_keeping_glance(workbook, loaded.digest)
    app = make_app(data_dir, folder, clock=fixed_clock, remember_theme=False, glimpse=True)
    glimpse = app.glimpse
    assert glimpse is not None
    chapter_files(folder)[0].write_text("no front matter at all\n", encoding="utf-8")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert isinstance(app.open_failed, ChaptersChanged)
    assert app.open_failed.errors and chapter_files(folder)[0].name in str(app.open_failed.errors[0])
    assert app.return_code == 1
    assert not app.journal_open
    assert not glimpse.hold.held, "the lock goes with the app"


def test_chapter_files_gone_after_the_glance_was_checked_are_said_to_be_gone(data_dir: Path, tmp_path: Path) -> None:
    folder = copied_chapters(tmp_path)
    loaded = load_checked([folder])
    workbook = Workbook.open(data_dir, loaded.chapters, fixed_clock)
    workbook.add_setback("Laid off", "rejection", "2026-03-01", 6)
    close_keeping_glance(workbook, loaded.digest)
    glimpse = glimpse_journal(data_dir, [folder], fixed_clock)
    assert glimpse is not None
    for path in chapter_files(folder):
        path.unlink()
    with pytest.raises(ChaptersChanged) as raised:
        glimpse.open()
    assert [str(e) for e in raised.value.errors] == [f"{folder}: no chapter files (*.md) found"]
    assert not glimpse.hold.held


def test_a_glimpse_opens_with_the_digest_of_the_chapters_it_loaded(data_dir: Path) -> None:
    close_keeping_glance(left_with(data_dir, "Laid off"), content())
    workbook, key = glimpse_on(data_dir).open()
    assert key == content() and [c.id for c in workbook.chapters] == [c.id for c in chapters()]
    workbook.close()


def test_no_glance_when_another_process_wrote_the_journal_after_the_session_let_it_go(data_dir: Path) -> None:
    workbook = left_with(data_dir, "Laid off")
    workbook.close()  # as the app's unmount does, before the command line keeps the glance: the lock is let go
    _saved_again(data_dir)  # another session, or 'failforward import', in that moment
    close_keeping_glance(workbook, content())
    assert load_glance(data_dir, content(), TODAY) is None, "home as this session left it is not the journal now"


async def test_home_offers_continue_only_with_a_chapter_to_go_back_to(data_dir: Path) -> None:
    workbook = left_with(data_dir)
    workbook.add_setback("Laid off")
    app = WorkbookApp(workbook, remember_theme=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert "Continue" not in footer_keys(home), "nothing written yet: c would have nothing to continue"
        workbook.save_reflection(workbook.setbacks()[0].id, "first", {"what": "It happened."})
        home.refresh_lists()
        await pilot.pause()
        assert "Continue" in footer_keys(home)
    workbook.close()
