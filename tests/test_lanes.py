"""The two lanes: make test runs everything, make test-fast leaves out what is marked slow but for smoke tests."""

from __future__ import annotations

import re
import tomllib

from .conftest import ROOT

TESTS = ROOT / "tests"
MODULE_SLOW = re.compile(r"^pytestmark = pytest\.mark\.slow\b", re.M)
SMOKE = re.compile(r"^@pytest\.mark\.smoke\b", re.M)


def test_smoke_marks_only_tests_of_a_module_marked_slow() -> None:
    """A smoke mark elsewhere would say nothing: the test is in the fast lane anyway."""
    users = [path for path in TESTS.rglob("test_*.py") if SMOKE.search(path.read_text(encoding="utf-8"))]
    assert users
    for path in users:
        assert MODULE_SLOW.search(path.read_text(encoding="utf-8")), path.name


def test_the_fast_lane_is_the_marker_expression_and_the_markers_are_registered() -> None:
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\ntest-fast:", 1)[1].split("\n\n", 1)[0]
    assert "FAILFORWARD_TEST_LANE=fast" in recipe
    assert '-m "not slow or smoke"' in recipe
    full = (ROOT / "Makefile").read_text(encoding="utf-8").split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert '-m "' not in full and "FAILFORWARD_TEST_LANE" not in full  # make test runs everything
    pytest_options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]
    registered = {line.split(":", 1)[0] for line in pytest_options["ini_options"]["markers"]}
    assert registered >= {"slow", "smoke", "e2e"}


def test_every_end_to_end_test_is_slow() -> None:
    conftest = (TESTS / "e2e" / "conftest.py").read_text(encoding="utf-8")
    assert "item.add_marker(pytest.mark.e2e)" in conftest
    assert "item.add_marker(pytest.mark.slow)" in conftest
