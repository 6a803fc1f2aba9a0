"""export, import, backup and list: in-process through ``main([...])``, and a few through the installed script."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tui.content import load_chapters
from tui.locations import DB_FILE
from tui.store import SCHEMA_VERSION, Store
from tui.workbook import Workbook

from .conftest import FIXTURE_CHAPTERS, ROOT, fixed_clock, run_main

FAILFORWARD = Path(sys.executable).parent / "failforward"
COMMANDS = ("export", "import", "backup", "list", "actions", "check-content", "completion", "man")


def ff(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``failforward`` with the test chapters in this process (``main``), as the shell would see it."""
    return run_main(["--content", str(FIXTURE_CHAPTERS), *args], cwd=cwd or ROOT, env=env)


def ff_installed(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``failforward`` console script with the test chapters."""
    assert FAILFORWARD.exists(), f"the console script is not installed: {FAILFORWARD} (make test installs it)"
    return subprocess.run(
        [str(FAILFORWARD), "--content", str(FIXTURE_CHAPTERS), *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env={**os.environ, **(env or {})},
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def one_line_error(result: subprocess.CompletedProcess[str], code: int, text: str) -> str:
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("failforward: ")
    assert text in lines[0]
    return lines[0]


def fill(folder: Path) -> None:
    with Store(folder) as store:
        wb = Workbook(store, load_chapters([FIXTURE_CHAPTERS]), fixed_clock)
        laid_off = wb.add_setback("Laid off from Acme", "layoff", "2026-02-01", 8)
        wb.save_reflection(laid_off.id, "first", {"what": "The team was cut.\n  Then me.", "feeling": 7}, done=True)
        wb.save_reflection(laid_off.id, "second", {"plan": [{"text": "Call Sam", "due": "2026-04-01", "done": False}]})
        passed = wb.add_setback("Promotion went elsewhere", "promotion")
        wb.save_reflection(passed.id, "first", {"what": "Passed over", "headline": "Not this year"})


@pytest.fixture
def journal(data_dir: Path) -> Path:
    fill(data_dir)
    return data_dir


@pytest.fixture
def held(journal: Path) -> Iterator[Path]:
    """The journal, held open by another session (this process) while a command runs."""
    store = Store(journal)
    try:
        yield journal
    finally:
        store.close()


# -- help --------------------------------------------------------------------


@pytest.mark.slow
def test_top_help_names_the_commands_and_exit_codes() -> None:
    result = ff_installed("--help")
    assert result.returncode == 0
    for text in (*COMMANDS, "exit codes", "  3  no setback with that id", "docs/CLI.md"):
        assert text in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = ff(command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: failforward {command}")
    assert "exit codes" in result.stdout and "--data-dir" in result.stdout
    assert result.stderr == ""


def test_docs_describe_every_command_and_exit_code() -> None:
    doc = (ROOT / "docs" / "CLI.md").read_text()
    for command in COMMANDS:
        assert f"failforward {command}" in doc
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 141 |"):
        assert code in doc


# -- list --------------------------------------------------------------------


def test_list(journal: Path) -> None:
    result = ff("list", "--data-dir", str(journal))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "KIND", "DATE", "DONE", "TITLE"]
    assert lines[1].split(maxsplit=4) == ["2", "promotion", "-", "0/2", "Promotion went elsewhere"]
    assert lines[2].split(maxsplit=4) == ["1", "layoff", "2026-02-01", "1/2", "Laid off from Acme"]


def test_list_an_empty_journal(data_dir: Path) -> None:
    Store(data_dir).close()
    result = ff("--data-dir", str(data_dir), "list")
    assert result.returncode == 0
    assert result.stdout == "no setbacks yet\n"


# -- export ------------------------------------------------------------------


def test_export_markdown_to_stdout(journal: Path) -> None:
    result = ff("export", "--data-dir", str(journal))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    text = result.stdout
    assert text.startswith("---\n")
    front = yaml.safe_load(text.split("\n---\n", 1)[0][4:])
    assert [s["title"] for s in front["setbacks"]] == ["Promotion went elsewhere", "Laid off from Acme"]
    assert "```text\nThe team was cut.\n  Then me.\n```" in text
    assert "- [ ] Call Sam (due 2026-04-01), from Second" in text


def test_export_one_setback_as_a_case_file(journal: Path, tmp_path: Path) -> None:
    out = tmp_path / "case.md"
    result = ff(
        "export",
        "--setback",
        "1",
        "--only",
        "first",
        "--redact",
        "first.feeling,headline",
        "-o",
        str(out),
        "--data-dir",
        str(journal),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"exported 1 setback (Markdown) to {out}\n"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = out.read_text()
    front = yaml.safe_load(text.split("\n---\n", 1)[0][4:])
    assert [s["id"] for s in front["setbacks"]] == [1]
    assert front["left_out"] == {
        "chapters": ["second"],
        "fields": ["first.headline", "first.feeling"],
        "unsaved_drafts": 0,
    }
    assert "The team was cut." in text
    assert "7 (of 0-10)" not in text and "Call Sam" not in text and "Promotion" not in text


def test_export_json_then_import_into_another_journal(journal: Path, tmp_path: Path) -> None:
    out = tmp_path / "journal-export.json"  # .json: JSON without --format
    result = ff("--data-dir", str(journal), "export", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    data = json.loads(out.read_text())
    assert data["format"] == "failforward-export" and len(data["setbacks"]) == 2

    other = tmp_path / "other"
    result = ff("import", str(out), "--data-dir", str(other))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"imported {out}",
        "added: 2 setbacks, 3 reflections, 1 action item, 1 check-in",
    ]
    listed = ff("list", "--data-dir", str(other))
    assert listed.stdout == ff("list", "--data-dir", str(journal)).stdout

    again = ff("import", str(out), "--data-dir", str(other))
    assert again.returncode == 0
    assert "added: nothing" in again.stdout
    assert "skipped, already in the journal: 2 setbacks, 3 reflections, 1 action item, 1 check-in" in again.stdout


def test_export_json_to_stdout_with_format(journal: Path) -> None:
    result = ff("export", "--format", "json", "--setback", "2", "--data-dir", str(journal))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [s["title"] for s in data["setbacks"]] == ["Promotion went elsewhere"]


def test_import_dry_run_writes_nothing(journal: Path, tmp_path: Path) -> None:
    out = tmp_path / "e.json"
    assert ff("export", "-o", str(out), "--data-dir", str(journal)).returncode == 0
    fresh = tmp_path / "fresh"
    result = ff("import", str(out), "--dry-run", "--data-dir", str(fresh))
    assert result.returncode == 0, result.stderr
    assert "would add: 2 setbacks" in result.stdout and "nothing was written" in result.stdout
    assert not fresh.exists()
    before = (journal / DB_FILE).read_bytes()
    result = ff("import", str(out), "--dry-run", "--data-dir", str(journal))
    assert "would add: nothing" in result.stdout
    assert (journal / DB_FILE).read_bytes() == before


# -- backup ------------------------------------------------------------------


def test_backup_to_the_current_folder(journal: Path, tmp_path: Path) -> None:
    here = tmp_path / "here"
    here.mkdir()
    result = ff("backup", "--data-dir", str(journal), cwd=here)
    assert result.returncode == 0, result.stderr
    (copy,) = here.glob("failforward-backup-*.json")
    assert copy.read_bytes() == (journal / DB_FILE).read_bytes()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert result.stdout == f"backed up {journal / DB_FILE} (2 setbacks) to {copy.name}\n"
    second = ff("backup", "--data-dir", str(journal), cwd=here)
    assert second.returncode == 0
    assert len(list(here.glob("failforward-backup-*.json"))) == 2  # never over an earlier one


def test_backup_to_a_file(journal: Path, tmp_path: Path) -> None:
    target = tmp_path / "safe.json"
    result = ff("backup", "-o", str(target), "--data-dir", str(journal))
    assert result.returncode == 0, result.stderr
    assert target.read_bytes() == (journal / DB_FILE).read_bytes()


# -- while the app holds the journal -----------------------------------------


def test_read_only_commands_work_while_the_journal_is_open(held: Path, tmp_path: Path) -> None:
    assert ff("list", "--data-dir", str(held)).returncode == 0
    assert "Laid off from Acme" in ff("export", "--data-dir", str(held)).stdout
    assert ff("backup", "-o", str(tmp_path / "b.json"), "--data-dir", str(held)).returncode == 0
    export = tmp_path / "e.json"
    assert ff("export", "-o", str(export), "--data-dir", str(held)).returncode == 0
    assert ff("import", str(export), "--dry-run", "--data-dir", str(held)).returncode == 0
    result = ff("import", str(export), "--data-dir", str(held))
    one_line_error(result, 1, "open in another failforward session")


def test_commands_see_the_saves_an_open_session_has_only_in_its_log(journal: Path, tmp_path: Path) -> None:
    store = Store(journal)
    try:
        store.insert("setbacks", {"title": "Saved a moment ago", "kind": "other"})
        assert store._storage.pending_saves == 1  # type: ignore[union-attr]  # in journal.log, not journal.json
        assert "Saved a moment ago" in ff("list", "--data-dir", str(journal)).stdout
        assert "Saved a moment ago" in ff("export", "--data-dir", str(journal)).stdout
        copy = tmp_path / "b.json"
        result = ff("backup", "-o", str(copy), "--data-dir", str(journal))
        assert result.stdout.startswith(f"backed up {journal / DB_FILE} (3 setbacks)")
    finally:
        store.close()
    with Store(tmp_path / "restored") as restored:
        restored.restore(copy)
        assert "Saved a moment ago" in [d["title"] for d in restored.all("setbacks")]


# -- errors: one line, a documented code, never a traceback ------------------


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def write_bytes(path: Path, raw: bytes) -> Path:
    path.write_bytes(raw)
    return path


def newer_export(path: Path) -> Path:
    return write(path, json.dumps({"format": "failforward-export", "schema": SCHEMA_VERSION + 1, "setbacks": []}))


@pytest.mark.parametrize(
    ("make_args", "code", "text"),
    [
        (lambda t, j: ["import", str(t / "missing.json")], 1, "cannot read"),
        (lambda t, j: ["import", str(t)], 1, "cannot read"),
        (lambda t, j: ["import", str(write(t / "bad.json", "{\n  'a': 1"))], 2, "bad JSON at line 2, column 3"),
        (lambda t, j: ["import", str(write_bytes(t / "x.json", b'{"a": "\xff"}'))], 2, "not UTF-8"),
        (lambda t, j: ["import", str(write(t / "x.md", "# notes"))], 2, "is not a failforward JSON export"),
        (lambda t, j: ["import", str(write(t / "nan.json", '{"a": NaN}'))], 2, "NaN is not a number JSON allows"),
        (lambda t, j: ["import", str(write(t / "o.json", '{"a": 1}'))], 2, 'it has no "format"'),
        (
            lambda t, j: [
                "import",
                str(write(t / "r.json", '{"format": "failforward-export", "schema": 1, "setbacks": [{"id": 1}]}')),
            ],
            2,
            "setbacks[0]: 'title' is missing; nothing was imported",
        ),
        (
            lambda t, j: ["import", str(newer_export(t / "n.json"))],
            3,
            f"newer failforward (schema {SCHEMA_VERSION + 1}",
        ),
        (lambda t, j: ["export", "-o", str(t / "no-such-dir" / "x.md")], 1, "No such file or directory"),
        (lambda t, j: ["export", "-o", str(write(t / "file", "") / "x.md")], 1, "Not a directory"),
        (lambda t, j: ["export", "-o", str(t)], 1, "Is a directory"),
        (lambda t, j: ["backup", "-o", str(t / "no-such-dir" / "b.json")], 1, "cannot write"),
        (lambda t, j: ["export", "-o", str(j / DB_FILE)], 2, "refusing to write over the journal itself"),
        (lambda t, j: ["backup", "-o", str(j / DB_FILE)], 2, "refusing to write over the journal itself"),
        (lambda t, j: ["export", "--setback", "99"], 3, "no setback with id 99 (failforward list shows the ids)"),
        (lambda t, j: ["export", "--setback", "two"], 2, "argument --setback: invalid int value: 'two'"),
        (lambda t, j: ["export", "--format", "pdf"], 2, "invalid choice: 'pdf'"),
        (lambda t, j: ["export", "--only", "thrid"], 2, "no chapter 'thrid' to include"),
        (lambda t, j: ["export", "--redact", "first.wat"], 2, "no field 'first.wat' to leave out"),
        (lambda t, j: ["export", "--format", "json", "--redact", "first.what"], 2, "are for Markdown exports"),
        (lambda t, j: ["import"], 2, "the following arguments are required: FILE"),
        (lambda t, j: ["list", "--bogus"], 2, "unrecognized arguments: --bogus"),
    ],
)
def test_errors(journal: Path, tmp_path: Path, make_args, code: int, text: str) -> None:
    args = make_args(tmp_path, journal)
    before = (journal / DB_FILE).read_bytes()
    result = ff(*args, "--data-dir", str(journal), cwd=tmp_path)
    one_line_error(result, code, text)
    assert result.stdout == ""
    assert (journal / DB_FILE).read_bytes() == before


@pytest.mark.parametrize("command", [["list"], ["export"], ["backup"], ["import", "--dry-run"]])
def test_no_journal_yet(tmp_path: Path, command: list[str]) -> None:
    export = newer_export(tmp_path / "n.json")
    export.write_text(json.dumps({"format": "failforward-export", "schema": 1}))
    args = [command[0], str(export), *command[1:]] if command[0] == "import" else command
    result = ff(*args, "--data-dir", str(tmp_path / "nothing"))
    if command[0] == "import":  # a dry run against no journal: everything would be new
        assert result.returncode == 0 and "would add: nothing" in result.stdout
    else:
        one_line_error(result, 1, f"no journal in {tmp_path / 'nothing'} yet")
    assert not (tmp_path / "nothing").exists()


@pytest.mark.parametrize("command", ["list", "export", "backup"])
def test_a_damaged_journal_is_reported_and_left_alone(tmp_path: Path, command: str) -> None:
    folder = tmp_path / "j"
    folder.mkdir()
    write(folder / DB_FILE, '{"setbacks": ')
    result = ff(command, "--data-dir", str(folder), cwd=tmp_path)
    one_line_error(result, 1, "is damaged")
    assert (folder / DB_FILE).read_text() == '{"setbacks": '
    assert sorted(p.name for p in folder.iterdir()) == [DB_FILE]


@pytest.mark.parametrize("command", [["list"], ["export"], ["import", "IMPORT"]])
def test_a_journal_from_a_newer_failforward(tmp_path: Path, command: list[str]) -> None:
    folder = tmp_path / "j"
    folder.mkdir(mode=0o700)
    write(folder / DB_FILE, json.dumps({"meta": {"1": {"schema": SCHEMA_VERSION + 1}}, "setbacks": {}}))
    os.chmod(folder / DB_FILE, 0o600)
    export = write(tmp_path / "e.json", json.dumps({"format": "failforward-export", "schema": 1}))
    args = [str(export) if a == "IMPORT" else a for a in command]
    result = ff(*args, "--data-dir", str(folder))
    one_line_error(result, 3, "written by a newer failforward")


# -- no Textual --------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        ["list"],
        ["list", "--json"],
        ["export"],
        ["export", "--format", "json"],
        ["backup", "-o", "BACKUP"],
        ["import", "EXPORT"],
        ["actions", "--json"],
        ["actions", "--ics"],
        ["completion", "bash"],
        ["man"],
    ],
)
def test_commands_never_import_textual(journal: Path, tmp_path: Path, command: list[str]) -> None:
    export = tmp_path / "e.json"
    assert ff("export", "-o", str(export), "--data-dir", str(journal)).returncode == 0
    names = {"BACKUP": str(tmp_path / "b.json"), "EXPORT": str(export)}
    args = [names.get(a, a) for a in command]
    result = ff_installed(*args, "--data-dir", str(journal), env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 0, result.stderr
    imported = [
        line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time")
    ]
    assert "tui.cli" in imported  # the profile did run
    assert not [m for m in imported if m == "textual" or m.startswith("textual.")]
