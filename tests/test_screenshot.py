"""The palette's "Screenshot": into the journal's screenshots/ (0700), the file 0600, a plain-text notice."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tui.app import WorkbookApp
from tui.workbook import Workbook

from .conftest import fixed_clock
from .test_screens import app_on, seed


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def wait_for(pilot, check, what: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(200):
        if check():
            return
        await pilot.pause(0.02)
    raise AssertionError(what)


@pytest.mark.slow  # a Pilot run of a second or more: left out of make test-fast
async def test_screenshot_from_the_palette(data_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seed(data_dir)
    monkeypatch.setenv("HOME", str(tmp_path / "home-without-downloads"))
    folder = data_dir / "screenshots"
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Screenshot")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: folder.is_dir() and any(folder.iterdir()), "no screenshot was saved")
        (shot,) = folder.iterdir()
        await wait_for(pilot, lambda: any("Saved to" in n.message for n in app._notifications), "no notice")
        (notice,) = [n for n in app._notifications if n.title == "Screenshot"]
    assert shot.name == "failforward-20260314-093000.svg"
    assert shot.read_text().startswith("<svg")
    assert "Northwind" in shot.read_text()  # the journal's words: hence private
    assert mode(folder) == 0o700 and mode(shot) == 0o600
    assert notice.message == f"Saved to {shot} (only you can read it)."
    assert "[" not in notice.message and not notice.markup


async def test_two_screenshots_in_one_second_keep_both(data_dir: Path) -> None:
    seed(data_dir)
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        first, second = app.deliver_screenshot(), app.deliver_screenshot()
        await pilot.pause()
    assert first and second and first != second
    assert sorted(p.name for p in (data_dir / "screenshots").iterdir()) == [
        "failforward-20260314-093000-2.svg",
        "failforward-20260314-093000.svg",
    ]


async def test_a_journal_in_memory_saves_to_the_current_folder(
    test_chapters, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    app = WorkbookApp(Workbook.in_memory(test_chapters, fixed_clock), remember_theme=False)
    async with app.run_test(size=(80, 24)) as pilot:
        saved = app.deliver_screenshot()
        await pilot.pause()
    assert saved is not None and Path(saved).parent == tmp_path and mode(Path(saved)) == 0o600


async def test_a_folder_that_cannot_be_written_is_one_notice(data_dir: Path) -> None:
    seed(data_dir)
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.deliver_screenshot(path=str(data_dir / "missing" / "deeper")) is None
        await pilot.pause()
        (notice,) = [n for n in app._notifications if n.title == "Screenshot not saved"]
    assert notice.message.startswith("cannot write") and "No such file or directory" in notice.message
