"""``failforward merge BASE OURS THEIRS``: in-process, then as git's merge driver in a real repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from tui.content import Chapter
from tui.store import Store
from tui.workbook import Workbook

from .conftest import fixed_clock, run_main

FAILFORWARD = Path(sys.executable).with_name("failforward")


def journal_file(path: Path, data: dict[str, Any]) -> Path:
    path.write_bytes(orjson.dumps(data))
    return path


def three(tmp_path: Path) -> tuple[Path, Path, Path]:
    base = {
        "meta": {"1": {"schema": 1}},
        "setbacks": {"1": {"title": "Laid off"}},
        "reflections": {"1": {"setback_id": 1, "chapter_id": "first", "answers": {"what": "base", "headline": "h"}}},
        "_base": {"1": {"token": "abc123"}},  # journal.json's own entry: not a table, never merged
    }
    ours = orjson.loads(orjson.dumps(base))
    ours["reflections"]["1"]["answers"]["what"] = "ours"
    theirs = orjson.loads(orjson.dumps(base))
    theirs["reflections"]["1"]["answers"]["what"] = "theirs"
    theirs["reflections"]["1"]["answers"]["headline"] = "their headline"
    theirs["checkins"] = {"1": {"setback_id": 1, "rating": 3, "at": "2026-03-14T09:00:00"}}
    return (
        journal_file(tmp_path / "base.json", base),
        journal_file(tmp_path / "ours.json", ours),
        journal_file(tmp_path / "theirs.json", theirs),
    )


def test_merge_writes_both_sides_into_ours_and_says_so_in_one_line(tmp_path: Path) -> None:
    base, ours, theirs = three(tmp_path)
    result = run_main(["merge", str(base), str(ours), str(theirs)])
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"failforward: merged into {ours}: 1 reflection changed, 1 check-in added; ")
    assert "1 answer changed on both sides: both versions kept" in result.stderr
    merged = orjson.loads(ours.read_bytes())
    assert merged["reflections"]["1"]["answers"] == {"what": "ours", "headline": "their headline"}
    (note,) = merged["conflicts"].values()
    assert (note["answer_field"], note["ours"], note["theirs"]) == ("what", "ours", "theirs")
    assert "_base" not in merged
    assert oct(ours.stat().st_mode & 0o777) == "0o600"
    with Store(None, data=merged) as store:  # today's storage reads the result, notes included
        assert len(store.all("conflicts")) == 1


def test_an_empty_base_is_an_empty_journal(tmp_path: Path) -> None:
    base, ours, theirs = three(tmp_path)
    base.write_bytes(b"")  # git's base when both sides added the file
    assert run_main(["merge", str(base), str(ours), str(theirs)]).returncode == 0
    merged = orjson.loads(ours.read_bytes())
    assert merged["checkins"] and merged["reflections"]["1"]["answers"]["what"] == "ours"


@pytest.mark.parametrize("broken", ["missing", "empty ours", "not json", "not a journal"])
def test_unreadable_input_exits_1_and_leaves_ours_as_it_was(tmp_path: Path, broken: str) -> None:
    base, ours, theirs = three(tmp_path)
    if broken == "missing":
        theirs.unlink()
    elif broken == "empty ours":
        ours.write_bytes(b"")  # damage, not "everything deleted"
    elif broken == "not json":
        theirs.write_bytes(b'{"setbacks": {"1": ')
    else:
        theirs.write_bytes(b"[1, 2]")
    before = ours.read_bytes()
    result = run_main(["merge", str(base), str(ours), str(theirs)])
    assert result.returncode == 1
    assert result.stderr.startswith("failforward: ") and result.stderr.count("\n") == 1
    assert "nothing was merged" in result.stderr and "Traceback" not in result.stderr
    assert ours.read_bytes() == before


def test_a_journal_from_a_newer_failforward_exits_3(tmp_path: Path) -> None:
    base, ours, theirs = three(tmp_path)
    data = orjson.loads(theirs.read_bytes())
    data["meta"]["1"]["schema"] = 99
    journal_file(theirs, data)
    before = ours.read_bytes()
    result = run_main(["merge", str(base), str(ours), str(theirs)])
    assert result.returncode == 3
    assert "newer failforward" in result.stderr
    assert ours.read_bytes() == before


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    result = run_main(["merge", "only-one-file"])
    assert result.returncode == 2
    assert "failforward merge --help" in result.stderr


# -- through git ------------------------------------------------------------------------


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,  # only this repository's own config
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Me",
        "GIT_AUTHOR_EMAIL": "me@example.org",
        "GIT_COMMITTER_NAME": "Me",
        "GIT_COMMITTER_EMAIL": "me@example.org",
    }
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout + done.stderr


def clone(tmp_path: Path, remote: Path, name: str) -> Path:
    git(tmp_path, "clone", "-q", str(remote), name)
    folder = tmp_path / name
    git(folder, "config", "merge.failforward.name", "failforward journal merge")
    git(folder, "config", "merge.failforward.driver", f"{FAILFORWARD} merge %O %A %B")
    git(folder, "config", "pull.rebase", "false")
    return folder


def edit(folder: Path, chapters: list[Chapter], chapter: str, answers: dict[str, Any]) -> None:
    wb = Workbook(Store(folder), chapters, fixed_clock)
    (setback,) = wb.setbacks()
    wb.save_reflection(setback.id, chapter, answers)
    wb.close()


@pytest.mark.slow
def test_git_merges_two_machines_with_the_driver(tmp_path: Path, test_chapters: list[Chapter]) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if not FAILFORWARD.exists():
        pytest.fail(f"the installed console script is missing: {FAILFORWARD} (pip install -e .)")
    remote = tmp_path / "journal.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    laptop = clone(tmp_path, remote, "laptop")
    git(laptop, "checkout", "-q", "-b", "main")
    (laptop / ".gitattributes").write_text("journal.json merge=failforward\n")
    (laptop / ".gitignore").write_text(
        "journal.log\n.journal-*.tmp\nbackups/\nconflicts-merged/\n*.damaged-*\njournal.lock\njournal.lock.owner\n"
    )
    wb = Workbook(Store(laptop), test_chapters, fixed_clock)
    setback = wb.add_setback("Laid off from Acme", "layoff")
    wb.save_reflection(setback.id, "first", {"what": "shared words", "headline": "Reorg"})
    wb.save_reflection(setback.id, "second", {"tags": ["a"]})
    wb.close()
    git(laptop, "add", "-A")
    git(laptop, "commit", "-q", "-m", "journal")
    git(laptop, "push", "-q", "origin", "main")
    devbox = clone(tmp_path, remote, "devbox")

    # Each machine answers a different chapter, and both rewrite the same answer.
    edit(devbox, test_chapters, "first", {"what": "devbox words", "headline": "Reorg, then layoff"})
    git(devbox, "commit", "-q", "-am", "devbox")
    git(devbox, "push", "-q", "origin", "main")
    edit(laptop, test_chapters, "first", {"what": "laptop words"})
    edit(laptop, test_chapters, "second", {"tags": ["a", "c"]})
    git(laptop, "commit", "-q", "-am", "laptop")
    git(laptop, "pull", "-q", "origin", "main")  # the merge driver runs: a clean merge, no conflict markers
    assert git(laptop, "status", "--porcelain") == ""
    assert len(git(laptop, "log", "-1", "--format=%P").split()) == 2  # a merge commit

    git(laptop, "push", "-q", "origin", "main")
    git(devbox, "pull", "-q", "origin", "main")
    for folder in (laptop, devbox):
        wb = Workbook(Store(folder), test_chapters, fixed_clock)
        try:
            first = wb.reflection(setback.id, "first")
            second = wb.reflection(setback.id, "second")
            assert first is not None and second is not None
            assert first.answers == {"what": "laptop words", "headline": "Reorg, then layoff"}
            assert second.answers == {"tags": ["a", "c"]}
            notes = {(n["answer_field"], n["ours"], n["theirs"]) for n in wb.store.all("conflicts")}
            assert notes == {("what", "laptop words", "devbox words")}
        finally:
            wb.close()
