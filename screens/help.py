"""Help: every key of the screen you came from, the global keys, and how the workbook keeps your words."""

from __future__ import annotations

from typing import NamedTuple

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, OptionList, Static, TextArea

from screens.base import Dialog
from tui.cells import pad, width

ABOUT = """\
Everything you type is kept: a draft is written a moment after you stop typing, \
when you leave a chapter, when you quit and when the connection drops. \
ctrl+s saves the chapter; ctrl+t marks it done (its required questions, marked *, must be answered). \
In a long answer, ctrl+e opens it in your own editor ($VISUAL or $EDITOR); what you save there comes back.
Keys that work in any terminal: letters, arrows, F-keys and ctrl combinations. \
ctrl+p opens the command palette, which reaches every action. \
In a text box the usual editing keys work: arrows, home and end, backspace and delete."""


# Keys that Textual's own widgets bind and that always do something where they are kept:
# moving in a list or a table, choosing, scrolling a pane whose text is longer than it.
LIST_KEYS = {"cursor_up", "cursor_down", "select", "first", "last", "page_up", "page_down"}
TABLE_KEYS = {
    "cursor_left",
    "cursor_right",
    "select_cursor",
    "scroll_home",
    "scroll_end",
    "scroll_top",
    "scroll_bottom",
}
SCROLL_KEYS = {"scroll_up", "scroll_down", "scroll_home", "scroll_end", "page_up", "page_down"}
FOCUS_KEYS = {"app.focus_next", "app.focus_previous"}


class HelpRow(NamedTuple):
    """One key the help lists: the binding to press, the key as shown, what it does, and who binds it."""

    binding: Binding
    keys: str
    text: str
    owner: DOMNode  # the focused widget or one around it, the screen, or the app


def _declared_here(node: DOMNode, binding: Binding) -> bool:
    """Whether the workbook's own code declares ``binding`` (not a Textual widget it builds on)."""
    for cls in type(node).__mro__:
        if cls.__module__.split(".")[0] not in ("screens", "tui"):
            continue
        for declared in cls.__dict__.get("BINDINGS", []):
            if (
                isinstance(declared, Binding)
                and declared.action == binding.action
                and binding.key in declared.key.split(",")
            ):
                return True
    return False


def _useful(screen: Screen, node: DOMNode, binding: Binding) -> bool:
    """Whether a key bound by Textual itself does something here, so that it belongs in the help.

    Textual's widgets bind many keys that do nothing in this app (scrolling sideways,
    a clipboard the terminal does not share, text editing that typing makes plain):
    only moving in lists and tables, scrolling a pane that overflows, the next and
    previous part of the screen, and the command palette are listed.
    """
    action = binding.action
    if action == "command_palette":
        return True
    if action in FOCUS_KEYS:
        return len(screen.focus_chain) > 1
    if isinstance(node, Input | TextArea):
        return False
    if isinstance(node, DataTable):
        return action in LIST_KEYS | TABLE_KEYS
    if isinstance(node, OptionList):
        return action in LIST_KEYS
    if isinstance(node, ScrollableContainer):
        return action in SCROLL_KEYS and node.allow_vertical_scroll
    return False


def help_rows(screen: Screen) -> list[HelpRow]:
    """Every key that does something on ``screen`` as it is now (its focus included), the app's too."""
    rows: list[HelpRow] = []
    seen: set[tuple[str, str]] = set()
    app = screen.app
    for node, binding, _enabled, _tooltip in screen.active_bindings.values():
        if binding.system or not binding.description:
            continue
        if not (_declared_here(node, binding) or _useful(screen, node, binding)):
            continue
        text = binding.description + (f": {binding.tooltip}" if binding.tooltip else "")
        if (binding.action, text) in seen:
            continue
        seen.add((binding.action, text))
        rows.append(HelpRow(binding, app.get_key_display(binding), text, node))
    return rows


def binding_rows(screen: Screen) -> list[tuple[str, str]]:
    """(keys, description) for every key the help lists for ``screen``."""
    return [(row.keys, row.text) for row in help_rows(screen)]


class HelpScreen(Dialog[None]):
    """The keys of the screen underneath, and a few words on how things are kept."""

    BINDINGS = [Binding("escape,f1,q", "close", "Close")]

    def __init__(self, underneath: Screen) -> None:
        super().__init__(classes="dialog-screen")
        self.rows = binding_rows(underneath)
        self.where = getattr(underneath, "HELP_TITLE", type(underneath).__name__.replace("Screen", ""))

    def compose(self) -> ComposeResult:
        column = max((width(k) for k, _ in self.rows), default=4) + 2
        lines = [Content.assemble((pad(k, column, right=True), "bold"), "  ", d) for k, d in self.rows]
        with VerticalScroll(id="help-body", classes="dialog help-dialog"):  # focused: the arrows scroll it
            yield Label(Content(f"Keys: {self.where}"), classes="dialog-question")
            yield Static(Content("\n").join(lines), id="help-keys")
            yield Static(Content(ABOUT), id="help-about")
            safety = getattr(self.app, "safety_text", lambda: "")()
            if safety:
                yield Label(Content("A workbook, not therapy"), classes="dialog-question help-safety-title")
                yield Static(Content(safety), id="help-safety")
        yield Footer(compact=True)

    def action_close(self) -> None:
        self.dismiss(None)
