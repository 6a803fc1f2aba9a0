"""The journal store: durable writes, privacy, one writer, damaged files moved aside; plain and encrypted."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tui.store import (
    SCHEMA_VERSION,
    JournalLocked,
    JournalTooNew,
    SaveError,
    Store,
    StoreError,
    open_codec,
    read_journal_files,
)

from .conftest import ROOT, TEST_PASSPHRASE, Flavour, examples


def store_device(store: Store) -> dict[str, str]:
    return {"device": store.device} if store.device else {}


def test_insert_get_update_remove(store: Store) -> None:
    doc_id = store.insert("setbacks", {"title": "Layoff", "id": 99})
    doc = store.get("setbacks", doc_id)
    assert doc is not None
    uid = doc.pop("uid")
    assert doc == {"title": "Layoff", "id": doc_id, "changed": doc["changed"], **store_device(store)}
    store.update("setbacks", doc_id, {"title": "Layoff in March", "uid": "not this"})
    found = store.find("setbacks", title="Layoff in March")
    assert found[0]["id"] == doc_id and found[0]["uid"] == uid  # a record's uid never changes
    store.remove("setbacks", [doc_id])
    assert store.all("setbacks") == []


def test_batch_is_one_write(tmp_path: Path, flavour: Flavour) -> None:
    with flavour.open(tmp_path / "j") as s:
        before = s._storage.writes  # type: ignore[union-attr]
        with s.batch():
            for i in range(5):
                s.insert("checkins", {"rating": i})
        assert s._storage.writes == before + 1  # type: ignore[union-attr]


def test_data_survives_reopen(data_dir: Path, flavour: Flavour) -> None:
    with flavour.open(data_dir) as s:
        s.insert("setbacks", {"title": "Rejected"})
    with flavour.open(data_dir) as s:
        assert [d["title"] for d in s.all("setbacks")] == ["Rejected"]
        assert s.schema_version == SCHEMA_VERSION


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_private_permissions_whatever_the_umask(tmp_path: Path, umask: int, flavour: Flavour) -> None:
    old = os.umask(umask)
    try:
        folder = tmp_path / "j"
        with flavour.open(folder) as s:
            s.insert("setbacks", {"title": "x"})
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        for path in folder.rglob("*"):
            if path.is_file():
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    finally:
        os.umask(old)


def test_symlinked_journal_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "j"
    folder.mkdir(mode=0o700)
    target = tmp_path / "elsewhere.json"
    target.write_text("{}")
    (folder / "journal.json").symlink_to(target)
    with pytest.raises(StoreError, match="symbolic link"):
        Store(folder)


def test_second_session_gets_a_clear_message(data_dir: Path, flavour: Flavour) -> None:
    with flavour.open(data_dir):
        with pytest.raises(JournalLocked) as info:
            flavour.open(data_dir)
        assert f"pid {os.getpid()}" in str(info.value)
        assert "another failforward session" in str(info.value)
    with flavour.open(data_dir):  # free again once the first one closed
        pass


def test_leftover_temp_files_are_removed(data_dir: Path, flavour: Flavour) -> None:
    with flavour.open(data_dir) as s:
        s.insert("setbacks", {"title": "x"})
    leftover = data_dir / ".journal-123-456.tmp"
    leftover.write_text("a plaintext copy")
    with flavour.open(data_dir) as s:
        assert not leftover.exists()
        assert s.report.removed_temp_files == 1


def test_failed_write_leaves_file_identical_and_memory_consistent(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, flavour: Flavour
) -> None:
    with flavour.open(data_dir) as s:
        s.insert("setbacks", {"title": "kept"})
        before = (data_dir / "journal.json").read_bytes()

        def no_space(*args: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fsync", no_space)
        with pytest.raises(SaveError, match="not saved: No space left on device"):
            s.insert("setbacks", {"title": "lost"})
        monkeypatch.undo()
        assert (data_dir / "journal.json").read_bytes() == before
        assert [d["title"] for d in s.all("setbacks")] == ["kept"]
        assert not list(data_dir.glob(".journal-*"))


@pytest.mark.parametrize("damage", [b"", b"[1, 2]", b'{"setbacks": {"1": {"title": "x"}', b"\x00" * 64])
def test_damaged_journal_is_moved_aside_not_reset(data_dir: Path, damage: bytes, flavour: Flavour) -> None:
    with flavour.open(data_dir) as s:
        s.insert("setbacks", {"title": "before"})
    (data_dir / "journal.json").write_bytes(damage)
    with flavour.open(data_dir) as s:
        moved = s.report.quarantined
        assert moved is not None and moved.read_bytes() == damage
        assert s.report.newest_backup is not None
        backup = flavour.read(data_dir, s.report.newest_backup.read_bytes())
        assert backup["setbacks"]["1"]["title"] == "before"
        assert s.all("setbacks") == []


def test_rolling_backups_are_kept_to_a_few(data_dir: Path, flavour: Flavour) -> None:
    for i in range(8):
        with flavour.open(data_dir) as s:
            s.insert("checkins", {"rating": i})
    with flavour.open(data_dir) as s:
        assert 1 <= len(s.backups()) <= 5


def test_newer_schema_is_refused(data_dir: Path, flavour: Flavour) -> None:
    data_dir.mkdir(mode=0o700)
    (data_dir / "journal.json").write_bytes(flavour.encode({"meta": {"1": {"schema": 99}}}))
    with pytest.raises(JournalTooNew, match="newer failforward"):
        flavour.open(data_dir)
    # the lock was released on refusal
    data_dir.joinpath("journal.json").write_bytes(flavour.encode({"meta": {"1": {"schema": 1}}}))
    with flavour.open(data_dir):
        pass


def test_insert_many_is_one_write(tmp_path: Path, flavour: Flavour) -> None:
    with flavour.open(tmp_path / "j") as s:
        before = s._storage.writes  # type: ignore[union-attr]
        ids = s.insert_many("checkins", [{"rating": i} for i in range(100)])
        assert s._storage.writes == before + 1  # type: ignore[union-attr]
        assert [s.get("checkins", i)["rating"] for i in ids[:3]] == [0, 1, 2]  # type: ignore[index]


def test_restore_the_newest_backup_after_damage(data_dir: Path, flavour: Flavour) -> None:
    with flavour.open(data_dir) as s:
        s.insert("setbacks", {"title": "precious"})
    (data_dir / "journal.json").write_bytes(b"{ torn")
    with flavour.open(data_dir) as s:
        assert s.codec.encrypted == flavour.encrypted
        backup = s.report.newest_backup
        assert backup is not None and s.all("setbacks") == []
        s.restore(backup)
        assert [d["title"] for d in s.all("setbacks")] == ["precious"]
        s.insert("setbacks", {"title": "after"})
    with flavour.open(data_dir) as s:
        assert [d["title"] for d in s.all("setbacks")] == ["precious", "after"]


def test_restore_refuses_a_bad_backup(data_dir: Path, tmp_path: Path, flavour: Flavour) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"[]")
    with flavour.open(data_dir) as s:
        s.insert("setbacks", {"title": "kept"})
        with pytest.raises(StoreError, match="not a readable journal"):
            s.restore(bad)
        assert [d["title"] for d in s.all("setbacks")] == ["kept"]


@pytest.mark.slow  # 400 random changes, each written to disk: left out of make test-fast
def test_read_caches_always_match_the_tables(tmp_path: Path) -> None:
    """Random changes; after each, every lookup equals a plain scan of the table."""
    import random

    rng = random.Random(5)
    with Store(tmp_path / "j") as s:
        ids: list[int] = []
        for step in range(400):
            action = rng.choice(["insert", "insert", "update", "update", "remove", "batch"])
            if action == "insert" or not ids:
                ids.append(
                    s.insert("drafts", {"setback_id": rng.randint(1, 4), "chapter_id": rng.choice("abc"), "n": step})
                )
            elif action == "update":
                fields = {"n": step}
                if rng.random() < 0.3:
                    fields["chapter_id"] = rng.choice("abc")
                s.update("drafts", rng.choice(ids), fields)
            elif action == "remove":
                victim = rng.choice(ids)
                ids.remove(victim)
                s.remove("drafts", [victim])
            else:
                with s.batch():
                    ids.append(s.insert("drafts", {"setback_id": 1, "chapter_id": "a", "n": step}))
                    s.update("drafts", ids[0], {"setback_id": rng.randint(1, 4)})
            truth = [{**d, "id": d.doc_id} for d in s.db.table("drafts").all()]
            for setback_id in range(1, 5):
                for chapter_id in "abc":
                    expected = [d for d in truth if d["setback_id"] == setback_id and d["chapter_id"] == chapter_id]
                    assert s.find("drafts", setback_id=setback_id, chapter_id=chapter_id) == expected
                assert s.find("drafts", setback_id=setback_id) == [d for d in truth if d["setback_id"] == setback_id]
            assert s.all("drafts") == truth


def on_disk(folder: Path) -> dict:  # type: ignore[type-arg]
    """What a fresh reader finds in the folder: journal.json with the log's saves on top."""
    loaded = read_journal_files(folder / "journal.json", open_codec(folder, lambda: TEST_PASSPHRASE))
    assert loaded is not None
    return {name: table for name, table in loaded.data.items() if table}


def in_memory(s: Store) -> dict:  # type: ignore[type-arg]
    return {name: table for name, table in s._storage.read().items() if table}  # type: ignore[union-attr]


def test_the_files_always_hold_what_memory_holds(tmp_path: Path, flavour: Flavour) -> None:
    """Random changes, batches, failures and reopenings: after each, a reader finds exactly the state in memory."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    import tui.store.disk as store_module

    steps = st.lists(
        st.tuples(
            st.sampled_from(["insert", "insert", "update", "remove", "many", "batch", "fail", "reopen", "compact"]),
            st.integers(0, 10**6),
        ),
        min_size=1,
        max_size=25,
    )

    @settings(max_examples=examples(60), deadline=None)
    @given(steps, st.sampled_from([0, 200, 1 << 20]))
    def check(plan: list[tuple[str, int]], limit: int) -> None:
        folder = tmp_path / f"j{limit}-{abs(hash(tuple(plan)))}"
        original = store_module.LOG_LIMIT_MIN
        store_module.LOG_LIMIT_MIN = limit
        s = flavour.open(folder)
        try:
            for action, n in plan:
                ids = [d["id"] for d in s.all("drafts")]
                if action == "insert" or (not ids and action in ("update", "remove")):
                    s.insert("drafts", {"n": n, "text": "é\u2028\n" * (n % 7)})
                elif action == "update":
                    s.update("drafts", ids[n % len(ids)], {"n": n, "extra": [n, None]})
                elif action == "remove":
                    s.remove("drafts", [ids[n % len(ids)]])
                elif action == "many":
                    s.insert_many("checkins", [{"rating": n % 5} for _ in range(n % 4)])
                elif action == "batch":
                    with s.batch():
                        s.insert("setbacks", {"title": str(n)})
                        s.insert("drafts", {"n": n})
                elif action == "fail":
                    real = os.fsync
                    os.fsync = lambda fd: (_ for _ in ()).throw(OSError(5, "Input/output error"))  # type: ignore[assignment]
                    try:
                        with pytest.raises(SaveError):
                            s.insert("drafts", {"n": n, "lost": True})
                    finally:
                        os.fsync = real
                    assert not any(d.get("lost") for d in s.all("drafts"))
                elif action == "reopen":
                    s.close()
                    s = flavour.open(folder)
                else:
                    s._storage.compact()  # type: ignore[union-attr]
                assert on_disk(folder) == in_memory(s)
        finally:
            s.close()
            store_module.LOG_LIMIT_MIN = original
        assert not (folder / "journal.log").exists()  # folded into journal.json on close

    check()


def big_journal(folder: Path, flavour: Flavour, n: int = 2000) -> None:
    with flavour.open(folder) as s:
        s.insert_many("reflections", [{"setback_id": i % 50, "answers": {"a": "x" * 1500}} for i in range(n)])


def test_a_save_writes_its_change_not_the_journal(tmp_path: Path, flavour: Flavour) -> None:
    folder = tmp_path / "j"
    big_journal(folder, flavour)
    journal = folder / "journal.json"
    with flavour.open(folder) as s:
        before = journal.stat()
        doc = {"setback_id": 7, "answers": {"a": "a new answer " * 100}}
        new_id = s.insert("reflections", doc)
        s.update("reflections", 3, {"answers": {"a": "changed"}})
        log = (folder / "journal.log").read_bytes()
        assert journal.stat().st_ino == before.st_ino and journal.stat().st_mtime_ns == before.st_mtime_ns
        assert len(log) < 2 * len(orjson.dumps(doc)) + 200  # two saves, a few KB: not the 3 MB journal
        assert s._storage.compactions == 0  # type: ignore[union-attr]
    with flavour.open(folder) as s:
        assert s.get("reflections", new_id)["answers"] == doc["answers"]  # type: ignore[index]
        assert s.get("reflections", 3)["answers"] == {"a": "changed"}  # type: ignore[index]
    assert not (folder / "journal.log").exists()


@pytest.mark.slow
def test_saves_of_a_session_that_never_closed_are_kept(tmp_path: Path, flavour: Flavour) -> None:
    folder = tmp_path / "j"
    big_journal(folder, flavour, 10)
    code = f"""
import os
from pathlib import Path
from tui.store import Store
s = {flavour.store_source(folder)}
for i in range(5):
    s.insert("setbacks", {{"title": f"saved {{i}}"}})
s.update("reflections", 1, {{"answers": {{"a": "edited"}}}})
s.remove("reflections", [2])
os._exit(0)  # no close: the saves are in the log only
"""
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=60)
    assert (folder / "journal.log").exists()
    with flavour.open(folder) as s:
        assert s.report.recovered_saves == 7
        assert [d["title"] for d in s.all("setbacks")] == [f"saved {i}" for i in range(5)]
        assert s.get("reflections", 1)["answers"] == {"a": "edited"}  # type: ignore[index]
        assert s.get("reflections", 2) is None
        assert not (folder / "journal.log").exists()  # written into journal.json at once
        backup = flavour.read(folder, s.newest_backup().read_bytes())  # type: ignore[union-attr]
        assert backup["setbacks"]["5"]["title"] == "saved 4"


def test_a_log_that_journal_json_already_holds_is_never_applied_again(tmp_path: Path, flavour: Flavour) -> None:
    """A crash between writing journal.json whole and removing the old log leaves a stale log."""
    folder = tmp_path / "j"
    with flavour.open(folder) as s:
        doc_id = s.insert("setbacks", {"title": "first"})
    with flavour.open(folder) as s:
        s.update("setbacks", doc_id, {"title": "second"})
        stale = (folder / "journal.log").read_bytes()
    with flavour.open(folder) as s:
        s.update("setbacks", doc_id, {"title": "third"})
    (folder / "journal.log").write_bytes(stale)
    os.chmod(folder / "journal.log", 0o600)
    with flavour.open(folder) as s:
        assert s.get("setbacks", doc_id)["title"] == "third"  # type: ignore[index]
        assert s.report.recovered_saves == 0
        s.insert("setbacks", {"title": "fourth"})
    with flavour.open(folder) as s:
        assert [d["title"] for d in s.all("setbacks")] == ["third", "fourth"]


def crashed_with_log(folder: Path, saves: int, flavour: Flavour) -> bytes:
    """A journal whose last session saved ``saves`` times and then died; returns its log."""
    with flavour.open(folder) as s:
        s.insert("setbacks", {"title": "base"})
    s = flavour.open(folder)
    for i in range(saves):
        s.insert("setbacks", {"title": f"logged {i}"})
    log = (folder / "journal.log").read_bytes()
    s._storage._close_log()  # type: ignore[union-attr]
    s._storage._closed = True  # type: ignore[union-attr]  # as if killed: close folds nothing in
    s.close()
    assert (folder / "journal.log").read_bytes() == log
    return log


@pytest.mark.parametrize("tail", [b"3f2a", b"0000000", b"\x00" * 300, b'deadbeef {"setbacks": {"9": {"ti'])
def test_a_torn_last_save_is_dropped_quietly(tmp_path: Path, tail: bytes, flavour: Flavour) -> None:
    folder = tmp_path / "j"
    log = crashed_with_log(folder, 3, flavour)
    (folder / "journal.log").write_bytes(log + tail)
    with flavour.open(folder) as s:
        assert [d["title"] for d in s.all("setbacks")] == ["base", "logged 0", "logged 1", "logged 2"]
        assert s.report.damaged_log is None and s.report.quarantined is None


def test_damage_in_the_middle_of_the_log_is_reported_and_kept(tmp_path: Path, flavour: Flavour) -> None:
    folder = tmp_path / "j"
    log = crashed_with_log(folder, 3, flavour)
    lines = log.split(b"\n")
    if flavour.encrypted:  # the second save no longer matches its checksum
        lines[2] = lines[2][:40] + bytes([lines[2][40] ^ 1]) + lines[2][41:]
    else:
        lines[2] = lines[2].replace(b"logged 1", b"logged X")
    damaged = b"\n".join(lines)
    (folder / "journal.log").write_bytes(damaged)
    with flavour.open(folder) as s:
        assert [d["title"] for d in s.all("setbacks")] == ["base", "logged 0"]
        copy = s.report.damaged_log
        assert copy is not None and copy.read_bytes() == damaged
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600


def test_a_damaged_journal_takes_its_log_aside_with_it(tmp_path: Path, flavour: Flavour) -> None:
    folder = tmp_path / "j"
    log = crashed_with_log(folder, 2, flavour)
    (folder / "journal.json").write_bytes(b"{ torn")
    with flavour.open(folder) as s:
        assert s.report.quarantined is not None
        assert s.all("setbacks") == []
    moved = list(folder.glob("journal.log.damaged-*"))
    assert [p.read_bytes() for p in moved] == [log]


@pytest.mark.slow  # 400 saves racing a reader: left out of make test-fast
def test_a_reader_never_sees_half_a_state_while_a_session_saves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flavour: Flavour
) -> None:
    """Export reads without the lock while saves append and journal.json is rewritten whole."""
    import threading

    import tui.store.disk as store_module

    monkeypatch.setattr(store_module, "LOG_LIMIT_MIN", 2000)  # rewrite journal.json every few saves
    folder = tmp_path / "j"
    s = flavour.open(folder)
    s.insert("checkins", {"n": 0})
    done = threading.Event()

    def saver() -> None:
        for n in range(1, 400):
            s.insert("checkins", {"n": n, "pad": "p" * 200})
        done.set()

    thread = threading.Thread(target=saver)
    thread.start()
    seen = 0
    reads = 0
    try:
        while not done.is_set() or reads < 5:
            numbers = sorted(d["n"] for d in on_disk(folder).get("checkins", {}).values())
            assert numbers == list(range(len(numbers)))  # every save up to some point, none missing
            assert len(numbers) >= seen  # never going back in time
            seen = len(numbers)
            reads += 1
    finally:
        thread.join()
        s.close()
    assert s._storage.compactions >= 10  # type: ignore[union-attr]
    assert sorted(d["n"] for d in on_disk(folder)["checkins"].values()) == list(range(400))


def test_nothing_is_written_after_close(tmp_path: Path, flavour: Flavour) -> None:
    """A late write (a draft as the app quits) must never touch a journal another session may hold."""
    folder = tmp_path / "j"
    s = flavour.open(folder)
    s.insert("setbacks", {"title": "kept"})
    s.close()
    before = (folder / "journal.json").read_bytes()
    with pytest.raises(SaveError, match="the journal is closed"):
        s.insert("setbacks", {"title": "too late"})
    s.close()  # twice is fine
    assert (folder / "journal.json").read_bytes() == before
    assert not (folder / "journal.log").exists()
    with flavour.open(folder) as again:
        assert [d["title"] for d in again.all("setbacks")] == ["kept"]


# -- a journal whose folder goes away while the session runs ----------------------


def test_a_deleted_folder_is_never_saved_into_and_nothing_in_memory_is_lost(tmp_path: Path) -> None:
    import shutil

    from tui.store import JournalLost

    folder = tmp_path / "j"
    s = Store(folder)
    first = s.insert("setbacks", {"title": "saved before"})
    shutil.rmtree(folder)
    with pytest.raises(JournalLost, match="is gone"):
        s.insert("setbacks", {"title": "typed after"})
    assert not folder.exists()  # nothing recreated it behind the person's back
    assert {d["title"] for d in s.all("setbacks")} == {"saved before", "typed after"}  # memory kept both
    with pytest.raises(JournalLost):  # and every later save says so too
        s.update("setbacks", first, {"title": "still not saved"})
    assert s.lost is not None and "is gone" in s.lost
    path = s.rescue(folder)  # the original place, recreated
    assert path == folder / "journal.json"
    s.insert("setbacks", {"title": "after the rescue"})
    s.close()
    with Store(folder) as again:
        titles = {d["title"] for d in again.all("setbacks")}
    assert titles == {"still not saved", "typed after", "after the rescue"}


def test_a_moved_folder_is_reported_and_the_journal_can_go_elsewhere(tmp_path: Path) -> None:
    from tui.store import JournalLost

    folder, moved, chosen = tmp_path / "j", tmp_path / "moved", tmp_path / "chosen"
    s = Store(folder)
    s.insert("setbacks", {"title": "one"})
    folder.rename(moved)
    with pytest.raises(JournalLost, match="is gone"):
        s.insert("setbacks", {"title": "two"})
    s.rescue(chosen)
    s.close()
    with Store(chosen) as again:
        assert {d["title"] for d in again.all("setbacks")} == {"one", "two"}
    assert (moved / "journal.json").exists()  # the moved copy is left as it was


def test_a_folder_put_in_place_of_the_journal_is_not_written_into(tmp_path: Path) -> None:
    import shutil

    from tui.store import JournalLost

    folder = tmp_path / "j"
    s = Store(folder)
    s.insert("setbacks", {"title": "one"})
    shutil.rmtree(folder)
    folder.mkdir()  # e.g. a different disk mounted at the same place
    with pytest.raises(JournalLost, match="was replaced"):
        s.insert("setbacks", {"title": "two"})
    s.close()
    assert list(folder.iterdir()) == []  # closing wrote nothing into the stranger


def test_a_journal_file_replaced_by_another_program_is_not_overwritten(tmp_path: Path) -> None:
    from tui.store import JournalLost

    folder = tmp_path / "j"
    s = Store(folder)
    s.insert("setbacks", {"title": "one"})
    s.close()
    s = Store(folder)
    other = tmp_path / "other.json"
    other.write_bytes(b'{"setbacks": {}}')
    other.replace(folder / "journal.json")
    with pytest.raises(JournalLost, match="replaced by another program"):
        s.insert("setbacks", {"title": "two"})
    s.close()
    assert (folder / "journal.json").read_bytes() == b'{"setbacks": {}}'


def test_a_deleted_log_is_noticed_at_the_next_save(tmp_path: Path) -> None:
    from tui.store import JournalLost

    folder = tmp_path / "j"
    s = Store(folder)
    s.insert("setbacks", {"title": "one"})
    s.insert("setbacks", {"title": "two"})  # the log now holds a save
    (folder / "journal.log").unlink()
    with pytest.raises(JournalLost, match="log of recent saves"):
        s.insert("setbacks", {"title": "three"})
    s.rescue(folder)
    s.close()
    with Store(folder) as again:
        assert {d["title"] for d in again.all("setbacks")} == {"one", "two", "three"}


def test_a_failed_write_into_a_vanishing_folder_never_empties_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder disappears between the check and the write: memory must not be reloaded as empty."""
    import shutil

    from tui.store import JournalLost
    from tui.store import private as private_module

    folder = tmp_path / "j"
    s = Store(folder)
    s.insert("setbacks", {"title": "one"})
    real = private_module.write_private

    def vanish_then_write(path: Path, payload: bytes | list[bytes]) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        real(path, payload)

    monkeypatch.setattr("tui.store.storage.write_private", vanish_then_write)
    monkeypatch.setattr("tui.store.storage.disk.LOG_LIMIT_MIN", 0)
    s._storage._log_broken = True  # type: ignore[union-attr]  # the next save rewrites journal.json whole
    with pytest.raises(JournalLost):
        s.insert("setbacks", {"title": "two"})
    assert {d["title"] for d in s.all("setbacks")} == {"one", "two"}
    s.close()
