"""Two machines, one journal, kept in step by real git with failforward's merge driver, as the README sets it up.

A bare repository stands for the server; two clones are the data folders of
two machines (each with its own state folder, so its own device id). Both
add a setback between two syncs (each calls it 2), answer different
chapters, and change the same answer differently. After `git pull` the
merge driver has merged the journal, and the app shows everything: both
setbacks, both chapters, and the answer changed on both machines with the
other version beside it, which one button puts in place.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from textual.widgets import Button, OptionList, Static, TextArea

from screens.chapter import ChapterScreen
from screens.home import HomeScreen
from screens.widgets.conflicts import ConflictPanel
from tui.app import make_app
from tui.content import Chapter
from tui.workbook import Workbook

from .conftest import FIXTURE_CHAPTERS, fixed_clock

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

FAILFORWARD = Path(sys.executable).with_name("failforward")
IGNORED = ["journal.log", ".journal-*.tmp", "backups/", "conflicts-merged/", "*.damaged-*", ".failforward-rekey/"]


def git(folder: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Sam",
        "GIT_AUTHOR_EMAIL": "sam@example.org",
        "GIT_COMMITTER_NAME": "Sam",
        "GIT_COMMITTER_EMAIL": "sam@example.org",
    }
    done = subprocess.run(["git", *args], cwd=folder, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout + done.stderr


def clone(remote: Path, folder: Path) -> None:
    git(remote.parent, "clone", "--quiet", str(remote), str(folder))
    # The two lines each clone keeps in its own config (README, "With git").
    git(folder, "config", "merge.failforward.name", "failforward journal merge")
    git(folder, "config", "merge.failforward.driver", f"{FAILFORWARD} merge %O %A %B")
    git(folder, "config", "pull.rebase", "false")


def on_machine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str) -> None:
    """This machine's own state folder (its lock and its device id), never in the data folder."""
    monkeypatch.setenv("FAILFORWARD_STATE_DIR", str(tmp_path / f"state-{name}"))


def commit_all(folder: Path, message: str) -> None:
    git(folder, "add", "-A")
    git(folder, "commit", "--quiet", "-m", message)


async def test_two_clones_pulled_with_the_merge_driver_keep_everything_and_the_app_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, test_chapters: list[Chapter]
) -> None:
    remote, laptop, devbox = tmp_path / "journal.git", tmp_path / "laptop", tmp_path / "devbox"
    git(tmp_path, "init", "--quiet", "--bare", str(remote))
    clone(remote, laptop)
    on_machine(monkeypatch, tmp_path, "laptop")
    wb = Workbook.open(laptop, test_chapters, fixed_clock)
    first = wb.add_setback("Laid off from Acme", "layoff")
    wb.save_reflection(first.id, "first", {"what": "the shared words", "headline": "Reorg"})
    wb.close()
    (laptop / ".gitattributes").write_text("journal.json merge=failforward\n")
    (laptop / ".gitignore").write_text("\n".join(IGNORED) + "\n")
    commit_all(laptop, "journal")
    git(laptop, "push", "--quiet", "origin", "HEAD")

    clone(remote, devbox)
    on_machine(monkeypatch, tmp_path, "devbox")
    wb = Workbook.open(devbox, test_chapters, fixed_clock)
    wb.save_reflection(first.id, "first", {"what": "the devbox words", "headline": "Reorg"})
    wb.save_reflection(first.id, "second", {"tags": ["b"]})
    theirs = wb.add_setback("Talk turned down", "rejection")
    wb.close()
    commit_all(devbox, "devbox")
    git(devbox, "push", "--quiet", "origin", "HEAD")

    on_machine(monkeypatch, tmp_path, "laptop")
    wb = Workbook.open(laptop, test_chapters, fixed_clock)
    wb.save_reflection(first.id, "first", {"what": "the laptop words", "headline": "Reorg, then layoff"})
    ours = wb.add_setback("Grant not renewed", "project")
    wb.close()
    assert ours.id == theirs.id == 2  # each copy numbered its new setback 2
    commit_all(laptop, "laptop")
    pulled = git(laptop, "pull", "--no-edit", "origin", "HEAD")
    assert "merged into" in pulled and "1 answer changed on both sides" in pulled
    assert git(laptop, "status", "--porcelain") == ""  # a clean merge, committed
    raw = (laptop / "journal.json").read_bytes()
    assert b"<<<<<<<" not in raw and raw.endswith(b"\n")
    data = orjson.loads(raw)
    titles = sorted(doc["title"] for doc in data["setbacks"].values())
    assert titles == ["Grant not renewed", "Laid off from Acme", "Talk turned down"]

    app = make_app(data_dir=laptop, content_dir=FIXTURE_CHAPTERS, clock=fixed_clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        status = str(home.query_one("#home-status", Static).render())
        assert "Changed on two machines, both versions kept: 1 answer (chapters marked !)" in status
        setbacks = home.query_one("#setbacks", OptionList)
        shown = [str(setbacks.get_option_at_index(i).prompt) for i in range(setbacks.option_count)]
        assert sum(title in " ".join(shown) for title in titles) == 3
        wb = app.workbook
        assert wb.reflection(first.id, "second") is not None  # the devbox's chapter
        assert wb.reflection(first.id, "first").answers["headline"] == "Reorg, then layoff"  # type: ignore[union-attr]
        home.query_one("#setbacks", OptionList).highlighted = [s.id for s in wb.setbacks()].index(first.id)
        await pilot.pause()
        chapters = home.query_one("#chapters", OptionList)
        assert str(chapters.get_option_at_index(0).prompt).startswith("[~]!")
        app.open_chapter(first.id, "first")
        await pilot.pause()
        chapter = app.screen
        assert isinstance(chapter, ChapterScreen)
        panel = chapter.query_one("#conflicts", ConflictPanel)
        text = " ".join(str(s.render()) for s in panel.query(Static))
        assert "the devbox words" in text and "What happened?" in text
        assert chapter.query_one("#field-what", TextArea).text == "the laptop words"
        (use_other,) = [b for b in panel.query(Button) if (b.id or "").startswith("other-")]
        use_other.press()
        await pilot.pause()
        assert chapter.query_one("#field-what", TextArea).text == "the devbox words"
        assert not chapter.query("#conflicts")
        assert wb.conflicts() == []
        assert wb.reflection(first.id, "first").answers["what"] == "the devbox words"  # type: ignore[union-attr]
        await pilot.press("escape")
        await pilot.press("ctrl+q")

    data = orjson.loads((laptop / "journal.json").read_bytes())
    assert data["conflicts"] == {}
    assert [r["answers"]["what"] for r in data["reflections"].values() if r["chapter_id"] == "first"] == [
        "the devbox words"
    ]
