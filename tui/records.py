"""The journal's records as typed values, and the rules every part of the program shares.

Tables are named by the constants here; a stored document becomes a dataclass
at the Workbook's boundary (:func:`from_doc`), and the screens, the CLI and
the exports see only those. One rule each decides what a valid setback is
(:func:`check_setback`), what an empty answer is (:func:`is_empty`) and how an
answer reads as text (:func:`format_value`). Nothing here imports Textual or
touches storage.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import uuid
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from tui.content import SETBACK_KINDS, Field
from tui.sanitize import clean_text

# -- tables ---------------------------------------------------------------------

SETBACKS = "setbacks"
REFLECTIONS = "reflections"
DRAFTS = "drafts"
ACTIONS = "actions"
CHECKINS = "checkins"
META = "meta"
TRASH = "trash"  # deleted setbacks with everything written about them, until the trash is emptied
FORMS = "forms"  # what was typed into a dialog (naming a setback, a check-in) and not saved yet
CONFLICTS = "conflicts"  # the other machine's version of what both machines changed, kept by a merge
CHILD_TABLES = (REFLECTIONS, DRAFTS, ACTIONS, CHECKINS)  # each record names its setback
# SETBACK_KINDS (rejection, project, layoff, review, promotion, business, other) is defined with the
# chapters (tui.content), whose `setback: kind` field lists one option per kind, in this order.

STATUSES = ("empty", "draft", "done")

T = TypeVar("T")


def parse_date(text: str) -> dt.date:
    """A date typed as YYYY-MM-DD; raises ValueError with a message for the user."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"'{text.strip()}' is not a date: use YYYY-MM-DD, e.g. 2026-03-14") from None


# -- records ----------------------------------------------------------------------


@dataclass
class Setback:
    id: int
    title: str
    kind: str = "other"
    date: str | None = None
    feeling: int | None = None
    archived: bool = False
    created: str = ""
    updated: str = ""
    notes: str = ""  # free notes, e.g. entries imported from jrnl or Day One


@dataclass
class Reflection:
    id: int
    setback_id: int
    chapter_id: str
    answers: dict[str, Any]
    status: str = "draft"
    chapter_version: int = 1
    revision: int = 1
    created: str = ""
    updated: str = ""


@dataclass
class Draft:
    """What was on screen and not saved: the answers, and text typed into a form's side inputs."""

    id: int
    setback_id: int
    chapter_id: str
    answers: dict[str, Any]
    updated: str = ""
    pending: dict[str, Any] = field(default_factory=dict)  # e.g. a checklist item typed but not added yet


@dataclass
class ActionItem:
    """A checklist item of a saved chapter, as a dated commitment.

    ``id`` is the record's, and changes each time the chapter is saved;
    ``item_id`` stays with the item (see :func:`item_keys`): calendars and
    scripts use it to recognise an item they have seen.
    """

    id: int
    setback_id: int
    chapter_id: str
    field_id: str
    text: str
    due: str | None = None
    done: bool = False
    item_id: str = ""


@dataclass
class CheckIn:
    at: str
    rating: int


@dataclass
class TrashedSetback:
    """A deleted setback, kept (with its reflections, drafts, actions and check-ins) until the trash is emptied."""

    id: int
    title: str
    deleted: str
    reflections: int = 0


@dataclass
class Conflict:
    """Something two machines changed differently: the version in place, and the other one, kept.

    ``field`` is the answer's field id for a reflection or a draft (``answer``
    True), else the record's own field (a setback's title, say). ``here`` is
    what the journal holds now; ``other`` the other machine's version, with
    the device and time of each change where they are known.
    """

    id: int
    table: str
    field: str
    here: Any
    other: Any
    answer: bool = False
    record_id: int | None = None  # None: the record is gone
    setback_id: int | None = None
    chapter_id: str | None = None
    here_device: str = ""
    here_changed: str = ""
    other_device: str = ""
    other_changed: str = ""
    found: str = ""

    @property
    def in_chapter(self) -> bool:
        """Whether a chapter shows it (an answer of a record still here); else it is chosen from the home screen."""
        return self.answer and self.setback_id is not None and self.chapter_id is not None

    @property
    def other_is_newer(self) -> bool:
        """Whether the other version was changed later than the one in place (as far as the times say)."""
        return bool(self.other_changed) and self.other_changed > self.here_changed


@dataclass(frozen=True)
class SetbackFields:
    """What a person says about a setback, checked (see :func:`check_setback`)."""

    title: str
    kind: str = "other"
    date: str | None = None
    feeling: int | None = None
    notes: str | None = None  # None: the notes stay as they are

    def doc(self) -> dict[str, Any]:
        """The fields to store (notes only when given)."""
        out = {"title": self.title, "kind": self.kind, "date": self.date, "feeling": self.feeling}
        if self.notes is not None:
            out["notes"] = self.notes
        return out


@dataclass
class Progress:
    done: int
    started: int
    total: int


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))


def from_doc(cls: type[T], doc: dict[str, Any]) -> T:
    """A dataclass record from a stored document; keys it does not know are ignored."""
    names = _field_names(cls)  # type: ignore[arg-type]
    return cls(**{k: v for k, v in doc.items() if k in names})


# -- the shared rules -------------------------------------------------------------


class InvalidSetback(ValueError):
    """A setback that cannot be saved; ``field`` names what to fix (title, kind, date, feeling)."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


def check_setback(
    title: str, kind: str = "other", date: str | None = None, feeling: int | None = None, notes: str | None = None
) -> SetbackFields:
    """The one rule for a valid setback: a title, a known kind, a real date or none, a feeling 0-10 or none.

    ``notes`` (free text, or None to leave them as they are) are cleaned as typed text is.

    Returns the cleaned values; raises :class:`InvalidSetback`.
    """
    clean_title = clean_text(title).strip() if isinstance(title, str) else ""
    if not clean_title:
        raise InvalidSetback("title", "give the setback a title")
    if kind not in SETBACK_KINDS:
        raise InvalidSetback("kind", f"kind must be one of: {', '.join(SETBACK_KINDS)}")
    if date is not None and not isinstance(date, str):
        raise InvalidSetback("date", "the date must be written YYYY-MM-DD")
    if date and date.strip():
        try:
            date = parse_date(date).isoformat()
        except ValueError as exc:
            raise InvalidSetback("date", str(exc)) from None
    else:
        date = None
    if feeling is not None and (isinstance(feeling, bool) or not isinstance(feeling, int) or not 0 <= feeling <= 10):
        raise InvalidSetback("feeling", "feeling must be from 0 to 10")
    if notes is not None and not isinstance(notes, str):
        raise InvalidSetback("notes", "notes must be text")
    return SetbackFields(clean_title, kind, date, feeling, None if notes is None else clean_text(notes).strip("\n"))


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


def same_answers(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two sets of answers say the same thing (an empty answer is empty, whatever its type)."""
    keys = set(a) | set(b)
    for key in keys:
        x, y = a.get(key), b.get(key)
        if is_empty(x) and is_empty(y):
            continue
        if x != y:
            return False
    return True


def format_value(f: Field | None, value: Any) -> str:
    """An answer as plain text, for display and export."""
    if is_empty(value):
        return ""
    if f is not None and f.kind == "scale":
        return f"{value} (of {f.min}-{f.max})"
    if isinstance(value, list):
        lines = []
        for item in value:
            if isinstance(item, dict):
                box = "[x]" if item.get("done") else "[ ]"
                due = f" (due {item['due']})" if item.get("due") else ""
                lines.append(f"{box} {item.get('text', '')}{due}")
            else:
                lines.append(f"- {item}")
        return "\n".join(lines)
    return str(value)


def new_item_id() -> str:
    """A new checklist item's id: random, so that it never depends on the item's text or place."""
    return uuid.uuid4().hex[:16]


def item_keys(items: list[Any]) -> list[str]:
    """A stable key for each checklist item: its ``id``, else one made from its text.

    Items saved before items had ids keep their key as long as their text
    does (a second item with the same text gets ``-2``, and so on); new items
    carry a random id from :func:`new_item_id` that survives edits.
    """
    seen: dict[str, int] = {}
    keys = []
    for item in items:
        ident = item.get("id") if isinstance(item, dict) else None
        if isinstance(ident, str) and ident.strip():
            keys.append(ident.strip())
            continue
        text = str(item.get("text", "")) if isinstance(item, dict) else str(item)
        base = "t" + hashlib.sha256(text.strip().encode()).hexdigest()[:15]
        seen[base] = seen.get(base, 0) + 1
        keys.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return keys


def candidates(f: Field | None, value: Any) -> list[str]:
    """An answer split into items: lines of text, options of a multi, checklist texts."""
    if is_empty(value):
        return []
    if isinstance(value, list):
        out = [str(v.get("text", "")) if isinstance(v, dict) else str(v) for v in value]
    else:
        out = str(value).splitlines()
    return [line.strip(" -*\t") for line in out if line.strip(" -*\t")]
