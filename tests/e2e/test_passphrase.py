"""An encrypted journal in a real terminal (tmux at 80x24): the passphrase asked, masked; a first start encrypted."""

from __future__ import annotations

from pathlib import Path

from tui.store import Store
from tui.store.crypto import MAGIC

from ..conftest import FIXTURE_CHAPTERS, TEST_PASSPHRASE, Flavour
from .conftest import Tmux, app_command, quit_app

MARKER = "axolotl-harmonica-3318"


def test_the_passphrase_is_typed_masked_a_wrong_one_is_said_and_the_right_one_opens(tmux: Tmux, tmp_path: Path) -> None:
    data = tmp_path / "journal"
    with Flavour(True).open(data) as s:  # cheap key parameters: the header says how the key is made
        s.insert("setbacks", {"title": f"Passed over {MARKER}", "kind": "promotion", "created": "2026-03-01T10:00"})
    before = {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}
    tmux.start(app_command(data, FIXTURE_CHAPTERS, "xterm-256color", config_dir=tmp_path / "config"), 80, 24)
    tmux.wait_for("is encrypted", "passphrase")
    tmux.wait_for_footer("Unlock", "Quit")
    tmux.type("not the one")
    screen = tmux.wait_for("•••••••••••")
    assert "not the one" not in screen
    tmux.keys("Enter")
    tmux.wait_for("Wrong passphrase. 2 tries left.")
    assert {p: p.read_bytes() for p in data.rglob("*") if p.is_file()} == before
    tmux.type(TEST_PASSPHRASE)
    tmux.keys("Enter")
    screen = tmux.wait_for("Setbacks", MARKER)
    assert TEST_PASSPHRASE not in screen
    quit_app(tmux)


def test_a_first_start_chooses_encrypted_and_types_the_passphrase_twice(tmux: Tmux, tmp_path: Path) -> None:
    data = tmp_path / "journal"
    command = app_command(data, FIXTURE_CHAPTERS, "xterm-256color", config_dir=tmp_path / "config", first_start=True)
    tmux.start(command, 80, 24)
    tmux.wait_for("Press enter to start", "press e to encrypt")
    tmux.wait_for_footer("Start", "Encrypt")
    tmux.keys("e")
    tmux.wait_for("Choose a passphrase")
    tmux.type("my first phrase")
    tmux.keys("Enter")
    tmux.type("my first phrase")
    tmux.keys("Enter")
    tmux.wait_for("Setbacks", timeout=30)  # the key's cost is measured on this machine first
    quit_app(tmux)
    assert (data / "journal.json").read_bytes().startswith(MAGIC)
    with Store(data, passphrase=lambda: "my first phrase") as s:
        assert s.codec.encrypted
