"""The core (store, content, domain) works with Textual made unimportable."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from .conftest import FIXTURE_CHAPTERS, ROOT

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
        import tui.store, tui.content, tui.workbook, tui.locations, tui.sanitize
        try:
            import textual
        except ImportError:
            pass
        else:
            raise SystemExit("textual was importable")
        chapters = tui.content.load_chapters([Path({str(FIXTURE_CHAPTERS)!r})])
        store = tui.store.Store(Path({str(tmp_path / "j")!r}))
        wb = tui.workbook.Workbook(store, chapters)
        s = wb.add_setback("Layoff", "layoff")
        wb.save_reflection(s.id, "first", {{"what": "cut"}})
        assert wb.reflection(s.id, "first").answers["what"] == "cut"
        store.close()
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


def imported_modules(path) -> set[str]:  # type: ignore[no-untyped-def]
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


CORE = ["store", "content", "workbook", "export", "sanitize", "locations", "settings"]


def test_core_modules_never_import_textual() -> None:
    for name in CORE:
        modules = imported_modules(ROOT / "tui" / f"{name}.py")
        assert not any(m == "textual" or m.startswith("textual.") for m in modules), name
        assert not any(m.startswith("screens") for m in modules), name


def test_screens_never_touch_tinydb() -> None:
    for path in sorted((ROOT / "screens").glob("*.py")):
        modules = imported_modules(path)
        assert not any(m == "tinydb" or m.startswith("tinydb.") for m in modules), path.name
    # and only the store module talks to TinyDB at all
    for path in sorted((ROOT / "tui").glob("*.py")):
        if path.name != "store.py":
            assert "tinydb" not in {m.split(".")[0] for m in imported_modules(path)}, path.name
