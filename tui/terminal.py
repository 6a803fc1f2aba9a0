"""The terminal's input: a bracketed paste is always text, never keys.

Why this exists. Textual 8.2.8's ``XTermParser`` runs its escape-sequence
state machine inside a bracketed paste: an ESC in the pasted text starts a
"sequence" that is then replayed as key presses before the paste is
delivered. Pasting ``x`` ESC ``[2J`` ``y`` typed ``^[2Jy`` and then pasted
``x``; a crafted paste (text, then ESC ESC, ESC ``d``, ..., ESC ``y``) closed a
chapter and deleted the setback, answering its own confirmation.

:class:`PasteParser` takes the paste out of Textual's hands. Outside a paste
every character goes to Textual's parser unchanged (keys, mouse, resize,
focus reports behave exactly as upstream). When a start marker (``ESC [200~``)
arrives, whole or split across reads, everything up to the end marker
(``ESC [201~``) is paste text: it is collected here, never parsed, and
delivered as ONE ``events.Paste``, in order, with control codes removed by
:func:`tui.sanitize.clean_text` (so Textual's own inputs, the command palette
among them, get clean text too).

The end-marker rule. A paste can itself contain ``ESC [201~``: a fake end
marker that would let the rest of the paste through as keys. So an end marker
is only a candidate: the paste ends there once ESCDELAY (Textual's escape
delay, 100 ms unless set) has passed with no other end marker. If another end
marker arrives by then, in the same read or a later one, the candidate was
pasted text, and so is everything that came between the two; the later marker
is the new candidate. Limits, by design:

- a paste is delivered ESCDELAY (up to ESCDELAY plus 0.1 s) after its end,
  and keys typed within that moment after a paste wait as long;
- two pastes within ESCDELAY of each other arrive as one paste (the same
  text in the same order), and keys typed between them become paste text (a
  letter is still typed, a key such as ctrl+s does nothing);
- a crafted paste whose real end marker reaches the app more than ESCDELAY
  after its fake one (a link slower than the escape delay allows for any
  escape sequence) still has its rest read as keys;
- a paste that never ends (a terminal that sends no end marker) takes every
  later key as paste text; it is delivered when input ends.

:class:`PasteSafeDriver` is Textual's ``LinuxDriver`` with this parser, and
with invalid UTF-8 decoded as U+FFFD instead of ending the input thread.
``WorkbookApp`` uses it in a real terminal; Pilot's headless driver stays.

What upstream Textual would need, so that this module could go:

1. ``XTermParser.parse``: while ``bracketed_paste`` is set, append characters
   to the paste buffer without entering the escape-sequence loop, and look
   only for the end marker (``_xterm_parser.py``, the ``if character != ESC``
   branch and the inner ``while True`` loop), plus a rule for a fake end marker
   like the one above.
2. ``LinuxDriver.run_input_thread`` (and the Windows driver's input thread,
   ``drivers/win32.py``, which this app does not replace): take the parser
   from an overridable attribute (say ``parser_class``) instead of naming
   ``XTermParser``, so a driver subclass need not copy the method; and decode
   with ``errors="replace"``, so a stray byte cannot stop the input thread.
"""

from __future__ import annotations

import os
import selectors
import time
from codecs import getincrementaldecoder
from collections.abc import Callable, Generator, Iterable, Iterator

from textual import constants, events
from textual._loop import loop_last
from textual._parser import ParseError
from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

Reading = Generator[Message, None, str]
"""Yields the messages parsed so far; returns the text left for the next state to read."""

START = BRACKETED_PASTE_START
END = BRACKETED_PASTE_END


class PasteParser(XTermParser):
    """Textual's parser, with bracketed pastes read here as text (see the module docstring)."""

    def __init__(
        self, debug: bool = False, *, grace: float | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(debug)
        self.grace = constants.ESCAPE_DELAY if grace is None else grace
        self._clock = clock
        self._paste: str | None = None  # the paste being read; None outside a paste
        self._after: str | None = None  # what came after a candidate end marker; None without a candidate
        self._deadline = 0.0  # when the candidate end marker becomes the end
        self._fed = ""  # the last characters given to Textual's parser

    # -- the stream ----------------------------------------------------------------

    def feed(self, data: str) -> Iterator[Message]:
        pending = data
        if self._after is not None and self._clock() >= self._deadline:
            pending = (yield from self._end_paste()) + pending
        yield from self._read(pending)
        if not data:  # end of input: a paste still open is delivered, nothing is dropped
            if self._paste is not None:
                yield from self._give((yield from self._end_paste()))
            yield from super().feed("")

    def tick(self) -> Iterable[Message]:
        """Textual's escape timeout, and the end of a paste once its wait is over."""
        yield from super().tick()
        if self._after is not None and self._clock() >= self._deadline:
            yield from self._read((yield from self._end_paste()))

    def _read(self, text: str) -> Iterator[Message]:
        """Text outside a paste goes to Textual's parser; a paste is collected here."""
        while text and self._paste is None:
            text = yield from self._read_input(text)
        if text:
            self._read_paste(text)

    # -- outside a paste: Textual's parser, until a start marker -----------------------

    def _read_input(self, data: str) -> Reading:
        """Give ``data`` to Textual's parser up to a start marker; return what follows the marker."""
        held = self._held_marker()
        at = (held + data).find(START)
        if at < 0:
            yield from self._give(data)
            return ""
        esc = at - len(held)  # where the marker's ESC is in data; negative: Textual's parser holds it
        if esc >= 0:
            # The text before the marker, and its ESC: Textual ends any sequence it held, as for any ESC.
            yield from self._give(data[: esc + 1])
        self._forget_marker()
        self._paste = ""
        return data[esc + len(START) :]

    def _give(self, text: str) -> Iterator[Message]:
        if text:
            self._fed = (self._fed + text)[-len(START) :]
            yield from super().feed(text)

    def _held_marker(self) -> str:
        """The beginning of a start marker that Textual's parser holds as an unfinished sequence, or ""."""
        if self._awaiting.timeout is None:  # not inside an escape sequence
            return ""
        for size in range(len(START) - 1, 0, -1):
            if self._fed.endswith(START[:size]):
                return START[:size]
        return ""

    def _forget_marker(self) -> None:
        """Drop the start marker's beginning from Textual's parser: a fresh parse, with nothing held."""
        self._gen.close()
        self._gen = self.parse(self._tokens.append)
        self._awaiting = next(self._gen)
        self._timeout_time = None
        self._fed = ""

    # -- inside a paste ---------------------------------------------------------------

    def _read_paste(self, data: str) -> None:
        """Collect paste text; note a candidate end marker and what follows it (see the module docstring)."""
        assert self._paste is not None
        if self._after is None:
            text = self._paste + data
            at = text.find(END, max(0, len(self._paste) - len(END) + 1))
            if at < 0:
                self._paste = text
                return
            self._paste, self._after = text[:at], text[at + len(END) :]
            self._deadline = self._clock() + self.grace
        else:
            self._after += data
        while (at := self._after.find(END)) >= 0:
            # Another end marker: the candidate was pasted text, and so is everything between them.
            self._paste += END + self._after[:at]
            self._after = self._after[at + len(END) :]
            self._deadline = self._clock() + self.grace

    def _end_paste(self) -> Reading:
        """Deliver the paste; return what came after its end marker."""
        from tui.sanitize import clean_text  # its patterns are compiled at the first paste, not at every start

        text, rest = self._paste or "", self._after or ""
        self._paste = self._after = None
        yield events.Paste(clean_text(text))
        return rest


class PasteSafeDriver(LinuxDriver):
    """Textual's Linux/macOS driver, reading input with :class:`PasteParser`."""

    def run_input_thread(self) -> None:
        """``LinuxDriver.run_input_thread`` of Textual 8.2.8 with two changes: the parser, and decoding errors."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        fileno = self.fileno
        parser = PasteParser(self._debug)
        feed, tick = parser.feed, parser.tick
        decode = getincrementaldecoder("utf-8")(errors="replace").decode

        def process_selector_events(
            selector_events: list[tuple[selectors.SelectorKey, int]], final: bool = False
        ) -> None:
            for last, (_selector_key, mask) in loop_last(selector_events):
                if mask & selectors.EVENT_READ:
                    unicode_data = decode(os.read(fileno, 1024 * 4), final=final and last)
                    if not unicode_data:
                        break  # stdin is piped and ended
                    for event in feed(unicode_data):
                        self.process_message(event)
            for event in tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                process_selector_events(selector.select(0.1))
            selector.unregister(self.fileno)
            process_selector_events(selector.select(0.1), final=True)
        finally:
            selector.close()
            try:
                for _event in feed(""):
                    pass
            except (EOFError, ParseError):
                pass
