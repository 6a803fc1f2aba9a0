"""The wheel ships the chapters: install it in a fresh venv and run it from elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tui import __version__

from .conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary venv with the freshly built wheel installed; returns its bin folder."""
    work = tmp_path_factory.mktemp("wheel")
    dist = work / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    wheel = next(dist.glob("failforward-*.whl"))
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


def run_installed(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    return subprocess.run(
        [str(bin_dir / "failforward"), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


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
