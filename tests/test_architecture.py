"""docs/ARCHITECTURE.md names only what exists: every path, every screen, widget and dialog module."""

from __future__ import annotations

import re

import pytest

from .conftest import ROOT

DOC = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
IN_THE_WHEEL_ONLY = {"tui/chapters/"}  # content/ as the wheel installs it


@pytest.mark.parametrize("path", sorted(set(re.findall(r"\b(?:tui|screens|tests)/[\w/.]*\w/?", DOC))))
def test_every_path_named_exists(path: str) -> None:
    assert path in IN_THE_WHEEL_ONLY or (ROOT / path).exists(), path


@pytest.mark.parametrize("folder", ["screens/", "screens/widgets/", "screens/dialogs/"])
def test_every_module_listed_for_a_screens_folder_exists(folder: str) -> None:
    """The picture's rows "screens/  home chapter ..., base (Host, WorkbookScreen)": each word a module."""
    row = re.search(rf"{re.escape(folder)}  (.*(?:\n  │ {{20,}}\S.*)*)", DOC)  # with the lines that go on under it
    assert row is not None, folder
    words = re.sub(r"\([^)]*\)", "", row.group(1).replace("│", " ")).replace(",", " ")
    listed = words.split()
    assert len(listed) >= 4, listed
    for name in listed:
        assert (ROOT / folder / f"{name}.py").exists(), f"{folder}{name}.py"
    modules = {p.stem for p in (ROOT / folder).glob("*.py") if p.stem != "__init__"}
    assert modules <= set(listed), f"not in the picture: {sorted(modules - set(listed))}"
