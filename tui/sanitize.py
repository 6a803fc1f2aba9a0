"""Make user and chapter text safe to store and to show in a terminal.

Terminal control sequences typed or pasted into a field (a clipboard write via
OSC 52, a screen clear via CSI 2J, a bare C1 CSI) must never reach the
terminal, and must not be stored. Whole escape sequences are removed, then any
remaining C0 control (except tab and newline), DEL and C1 control.

Bidirectional embeddings, overrides and isolates (U+202A-U+202E,
U+2066-U+2069) are removed too: they reorder the text drawn after them, so a
pasted U+202E makes an answer read backwards on screen and in every export,
and an unclosed one can spill into the next line of the terminal. Left-to-right
and right-to-left marks (U+200E, U+200F, U+061C) stay, as does ordinary Hebrew
or Arabic text: the terminal lays those out by itself.

This is the one rule for text that comes in: pasted text, typed characters
(see ``screens/widgets/fields.py``), chapters and imported journals all go
through :func:`clean_text`.
"""

from __future__ import annotations

import re
from typing import Any

# ESC-introduced sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST),
# DCS / SOS / PM / APC (ESC P|X|^|_ ... ST), and two-character escapes.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]?            # CSI
    | \x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?   # OSC
    | \x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?        # DCS, SOS, PM, APC
    | \x1b[ -/]*[0-~]?                 # other escapes (ESC c, ESC 7, ESC ( B ...)
    | \x9b[0-?]*[ -/]*[@-~]?            # 8-bit CSI
    | [\x9d\x90\x98\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?  # 8-bit OSC, DCS...
    """,
    re.VERBOSE,
)
# Controls (C0 but tab and newline, DEL, C1) and the bidi embeddings, overrides and isolates.
_REMOVED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Line breaks other than "\n": carriage returns and Unicode's line and paragraph separators.
_LINE_BREAK = re.compile(r"\r\n?|[\u2028\u2029]")
# Every character clean_text removes or rewrites: text without any is returned as it is.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def clean_text(text: str) -> str:
    """Text with terminal control sequences, control characters and bidi overrides removed.

    Line endings (``\\r\\n``, ``\\r``, U+2028, U+2029) become ``\\n``; tabs and
    newlines are kept.
    """
    if not text or not _UNSAFE.search(text):
        return text
    text = _LINE_BREAK.sub("\n", text)
    text = _ESCAPE_SEQUENCE.sub("", text)
    return _REMOVED.sub("", text)


def clean_value(value: Any) -> Any:
    """``clean_text`` applied to every string inside a JSON-like value."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_value(v) for k, v in value.items()}
    return value
