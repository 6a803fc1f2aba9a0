"""Text measured in terminal cells: wide (CJK, emoji) and combining characters keep columns straight."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from tui.cells import crop, fit, head, pad, tail, width

CJK = "失敗から学ぶ振り返り"  # ten characters, twenty cells
COMBINING = "Re\u0301sume\u0301 refuse\u0301"  # "Résumé refusé" with combining accents: 13 cells, 16 code points


def test_width_counts_cells_not_characters() -> None:
    assert width(CJK) == 20
    assert width(COMBINING) == 13
    assert width("👍🏽") == 2


@pytest.mark.parametrize("cells", range(12))
def test_fit_is_exactly_as_wide_as_asked(cells: int) -> None:
    for text in (CJK, COMBINING, "plain ascii text", "a\nb\tc"):
        assert cell_len(fit(text, cells)) == cells


def test_a_wide_character_is_never_cut_in_half() -> None:
    assert fit(CJK, 6) == "失敗… "  # two wide characters (4 cells), the ellipsis, then a space, not half a 学
    assert head(CJK, 5) == "失敗"
    assert tail(CJK, 5) == "返り"


def test_an_accent_stays_with_its_letter() -> None:
    assert crop(COMBINING, 3) == "Re\u0301…"
    assert head(COMBINING, 2) == "Re\u0301"
    assert tail(COMBINING, 2) == "se\u0301"
    assert not head(COMBINING, 1).endswith("\u0301")


def test_short_text_is_padded_never_cut() -> None:
    assert fit("done", 6) == "done  "
    assert fit("done", 6, right=True) == "  done"
    assert pad(CJK, 4) == CJK  # pad never cuts
    assert crop("exactly", 7) == "exactly"


@given(st.text(max_size=30), st.integers(min_value=0, max_value=40))
def test_crop_head_and_tail_never_exceed_the_cells(text: str, cells: int) -> None:
    assert cell_len(crop(text, cells)) <= cells
    assert cell_len(head(text, cells)) <= cells
    assert cell_len(tail(text, cells)) <= cells
    assert text.startswith(head(text, cells)) and text.endswith(tail(text, cells))
