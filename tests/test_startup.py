"""The first screen needs only what it shows: what it does not use is imported later.

A fresh Python loads the shipped chapters, opens a plain journal and shows the
home screen, then lists which of the modules kept out of the start it has
imported. Importing one of them at start again (a module-level import in the
store, the chapter loader or a screen the home screen imports) costs every
start a few milliseconds and fails here.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT, run_main

pytestmark = pytest.mark.slow  # a Python process of its own

# Needed later, if at all: when a journal is encrypted (argon2, cryptography), when a
# chapter's guide is shown (markdown-it and its plugins), when a text area is made, when a
# section is opened (the footer asks whether its key applies as the first screen is drawn).
LATER = [
    "argon2",
    "cryptography",
    "markdown_it",
    "mdit_py_plugins",
    "linkify_it",
    "textual.widgets._text_area",
    "screens.journal",
    "screens.search",
    "screens.progress",
    "screens.chapter",
]

SCRIPT = """
import json, sys
from screens.home import HomeScreen
from tui.app import make_app

app = make_app(data_dir=sys.argv[1], remember_theme=False)

async def show_home(pilot):
    await pilot.app.workers.wait_for_complete()
    while not isinstance(pilot.app.screen, HomeScreen):
        await pilot.pause()
    await pilot.pause()  # the first frame of the home screen, and what runs just after it
    modules = sorted(name for name in json.loads(sys.argv[2]) if name in sys.modules)
    pilot.app.exit(json.dumps(modules))

app.run(headless=True, size=(80, 24), auto_pilot=show_home)
print(app.return_value)
"""


def in_fresh_python(script: str, journal: Path, names: list[str]) -> Any:
    """Run ``script`` on ``journal`` with ``names`` (JSON) in a fresh interpreter: the JSON of its last line."""
    out = subprocess.run(
        [sys.executable, "-c", script, str(journal), json.dumps(names)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def loaded_by_home(script: str, tmp_path: Path) -> list[str]:
    """Run ``script`` (SCRIPT or a variant) in a fresh interpreter: what it reports once the home screen shows."""
    reported: list[str] = in_fresh_python(script, tmp_path / "journal", LATER)
    return reported


def test_the_home_screen_shows_without_the_modules_it_does_not_use(tmp_path: Path) -> None:
    assert loaded_by_home(SCRIPT, tmp_path) == []


def test_the_check_sees_a_module_that_was_imported(tmp_path: Path) -> None:
    """The script above would pass vacuously if it never reached the home screen or misread sys.modules."""
    probe = SCRIPT.replace("from tui.app import make_app", "from tui.app import make_app\nimport argon2")
    assert loaded_by_home(probe, tmp_path) == ["argon2"]


# A start drawn from home's glance (tui/opening.py, Glimpse) loads the chapters and reads the journal just
# after its first frame: until then it needs the lock, the glance and the home screen, not the modules of
# the journal or of the chapter loader, nor the rules of dialogs and form fields (tui/forms.tcss).
JOURNAL = [
    "tinydb",
    "tui.workbook",
    "tui.records",
    "tui.route",
    "tui.store.journal",
    "tui.store.sync",
    "tui.content",
    "tui.content.model",
]

GLANCED = """
import json, sys
from textual.app import App
from tui.app import FORMS_CSS, make_app

wanted = json.loads(sys.argv[2])
at_first_frame = []
original = App._display

def display(self, screen, renderable):
    original(self, screen, renderable)
    if not at_first_frame:
        at_first_frame.append(sorted(name for name in wanted if name in sys.modules))
        if self.stylesheet.has_source(str(FORMS_CSS)):
            at_first_frame[0].append("tui/forms.tcss")

App._display = display
app = make_app(data_dir=sys.argv[1], remember_theme=False, glimpse=True)
assert app.glimpse is not None, "no glance: the journal was not left as the test left it"

async def until_open(pilot):
    while not pilot.app.journal_open:
        await pilot.pause()
    after = sorted(name for name in wanted if name in sys.modules)
    pilot.app.exit(json.dumps({"first frame": at_first_frame[0], "open": after}))

app.run(headless=True, size=(80, 24), auto_pilot=until_open)
print(app.return_value)
"""


def test_a_start_drawn_from_the_glance_reads_the_journal_modules_after_its_first_frame(tmp_path: Path) -> None:
    from tui.content import load_checked
    from tui.locations import content_folders
    from tui.overview import close_keeping_glance
    from tui.workbook import Workbook

    folder = tmp_path / "journal"
    loaded = load_checked(content_folders(None))
    workbook = Workbook.open(folder, loaded.chapters)
    workbook.add_setback("Laid off")
    close_keeping_glance(workbook, loaded.digest)  # as a session ends: the next start draws home from the glance
    seen = in_fresh_python(GLANCED, folder, JOURNAL)
    assert seen["first frame"] == []
    assert seen["open"] == sorted(JOURNAL), "the journal was opened with them once the first frame was drawn"


def test_the_garbage_collector_is_back_on_after_the_first_frame(tmp_path: Path) -> None:
    """The command line turns it off for the start (tui/cli/run.py); the app turns it on once it has drawn."""
    probe = SCRIPT.replace("import json, sys", "import gc, json, sys\ngc.disable()").replace(
        "modules = sorted(", "modules = [] if gc.isenabled() else ['the collector is off']\n    modules += sorted("
    )
    assert loaded_by_home(probe, tmp_path) == []


def test_the_command_line_leaves_the_collector_on_when_it_stops_before_the_app(tmp_path: Path) -> None:
    assert gc.isenabled()
    result = run_main(["--content", str(tmp_path / "nope")])
    assert result.returncode == 2 and "no such folder" in result.stderr
    assert gc.isenabled()


def test_every_name_the_store_offers_is_found_in_the_module_it_names() -> None:
    """tui.store imports its names when first used: its list of names and where they live must agree."""
    import importlib

    import tui.store

    homes = tui.store._HOMES
    assert set(homes) == set(tui.store.__all__)
    for name, module in homes.items():
        assert hasattr(importlib.import_module(module), name), f"{module} has no {name}"
    assert set(dir(tui.store)) >= set(homes)
