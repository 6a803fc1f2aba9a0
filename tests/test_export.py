"""Export and import without a terminal: JSON round trips, Markdown case files, bad files."""

from __future__ import annotations

import copy
import datetime as dt
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from tui.content import load_chapters
from tui.export import (
    FORMAT,
    BadSelection,
    ExportTooNew,
    InvalidExport,
    UnknownSetback,
    answer_text,
    export_json,
    export_markdown,
    fenced,
    import_json,
)
from tui.locations import DB_FILE
from tui.sanitize import clean_text
from tui.store import SCHEMA_VERSION, JournalTooNew, NoJournal, Store, StoreError, read_copy
from tui.workbook import SETBACK_KINDS, Workbook, is_empty

from .conftest import FIXED_NOW, FIXTURE_CHAPTERS, examples, fixed_clock

CHAPTERS = load_chapters([FIXTURE_CHAPTERS])
FIRST, SECOND = CHAPTERS


def ticking_clock() -> Callable[[], dt.datetime]:
    """A clock one second later on every call, so records differ in time like real ones."""
    now = [FIXED_NOW]

    def clock() -> dt.datetime:
        now[0] += dt.timedelta(seconds=1)
        return now[0]

    return clock


def W(journal: Store | Workbook) -> Workbook:
    """A workbook on ``journal`` with the test chapters (exports and imports take a Workbook)."""
    return journal if isinstance(journal, Workbook) else Workbook(journal, CHAPTERS, fixed_clock)


def sample_journal(store: Store) -> Workbook:
    wb = Workbook(store, CHAPTERS, ticking_clock())
    s = wb.add_setback("Laid *off* from Acme", "layoff", "2026-02-01", 8)
    wb.save_reflection(
        s.id,
        "first",
        {"what": "The team was cut.\n\n  ```code```\n# not a heading\n", "feeling": 7, "kind": "layoff"},
        done=True,
    )
    wb.save_reflection(
        s.id,
        "second",
        {
            "tags": ["a", "c"],
            "plan": [
                {"text": "Call [Sam]", "due": "2026-04-01", "done": False},
                {"text": "Update CV", "due": None, "done": True},
            ],
        },
    )
    wb.save_draft(s.id, "second", {"tags": ["b"]})
    wb.check_in(s.id, 5)
    other = wb.add_setback("Promotion went elsewhere", "promotion")
    wb.save_reflection(other.id, "first", {"what": "Passed over", "headline": "Not this year"})
    return wb


def normalized(data: dict[str, Any]) -> dict[str, Any]:
    """An export without its time stamp, setbacks numbered by position instead of id.

    Without each record's last change and device too: an import is a change
    made on this machine, now.
    """
    data = copy.deepcopy(data)
    data.pop("exported")
    position = {s["id"]: n for n, s in enumerate(data["setbacks"])}
    for s in data["setbacks"]:
        s["id"] = position[s["id"]]
    for table in ("setbacks", "reflections", "drafts", "actions", "checkins"):
        for doc in data[table]:
            doc.pop("changed", None)
            doc.pop("device", None)
            if table != "setbacks":
                doc["setback_id"] = position[doc["setback_id"]]
    return data


# -- JSON export --------------------------------------------------------------


def test_export_json_holds_everything() -> None:
    wb = sample_journal(Store(None))
    data = export_json(wb, now=FIXED_NOW)
    assert data["format"] == FORMAT
    assert data["schema"] == SCHEMA_VERSION
    assert data["exported"] == "2026-03-14T09:30:00"
    assert data["chapters"] == {"first": FIRST.title, "second": SECOND.title}
    assert [s["title"] for s in data["setbacks"]] == ["Laid *off* from Acme", "Promotion went elsewhere"]
    assert {s["id"] for s in data["setbacks"]} == {1, 2}
    assert len(data["reflections"]) == 3
    assert len(data["drafts"]) == 1
    assert [a["text"] for a in data["actions"]] == ["Call [Sam]", "Update CV"]
    assert [c["rating"] for c in data["checkins"]] == [8, 5]
    json.dumps(data)  # JSON-ready as it is


def test_export_json_shares_nothing_with_the_store() -> None:
    wb = sample_journal(Store(None))
    data = export_json(wb)
    data["reflections"][0]["answers"]["what"] = "changed"
    assert wb.reflection(1, "first").answers["what"].startswith("The team was cut.")


def test_export_json_of_one_setback() -> None:
    wb = sample_journal(Store(None))
    data = export_json(wb, setback_id=2)
    assert [s["title"] for s in data["setbacks"]] == ["Promotion went elsewhere"]
    assert [r["setback_id"] for r in data["reflections"]] == [2]
    assert data["actions"] == [] and data["drafts"] == [] and data["checkins"] == []
    with pytest.raises(UnknownSetback, match="no setback with id 9"):
        export_json(wb, setback_id=9)


# -- JSON import --------------------------------------------------------------


def test_import_into_an_empty_journal_round_trips(data_dir: Path) -> None:
    wb = sample_journal(Store(None))
    data = json.loads(json.dumps(export_json(wb)))
    with Store(data_dir) as dest:
        report = import_json(W(dest), data)
        assert report.added == {"setbacks": 2, "reflections": 3, "drafts": 1, "actions": 2, "checkins": 2}
        assert sum(report.skipped.values()) == 0
        assert normalized(export_json(W(dest))) == normalized(data)
    with Store(data_dir) as reopened:  # it reached the disk
        assert normalized(export_json(W(reopened))) == normalized(data)


def test_import_gives_setbacks_new_ids() -> None:
    source = sample_journal(Store(None))
    data = export_json(source)
    dest = Workbook(Store(None), CHAPTERS, fixed_clock)
    for title in ("One", "Two", "Three"):
        dest.add_setback(title)
    report = import_json(W(dest), data)
    assert report.setback_ids == {1: 4, 2: 5}
    assert dest.setback(4).title == "Laid *off* from Acme"
    assert dest.reflection(4, "first").status == "done"
    assert [a.text for a in dest.actions(4, include_done=True)] == ["Call [Sam]", "Update CV"]
    assert dest.draft(4, "second").answers == {"tags": ["b"]}
    assert dest.reflection(5, "first").answers["headline"] == "Not this year"
    assert dest.reflection(1, "first") is None


def test_importing_twice_skips_exact_duplicates() -> None:
    data = export_json(sample_journal(Store(None)))
    dest = Store(None)
    import_json(W(dest), data)
    before = export_json(W(dest), now=FIXED_NOW)
    report = import_json(W(dest), data)
    assert report.total_added == 0
    assert report.duplicates == {"setbacks": 2, "reflections": 3, "drafts": 1, "actions": 2, "checkins": 2}
    assert report.setback_ids == {1: 1, 2: 2}
    assert export_json(W(dest), now=FIXED_NOW) == before
    assert "skipped, already in the journal: 2 setbacks" in report.summary()


def test_a_newer_version_in_the_journal_is_kept() -> None:
    source = sample_journal(Store(None))
    old = export_json(source)
    source.save_reflection(1, "second", {"plan": [{"text": "Only this", "due": None, "done": False}]})
    source.check_in(1, 3)
    dest = Store(None)
    import_json(W(dest), export_json(source))
    report = import_json(W(dest), old)
    assert report.conflicts["reflections"] == 1  # the journal's 'second' is newer and different
    assert report.conflicts["actions"] == 2  # the old version's items stay out with it
    assert report.added["checkins"] == 0
    assert "kept the journal's" in report.summary()
    wb = Workbook(dest, CHAPTERS)
    assert [a.text for a in wb.actions(1, include_done=True)] == ["Only this"]


def test_new_records_for_a_known_setback_are_merged() -> None:
    source = sample_journal(Store(None))
    dest = Store(None)
    import_json(W(dest), export_json(source))
    source.check_in(2, 9)
    source.save_reflection(2, "second", {"tags": ["a"]})
    report = import_json(W(dest), export_json(source))
    assert report.added == {"setbacks": 0, "reflections": 1, "drafts": 0, "actions": 0, "checkins": 1}
    assert Workbook(dest, CHAPTERS).reflection(2, "second").answers == {"tags": ["a"]}


def test_dry_run_reports_the_same_and_writes_nothing(data_dir: Path) -> None:
    data = export_json(sample_journal(Store(None)))
    with Store(data_dir) as dest:
        Workbook(dest, CHAPTERS, fixed_clock).add_setback("Already here")
    journal = data_dir / DB_FILE
    before = journal.read_bytes()
    with Store(data_dir) as dest:
        dry = import_json(W(dest), data, dry_run=True)
        assert journal.read_bytes() == before
        assert len(dest.all("setbacks")) == 1
        real = import_json(W(dest), copy.deepcopy(data))
    assert dry.dry_run and not real.dry_run
    assert dry.added == real.added and dry.duplicates == real.duplicates
    assert dry.setback_ids == {1: None, 2: None}
    assert "would add: 2 setbacks" in dry.summary() and "nothing was written" in dry.summary()


def test_import_is_one_durable_write(data_dir: Path) -> None:
    data = export_json(sample_journal(Store(None)))
    with Store(data_dir) as dest:
        before = dest._storage.writes  # type: ignore[union-attr]
        import_json(W(dest), data)
        assert dest._storage.writes == before + 1  # type: ignore[union-attr]
        assert dest._storage.pending_saves == 1  # type: ignore[union-attr]  # one line in the log, one fsync
    with Store(data_dir) as again:
        assert len(again.all("setbacks")) == 2


def test_imported_text_is_cleaned_of_terminal_controls() -> None:
    data = export_json(sample_journal(Store(None)))
    data["setbacks"][0]["title"] = "Laid off\x1b[2J\x1b]52;c;aGk=\x07 today"
    data["reflections"][0]["answers"]["what"] = "cut\x9b31m red\x00"
    dest = Workbook(Store(None), CHAPTERS)
    import_json(W(dest), data)
    assert dest.setback(1).title == "Laid off today"
    assert dest.reflection(1, "first").answers["what"] == "cut red"


def valid() -> dict[str, Any]:
    return export_json(sample_journal(Store(None)))


def broken(change: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    data = valid()
    change(data)
    return data


BAD_FILES = [
    pytest.param([], "not a failforward JSON export", id="not-an-object"),
    pytest.param({"setbacks": []}, "not a failforward JSON export", id="no-format"),
    pytest.param(broken(lambda d: d.update(schema="1")), "'schema' must be a whole number", id="schema-text"),
    pytest.param(broken(lambda d: d.update(setbacks={})), "'setbacks' must be a list", id="table-not-list"),
    pytest.param(broken(lambda d: d["setbacks"][0].pop("title")), "setbacks[0]: 'title' is missing", id="no-title"),
    pytest.param(
        broken(lambda d: d["setbacks"][1].update(kind="meh")), "setbacks[1]: 'kind': kind must be one of", id="kind"
    ),
    pytest.param(broken(lambda d: d["setbacks"][0].update(feeling=11)), "'feeling' must be from 0 to 10", id="feel"),
    pytest.param(broken(lambda d: d["setbacks"][0].update(date="14/03")), "is not a date", id="date"),
    pytest.param(broken(lambda d: d["setbacks"][1].update(id=1)), "a second setback with id 1", id="dup-id"),
    pytest.param(broken(lambda d: d["reflections"][2].update(status="x")), "reflections[2]: 'status'", id="status"),
    pytest.param(broken(lambda d: d["reflections"][0].update(answers=[])), "'answers' must be an object", id="ans"),
    pytest.param(broken(lambda d: d["reflections"][0].update(revision=True)), "'revision' must be a whole", id="rev"),
    pytest.param(
        broken(lambda d: d["reflections"][1].update(setback_id=7)),
        "reflections[1]: 'setback_id' 7 is not a setback in this file",
        id="orphan",
    ),
    pytest.param(
        broken(lambda d: d["reflections"].append(dict(d["reflections"][0]))),
        "a second reflection for setback 1, chapter 'first'",
        id="two-reflections",
    ),
    pytest.param(broken(lambda d: d["actions"][0].update(done="no")), "'done' must be true or false", id="done"),
    pytest.param(broken(lambda d: d["actions"][0].update(due="soon")), "actions[0]: 'due'", id="due"),
    pytest.param(broken(lambda d: d["checkins"][0].update(rating=-1)), "checkins[0]: 'rating'", id="rating"),
    pytest.param(broken(lambda d: d["drafts"].append(7)), "drafts[1]: must be an object", id="draft-not-object"),
]


@pytest.mark.parametrize(("data", "message"), BAD_FILES)
def test_a_bad_file_changes_nothing(data_dir: Path, data: Any, message: str) -> None:
    with Store(data_dir) as dest:
        Workbook(dest, CHAPTERS, fixed_clock).add_setback("Already here")
    before = (data_dir / DB_FILE).read_bytes()
    with Store(data_dir) as dest:
        with pytest.raises(InvalidExport) as info:
            import_json(W(dest), data)
        assert message in str(info.value)
        assert "\n" not in str(info.value)
        assert len(dest.all("setbacks")) == 1
    assert (data_dir / DB_FILE).read_bytes() == before


def test_a_newer_schema_is_refused() -> None:
    data = valid()
    data["schema"] = SCHEMA_VERSION + 1
    dest = Store(None)
    newer = rf"newer failforward \(schema {SCHEMA_VERSION + 1}, this one knows {SCHEMA_VERSION}\); upgrade"
    with pytest.raises(ExportTooNew, match=newer):
        import_json(W(dest), data)
    assert dest.all("setbacks") == []


# -- Markdown export ----------------------------------------------------------


def split_markdown(text: str) -> tuple[dict[str, Any], list[Any]]:
    """The front matter (parsed with yaml.safe_load) and the body's tokens."""
    tokens = MarkdownIt("commonmark").use(front_matter_plugin).parse(text)
    assert tokens[0].type == "front_matter"
    return yaml.safe_load(tokens[0].content), tokens[1:]


def heading_texts(tokens: list[Any], level: int) -> list[str]:
    out = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == f"h{level}":
            out.append("".join(child.content for child in tokens[i + 1].children))
    return out


def fences(tokens: list[Any]) -> list[tuple[str, str]]:
    """(label above, content) of every fenced block."""
    out = []
    label = ""
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h4":
            label = "".join(child.content for child in tokens[i + 1].children)
        if token.type == "fence":
            out.append((label, token.content))
    return out


def expected_fences(wb: Workbook, setback_ids: list[int], skip: set[tuple[str, str]] = frozenset()) -> list:
    out = []
    for sid in setback_ids:
        for chapter in CHAPTERS:
            reflection = wb.reflection(sid, chapter.id)
            if reflection is None:
                continue
            for f in chapter.fields:
                value = reflection.answers.get(f.id)
                if not is_empty(value) and (chapter.id, f.id) not in skip:
                    out.append((f.label, answer_text(f, value) + "\n"))
            out += [
                (f"{key} (a question this chapter no longer asks)", answer_text(None, value) + "\n")
                for key, value in reflection.answers.items()
                if chapter.field(key) is None and not is_empty(value)
            ]
    return out


def test_markdown_parses_back_with_every_answer_verbatim() -> None:
    wb = sample_journal(Store(None))
    text = export_markdown(wb, now=FIXED_NOW)
    front, tokens = split_markdown(text)
    assert front["format"] == "failforward-markdown"
    assert front["exported"] == "2026-03-14T09:30:00"
    assert [s["title"] for s in front["setbacks"]] == ["Promotion went elsewhere", "Laid *off* from Acme"]
    assert front["setbacks"][1]["date"] == "2026-02-01"
    assert front["left_out"] == {"chapters": [], "fields": [], "unsaved_drafts": 1}
    assert heading_texts(tokens, 2) == ["Promotion went elsewhere", "Laid *off* from Acme"]
    assert heading_texts(tokens, 3) == [FIRST.title, FIRST.title, SECOND.title, "Action items", "Check-ins"]
    assert fences(tokens) == expected_fences(wb, [2, 1])
    assert "The team was cut.\n\n  ```code```\n# not a heading\n\n" in [c for _, c in fences(tokens)]
    assert "7 (of 0-10)\n" in [c for _, c in fences(tokens)]
    assert "[ ] Call [Sam] (due 2026-04-01)\n[x] Update CV\n" in [c for _, c in fences(tokens)]
    assert "- [ ] Call \\[Sam\\] (due 2026-04-01), from Second" in text
    assert "- [x] Update CV, from Second" in text
    assert "> **Left out of this document:** 1 unsaved draft." in text


def test_markdown_accepts_a_store_or_a_workbook() -> None:
    wb = sample_journal(Store(None))
    assert export_markdown(wb, now=FIXED_NOW) == export_markdown(wb, now=FIXED_NOW)


def test_markdown_of_an_empty_journal() -> None:
    front, tokens = split_markdown(export_markdown(W(Store(None)), now=FIXED_NOW))
    assert front["setbacks"] == []
    assert any(t.type == "inline" and t.content == "No setbacks yet." for t in tokens)


def test_case_file_leaves_out_what_it_says() -> None:
    wb = sample_journal(Store(None))
    text = export_markdown(wb, setback_id=1, only=["second", "first"], redact=["first.what", "feeling"])
    front, tokens = split_markdown(text)
    assert front["title"] == "failforward: Laid *off* from Acme"
    assert [s["id"] for s in front["setbacks"]] == [1]
    assert front["left_out"] == {"chapters": [], "fields": ["first.what", "first.feeling"], "unsaved_drafts": 1}
    assert "The team was cut" not in text
    assert "7 (of 0-10)" not in text
    assert 'the answers to "What happened?" (first.what), "How bad (0-10)?" (first.feeling)' in text
    assert fences(tokens) == expected_fences(wb, [1], {("first", "what"), ("first", "feeling")})

    text = export_markdown(wb, setback_id=1, only=["first"], redact=["plan"])
    front, tokens = split_markdown(text)
    assert front["left_out"]["chapters"] == ["second"]
    assert front["left_out"]["fields"] == []  # 'second' is out already
    assert "Call" not in text and "Action items" not in text  # a left-out checklist takes its items along
    assert "the chapter Second (second)" in text
    assert heading_texts(tokens, 3) == [FIRST.title, "Check-ins"]


@pytest.mark.parametrize(
    ("only", "redact", "message"),
    [
        (["thrid"], None, "no chapter 'thrid' to include (chapters: first, second)"),
        (None, ["first.wat"], "no field 'first.wat' to leave out (write chapter.field, e.g. first.what)"),
        (None, ["nothing"], "no field 'nothing' to leave out"),
    ],
)
def test_a_selection_that_names_nothing_is_refused(only: Any, redact: Any, message: str) -> None:
    wb = sample_journal(Store(None))
    with pytest.raises(BadSelection) as info:
        export_markdown(wb, only=only, redact=redact)
    assert str(info.value).startswith(message)


def test_markdown_of_an_unknown_setback() -> None:
    with pytest.raises(UnknownSetback):
        export_markdown(sample_journal(Store(None)), setback_id=3)


def test_answers_to_unknown_chapters_and_fields_are_kept() -> None:
    wb = sample_journal(Store(None))
    wb.store.update("reflections", 1, {"answers": {"what": "x", "gone": "kept answer"}})
    wb.store.insert(
        "reflections",
        {"setback_id": 1, "chapter_id": "retired", "answers": {"q": "old text"}, "status": "done", "updated": "t"},
    )
    text = export_markdown(wb, setback_id=1)
    _, tokens = split_markdown(text)
    assert ("gone (a question this chapter no longer asks)", "kept answer\n") in fences(tokens)
    assert ("q", "old text\n") in fences(tokens)
    assert "### retired" in text


def test_fence_is_longer_than_any_backticks_inside() -> None:
    assert fenced("a ```` b") == "`````text\na ```` b\n`````"
    assert fenced("plain") == "```text\nplain\n```"


# -- properties ---------------------------------------------------------------

# Text as the app stores it: anything printable (clean_text removes control characters on save).
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cc",)) | st.sampled_from("\n\t"), max_size=30)
TITLE = TEXT.filter(lambda t: t.strip())
DATE = st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)).map(dt.date.isoformat)
ITEM = st.fixed_dictionaries({"text": TITLE, "due": st.none() | DATE, "done": st.booleans()})
FIRST_ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        "what": TEXT,
        "headline": TEXT,
        "feeling": st.integers(0, 10),
        "kind": st.sampled_from(["rejection", "layoff"]),
        "when": DATE,
        "retired_field": TEXT,
    },
)
SECOND_ANSWERS = st.fixed_dictionaries(
    {}, optional={"tags": st.lists(st.sampled_from(["a", "b", "c"]), unique=True), "plan": st.lists(ITEM, max_size=3)}
)
SETBACK = st.fixed_dictionaries(
    {
        "title": TITLE,
        "kind": st.sampled_from(SETBACK_KINDS),
        "date": st.none() | DATE,
        "feeling": st.none() | st.integers(0, 10),
        "archived": st.booleans(),
        "first": st.none() | FIRST_ANSWERS,
        "second": st.none() | SECOND_ANSWERS,
        "draft": st.none() | TEXT,
        "checkins": st.lists(st.integers(0, 10), max_size=3),
    }
)
JOURNAL = st.lists(SETBACK, max_size=4)


def build(spec: list[dict[str, Any]]) -> Workbook:
    wb = Workbook(Store(None), CHAPTERS, ticking_clock())
    for s in spec:
        for text in [s["title"], s["draft"] or "", *(s["first"] or {}).values()]:
            assert not isinstance(text, str) or clean_text(text) == text
        setback = wb.add_setback(s["title"], s["kind"], s["date"], s["feeling"])
        if s["archived"]:
            wb.archive_setback(setback.id)
        if s["first"] is not None:
            wb.save_reflection(setback.id, "first", s["first"], done=bool(s["first"].get("what", "").strip()))
        if s["second"] is not None:
            wb.save_reflection(setback.id, "second", s["second"])
        if s["draft"] is not None:
            wb.save_draft(setback.id, "first", {"what": s["draft"]})
        for rating in s["checkins"]:
            wb.check_in(setback.id, rating)
    return wb


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(JOURNAL)
def test_json_round_trip_keeps_every_answer(spec: list[dict[str, Any]]) -> None:
    wb = build(spec)
    data = json.loads(json.dumps(export_json(wb), ensure_ascii=False))
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "journal") as dest:
        report = import_json(W(dest), data)
        assert report.added["setbacks"] == len(spec)
        assert sum(report.skipped.values()) == 0
        assert normalized(export_json(W(dest))) == normalized(data)
        for original, copied in zip(wb.setbacks(True), Workbook(dest, CHAPTERS).setbacks(True), strict=True):
            assert copied.title == original.title
            assert (copied.kind, copied.date, copied.feeling, copied.archived) == (
                original.kind,
                original.date,
                original.feeling,
                original.archived,
            )


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(JOURNAL)
def test_markdown_keeps_every_answer_verbatim(spec: list[dict[str, Any]]) -> None:
    wb = build(spec)
    text = export_markdown(wb)
    front, tokens = split_markdown(text)
    ordered = [s.id for s in wb.setbacks(include_archived=True)]
    assert [s["id"] for s in front["setbacks"]] == ordered
    assert [s["title"] for s in front["setbacks"]] == [wb.setback(i).title for i in ordered]
    assert fences(tokens) == expected_fences(wb, ordered)


# -- reading a journal without the lock ---------------------------------------


def test_read_journal_works_while_the_journal_is_open(data_dir: Path) -> None:
    with Store(data_dir) as holder:
        sample_journal(holder)
        copy_ = read_copy(data_dir)
        assert [s["title"] for s in copy_.all("setbacks")] == ["Laid *off* from Acme", "Promotion went elsewhere"]
        copy_.insert("setbacks", {"title": "in memory only"})
        assert len(holder.all("setbacks")) == 2
        assert len(read_copy(data_dir).all("setbacks")) == 2


def test_read_journal_problems(tmp_path: Path) -> None:
    with pytest.raises(NoJournal, match="no journal in"):
        read_copy(tmp_path / "nothing")
    assert not (tmp_path / "nothing").exists()
    folder = tmp_path / "j"
    folder.mkdir()
    (folder / DB_FILE).write_text("{not json")
    with pytest.raises(StoreError, match="is damaged"):
        read_copy(folder)
    assert (folder / DB_FILE).read_text() == "{not json"  # left as it is
    (folder / DB_FILE).write_text(json.dumps({"meta": {"1": {"schema": SCHEMA_VERSION + 1}}, "setbacks": {}}))
    with pytest.raises(JournalTooNew, match="newer failforward"):
        read_copy(folder)
