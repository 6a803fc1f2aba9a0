"""The input layer, fed bytes as a terminal sends them: a bracketed paste is always text, never keys.

No terminal here: ``PasteParser`` is fed strings read by read, with a clock
the test moves, and every message it produces is checked.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from textual import events
from textual.message import Message

from tui.terminal import END, START, PasteParser

ESC = "\x1b"
# What a terminal puts between its start and end markers, and what the field must receive.
HOSTILE = {
    "csi-clear": ("x\x1b[2Jy", "xy"),
    "delete-the-setback": ("text\x1b\x1b\x1bd\x1by", "text"),
    "keys-after-newlines": ("one\r\x1b\x1b\x1bd\x1byy\rtwo", "one\ny\ntwo"),
    "osc-52-clipboard": ("a\x1b]52;c;aGFja2Vk\x07b\x1b]52;c;aGFja2Vk\x1b\\c", "abc"),
    "c1-controls": ("a\x9b31mb\x85c\x9d0;title\x9cd", "abcd"),
    "bel-nul-del": ("a\x07b\x00c\x7fd", "abcd"),
    "fake-end-marker": (f"before{END}{ESC}{ESC}{ESC}d{ESC}yafter", "beforeafter"),
    "two-fake-end-markers": (f"a{END}b{END}{ESC}dc", "abc"),
    "fake-start-marker": (f"a{START}b{END}{START}c", "abc"),
    "esc-at-the-end": (f"abc{ESC}", "abc"),
    "half-an-end-marker": ("a\x1b[201éb\x1b[20", "aéb"),
    "bidi-override": ("safe\u202etxt.exe\u2066x\u2069 \u200fשלום", "safetxt.exex \u200fשלום"),
    "only-controls": (f"{ESC}{ESC}{ESC}", ""),
}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def described(messages: Iterable[Message]) -> list[tuple[str, str]]:
    """Each message as (kind, text): ("paste", text), ("key", key name), or the class name."""
    out: list[tuple[str, str]] = []
    for message in messages:
        if isinstance(message, events.Paste):
            out.append(("paste", message.text))
        elif isinstance(message, events.Key):
            out.append(("key", message.key))
        else:
            out.append((type(message).__name__, ""))
    return out


def run(reads: Iterable[str], *, end_input: bool = False) -> list[tuple[str, str]]:
    """Feed each read in turn, then let the paste's wait pass (and, if asked, end the input)."""
    clock = Clock()
    parser = PasteParser(grace=0.1, clock=clock)
    out: list[Message] = []
    for read in reads:
        out += parser.feed(read)
    clock.now += 0.2
    out += parser.tick()
    if end_input:
        out += parser.feed("")
    return described(out)


def splits(stream: str) -> Iterable[list[str]]:
    """The stream in two reads split at every position, and in reads of one character each."""
    for at in range(1, len(stream)):
        yield [stream[:at], stream[at:]]
    yield list(stream)


@pytest.mark.parametrize("payload, expected", list(HOSTILE.values()), ids=list(HOSTILE))
def test_a_hostile_paste_split_anywhere_is_one_paste_of_its_text_and_no_key(payload: str, expected: str) -> None:
    stream = START + payload + END
    for reads in splits(stream):
        assert run(reads) == [("paste", expected)], reads


def test_textual_alone_turns_a_pasted_escape_into_keys() -> None:
    """The upstream behaviour this layer exists for: if it ever changes, this module may go."""
    from textual._xterm_parser import XTermParser

    got = described(XTermParser().feed(START + "x\x1b[2Jy" + END))
    assert ("key", "y") in got and got[-1] == ("paste", "x")


def test_keys_around_a_paste_keep_their_order() -> None:
    stream = "ab" + START + "x" + ESC + "[Ay" + END + "cd"
    for reads in splits(stream):
        assert run(reads) == [("key", "a"), ("key", "b"), ("paste", "xy"), ("key", "c"), ("key", "d")], reads


def test_a_paste_waits_for_the_escape_delay_before_it_is_delivered() -> None:
    clock = Clock()
    parser = PasteParser(grace=0.1, clock=clock)
    assert described(parser.feed(START + "one" + END + "z")) == []
    clock.now += 0.05
    assert described(parser.tick()) == []
    clock.now += 0.06
    assert described(parser.tick()) == [("paste", "one"), ("key", "z")]


def test_an_end_marker_in_a_later_read_before_the_deadline_makes_the_first_one_paste_text() -> None:
    clock = Clock()
    parser = PasteParser(grace=0.1, clock=clock)
    got = described(parser.feed(START + "one" + END + ESC + "d"))
    clock.now += 0.09
    got += described(parser.tick())
    got += described(parser.feed("two" + END))
    clock.now += 0.11
    got += described(parser.tick())
    assert got == [("paste", "onetwo")]


def test_an_end_marker_after_the_deadline_ends_the_paste_and_what_follows_is_keys() -> None:
    """The documented limit: a fake end marker whose rest comes later than the escape delay."""
    clock = Clock()
    parser = PasteParser(grace=0.1, clock=clock)
    got = described(parser.feed(START + "one" + END))
    clock.now += 0.2
    got += described(parser.feed("q"))
    assert got == [("paste", "one"), ("key", "q")]


def test_two_pastes_within_the_escape_delay_are_one_paste_of_both_texts() -> None:
    """A fake "end, start" pair inside a paste looks the same as two quick pastes: both are text, in order."""
    stream = START + "one" + END + START + "two" + END
    for reads in splits(stream):
        assert run(reads) == [("paste", "onetwo")], reads


def test_two_pastes_further_apart_stay_two_pastes() -> None:
    clock = Clock()
    parser = PasteParser(grace=0.1, clock=clock)
    got = described(parser.feed(START + "one" + END))
    clock.now += 0.2
    got += described(parser.feed(START + "two" + END))
    clock.now += 0.2
    got += described(parser.tick())
    assert got == [("paste", "one"), ("paste", "two")]


def test_keys_and_mouse_outside_a_paste_are_parsed_as_before() -> None:
    got = run(["\x1b[A", "\x1b[<0;3;4M", "\x13", "é"])
    assert got == [("key", "up"), ("MouseDown", ""), ("key", "ctrl+s"), ("key", "é")]


def test_an_escape_pressed_just_before_a_paste_is_still_the_escape_key() -> None:
    for reads in (["\x1b", "\x1b[200~x\x1b[201~"], ["\x1b\x1b[20", "0~x\x1b[201~"]):
        assert run(reads) == [("key", "escape"), ("paste", "x")], reads


def test_a_lone_escape_is_the_escape_key_once_input_ends() -> None:
    assert run(["\x1b"], end_input=True) == [("key", "escape")]


def test_a_paste_that_never_ends_is_delivered_when_input_ends() -> None:
    assert run([START + "unfinished\x1b[2J text"], end_input=True) == [("paste", "unfinished text")]


def test_a_huge_paste_in_many_reads_is_one_paste() -> None:
    text = ("word " * 20_000).strip()
    stream = START + text + END
    reads = [stream[i : i + 4096] for i in range(0, len(stream), 4096)]
    assert run(reads) == [("paste", text)]
