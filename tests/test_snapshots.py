"""How every screen looks at 80x24, 120x40 and the minimum size (SVG snapshots).

The chapters are the layout fixtures (tests/layout.py), never the shipped
ones: long titles, a chapter that builds on another, every field kind, CJK and
combining text. Rewording the guide in content/ changes no picture here.

Update after reading the report: pytest tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from textual.widget import AwaitMount
from textual.widgets import Input, OptionList, TextArea

import tui.content
from screens.chapter import ChapterScreen
from screens.home import HomeScreen
from screens.too_small import MIN_HEIGHT, MIN_WIDTH
from tui.app import WorkbookApp
from tui.content import LoadResult
from tui.locations import shipped_content_dir

from .layout import CJK_TITLE, LONG_TITLE, layout_app, seed_layout

pytestmark = pytest.mark.slow  # left out of make test-fast: every screen and dialog drawn at three sizes

SIZES = [(80, 24), (120, 40), (MIN_WIDTH, MIN_HEIGHT)]
IDS = [f"{w}x{h}" for w, h in SIZES]


@pytest.fixture(autouse=True)
def _never_the_shipped_chapters(monkeypatch: pytest.MonkeyPatch) -> None:
    """A snapshot that loaded content/ would change whenever the guide is reworded: fail instead."""
    shipped = shipped_content_dir().resolve()
    load = tui.content.load_checked

    def guarded(folders: Iterable[Path]) -> LoadResult:
        folders = list(folders)
        assert all(Path(f).resolve() != shipped for f in folders), "a snapshot test loaded the shipped chapters"
        return load(folders)

    monkeypatch.setattr(tui.content, "load_checked", guarded)  # make_app's way to the chapters


@pytest.fixture
def snap_compare(snap_compare):  # type: ignore[no-untyped-def]
    """pytest-textual-snapshot's, with each picture's steps started once the first screen is composed.

    The snapshot plugin runs its steps as soon as Textual's start-up ends, as
    ``App.run_test`` does not: the home screen, Textual's first screen, may
    still be composing then.
    """

    def compare(app, *args, run_before=None, **kwargs):  # type: ignore[no-untyped-def]
        async def first_screen_composed(pilot) -> None:  # type: ignore[no-untyped-def]
            await AwaitMount(pilot.app.screen, [pilot.app.screen])
            if run_before is not None:
                await run_before(pilot)

        return snap_compare(app, *args, run_before=first_screen_composed, **kwargs)

    return compare


def seeded_app(data_dir: Path) -> WorkbookApp:
    seed_layout(data_dir)
    return layout_app(data_dir)


async def still(pilot) -> None:  # type: ignore[no-untyped-def]
    """No blinking cursors, no pending work: a picture that is the same every run."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for widget in pilot.app.screen.query("Input, TextArea"):
        assert isinstance(widget, Input | TextArea)
        widget.cursor_blink = False
        if isinstance(widget, TextArea):
            # A line drawn while the blink had hidden the cursor stays cached under the key of a
            # cursor that does not blink: draw every line again, cursor shown as focus decides.
            widget._line_cache.clear()
            widget.refresh()
    await pilot.wait_for_scheduled_animations()
    # A draft is written 0.8 s after the last key, and the bar then says "unsaved changes": write it now,
    # so the picture does not depend on how long the typing took.
    write_draft = getattr(pilot.app.screen, "write_draft", None)
    if callable(write_draft):
        write_draft()
    # Work scheduled after a refresh (the guide's sections below the first screen, focus brought into
    # view) can take several frames on a busy machine: wait until two pictures in a row are the same.
    before = None
    for _ in range(40):
        await pilot.pause()
        picture = pilot.app.export_screenshot()
        if picture == before:
            break
        before = picture


def select_setback(pilot, title: str) -> int:  # type: ignore[no-untyped-def]
    home = pilot.app.screen
    assert isinstance(home, HomeScreen)
    setbacks = home.query_one("#setbacks", OptionList)
    for index in range(setbacks.option_count):
        if title in str(setbacks.get_option_at_index(index).prompt):
            setbacks.highlighted = index
    selected = home.selected_setback
    assert selected is not None
    return selected


async def open_chapter(pilot, title: str, chapter: str) -> None:  # type: ignore[no-untyped-def]
    """Open a chapter and wait until it is on screen with its first field focused (a busy machine takes frames)."""
    pilot.app.open_chapter(select_setback(pilot, title), chapter)
    for _ in range(200):
        await pilot.pause()
        screen = pilot.app.screen
        if isinstance(screen, ChapterScreen) and screen.is_mounted and screen.focused is not None:
            return
    raise AssertionError(f"chapter {chapter!r} did not open with a field focused")


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_home(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        select_setback(pilot, LONG_TITLE)
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_chapter(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    """A chapter that builds on another: the earlier answers pinned above the form, long titles in the bar."""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await open_chapter(pilot, LONG_TITLE, "lessons")
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_chapter_in_cjk(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    """Wide characters in the title, the guide, the questions and the answers; an unsaved change."""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await open_chapter(pilot, CJK_TITLE, "reframe")
        await pilot.press(*"追記")
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_chapter_tabbed_to_the_scale(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    """Three tabs from the first question: the scale has the focus, and it is on screen with its question."""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await open_chapter(pilot, LONG_TITLE, "start")
        await pilot.press("tab", "tab", "tab")
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_chapter_zoomed(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await open_chapter(pilot, LONG_TITLE, "lessons")
        await pilot.press("f5")
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_chapter_in_a_light_theme(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        pilot.app.theme = "textual-light"
        await open_chapter(pilot, LONG_TITLE, "plan")
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_new_setback_dialog(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("n", *"Rejected after the final round", "tab", "tab", "tab")  # to the scale, at the bottom
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_delete_confirmation(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        select_setback(pilot, LONG_TITLE)
        pilot.app.screen.query_one("#setbacks").focus()
        await pilot.press("d")
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_check_in_dialog(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        select_setback(pilot, CJK_TITLE)
        await pilot.press("k", "right", "right")
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_export_dialog(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    from screens.dialogs.transfer import ExportDialog

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        pilot.app.push_screen(ExportDialog(Path("/home/you/failforward-export-20260314.md")))
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_help(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await open_chapter(pilot, LONG_TITLE, "start")
        await pilot.press("f1")
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_journal(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("j")
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_search(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("slash", *"level")
        await pilot.pause(0.3)
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_progress(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("down")
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)


def test_too_small(snap_compare, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """At 40x10, one line over the chapter: make the window bigger."""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.resize_terminal(80, 24)
        await open_chapter(pilot, LONG_TITLE, "start")
        await pilot.resize_terminal(40, 10)
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=(40, 10), run_before=run_before)
