"""The journal store: durable writes, privacy, one writer, damaged files moved aside."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import orjson
import pytest

from tui.store import JournalLocked, JournalTooNew, SaveError, Store, StoreError


def test_insert_get_update_remove(store: Store) -> None:
    doc_id = store.insert("setbacks", {"title": "Layoff", "id": 99})
    assert store.get("setbacks", doc_id) == {"title": "Layoff", "id": doc_id}
    store.update("setbacks", doc_id, {"title": "Layoff in March"})
    assert store.find("setbacks", title="Layoff in March")[0]["id"] == doc_id
    store.remove("setbacks", [doc_id])
    assert store.all("setbacks") == []


def test_batch_is_one_write(tmp_path: Path) -> None:
    with Store(tmp_path / "j") as s:
        before = s._storage.writes  # type: ignore[union-attr]
        with s.batch():
            for i in range(5):
                s.insert("checkins", {"rating": i})
        assert s._storage.writes == before + 1  # type: ignore[union-attr]


def test_data_survives_reopen(data_dir: Path) -> None:
    with Store(data_dir) as s:
        s.insert("setbacks", {"title": "Rejected"})
    with Store(data_dir) as s:
        assert [d["title"] for d in s.all("setbacks")] == ["Rejected"]
        assert s.schema_version == 1


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_private_permissions_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        folder = tmp_path / "j"
        with Store(folder) as s:
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


def test_second_session_gets_a_clear_message(data_dir: Path) -> None:
    with Store(data_dir):
        with pytest.raises(JournalLocked) as info:
            Store(data_dir)
        assert f"pid {os.getpid()}" in str(info.value)
        assert "another failforward session" in str(info.value)
    with Store(data_dir):  # free again once the first one closed
        pass


def test_leftover_temp_files_are_removed(data_dir: Path) -> None:
    with Store(data_dir) as s:
        s.insert("setbacks", {"title": "x"})
    leftover = data_dir / ".journal-123-456.tmp"
    leftover.write_text("a plaintext copy")
    with Store(data_dir) as s:
        assert not leftover.exists()
        assert s.report.removed_temp_files == 1


def test_failed_write_leaves_file_identical_and_memory_consistent(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(data_dir) as s:
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
def test_damaged_journal_is_moved_aside_not_reset(data_dir: Path, damage: bytes) -> None:
    with Store(data_dir) as s:
        s.insert("setbacks", {"title": "before"})
    (data_dir / "journal.json").write_bytes(damage)
    with Store(data_dir) as s:
        moved = s.report.quarantined
        assert moved is not None and moved.read_bytes() == damage
        assert s.report.newest_backup is not None
        assert orjson.loads(s.report.newest_backup.read_bytes())["setbacks"]["1"]["title"] == "before"
        assert s.all("setbacks") == []


def test_rolling_backups_are_kept_to_a_few(data_dir: Path) -> None:
    for i in range(8):
        with Store(data_dir) as s:
            s.insert("checkins", {"rating": i})
    with Store(data_dir) as s:
        assert 1 <= len(s.backups()) <= 5


def test_newer_schema_is_refused(data_dir: Path) -> None:
    data_dir.mkdir(mode=0o700)
    (data_dir / "journal.json").write_bytes(orjson.dumps({"meta": {"1": {"schema": 99}}}))
    with pytest.raises(JournalTooNew, match="newer failforward"):
        Store(data_dir)
    # the lock was released on refusal
    data_dir.joinpath("journal.json").write_bytes(orjson.dumps({"meta": {"1": {"schema": 1}}}))
    with Store(data_dir):
        pass


def test_insert_many_is_one_write(tmp_path: Path) -> None:
    with Store(tmp_path / "j") as s:
        before = s._storage.writes  # type: ignore[union-attr]
        ids = s.insert_many("checkins", [{"rating": i} for i in range(100)])
        assert s._storage.writes == before + 1  # type: ignore[union-attr]
        assert [s.get("checkins", i)["rating"] for i in ids[:3]] == [0, 1, 2]  # type: ignore[index]


def test_restore_the_newest_backup_after_damage(data_dir: Path) -> None:
    with Store(data_dir) as s:
        s.insert("setbacks", {"title": "precious"})
    (data_dir / "journal.json").write_bytes(b"{ torn")
    with Store(data_dir) as s:
        backup = s.report.newest_backup
        assert backup is not None and s.all("setbacks") == []
        s.restore(backup)
        assert [d["title"] for d in s.all("setbacks")] == ["precious"]
        s.insert("setbacks", {"title": "after"})
    with Store(data_dir) as s:
        assert [d["title"] for d in s.all("setbacks")] == ["precious", "after"]


def test_restore_refuses_a_bad_backup(data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"[]")
    with Store(data_dir) as s:
        s.insert("setbacks", {"title": "kept"})
        with pytest.raises(StoreError, match="not a readable journal"):
            s.restore(bad)
        assert [d["title"] for d in s.all("setbacks")] == ["kept"]


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


def test_only_changed_tables_are_serialised_again_and_the_bytes_are_the_same() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from tui.store import TableEncoder, encode

    encoder = TableEncoder()
    data = {"meta": {"1": {"schema": 1}}, "reflections": {"1": {"answers": {"a": "x" * 100}}}, "drafts": {}}
    assert encoder.encode(data) == encode(data)
    reflections = data["reflections"]
    data["drafts"] = {"1": {"answers": {"b": "typed"}}}  # TinyDB replaces the table it changes
    assert encoder.encode(data) == encode(data)
    assert encoder._last["reflections"][0] is reflections  # the unchanged table was reused

    json_values = st.recursive(
        st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
        max_leaves=10,
    )
    tables = st.dictionaries(
        st.sampled_from(["setbacks", "reflections", "drafts", "meta"]),
        st.dictionaries(st.text(min_size=1), st.dictionaries(st.text(), json_values)),
    )

    @settings(max_examples=200, deadline=None)
    @given(st.lists(tables, min_size=1, max_size=4))
    def same_as_plain(states: list[dict]) -> None:  # type: ignore[type-arg]
        enc = TableEncoder()
        for state in states:
            assert enc.encode(state) == encode(state)

    same_as_plain()
