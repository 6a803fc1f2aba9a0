"""Nothing lost: kill -9, failing system calls, a full disk, two sessions, damaged files; plain and encrypted."""

from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import orjson
import pytest

from tui.store import JournalLocked, SaveError
from tui.store import disk as disk_module
from tui.store import private as private_module
from tui.store import storage as storage_module

from .conftest import FIXTURE_CHAPTERS, ROOT, Flavour


def acknowledged_numbers(raw: bytes) -> set[int]:
    """The numbers a child wrote after each save returned (a torn last line is ignored)."""
    return {int(line) for line in raw.split(b"\n")[:-1] if line}


@pytest.mark.slow
def test_kill_9_during_saves_never_loses_an_acknowledged_save(tmp_path: Path, flavour: Flavour) -> None:
    folder = flavour.create(tmp_path / "journal")
    rng = random.Random(20261123)
    acknowledged: set[int] = set()
    kills = 200
    for run in range(kills):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child saves in a loop and reports each acknowledged save
            os.close(read_end)
            try:
                # Saves go to the log; journal.json is rewritten whole every save, every few, or rarely.
                disk_module.LOG_LIMIT_MIN = rng.choice([0, 8000, 1 << 20])
                s = flavour.open(folder)
                i = 0
                while True:
                    number = run * 100_000 + i
                    if i % 3 == 2:  # an update of an earlier record counts too
                        earlier = s.find("checkins", n=number - 1)[0]["id"]
                        s.update("checkins", earlier, {"also": number})
                        os.write(write_end, f"{-number}\n".encode())
                    else:
                        s.insert("checkins", {"n": number, "pad": "x" * rng.randint(0, 3000)})
                        os.write(write_end, f"{number}\n".encode())
                    i += 1
            finally:
                os._exit(1)
        os.close(write_end)
        first = os.read(read_end, 64)  # the child is saving now
        # Wait a random while (in saves), then kill it wherever it is.
        chunks = [first]
        for _ in range(rng.randint(0, 6)):
            chunk = os.read(read_end, 64)
            if not chunk:
                break
            chunks.append(chunk)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        while chunk := os.read(read_end, 65536):
            chunks.append(chunk)
        os.close(read_end)
        acknowledged |= acknowledged_numbers(b"".join(chunks))
    with flavour.open(folder) as s:
        saved = {doc["n"] for doc in s.all("checkins")} | {-doc["also"] for doc in s.all("checkins") if "also" in doc}
        assert not list(folder.glob(".journal-*"))
    assert acknowledged <= saved
    assert len(acknowledged) >= kills


class FailOnCall:
    """Wraps a system call so that call number ``n`` fails (and, 'for good', every later one)."""

    def __init__(self, real, n: int, for_good: bool) -> None:  # type: ignore[no-untyped-def]
        self.real, self.n, self.for_good, self.calls = real, n, for_good, 0

    def __call__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.calls += 1
        if self.calls == self.n or (self.for_good and self.calls > self.n):
            raise OSError(5, "Input/output error (injected)")
        return self.real(*args, **kwargs)


def count_calls(folder: Path, name: str, way: str, flavour: Flavour) -> int:
    counter = FailOnCall(getattr(os, name) if name != "fsync_dir" else private_module.fsync_dir, 0, False)
    with flavour.open(folder) as s:
        s.insert("setbacks", {"title": "before"})
    with flavour.open(folder) as s:
        target = private_module if name == "fsync_dir" else os
        attr = "fsync_dir" if name == "fsync_dir" else name
        original = getattr(target, attr)
        setattr(target, attr, counter)
        try:
            s.insert("setbacks", {"title": "counted"})
        finally:
            setattr(target, attr, original)
        assert s._storage.compactions == (1 if way == "whole-file" else 0)  # type: ignore[union-attr]
    return counter.calls


@pytest.mark.parametrize("call", ["write", "fsync", "replace", "fsync_dir"])
@pytest.mark.parametrize("for_good", [False, True], ids=["once", "for-good"])
@pytest.mark.parametrize("way", ["log", "whole-file"])
def test_a_failing_system_call_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str, for_good: bool, way: str, flavour: Flavour
) -> None:
    """A save appends to the log (the first one starts the log) or rewrites journal.json whole."""
    if way == "whole-file":  # a change that names no records is written whole
        monkeypatch.setattr(storage_module.DurableStorage, "touch", lambda *args: None)
    folder = tmp_path / "journal"
    with flavour.open(folder) as s:
        s.insert("setbacks", {"title": "before"})
    total = count_calls(tmp_path / "count", call, way, flavour)
    assert total >= 1
    for n in range(1, total + 1):
        before = (folder / "journal.json").read_bytes()
        with flavour.open(folder) as s:
            target = private_module if call == "fsync_dir" else os
            attr = "fsync_dir" if call == "fsync_dir" else call
            failing = FailOnCall(getattr(target, attr), n, for_good)
            setattr(target, attr, failing)
            try:
                with pytest.raises(SaveError) as info:
                    s.insert("setbacks", {"title": "never saved"})
            finally:
                setattr(target, attr, failing.real)
            assert str(info.value).startswith("not saved:")
            assert "Input/output error" in str(info.value)
            assert [d["title"] for d in s.all("setbacks")] == ["before"]
        assert (folder / "journal.json").read_bytes() == before
        assert not (folder / "journal.log").exists()
        assert not list(folder.glob(".journal-*"))


def run_python(code: str, **kwargs) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        **kwargs,
    )


@pytest.mark.slow
def test_disk_full_keeps_old_data_and_says_why(tmp_path: Path, flavour: Flavour) -> None:
    folder = tmp_path / "journal"
    with flavour.open(folder) as s:
        s.insert("setbacks", {"title": "before"})
    before = (folder / "journal.json").read_bytes()
    limit = len(before) + 4096

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = run_python(
        f"""
        from pathlib import Path
        from tui.store import Store, SaveError
        s = {flavour.store_source(folder)}
        try:
            s.insert("setbacks", {{"title": "x" * 100_000}})
        except SaveError as exc:
            print(exc)
        else:
            print("saved?!")
        s.close()
        """,
        preexec_fn=small_disk,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("not saved: File too large")
    assert (folder / "journal.json").read_bytes() == before
    assert not (folder / "journal.log").exists()  # the half-written line was cut off, the empty log removed
    assert not list(folder.glob(".journal-*"))


@pytest.mark.slow
def test_second_process_gets_a_clear_message_and_nothing_is_lost(tmp_path: Path, flavour: Flavour) -> None:
    folder = flavour.create(tmp_path / "journal")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys
                from pathlib import Path
                from tui.store import Store
                s = {flavour.store_source(folder)}
                s.insert("setbacks", {{"title": "first session"}})
                print("ready", flush=True)
                sys.stdin.readline()
                s.insert("setbacks", {{"title": "first session, later"}})
                s.close()
                """
            ),
        ],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(JournalLocked) as info:
            flavour.open(folder)
        assert f"pid {holder.pid}" in str(info.value)
        cli = subprocess.run(
            [sys.executable, "-m", "tui", "--data-dir", str(folder), "--content", str(FIXTURE_CHAPTERS)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        assert cli.returncode == 1
        assert "open in another failforward session" in cli.stderr
        assert "Traceback" not in cli.stderr
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=60)
    with flavour.open(folder) as s:
        assert [d["title"] for d in s.all("setbacks")] == ["first session", "first session, later"]


@pytest.mark.slow
def test_lock_frees_itself_when_the_holder_is_killed(tmp_path: Path, flavour: Flavour) -> None:
    folder = flavour.create(tmp_path / "journal")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from pathlib import Path\nfrom tui.store import Store\ns = {flavour.store_source(folder)}\n"
            "print('ready', flush=True)\nimport time\ntime.sleep(600)\n",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
    with pytest.raises(JournalLocked):
        flavour.open(folder)
    holder.kill()
    holder.wait(timeout=30)
    with flavour.open(folder):
        pass


def damaged_variants(good: bytes) -> list[tuple[str, bytes]]:
    rng = random.Random(7)
    out: list[tuple[str, bytes]] = [("empty", b""), ("json array", b"[1, 2, 3]"), ("json null", b"null")]
    for cut in sorted(
        {1, 2, len(good) // 3, len(good) // 2, len(good) - 2, len(good) - 1, *rng.sample(range(1, len(good)), 20)}
    ):
        out.append((f"truncated at {cut}", good[:cut]))
    for _ in range(40):
        i = rng.randrange(len(good))
        flipped = bytearray(good)
        flipped[i] ^= 1 << rng.randrange(8)
        out.append((f"bit flipped at {i}", bytes(flipped)))
    out.append(("NUL padding", good + b"\x00" * 512))
    out.append(("all NUL", b"\x00" * len(good)))
    out.append(("trailing garbage", good + b"}garbage"))
    out.append(("table is a list", b'{"setbacks": [1, 2]}'))
    out.append(("record is a number", b'{"setbacks": {"1": 5}}'))
    return out


@pytest.mark.slow  # every damaged variant of a journal: left out of make test-fast
def test_damaged_files_are_quarantined_never_silently_reset(tmp_path: Path, flavour: Flavour) -> None:
    folder = tmp_path / "journal"
    with flavour.open(folder) as s:
        for i in range(5):
            s.insert("setbacks", {"title": f"setback {i}", "feeling": i})
    good = (folder / "journal.json").read_bytes()
    for name, damaged in damaged_variants(good):
        (folder / "journal.json").write_bytes(damaged)
        with flavour.open(folder) as s:
            report = s.report
            titles = [d.get("title") for d in s.all("setbacks")]
            assert s.codec.encrypted == flavour.encrypted, name  # an encrypted folder stays encrypted
        if report.quarantined is None:
            assert not flavour.encrypted, name  # sealed bytes either open whole or are damage
            # Still valid JSON (a flipped bit inside a name or a string): loaded as it is, not reset.
            before, after = orjson.loads(damaged), orjson.loads((folder / "journal.json").read_bytes())
            for table, docs in before.items():
                if table not in ("meta", "_base"):  # _base names the file's version: new with each whole write
                    assert after[table] == docs, name
        else:
            assert report.quarantined.read_bytes() == damaged, name
            assert report.quarantine_reason, name
            assert report.newest_backup is not None, name
            assert flavour.read(folder, report.newest_backup.read_bytes()), name  # a backup is always readable
            assert titles == [], name
        for extra in folder.glob("journal.json.damaged-*"):
            extra.unlink()
        (folder / "journal.json").write_bytes(good)


@pytest.mark.slow
def test_read_only_folder_gives_a_clear_message(tmp_path: Path) -> None:
    """Run without the power to override file permissions, as any non-root user is."""
    folder = tmp_path / "journal"
    folder.mkdir(mode=0o500)
    command = [sys.executable, "-m", "tui", "--data-dir", str(folder), "--content", str(FIXTURE_CHAPTERS)]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root and setpriv (util-linux) is not installed to drop the override")
        command = [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "failforward: cannot open the journal in" in result.stderr
    assert "Permission denied" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert stat.S_IMODE(folder.stat().st_mode) == 0o500  # left as the person set it


def test_a_full_disk_at_quit_keeps_the_saves_in_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flavour: Flavour
) -> None:
    """Folding the log into journal.json on close needs room for a whole copy; without it nothing is lost."""
    folder = tmp_path / "journal"
    with flavour.open(folder) as s:
        s.insert("setbacks", {"title": "before"})
    before = (folder / "journal.json").read_bytes()
    s = flavour.open(folder)
    s.insert("setbacks", {"title": "saved to the log"})

    def no_space(fd: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", no_space)
    s.close()  # the whole-file write fails: quietly, the log stays
    monkeypatch.undo()
    assert (folder / "journal.json").read_bytes() == before
    assert (folder / "journal.log").exists()
    assert not list(folder.glob(".journal-*"))
    with flavour.open(folder) as again:
        assert again.report.recovered_saves == 1
        assert [d["title"] for d in again.all("setbacks")] == ["before", "saved to the log"]
    assert not (folder / "journal.log").exists()
