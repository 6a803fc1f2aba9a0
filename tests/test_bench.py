"""The benchmark's own pieces that decide what it measures: the journals it generates and the chapter markers."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tui.content import Chapter
from tui.store import SCHEMA_VERSION, Store

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import switch  # noqa: E402  (bench/ is not a package)
import workload  # noqa: E402


def test_a_generated_journal_is_one_the_app_wrote(tmp_path: Path, shipped_chapters: list[Chapter]) -> None:
    folder = tmp_path / "journal"
    info = workload.build_journal(folder, 40, shipped_chapters)
    assert info["reflections"] == 40
    data = json.loads((folder / "journal.json").read_text())
    assert data["meta"]["1"]["schema"] == SCHEMA_VERSION
    for table in ("setbacks", "reflections"):
        for doc in data[table].values():
            assert doc["uid"] and doc["changed"] and doc["device"] == workload.DEVICE
    uids = [d["uid"] for d in data["reflections"].values()]
    assert len(set(uids)) == len(uids)
    before = (folder / "journal.json").read_bytes()
    store = Store(folder)
    try:
        assert store.report.migrated_from is None
        assert len(store.all("reflections")) == 40
    finally:
        store.close()
    assert (folder / "journal.json").read_bytes() == before


def test_a_journal_without_uids_fails_the_check(tmp_path: Path, shipped_chapters: list[Chapter]) -> None:
    folder = tmp_path / "journal"
    workload.build_journal(folder, 3, shipped_chapters)
    path = folder / "journal.json"
    data = json.loads(path.read_text())
    for doc in data["reflections"].values():
        del doc["uid"]
    path.write_text(json.dumps(data, indent=2, sort_keys=True))
    with pytest.raises(AssertionError, match="no uid"):
        workload.check_as_written(folder)


def test_first_words_are_the_rendered_text_of_the_first_blocks() -> None:
    text = "## Why it *matters*\n\nMost **people** want `to` skip.\n\n- a list item\n"
    assert switch.first_words(text) == ["Why it matters", "Most people want"]
    assert switch.first_words("[A link](https://example.org) here and there", blocks=1) == ["A link here"]


def test_a_chapter_marker_names_its_place_guide_and_first_question(shipped_chapters: list[Chapter]) -> None:
    index = next(i for i, c in enumerate(shipped_chapters) if c.fields[0].kind in ("choice", "multi"))
    chapter = shipped_chapters[index]
    marker = switch.chapter_marker(shipped_chapters, index)
    assert marker.texts[0] == f"chapter {index + 1} of {len(shipped_chapters)}"
    assert marker.focus == f"box-{chapter.fields[0].id}"
    screen = "\n".join([*marker.texts, chapter.fields[0].options[0]])
    assert marker.shown(screen, (f"box-{chapter.fields[0].id}", "form"))
    assert not marker.shown(screen, ("guide",))  # the guide holding the focus is not the question painted
    assert not marker.shown(screen.replace(marker.texts[0], "chapter 1 of 2"), (marker.focus,))
