"""The command line and an encrypted journal: encrypt, decrypt, passwd; the passphrase asked, or read from a file."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.locations import DB_FILE
from tui.store import Store
from tui.store.crypto import MAGIC
from tui.workbook import Workbook

from .conftest import FAST_KDF, FIXTURE_CHAPTERS, fixed_clock, run_main

MARKER = "pangolin-ukulele-5512"  # a word the person typed
PASSPHRASE = "four words make a phrase"
FAILFORWARD = Path(sys.executable).with_name("failforward")


@pytest.fixture(autouse=True)
def _fast_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new key costs a calibrated half second; the tests' keys are cheap (never a real journal's)."""
    monkeypatch.setattr("tui.store.crypto.calibrate", lambda *args, **kwargs: FAST_KDF)


def secret(tmp_path: Path, text: str, name: str = "passphrase", mode: int = 0o600) -> str:
    path = tmp_path / name
    path.write_text(text + "\n")
    path.chmod(mode)
    return str(path)


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def holding_marker(folder: Path) -> list[str]:
    return [name for name, raw in files(folder).items() if MARKER.encode() in raw]


def plain_journal(folder: Path) -> None:
    """A plain journal with a setback, a saved chapter, a draft and an action item, all holding the marker."""
    from tui.content import load_chapters

    chapters = load_chapters([FIXTURE_CHAPTERS])
    wb = Workbook(Store(folder), chapters, fixed_clock)
    setback = wb.add_setback(f"Laid off {MARKER}", "layoff")
    wb.save_reflection(setback.id, "first", {"what": f"it was {MARKER}", "headline": "h"})
    wb.save_draft(setback.id, "second", {"plan": []}, pending={"plan": f"call {MARKER}"})
    wb.close()


@pytest.fixture
def encrypted(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """An encrypted journal (encrypted by the command) and the file holding its passphrase."""
    folder = tmp_path / "journal"
    plain_journal(folder)
    key = secret(tmp_path, PASSPHRASE)
    result = run_main(["encrypt", "--data-dir", str(folder), "--new-passphrase-file", key])
    assert result.returncode == 0, result.stderr
    yield folder, key


def test_encrypt_leaves_no_typed_word_in_any_file_and_every_command_reads_it_with_the_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "journal"
    plain_journal(folder)
    assert holding_marker(folder)
    typed = iter([PASSPHRASE, PASSPHRASE])
    monkeypatch.setattr("tui.cli.passphrase.terminal_available", lambda: True)
    monkeypatch.setattr("tui.cli.passphrase.ask", lambda prompt: next(typed))
    result = run_main(["encrypt", "--data-dir", str(folder)])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"encrypted the journal in {folder} (written anew: the journal and 1 backup)\n")
    assert "a forgotten passphrase cannot be recovered" in result.stdout
    assert holding_marker(folder) == []
    grep = subprocess.run(["grep", "-rl", MARKER, str(folder)], capture_output=True, text=True)
    assert (grep.returncode, grep.stdout) == (1, "")  # grep: no file under the data folder holds the word
    assert (folder / DB_FILE).read_bytes().startswith(MAGIC)
    monkeypatch.setattr("tui.cli.passphrase.terminal_available", lambda: False)

    key = secret(tmp_path, PASSPHRASE)
    listed = run_main(["list", "--data-dir", str(folder), "--passphrase-file", key])
    assert listed.returncode == 0 and f"Laid off {MARKER}" in listed.stdout and listed.stderr == ""
    by_env = run_main(["list", "--data-dir", str(folder)], env={"FAILFORWARD_PASSPHRASE_FILE": key})
    assert by_env.stdout == listed.stdout
    asked = iter([PASSPHRASE])
    monkeypatch.setattr("tui.cli.passphrase.terminal_available", lambda: True)
    monkeypatch.setattr("tui.cli.passphrase.ask", lambda prompt: next(asked))
    assert run_main(["list", "--data-dir", str(folder)]).stdout == listed.stdout
    assert holding_marker(folder) == []


def test_the_new_passphrase_empty_or_typed_differently_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "journal"
    plain_journal(folder)
    before = files(folder)
    monkeypatch.setattr("tui.cli.passphrase.terminal_available", lambda: True)
    for answers, said in (
        (["", ""], "failforward: the passphrase is empty: nothing was changed"),
        ([PASSPHRASE, PASSPHRASE + "!"], "failforward: the two passphrases differ: nothing was changed"),
    ):
        typed = iter(answers)
        monkeypatch.setattr("tui.cli.passphrase.ask", lambda prompt, typed=typed: next(typed))
        result = run_main(["encrypt", "--data-dir", str(folder)])
        assert (result.returncode, result.stderr.strip()) == (4, said)
        assert files(folder) == before
    empty = tmp_path / "empty"
    empty.write_text("")
    empty.chmod(0o600)
    result = run_main(["encrypt", "--data-dir", str(folder), "--new-passphrase-file", str(empty)])
    assert (result.returncode, result.stderr.strip()) == (4, f"failforward: the new passphrase file {empty} is empty")
    assert files(folder) == before


@pytest.mark.parametrize(
    "command",
    [
        ["list"],
        ["list", "--json"],
        ["export"],
        ["export", "--format", "json"],
        ["actions", "--json"],
        ["backup", "-o", "-"],
        ["import", "--dry-run", "EXPORT"],
        ["import", "EXPORT"],
        ["decrypt"],
        ["passwd", "--new-passphrase-file", "NEW"],
    ],
    ids=lambda c: " ".join(c),
)
def test_a_wrong_passphrase_says_so_and_changes_nothing(
    tmp_path: Path, encrypted: tuple[Path, str], command: list[str]
) -> None:
    folder, _ = encrypted
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"format": "failforward-export", "schema": 1, "setbacks": [], "reflections": []}))
    new = secret(tmp_path, "another", "new")
    wrong = secret(tmp_path, PASSPHRASE + " ", "wrong")
    argv = [{"EXPORT": str(export), "NEW": new}.get(word, word) for word in command]
    before = files(folder)
    result = run_main([*argv, "--data-dir", str(folder), "--passphrase-file", wrong])
    assert (result.returncode, result.stdout, result.stderr) == (4, "", "failforward: wrong passphrase\n")
    assert files(folder) == before


def test_without_a_terminal_or_a_file_a_command_stops_with_one_line(encrypted: tuple[Path, str]) -> None:
    folder, _ = encrypted
    result = run_main(["export", "--data-dir", str(folder)])
    assert result.returncode == 4 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"failforward: the journal in {folder} is encrypted: it needs its passphrase, and there is no terminal "
        "to ask on (give --passphrase-file FILE, or set FAILFORWARD_PASSPHRASE_FILE)"
    ]


@pytest.mark.slow
def test_with_no_controlling_terminal_at_all_the_installed_command_says_how_to_give_it(
    encrypted: tuple[Path, str],
) -> None:
    """A cron job: a new session with no terminal (setsid); the real /dev/tty cannot be opened."""
    folder, _ = encrypted
    result = subprocess.run(
        [str(FAILFORWARD), "actions", "--data-dir", str(folder)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        timeout=60,
    )
    assert result.returncode == 4 and result.stdout == ""
    assert result.stderr.startswith(f"failforward: the journal in {folder} is encrypted: it needs its passphrase")
    assert len(result.stderr.splitlines()) == 1


def test_plain_text_outputs_of_an_encrypted_journal_say_so_on_standard_error(
    tmp_path: Path, encrypted: tuple[Path, str]
) -> None:
    folder, key = encrypted
    note = "failforward: note: the journal is encrypted, this output is not: keep it somewhere safe\n"
    for command in (
        ["export"],
        ["export", "--format", "json"],
        ["export", "--format", "md-folder", "-o", str(tmp_path / "notes")],
        ["actions", "--json"],
        ["actions", "--ics"],
        ["list", "--json"],
    ):
        result = run_main([*command, "--data-dir", str(folder), "--passphrase-file", key])
        assert (result.returncode, result.stderr) == (0, note), command
    for command in (["list"], ["actions"]):  # a table on the terminal: nothing written anywhere
        result = run_main([*command, "--data-dir", str(folder), "--passphrase-file", key])
        assert (result.returncode, result.stderr) == (0, ""), command
    plain = tmp_path / "plain"
    plain_journal(plain)
    result = run_main(["export", "--format", "json", "--data-dir", str(plain)])
    assert result.returncode == 0 and result.stderr == ""
    for command in ("export", "actions", "list"):
        assert "plain text" in run_main([command, "--help"]).stdout, command


def test_a_backup_of_an_encrypted_journal_is_sealed_and_opens_with_its_passphrase(
    tmp_path: Path, encrypted: tuple[Path, str]
) -> None:
    folder, key = encrypted
    target = tmp_path / "copy.json"
    result = run_main(["backup", "-o", str(target), "--data-dir", str(folder), "--passphrase-file", key])
    assert result.returncode == 0, result.stderr
    raw = target.read_bytes()
    assert raw.startswith(MAGIC) and MARKER.encode() not in raw
    restored = tmp_path / "restored"
    restored.mkdir(mode=0o700)
    (restored / DB_FILE).write_bytes(raw)
    with Store(restored, passphrase=lambda: PASSPHRASE) as s:
        assert [d["title"] for d in s.all("setbacks")] == [f"Laid off {MARKER}"]


def test_passwd_then_decrypt(tmp_path: Path, encrypted: tuple[Path, str]) -> None:
    folder, key = encrypted
    new = secret(tmp_path, "an entirely new phrase", "new")
    result = run_main(["passwd", "--data-dir", str(folder), "--passphrase-file", key, "--new-passphrase-file", new])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"changed the passphrase of the journal in {folder}")
    old = run_main(["list", "--data-dir", str(folder), "--passphrase-file", key])
    assert (old.returncode, old.stderr) == (4, "failforward: wrong passphrase\n")
    result = run_main(["decrypt", "--data-dir", str(folder), "--passphrase-file", new])
    assert result.returncode == 0, result.stderr
    assert "plain text again" in result.stdout
    assert not (folder / DB_FILE).read_bytes().startswith(MAGIC)
    listed = run_main(["list", "--data-dir", str(folder)])
    assert listed.returncode == 0 and MARKER in listed.stdout
    again = run_main(["decrypt", "--data-dir", str(folder)])
    assert (again.returncode, again.stderr) == (2, f"failforward: the journal in {folder} is not encrypted\n")


def test_encrypt_without_a_journal_starts_an_encrypted_one_and_refuses_an_encrypted_one(tmp_path: Path) -> None:
    folder = tmp_path / "journal"
    key = secret(tmp_path, PASSPHRASE)
    result = run_main(["encrypt", "--data-dir", str(folder), "--new-passphrase-file", key])
    assert result.returncode == 0 and result.stdout.startswith(f"created an encrypted journal in {folder}\n")
    assert Workbook.is_encrypted(folder)
    result = run_main(["encrypt", "--data-dir", str(folder), "--new-passphrase-file", key])
    assert result.returncode == 2 and "is already encrypted" in result.stderr
    result = run_main(["--encrypt", "--data-dir", str(tmp_path / "plain")])  # no terminal: the app does not start
    assert result.returncode == 2 and "needs a terminal" in result.stderr
    plain_journal(tmp_path / "plain")
    result = run_main(["--encrypt", "--data-dir", str(tmp_path / "plain")])
    assert result.returncode == 2 and "'failforward encrypt'" in result.stderr


def test_a_passphrase_file_others_can_read_is_refused(tmp_path: Path, encrypted: tuple[Path, str]) -> None:
    folder, _ = encrypted
    loose = secret(tmp_path, PASSPHRASE, "loose", mode=0o644)
    result = run_main(["list", "--data-dir", str(folder), "--passphrase-file", loose])
    assert result.returncode == 4
    assert result.stderr == (
        f"failforward: the passphrase file {loose} can be read by other users: "
        f"make it yours alone (chmod 600 {loose})\n"
    )


def test_the_journal_open_in_the_app_stops_encrypt_before_any_passphrase_is_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "journal"
    plain_journal(folder)
    asked: list[str] = []
    monkeypatch.setattr("tui.cli.passphrase.terminal_available", lambda: True)
    monkeypatch.setattr("tui.cli.passphrase.ask", lambda prompt: asked.append(prompt) or PASSPHRASE)
    with Store(folder):
        result = run_main(["encrypt", "--data-dir", str(folder)])
    assert result.returncode == 1 and "open in another failforward session" in result.stderr
    assert asked == []


# -- the real terminal: getpass on /dev/tty --------------------------------------------------------


def run_on_a_terminal(argv: list[str], answers: dict[str, str], timeout: float = 60.0) -> tuple[int, str]:
    """``failforward ARGV`` with a pseudo-terminal as its controlling terminal; each prompt seen gets its answer."""
    pid, master = pty.fork()
    if pid == 0:  # the child: its own session, the pty its controlling terminal
        os.execv(str(FAILFORWARD), [str(FAILFORWARD), *argv])
    seen = b""
    given: set[str] = set()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
            for prompt, answer in answers.items():
                if prompt not in given and seen.decode(errors="replace").count(prompt) > 0:
                    given.add(prompt)
                    os.write(master, answer.encode() + b"\r")
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(master)
    return os.waitstatus_to_exitcode(status), seen.decode(errors="replace")


@pytest.mark.slow
def test_the_passphrase_is_asked_on_the_terminal_and_never_echoed(tmp_path: Path) -> None:
    folder = tmp_path / "journal"
    plain_journal(folder)
    code, shown = run_on_a_terminal(
        ["encrypt", "--data-dir", str(folder)],
        {"New passphrase": "typed on a tty", "The new passphrase again": "typed on a tty"},
    )
    assert code == 0, shown
    assert "typed on a tty" not in shown and "encrypted the journal in" in shown
    assert holding_marker(folder) == []
    code, shown = run_on_a_terminal(
        ["list", "--data-dir", str(folder)], {"Passphrase for the journal": "typed on a tty"}
    )
    assert code == 0, shown
    assert f"Laid off {MARKER}" in shown and "typed on a tty" not in shown
