"""The app before the journal opens: its passphrase (three tries), or on a first start, plain or encrypted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Footer, Input, Static

from screens.home import HomeScreen
from screens.unlock import FirstStartScreen, NewPassphraseScreen, UnlockScreen
from tui.app import WorkbookApp, make_app
from tui.locations import DB_FILE
from tui.store import Store
from tui.store.crypto import MAGIC
from tui.workbook import Workbook

from .conftest import FAST_KDF, FIXTURE_CHAPTERS, TEST_PASSPHRASE, Flavour, fixed_clock

# Left out of make test-fast but for its smoke test: the unlock and first-start screens through Pilot.
pytestmark = pytest.mark.slow

MARKER = "narwhal-trombone-7720"


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def encrypted_journal(folder: Path) -> Path:
    with Flavour(True).open(folder) as s:
        s.insert("setbacks", {"title": f"Passed over {MARKER}", "kind": "promotion", "created": "2026-03-01T10:00:00"})
    return folder


def app_on(folder: Path, **kwargs: Any) -> WorkbookApp:
    return make_app(data_dir=folder, content_dir=FIXTURE_CHAPTERS, clock=fixed_clock, remember_theme=False, **kwargs)


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def status(app: WorkbookApp) -> str:
    return str(app.screen.query_one("#start-status", Static).render())


@pytest.fixture(autouse=True)
def _fast_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tui.store.crypto.calibrate", lambda *args, **kwargs: FAST_KDF)


async def test_the_right_passphrase_opens_the_journal_and_nothing_is_touched_before(data_dir: Path) -> None:
    folder = encrypted_journal(data_dir)
    before = files(folder)
    app = app_on(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        field = app.screen.query_one("#passphrase", Input)
        assert field.password and app.focused is field
        keys = {key.description for key in app.screen.query_one(Footer).query("FooterKey")}  # type: ignore[attr-defined]
        assert {"Unlock", "Quit"} <= keys
        with Store(folder, passphrase=lambda: TEST_PASSPHRASE):  # the journal is not locked while the app asks
            pass
        assert files(folder) == before
        await pilot.press(*TEST_PASSPHRASE)
        assert TEST_PASSPHRASE not in app.screen.query_one("#passphrase", Input).render_line(0).text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.workbook.encrypted
        assert [s.title for s in app.workbook.setbacks()] == [f"Passed over {MARKER}"]
        await pilot.press("ctrl+q")
    assert app.return_code == 0


async def test_three_wrong_passphrases_end_the_app_saying_so_and_change_nothing(data_dir: Path) -> None:
    folder = encrypted_journal(data_dir)
    before = files(folder)
    app = app_on(folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for attempt, said in (("guess one", "2 tries left"), ("guess two", "1 try left")):
            await pilot.press(*attempt, "enter")
            await settle(pilot)
            assert isinstance(app.screen, UnlockScreen)
            assert said in status(app) and app.screen.query_one("#passphrase", Input).value == ""
        await pilot.press("enter")  # an empty field is no try
        assert "Type the passphrase first" in status(app)
        await pilot.press(*"guess three", "enter")
        await settle(pilot)
    assert app.return_code == 4
    assert app.exit_note == "wrong passphrase, 3 times: nothing was changed"
    assert files(folder) == before
    with Store(folder, passphrase=lambda: TEST_PASSPHRASE) as s:  # and the lock was let go
        assert len(s.all("setbacks")) == 1


@pytest.mark.smoke
async def test_a_passphrase_given_to_the_app_opens_without_asking(data_dir: Path) -> None:
    app = app_on(encrypted_journal(data_dir), passphrase=lambda: TEST_PASSPHRASE)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.workbook.encrypted
        await pilot.press("ctrl+q")


async def test_first_start_enter_starts_a_plain_journal(data_dir: Path) -> None:
    app = app_on(data_dir, first_start=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FirstStartScreen)
        assert not (data_dir / DB_FILE).exists()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and not app.workbook.encrypted
        await pilot.press("ctrl+q")
    assert (data_dir / DB_FILE).read_bytes().startswith(b"{")


async def test_first_start_e_starts_an_encrypted_journal_with_the_passphrase_typed_twice(data_dir: Path) -> None:
    app = app_on(data_dir, first_start=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, NewPassphraseScreen)
        await pilot.press("escape")  # back to the choice
        await pilot.pause()
        assert isinstance(app.screen, FirstStartScreen)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press(*"one phrase", "enter", *"another phrase", "enter")
        await settle(pilot)
        assert isinstance(app.screen, NewPassphraseScreen)
        assert "differ" in status(app)
        assert not (data_dir / DB_FILE).exists()
        await pilot.press(*"one phrase", "enter", *"one phrase", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and app.workbook.encrypted
        app.workbook.add_setback(f"Typed {MARKER}")
        await pilot.press("ctrl+q")
    assert all(MARKER.encode() not in raw for raw in files(data_dir).values())
    assert (data_dir / DB_FILE).read_bytes().startswith(MAGIC)
    with Store(data_dir, passphrase=lambda: "one phrase") as s:
        assert [d["title"] for d in s.all("setbacks")] == [f"Typed {MARKER}"]


async def test_encrypt_on_a_first_start_asks_for_the_new_passphrase_at_once(data_dir: Path) -> None:
    app = app_on(data_dir, encrypt=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NewPassphraseScreen)
        await pilot.press("escape")  # nothing to go back to
        assert isinstance(app.screen, NewPassphraseScreen)
        await pilot.press(*"pass", "enter", *"pass", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and app.workbook.encrypted
        await pilot.press("ctrl+q")


async def test_no_screen_of_the_journal_before_it_is_open(data_dir: Path) -> None:
    app = app_on(encrypted_journal(data_dir))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in ("f1", "f2", "f3", "f4"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, UnlockScreen), key
        await pilot.press("ctrl+q")
    assert app.return_code == 0


async def test_an_encrypted_journal_is_never_written_to_a_screenshot(data_dir: Path) -> None:
    app = app_on(encrypted_journal(data_dir), passphrase=lambda: TEST_PASSPHRASE)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.deliver_screenshot() is None
        await pilot.pause()
        assert any("none was saved" in n.message for n in app._notifications)
        await pilot.press("ctrl+q")
    assert not (data_dir / "screenshots").exists()
    assert Workbook.is_encrypted(data_dir)


async def test_the_export_dialog_of_an_encrypted_journal_says_the_export_is_plain_text(
    data_dir: Path, tmp_path: Path
) -> None:
    from screens.dialogs.transfer import ExportDialog

    app = app_on(encrypted_journal(data_dir), passphrase=lambda: TEST_PASSPHRASE)
    target = tmp_path / "out.md"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(ExportDialog(target))
        await pilot.pause()
        assert "the export is not: plain text" in str(app.screen.query_one("#transfer-note", Static).render())
        await pilot.press("enter")
        await settle(pilot)
        assert "Not encrypted: keep it safe." in str(app.screen.query_one("#result", Static).render())
        await pilot.press("escape", "ctrl+q")
    assert MARKER.encode() in target.read_bytes()  # plain text, as it said


async def test_a_window_made_too_small_while_unlocking_still_opens_the_journal(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from screens.too_small import TooSmallScreen
    from tui.store import crypto

    app = app_on(encrypted_journal(data_dir))
    resized, real = threading.Event(), crypto.derive_key

    def slow_key(*args: Any) -> bytes:  # the key is made only once the window is small
        resized.wait(10)
        return real(*args)

    monkeypatch.setattr(crypto, "derive_key", slow_key)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*TEST_PASSPHRASE, "enter")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen) and "Unlocking" in status(app)
        await pilot.resize_terminal(60, 15)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        resized.set()
        await settle(pilot)
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert [type(s).__name__ for s in app.screen_stack][-1:] == ["HomeScreen"]
        assert not any(isinstance(s, UnlockScreen) for s in app.screen_stack)
        await pilot.press("ctrl+q")
