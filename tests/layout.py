"""A journal for layout tests: the fixture chapters in tests/fixtures/chapters/layout and data that stretch them.

The layout tests (snapshots, sizes, keys) never load the shipped chapters in
content/: rewording the guide must break no picture. These chapters have long
titles, a chapter that builds on another, every field kind, and CJK and
combining text; the journal below has titles of the same kinds, a draft,
dated actions and check-ins.
"""

from __future__ import annotations

from pathlib import Path

from tui.app import WorkbookApp, make_app
from tui.content import load_chapters
from tui.store import Store
from tui.workbook import Workbook

from .conftest import FIXTURE_CHAPTERS, fixed_clock

LAYOUT_CHAPTERS = FIXTURE_CHAPTERS / "layout"

LONG_TITLE = "Passed over for the staff engineer promotion after two years of leading the platform migration"
CJK_TITLE = "東京オフィスの閉鎖でチームごとリストラされた"
COMBINING_TITLE = "Refuse\u0301 au poste de directrice technique"  # "Refusé", with a combining accent

# Six lines: more than the "You wrote earlier" panel shows at 80x24.
WHAT_HAPPENED = "\n".join(
    [
        "In March the staff role went to an external hire.",
        "My manager said I was not yet operating at that level.",
        "Nobody had told me what that level meant here.",
        "The feedback came two days after the decision.",
        "I had led the platform migration for two years.",
        "I found out from the announcement, like everyone else.",
    ]
)


def seed_layout(data_dir: Path) -> dict[str, int]:
    """Write the layout journal; returns the setback ids by name (long, cjk, combining)."""
    chapters = load_chapters([LAYOUT_CHAPTERS])
    with Store(data_dir) as store:
        wb = Workbook(store, chapters, fixed_clock)
        combining = wb.add_setback(COMBINING_TITLE, "rejection", "2026-01-20", 5)
        cjk = wb.add_setback(CJK_TITLE, "layoff", "2026-02-27", 8)
        long = wb.add_setback(LONG_TITLE, "promotion", "2026-03-02", 6)
        wb.check_in(long.id, 5)
        wb.check_in(long.id, 4)
        wb.save_reflection(
            long.id,
            "start",
            {
                "what_happened": WHAT_HAPPENED,
                "kind": "A missed promotion or raise",
                "when": "2026-03-02",
                "feeling": 6,
                "hardest": "Doubt about whether I am good enough for the next level",
                "hoped": "Ask for the criteria in writing\nA plan for the next six months",
            },
            done=True,
        )
        wb.save_reflection(
            long.id,
            "lessons",
            {
                "went_wrong": "Never asked what staff level meant here\nSkipped the design review\n"
                "Waited for feedback instead of asking for it",
                "confidence": 6,
            },
        )
        wb.save_reflection(
            long.id,
            "plan",
            {
                "goal": "Lead one cross-team design by June",
                "actions": [
                    {"text": "Ask for the promotion criteria in writing", "due": "2026-03-20", "done": False},
                    {"text": "Book a design review with the architecture group", "due": "2026-03-12", "done": False},
                ],
            },
        )
        wb.save_reflection(
            cjk.id, "reframe", {"story": "会社の再編で部署ごと無くなった。\n次の仕事を探している。", "weight": 7}
        )
        wb.save_reflection(
            combining.id, "start", {"what_happened": "Re\u0301ponse ne\u0301gative apre\u0300s trois entretiens."}
        )
        wb.save_draft(cjk.id, "start", {"what_happened": "金曜日にチーム全員が呼ばれた。"})
        return {"long": long.id, "cjk": cjk.id, "combining": combining.id}


def layout_app(data_dir: Path) -> WorkbookApp:
    """The app on the layout journal (seed it first)."""
    return make_app(data_dir=data_dir, content_dir=LAYOUT_CHAPTERS, clock=fixed_clock, remember_theme=False)
