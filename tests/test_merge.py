"""The three-way merge (tui.store.merge): each rule by example, then properties over random edits.

The properties are what a person relies on when two machines changed the same
journal: no answer written on either side is lost (it is in place, or kept in
the conflicts table), a deletion only removes what the other side left alone,
merging is a no-op when one side did nothing, and which side is "ours" only
decides which version sits in place.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.store.merge import (
    ANSWER_TABLES,
    CONFLICTS,
    EARLIEST,
    HIGHEST,
    LATEST,
    MISSING,
    ONE_PER_CHAPTER,
    MergeResult,
    merge,
    same,
)

from .conftest import examples

Journal = dict[str, dict[str, dict[str, Any]]]
CHILD_TABLES = ("reflections", "drafts", "actions", "checkins")
STAMPS = LATEST | EARLIEST | HIGHEST | {"device"}


def journal(**tables: dict[str, dict[str, Any]]) -> Journal:
    data: Journal = {"meta": {"1": {"schema": 1}}, "setbacks": {}, "reflections": {}}
    data.update(copy.deepcopy(tables))
    return data


def reflection(answers: dict[str, Any], setback: str = "s1", chapter: str = "lessons", **more: Any) -> dict[str, Any]:
    return {"setback_id": setback, "chapter_id": chapter, "answers": answers, "status": "draft", **more}


BASE = journal(
    setbacks={"s1": {"title": "Passed over", "kind": "promotion"}},
    reflections={"r1": reflection({"causes": "no scope", "went_well": "shipped"})},
)


def edit(data: Journal, table: str, rid: str, **fields: Any) -> Journal:
    out = copy.deepcopy(data)
    out[table][rid].update(fields)
    return out


def answer(data: Journal, rid: str, field: str, value: Any) -> Journal:
    out = copy.deepcopy(data)
    out["reflections"][rid]["answers"][field] = value
    return out


# -- the rules, one example each ---------------------------------------------------


def test_an_answer_changed_on_one_side_is_taken_and_nothing_is_noted() -> None:
    theirs = answer(BASE, "r1", "causes", "never asked what staff meant")
    result = merge(BASE, BASE, theirs)
    assert result.data["reflections"]["r1"]["answers"]["causes"] == "never asked what staff meant"
    assert result.conflicts == [] and CONFLICTS not in result.data
    assert result.changed == {"reflections": 1}


def test_an_answer_changed_the_same_way_on_both_sides_is_taken_once() -> None:
    both = answer(BASE, "r1", "causes", "same words")
    result = merge(BASE, both, copy.deepcopy(both))
    assert result.data == both
    assert result.conflicts == []


def test_different_answers_of_one_reflection_changed_on_each_side_are_both_taken() -> None:
    ours = answer(BASE, "r1", "causes", "ours")
    theirs = answer(BASE, "r1", "went_well", "theirs")
    result = merge(BASE, ours, theirs)
    assert result.data["reflections"]["r1"]["answers"] == {"causes": "ours", "went_well": "theirs"}
    assert result.conflicts == []


def test_the_same_answer_changed_differently_keeps_ours_in_place_and_theirs_in_the_conflicts_table() -> None:
    ours = edit(answer(BASE, "r1", "causes", "laptop words"), "reflections", "r1", device="laptop", changed="T3")
    theirs = edit(answer(BASE, "r1", "causes", "devbox words"), "reflections", "r1", device="devbox", changed="T2")
    result = merge(BASE, ours, theirs, found="2026-03-14T09:30:00")
    assert result.data["reflections"]["r1"]["answers"]["causes"] == "laptop words"
    (note_id, note), *_ = result.data[CONFLICTS].items()
    assert note == {
        "table": "reflections",
        "record_id": "r1",
        "field": "answers",
        "answer_field": "causes",
        "ours": "laptop words",
        "theirs": "devbox words",
        "theirs_device": "devbox",
        "theirs_changed": "T2",
        "ours_device": "laptop",
        "ours_changed": "T3",
        "found": "2026-03-14T09:30:00",
    }
    assert result.conflicts == [note]
    assert note_id.isdigit()  # readable by a storage whose ids are numbers
    assert "1 answer changed on both sides: both versions kept" in result.summary()


def test_a_field_of_a_setback_changed_differently_on_both_sides_is_noted_with_no_answer_field() -> None:
    ours = edit(BASE, "setbacks", "s1", title="Passed over for staff")
    theirs = edit(BASE, "setbacks", "s1", title="Promotion went to Sam")
    result = merge(BASE, ours, theirs)
    assert result.data["setbacks"]["s1"]["title"] == "Passed over for staff"
    (note,) = result.conflicts
    assert (note["table"], note["field"], note["answer_field"], note["theirs"]) == (
        "setbacks",
        "title",
        None,
        "Promotion went to Sam",
    )


def test_a_deletion_wins_over_a_record_the_other_side_did_not_change() -> None:
    base = journal(setbacks=BASE["setbacks"], reflections=BASE["reflections"], actions={"a1": {"setback_id": "s1"}})
    theirs = copy.deepcopy(base)
    del theirs["actions"]["a1"]
    result = merge(base, base, theirs)
    assert result.data["actions"] == {}
    assert result.deleted == {"actions": 1}


def test_a_record_deleted_on_one_side_and_changed_on_the_other_is_kept_with_its_changes() -> None:
    changed = answer(BASE, "r1", "causes", "rewritten")
    deleted = copy.deepcopy(BASE)
    del deleted["reflections"]["r1"]
    for ours, theirs in ((changed, deleted), (deleted, changed)):
        result = merge(BASE, ours, theirs)
        assert result.data["reflections"]["r1"] == changed["reflections"]["r1"]
        assert result.conflicts == []


def test_an_answer_cleared_on_one_side_and_changed_on_the_other_keeps_the_change() -> None:
    cleared = copy.deepcopy(BASE)
    del cleared["reflections"]["r1"]["answers"]["causes"]
    changed = answer(BASE, "r1", "causes", "rewritten")
    for ours, theirs in ((cleared, changed), (changed, cleared)):
        assert merge(BASE, ours, theirs).data["reflections"]["r1"]["answers"]["causes"] == "rewritten"
    # ...and cleared on one side, untouched on the other: cleared.
    assert "causes" not in merge(BASE, cleared, BASE).data["reflections"]["r1"]["answers"]


def test_records_added_on_both_sides_with_different_ids_are_all_kept() -> None:
    ours = edit(BASE, "setbacks", "s1")
    ours["setbacks"]["laptop-1"] = {"title": "Layoff"}
    theirs = copy.deepcopy(BASE)
    theirs["setbacks"]["devbox-1"] = {"title": "Rejected"}
    result = merge(BASE, ours, theirs)
    assert set(result.data["setbacks"]) == {"s1", "laptop-1", "devbox-1"}
    assert result.added == {"setbacks": 1}


def test_a_setback_deleted_while_the_other_side_wrote_under_it_is_kept() -> None:
    deleted = copy.deepcopy(BASE)
    deleted["setbacks"] = {}
    deleted["reflections"] = {}
    wrote = copy.deepcopy(BASE)
    wrote["reflections"]["r2"] = reflection({"plan": "ask Sam"}, chapter="goals")
    for ours, theirs in ((deleted, wrote), (wrote, deleted)):
        result = merge(BASE, ours, theirs)
        assert result.data["setbacks"]["s1"] == BASE["setbacks"]["s1"]  # no orphan
        assert set(result.data["reflections"]) == {"r2"}  # the untouched reflection went with the setback
    assert merge(BASE, deleted, wrote).kept_parents == 1


def test_two_reflections_for_one_chapter_added_one_on_each_side_become_one() -> None:
    base = journal(setbacks=BASE["setbacks"])
    ours = journal(setbacks=BASE["setbacks"], reflections={"b-7": reflection({"causes": "x", "plan": "p"})})
    theirs = journal(setbacks=BASE["setbacks"], reflections={"a-3": reflection({"causes": "y", "went_well": "w"})})
    result = merge(base, ours, theirs)
    assert list(result.data["reflections"]) == ["a-3"]  # the smaller id, on both machines
    assert result.data["reflections"]["a-3"]["answers"] == {"causes": "x", "plan": "p", "went_well": "w"}
    (note,) = result.conflicts
    assert (note["record_id"], note["answer_field"], note["ours"], note["theirs"]) == ("a-3", "causes", "x", "y")


def test_meta_takes_the_higher_schema_version() -> None:
    newer = edit(BASE, "meta", "1", schema=2)
    assert merge(BASE, BASE, newer).data["meta"]["1"]["schema"] == 2
    assert merge(BASE, newer, BASE).data["meta"]["1"]["schema"] == 2
    older_base = edit(BASE, "meta", "1", schema=3)
    assert merge(older_base, newer, edit(BASE, "meta", "1", schema=4)).data["meta"]["1"]["schema"] == 4


def test_bookkeeping_fields_changed_on_both_sides_follow_rules_and_never_conflict() -> None:
    base = edit(BASE, "reflections", "r1", changed="T1", device="box", revision=1, created="C2", updated="U1")
    ours = edit(answer(base, "r1", "causes", "o"), "reflections", "r1", changed="T3", device="laptop")
    ours = edit(ours, "reflections", "r1", revision=2, created="C1", updated="U2")
    theirs = edit(answer(base, "r1", "went_well", "t"), "reflections", "r1", changed="T2", device="devbox")
    theirs = edit(theirs, "reflections", "r1", revision=4, created="C3", updated="U3")
    merged = merge(base, ours, theirs).data["reflections"]["r1"]
    assert (merged["changed"], merged["device"]) == ("T3", "laptop")  # the device of the later change
    assert (merged["revision"], merged["created"], merged["updated"]) == (4, "C1", "U3")
    assert merged["answers"] == {"causes": "o", "went_well": "t"}
    assert CONFLICTS not in merge(base, ours, theirs).data


def test_the_same_disagreement_merged_twice_is_noted_once() -> None:
    ours = answer(BASE, "r1", "causes", "o")
    theirs = answer(BASE, "r1", "causes", "t")
    first = merge(BASE, ours, theirs, found="first")
    again = merge(BASE, first.data, theirs, found="later")
    assert again.data[CONFLICTS] == first.data[CONFLICTS]
    assert again.conflicts == []


def test_values_of_different_json_types_differ() -> None:
    assert not same(1, True) and not same(1, 1.0) and not same([1], [True])
    assert same({"a": [1, {"b": None}]}, {"a": [1, {"b": None}]})
    ours = answer(BASE, "r1", "causes", 1)
    theirs = answer(BASE, "r1", "causes", True)
    assert len(merge(BASE, ours, theirs).conflicts) == 1


def test_the_summary_names_what_came_in() -> None:
    theirs = answer(BASE, "r1", "causes", "new")
    theirs["setbacks"]["s2"] = {"title": "Another"}
    assert merge(BASE, BASE, theirs).summary() == "1 setback added, 1 reflection changed"
    assert merge(BASE, BASE, BASE).summary() == "nothing new from the other side"


# -- properties over random edits ----------------------------------------------------------

CHAPTERS = ("start", "lessons", "goals")
FIELDS = ("causes", "went_well", "plan")
VALUES = st.sampled_from(["", "a", "b", "c", 1, 2, True, None, ["x"], ["x", "y"], {"k": 1}])
TIMES = st.sampled_from(["2026-03-14T09:00:00", "2026-03-14T10:00:00", "2026-03-15T08:00:00"])


def empty_journal() -> Journal:
    return {"meta": {"1": {"schema": 1}}, "setbacks": {}, **{t: {} for t in CHILD_TABLES}}


def _delete_setback(data: Journal, sid: str) -> None:
    """As the app does: a setback goes with everything written about it."""
    del data["setbacks"][sid]
    for table in CHILD_TABLES:
        for rid in [r for r, rec in data[table].items() if rec["setback_id"] == sid]:
            del data[table][rid]


@st.composite
def edited(draw: st.DrawFn, start: Journal, side: str, most: int = 10) -> Journal:
    """``start`` after a few edits of the kinds the app makes, new records named ``side``1, ``side``2..."""
    data = copy.deepcopy(start)
    ids = (f"{side}{n}" for n in itertools.count(1))

    def stamp(rec: dict[str, Any]) -> None:
        rec["changed"] = draw(TIMES)
        rec["device"] = side

    for _ in range(draw(st.integers(0, most))):
        setbacks = sorted(data["setbacks"])
        answered = [(t, r) for t in ANSWER_TABLES for r in sorted(data[t])]
        ops = ["add setback"]
        if setbacks:
            ops += ["edit setback", "delete setback", "add answers", "add action", "add check-in"]
        if answered:
            ops += ["answer", "clear answer", "delete answers"]
        if data["actions"]:
            ops += ["edit action", "delete action"]
        op = draw(st.sampled_from(ops))
        if op == "add setback":
            rec: dict[str, Any] = {"title": draw(VALUES), "kind": draw(st.sampled_from(["layoff", "review"]))}
            stamp(rec)
            rec["created"] = rec["changed"]
            data["setbacks"][next(ids)] = rec
        elif op == "edit setback":
            rec = data["setbacks"][draw(st.sampled_from(setbacks))]
            rec[draw(st.sampled_from(["title", "kind", "archived"]))] = draw(VALUES)
            stamp(rec)
        elif op == "delete setback":
            _delete_setback(data, draw(st.sampled_from(setbacks)))
        elif op == "add answers":
            table = draw(st.sampled_from(sorted(ANSWER_TABLES)))
            sid = draw(st.sampled_from(setbacks))
            taken = {rec["chapter_id"] for rec in data[table].values() if rec["setback_id"] == sid}
            free = [c for c in CHAPTERS if c not in taken]  # one per setback and chapter, as the app keeps it
            if not free:
                continue
            answers = draw(st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=3))
            rec = {"setback_id": sid, "chapter_id": draw(st.sampled_from(free)), "answers": answers, "revision": 1}
            stamp(rec)
            rec["created"] = rec["updated"] = rec["changed"]
            data[table][next(ids)] = rec
        elif op in ("answer", "clear answer", "delete answers"):
            table, rid = draw(st.sampled_from(answered))
            rec = data[table][rid]
            if op == "delete answers":
                del data[table][rid]
                continue
            key = draw(st.sampled_from(FIELDS))
            if op == "answer":
                rec["answers"][key] = draw(VALUES)
            else:
                rec["answers"].pop(key, None)
            stamp(rec)
            rec["updated"] = rec["changed"]
            rec["revision"] += 1
        elif op == "add action":
            rec = {"setback_id": draw(st.sampled_from(setbacks)), "text": draw(VALUES), "done": False}
            stamp(rec)
            data["actions"][next(ids)] = rec
        elif op == "add check-in":
            data["checkins"][next(ids)] = {"setback_id": draw(st.sampled_from(setbacks)), "rating": draw(VALUES)}
        elif op == "edit action":
            rec = data["actions"][draw(st.sampled_from(sorted(data["actions"])))]
            rec[draw(st.sampled_from(["text", "done", "due"]))] = draw(VALUES)
            stamp(rec)
        elif op == "delete action":
            del data["actions"][draw(st.sampled_from(sorted(data["actions"])))]
    return data


@st.composite
def three_states(draw: st.DrawFn) -> tuple[Journal, Journal, Journal]:
    base = draw(edited(empty_journal(), "b"))
    return base, draw(edited(base, "o")), draw(edited(base, "t"))


Cell = tuple[str, str, str, str | None]


def cells(data: Journal, stamps: bool = False) -> Iterator[tuple[Cell, Any]]:
    """Every value of every record: (table, record id, field, answer field or None) -> value."""
    for table, records in data.items():
        if table in ("meta", CONFLICTS):
            continue
        for rid, rec in records.items():
            for key, value in rec.items():
                if key in STAMPS and not stamps:
                    continue
                if table in ANSWER_TABLES and key == "answers" and isinstance(value, dict):
                    for name, v in value.items():
                        yield (table, rid, key, name), v
                else:
                    yield (table, rid, key, None), value


def lookup(data: Journal, cell: Cell) -> Any:
    table, rid, key, name = cell
    rec = data.get(table, {}).get(rid)
    value = MISSING if rec is None else rec.get(key, MISSING)
    if name is not None:
        value = value.get(name, MISSING) if isinstance(value, dict) else MISSING
    return value


def kept(result: Journal, side: Journal, cell: Cell, value: Any) -> bool:
    """Whether ``value`` is in place, or noted in the conflicts table (possibly under the record it was folded into)."""
    table, rid, key, name = cell
    places = {rid}
    if table in ONE_PER_CHAPTER:
        fields = ONE_PER_CHAPTER[table]
        mine = [side[table][rid].get(f) for f in fields]
        places |= {r for r, rec in result.get(table, {}).items() if [rec.get(f) for f in fields] == mine}
    for place in places:
        if same(lookup(result, (table, place, key, name)), value):
            return True
    return any(
        note["table"] == table
        and note["record_id"] in places
        and note["field"] == key
        and note["answer_field"] == name
        and (same(note["theirs"], value) or same(note["ours"], value))
        for note in result.get(CONFLICTS, {}).values()
    )


@settings(max_examples=examples(300), deadline=None)
@given(three_states())
def test_no_answer_written_on_either_side_is_lost(states: tuple[Journal, Journal, Journal]) -> None:
    base, ours, theirs = states
    result = merge(base, ours, theirs).data
    for side, other in ((ours, theirs), (theirs, ours)):
        for cell, value in cells(side):
            written_here = not same(value, lookup(base, cell))  # then in place, or in the conflicts table
            left_alone = same(lookup(other, cell), value)  # by both sides: then still in place
            if written_here or left_alone:
                assert kept(result, side, cell, value), (cell, value)


@settings(max_examples=examples(300), deadline=None)
@given(three_states())
def test_a_deletion_removes_only_what_the_other_side_left_alone(states: tuple[Journal, Journal, Journal]) -> None:
    base, ours, theirs = states
    result = merge(base, ours, theirs).data
    parents = {str(rec.get("setback_id")) for t in CHILD_TABLES for rec in result.get(t, {}).values()}
    for deleting, other in ((ours, theirs), (theirs, ours)):
        for table, records in base.items():
            for rid, rec in records.items():
                if rid in deleting.get(table, {}) or rid not in other.get(table, {}):
                    continue
                if same(other[table][rid], rec):  # deleted here, untouched there: gone (unless a parent)
                    assert rid not in result[table] or (table == "setbacks" and rid in parents)
                else:  # deleted here, changed there: kept with its changes
                    assert rid in result[table]


@settings(max_examples=examples(300), deadline=None)
@given(three_states())
def test_nothing_is_left_without_its_setback(states: tuple[Journal, Journal, Journal]) -> None:
    result = merge(*states).data
    for table in CHILD_TABLES:
        for rec in result[table].values():
            assert rec["setback_id"] in result["setbacks"]


@settings(max_examples=examples(200), deadline=None)
@given(three_states())
def test_a_side_that_changed_nothing_or_the_same_changes_gives_the_other(
    states: tuple[Journal, Journal, Journal],
) -> None:
    base, changed, _ = states
    twin = copy.deepcopy(changed)
    for result in (merge(base, changed, twin), merge(base, base, changed), merge(base, changed, base)):
        assert same(result.data, changed)
        assert result.conflicts == []


@settings(max_examples=examples(300), deadline=None)
@given(three_states())
def test_swapping_the_sides_only_swaps_which_version_is_in_the_conflicts_table(
    states: tuple[Journal, Journal, Journal],
) -> None:
    base, ours, theirs = states
    one, two = merge(base, ours, theirs), merge(base, theirs, ours)

    def notes(result: MergeResult, swap: bool) -> set[tuple[Any, ...]]:
        out = set()
        for n in result.conflicts:
            o, t = orjson.dumps(n["ours"]), orjson.dumps(n["theirs"])
            out.add((n["table"], n["record_id"], n["field"], n["answer_field"], *((t, o) if swap else (o, t))))
        return out

    assert notes(one, False) == notes(two, True)
    assert {t: set(r) for t, r in one.data.items() if t != CONFLICTS} == {
        t: set(r) for t, r in two.data.items() if t != CONFLICTS
    }
    places = {cell for cell, _ in cells(one.data, stamps=True)} | {cell for cell, _ in cells(two.data, stamps=True)}
    for cell in places:
        a, b = lookup(one.data, cell), lookup(two.data, cell)
        if not same(a, b):
            key = (*cell, orjson.dumps(a), orjson.dumps(b))
            assert key in notes(one, False), cell


def _reordered(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reordered(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reordered(v) for v in value]
    return value


@settings(max_examples=examples(200), deadline=None)
@given(three_states())
def test_the_result_is_deterministic_and_the_inputs_are_untouched(states: tuple[Journal, Journal, Journal]) -> None:
    before = copy.deepcopy(states)
    result = merge(*states, found="F")
    assert states == before
    again = merge(*(_reordered(s) for s in states), found="F")
    assert orjson.dumps(result.data, option=orjson.OPT_SORT_KEYS) == orjson.dumps(
        again.data, option=orjson.OPT_SORT_KEYS
    )
