"""The shipped guide: every chapter of the design, each teaching with an example and a specific form."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from screens.widgets.markdown import render_sections
from tui.content import Chapter

from .conftest import ROOT

DESIGN_IDS = [
    "start",
    "acknowledge",
    "responsibility",
    "deconstruct",
    "lessons",
    "feedback",
    "reframe",
    "self-care",
    "support",
    "resilience",
    "mindset",
    "skills",
    "goals",
    "risk",
    "network",
    "purpose",
    "story",
]
SECTIONS = ["Why it matters", "How to do it", "Worked example", "Common traps", "What next"]
SEED_CHECK = ROOT.parent / "shared" / "tools" / "seed_overlap.py"


def test_every_chapter_of_the_design_is_shipped_in_order(shipped_chapters: list[Chapter]) -> None:
    assert [c.id for c in shipped_chapters] == DESIGN_IDS
    assert [c.order for c in shipped_chapters] == list(range(17))
    for chapter in shipped_chapters:
        assert chapter.path.name == f"{chapter.order:02d}-{chapter.id}.md"


@pytest.mark.parametrize("chapter_id", DESIGN_IDS)
def test_chapter_teaches_and_asks_specific_questions(shipped_chapters: list[Chapter], chapter_id: str) -> None:
    chapter = next(c for c in shipped_chapters if c.id == chapter_id)
    assert 4 <= len(chapter.fields) <= 8
    assert len({f.kind for f in chapter.fields}) >= 2
    assert len({f.id for f in chapter.fields}) == len(chapter.fields)
    assert all(f.help for f in chapter.fields), "every question has a help line"
    assert any(f.required for f in chapter.fields)
    headings = re.findall(r"^## (.+)$", chapter.body, re.M)
    assert headings == SECTIONS
    example = chapter.body.split("## Worked example", 1)[1].split("## Common traps", 1)[0]
    assert len(example.split()) >= 80, "the worked example tells a real story"
    words = len(chapter.body.split())
    assert 500 <= words <= 1200, words
    # the guide renders with its headings navigable
    assert [s.title for s in render_sections(chapter.body) if s.level == 2] == SECTIONS


def test_chapters_that_build_on_others_name_earlier_fields(shipped_chapters: list[Chapter]) -> None:
    by_id = {c.id: c for c in shipped_chapters}
    lessons, goals = by_id["lessons"], by_id["goals"]
    assert {str(r) for r in lessons.builds_on} >= {"deconstruct.causes", "deconstruct.micro_failures"}
    actions = goals.field("actions")
    assert actions is not None and actions.kind == "checklist"
    assert {str(r) for r in actions.suggest_from} >= {"lessons.changes", "skills.gaps"}
    for chapter in shipped_chapters:
        for ref in chapter.builds_on:
            assert by_id[ref.chapter].order <= chapter.order, f"{chapter.id} builds on a later chapter {ref}"


def test_what_next_names_real_chapters(shipped_chapters: list[Chapter]) -> None:
    titles = {c.title for c in shipped_chapters}
    for chapter in shipped_chapters:
        next_part = chapter.body.split("## What next", 1)[1]
        named = re.findall(r"\*\*(.+?)\*\*", next_part)
        for name in named:
            if name in titles or not name[0].isupper():
                continue
            close = [t for t in titles if t.lower().startswith(name.lower()[:12])]
            assert not close or name in titles, f"{chapter.id}: '{name}' looks like a chapter title but is not one"


@pytest.mark.skipif(not SEED_CHECK.exists(), reason="../shared/tools/seed_overlap.py is not beside the checkout")
def test_guide_is_written_in_our_own_words() -> None:
    result = subprocess.run(
        [sys.executable, str(SEED_CHECK), str(ROOT / "content")], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout
    assert " 0 copied runs" in result.stdout
