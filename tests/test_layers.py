"""The core (store, content, domain) works with Textual made unimportable."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import FIXTURE_CHAPTERS, ROOT

pytestmark = pytest.mark.slow  # each test runs a Python process of its own

BLOCK_TEXTUAL = textwrap.dedent(
    """
    import sys

    class BlockTextual:
        def find_spec(self, name, path=None, target=None):
            if name == "textual" or name.startswith("textual."):
                raise ImportError("textual is blocked in this test")
            return None

    sys.meta_path.insert(0, BlockTextual())
    """
)


def run_blocked(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCK_TEXTUAL + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_core_modules_work_without_textual(tmp_path) -> None:
    result = run_blocked(
        f"""
        from pathlib import Path
        import tui.store, tui.content, tui.workbook, tui.locations, tui.sanitize, tui.export, tui.records, tui.cells
        try:
            import textual
        except ImportError:
            pass
        else:
            raise SystemExit("textual was importable")
        chapters = tui.content.load_chapters([Path({str(FIXTURE_CHAPTERS)!r})])
        wb = tui.workbook.Workbook.open(Path({str(tmp_path / "j")!r}), chapters)
        s = wb.add_setback("Layoff", "layoff")
        wb.save_reflection(s.id, "first", {{"what": "cut"}})
        assert wb.reflection(s.id, "first").answers["what"] == "cut"
        tui.export.export_markdown(wb)
        wb.close()
        assert not any(m == "textual" or m.startswith("textual.") for m in sys.modules)
        print("core ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert "core ok" in result.stdout


def test_check_content_and_version_do_not_import_textual() -> None:
    result = run_blocked(
        f"""
        from tui.cli import main
        assert main(["check-content", {str(FIXTURE_CHAPTERS)!r}]) == 0
        assert "textual" not in sys.modules
        """
    )
    assert result.returncode == 0, result.stderr


def test_the_import_contracts_hold() -> None:
    """The layers, stated once in pyproject.toml ([tool.importlinter]), checked by import-linter.

    cli > app > screens > services > storage; nothing below the app imports
    Textual; screens, the app and the CLI reach the journal only through the
    Workbook; only the storage talks to TinyDB.
    """
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(linter), "--no-cache"], capture_output=True, text=True, cwd=ROOT, timeout=300, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower().replace("0 broken", "")
