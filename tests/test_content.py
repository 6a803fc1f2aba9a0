"""The chapter loader: valid files load, malformed ones give one clear line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.content import (
    SETBACK_KINDS,
    ContentError,
    ContentWarning,
    chapter_files,
    load_chapters,
    load_file,
    load_folders,
    load_notice,
    plain_notice,
)

from .conftest import FIXTURE_CHAPTERS

GOOD_HEAD = """---
id: sample
title: "Sample: a chapter"
order: 1
summary: One line.
fields:
"""


def write(tmp_path: Path, text: str, name: str = "01-sample.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_fixture_chapters_load_with_every_key() -> None:
    chapters = load_chapters([FIXTURE_CHAPTERS])
    assert [c.id for c in chapters] == ["first", "second"]
    first, second = chapters
    assert first.title == "First: a test chapter"
    assert [f.kind for f in first.fields] == ["textarea", "text", "scale", "choice", "date"]
    assert first.field("what").required is True
    assert first.field("kind").options == ("rejection", "layoff")
    assert "## Why it matters" in first.body and "---" not in first.body.splitlines()[0]
    assert [str(r) for r in second.builds_on] == ["first.what"]
    assert [str(r) for r in second.field("plan").suggest_from] == ["first.what"]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ("  - id: a\n    label: A\n    kind: essay\n", "field 'a': unknown kind 'essay'"),
        (
            "  - id: a\n    label: A\n    kind: text\n  - id: a\n    label: B\n    kind: text\n",
            "field 'a': duplicate field id",
        ),
        ("  - id: a\n    label: A\n    kind: choice\n    options: [one]\n", "needs at least two choices"),
        ("  - id: a\n    label: A\n    kind: scale\n    min: 5\n    max: 5\n", "'min' (5) must be less"),
        ("  - id: a\n    kind: text\n", "field 'a': 'label' must be a non-empty string"),
        ("  - id: Bad Id\n    label: A\n    kind: text\n", "'id' must be lowercase"),
        ("  - id: a\n    label: A\n    kind: text\n    colour: red\n", "unknown key 'colour'"),
        ("  - id: a\n    label: A\n    kind: text\n    options: [x, y]\n", "only for choice and multi"),
    ],
)
def test_malformed_field_is_named_in_one_line(tmp_path: Path, fields: str, expected: str) -> None:
    path = write(tmp_path, GOOD_HEAD + fields + "---\n\nBody.\n")
    with pytest.raises(ContentError) as info:
        load_file(path)
    message = str(info.value)
    assert expected in message
    assert message.startswith(str(path))
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no front matter here\n", "no front matter"),
        ("---\nid: [unclosed\n---\nbody\n", "bad front matter (front matter line"),
        ("---\n- just\n- a list\n---\nbody\n", "expected 'key: value' lines"),
        ("---\nid: x\ntitle: T\norder: 1\nsummary: S\n---\nbody\n", "'fields' must be a list"),
        (
            "---\nid: x\ntitle: T\norder: first\nsummary: S\nfields: [{id: a, label: A, kind: text}]\n---\n",
            "'order'",
        ),
    ],
)
def test_malformed_front_matter(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ContentError) as info:
        load_file(write(tmp_path, text))
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


def test_references_to_missing_chapters_or_fields_are_errors(tmp_path: Path) -> None:
    write(
        tmp_path,
        GOOD_HEAD.replace("fields:", "builds_on: [nowhere.x]\nfields:")
        + "  - id: a\n    label: A\n    kind: text\n---\n",
    )
    result = load_folders([tmp_path])
    assert len(result.errors) == 1
    assert "names a chapter that does not exist: nowhere.x" in str(result.errors[0])


def test_later_folder_replaces_a_chapter_by_id(tmp_path: Path) -> None:
    # The replacement keeps the field 'what' that the fixture's second chapter builds on.
    write(
        tmp_path,
        GOOD_HEAD.replace('title: "Sample: a chapter"', "title: Mine").replace("id: sample", "id: first")
        + "  - id: what\n    label: A\n    kind: text\n---\n",
    )
    chapters = load_chapters([FIXTURE_CHAPTERS, tmp_path])
    assert [c.title for c in chapters if c.id == "first"] == ["Mine"]


def test_same_id_twice_in_one_folder_is_an_error(tmp_path: Path) -> None:
    body = GOOD_HEAD + "  - id: a\n    label: A\n    kind: text\n---\n"
    write(tmp_path, body, "01-a.md")
    write(tmp_path, body, "02-b.md")
    result = load_folders([tmp_path])
    assert any("also used by 01-a.md" in str(e) for e in result.errors)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "01-x.md"
    path.write_bytes(b"---\nid: \xff\n---\n")
    with pytest.raises(ContentError, match="not UTF-8"):
        load_file(path)


def test_a_users_own_chapter_is_added_to_the_shipped_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.locations import content_folders

    monkeypatch.setenv("FAILFORWARD_CONFIG_DIR", str(tmp_path / "config"))
    mine = tmp_path / "config" / "chapters"
    mine.mkdir(parents=True)
    write(
        mine,
        GOOD_HEAD.replace("id: sample", "id: my-own").replace("order: 1", "order: 99")
        + "  - id: a\n    label: A\n    kind: text\n---\n\nBody.\n",
        "99-my-own.md",
    )
    chapters = load_chapters(content_folders())
    assert chapters[-1].id == "my-own"
    assert len(chapters) == 19  # the 18 shipped chapters and this one
    only = load_chapters(content_folders(str(FIXTURE_CHAPTERS)))  # --content replaces the shipped ones
    assert [c.id for c in only] == ["first", "second"]


# -- second edition keys: max_select, distress, setback, review_after_days, help lines ------------------

KINDS_7 = "[Rejection, Project, Layoff, Review, Promotion, Business, Other]"


def test_new_field_and_chapter_keys_load(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        GOOD_HEAD.replace("fields:", "review_after_days: 30\nfields:")
        + "  - {id: values, label: V, kind: multi, options: [a, b, c, d], max_select: 2}\n"
        + "  - {id: hurt, label: H, kind: scale, distress: true}\n"
        + f"  - {{id: kind, label: K, kind: choice, options: {KINDS_7}, setback: kind}}\n"
        + "  - {id: when, label: W, kind: date, setback: date}\n"
        + "  - {id: feel, label: F, kind: scale, min: 0, max: 10, setback: feeling, distress: true}\n"
        + "---\n\nBody.\n",
    )
    chapter = load_file(path)
    assert chapter.review_after_days == 30
    assert chapter.field("values").max_select == 2
    assert chapter.field("hurt").distress is True
    assert chapter.field("values").distress is False and chapter.field("values").max_select is not None
    assert [chapter.setback_field(link).id for link in ("kind", "date", "feeling")] == ["kind", "when", "feel"]
    kind = chapter.field("kind")
    assert [kind.setback_kind(o) for o in kind.options] == list(SETBACK_KINDS)
    assert kind.setback_option("layoff") == "Layoff"
    assert kind.setback_kind("an old option") is None and kind.setback_option("nope") is None
    plain = load_chapters([FIXTURE_CHAPTERS])[0]
    assert plain.review_after_days is None and plain.setback_field("kind") is None
    assert all(f.max_select is None and not f.distress and f.setback is None for f in plain.fields)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ("  - {id: a, label: A, kind: choice, options: [x, y, z], max_select: 1}\n", "only for multi"),
        ("  - {id: a, label: A, kind: multi, options: [x, y, z], max_select: 3}\n", "'max_select' must be from 1 to 2"),
        ("  - {id: a, label: A, kind: multi, options: [x, y, z], max_select: 0}\n", "'max_select' must be from 1 to 2"),
        ("  - {id: a, label: A, kind: multi, options: [x, y], max_select: two}\n", "'max_select' must be a whole"),
        ("  - {id: a, label: A, kind: text, distress: true}\n", "'distress' is only for scale"),
        ("  - {id: a, label: A, kind: scale, distress: yes please}\n", "'distress' must be true or false"),
        ("  - {id: a, label: A, kind: scale, min: 0, max: 100, distress: true}\n", "only for 0-10 scales"),
        ("  - {id: a, label: A, kind: choice, options: [x, y], setback: kind}\n", "with 7 options"),
        ("  - {id: a, label: A, kind: multi, options: " + KINDS_7 + ", setback: kind}\n", "only for a choice"),
        ("  - {id: a, label: A, kind: text, setback: date}\n", "'setback: date' is only for date"),
        ("  - {id: a, label: A, kind: scale, max: 5, setback: feeling}\n", "only for 0-10 scale"),
        ("  - {id: a, label: A, kind: date, setback: mood}\n", "'setback' must be one of: kind, date, feeling"),
        (
            "  - {id: a, label: A, kind: date, setback: date}\n  - {id: b, label: B, kind: date, setback: date}\n",
            "field 'b': 'setback: date' is also on field 'a'",
        ),
        ('  - {id: a, label: A, kind: text, help: "one\\ntwo"}\n', "'help' must be one line"),
        ('  - {id: a, label: A, kind: text, help: "' + "x" * 75 + '"}\n', "'help' is 75 characters; at most 74"),
    ],
)
def test_malformed_new_field_keys_are_named_in_one_line(tmp_path: Path, fields: str, expected: str) -> None:
    path = write(tmp_path, GOOD_HEAD + fields + "---\n\nBody.\n")
    with pytest.raises(ContentError) as info:
        load_file(path)
    message = str(info.value)
    assert expected in message
    assert message.startswith(f"{path}: field '")
    assert "\n" not in message


def test_a_help_line_of_74_characters_and_a_long_label_are_fine(tmp_path: Path) -> None:
    label = "A question much longer than any help line, because a label wraps as a question does. " * 2
    path = write(
        tmp_path, GOOD_HEAD + f"  - id: a\n    label: {label.strip()}\n    kind: text\n    help: {'x' * 74}\n---\n"
    )
    assert load_file(path).field("a").help == "x" * 74


@pytest.mark.parametrize(("value", "expected"), [("0", "from 1 to 365, not 0"), ("366", "not 366"), ("soon", "whole")])
def test_review_after_days_is_checked(tmp_path: Path, value: str, expected: str) -> None:
    head = GOOD_HEAD.replace("fields:", f"review_after_days: {value}\nfields:")
    with pytest.raises(ContentError, match="review_after_days") as info:
        load_file(write(tmp_path, head + "  - {id: a, label: A, kind: text}\n---\n"))
    assert expected in str(info.value)


def test_only_one_chapter_links_each_setback_value(tmp_path: Path) -> None:
    date_field = "  - {id: when, label: W, kind: date, setback: date}\n---\n"
    write(tmp_path, GOOD_HEAD + date_field, "01-a.md")
    write(tmp_path, GOOD_HEAD.replace("id: sample", "id: other") + date_field, "02-b.md")
    result = load_folders([tmp_path])
    assert [str(e) for e in result.errors] == [
        f"{tmp_path / '02-b.md'}: field 'when': 'setback: date' is also used in 01-a.md: only one chapter may link it"
    ]


# -- notices: _name.md files, included in chapters ---------------------------------------------------

NOTICE = "---\ntitle: Not therapy\nchecked: 2026-12-01\n---\n\nThis is a workbook.\n\nNumbers checked {checked}.\n"


def test_notice_files_are_not_chapters_and_load_by_name(tmp_path: Path) -> None:
    write(tmp_path, NOTICE, "_safety.md")
    write(tmp_path, GOOD_HEAD + "  - {id: a, label: A, kind: text}\n---\n\nBody.\n")
    assert [p.name for p in chapter_files(tmp_path)] == ["01-sample.md"]
    notice = load_notice([tmp_path], "safety")
    assert notice is not None
    assert (notice.name, notice.title, notice.checked) == ("safety", "Not therapy", dt.date(2026, 12, 1))
    assert notice.path == tmp_path / "_safety.md"
    assert notice.body == "This is a workbook.\n\nNumbers checked 2026-12-01.\n"
    assert load_notice([tmp_path], "missing") is None
    result = load_folders([tmp_path])
    assert not result.errors and result.files == 1
    assert result.notices["safety"] == notice


def test_a_later_folders_notice_wins(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    write(first, NOTICE, "_safety.md")
    write(second, NOTICE.replace("Not therapy", "Mine"), "_safety.md")
    assert load_notice([first, second], "safety").title == "Mine"  # type: ignore[union-attr]
    assert load_notice([second, tmp_path / "nowhere", first], "safety").title == "Not therapy"  # type: ignore[union-attr]


def test_a_notice_as_plain_text_drops_emphasis_and_bullets_its_list(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    write(first, NOTICE, "_safety.md")
    body = "Call **112** or __911__ now:\n\n- a helpline\n- someone you trust\n"
    write(second, "---\ntitle: Mine\nchecked: 2026-12-01\n---\n\n" + body, "_safety.md")
    assert plain_notice([first, second], "safety") == "Call 112 or 911 now:\n\n• a helpline\n• someone you trust"
    assert plain_notice([first], "safety") == "This is a workbook.\n\nNumbers checked 2026-12-01."
    assert plain_notice([first, second], "missing") == ""
    write(second, "---\ntitle: [\n---\nBroken.\n", "_safety.md")
    assert plain_notice([first, second], "safety") == ""  # check-content names the malformed file


def test_a_chapter_includes_a_notice_in_place(tmp_path: Path) -> None:
    write(tmp_path, NOTICE, "_safety.md")
    text = (
        GOOD_HEAD
        + "  - {id: a, label: A, kind: text}\n---\n\n## One\n\nBefore.\n\n<!-- include: safety -->\n\nAfter.\n"
    )
    path = write(tmp_path, text)
    for chapter in (load_file(path), load_chapters([tmp_path])[0]):
        assert chapter.includes == ("safety",)
        assert "include:" not in chapter.body
        assert "Before.\n\nThis is a workbook.\n\nNumbers checked 2026-12-01.\n\nAfter." in chapter.body


def test_a_users_chapter_includes_the_shipped_notice(tmp_path: Path) -> None:
    shipped, mine = tmp_path / "shipped", tmp_path / "mine"
    shipped.mkdir(), mine.mkdir()
    write(shipped, NOTICE, "_safety.md")
    write(mine, GOOD_HEAD + "  - {id: a, label: A, kind: text}\n---\n\n<!-- include: safety -->\n")
    result = load_folders([shipped, mine])
    assert not result.errors
    assert "This is a workbook." in result.chapters[0].body


@pytest.mark.parametrize(
    ("notice", "expected"),
    [
        (None, "includes the notice 'safety', but no valid _safety.md is in the content folders"),
        (NOTICE.replace("checked: 2026-12-01\n", ""), "'checked' must be the date"),
        (NOTICE.replace("2026-12-01", "last week"), "'checked' must be the date"),
        (NOTICE.replace("2026-12-01", "2026-12-01 10:00:00"), "'checked' must be the date"),
        (NOTICE.replace("title: Not therapy\n", ""), "'title' must be a non-empty string"),
        (NOTICE.replace("title:", "colour: red\ntitle:"), "unknown front matter key 'colour'"),
        (NOTICE.replace("This is", "## A heading\n\nThis is"), "a notice has no headings"),
        ("---\ntitle: T\nchecked: 2026-12-01\n---\n\n", "no text after its front matter"),
        ("no front matter\n", "no front matter"),
    ],
)
def test_a_missing_or_malformed_notice_is_named(tmp_path: Path, notice: str | None, expected: str) -> None:
    if notice is not None:
        write(tmp_path, notice, "_safety.md")
    write(tmp_path, GOOD_HEAD + "  - {id: a, label: A, kind: text}\n---\n\n<!-- include: safety -->\n")
    result = load_folders([tmp_path])
    messages = [str(e) for e in result.errors]
    assert any(expected in m for m in messages), messages
    assert all("\n" not in m for m in messages)
    assert result.chapters == []  # the chapter that includes it cannot be shown without it
    if notice is not None:
        assert messages[0].startswith(str(tmp_path / "_safety.md"))


def test_an_include_of_a_bad_name_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_HEAD + "  - {id: a, label: A, kind: text}\n---\n\n<!-- include: ../etc -->\n")
    with pytest.raises(ContentError, match="a notice name is lowercase"):
        load_file(path)


# -- warnings: promises the front matter does not keep ------------------------------------------------


def chapter(order: int, cid: str, body: str, extra: str = "", fields: str = "") -> str:
    return (
        f"---\nid: {cid}\ntitle: {cid.title()}\norder: {order}\nsummary: S.\n{extra}fields:\n"
        f"  - {{id: a, label: A, kind: text}}\n{fields}---\n\n{body}\n"
    )


@pytest.mark.parametrize(
    "phrase",
    [
        "Your plan is shown above the form.",
        "Read what you WROTE IN the start chapter.",
        "Use your answers from it.",
        "Your list from chapter 3 helps.",
        "Look at what you wrote earlier.",
    ],
)
def test_text_promising_earlier_answers_without_builds_on_warns(tmp_path: Path, phrase: str) -> None:
    write(tmp_path, chapter(1, "one", "Intro."), "01-one.md")
    path = write(tmp_path, chapter(4, "four", f"Intro. {phrase}"), "04-four.md")
    result = load_folders([tmp_path])
    assert not result.errors
    assert [str(w) for w in result.warnings] == [
        f"{path}: the text promises earlier answers ({result.warnings[0].problem.split('(')[1].split(')')[0]}) "
        "but the chapter has no 'builds_on'"
    ]
    assert isinstance(result.warnings[0], ContentWarning)
    write(tmp_path, chapter(4, "four", f"Intro. {phrase}", "builds_on: [one.a]\n"), "04-four.md")
    assert load_folders([tmp_path]).warnings == []


def test_a_promise_in_a_help_line_counts(tmp_path: Path) -> None:
    path = write(
        tmp_path, chapter(1, "one", "Body.", fields="  - {id: b, label: B, kind: text, help: As shown above.}\n")
    )
    assert [w.path for w in load_folders([tmp_path]).warnings] == [path]


@pytest.mark.parametrize(
    "promise",
    [
        "Chapter 7 will show you this list again.",
        "A paragraph wrapped by its author: chapter 7\nwill come back to it.",
        "You will come back to these in chapter 7.",
        "In chapter 7 you'll use this answer.",
    ],
)
def test_text_promising_a_later_chapter_uses_its_answers_warns_until_it_does(tmp_path: Path, promise: str) -> None:
    early = write(tmp_path, chapter(1, "one", f"Body. {promise}"), "01-one.md")
    write(tmp_path, chapter(7, "seven", "Body."), "07-seven.md")
    warnings = [str(w) for w in load_folders([tmp_path]).warnings]
    assert warnings == [
        f"{early}: the text says chapter 7 will use its answers, but 'seven' names none of 'one''s fields "
        "in 'builds_on' or 'suggest_from'"
    ]
    write(
        tmp_path,
        chapter(7, "seven", "Body.", fields="  - {id: c, label: C, kind: checklist, suggest_from: [one.a]}\n"),
        "07-seven.md",
    )
    assert load_folders([tmp_path]).warnings == []
    write(tmp_path, chapter(7, "seven", "Body.", "builds_on: [one.a]\n"), "07-seven.md")
    assert load_folders([tmp_path]).warnings == []
    (tmp_path / "07-seven.md").unlink()
    assert [str(w) for w in load_folders([tmp_path]).warnings] == [
        f"{early}: the text says chapter 7 will use its answers, but no chapter has order 7"
    ]


def test_earlier_chapters_and_plain_mentions_are_not_promises(tmp_path: Path) -> None:
    write(tmp_path, chapter(1, "one", "Body."), "01-one.md")
    write(
        tmp_path,
        chapter(
            3, "three", "Go back to chapter 1, which will show you the start. Chapter 9 is about risk. You will use it."
        ),
        "03-three.md",
    )
    assert load_folders([tmp_path]).warnings == []


def test_check_content_prints_warnings_and_still_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli import main

    path = write(tmp_path, chapter(2, "two", "Your plan is shown above."), "02-two.md")
    assert main(["check-content", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == f"1 chapters OK in {tmp_path}, 1 warning"
    assert err.splitlines() == [
        f"failforward: warning: {path}: the text promises earlier answers ('shown above') "
        "but the chapter has no 'builds_on'"
    ]
    write(tmp_path, chapter(3, "three", "Body.", fields="  - {id: b, label: B, kind: essay}\n"), "03-three.md")
    assert main(["check-content", str(tmp_path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"failforward: {tmp_path / '03-three.md'}: field 'b': unknown kind")
    assert err[1].startswith("failforward: warning: ")


# -- the front matter is found without a Markdown parser ---------------------------------------------

_PIECES = ["---", "----", "--", "...", "... ", "a: 1", "  ---", "    ---", "\t---", " \t---", "--- x", "---  ", "", " "]


def _plugin_front_matter(text: str) -> tuple[str, int] | None:
    """What mdit-py-plugins' front_matter_plugin (the parser the loader used before) finds."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    tokens = MarkdownIt("zero").use(front_matter_plugin).parse(text)
    if not tokens or tokens[0].type != "front_matter":
        return None
    return tokens[0].content, tokens[0].map[1] if tokens[0].map else 0


@given(
    st.lists(st.sampled_from(_PIECES) | st.text(alphabet="-. \t:a\x00", max_size=6), max_size=8),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_front_matter_is_found_as_markdown_it_finds_it(lines: list[str], newline: str, closed: bool) -> None:
    from tui.content.frontmatter import find_front_matter

    text = newline.join(lines) + (newline if closed else "")
    assert find_front_matter(text) == _plugin_front_matter(text)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("---\na: 1\n---\nbody\n", ("a: 1", 3)),
        ("----\na: 1\n---\n----\n", ("a: 1\n---", 4)),  # the closing line is at least as long as the opening
        ("---\na: 1\n  ...\n    ---\nbody", ("a: 1\n  ...", 4)),  # however indented; '...' only unindented
        ("---\na: 1\n", None),  # never closed
        (" ---\na: 1\n---\n", None),  # the first line is the marker, unindented
    ],
)
def test_front_matter_markers(text: str, found: tuple[str, int] | None) -> None:
    from tui.content.frontmatter import find_front_matter

    assert find_front_matter(text) == found
    assert _plugin_front_matter(text) == found
