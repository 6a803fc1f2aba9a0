"""The domain: setbacks, reflections, drafts, action items and check-ins.

:class:`Workbook` is the one service the screens talk to. It validates and
cleans what is typed, keeps answers to fields a chapter no longer has, turns
checklist items into action items, and groups each save into one durable
write. Nothing here imports Textual.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from tui.content import Chapter, Field, FieldRef
from tui.sanitize import clean_text, clean_value
from tui.store import Store

SETBACK_KINDS = (
    "rejection",
    "project",
    "layoff",
    "review",
    "promotion",
    "business",
    "other",
)
STATUSES = ("empty", "draft", "done")

Clock = Callable[[], dt.datetime]
T = TypeVar("T")


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def parse_date(text: str) -> dt.date:
    """A date typed as YYYY-MM-DD; raises ValueError with a message for the user."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"'{text.strip()}' is not a date: use YYYY-MM-DD, e.g. 2026-03-14") from None


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
    id: int
    setback_id: int
    chapter_id: str
    answers: dict[str, Any]
    updated: str = ""


@dataclass
class ActionItem:
    id: int
    setback_id: int
    chapter_id: str
    field_id: str
    text: str
    due: str | None = None
    done: bool = False


@dataclass
class EarlierAnswer:
    """An answer from another chapter that this one builds on."""

    ref: FieldRef
    chapter_title: str
    label: str
    text: str


@dataclass
class SearchHit:
    """One answer that contains the query, with where the match is in ``text``."""

    setback_id: int
    chapter_id: str
    field_id: str
    text: str
    start: int
    end: int
    updated: str


@dataclass
class Progress:
    done: int
    started: int
    total: int


@dataclass
class ValidationResult:
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))


def from_doc(cls: type[T], doc: dict[str, Any]) -> T:
    """A dataclass record from a stored document; keys it does not know are ignored."""
    names = _field_names(cls)  # type: ignore[arg-type]
    return cls(**{k: v for k, v in doc.items() if k in names})


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


def candidates(f: Field | None, value: Any) -> list[str]:
    """An answer split into items: lines of text, options of a multi, checklist texts."""
    if is_empty(value):
        return []
    if isinstance(value, list):
        out = [str(v.get("text", "")) if isinstance(v, dict) else str(v) for v in value]
    else:
        out = str(value).splitlines()
    return [line.strip(" -*\t") for line in out if line.strip(" -*\t")]


class Workbook:
    """Everything a person does with their journal, in domain terms."""

    def __init__(self, store: Store, chapters: Sequence[Chapter], clock: Clock = _now) -> None:
        self.store = store
        self.chapters = list(chapters)
        self._by_id = {c.id: c for c in self.chapters}
        self.clock = clock
        self._texts: tuple[int, list[tuple[int, str, str, str, str]]] | None = None

    def _stamp(self) -> str:
        return self.clock().isoformat(timespec="seconds")

    # -- chapters ----------------------------------------------------------

    def chapter(self, chapter_id: str) -> Chapter | None:
        return self._by_id.get(chapter_id)

    def neighbour(self, chapter_id: str, step: int) -> Chapter | None:
        """The chapter ``step`` places after (or before) the given one."""
        ids = [c.id for c in self.chapters]
        if chapter_id not in ids:
            return None
        index = ids.index(chapter_id) + step
        return self.chapters[index] if 0 <= index < len(ids) else None

    # -- setbacks ----------------------------------------------------------

    def setbacks(self, include_archived: bool = False) -> list[Setback]:
        found = [from_doc(Setback, d) for d in self.store.all("setbacks")]
        if not include_archived:
            found = [s for s in found if not s.archived]
        return sorted(found, key=lambda s: (s.created, s.id), reverse=True)

    def setback(self, setback_id: int) -> Setback | None:
        doc = self.store.get("setbacks", setback_id)
        return None if doc is None else from_doc(Setback, doc)

    def _check_setback(self, title: str, kind: str, date: str | None, feeling: int | None) -> dict[str, Any]:
        title = clean_text(title).strip()
        if not title:
            raise ValueError("give the setback a title")
        if kind not in SETBACK_KINDS:
            raise ValueError(f"kind must be one of: {', '.join(SETBACK_KINDS)}")
        if date:
            date = parse_date(date).isoformat()
        if feeling is not None and not 0 <= feeling <= 10:
            raise ValueError("feeling must be from 0 to 10")
        return {"title": title, "kind": kind, "date": date or None, "feeling": feeling}

    def add_setback(
        self,
        title: str,
        kind: str = "other",
        date: str | None = None,
        feeling: int | None = None,
    ) -> Setback:
        doc = self._check_setback(title, kind, date, feeling)
        now = self._stamp()
        doc.update(archived=False, created=now, updated=now)
        with self.store.batch():
            new_id = self.store.insert("setbacks", doc)
            if feeling is not None:
                self.store.insert("checkins", {"setback_id": new_id, "rating": feeling, "at": now})
        return from_doc(Setback, {**doc, "id": new_id})

    def update_setback(
        self,
        setback_id: int,
        title: str,
        kind: str,
        date: str | None,
        feeling: int | None,
    ) -> Setback:
        doc = self._check_setback(title, kind, date, feeling)
        doc["updated"] = self._stamp()
        self.store.update("setbacks", setback_id, doc)
        found = self.setback(setback_id)
        assert found is not None
        return found

    def archive_setback(self, setback_id: int, archived: bool = True) -> None:
        self.store.update("setbacks", setback_id, {"archived": archived, "updated": self._stamp()})

    def delete_setback(self, setback_id: int) -> None:
        """Delete a setback with everything written about it."""
        with self.store.batch():
            for table in ("reflections", "drafts", "actions", "checkins"):
                self.store.remove(
                    table,
                    [d["id"] for d in self.store.find(table, setback_id=setback_id)],
                )
            self.store.remove("setbacks", [setback_id])

    # -- reflections -------------------------------------------------------

    def reflection(self, setback_id: int, chapter_id: str) -> Reflection | None:
        found = self.store.find("reflections", setback_id=setback_id, chapter_id=chapter_id)
        return from_doc(Reflection, found[0]) if found else None

    def reflections(self, setback_id: int | None = None) -> list[Reflection]:
        docs = (
            self.store.all("reflections")
            if setback_id is None
            else self.store.find("reflections", setback_id=setback_id)
        )
        return sorted((from_doc(Reflection, d) for d in docs), key=lambda r: r.updated, reverse=True)

    def status(self, setback_id: int, chapter_id: str) -> str:
        found = self.reflection(setback_id, chapter_id)
        return "empty" if found is None else found.status

    def validate(self, chapter: Chapter, answers: dict[str, Any], done: bool = False) -> ValidationResult:
        """Problems with the answers, by field id; required fields only when marking done."""
        result = ValidationResult()
        for f in chapter.fields:
            value = answers.get(f.id)
            if is_empty(value):
                if done and f.required:
                    result.errors[f.id] = "required to mark the chapter done"
                continue
            if f.kind == "date":
                try:
                    parse_date(str(value))
                except ValueError as exc:
                    result.errors[f.id] = str(exc)
            elif f.kind == "scale":
                if isinstance(value, bool) or not isinstance(value, int) or not f.min <= value <= f.max:
                    result.errors[f.id] = f"choose a number from {f.min} to {f.max}"
            elif f.kind == "choice" and value not in f.options:
                result.errors[f.id] = "choose one of the options"
            elif f.kind == "checklist":
                if not isinstance(value, list):
                    result.errors[f.id] = "expected a list of items"
                    continue
                for item in value:
                    due = item.get("due") if isinstance(item, dict) else None
                    if due:
                        try:
                            parse_date(str(due))
                        except ValueError as exc:
                            result.errors[f.id] = f"item '{item.get('text', '')}': {exc}"
                            break
        return result

    def save_reflection(
        self,
        setback_id: int,
        chapter_id: str,
        answers: dict[str, Any],
        done: bool = False,
    ) -> Reflection:
        """Save the answers (and clear the draft) in one durable write.

        Raises ValueError when the answers are invalid, ``SaveError`` when the
        disk refused them (nothing changed then).
        """
        chapter = self._require_chapter(chapter_id)
        answers = clean_value(answers)
        check = self.validate(chapter, answers, done=done)
        if not check.ok:
            fid, message = next(iter(check.errors.items()))
            f = chapter.field(fid)
            raise ValueError(f"{f.label if f else fid}: {message}")
        now = self._stamp()
        status = "done" if done else "draft"
        with self.store.batch():
            previous = self.reflection(setback_id, chapter_id)
            kept = dict(previous.answers) if previous else {}
            kept.update(answers)  # answers to fields the chapter no longer has stay
            if previous is None:
                doc = {
                    "setback_id": setback_id,
                    "chapter_id": chapter_id,
                    "answers": kept,
                    "status": status,
                    "chapter_version": chapter.version,
                    "revision": 1,
                    "created": now,
                    "updated": now,
                }
                new_id = self.store.insert("reflections", doc)
            else:
                new_id = previous.id
                doc = {
                    "answers": kept,
                    "status": status,
                    "chapter_version": chapter.version,
                    "revision": previous.revision + 1,
                    "updated": now,
                }
                self.store.update("reflections", new_id, doc)
            self._sync_actions(setback_id, chapter, kept)
            self._remove_drafts(setback_id, chapter_id)
        base = {"setback_id": setback_id, "chapter_id": chapter_id, "created": now}
        if previous is not None:
            base["created"] = previous.created
        return from_doc(Reflection, {**base, **doc, "id": new_id})

    def _require_chapter(self, chapter_id: str) -> Chapter:
        chapter = self.chapter(chapter_id)
        if chapter is None:
            raise ValueError(f"no chapter '{chapter_id}'")
        return chapter

    def unknown_answers(self, chapter: Chapter, reflection: Reflection | None) -> dict[str, Any]:
        """Answers kept from fields this chapter no longer has."""
        if reflection is None:
            return {}
        return {k: v for k, v in reflection.answers.items() if chapter.field(k) is None and not is_empty(v)}

    # -- drafts ------------------------------------------------------------

    def save_draft(self, setback_id: int, chapter_id: str, answers: dict[str, Any]) -> None:
        """Keep what is on screen, not yet saved, so that nothing typed is lost."""
        answers = clean_value(answers)
        now = self._stamp()
        found = self.store.find("drafts", setback_id=setback_id, chapter_id=chapter_id)
        if found:
            if found[0].get("answers") == answers:
                return
            self.store.update("drafts", found[0]["id"], {"answers": answers, "updated": now})
        else:
            self.store.insert(
                "drafts",
                {
                    "setback_id": setback_id,
                    "chapter_id": chapter_id,
                    "answers": answers,
                    "updated": now,
                },
            )

    def draft(self, setback_id: int, chapter_id: str) -> Draft | None:
        found = self.store.find("drafts", setback_id=setback_id, chapter_id=chapter_id)
        return from_doc(Draft, found[0]) if found else None

    def drafts(self) -> list[Draft]:
        return sorted(
            (from_doc(Draft, d) for d in self.store.all("drafts")),
            key=lambda d: d.updated,
            reverse=True,
        )

    def discard_draft(self, setback_id: int, chapter_id: str) -> None:
        self._remove_drafts(setback_id, chapter_id)

    def _remove_drafts(self, setback_id: int, chapter_id: str) -> None:
        self.store.remove(
            "drafts",
            [d["id"] for d in self.store.find("drafts", setback_id=setback_id, chapter_id=chapter_id)],
        )

    # -- what chapters build on -------------------------------------------

    def answer(self, setback_id: int, ref: FieldRef) -> Any:
        """The saved answer to another chapter's field, else its draft, else None."""
        draft = self.draft(setback_id, ref.chapter)
        if draft is not None and not is_empty(draft.answers.get(ref.field)):
            return draft.answers.get(ref.field)
        saved = self.reflection(setback_id, ref.chapter)
        return None if saved is None else saved.answers.get(ref.field)

    def earlier_answers(self, setback_id: int, chapter: Chapter) -> list[EarlierAnswer]:
        """The answers this chapter builds on, in the order its front matter names them."""
        out = []
        for ref in chapter.builds_on:
            source = self.chapter(ref.chapter)
            f = source.field(ref.field) if source else None
            if source is None or f is None:
                continue
            text = format_value(f, self.answer(setback_id, ref))
            out.append(EarlierAnswer(ref, source.title, f.label, text))
        return out

    def suggestions(self, setback_id: int, chapter: Chapter, field_id: str) -> list[str]:
        """Candidate checklist items from the answers a field suggests from."""
        f = chapter.field(field_id)
        if f is None:
            return []
        out: list[str] = []
        for ref in f.suggest_from:
            source = self.chapter(ref.chapter)
            for item in candidates(
                source.field(ref.field) if source else None,
                self.answer(setback_id, ref),
            ):
                if item not in out:
                    out.append(item)
        return out

    # -- action items ------------------------------------------------------

    def _sync_actions(self, setback_id: int, chapter: Chapter, answers: dict[str, Any]) -> None:
        """Make the action items match the chapter's checklist answers."""
        old = [d["id"] for d in self.store.find("actions", setback_id=setback_id, chapter_id=chapter.id)]
        self.store.remove("actions", old)
        for f in chapter.fields:
            if f.kind != "checklist":
                continue
            for item in answers.get(f.id) or []:
                if not isinstance(item, dict) or not str(item.get("text", "")).strip():
                    continue
                self.store.insert(
                    "actions",
                    {
                        "setback_id": setback_id,
                        "chapter_id": chapter.id,
                        "field_id": f.id,
                        "text": str(item["text"]).strip(),
                        "due": item.get("due") or None,
                        "done": bool(item.get("done")),
                    },
                )

    def actions(self, setback_id: int | None = None, include_done: bool = False) -> list[ActionItem]:
        docs = self.store.all("actions") if setback_id is None else self.store.find("actions", setback_id=setback_id)
        items = [from_doc(ActionItem, d) for d in docs]
        if not include_done:
            items = [a for a in items if not a.done]
        return sorted(items, key=lambda a: (a.due is None, a.due or "", a.id))

    # -- search --------------------------------------------------------------

    def search(self, query: str, limit: int = 500) -> tuple[list[SearchHit], int]:
        """Answers containing ``query`` (case-insensitive), newest first, and the total count.

        Each answer counts once, at its first match; list answers are searched line by line.
        """
        needle = clean_text(query).strip().casefold()
        if not needle:
            return [], 0
        live = {setback_id for (setback_id,) in self.store.pluck("setbacks", "id")}
        found = []
        for row in self._answer_texts():
            if row[0] not in live:
                continue
            at = row[3].casefold().find(needle)
            if at >= 0:
                found.append((row, at))
        found.sort(key=lambda hit: hit[0][4], reverse=True)  # newest first; equal times keep their order
        hits = [
            SearchHit(setback_id, chapter_id, field_id, text, at, at + len(needle), updated)
            for (setback_id, chapter_id, field_id, text, updated), at in found[:limit]
        ]
        return hits, len(found)

    # -- check-ins and progress -------------------------------------------

    def prepare_search(self) -> None:
        """Gather what :meth:`search` looks through now, so the first search is as quick as the next."""
        self._answer_texts()

    def _answer_texts(self) -> list[tuple[int, str, str, str, str]]:
        """Every non-empty answer as text, with where it is; kept until the reflections change.

        Searching as the person types then costs one pass over strings, not a
        pass over every record and the formatting of every list answer.
        """
        version = self.store.table_version("reflections")
        cached = self._texts
        if cached is not None and cached[0] == version:
            return cached[1]
        texts = []
        rows = self.store.pluck("reflections", "setback_id", "chapter_id", "answers", "updated")
        for setback_id, chapter_id, answers, updated in rows:
            for field_id, value in (answers or {}).items():
                text = value if isinstance(value, str) else format_value(None, value)
                if text:
                    texts.append((setback_id, chapter_id, field_id, text, "" if updated is None else updated))
        self._texts = (version, texts)
        return texts

    def check_in(self, setback_id: int, rating: int) -> None:
        if not 0 <= rating <= 10:
            raise ValueError("a check-in is a number from 0 to 10")
        self.store.insert(
            "checkins",
            {"setback_id": setback_id, "rating": rating, "at": self._stamp()},
        )

    def checkins(self, setback_id: int | None = None) -> list[tuple[str, int]]:
        docs = self.store.all("checkins") if setback_id is None else self.store.find("checkins", setback_id=setback_id)
        ordered = sorted(docs, key=lambda d: (d["at"], d["id"]))  # same second: in the order recorded
        return [(d["at"], int(d["rating"])) for d in ordered]

    def progress(self, setback_id: int) -> Progress:
        statuses = [r.status for r in self.reflections(setback_id) if r.chapter_id in self._by_id]
        return Progress(statuses.count("done"), len(statuses), len(self.chapters))

    def progress_all(self) -> dict[int, Progress]:
        """Progress of every setback that has reflections, in one pass over the journal."""
        out: dict[int, Progress] = {}
        total = len(self.chapters)
        for setback_id, chapter_id, status in self.store.pluck("reflections", "setback_id", "chapter_id", "status"):
            if chapter_id not in self._by_id:
                continue
            p = out.setdefault(setback_id, Progress(0, 0, total))
            p.started += 1
            p.done += status == "done"
        return out

    def last_opened(self) -> tuple[int, str] | None:
        """The (setback, chapter) written in most recently: where to continue."""
        keys = ("updated", "setback_id", "chapter_id")
        live = {s.id for s in self.setbacks()}
        latest = [
            (str(updated or ""), setback_id, chapter_id)
            for table in ("reflections", "drafts")
            for updated, setback_id, chapter_id in self.store.pluck(table, *keys)
            if setback_id in live and chapter_id in self._by_id
        ]
        if not latest:
            return None
        _, setback_id, chapter_id = max(latest)
        return setback_id, chapter_id
