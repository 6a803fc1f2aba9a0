"""The commands in a shell: pipes that close early, full disks, -o through links, pipes and descriptors, -o -."""

from __future__ import annotations

import os
import shlex
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tui.content import load_chapters
from tui.locations import DB_FILE
from tui.store import Store
from tui.workbook import Workbook

from .conftest import FIXTURE_CHAPTERS, fixed_clock
from .test_cli_commands import FAILFORWARD, ff, fill, one_line_error

pytestmark = pytest.mark.slow


@pytest.fixture
def journal(data_dir: Path) -> Path:
    fill(data_dir)
    return data_dir


@pytest.fixture
def big_journal(tmp_path: Path) -> Path:
    """A journal whose export is far larger than a pipe holds: a reader that stops early always breaks it."""
    folder = tmp_path / "big"
    with Store(folder) as store:
        wb = Workbook(store, load_chapters([FIXTURE_CHAPTERS]), fixed_clock)
        for n in range(40):
            s = wb.add_setback(f"Setback {n}", "project")
            wb.save_reflection(s.id, "first", {"what": f"line {n}\n" * 4000})
    return folder


def same_export(a: str, b: str) -> bool:
    """Two exports say the same (the time of export aside)."""
    return [ln for ln in a.splitlines() if "exported" not in ln] == [
        ln for ln in b.splitlines() if "exported" not in ln
    ]


def sh(script: str, *, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in bash, with ``ff`` meaning the installed failforward on the test chapters."""
    ff_cmd = shlex.join([str(FAILFORWARD), "--content", str(FIXTURE_CHAPTERS)])
    return subprocess.run(
        ["bash", "-c", f'ff() {{ {ff_cmd} "$@"; }}\n{script}'],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


# -- broken pipes ---------------------------------------------------------------


def test_list_into_head_ends_quietly_every_time(journal: Path, tmp_path: Path) -> None:
    # The reader may close before or after the writer is done: run it often enough to see both.
    for _ in range(8):
        result = sh(
            f'ff list --data-dir {shlex.quote(str(journal))} | head -1; echo "status=${{PIPESTATUS[0]}}"', cwd=tmp_path
        )
        assert result.stderr == "", result.stderr
        lines = result.stdout.splitlines()
        assert lines[0].split() == ["ID", "KIND", "DATE", "DONE", "TITLE"]
        assert lines[-1] in ("status=0", "status=141")


@pytest.mark.parametrize("command", ["export", "export --format json", "backup -o -", "list"])
def test_a_reader_that_stops_early_ends_the_command_with_141_and_no_message(
    big_journal: Path, tmp_path: Path, command: str
) -> None:
    if command == "list":  # a long list: many setbacks
        with Store(big_journal) as store:
            wb = Workbook(store, load_chapters([FIXTURE_CHAPTERS]), fixed_clock)
            with store.batch():
                for n in range(3000):
                    wb.add_setback(f"More {n} " + "x" * 60, "other")
    for _ in range(3):
        result = sh(
            f"ff {command} --data-dir {shlex.quote(str(big_journal))} | head -c 10 >/dev/null; "
            'echo "status=${PIPESTATUS[0]}"',
            cwd=tmp_path,
        )
        assert result.stderr == "", result.stderr
        assert result.stdout.strip() == "status=141"


# -- full disks -----------------------------------------------------------------


@pytest.mark.parametrize("command", ["list", "export", "export --format json", "backup -o -"])
def test_standard_output_on_a_full_disk_is_one_line_and_exit_1(journal: Path, tmp_path: Path, command: str) -> None:
    result = sh(f"ff {command} --data-dir {shlex.quote(str(journal))} > /dev/full", cwd=tmp_path)
    one_line_error(result, 1, "cannot write to standard output: No space left on device")


@pytest.mark.parametrize("command", ["export", "backup"])
def test_output_file_on_a_full_disk_is_one_line_and_exit_1(journal: Path, tmp_path: Path, command: str) -> None:
    result = ff(command, "-o", "/dev/full", "--data-dir", str(journal), cwd=tmp_path)
    one_line_error(result, 1, "cannot write /dev/full: No space left on device")
    assert result.stdout == ""


# -- -o: where the bytes go ---------------------------------------------------------


def test_output_to_a_process_substitution(journal: Path, tmp_path: Path) -> None:
    expected = ff("export", "--data-dir", str(journal)).stdout.encode()
    result = sh(f"ff export --data-dir {shlex.quote(str(journal))} -o >(wc -c > count); wait; sleep 0.2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and result.stdout == ""  # no "exported to /dev/fd/63" among the data

    def counted() -> str:
        return (tmp_path / "count").read_text().strip() if (tmp_path / "count").exists() else ""

    from .e2e.conftest import wait_until

    wait_until(lambda: counted() == str(len(expected)), 10, lambda: f"wc counted {counted()!r}, not {len(expected)}")


def test_output_to_dev_stdout_is_standard_output(journal: Path, tmp_path: Path) -> None:
    expected = ff("export", "--format", "json", "--data-dir", str(journal)).stdout
    for target in ("/dev/stdout", "-"):
        result = sh(f"ff export --format json --data-dir {shlex.quote(str(journal))} -o {target} | cat", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert same_export(result.stdout, expected)
    assert os.listdir(tmp_path) == ["journal"]  # no file named "-" or "stdout"
    assert stat.S_ISLNK(os.lstat("/dev/stdout").st_mode)


def test_output_to_dev_stdout_redirected_to_a_file(journal: Path, tmp_path: Path) -> None:
    expected = ff("export", "--data-dir", str(journal)).stdout
    result = sh(
        f"echo first > out.md; ff export --data-dir {shlex.quote(str(journal))} -o /dev/stdout >> out.md", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    written = (tmp_path / "out.md").read_text()
    assert written.startswith("first\n---\n")  # appended, as the shell asked
    assert same_export(written.removeprefix("first\n"), expected)


def test_backup_dash_is_standard_output(journal: Path, tmp_path: Path) -> None:
    result = sh(f"ff backup -o - --data-dir {shlex.quote(str(journal))} > copy.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "copy.json").read_bytes() == (journal / DB_FILE).read_bytes()
    assert not (tmp_path / "-").exists()
    assert result.stdout == ""


def test_export_through_a_symlink_into_a_vault(journal: Path, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    note = vault / "failforward.md"
    note.write_text("old")
    note.chmod(0o644)
    link = tmp_path / "journal.md"
    link.symlink_to(note)
    result = ff("export", "-o", str(link), "--data-dir", str(journal), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"exported 2 setbacks (Markdown) to {link}\n"
    assert link.is_symlink()
    assert same_export(note.read_text(), ff("export", "--data-dir", str(journal)).stdout)
    assert stat.S_IMODE(note.stat().st_mode) == 0o644


def test_export_refuses_the_journal_through_a_symlink(journal: Path, tmp_path: Path) -> None:
    link = tmp_path / "sneaky.md"
    link.symlink_to(journal / DB_FILE)
    before = (journal / DB_FILE).read_bytes()
    for command in ("export", "backup"):
        result = ff(command, "-o", str(link), "--data-dir", str(journal), cwd=tmp_path)
        one_line_error(result, 2, "refusing to write over the journal itself")
    assert (journal / DB_FILE).read_bytes() == before


def test_python_dash_m_ends_quietly_on_a_broken_pipe_too(big_journal: Path, tmp_path: Path) -> None:
    python = FAILFORWARD.with_name("python")
    result = sh(
        f"{python} -m tui export --content {shlex.quote(str(FIXTURE_CHAPTERS))} "
        f'--data-dir {shlex.quote(str(big_journal))} | head -c 10 >/dev/null; echo "status=${{PIPESTATUS[0]}}"',
        cwd=tmp_path,
    )
    assert result.stderr == ""
    assert result.stdout.strip() == "status=141"


# -- completion and the manual page --------------------------------------------------


def complete_in_bash(words: list[str], tmp_path: Path) -> list[str]:
    """What bash's tab offers after ``words`` (the last one is being typed), with the generated script loaded."""
    script = tmp_path / "failforward.bash"
    assert ff("completion", "bash", "-o", str(script)).returncode == 0
    array = " ".join(shlex.quote(w) for w in words)
    result = sh(
        f"source {shlex.quote(str(script))}\n"
        f"COMP_WORDS=({array}); COMP_CWORD={len(words) - 1}\n"
        f"_shtab_failforward failforward {shlex.quote(words[-1])} {shlex.quote(words[-2])}\n"
        'printf "%s\\n" "${COMPREPLY[@]}"',
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_bash_completion_knows_the_commands_and_their_options(tmp_path: Path) -> None:
    assert complete_in_bash(["failforward", "ac"], tmp_path) == ["actions"]
    assert set(complete_in_bash(["failforward", ""], tmp_path)) >= {
        "export", "import", "backup", "list", "actions", "check-content", "completion", "man",
    }  # fmt: skip
    assert {"--due", "--json", "--ics", "--output"} <= set(complete_in_bash(["failforward", "actions", "--"], tmp_path))
    assert complete_in_bash(["failforward", "completion", ""], tmp_path) == ["bash", "zsh", "fish"]
    assert complete_in_bash(["failforward", "export", "--format", ""], tmp_path)[:2] == ["md", "json"]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_completion_name_every_command(shell: str) -> None:
    result = ff("completion", shell)
    assert result.returncode == 0, result.stderr
    for command in ("export", "import", "backup", "list", "actions", "check-content", "completion", "man"):
        assert command in result.stdout
    option = {"zsh": "--{}", "fish": "-l {}"}[shell]
    assert option.format("due") in result.stdout and option.format("ics") in result.stdout
    checker = {"zsh": ["zsh", "-n"], "fish": ["fish", "--no-execute"]}[shell]
    if shutil.which(checker[0]):
        check = subprocess.run([*checker], input=result.stdout, capture_output=True, text=True, timeout=60)
        assert check.returncode == 0, check.stderr


def test_man_page_is_roff_with_every_command_and_the_exit_codes(tmp_path: Path) -> None:
    result = ff("man")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('.TH FAILFORWARD "1"')
    if not shutil.which("groff"):
        pytest.skip("groff is not installed")
    page = subprocess.run(
        ["groff", "-man", "-Tutf8", "-P-c", "-rLL=100n"], input=result.stdout, capture_output=True, text=True
    ).stdout
    assert "failforward - a terminal workbook" in page
    for command in ("export", "import", "backup", "list", "actions", "check-content", "completion", "man"):
        assert f"failforward {command}" in page
    assert "141" in page and "FAILFORWARD_DATA_DIR" in page
