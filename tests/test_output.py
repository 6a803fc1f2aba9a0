"""tui.output.write_file: files, symbolic links, pipes, devices and open descriptors, as a shell user expects."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from tui.output import OutputError, descriptor_of, write_file


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_is_private(tmp_path: Path) -> None:
    out = tmp_path / "new.md"
    assert write_file(out, b"hello\n") == "file"
    assert out.read_bytes() == b"hello\n"
    assert mode(out) == 0o600
    assert os.listdir(tmp_path) == ["new.md"]  # no temp file left


def test_a_symlink_is_written_through_and_its_target_keeps_its_mode(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    note = vault / "failforward.md"
    note.write_text("old\n")
    note.chmod(0o644)
    link = tmp_path / "here.md"
    link.symlink_to(note)
    assert write_file(link, b"new\n") == "file"
    assert link.is_symlink() and os.readlink(link) == str(note)
    assert note.read_bytes() == b"new\n"
    assert mode(note) == 0o644
    assert sorted(os.listdir(vault)) == ["failforward.md"]  # written in the target's folder, nothing left
    assert sorted(os.listdir(tmp_path)) == ["here.md", "vault"]


def test_a_relative_symlink_chain_is_followed(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    target = tmp_path / "a" / "real.md"
    target.write_text("x")
    target.chmod(0o640)
    (tmp_path / "a" / "hop").symlink_to("real.md")
    link = tmp_path / "link"
    link.symlink_to("a/hop")
    write_file(link, b"through two links")
    assert target.read_bytes() == b"through two links" and mode(target) == 0o640
    assert (tmp_path / "a" / "hop").is_symlink() and link.is_symlink()


def test_a_dangling_symlink_creates_its_target_privately(tmp_path: Path) -> None:
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "later.md")
    write_file(link, b"first time")
    assert link.is_symlink()
    assert (tmp_path / "later.md").read_bytes() == b"first time"
    assert mode(tmp_path / "later.md") == 0o600


def test_a_named_pipe_is_written_straight_to(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    payload = b"x" * 300_000  # more than a pipe holds: the reader must be draining it

    def read() -> None:
        with open(fifo, "rb") as reader:
            got.append(reader.read())

    reader = threading.Thread(target=read)
    reader.start()
    assert write_file(fifo, payload) == "stream"
    reader.join(timeout=30)
    assert got == [payload]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still a pipe, not replaced by a file


def test_an_open_descriptor_is_written_to_as_it_is() -> None:
    read_end, write_end = os.pipe()
    try:
        for name in (f"/dev/fd/{write_end}", f"/proc/self/fd/{write_end}"):
            assert write_file(Path(name), b"via the descriptor\n") == "stream"
            assert os.read(read_end, 100) == b"via the descriptor\n"
    finally:
        os.close(read_end)
        os.close(write_end)


def test_descriptor_names() -> None:
    assert descriptor_of(Path("/dev/stdout")) == 1
    assert descriptor_of(Path("/dev/stderr")) == 2
    assert descriptor_of(Path("/dev/fd/63")) == 63
    assert descriptor_of(Path(f"/proc/{os.getpid()}/fd/5")) == 5
    assert descriptor_of(Path("/proc/1/fd/5")) is None  # another process's: not ours to write
    assert descriptor_of(Path("/dev/null")) is None
    assert descriptor_of(Path("notes/dev/stdout")) is None


def test_a_character_device_is_written_not_replaced() -> None:
    before = os.lstat("/dev/null")
    assert write_file(Path("/dev/null"), b"gone") == "stream"
    after = os.lstat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_a_full_disk_is_one_clear_line() -> None:
    with pytest.raises(OutputError) as caught:
        write_file(Path("/dev/full"), b"x" * 10)
    assert str(caught.value) == "cannot write /dev/full: No space left on device"


@pytest.mark.parametrize(
    ("make", "text"),
    [
        (lambda t: t, "Is a directory"),
        (lambda t: t / "missing" / "x.md", "No such file or directory"),
    ],
)
def test_what_cannot_be_written_says_why(tmp_path: Path, make, text: str) -> None:
    with pytest.raises(OutputError) as caught:
        write_file(make(tmp_path), b"x")
    assert text in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_failed_write_through_a_symlink_leaves_the_target_alone(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    note = folder / "note.md"
    note.write_text("kept")
    link = tmp_path / "link"
    link.symlink_to(note)
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: a read-only folder is still writable")
        with pytest.raises(OutputError, match="Permission denied"):
            write_file(link, b"new")
    finally:
        folder.chmod(0o700)
    assert note.read_text() == "kept" and link.is_symlink()
