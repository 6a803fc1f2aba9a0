"""Every screen by keys only, asserting on what is saved as well as what is shown."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, OptionList, Select, TextArea

from screens.chapter import ChapterScreen
from screens.dialogs.checkin import CheckInDialog
from screens.dialogs.confirm import ConfirmDialog
from screens.help import HelpScreen
from screens.home import HomeScreen
from screens.journal import JournalScreen
from screens.progress import ProgressScreen
from screens.search import SearchScreen
from tui.app import WorkbookApp, make_app
from tui.content import load_chapters
from tui.settings import load_settings
from tui.store import Store
from tui.workbook import Workbook

from .conftest import FIXTURE_CHAPTERS, fixed_clock


def seed(data_dir: Path) -> None:
    """Two setbacks with a few saved chapters."""
    with Store(data_dir) as store:
        wb = Workbook(store, load_chapters([FIXTURE_CHAPTERS]), fixed_clock)
        layoff = wb.add_setback("Layoff at Northwind", "layoff", "2026-02-01", 8)
        review = wb.add_setback("Harsh review", "review", "2026-03-01", 5)
        wb.save_reflection(layoff.id, "first", {"what": "The whole platform team was cut", "feeling": 8})
        wb.save_reflection(review.id, "first", {"what": "Told my designs were unclear"}, done=True)
        wb.save_reflection(
            review.id,
            "second",
            {"tags": ["a"], "plan": [{"text": "Ask Sam for examples", "due": "2026-03-20", "done": False}]},
        )


def app_on(data_dir: Path) -> WorkbookApp:
    return make_app(data_dir=data_dir, content_dir=FIXTURE_CHAPTERS, clock=fixed_clock, remember_theme=False)


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_journal_lists_filters_and_opens_reflections(data_dir: Path) -> None:
    seed(data_dir)
    app = app_on(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, JournalScreen)
        table = screen.query_one("#journal-table", OptionList)
        assert table.option_count == 3
        # filter to done reflections: focus the status filter and pick "done"
        screen.query_one("#filter-status", Select).focus()
        await pilot.press("enter", "down", "down", "enter")
        await settle(pilot)
        assert screen.query_one("#filter-status", Select).value == "done"
        assert table.option_count == 1
        assert "Told my designs" in str(table.get_option_at_index(0).prompt)
        table.focus()
        await pilot.press("enter")
        await pilot.pause()
        chapter = app.screen
        assert isinstance(chapter, ChapterScreen)
        assert chapter.query_one("#field-what", TextArea).text == "Told my designs were unclear"
        await pilot.press("escape")  # back to the journal
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_search_highlights_and_opens_the_hit_at_its_field(data_dir: Path) -> None:
    seed(data_dir)
    app = app_on(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"sam for")
        await pilot.pause(0.3)
        await settle(pilot)
        results = app.screen.query_one("#results", OptionList)
        assert results.option_count == 1
        prompt = results.get_option_at_index(0).prompt
        assert "Harsh review › Second › Plan" in str(prompt)
        assert any("reverse" in str(span.style) for span in prompt.spans)  # the match is highlighted
        await pilot.press("down", "enter")
        await pilot.pause()
        await pilot.pause()
        chapter = app.screen
        assert isinstance(chapter, ChapterScreen) and chapter.chapter.id == "second"
        assert app.focused is not None and "field-plan" in {app.focused.id, *(a.id for a in app.focused.ancestors)}


async def test_search_says_when_nothing_matches(data_dir: Path) -> None:
    seed(data_dir)
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", *"zebra")
        await pilot.pause(0.3)
        await settle(pilot)
        assert "No answer contains" in str(app.screen.query_one("#search-count").render())


async def test_progress_grid_check_in_and_open(data_dir: Path) -> None:
    seed(data_dir)
    app = app_on(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProgressScreen)
        grid = screen.query_one("#grid", DataTable)
        assert grid.row_count == 2
        rows = {str(k.value): grid.get_row(k) for k in grid.rows}
        review = next(s for s in app.workbook.setbacks() if s.title == "Harsh review")
        assert [str(c).strip() for c in rows[str(review.id)][1:]] == ["✓", "~", "50%"]
        grid.move_cursor(row=grid.get_row_index(str(review.id)), column=0)
        await pilot.press("k")
        assert isinstance(app.screen, CheckInDialog)
        await pilot.press("3", "enter")
        await pilot.pause()
        assert [r for _, r in app.workbook.checkins(review.id)] == [5, 3]
        await pilot.press("right", "enter")  # the chapter in column 1
        await pilot.pause()
        assert isinstance(app.screen, ChapterScreen) and app.screen.setback_id == review.id


async def test_setback_edit_archive_and_delete_with_confirmation(data_dir: Path) -> None:
    seed(data_dir)
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        home.query_one("#setbacks", OptionList).focus()
        first = home.selected_setback
        await pilot.press("e")
        title = app.screen.query_one("#title", Input)
        title.value = ""
        await pilot.press(*"Harsh review, Q1", "enter")
        await pilot.pause()
        assert app.workbook.setback(first).title == "Harsh review, Q1"  # type: ignore[union-attr]

        await pilot.press("d")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")  # the default answer is no
        await pilot.pause()
        assert app.workbook.setback(first) is not None

        await pilot.press("a")
        await pilot.pause()
        assert first not in [s.id for s in app.workbook.setbacks()]
        assert app.workbook.setback(first).archived  # type: ignore[union-attr]

        other = home.selected_setback
        title = app.workbook.setback(other).title  # type: ignore[union-attr]
        await pilot.press("d", "y")  # one burst: the "y" was sent with the request, not in answer to it
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert app.workbook.setback(other) is not None
        assert any("press y again" in n.message for n in app._notifications)
        app.screen.opened -= 1  # a human moment later
        await pilot.press("y")
        await pilot.pause()
        assert app.workbook.setback(other) is None
        assert app.workbook.reflections(other) == []
        assert [t.title for t in app.workbook.trash()] == [title]
        await pilot.press("z")  # undo: it comes back whole
        await pilot.pause()
        back = home.selected_setback
        assert app.workbook.setback(back).title == title  # type: ignore[union-attr]
        assert app.workbook.trash() == []
        await pilot.press("d")
        app.screen.opened -= 1
        await pilot.press("y")
        await pilot.pause()
        assert app.workbook.setback(back) is None

        await pilot.press("u")  # bring the archived one back
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert not app.workbook.setback(first).archived  # type: ignore[union-attr]
        assert home.selected_setback == first


async def test_help_lists_the_keys_of_the_screen_underneath(data_dir: Path) -> None:
    seed(data_dir)
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ChapterScreen)
        await pilot.press("f1")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        text = "\n".join(f"{k} {d}" for k, d in help_screen.rows)
        for expected in ("^s Save", "^t Done", "^n Next", "^o Headings", "f5 Zoom", "f3 Search", "^q Quit"):
            assert expected in text
        assert "^r Prev" not in text  # the first chapter has no previous one: the key is not offered
        await pilot.press("escape")
        assert isinstance(app.screen, ChapterScreen)


async def test_command_palette_reaches_the_sections(data_dir: Path) -> None:
    seed(data_dir)
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Progress")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen)


async def test_theme_is_remembered(data_dir: Path) -> None:
    app = make_app(data_dir=data_dir, content_dir=FIXTURE_CHAPTERS, clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.press("ctrl+q")
    assert load_settings()["theme"] == "textual-light"
    again = make_app(data_dir=data_dir, content_dir=FIXTURE_CHAPTERS, clock=fixed_clock)
    assert again.theme == "textual-light"


async def test_ten_thousand_reflections_journal_and_search(tmp_path: Path) -> None:
    from tui.locations import shipped_content_dir

    data_dir = tmp_path / "big"
    chapters = load_chapters([shipped_content_dir()])
    filler = "lorem ipsum dolor sit amet " * 50
    with Store(data_dir) as store, store.batch():
        wb = Workbook(store, chapters, fixed_clock)
        n = 0
        docs = []
        while n < 10_000:
            setback = wb.add_setback(f"Setback {n // len(chapters)}")
            for chapter in chapters:
                docs.append(
                    {
                        "setback_id": setback.id,
                        "chapter_id": chapter.id,
                        "answers": {chapter.fields[0].id: f"entry {n} needle{n} {filler}"},
                        "status": "done" if n % 3 == 0 else "draft",
                        "chapter_version": 1,
                        "revision": 1,
                        "created": "2026-01-01T00:00:00",
                        "updated": f"2026-01-{1 + n % 28:02d}T00:00:00",
                    }
                )
                n += 1
        store.insert_many("reflections", docs)
    app = make_app(data_dir=data_dir, content_dir=shipped_content_dir(), clock=fixed_clock, remember_theme=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j")
        await settle(pilot)
        table = app.screen.query_one("#journal-table", OptionList)
        assert table.option_count == n
        await pilot.press("pagedown", "pagedown", "end", "home")
        await pilot.press("f3", *"needle999 lorem")
        await pilot.pause(0.3)
        await settle(pilot)
        results = app.screen.query_one("#results", OptionList)
        assert results.option_count == 1
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ChapterScreen)
        assert all(w.state.name != "ERROR" for w in app.workers)
        await pilot.press("ctrl+q")


async def test_export_and_import_from_the_palette(data_dir: Path, tmp_path: Path) -> None:
    import json

    import yaml

    from screens.dialogs.transfer import ExportDialog, ImportDialog

    seed(data_dir)
    app = app_on(data_dir)
    target = tmp_path / "out" / "journal.json"
    target.parent.mkdir()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p", *"Export journal")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one("#path", Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert "Exported to" in str(dialog.query_one("#result").render())
        data = json.loads(target.read_text())
        assert len(data["reflections"]) == 3
        markdown = tmp_path / "out" / "journal.md"
        dialog.query_one("#path", Input).value = str(markdown)
        await pilot.press("enter")
        await settle(pilot)
        front = markdown.read_text().split("---\n")[1]
        assert yaml.safe_load(front)
        await pilot.press("escape")

    other = tmp_path / "other"
    app = make_app(data_dir=other, content_dir=FIXTURE_CHAPTERS, clock=fixed_clock, remember_theme=False)
    async with app.run_test(size=(100, 30)) as pilot:
        app.action_import()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ImportDialog)
        dialog.query_one("#path", Input).value = str(target)
        await pilot.press("enter")  # first: what it would add
        await settle(pilot)
        assert "would add" in str(dialog.query_one("#result").render())
        assert app.workbook.setbacks() == []
        await pilot.press("enter")  # then for real
        await settle(pilot)
        assert "added" in str(dialog.query_one("#result").render())
        assert {s.title for s in app.workbook.setbacks()} == {"Layoff at Northwind", "Harsh review"}
        assert len(app.workbook.reflections()) == 3


async def test_a_damaged_journal_is_announced_and_the_backup_restored(data_dir: Path) -> None:
    from screens.dialogs.confirm import ConfirmDialog

    seed(data_dir)
    with Store(data_dir):
        pass  # leaves a backup of the seeded journal
    (data_dir / "journal.json").write_bytes(b'{"setbacks": {"1": ')
    app = app_on(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert any("could not be read" in n.message for n in app._notifications)
        assert app.workbook.setbacks() == []
        assert list(data_dir.glob("journal.json.damaged-*"))
        app.action_restore()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        app.screen.opened -= 1  # read the question
        await pilot.press("y")
        await pilot.pause()
        assert {s.title for s in app.workbook.setbacks()} == {"Layoff at Northwind", "Harsh review"}
        assert len(app.screen.query_one("#setbacks", OptionList).options) == 2


async def test_a_log_damaged_part_way_is_announced_and_what_came_before_is_kept(data_dir: Path) -> None:
    seed(data_dir)
    with Store(data_dir) as store:
        store.insert("setbacks", {"title": "Logged first", "kind": "other"})
        store.insert("setbacks", {"title": "Logged second", "kind": "other"})
        log = (data_dir / "journal.log").read_bytes()
        store._storage._closed = True  # type: ignore[union-attr]  # as if the session died: the log stays
    header, first, second, end = log.split(b"\n")
    (data_dir / "journal.log").write_bytes(
        b"\n".join([header, first, second.replace(b"Logged second", b"Logged sXcond"), first, end])
    )
    app = app_on(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        (notice,) = [n for n in app._notifications if "log of recent saves" in n.message]
        assert notice.severity == "error" and "journal.log.damaged-" in notice.message
        assert "Logged first" in {s.title for s in app.workbook.setbacks()}
        assert "Logged second" not in {s.title for s in app.workbook.setbacks()}


async def test_the_feeling_line_says_what_to_do_first_with_no_setback_and_then_with_one(data_dir: Path) -> None:
    from textual.widgets import Label

    Store(data_dir).close()
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        title = app.screen.query_one("#trend-title", Label)
        assert str(title.render()) == "Feeling: name a setback first (n)"
        await pilot.press("n", *"Missed the raise", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert str(title.render()) == "Feeling: press k to check in"
