"""clean_text: the one rule for text coming in, typed, pasted, imported or read from a chapter."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.sanitize import clean_text, clean_value

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize("char", list(BIDI_CONTROLS), ids=[f"U+{ord(c):04X}" for c in BIDI_CONTROLS])
def test_bidi_embeddings_overrides_and_isolates_are_removed(char: str) -> None:
    assert clean_text(f"invoice{char}fdp.exe") == "invoicefdp.exe"


def test_marks_and_right_to_left_text_are_kept() -> None:
    text = "שלום עולם \u200fمرحبا\u200e (RTL) \u061c ok"
    assert clean_text(text) == text


def test_line_breaks_become_newlines() -> None:
    assert clean_text("a\r\nb\rc\u2028d\u2029e") == "a\nb\nc\nd\ne"


def test_escape_sequences_and_controls_are_removed_tabs_and_newlines_kept() -> None:
    assert clean_text("a\x1b[2Jb\x1b]52;c;eA==\x07c\x9b31md\x00\x7f\x85e\tf\ng") == "abcde\tf\ng"


def test_text_with_nothing_to_clean_is_returned_as_it_is() -> None:
    text = "plain text, ünïcödé and emoji 👩‍💻" * 100
    assert clean_text(text) is text


def test_clean_value_cleans_keys_and_nested_strings() -> None:
    assert clean_value({"a\u202e": ["x\u2066y", {"k": "\x1b[1mz"}], "n": 3}) == {"a": ["xy", {"k": "z"}], "n": 3}


@given(st.text())
def test_cleaning_twice_changes_nothing_more(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once
    assert not any(c in once for c in BIDI_CONTROLS + "\x1b\r\u2028\u2029")
