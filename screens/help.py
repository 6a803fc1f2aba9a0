"""Help: every key of the screen you came from, the global keys, and how the workbook keeps your words."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

ABOUT = """\
Everything you type is kept: a draft is written a moment after you stop typing, \
when you leave a chapter, when you quit and when the connection drops. \
ctrl+s saves the chapter; ctrl+t marks it done (its required questions, marked *, must be answered). \
In a long answer, ctrl+e opens it in your own editor ($VISUAL or $EDITOR); what you save there comes back.
Keys that work in any terminal: letters, arrows, F-keys and ctrl combinations. \
ctrl+p opens the command palette, which reaches every action."""


def binding_rows(screen: Screen) -> list[tuple[str, str]]:
    """(keys, description) for every binding active on ``screen``, the app's included."""
    rows: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    app = screen.app
    for _, binding, _enabled, _tooltip in screen.active_bindings.values():
        if binding.system or not binding.description:
            continue
        key = app.get_key_display(binding)
        text = binding.description + (f": {binding.tooltip}" if binding.tooltip else "")
        if (binding.action, text) in seen:
            continue
        seen.add((binding.action, text))
        rows.append((key, text))
    return rows


class HelpScreen(ModalScreen[None]):
    """The keys of the screen underneath, and a few words on how things are kept."""

    BINDINGS = [Binding("escape,f1,q", "close", "Close")]

    def __init__(self, underneath: Screen) -> None:
        super().__init__(classes="dialog-screen")
        self.rows = binding_rows(underneath)
        self.where = getattr(underneath, "HELP_TITLE", type(underneath).__name__.replace("Screen", ""))

    def compose(self) -> ComposeResult:
        width = max((len(k) for k, _ in self.rows), default=4) + 2
        lines = [Content.assemble((k.rjust(width), "bold"), "  ", d) for k, d in self.rows]
        with Vertical(classes="dialog help-dialog"):
            yield Label(Content(f"Keys: {self.where}"), classes="dialog-question")
            with VerticalScroll(id="help-body"):
                yield Static(Content("\n").join(lines), id="help-keys")
                yield Static(Content(ABOUT), id="help-about")
            yield Label(Content("escape closes this help"), classes="help")

    def action_close(self) -> None:
        self.dismiss(None)
