"""Form widgets for every field kind, and the reflection form that holds them.

The form speaks plain values: :meth:`ReflectionForm.to_answers` returns a dict
keyed by field id and :meth:`ReflectionForm.load_answers` fills the widgets
from one. Every label, option and answer is shown as plain text, never parsed
as markup.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from screens.widgets.entry import SafeInput
from screens.widgets.focus import RestyledInSight
from screens.widgets.textarea import SafeTextArea
from tui.content import Field
from tui.sanitize import clean_value
from tui.workbook import new_item_id, parse_date


class FieldChanged(Message):
    """Something in the form changed: time to write a draft."""


class ScaleInput(RestyledInSight, can_focus=True):
    """A number on a scale, changed with the arrow keys (or typed as digits)."""

    BINDINGS = [
        Binding("left,down,minus", "step(-1)", "Less", show=False),
        Binding("right,up,plus", "step(1)", "More", show=False),
        Binding("home", "jump('min')", "Lowest", show=False),
        Binding("end", "jump('max')", "Highest", show=False),
        Binding("backspace,delete", "clear", "Clear", show=False),
    ]

    value: reactive[int | None] = reactive(None)

    def __init__(self, low: int = 0, high: int = 10, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.low = low
        self.high = high
        self._typed = ""

    def render(self) -> Content:
        steps = self.high - self.low
        width = max(5, min(steps * 2, max(5, self.size.width - 14)))
        if self.value is None:
            bar = "─" * (width + 1)
            tail = "  not set: ←/→"
        else:
            pos = round((self.value - self.low) / steps * width)
            bar = "━" * pos + "●" + "─" * (width - pos)
            tail = f"  {self.value}"
        return Content.assemble(
            f"{self.low} ", (bar, "bold" if self.has_focus else ""), f" {self.high}", (tail, "bold")
        )

    def watch_value(self) -> None:
        self.post_message(FieldChanged())

    def action_step(self, delta: int) -> None:
        if self.value is None:
            self.value = (self.low + self.high) // 2  # the first press starts in the middle
        else:
            self.value = max(self.low, min(self.high, self.value + delta))

    def action_jump(self, end: str) -> None:
        self.value = self.low if end == "min" else self.high

    def action_clear(self) -> None:
        self.value = None

    def on_key(self, event: Any) -> None:
        if event.character and event.character.isdigit():
            event.stop()
            typed = self._typed + event.character
            if not (self.low <= int(typed) <= self.high):
                typed = event.character
            self._typed = typed if len(typed) < len(str(self.high)) else ""
            number = int(typed)
            if self.low <= number <= self.high:
                self.value = number

    def on_blur(self) -> None:
        self._typed = ""
        self.refresh()

    def on_focus(self) -> None:
        self.refresh()


class ChoiceList(OptionList, RestyledInSight):
    """Pick one option: up and down to move, enter or space to choose, delete to clear."""

    BINDINGS = [
        Binding("space", "select", "Choose", show=False),
        Binding("backspace,delete", "clear", "Clear", show=False),
    ]

    value: reactive[str | None] = reactive(None, init=False)

    def __init__(self, choices: tuple[str, ...], *, id: str | None = None) -> None:
        self.choices = list(choices)
        super().__init__(*[self._prompt(c, False) for c in self.choices], id=id, compact=True)

    @staticmethod
    def _prompt(choice: str, chosen: bool) -> Content:
        return Content.assemble(("(•) " if chosen else "( ) ", "bold" if chosen else ""), choice)

    def watch_value(self, value: str | None) -> None:
        for index, choice in enumerate(self.choices):
            self.replace_option_prompt_at_index(index, self._prompt(choice, choice == value))
        if value in self.choices:
            self.highlighted = self.choices.index(value)
        self.post_message(FieldChanged())

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.value = self.choices[event.option_index]

    def action_clear(self) -> None:
        self.value = None


class MultiList(OptionList, RestyledInSight):
    """Pick options (at most ``limit``, if set): enter or space ticks and unticks; readable in 16 colours."""

    BINDINGS = [Binding("space", "select", "Tick", show=False)]

    def __init__(self, choices: tuple[str, ...], *, limit: int | None = None, id: str | None = None) -> None:
        self.choices = list(choices)
        self.limit = limit
        self.chosen: set[str] = set()
        super().__init__(*[self._prompt(c, False) for c in self.choices], id=id, compact=True)

    @staticmethod
    def _prompt(choice: str, ticked: bool) -> Content:
        return Content.assemble(("[x] " if ticked else "[ ] ", "bold" if ticked else ""), choice)

    @property
    def value(self) -> list[str]:
        return [c for c in self.choices if c in self.chosen]

    def set_value(self, values: list[str]) -> None:
        self.chosen = {v for v in values if v in self.choices}
        self._redraw()

    def _redraw(self) -> None:
        for index, choice in enumerate(self.choices):
            self.replace_option_prompt_at_index(index, self._prompt(choice, choice in self.chosen))

    @on(OptionList.OptionSelected)
    def _toggled(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        choice = self.choices[event.option_index]
        if choice not in self.chosen and self.limit is not None and len(self.chosen) >= self.limit:
            self.app.notify(f"Pick at most {self.limit}: untick one first.", severity="warning")
            return
        self.chosen ^= {choice}
        self._redraw()
        self.post_message(FieldChanged())


class ChecklistField(Vertical):
    """Items with an optional due date: add, tick and remove them by keys."""

    BINDINGS = [
        Binding("space", "toggle_item", "Tick", show=False),
        Binding("delete,x", "remove", "Remove", show=False),
        Binding("e", "edit", "Edit", show=False),
    ]

    def __init__(self, field: Field, suggestions: list[str], *, id: str | None = None) -> None:
        super().__init__(id=id, classes="checklist")
        self.field = field
        self.suggestions = suggestions
        self.items: list[dict[str, Any]] = []
        self._editing_id: str | None = None  # an item taken back for editing keeps its id (calendars know it)

    def compose(self) -> ComposeResult:
        yield OptionList(id="items", classes="checklist-items", compact=True)
        if self.suggestions:
            yield Label(Content("Suggested from your earlier answers (enter takes one):"), classes="help")
            yield OptionList(
                *[Option(Content(s), id=f"s{i}") for i, s in enumerate(self.suggestions)],
                id="suggestions",
                classes="checklist-suggestions",
                compact=True,
            )
        with Horizontal(classes="checklist-new"):
            yield SafeInput(placeholder="New item, enter to add", id="new-text", compact=True)
            yield SafeInput(placeholder="due YYYY-MM-DD", id="new-due", classes="due", compact=True)

    def on_mount(self) -> None:
        self._refresh_items()

    def _refresh_items(self, highlight: int | None = None) -> None:
        items = self.query_one("#items", OptionList)
        items.clear_options()
        items.can_focus = bool(self.items)  # nothing to tick: tab goes on to the new-item line
        if not self.items:
            items.add_option(Option(Content("No items yet: type one below."), disabled=True))
        for item in self.items:
            box = "[x]" if item.get("done") else "[ ]"
            due = f"  · due {item['due']}" if item.get("due") else ""
            items.add_option(Option(Content(f"{box} {item.get('text', '')}{due}")))
        if self.items:
            items.highlighted = min(highlight or 0, len(self.items) - 1)
        self.post_message(FieldChanged())

    def set_items(self, items: list[dict[str, Any]]) -> None:
        self.items = [dict(i) for i in items if isinstance(i, dict)]
        if self.is_mounted:
            self._refresh_items()

    def _current(self) -> int | None:
        index = self.query_one("#items", OptionList).highlighted
        return index if index is not None and 0 <= index < len(self.items) else None

    def action_toggle_item(self) -> None:
        index = self._current()
        if index is not None:
            self.items[index]["done"] = not self.items[index].get("done")
            self._refresh_items(index)

    def action_remove(self) -> None:
        index = self._current()
        if index is not None:
            del self.items[index]
            self._refresh_items(index)

    def action_edit(self) -> None:
        index = self._current()
        if index is None:
            return
        item = self.items.pop(index)
        self._editing_id = item.get("id") if isinstance(item.get("id"), str) else None
        self.query_one("#new-text", Input).value = str(item.get("text", ""))
        self.query_one("#new-due", Input).value = str(item.get("due") or "")
        self._refresh_items(index)
        self.query_one("#new-text", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The list keys act only while the item list has focus (space and x must type in inputs).
        if action in ("toggle_item", "remove", "edit"):
            return self.query_one("#items", OptionList).has_focus
        return True

    @on(Input.Submitted, "#new-text, #new-due")
    def _add(self, event: Input.Submitted) -> None:
        event.stop()
        self.add_item(self.query_one("#new-text", Input).value, self.query_one("#new-due", Input).value)

    def add_item(self, text: str, due: str = "") -> bool:
        text = text.strip()
        if not text:
            return False
        due = due.strip()
        if due:
            try:
                due = parse_date(due).isoformat()
            except ValueError as exc:
                self.app.notify(str(exc), title="Due date", severity="warning")
                self.query_one("#new-due", Input).focus()
                return False
        self.items.append({"id": self._editing_id or new_item_id(), "text": text, "due": due or None, "done": False})
        self._editing_id = None
        self.query_one("#new-text", Input).value = ""
        self.query_one("#new-due", Input).value = ""
        self._refresh_items(len(self.items) - 1)
        return True

    @on(OptionList.OptionSelected, "#items")
    def _enter_ticks(self, event: OptionList.OptionSelected) -> None:
        """Enter on an item ticks it, as space does (the list offers enter, so it must act)."""
        event.stop()
        self.action_toggle_item()

    @on(OptionList.OptionSelected, "#suggestions")
    def _take_suggestion(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        text = self.suggestions[event.option_index]
        new_text = self.query_one("#new-text", Input)
        new_text.value = text
        new_text.focus()
        self.app.notify("Tab to the due date if you like (YYYY-MM-DD), then press enter.", title="Suggestion")

    @on(Input.Changed, "#new-text, #new-due")
    def _typing(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(FieldChanged())

    def set_pending(self, typed: dict[str, Any]) -> None:
        """Put text typed but not added (from a draft) back into the new-item inputs."""
        self.query_one("#new-text", Input).value = str(typed.get("text", ""))
        self.query_one("#new-due", Input).value = str(typed.get("due", ""))

    @property
    def pending(self) -> dict[str, str]:
        """Text typed into the new-item inputs but not added yet (kept in drafts)."""
        return {
            "text": self.query_one("#new-text", Input).value,
            "due": self.query_one("#new-due", Input).value,
        }


class FieldBox(Vertical):
    """One question: its label, help line, input widget and error line."""

    def __init__(self, field: Field, suggestions: list[str] | None = None) -> None:
        super().__init__(id=f"box-{field.id}", classes=f"field field-{field.kind}")
        self.field = field
        self.suggestions = suggestions or []

    def compose(self) -> ComposeResult:
        f = self.field
        label = Content.assemble((f.label, "bold"), (" *" if f.required else "", "bold"))
        yield Label(label, classes="question")
        if f.help:
            yield Label(Content(f.help), classes="help")
        yield self._input()
        # The error line is added with the first error: every widget is styled when a chapter is built.

    def _input(self) -> Widget:
        f = self.field
        wid = f"field-{f.id}"
        if f.kind == "text":
            return SafeInput(id=wid, compact=True)
        if f.kind == "textarea":
            return SafeTextArea(id=wid, soft_wrap=True, tab_behavior="focus", compact=True)
        if f.kind == "scale":
            return ScaleInput(f.min, f.max, id=wid)
        if f.kind == "choice":
            return ChoiceList(f.options, id=wid)
        if f.kind == "multi":
            return MultiList(f.options, limit=f.max_select, id=wid)
        if f.kind == "date":
            return SafeInput(placeholder="YYYY-MM-DD", id=wid, classes="date", compact=True)
        return ChecklistField(f, self.suggestions, id=wid)

    @property
    def widget(self) -> Widget:
        return self.query_one(f"#field-{self.field.id}")

    def get_value(self) -> Any:
        w = self.widget
        if isinstance(w, ChoiceList | MultiList):
            return w.value
        if isinstance(w, TextArea):
            return w.text
        if isinstance(w, Input):
            if self.field.kind == "date":
                return w.value.strip() or None
            return w.value
        if isinstance(w, ScaleInput):
            return w.value
        if isinstance(w, ChecklistField):
            return [dict(i) for i in w.items]
        return None

    def set_value(self, value: Any) -> None:
        w = self.widget
        value = clean_value(value)
        if isinstance(w, TextArea | Input) and (w.text if isinstance(w, TextArea) else w.value) == (
            value if isinstance(value, str) else ""
        ):
            return  # already shown (a chapter built ahead was filled then): its cursor and wrapping stay
        with self.prevent(Input.Changed, TextArea.Changed):
            if isinstance(w, ChoiceList):
                w.set_reactive(ChoiceList.value, value if value in w.choices else None)
                w.watch_value(w.value)
            elif isinstance(w, TextArea):
                w.load_text(value if isinstance(value, str) else "")
            elif isinstance(w, Input):
                w.value = value if isinstance(value, str) else ""
            elif isinstance(w, ScaleInput):
                ok = isinstance(value, int) and not isinstance(value, bool) and w.low <= value <= w.high
                w.set_reactive(ScaleInput.value, value if ok else None)
                w.refresh()
            elif isinstance(w, MultiList):
                w.set_value(value if isinstance(value, list) else [])
            elif isinstance(w, ChecklistField):
                w.set_items(value if isinstance(value, list) else [])

    def input_target(self) -> Widget:
        """The widget that takes the keys for this question."""
        w = self.widget
        if isinstance(w, ChecklistField):
            return w.query_one("#items", OptionList) if w.items else w.query_one("#new-text", Input)
        return w

    def focus_input(self, scroll_visible: bool = True) -> None:
        """Focus the place to answer this question."""
        self.input_target().focus(scroll_visible=scroll_visible)

    @on(Input.Blurred)
    def _check_date(self, event: Input.Blurred) -> None:
        """A date is checked as soon as you leave it, not only on save."""
        if self.field.kind != "date" or event.input is not self.widget:
            return
        text = event.value.strip()
        if not text:
            self.show_error("")
            return
        try:
            parse_date(text)
        except ValueError as exc:
            self.show_error(str(exc))
        else:
            self.show_error("")

    def show_error(self, message: str) -> None:
        errors = self.query_children(f"#error-{self.field.id}")
        if errors:
            error = errors.first(Label)
            error.update(Content(message))
            error.set_class(not message, "-empty")
        elif message:
            self.mount(Label(Content(message), classes="error", id=f"error-{self.field.id}"))
        self.set_class(bool(message), "-invalid")


class ReflectionForm(VerticalScroll, can_focus=False):
    """The chapter's questions, filled from and read into a dict of answers.

    The form itself takes no focus: tab goes from question to question, and the
    form scrolls to show the one with the focus.
    """

    def __init__(self, fields: tuple[Field, ...], suggestions: dict[str, list[str]], *, id: str | None = None) -> None:
        super().__init__(id=id, classes="form")
        self.fields = fields
        self.suggestions = suggestions
        self._boxes: list[FieldBox] = []

    def compose(self) -> ComposeResult:
        for f in self.fields:
            yield FieldBox(f, self.suggestions.get(f.id))

    def boxes(self) -> list[FieldBox]:
        """The questions' boxes, in order (composed once: found once)."""
        if not self._boxes:
            self._boxes = list(self.query_children(FieldBox))
        return self._boxes

    def to_answers(self) -> dict[str, Any]:
        return {box.field.id: box.get_value() for box in self.boxes()}

    def load_answers(self, answers: dict[str, Any]) -> None:
        for box in self.boxes():
            if box.field.id in answers:
                box.set_value(answers[box.field.id])

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show these errors, and clear the ones shown before (a box without one is left alone)."""
        for box in self.boxes():
            if box.field.id in errors or box.has_class("-invalid"):
                box.show_error(errors.get(box.field.id, ""))

    def focus_field(self, field_id: str) -> None:
        for box in self.boxes():
            if box.field.id == field_id:
                box.focus_input(scroll_visible=False)
                self.scroll_to_widget(box, animate=False, top=True)

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _changed(self) -> None:
        self.post_message(FieldChanged())
