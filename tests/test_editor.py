"""ctrl+e in a text area: the answer through $VISUAL / $EDITOR and back, as a draft; the temp file private and gone.

An encrypted journal's temp file is in memory ($XDG_RUNTIME_DIR or /dev/shm), never in the data folder.

Headless, the app has no terminal to hand over, so the editor (a small
script here) runs directly; tests/e2e/test_tmux.py runs one in a real
terminal through Textual's suspend.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from textual.widgets import Footer, TextArea

from screens.chapter import ChapterScreen
from screens.help import HelpScreen
from screens.widgets.editor import NO_EDITOR, editor_command
from tui.app import make_app
from tui.workbook import Workbook

from .conftest import FIXTURE_CHAPTERS, fixed_clock
from .test_screens import app_on, seed, settle

SCRIPT = """#!/bin/sh
# A scripted editor: say where it was asked to edit and with what mode, then edit.
for file; do :; done  # the last argument is the file (options may come first)
printf '%s\\n%s\\n%s\\n' "$0" "$file" "$(stat -c %a "$file")" > "{log}"
printf ' and later, in my editor\\nsecond line\\n' >> "$file"
"""


def editor(tmp_path: Path, name: str = "fake-editor", body: str = SCRIPT) -> tuple[Path, Path]:
    log = tmp_path / f"{name}.log"
    script = tmp_path / name
    script.write_text(body.replace("{log}", str(log)))
    script.chmod(0o755)
    return script, log


async def open_answer(app, pilot) -> TextArea:  # type: ignore[no-untyped-def]
    app.open_chapter(1, "first")
    await settle(pilot)
    assert isinstance(app.screen, ChapterScreen)
    area = app.screen.query_one("#field-what", TextArea)
    area.focus()
    await pilot.pause()
    return area


def edit_files(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".edit-")]


async def test_ctrl_e_edits_the_answer_in_visual_and_keeps_it_as_a_draft(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(data_dir)
    visual, log = editor(tmp_path, "visual-editor")
    other, other_log = editor(tmp_path, "plain-editor")
    monkeypatch.setenv("VISUAL", f"{visual} --wait")  # options are allowed, as git allows them
    monkeypatch.setenv("EDITOR", str(other))
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        area = await open_answer(app, pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert area.text == "The whole platform team was cut and later, in my editor\nsecond line"
        assert app.focused is area
        assert any("back from the editor" in n.message for n in app._notifications)
        app.flush_drafts()
        draft = app.workbook.draft(1, "first")
        assert draft is not None and draft.answers["what"] == area.text  # the usual draft path has it
        saved = app.workbook.reflection(1, "first")
        assert saved is not None and saved.answers["what"] == "The whole platform team was cut"  # not saved yet
    _, edited, mode = log.read_text().splitlines()
    assert Path(edited).parent == data_dir  # in the journal's own private folder
    assert mode == "600"
    assert not Path(edited).exists()  # removed afterwards
    assert not other_log.exists()  # $VISUAL comes before $EDITOR
    assert edit_files(data_dir) == []


@pytest.mark.slow  # a Pilot run of a second or more: left out of make test-fast
@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, NO_EDITOR),
        ({"EDITOR": "/nonexistent/editor"}, "Could not start editor: No such file or directory"),
        ({"EDITOR": "false"}, "false ended with exit code 1: your text is unchanged."),
    ],
)
async def test_no_editor_or_a_failing_one_leaves_the_text_alone(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    seed(data_dir)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        area = await open_answer(app, pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert area.text == "The whole platform team was cut"
        assert any(n.message.startswith(message) for n in app._notifications), [n.message for n in app._notifications]
        assert app.workbook.draft(1, "first") is None
    assert edit_files(data_dir) == []


@pytest.mark.slow  # a Pilot run of a second or more: left out of make test-fast
async def test_the_temp_file_is_removed_even_when_the_editor_dies(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(data_dir)
    script, log = editor(tmp_path, body='#!/bin/sh\necho "$1" > "{log}"\nkill -9 $$\n')
    monkeypatch.setenv("VISUAL", str(script))
    app = app_on(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        area = await open_answer(app, pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert area.text == "The whole platform team was cut"
        assert any("ended with exit code -9" in n.message for n in app._notifications)
    assert not Path(log.read_text().strip()).exists()


@pytest.mark.slow  # a Pilot run of a second or more: left out of make test-fast
async def test_ctrl_e_is_in_the_footer_and_the_help(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed(data_dir)
    app = app_on(data_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_answer(app, pilot)
        footer = app.screen.query_one(Footer)
        keys = [(item.key_display, item.description) for item in footer.query("FooterKey")]  # type: ignore[attr-defined]
        assert ("^e", "Editor") in keys
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        assert any(k == "^e" and d.startswith("Editor") for k, d in app.screen.rows)


def test_an_in_memory_journal_edits_in_a_private_temporary_folder(test_chapters) -> None:  # type: ignore[no-untyped-def]
    wb = Workbook.in_memory(test_chapters, fixed_clock)
    path = wb.private_temp_path(".md")
    folder = path.parent
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    wb.close()
    assert not folder.exists()


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"VISUAL": "code --wait", "EDITOR": "vi"}, ["code", "--wait"]),
        ({"VISUAL": "  ", "EDITOR": "nano -R"}, ["nano", "-R"]),
        ({"EDITOR": "'/opt/my editor/bin/ed'"}, ["/opt/my editor/bin/ed"]),
        ({}, None),
    ],
)
def test_editor_command(env: dict[str, str], words: list[str] | None) -> None:
    assert editor_command(env) == words


def test_the_umask_does_not_widen_the_temp_file(data_dir: Path, test_chapters) -> None:  # type: ignore[no-untyped-def]
    from tui.store import Store

    old = os.umask(0)
    try:
        with Store(data_dir) as store:
            path = Workbook(store, test_chapters, fixed_clock).private_temp_path(".md")
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
            path.unlink()
    finally:
        os.umask(old)


@pytest.mark.slow  # a Pilot run of a second or more: left out of make test-fast
async def test_an_encrypted_journal_hands_its_text_to_the_editor_from_memory_never_the_data_folder(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.store import EncryptedCodec, Store

    from .conftest import FAST_KDF, TEST_PASSPHRASE

    seed(data_dir)
    with Store(data_dir) as store:
        Workbook(store, []).encrypt(TEST_PASSPHRASE, kdf=FAST_KDF)
    runtime = tmp_path / "run-user"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    visual, log = editor(tmp_path)
    monkeypatch.setenv("VISUAL", str(visual))
    app = make_app(data_dir=data_dir, content_dir=FIXTURE_CHAPTERS, clock=fixed_clock, remember_theme=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*TEST_PASSPHRASE, "enter")
        await settle(pilot)
        area = await open_answer(app, pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert area.text.endswith("second line")
        await pilot.press("ctrl+q")
    _, edited, mode = log.read_text().splitlines()
    assert Path(edited).parent == runtime and mode == "600"
    assert not Path(edited).exists()
    assert all(b"in my editor" not in p.read_bytes() for p in data_dir.rglob("*") if p.is_file())
    with Store(data_dir, passphrase=lambda: TEST_PASSPHRASE) as store:
        assert isinstance(store.codec, EncryptedCodec)
