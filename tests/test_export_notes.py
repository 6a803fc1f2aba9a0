"""``export --format md-folder``: one Obsidian-friendly note per setback, updated in place on every run."""

from __future__ import annotations

import datetime as dt
import re
import stat
from pathlib import Path

import pytest
import yaml

from tui.content import load_chapters
from tui.export.notes import file_name
from tui.store import Store
from tui.workbook import Workbook

from .conftest import FIXTURE_CHAPTERS, fixed_clock
from .test_cli_commands import ff, one_line_error

TASK = re.compile(r"^- \[( |x)\] (.+?)(?: 📅 (\d{4}-\d{2}-\d{2}))?$")


@pytest.fixture
def journal(data_dir: Path) -> Path:
    with Store(data_dir) as store:
        wb = Workbook(store, load_chapters([FIXTURE_CHAPTERS]), fixed_clock)
        s = wb.add_setback("Laid off: Acme #2", "layoff", "2026-02-01", 8)
        what = "The team was cut.\n- [ ] not a task, just what I wrote\n# not a heading #nottag"
        wb.save_reflection(s.id, "first", {"what": what, "feeling": 7}, done=True)
        plan = [
            {"id": "a", "text": "Call Sam", "due": "2026-04-01", "done": False},
            {"id": "b", "text": "Read #tags", "due": None, "done": True},
        ]
        wb.save_reflection(s.id, "second", {"plan": plan})
        wb.add_setback("Promotion went elsewhere", "promotion")
        twin = wb.add_setback("Promotion went elsewhere", "promotion", "2026-05-01")
        wb.archive_setback(twin.id)
    return data_dir


def export(journal: Path, folder: Path, *extra: str):
    return ff("export", "--format", "md-folder", "-o", str(folder), *extra, "--data-dir", str(journal))


def split_note(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    front, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(front), body


def outside_fences(body: str) -> list[str]:
    lines, fenced = [], False
    for line in body.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def test_one_note_per_setback_with_flat_front_matter(journal: Path, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    result = export(journal, vault)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"exported 3 notes (one per setback) to {vault}\n"
    names = sorted(p.name for p in vault.iterdir())
    assert names == ["Laid off- Acme -2.md", "Promotion went elsewhere (3).md", "Promotion went elsewhere.md"]
    assert stat.S_IMODE(vault.stat().st_mode) == 0o700
    front, _ = split_note(vault / "Laid off- Acme -2.md")
    assert front == {
        "title": "Laid off: Acme #2",
        "date": dt.date(2026, 2, 1),
        "tags": ["failforward", "setback/layoff"],
        "setback": 1,
        "status": "in-progress",
    }
    assert all(not isinstance(v, dict) for v in front.values())  # flat: note apps show them as properties
    assert split_note(vault / "Promotion went elsewhere (3).md")[0]["status"] == "archived"
    assert split_note(vault / "Promotion went elsewhere.md")[0]["status"] == "not-started"
    assert split_note(vault / "Promotion went elsewhere.md")[0]["date"] == dt.date(2026, 3, 14)


def test_actions_are_tasks_plugin_lines_and_answers_never_are(journal: Path, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    assert export(journal, vault).returncode == 0
    _, body = split_note(vault / "Laid off- Acme -2.md")
    tasks = [TASK.match(line) for line in outside_fences(body)]
    found = [(m.group(1), m.group(2), m.group(3)) for m in tasks if m]
    assert found == [(" ", "Call Sam", "2026-04-01"), ("x", r"Read \#tags", None)]
    assert "- [ ] not a task, just what I wrote" in body  # kept verbatim, inside a fence
    assert "# not a heading" not in outside_fences(body)


def test_running_again_updates_the_same_notes_even_renamed(journal: Path, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    assert export(journal, vault).returncode == 0
    renamed = vault / "Acme layoff (renamed in the app).md"
    (vault / "Laid off- Acme -2.md").rename(renamed)
    mine = vault / "My own note.md"
    mine.write_text("---\ntags: [failforward]\nsetback: nope\n---\nmine\n")
    with Store(journal) as store:
        wb = Workbook(store, load_chapters([FIXTURE_CHAPTERS]), fixed_clock)
        wb.save_reflection(1, "first", {"what": "Rewritten answer", "feeling": 7}, done=True)
    assert export(journal, vault).returncode == 0
    assert sorted(p.name for p in vault.iterdir()) == [
        "Acme layoff (renamed in the app).md",
        "My own note.md",
        "Promotion went elsewhere (3).md",
        "Promotion went elsewhere.md",
    ]
    assert "Rewritten answer" in renamed.read_text()
    assert mine.read_text().endswith("mine\n")


def test_one_setback_only_and_a_symlinked_note(journal: Path, tmp_path: Path) -> None:
    vault, elsewhere = tmp_path / "vault", tmp_path / "synced"
    elsewhere.mkdir()
    assert export(journal, vault, "--setback", "1").returncode == 0
    assert [p.name for p in vault.iterdir()] == ["Laid off- Acme -2.md"]
    real = elsewhere / "note.md"
    (vault / "Laid off- Acme -2.md").rename(real)
    real.chmod(0o644)
    (vault / "Laid off- Acme -2.md").symlink_to(real)
    assert export(journal, vault, "--setback", "1", "--redact", "first.what").returncode == 0
    assert (vault / "Laid off- Acme -2.md").is_symlink()
    assert "The team was cut" not in real.read_text() and stat.S_IMODE(real.stat().st_mode) == 0o644


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["-o", "-"], 2, "name a folder with -o DIR"),
        ([], 2, "name a folder with -o DIR"),
        (["-o", "{tmp}/missing/vault"], 1, "No such file or directory"),
        (["-o", "{tmp}/file"], 1, "cannot write"),
        (["-o", "{journal}"], 2, "refusing to write notes into the journal's folder"),
        (["-o", "{tmp}/v", "--setback", "9"], 3, "no setback with id 9"),
    ],
)
def test_errors(journal: Path, tmp_path: Path, args: list[str], code: int, text: str) -> None:
    (tmp_path / "file").write_text("a file, not a folder")
    args = [a.format(tmp=tmp_path, journal=journal) for a in args]
    result = ff("export", "--format", "md-folder", *args, "--data-dir", str(journal))
    one_line_error(result, code, text)


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Review: Q3/Q4 [draft] #1", "Review- Q3-Q4 -draft- -1.md"),
        ("...", "setback.md"),
        ("a" * 300, "a" * 100 + ".md"),
        ("Tab\there", "Tab-here.md"),
    ],
)
def test_file_names(title: str, name: str) -> None:
    assert file_name(title) == name


async def test_the_app_export_dialog_writes_notes_into_a_folder(tmp_path: Path) -> None:
    from textual.widgets import Input

    from screens.dialogs.transfer import ExportDialog

    from .test_screens import app_on, seed, settle

    data_dir = tmp_path / "journal"
    seed(data_dir)
    vault = tmp_path / "vault"
    app = app_on(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        app.action_export()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one("#path", Input).value = f"{vault}/"
        await pilot.press("enter")
        await settle(pilot)
        assert f"Exported 2 notes (one per setback) to {vault}." in str(dialog.query_one("#result").render())
    notes = sorted(p.name for p in vault.iterdir())
    assert notes == ["Harsh review.md", "Layoff at Northwind.md"]
    assert split_note(vault / "Harsh review.md")[0]["setback"] == 2
