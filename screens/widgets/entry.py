"""Text entry under one rule: what a typed key inserts, and the one-line input.

Textual types a key's character only when ``str.isprintable`` says so, while
a paste goes through :func:`tui.sanitize.clean_text`: the two disagreed (a
typed right-to-left mark was dropped, the same pasted was kept). Here a typed
character inserts what ``clean_text`` leaves of it, as a paste of it would.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from screens.widgets.focus import RestyledInSight
from tui.sanitize import clean_text


def typed_text(event: events.Key) -> str | None:
    """What a key types under the rule pasted text follows, or None to leave the key to the widget.

    Textual types a key's character only when ``str.isprintable`` says so,
    while a paste goes through :func:`clean_text`: a typed right-to-left mark,
    zero-width joiner (inside emoji sequences) or no-break space was dropped
    though the same pasted was kept. Here every character that is not a
    control key types what ``clean_text`` leaves of it: itself, nothing (a bidi
    override) or a newline (a line separator). Control keys (enter, tab,
    backspace, ctrl+...) stay keys for the widget and the bindings.
    """
    character = event.character
    if character is None or len(character) != 1 or character < " " or "\x7f" <= character <= "\x9f":
        return None
    text = clean_text(character)
    if text == character and event.is_printable:
        return None  # Textual types it, as it always did
    return text


def one_line(text: str) -> str:
    """Pasted lines as one line: Textual's Input keeps only the first, and a paste never loses text here.

    Lines are joined with a space, blank ones left out; a single line is kept exactly.
    """
    lines = text.splitlines()
    if len(lines) <= 1 and "\n" not in text and "\r" not in text:
        return text
    return " ".join(line.strip() for line in lines if line.strip())


class SafeInput(Input, RestyledInSight):
    """An Input whose typed and pasted text follows one rule: ``clean_text``.

    Textual calls the ``_on_paste`` and ``_on_key`` of every class in the MRO,
    subclass first: cleaning a paste here is enough for Input's own handler to
    insert it; a key typed here stops there (``prevent_default``).
    """

    def _on_paste(self, event: events.Paste) -> None:
        cleaned = clean_text(event.text)
        event.text = one_line(cleaned)
        if event.text != cleaned:
            self.notify("This answer is one line: the pasted lines were joined.", timeout=5)

    async def _on_key(self, event: events.Key) -> None:
        text = typed_text(event)
        if text is None:
            return
        event.stop()
        event.prevent_default()
        line = text.split("\n")[0]  # one line, as a paste into an Input
        if line:
            if self.selection.is_empty:
                self.insert_text_at_cursor(line)
            else:
                self.replace(line, *self.selection)
