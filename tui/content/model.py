"""The guide's values: chapters, their questions (fields) and notices, and the errors that name what is wrong.

Nothing here reads a file; :mod:`tui.content.chapters` and
:mod:`tui.content.notices` make these values from the files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIELD_KINDS = ("text", "textarea", "scale", "choice", "multi", "date", "checklist")
# The kinds a setback is stored with; a ``setback: kind`` field lists one option per kind, in this order.
SETBACK_KINDS = ("rejection", "project", "layoff", "review", "promotion", "business", "other")
SETBACK_LINKS = ("kind", "date", "feeling")


def _where(path: Path, field_id: str | None) -> str:
    return f"{path}: field '{field_id}'" if field_id else str(path)


class ContentError(Exception):
    """A chapter file that cannot be used. ``str()`` is one line for the user."""

    def __init__(self, path: Path | str, problem: str, field_id: str | None = None) -> None:
        self.path = Path(path)
        self.problem = problem
        self.field_id = field_id
        super().__init__(f"{_where(self.path, field_id)}: {problem}")


class ContentWarning(UserWarning):
    """A chapter that loads but probably does not do what its author meant; ``str()`` is one line."""

    def __init__(self, path: Path | str, problem: str, field_id: str | None = None) -> None:
        self.path = Path(path)
        self.problem = problem
        self.field_id = field_id
        super().__init__(f"{_where(self.path, field_id)}: {problem}")


@dataclass(frozen=True)
class FieldRef:
    """A reference to another chapter's field, written ``chapter.field``."""

    chapter: str
    field: str

    def __str__(self) -> str:
        return f"{self.chapter}.{self.field}"


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    kind: str
    help: str = ""
    required: bool = False
    min: int = 0
    max: int = 10
    options: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    suggest_from: tuple[FieldRef, ...] = ()
    max_select: int | None = None  # multi: at most this many options may be picked
    distress: bool = False  # 0-10 scale where a high number means more pain or fear
    setback: str | None = None  # "kind", "date" or "feeling": the setback record's own value

    def setback_kind(self, option: Any) -> str | None:
        """The stored setback kind an option of a ``setback: kind`` field stands for."""
        if self.setback != "kind" or option not in self.options:
            return None
        return SETBACK_KINDS[self.options.index(option)]

    def setback_option(self, kind: str) -> str | None:
        """The option of a ``setback: kind`` field that stands for a stored setback kind."""
        if self.setback != "kind" or kind not in SETBACK_KINDS:
            return None
        return self.options[SETBACK_KINDS.index(kind)]

    def empty_value(self) -> Any:
        """The value of this field when nothing has been entered."""
        if self.kind in ("text", "textarea"):
            return ""
        if self.kind == "multi":
            return []
        if self.kind == "checklist":
            return [{"text": text, "due": None, "done": False} for text in self.items]
        return None


@dataclass(frozen=True)
class Chapter:
    id: str
    title: str
    order: int
    summary: str
    body: str
    path: Path
    fields: tuple[Field, ...]
    version: int = 1
    builds_on: tuple[FieldRef, ...] = ()
    review_after_days: int | None = None  # offer this chapter once the setback is this many days old
    includes: tuple[str, ...] = ()  # names of the notices its body includes
    _field_index: dict[str, Field] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._field_index.update({f.id: f for f in self.fields})

    def field(self, field_id: str) -> Field | None:
        return self._field_index.get(field_id)

    def setback_field(self, link: str) -> Field | None:
        """The field linked to the setback's own ``kind``, ``date`` or ``feeling``, if any."""
        return next((f for f in self.fields if f.setback == link), None)


@dataclass(frozen=True)
class Notice:
    """A piece of text kept in its own file (``_name.md``) and shown in several places."""

    name: str
    title: str
    body: str
    checked: dt.date
    path: Path
