"""The shipped guide: every chapter of the design, each teaching with an example and a specific form."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from screens.widgets.markdown import render_sections
from tui.content import HELP_MAX, SETBACK_KINDS, Chapter, load_folders
from tui.locations import shipped_content_dir

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
    "review",
]
SECTIONS = ["Why it matters", "How to do it", "Worked example", "Common traps", "What next"]
SEED_CHECK = ROOT.parent / "shared" / "tools" / "seed_overlap.py"


def test_every_chapter_of_the_design_is_shipped_in_order(shipped_chapters: list[Chapter]) -> None:
    assert [c.id for c in shipped_chapters] == DESIGN_IDS
    assert [c.order for c in shipped_chapters] == list(range(18))
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


@pytest.mark.slow
@pytest.mark.skipif(not SEED_CHECK.exists(), reason="../shared/tools/seed_overlap.py is not beside the checkout")
def test_guide_is_written_in_our_own_words() -> None:
    result = subprocess.run(
        [sys.executable, str(SEED_CHECK), str(ROOT / "content")], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout
    assert " 0 copied runs" in result.stdout


# -- the second edition -------------------------------------------------------------------------------


def by_id(chapters: list[Chapter]) -> dict[str, Chapter]:
    return {c.id: c for c in chapters}


def test_check_content_passes_without_warnings() -> None:
    result = load_folders([shipped_content_dir()])
    assert result.errors == []
    assert [str(w) for w in result.warnings] == []


def test_every_help_line_fits_at_80_columns(shipped_chapters: list[Chapter]) -> None:
    too_long = [(c.id, f.id) for c in shipped_chapters for f in c.fields if len(f.help) > HELP_MAX]
    assert too_long == []


def test_the_links_between_chapters_that_the_second_edition_asks_for(shipped_chapters: list[Chapter]) -> None:
    chapters = by_id(shipped_chapters)
    wanted = {
        "reframe": {"acknowledge.resisting_thought"},
        "skills": {"lessons.growth_areas", "feedback.themes"},
        "story": {"lessons.core_lesson", "responsibility.ownership_statement", "purpose.purpose_statement"},
        "mindset": {"reframe.hot_thought", "reframe.new_thought"},
        "resilience": {"reframe.new_thought"},
        "review": {"start.hoped_for", "start.feeling_now", "risk.worst_cases", "goals.actions", "lessons.changes"},
    }
    for chapter_id, refs in wanted.items():
        assert {str(r) for r in chapters[chapter_id].builds_on} >= refs, chapter_id
    outreach = chapters["support"].field("outreach")
    assert outreach is not None and [str(r) for r in outreach.suggest_from] == ["support.asks"]


# Every commitment with a date is a checklist (its items carry due dates and become actions).
DATED_COMMITMENTS = {
    ("responsibility", "repairs"): [],
    ("feedback", "send_asks"): ["feedback.who_to_ask", "feedback.mentor_name"],
    ("self-care", "care_plan"): [],
    ("support", "outreach"): ["support.asks"],
    ("resilience", "this_week"): ["resilience.controllables"],
    ("mindset", "stretch_tasks"): [],
    ("skills", "learning_steps"): ["skills.learning_methods"],
    ("goals", "actions"): ["lessons.changes", "skills.gaps"],
    ("risk", "first_steps"): ["risk.risk"],
    ("network", "contacts"): ["network.people", "network.dormant"],
    ("purpose", "craft_change"): [],
    ("story", "practice_runs"): [],
    ("review", "next_steps"): [],
}
# Text or date fields of the first edition that held a dated commitment; they are gone, never turned into checklists.
RETIRED = {
    "feedback": "mentor_ask_date",
    "mindset": "stretch_task",
    "skills": "learning_habit",
    "goals": "review_date",
    "risk": "first_step_date",
    "network": "send_by",
    "purpose": "craft",
    "story": "practice_date",
}


def test_every_dated_commitment_is_a_checklist(shipped_chapters: list[Chapter]) -> None:
    chapters = by_id(shipped_chapters)
    for (chapter_id, field_id), sources in DATED_COMMITMENTS.items():
        f = chapters[chapter_id].field(field_id)
        assert f is not None and f.kind == "checklist", (chapter_id, field_id)
        assert [str(r) for r in f.suggest_from] == sources, (chapter_id, field_id)
    for chapter_id, field_id in RETIRED.items():
        assert chapters[chapter_id].field(field_id) is None, (chapter_id, field_id)
    # a date field records when something happened; only the setback's own date is one
    dates = [(c.id, f.id) for c in shipped_chapters for f in c.fields if f.kind == "date"]
    assert dates == [("start", "setback_date")]
    # every chapter whose version changed kept its other field ids' kinds (ids are storage keys)
    checklists = {(c.id, f.id) for c in shipped_chapters for f in c.fields if f.kind == "checklist"}
    assert checklists == set(DATED_COMMITMENTS) | {("review", "happened")}


# 0-10 scales where a high number means more pain or fear; the safety notice follows a 9 or more on these.
DISTRESS = {
    ("start", "feeling_now"),
    ("reframe", "feeling_before"),
    ("reframe", "feeling_after"),
    ("support", "alone_rating"),
    ("risk", "fear_before"),
    ("risk", "fear_after"),
    ("review", "feeling_now"),
}


def test_every_scale_of_pain_or_fear_is_marked_distress(shipped_chapters: list[Chapter]) -> None:
    marked = {(c.id, f.id) for c in shipped_chapters for f in c.fields if f.distress}
    assert marked == DISTRESS
    for c in shipped_chapters:
        for f in c.fields:
            if (c.id, f.id) in DISTRESS:
                assert (f.min, f.max) == (0, 10) and f.help.startswith(("0 = ", "Same scale")), (c.id, f.id)


def test_the_start_chapter_is_linked_to_the_setback_and_shows_the_safety_notice(
    shipped_chapters: list[Chapter],
) -> None:
    start = shipped_chapters[0]
    assert start.id == "start" and start.version >= 2
    kind, date, feeling = (start.setback_field(link) for link in ("kind", "date", "feeling"))
    assert kind is not None and kind.id == "kind"
    assert [kind.setback_kind(o) for o in kind.options] == list(SETBACK_KINDS)
    firsts = ["Rejection", "Project", "Layoff", "Bad review", "Missed promotion", "A business", "Something else"]
    assert [o.startswith(w) for o, w in zip(kind.options, firsts, strict=True)] == [True] * 7
    assert date is not None and date.id == "setback_date"
    assert feeling is not None and feeling.id == "feeling_now" and feeling.distress
    linked = [(c.id, f.id) for c in shipped_chapters for f in c.fields if f.setback]
    assert linked == [("start", "kind"), ("start", "setback_date"), ("start", "feeling_now")]
    assert start.includes == ("safety",)
    assert "findahelpline.com" in start.body and "include:" not in start.body
    assert "failforward encrypt" in start.body and "administrators" in start.body


def test_the_stored_setback_kinds_are_the_ones_the_start_chapter_maps_to() -> None:
    from tui.workbook import SETBACK_KINDS as STORED

    assert STORED == SETBACK_KINDS


def test_the_safety_notice_is_short_calm_and_actionable_anywhere() -> None:
    notice = load_folders([shipped_content_dir()]).notices["safety"]
    assert notice.path.name == "_safety.md"
    assert str(notice.checked) == "2026-12-01"
    assert 120 <= len(notice.body.split()) <= 200
    text = notice.body
    for must in ("not therapy", "emergency number", "findahelpline.com", "befrienders.org", "988", "116 123"):
        assert must in text, must
    assert "checked 2026-12-01" in text  # the date the example numbers were checked, from the front matter
    self_care = next(c for c in load_folders([shipped_content_dir()]).chapters if c.id == "self-care")
    assert self_care.includes == ("safety",)


def test_the_deeper_frameworks_are_there(shipped_chapters: list[Chapter]) -> None:
    chapters = by_id(shipped_chapters)
    reframe = chapters["reframe"]
    hot = reframe.field("hot_thought")
    assert hot is not None and hot.kind == "text" and hot.required
    for fid in ("belief_before", "belief_after"):
        belief = reframe.field(fid)
        assert belief is not None and (belief.kind, belief.min, belief.max) == ("scale", 0, 100)
    traps = reframe.field("ppp_check")
    assert traps is not None and traps.kind == "multi" and len(traps.options) >= 8
    assert all(": " in o for o in traps.options), "every trap has a one-line definition"
    assert not any(o.startswith("None") for o in traps.options)
    # the three Ps are Seligman's explanatory style, taught once, in the thought record
    assert [c.id for c in shipped_chapters if "Seligman" in c.body] == ["reframe"]
    resilience = chapters["resilience"]
    assert resilience.field("three_ps") is None and resilience.field("fairer_explanation") is None
    failure_type = chapters["deconstruct"].field("failure_type")
    assert failure_type is not None and failure_type.kind == "choice"
    assert [o.split(":")[0] for o in failure_type.options[:3]] == ["Preventable", "Complex", "Intelligent"]
    assert "Edmondson" in chapters["deconstruct"].body and "2011" in chapters["deconstruct"].body
    assert chapters["deconstruct"].field("lucky") is not None
    assert chapters["risk"].field("upside") is not None
    assert chapters["acknowledge"].field("free_write") is not None
    assert chapters["responsibility"].field("their_side") is not None
    values = chapters["purpose"].field("values")
    assert values is not None and values.max_select == 3
    responsibility = chapters["responsibility"].body
    for never_yours in ("Discrimination", "harassment", "illness", "layoff decided above"):
        assert never_yours in responsibility


def test_support_and_network_refer_to_each_other_instead_of_overlapping(shipped_chapters: list[Chapter]) -> None:
    chapters = by_id(shipped_chapters)
    support, network = chapters["support"], chapters["network"]
    roles = support.field("missing_roles")
    assert roles is not None and not {"Adviser", "Connector"} & set(roles.options)
    assert "**Use your network**" in support.body
    assert "**Build your support system**" in network.body


def test_the_review_chapter(shipped_chapters: list[Chapter]) -> None:
    review = shipped_chapters[-1]
    assert (review.id, review.order, review.review_after_days) == ("review", 17, 30)
    assert review.title == "Look back after 30 days"
    happened = review.field("happened")
    assert happened is not None and happened.kind == "checklist"
    assert {"goals.actions", "lessons.changes"} <= {str(r) for r in happened.suggest_from}
    assert [c.id for c in shipped_chapters if c.review_after_days] == ["review"]


# The worked examples share a small cast: each name is always the same person, with the same work.
CAST = {
    "Priya": "product designer",
    "Marcus": "product manager",
    "Dana": "analyst",
    "Kwame": "backend developer",
    "Tomás": "analytics consultancy",
}
FIRST_EDITION_NAMES = ("Aisha", "Marco ", "Marisol", "Hannah", "Tomasz", "Leon ")


def test_worked_examples_use_a_small_consistent_cast(shipped_chapters: list[Chapter]) -> None:
    seen: dict[str, list[str]] = {}
    for chapter in shipped_chapters:
        example = chapter.body.split("## Worked example", 1)[1].split("## Common traps", 1)[0]
        first = re.search(r"\b([A-Z][a-zá]+)\b", example)
        assert first is not None and first.group(1) in CAST, f"{chapter.id}: the example is about {first}"
        seen.setdefault(first.group(1), []).append(chapter.id)
    assert set(seen) == set(CAST)
    assert seen["Marcus"][0] == "start" and seen["Marcus"][-1] == "review"  # one setback followed start to review
    everything = "\n".join(c.body for c in shipped_chapters)
    for name, work in CAST.items():
        described = re.findall(rf"\b{name}, (?:an?|the) ([^,.;]+)", everything)
        assert all(work in d for d in described), (name, described)
        assert described or f"{name} had run a small {work}" in everything, name
    for old in FIRST_EDITION_NAMES:
        assert old not in everything, old


def test_the_readme_carries_the_safety_note_as_the_content_file_has_it() -> None:
    """One text, kept in content/_safety.md; the README shows it too and must not drift from it."""
    notice = (ROOT / "content" / "_safety.md").read_text(encoding="utf-8").split("---", 2)[2]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## A workbook, not therapy", 1)[1].split("\n## ", 1)[0]
    checked = re.search(r"^checked: (\S+)$", (ROOT / "content" / "_safety.md").read_text(), re.M)
    assert checked is not None
    for paragraph in notice.strip().split("\n\n"):
        assert " ".join(paragraph.replace("{checked}", checked.group(1)).split()) in " ".join(section.split())
