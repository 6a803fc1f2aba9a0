"""The wheel: what it installs (its chapters, two import packages of its own), in a fresh venv, run from elsewhere.

The wheel installs the import packages ``tui`` and ``screens``; a second
wheel crafted here also ships ``screens/home.py``, as another project's
could, to show that failforward then stops with one line instead of a
traceback (tui.ownership), and starts again once it is reinstalled.
"""

from __future__ import annotations

import base64
import email
import email.message
import hashlib
import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tui import __version__

from .conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, freshly built from the checkout."""
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return next(dist.glob("failforward-*.whl"))


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """A temporary venv with the freshly built wheel installed; returns its bin folder."""
    work = tmp_path_factory.mktemp("wheel")
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=True)
    # The dependencies come from this test environment (no network needed); the
    # package itself only from the wheel.
    purelib = Path(sysconfig.get_paths()["purelib"])
    site = next((env_dir / "lib").glob("python*/site-packages"))
    (site / "_deps_from_test_env.pth").write_text(f"{purelib}\n")
    bin_dir = env_dir / "bin"
    subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return bin_dir


def run_installed(
    bin_dir: Path, *args: str, cwd: Path, program: str = "failforward"
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    return subprocess.run(
        [str(bin_dir / program), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return email.message_from_bytes(archive.read(name))


def test_wheel_carries_the_license_and_the_project_urls(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        licenses = [n for n in archive.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
        assert licenses, archive.namelist()
        assert archive.read(licenses[0]).decode().startswith("MIT License")
    meta = metadata(wheel)
    assert meta["License-Expression"] == "MIT"
    urls = dict(value.split(", ", 1) for value in meta.get_all("Project-URL") or [])
    assert set(urls) >= {"Homepage", "Documentation", "Changelog", "Issues"}
    assert all(url.startswith("https://") for url in urls.values())


def test_textual_is_pinned_compatibly_at_run_time_and_exactly_for_the_tests(wheel: Path) -> None:
    requires = metadata(wheel).get_all("Requires-Dist") or []
    assert "textual~=8.2" in requires  # beside other Textual apps in one environment
    assert "textual==8.2.8; extra == 'test'" in requires  # the snapshots' version


def test_installed_completion_and_man_page(installed: Path, tmp_path: Path) -> None:
    completion = run_installed(installed, "completion", "bash", cwd=tmp_path)
    assert completion.returncode == 0, completion.stderr
    assert "complete" in completion.stdout and "actions" in completion.stdout
    page = run_installed(installed, "man", cwd=tmp_path)
    assert page.returncode == 0, page.stderr
    assert page.stdout.startswith(".TH FAILFORWARD")


def test_installed_version(installed: Path, tmp_path: Path) -> None:
    result = run_installed(installed, "--version", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"failforward {__version__}"


def test_installed_check_content_finds_the_shipped_chapters(installed: Path, tmp_path: Path) -> None:
    result = run_installed(installed, "check-content", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    shipped = len(list((ROOT / "content").glob("[0-9]*.md")))  # _name.md files are notices, not chapters
    assert f"{shipped} chapters OK" in result.stdout
    assert "site-packages" in result.stdout  # from the installed package, not the checkout
    assert str(ROOT) not in result.stdout


# -- one name in site-packages ---------------------------------------------------

ADVICE = "reinstall failforward in its own environment, e.g. pipx install ."


def test_the_wheel_installs_exactly_two_import_packages(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        top = {name.split("/")[0] for name in archive.namelist()}
    assert top == {"tui", "screens", f"failforward-{__version__}.dist-info"}


def test_packages_distributions_names_failforward_alone_for_its_packages(installed: Path, tmp_path: Path) -> None:
    code = (
        "import importlib.metadata as m, json; d = m.packages_distributions(); "
        "print(json.dumps({k: sorted(v) for k, v in d.items() if k in ('tui', 'screens') or 'failforward' in v}))"
    )
    result = subprocess.run(
        [str(installed / "python"), "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"tui": ["failforward"], "screens": ["failforward"]}


def crafted_wheel(folder: Path, name: str, files: dict[str, bytes]) -> Path:
    """A minimal wheel of another project that ships ``files``."""
    meta = f"{name}-1.0.dist-info"
    contents = {
        **files,
        f"{meta}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n\n".encode(),
        f"{meta}/WHEEL": b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    lines = []
    for path, data in contents.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        lines.append(f"{path},sha256={digest},{len(data)}")
    contents[f"{meta}/RECORD"] = ("\n".join([*lines, f"{meta}/RECORD,,"]) + "\n").encode()
    path = folder / f"{name}-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in contents.items():
            archive.writestr(member, data)
    return path


@pytest.fixture
def screenkit(tmp_path: Path) -> Path:
    """Another project's wheel that also ships ``screens/home.py`` (its own, which failforward cannot use)."""
    return crafted_wheel(tmp_path, "screenkit", {"screens/home.py": b"class Home:\n    pass\n"})


@pytest.fixture
def fresh_venv(tmp_path: Path) -> Path:
    """An empty venv, the test environment's packages as its dependencies; returns its bin folder."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    purelib = Path(sysconfig.get_paths()["purelib"])
    site = next((env_dir / "lib").glob("python*/site-packages"))
    (site / "_deps_from_test_env.pth").write_text(f"{purelib}\n")
    return env_dir / "bin"


def pip(bin_dir: Path, *args: str) -> None:
    """pip (the test environment's) acting on the venv of ``bin_dir``."""
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(bin_dir / "python"), *args, "--quiet"],
        check=True,
        capture_output=True,
        timeout=600,
    )


def assert_stops(bin_dir: Path, cwd: Path, line: str) -> None:
    """Every way of starting failforward prints ``line`` alone on stderr and exits 5, before anything runs."""
    for program, args in (("failforward", ["--version"]), ("failforward", []), ("python", ["-m", "tui", "list"])):
        result = run_installed(bin_dir, *args, cwd=cwd, program=program)
        assert (result.returncode, result.stderr, result.stdout) == (5, line + "\n", ""), (program, args)


def assert_starts(bin_dir: Path, cwd: Path) -> None:
    version = run_installed(bin_dir, "--version", cwd=cwd)
    assert (version.returncode, version.stdout.strip()) == (0, f"failforward {__version__}"), version.stderr
    content = run_installed(bin_dir, "check-content", cwd=cwd)
    assert content.returncode == 0 and "chapters OK" in content.stdout, content.stderr


def test_a_package_that_writes_over_screens_stops_failforward_with_one_line(
    wheel: Path, screenkit: Path, fresh_venv: Path, tmp_path: Path
) -> None:
    pip(fresh_venv, "install", "--no-deps", "--no-index", str(wheel))
    assert_starts(fresh_venv, tmp_path)

    pip(fresh_venv, "install", "--no-deps", "--no-index", str(screenkit))  # writes over screens/home.py, silently
    assert_stops(
        fresh_venv, tmp_path, f"failforward: another installed package (screenkit) also provides 'screens': {ADVICE}"
    )

    pip(fresh_venv, "uninstall", "--yes", "screenkit")  # and takes failforward's screens/home.py with it
    assert_stops(
        fresh_venv,
        tmp_path,
        f"failforward: its file screens/home.py is missing (removed with another package?): {ADVICE}",
    )

    pip(fresh_venv, "install", "--no-deps", "--no-index", "--force-reinstall", str(wheel))  # what the line advises
    assert_starts(fresh_venv, tmp_path)


def test_a_package_installed_before_failforward_that_shares_screens_stops_it_too(
    wheel: Path, screenkit: Path, fresh_venv: Path, tmp_path: Path
) -> None:
    """failforward's files won, so it would run, until the other package is uninstalled and takes them along."""
    pip(fresh_venv, "install", "--no-deps", "--no-index", str(screenkit))
    pip(fresh_venv, "install", "--no-deps", "--no-index", str(wheel))
    assert_stops(
        fresh_venv, tmp_path, f"failforward: another installed package (screenkit) also provides 'screens': {ADVICE}"
    )
