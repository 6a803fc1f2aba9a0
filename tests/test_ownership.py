"""failforward stops with one line when its import packages are not its own (tui.ownership).

Each test lays out a site-packages folder as an installer leaves it: the
packages' files, and for each distribution a ``.dist-info`` folder whose
RECORD lists its files with their SHA-256 and size. The wheel test
(tests/test_wheel.py) does the same with pip and real wheels.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.cli import EXIT_BROKEN
from tui.ownership import ADVICE, installation_problem

from .conftest import ROOT, run_main

OURS = {
    "tui/__init__.py": b'__version__ = "0.1.0"\n',
    "tui/cli/__init__.py": b"def main(): ...\n",
    "tui/chapters/00-start.md": b"---\nid: start\n---\n",
    "screens/__init__.py": b'"""The screens of failforward."""\n',
    "screens/home.py": b"class HomeScreen: ...\n",
}
THEIRS = {"screens/__init__.py": b"", "screens/home.py": b"class Home: ...\n"}


def record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def install(site: Path, name: str, files: dict[str, bytes]) -> None:
    """What pip leaves for a wheel: the files (over any already there), a .dist-info with METADATA and RECORD."""
    meta = site / f"{name}-1.0.dist-info"
    meta.mkdir(parents=True)
    (meta / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n\n")
    lines = []
    for path, data in files.items():
        target = site / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        lines.append(record_line(path, data))
        if path.endswith(".py"):  # byte code compiled at install time: listed without a hash
            lines.append(f"{Path(path).parent}/__pycache__/{Path(path).stem}.cpython-311.pyc,,")
    lines += [f"{meta.name}/METADATA,,", f"{meta.name}/RECORD,,"]
    (meta / "RECORD").write_text("\n".join(lines) + "\n")


def beside(site: Path) -> Callable[[str], Path | None]:
    """Where the import system would find a package: in ``site``, as when nothing shadows it."""
    return lambda name: site / name if (site / name).is_dir() else None


def said(other: str, name: str) -> str:
    return f"failforward: another installed package ({other}) also provides '{name}': {ADVICE}"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "site-packages"
    install(site, "failforward", OURS)
    install(site, "textual", {"textual/__init__.py": b"", "textual/screen.py": b"class Screen: ...\n"})
    return site


def test_failforward_alone_in_its_environment_starts(site: Path) -> None:
    assert installation_problem(site, beside(site)) is None


def test_the_source_checkout_passes_the_check() -> None:
    """Run from the checkout (or an editable install), no installer wrote into these folders."""
    assert installation_problem() is None
    assert installation_problem(ROOT) is None


def test_a_package_that_wrote_over_our_file_is_named(site: Path) -> None:
    install(site, "screenkit", THEIRS)  # pip writes over screens/home.py without a word
    assert installation_problem(site, beside(site)) == said("screenkit", "screens")


def test_a_package_sharing_our_folder_is_named_even_when_our_files_won(tmp_path: Path) -> None:
    """Installed first, its files were written over by ours: failforward works, until it is uninstalled."""
    fresh = tmp_path / "fresh"
    install(fresh, "screenkit", THEIRS)
    install(fresh, "failforward", OURS)
    assert (fresh / "screens/home.py").read_bytes() == OURS["screens/home.py"]
    assert installation_problem(fresh, beside(fresh)) == said("screenkit", "screens")


def test_a_package_that_only_adds_a_module_to_tui_is_named(site: Path) -> None:
    install(site, "tui_extras", {"tui/extras.py": b"X = 1\n"})
    assert installation_problem(site, beside(site)) == said("tui_extras", "tui")


def test_a_legacy_egg_info_naming_our_package_is_named(site: Path) -> None:
    egg = site / "oldscreens-0.1-py3.11.egg-info"
    egg.mkdir()
    (egg / "PKG-INFO").write_text("Metadata-Version: 1.1\nName: oldscreens\nVersion: 0.1\n\n")
    (egg / "top_level.txt").write_text("screens\n")
    assert installation_problem(site, beside(site)) == said("oldscreens", "screens")


def test_a_file_deleted_with_another_package_is_named_missing(site: Path) -> None:
    (site / "screens/home.py").unlink()  # what uninstalling a package that also listed it does
    assert installation_problem(site, beside(site)) == (
        f"failforward: its file screens/home.py is missing (removed with another package?): {ADVICE}"
    )


def test_a_file_changed_since_it_was_installed_is_named(site: Path) -> None:
    (site / "tui/cli/__init__.py").write_bytes(b"def main(): return 0\n")  # same size or not, the hash differs
    assert installation_problem(site, beside(site)) == (
        f"failforward: its file tui/cli/__init__.py was changed after it was installed: {ADVICE}"
    )
    (site / "tui/cli/__init__.py").write_bytes(b"def main(): ..!\n")  # the same size
    assert "tui/cli/__init__.py was changed" in str(installation_problem(site, beside(site)))


def test_a_package_earlier_on_the_path_that_shadows_screens_is_named(site: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-site"
    install(other, "screenkit", THEIRS)
    assert installation_problem(site, lambda name: other / name) == said("screenkit", "screens")
    stray = tmp_path / "stray" / "screens"
    stray.mkdir(parents=True)  # a folder on the path that no distribution owns (PYTHONPATH, the current folder)
    assert installation_problem(site, lambda name: stray) == said(str(stray), "screens")


def test_screens_missing_altogether_is_one_line(site: Path) -> None:
    assert installation_problem(site, lambda name: None) == f"failforward: its package 'screens' is missing: {ADVICE}"


def test_every_problem_is_one_line_that_says_what_to_do(site: Path) -> None:
    install(site, "screen_kit", THEIRS)
    line = installation_problem(site, beside(site))
    assert line is not None and "\n" not in line
    assert line.startswith("failforward: ") and line.endswith("pipx install .")
    assert "(screen_kit)" in line  # as the package's own metadata spells its name


def test_the_command_line_stops_with_the_line_and_exit_code_4(monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.cli

    line = said("screenkit", "screens")
    monkeypatch.setattr(tui.cli, "_installation_problem", lambda: line)
    for argv in (["--version"], ["check-content"], ["list"], []):
        result = run_main(argv)
        assert result.returncode == EXIT_BROKEN == 5
        assert result.stderr == line + "\n"
        assert result.stdout == ""
