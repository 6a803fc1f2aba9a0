"""Text measured and cut in terminal cells, the way a terminal shows it.

A column of a table is so many cells wide, not so many characters: a CJK
character or an emoji takes two cells, a combining accent none. Padding with
``str.ljust`` or cutting with ``text[:n]`` shifts every column after a wide
character and can split an accent from its letter. Everything here works on
graphemes (what the eye reads as one character) and their cell widths, as
Rich and Textual measure them, so columns line up whatever the script.
"""

from __future__ import annotations

from rich.cells import cell_len, split_graphemes

ELLIPSIS = "…"


def width(text: str) -> int:
    """How many terminal cells ``text`` takes."""
    return cell_len(text)


def one_line(text: str) -> str:
    """Every run of whitespace (newlines included) as one space."""
    return " ".join(text.split())


def head(text: str, cells: int) -> str:
    """The longest start of ``text`` that fits in ``cells``, never splitting a grapheme."""
    if cells <= 0:
        return ""
    spans, total = split_graphemes(text)
    if total <= cells:
        return text
    used = 0
    end = 0
    for _start, stop, size in spans:
        if used + size > cells:
            break
        used += size
        end = stop
    return text[:end]


def tail(text: str, cells: int) -> str:
    """The longest end of ``text`` that fits in ``cells``, never splitting a grapheme."""
    if cells <= 0:
        return ""
    spans, total = split_graphemes(text)
    if total <= cells:
        return text
    used = 0
    begin = len(text)
    for start, _stop, size in reversed(spans):
        if used + size > cells:
            break
        used += size
        begin = start
    return text[begin:]


def crop(text: str, cells: int) -> str:
    """``text`` in at most ``cells`` cells; when cut, the last cell is an ellipsis."""
    if cells <= 0:
        return ""
    if width(text) <= cells:
        return text
    return head(text, cells - 1) + ELLIPSIS


def pad(text: str, cells: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``cells`` cells (on the left when ``right``); never cut."""
    gap = " " * max(0, cells - width(text))
    return gap + text if right else text + gap


def fit(text: str, cells: int, *, right: bool = False) -> str:
    """``text`` on one line in exactly ``cells`` cells: cut with an ellipsis or padded with spaces.

    A wide character that would straddle the edge is left out (the cell is padded instead).
    """
    return pad(crop(one_line(text), cells), cells, right=right)
