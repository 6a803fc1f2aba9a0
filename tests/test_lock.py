"""The journal's lock is this machine's own: never in the data folder a sync tool copies, never blocked from afar."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tui.locations import lock_file, state_dir
from tui.store import JournalLocked, Store, StoreError

from .conftest import ROOT


def test_the_lock_and_its_note_live_in_the_state_folder_not_in_the_data_folder(data_dir: Path) -> None:
    with Store(data_dir) as s:
        s.insert("setbacks", {"title": "x"})
        lock = lock_file(data_dir)
        assert lock.is_relative_to(state_dir())
        note = json.loads(lock.with_name(lock.name + ".owner").read_text())
        assert note["host"] == socket.gethostname() and note["folder"] == str(data_dir)
        assert not [p.name for p in data_dir.iterdir() if "lock" in p.name]
    assert not lock.with_name(lock.name + ".owner").exists()  # the note goes with the session


def test_taking_the_lock_flushes_nothing_to_disk(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its note says who holds it, for a second session's message; after a crash the lock is gone with it.

    Every start takes the lock before its first frame: a flush there costs a
    millisecond or more on a real disk, for a note nothing depends on.
    """
    import os

    from tui.store.lock import FolderLock

    data_dir.mkdir()
    flushed: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: flushed.append(fd) or real_fsync(fd))
    lock = FolderLock(data_dir)
    lock.acquire()
    try:
        note = lock.owner_path
        assert json.loads(note.read_text())["pid"] == os.getpid()
        assert note.stat().st_mode & 0o777 == 0o600
        assert not [p for p in note.parent.iterdir() if p.name.endswith(".tmp")], "no temporary file left"
    finally:
        lock.release()
    assert flushed == []


def test_two_names_for_one_folder_are_one_lock(data_dir: Path, tmp_path: Path) -> None:
    data_dir.mkdir()
    other_name = tmp_path / "also-the-journal"
    other_name.symlink_to(data_dir)
    assert lock_file(other_name) == lock_file(data_dir)
    with Store(data_dir), pytest.raises(JournalLocked, match="open in another failforward session"):
        Store(other_name)


def test_a_lock_left_in_the_data_folder_by_an_earlier_version_or_another_host_never_blocks(data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / "journal.lock").write_text("")
    (data_dir / "journal.lock.owner").write_text(json.dumps({"pid": 1, "host": "laptop", "since": "2026-03-01"}))
    with Store(data_dir) as s:
        s.insert("setbacks", {"title": "opened"})
    assert sorted(p.name for p in data_dir.iterdir()) == ["backups", "journal.json"]


@pytest.mark.slow
def test_an_earlier_version_still_holding_its_lock_in_the_folder_keeps_the_journal_busy(data_dir: Path) -> None:
    data_dir.mkdir()
    old_lock = data_dir / "journal.lock"
    (data_dir / "journal.lock.owner").write_text(json.dumps({"pid": 42, "host": "here", "since": "2026-03-01 09:00"}))
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys\n"
            f"f = open({str(old_lock)!r}, 'w')\nfcntl.flock(f, fcntl.LOCK_EX)\n"
            "print('ready', flush=True)\nsys.stdin.read()\n",
        ],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(JournalLocked, match=r"of an earlier version \(pid 42 on here"):
            Store(data_dir)
        assert old_lock.exists()  # still that session's
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    with Store(data_dir):
        assert not old_lock.exists()


def test_a_state_folder_that_cannot_be_made_says_so_in_one_line(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("FAILFORWARD_STATE_DIR", str(blocker / "state"))
    with pytest.raises(StoreError) as info:
        Store(data_dir)
    message = str(info.value)
    assert message.startswith(f"cannot keep the journal's lock in {blocker / 'state' / 'locks'}: ")
    assert "FAILFORWARD_STATE_DIR" in message and "\n" not in message
