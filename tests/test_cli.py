"""The command line: versions, help, content checks, clear errors (in-process; ``python -m tui`` once)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui import __version__

from .conftest import FIXTURE_CHAPTERS, ROOT, run_main


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``failforward ARGS`` in this process."""
    return run_main(args, cwd=ROOT, env=env)


def run_module(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m tui ARGS`` as a real process."""
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.slow
def test_version() -> None:
    result = run_module("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"failforward {__version__}"


def test_help_lists_commands_and_exit_codes() -> None:
    result = run("--help")
    assert result.returncode == 0
    for text in ("check-content", "--data-dir", "--content", "exit codes", "FAILFORWARD_DATA_DIR"):
        assert text in result.stdout


def test_check_content_ok() -> None:
    result = run("check-content", str(FIXTURE_CHAPTERS))
    assert result.returncode == 0
    assert "2 chapters OK" in result.stdout


def bad_chapter(folder: Path, kind: str = "essay") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "01-bad.md"
    path.write_text(
        f"---\nid: bad\ntitle: Bad\norder: 1\nsummary: S\nfields:\n  - id: a\n    label: A\n    kind: {kind}\n---\n"
    )
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\nid: [\n---\n", "bad front matter"),
        (None, "field 'a': unknown kind 'essay'"),
        (
            "---\nid: bad\ntitle: B\norder: 1\nsummary: S\nfields:\n"
            "  - {id: a, label: A, kind: text}\n  - {id: a, label: B, kind: text}\n---\n",
            "field 'a': duplicate field id",
        ),
    ],
)
def test_check_content_rejects_a_malformed_chapter(tmp_path: Path, text: str | None, expected: str) -> None:
    path = bad_chapter(tmp_path)
    if text is not None:
        path.write_text(text)
    result = run("check-content", str(tmp_path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert str(path) in lines[0] and expected in lines[0]
    assert "Traceback" not in result.stderr


def test_app_start_rejects_a_malformed_chapter(tmp_path: Path) -> None:
    path = bad_chapter(tmp_path / "chapters")
    result = run("--data-dir", str(tmp_path / "data"), "--content", str(tmp_path / "chapters"))
    assert result.returncode == 2
    assert f"{path}: field 'a': unknown kind 'essay'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()  # nothing was opened


def test_a_users_bad_chapter_is_named_on_start(tmp_path: Path) -> None:
    config = tmp_path / "config"
    path = bad_chapter(config / "chapters")
    result = run("check-content", env={"FAILFORWARD_CONFIG_DIR": str(config)})
    assert result.returncode == 2
    assert str(path) in result.stderr


def test_missing_folder(tmp_path: Path) -> None:
    result = run("check-content", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "no such folder" in result.stderr


def test_unknown_option_is_a_usage_error() -> None:
    result = run("--frobnicate")
    assert result.returncode == 2
    assert "unrecognized arguments" in result.stderr


def test_frames_reach_the_terminal_without_waiting_for_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the app runs, its frame-writing thread may take over from the event loop within half a millisecond."""
    import tui.app
    from tui.cli import main
    from tui.cli.run import FRAME_WRITER_WAIT
    from tui.opening import Glimpse

    seen: list[float] = []

    class App:
        journal_open = False
        exit_note = open_failed = None
        return_code = 0

        def __init__(self, opened: object, content_key: str | None = None) -> None:
            self.opened = opened

        def run(self) -> None:
            seen.append(sys.getswitchinterval())
            if isinstance(self.opened, Glimpse):
                self.opened.release()

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(tui.app, "WorkbookApp", App)
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(sys, "stdout", Terminal())
    before = sys.getswitchinterval()
    assert main(["--data-dir", str(tmp_path / "journal")]) == 0
    assert seen == [FRAME_WRITER_WAIT] and before > FRAME_WRITER_WAIT
    assert sys.getswitchinterval() == before  # given back when the app ends


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--data-dir", "journal"],
        ["--data", "journal", "--content", "chapters", "--encrypt"],
        ["--passphrase-file", "pass"],
        ["--data-dir", "export"],  # a folder named as a command
        ["list", "--json"],
        ["--data-dir", "journal", "export", "-o", "out.md"],
    ],
)
def test_the_command_line_reads_the_same_with_or_without_every_commands_parser(argv: list[str]) -> None:
    from tui.cli.parser import build_parser, parse_command_line

    assert vars(parse_command_line(argv)) == vars(build_parser().parse_args(argv))


def test_starting_the_app_builds_no_commands_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command's parser costs about 2 ms of each start; the app's few options need none of it."""
    import tui.cli.parser as parser

    def refused() -> None:
        raise AssertionError("the whole parser was built")

    monkeypatch.setattr(parser, "build_parser", refused)
    args = parser.parse_command_line(["--data-dir", "journal", "--encrypt"])
    assert (args.command, args.data_dir, args.encrypt) == (None, "journal", True)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["exprt"], "invalid choice: 'exprt'"),
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["--data-dir"], "expected one argument"),
    ],
)
def test_a_mistake_on_the_command_line_is_said_by_the_whole_parser(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli.parser import parse_command_line

    with pytest.raises(SystemExit) as stopped:
        parse_command_line(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert said in err and "see 'failforward --help'" in err and err.count("\n") == 1


@pytest.mark.parametrize("argv", [["--help"], ["-h"], ["--data-dir", "journal", "-h"]])
def test_help_is_the_whole_parsers(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli.parser import parse_command_line

    with pytest.raises(SystemExit) as stopped:
        parse_command_line(argv)
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert "export" in out and "check-content" in out and "exit codes:" in out
