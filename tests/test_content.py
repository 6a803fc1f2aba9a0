"""The chapter loader: valid files load, malformed ones give one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.content import ContentError, load_chapters, load_file, load_folders

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
    assert len(chapters) == 18
    only = load_chapters(content_folders(str(FIXTURE_CHAPTERS)))  # --content replaces the shipped ones
    assert [c.id for c in only] == ["first", "second"]
