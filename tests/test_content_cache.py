"""The front matter cache: a start reads no YAML, and never a stale or a different answer (tui/content/cache.py)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tui.content.frontmatter as frontmatter
from tui.content import ContentError, load_chapters, load_folders
from tui.content.cache import FrontMatterCache
from tui.locations import front_matter_cache_file

from .conftest import FIXTURE_CHAPTERS

ROOT = Path(__file__).resolve().parent.parent

CHAPTER = """---
id: sample
title: "{title}"
order: 1
summary: One line.
fields:
  - {{id: a, label: A, kind: text}}
---

Body.
"""

NOTICE = """---
title: Not therapy
checked: 2026-12-01
---
This is a workbook.
"""


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The front matter texts YAML is asked to parse, in order."""
    seen: list[str] = []
    parse = frontmatter.parse_yaml

    def counted(content: str, path: Path) -> object:
        seen.append(content)
        return parse(content, path)

    monkeypatch.setattr(frontmatter, "parse_yaml", counted)
    return seen


def test_the_second_load_parses_no_yaml_and_gives_the_same_chapters(parses: list[str]) -> None:
    first = load_chapters([FIXTURE_CHAPTERS])
    assert parses and front_matter_cache_file().is_file()
    parses.clear()
    assert load_chapters([FIXTURE_CHAPTERS]) == first
    assert parses == []


def test_a_notices_date_comes_back_a_date(tmp_path: Path, parses: list[str]) -> None:
    (tmp_path / "_safety.md").write_text(NOTICE, encoding="utf-8")
    (tmp_path / "01-sample.md").write_text(CHAPTER.format(title="T"), encoding="utf-8")
    first = load_folders([tmp_path])
    parses.clear()
    again = load_folders([tmp_path])
    assert parses == []
    assert again.notices == first.notices and again.chapters == first.chapters


def test_a_changed_file_is_parsed_again_even_with_the_same_size_and_time(tmp_path: Path, parses: list[str]) -> None:
    path = tmp_path / "01-sample.md"
    path.write_text(CHAPTER.format(title="Before"), encoding="utf-8")
    assert load_chapters([tmp_path])[0].title == "Before"
    stat = path.stat()
    path.write_text(CHAPTER.format(title="Behind"), encoding="utf-8")  # as long as before
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    parses.clear()
    assert load_chapters([tmp_path])[0].title == "Behind"
    assert len(parses) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\nid: [unclosed\n---\nbody\n", "bad front matter (front matter line 2)"),
        ("---\n- just\n- a list\n---\nbody\n", "expected 'key: value' lines"),
        ("---\nid: x\ntitle: T\norder: 1\nsummary: S\n---\nbody\n", "'fields' must be a list"),
        ("---\n1: one\nid: x\n---\nbody\n", "unknown front matter key 1"),  # JSON would make the key '1'
    ],
)
def test_a_malformed_chapter_says_the_same_every_time(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "01-bad.md").write_text(text, encoding="utf-8")
    messages = []
    for _ in range(3):
        with pytest.raises(ContentError) as info:
            load_chapters([tmp_path])
        messages.append(str(info.value))
    assert expected in messages[0] and messages == [messages[0]] * 3


def test_what_json_cannot_give_back_unchanged_is_not_kept(tmp_path: Path) -> None:
    cache = FrontMatterCache(tmp_path / "cache.json")
    cache.put("a", {1: "int key"})
    cache.put("b", {"when": dt.datetime(2026, 12, 1, 10, 0)})
    cache.put("c", {"__date__": "2026-12-01"})  # a mapping that would read back as a date
    cache.put("d", {"fine": [1, 2.5, True, None, "x"]})
    cache.save()
    again = FrontMatterCache.open(tmp_path / "cache.json")
    assert [again.get(key) for key in "abcd"] == [None, None, None, {"fine": [1, 2.5, True, None, "x"]}]


@pytest.mark.parametrize("stored", ["{not json", '{"format": 0, "entries": {}}', "[]", '{"format": 1}'])
def test_a_cache_that_cannot_be_read_is_as_if_there_were_none(stored: str, parses: list[str]) -> None:
    path = front_matter_cache_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(stored, encoding="utf-8")
    chapters = load_chapters([FIXTURE_CHAPTERS])
    assert parses and chapters
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == 1  # written again, whole


def test_a_cache_folder_that_cannot_be_written_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("FAILFORWARD_CACHE_DIR", str(blocked / "cache"))  # under a file: cannot be made
    assert load_chapters([FIXTURE_CHAPTERS]) == load_chapters([FIXTURE_CHAPTERS])
    assert not (blocked / "cache").exists()


def test_only_the_entries_of_the_last_load_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "01-sample.md"
    for title in ("One", "Two", "Three"):
        path.write_text(CHAPTER.format(title=title), encoding="utf-8")
        load_chapters([tmp_path])
    entries = json.loads(front_matter_cache_file().read_text(encoding="utf-8"))["entries"]
    assert len(entries) == 1 and next(iter(entries.values()))["title"] == "Three"


def test_a_start_with_the_cache_filled_does_not_import_yaml(tmp_path: Path) -> None:
    """In a fresh Python, as the app starts: PyYAML stays out once the cache holds every front matter."""
    code = (
        "import sys; from tui.content import load_chapters; from tui.locations import shipped_content_dir;"
        "load_chapters([shipped_content_dir()]); print('yaml' in sys.modules)"
    )
    env = {**os.environ, "FAILFORWARD_CACHE_DIR": str(tmp_path / "cache")}
    runs = [
        subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
    assert [run.stdout.strip() for run in runs] == ["True", "False"]
