"""The installed app with the tools around it, in tmux: $VISUAL through ctrl+e, and NO_COLOR."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui.store import Store

from ..conftest import FIXTURE_CHAPTERS
from .conftest import Tmux, app_command, open_first_chapter, wait_until

SGR = re.compile(r"\x1b\[([0-9;:]*)m")
# The greys of the 256-colour palette: the grey ramp, the cube's diagonal, and the basic black, greys and white.
GREY_256 = {*range(232, 256), 16, 59, 102, 145, 188, 231, 0, 7, 8, 15}
GREY_16 = {30, 37, 90, 97, 40, 47, 100, 107}

EDITOR = """#!/bin/sh
for file; do :; done  # the file is the last argument
printf 'SCRIPTED EDITOR: mode %s, in %s\\n' "$(stat -c %a "$file")" "$(basename "$(dirname "$file")")"
printf 'type a line: '
read -r line
printf '\\n%s\\n' "$line" >> "$file"
"""


def test_ctrl_e_hands_the_terminal_to_the_editor_and_takes_the_text_back(tmux: Tmux, tmp_path: Path) -> None:
    editor = tmp_path / "editor.sh"
    editor.write_text(EDITOR)
    editor.chmod(0o755)
    data = tmp_path / "journal"
    command = app_command(
        data, FIXTURE_CHAPTERS, "xterm-256color", config_dir=tmp_path / "config", extra_env={"VISUAL": str(editor)}
    )
    tmux.start(command, 80, 24)
    open_first_chapter(tmux, "Passed over")
    tmux.type("Typed in the app")
    tmux.wait_for("Typed in the app")
    tmux.wait_for_footer("^e")  # the key is shown while the text area has the focus
    tmux.keys("C-e")
    screen = tmux.wait_for("SCRIPTED EDITOR: mode 600", "type a line:")
    assert f"in {data.name}" in screen  # the text went to the journal's private folder, nowhere else
    assert "Passed over" not in screen  # the app gave the whole terminal away
    tmux.type("and this from the editor\n")
    tmux.wait_for("Typed in the app", "and this from the editor", "back from the editor")
    wait_until(lambda: not [p for p in data.iterdir() if p.name.startswith(".edit-")], 5, "the editor's file is left")
    tmux.keys("C-q")
    assert tmux.wait_exit() == 0, tmux.screen()
    with Store(data) as store:
        drafts = store.all("drafts")
    assert [d["answers"]["what"] for d in drafts] == ["Typed in the app\nand this from the editor"]


@pytest.mark.parametrize("term", ["xterm-256color", "xterm"])
def test_no_color_sends_greys_only_as_the_readme_says(tmux: Tmux, tmp_path: Path, term: str) -> None:
    """README: with NO_COLOR set the screen is drawn in shades of grey, no hues (Textual's monochrome filter)."""
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert "| `NO_COLOR` set (any value) | shades of grey only" in readme
    command = app_command(
        tmp_path / "journal", FIXTURE_CHAPTERS, term, config_dir=tmp_path / "config", extra_env={"NO_COLOR": "1"}
    )
    tmux.start(command, 80, 24)
    open_first_chapter(tmux, "Passed over")
    colours = []
    for params in SGR.findall(tmux.screen(colours=True)):
        numbers = [int(n) for n in re.split(r"[;:]", params) if n]
        i = 0
        while i < len(numbers):
            n = numbers[i]
            if n in (38, 48) and i + 1 < len(numbers) and numbers[i + 1] == 5:
                colours.append(("256", numbers[i + 2]))
                i += 3
            elif n in (38, 48) and i + 1 < len(numbers) and numbers[i + 1] == 2:
                colours.append(("rgb", tuple(numbers[i + 2 : i + 5])))
                i += 5
            else:
                if 30 <= n <= 37 or 40 <= n <= 47 or 90 <= n <= 97 or 100 <= n <= 107:
                    colours.append(("16", n))
                i += 1
    assert colours, "some shades are expected (focus and highlights need contrast)"
    hues = [
        c
        for c in colours
        if (c[0] == "256" and c[1] not in GREY_256)
        or (c[0] == "16" and c[1] not in GREY_16)
        or (c[0] == "rgb" and len(set(c[1])) != 1)
    ]
    assert not hues, f"NO_COLOR=1 yet the app sent colours: {hues[:10]}"
    if term == "xterm":
        assert all(kind == "16" for kind, _ in colours)
