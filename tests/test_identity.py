"""Records' identity across machines (tui.store.identity): uids, the schema 1 to 2 migration, the merge on uids."""

from __future__ import annotations

import copy
import difflib
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings

from tui.store import SCHEMA_VERSION, Store, encode, upgrade
from tui.store.identity import device_id, merge_journals, stable_uid
from tui.store.merge import merge

from .test_merge import three_states

# A journal as schema 1 wrote it: numbers only, children naming their setback by number.
OLD: dict[str, Any] = {
    "meta": {"1": {"schema": 1}},
    "setbacks": {
        "1": {"title": "Layoff", "kind": "layoff", "created": "2026-01-02T10:00:00"},
        "2": {"title": "Rejected", "kind": "rejection", "created": "2026-02-03T11:00:00"},
    },
    "reflections": {
        "1": {"setback_id": 2, "chapter_id": "deconstruct", "answers": {"causes": "scope"}, "created": "2026-02-04"},
        "2": {"setback_id": 1, "chapter_id": "deconstruct", "answers": {"causes": "budget"}, "created": "2026-01-05"},
    },
    "drafts": {"1": {"setback_id": 2, "chapter_id": "lessons", "answers": {"went_well": "x"}, "updated": "2026-02-05"}},
    "actions": {"1": {"setback_id": 2, "chapter_id": "plan", "field_id": "steps", "text": "call", "item_id": "a1"}},
    "checkins": {"1": {"setback_id": 1, "rating": 4, "at": "2026-01-06T09:00:00"}},
    "forms": {"1": {"form": "checkin", "setback_id": 1, "values": {"note": "half"}, "updated": "2026-01-07"}},
    "trash": {
        "1": {
            "setback": {"id": 3, "title": "Gone", "created": "2026-01-01"},
            "records": {"reflections": [{"id": 7, "setback_id": 3, "chapter_id": "c", "answers": {}}]},
            "deleted": "2026-03-01T08:00:00",
        }
    },
}


def migrated(data: dict[str, Any]) -> dict[str, Any]:
    return upgrade(copy.deepcopy(data))


def test_the_migration_keeps_every_record_and_link_and_gives_each_a_uid() -> None:
    new = migrated(OLD)
    assert new["meta"]["1"]["schema"] == SCHEMA_VERSION
    uids = []
    for table, docs in OLD.items():
        if table == "meta":
            continue
        assert set(new[table]) == set(docs), table  # the same records, under the same numbers
        for number, doc in docs.items():
            after = dict(new[table][number])
            uids.append(after.pop("uid"))
            if table == "trash":  # the records kept in the trash get theirs too, for a restore
                assert after["setback"].pop("uid") == stable_uid("setbacks", 3, doc["setback"])
                assert after["records"]["reflections"][0].pop("uid")
            assert after == doc, table  # nothing else changed: setback_id still names the same setback
    assert len(set(uids)) == len(uids)


def test_the_same_old_journal_migrated_on_two_machines_gets_the_same_uids() -> None:
    assert encode(migrated(OLD)) == encode(migrated(OLD))
    other = copy.deepcopy(OLD)
    other["setbacks"]["2"]["created"] = "2026-02-03T11:00:01"  # another record that happens to have number 2
    assert migrated(other)["setbacks"]["2"]["uid"] != migrated(OLD)["setbacks"]["2"]["uid"]


def test_a_record_keeps_its_uid_and_gets_time_and_device_when_changed(tmp_path: Path) -> None:
    with Store(tmp_path / "j", clock=lambda: 1_780_000_000.25) as s:
        doc_id = s.insert("setbacks", {"title": "Layoff"})
        first = s.get("setbacks", doc_id)
        assert first is not None
        assert first["changed"] == "2026-05-28T20:26:40.250Z"
        assert first["device"] == device_id() and first["device"]
        s.clock = lambda: 1_780_000_100.0
        s.update("setbacks", doc_id, {"title": "Layoff in May"})
        after = s.get("setbacks", doc_id)
        assert after is not None
        assert after["uid"] == first["uid"] and after["changed"] == "2026-05-28T20:28:20.000Z"


def test_the_device_id_is_kept_in_the_state_folder_not_the_data_folder(tmp_path: Path) -> None:
    ident = device_id()
    with Store(tmp_path / "j") as s:
        s.insert("setbacks", {"title": "x"})
    assert not list((tmp_path / "j").glob("device*"))
    assert ident in orjson.loads((tmp_path / "j" / "journal.json").read_bytes())["setbacks"]["1"]["device"]


def test_a_uid_already_in_the_table_is_never_given_twice() -> None:
    s = Store(None)
    a = s.insert("setbacks", {"title": "a", "uid": "same"})
    b = s.insert("setbacks", {"title": "b", "uid": "same"})
    ids = s.insert_many("setbacks", [{"title": "c", "uid": "other"}, {"title": "d", "uid": "other"}])
    uids = [(s.get("setbacks", i) or {})["uid"] for i in [a, b, *ids]]
    assert len(set(uids)) == 4 and uids[0] == "same" and uids[2] == "other"


def added(data: dict[str, Any], title: str, chapter: str, answer: str) -> dict[str, Any]:
    """A clone that added a setback and answered a chapter for it, as a Store does."""
    s = Store(None, data=copy.deepcopy(data), device=title)
    sid = s.insert("setbacks", {"title": title})
    s.insert("reflections", {"setback_id": sid, "chapter_id": chapter, "answers": {"causes": answer}})
    return s._storage.read() or {}


def test_setbacks_added_on_two_machines_with_the_same_number_are_both_kept_with_their_children() -> None:
    base = migrated(OLD)
    ours = added(base, "ours", "deconstruct", "mine")
    theirs = added(base, "theirs", "lessons", "yours")
    assert set(ours["setbacks"]) == set(theirs["setbacks"]) == {"1", "2", "3"}  # both numbered it 3
    result = merge_journals(base, ours, theirs)
    data = result.data
    titles = {number: doc["title"] for number, doc in data["setbacks"].items()}
    assert titles == {"1": "Layoff", "2": "Rejected", "3": "ours", "4": "theirs"}  # ours keeps its number
    children = {doc["answers"]["causes"]: doc["setback_id"] for doc in data["reflections"].values()}
    assert children == {"scope": 2, "budget": 1, "mine": 3, "yours": 4}  # each follows its setback
    assert result.added == {"setbacks": 1, "reflections": 1} and not result.conflicts
    assert data["drafts"] == base["drafts"] and data["trash"] == base["trash"]


def test_two_clones_of_one_old_journal_migrated_apart_still_merge_answer_by_answer() -> None:
    old_ours = copy.deepcopy(OLD)
    old_ours["reflections"]["1"]["answers"]["causes"] = "scope, said here"
    old_theirs = copy.deepcopy(OLD)
    old_theirs["reflections"]["1"]["answers"]["lessons"] = "ask early"
    result = merge_journals(migrated(OLD), migrated(old_ours), migrated(old_theirs))
    assert result.data["reflections"]["1"]["answers"] == {"causes": "scope, said here", "lessons": "ask early"}
    assert len(result.data["reflections"]) == 2 and not result.conflicts


def test_the_same_answer_changed_on_both_sides_names_the_record_by_uid_and_both_devices() -> None:
    base = migrated(OLD)
    sides = []
    for device, text, clock in (("laptop", "mine", 10.0), ("server", "theirs", 20.0)):
        s = Store(None, data=copy.deepcopy(base), device=device, clock=lambda c=clock: c)
        s.update("reflections", 1, {"answers": {"causes": text}})
        sides.append(s._storage.read() or {})
    result = merge_journals(base, sides[0], sides[1], found="now")
    [note] = result.conflicts
    assert note["record_id"] == base["reflections"]["1"]["uid"] and note["answer_field"] == "causes"
    assert (note["ours"], note["theirs"], note["theirs_device"]) == ("mine", "theirs", "server")
    assert (note["ours_device"], note["ours_changed"]) == ("laptop", "1970-01-01T00:00:10.000Z")
    assert result.data["reflections"]["1"]["answers"]["causes"] == "mine"
    assert result.data["reflections"]["1"]["device"] == "server"  # the later change's device
    [(number, stored)] = result.data["conflicts"].items()
    assert number.isdigit() and stored["uid"]
    again = merge_journals(base, result.data, sides[1], found="later")
    assert len(again.data["conflicts"]) == 1  # noted once however often it is merged


def test_the_file_is_the_same_bytes_for_the_same_journal_and_one_answer_is_one_line() -> None:
    data = migrated(OLD)
    shuffled = {name: dict(reversed(list(docs.items()))) for name, docs in reversed(list(data.items()))}
    assert encode(data) == encode(shuffled)
    raw = encode(data)
    assert raw.endswith(b"}\n") and orjson.loads(raw) == data
    changed = copy.deepcopy(data)
    changed["reflections"]["2"]["answers"]["causes"] = "budget, and timing"
    diff = [
        line
        for line in difflib.unified_diff(raw.decode().splitlines(), encode(changed).decode().splitlines(), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert diff == ['-        "causes": "budget"', '+        "causes": "budget, and timing"']


@pytest.mark.parametrize(
    "hand_edited",
    [
        {"setbacks": {"1": {"title": "a", "uid": "x"}, "2": {"title": "b", "uid": "x"}}},
        {"conflicts": {"5": {"title": "a", "uid": "6"}, "6": {"title": "b", "uid": "6"}}},
    ],
)
def test_a_uid_given_twice_by_hand_keeps_both_records_in_a_merge(hand_edited: dict[str, Any]) -> None:
    result = merge_journals({}, hand_edited, {})
    (table,) = hand_edited
    assert sorted(doc["title"] for doc in result.data[table].values()) == ["a", "b"]


# -- the merge on uids is the record merge, whatever the numbers ------------------------


def numbered(data: dict[str, Any], start: dict[str, dict[str, int]] | None = None) -> dict[str, Any]:
    """A journal keyed by uid as each copy numbers it: the records it shares with ``start`` keep their numbers,
    its own continue from the highest (so two sides number their new records alike), setback_id a number."""
    numbers: dict[str, dict[str, int]] = {}
    for table, docs in data.items():
        if table == "meta":
            continue
        known = dict((start or {}).get(table, {}))
        mine = {uid: known[uid] for uid in docs if uid in known}
        nxt = max(mine.values(), default=max(known.values(), default=0)) + 1
        for uid in sorted(docs):
            if uid not in mine:
                mine[uid] = nxt
                nxt += 1
        numbers[table] = mine
    out: dict[str, Any] = {"meta": copy.deepcopy(data["meta"])}
    for table, docs in data.items():
        if table == "meta":
            continue
        out[table] = {}
        for uid, rec in docs.items():
            rec = {**copy.deepcopy(rec), "uid": uid}
            if "setback_id" in rec and rec["setback_id"] in numbers.get("setbacks", {}):
                rec["setback_id"] = numbers["setbacks"][rec["setback_id"]]
            out[table][str(numbers[table][uid])] = rec
    out["_numbers"] = numbers  # type: ignore[assignment]
    return out


def by_uid(data: dict[str, Any]) -> dict[str, Any]:
    """A merged journal read back by uid (its numbers and setback_id numbers taken away)."""
    parents = {number: rec["uid"] for number, rec in data.get("setbacks", {}).items()}
    out: dict[str, Any] = {"meta": data["meta"]}
    for table, docs in data.items():
        if table == "meta":
            continue
        out[table] = {}
        for rec in docs.values():
            rec = dict(rec)
            uid = rec.pop("uid")
            if table != "conflicts" and isinstance(rec.get("setback_id"), int):
                rec["setback_id"] = parents[str(rec["setback_id"])]
            out[table][uid] = rec
    return out


@settings(max_examples=150, deadline=None)
@given(three_states())
def test_the_merge_on_uids_is_the_record_merge_however_each_copy_numbered_its_records(
    states: tuple[dict[str, Any], ...],
) -> None:
    base, ours, theirs = states
    nb = numbered(base)
    shared = nb.pop("_numbers")
    no, nt = numbered(ours, shared), numbered(theirs, shared)
    no.pop("_numbers")
    nt.pop("_numbers")
    expected = merge(base, ours, theirs, found="then").data
    got = merge_journals(nb, no, nt, found="then").data
    assert by_uid(got) == expected  # every record and answer, each under its own setback
    for table, docs in got.items():
        assert all(number.isdigit() for number in docs), table
    ours_numbers = {rec["uid"]: number for number, rec in no.get("setbacks", {}).items()}
    for number, rec in got.get("setbacks", {}).items():
        assert ours_numbers.get(rec["uid"], number) == number  # what ours had keeps its number
