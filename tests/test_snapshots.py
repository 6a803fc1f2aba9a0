"""How every screen looks at 80x24 and 120x40, with real chapters and data (SVG snapshots).

Update after reading the report: pytest tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, TextArea

from screens.home import HomeScreen
from tui.app import WorkbookApp, make_app
from tui.content import load_chapters
from tui.locations import shipped_content_dir
from tui.store import Store
from tui.workbook import Workbook

from .conftest import fixed_clock

SIZES = [(80, 24), (120, 40)]


def seeded_app(data_dir: Path) -> WorkbookApp:
    """A journal with two setbacks, saved chapters, a draft, actions and check-ins."""
    chapters = load_chapters([shipped_content_dir()])
    with Store(data_dir) as store:
        wb = Workbook(store, chapters, fixed_clock)
        layoff = wb.add_setback("Laid off from Northwind", "layoff", "2026-02-27", 8)
        review = wb.add_setback("Passed over for staff engineer", "promotion", "2026-03-02", 6)
        wb.check_in(review.id, 5)
        wb.check_in(review.id, 4)
        wb.save_reflection(
            review.id,
            "start",
            {
                "what_happened": "In March the staff role went to an external hire.\n"
                "My manager said I was not yet operating at that level.",
                "kind": "Missed promotion or raise",
                "setback_date": "2026-03-02",
                "feeling_now": 6,
                "hardest_part": "Doubt about whether I am good enough",
            },
            done=True,
        )
        wb.save_reflection(
            review.id,
            "deconstruct",
            {"causes": "Never asked what staff level meant here\nSkipped the design review", "micro_failures": "x"},
        )
        wb.save_reflection(
            review.id,
            "goals",
            {
                "smart_goal": "Lead one cross-team design by June",
                "actions": [
                    {"text": "Ask for the promotion criteria in writing", "due": "2026-03-20", "done": False},
                    {"text": "Book a design review", "due": "2026-03-12", "done": False},
                ],
            },
        )
        wb.save_draft(layoff.id, "start", {"what_happened": "The platform team was cut on a Friday."})
    return make_app(data_dir=data_dir, content_dir=shipped_content_dir(), clock=fixed_clock, remember_theme=False)


async def still(pilot) -> None:  # type: ignore[no-untyped-def]
    """No blinking cursors, no pending work: a picture that is the same every run."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for widget in pilot.app.screen.query("Input, TextArea"):
        assert isinstance(widget, Input | TextArea)
        widget.cursor_blink = False
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()
    await pilot.pause()


def select_setback(pilot, title: str) -> None:  # type: ignore[no-untyped-def]
    home = pilot.app.screen
    assert isinstance(home, HomeScreen)
    setbacks = home.query_one("#setbacks", OptionList)
    for index in range(setbacks.option_count):
        if title in str(setbacks.get_option_at_index(index).prompt):
            setbacks.highlighted = index


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        select_setback(pilot, "Passed over")
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_chapter(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        select_setback(pilot, "Passed over")
        pilot.app.open_chapter(pilot.app.screen.selected_setback, "lessons")
        await pilot.pause()
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_new_setback_dialog(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("n", *"Rejected after the final round")
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_delete_confirmation(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        select_setback(pilot, "Passed over")
        pilot.app.screen.query_one("#setbacks").focus()
        await pilot.press("d")
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_journal(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("j")
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_search(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("slash", *"review")
        await pilot.pause(0.3)
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_progress(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("down")
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        select_setback(pilot, "Passed over")
        pilot.app.open_chapter(pilot.app.screen.selected_setback, "start")
        await pilot.pause()
        await pilot.press("f1")
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_chapter_in_a_light_theme(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        pilot.app.theme = "textual-light"
        select_setback(pilot, "Passed over")
        pilot.app.open_chapter(pilot.app.screen.selected_setback, "goals")
        await pilot.pause()
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_check_in_dialog(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        select_setback(pilot, "Passed over")
        await pilot.press("k", "right", "right")
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_export_dialog(snap_compare, data_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    from screens.dialogs.transfer import ExportDialog

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        pilot.app.push_screen(ExportDialog(Path("/home/you/failforward-export-20260314.md")))
        await still(pilot)

    assert snap_compare(seeded_app(data_dir), terminal_size=size, run_before=run_before)
