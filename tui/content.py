"""Load and validate the guide: one Markdown file per chapter.

A chapter file is YAML front matter (the chapter and its form) followed by the
guide text in Markdown; see docs/CONTENT.md. Every problem is reported as a
:class:`ContentError` naming the file, the field and the problem, in one line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from tui.sanitize import clean_text

FIELD_KINDS = ("text", "textarea", "scale", "choice", "multi", "date", "checklist")
CHAPTER_KEYS = {"id", "title", "order", "summary", "version", "builds_on", "review_after_days", "fields"}
NOTICE_KEYS = {"title", "checked"}
# The kinds a setback is stored with; a ``setback: kind`` field lists one option per kind, in this order.
SETBACK_KINDS = ("rejection", "project", "layoff", "review", "promotion", "business", "other")
SETBACK_LINKS = ("kind", "date", "feeling")
HELP_MAX = 74  # a help line is indented under its question: longer ones wrap at 80 columns
FIELD_KEYS = {
    "id",
    "label",
    "kind",
    "help",
    "required",
    "min",
    "max",
    "options",
    "items",
    "suggest_from",
    "max_select",
    "distress",
    "setback",
}
_CHAPTER_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FIELD_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_REF = re.compile(r"^([a-z0-9][a-z0-9-]*)\.([a-z0-9][a-z0-9_]*)$")
_NOTICE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_INCLUDE = re.compile(r"^[ \t]*<!--[ \t]*include:[ \t]*(\S*)[ \t]*-->[ \t]*$", re.M)
_HEADING = re.compile(r"^[ ]{0,3}#{1,6}(?:[ \t]|$)", re.M)

# Phrases by which a chapter's text promises to show earlier answers (it should then have ``builds_on``),
# and by which it promises that a later chapter, named by its order, will use this one's answers.
EARLIER_PHRASES = (
    "shown above",
    "you wrote in",
    "you wrote earlier",
    "your answers from",
    "your earlier answers",
    "from chapter NN",
)
_FROM_CHAPTER = re.compile(r"\bfrom chapter \d{1,3}\b")
LATER_VERBS = ("use", "show", "come back to", "return to", "build on", "bring back", "pick up", "ask about")
_VERBS = "(?:" + "|".join(LATER_VERBS) + ")"
# Both patterns run on one sentence at a time, lowercased, with its whitespace collapsed.
_LATER = (
    re.compile(r"\bchapter (\d{1,3})\b.*?(?:\bwill|'ll) " + _VERBS + r"\b"),
    re.compile(r"(?:\bwill|'ll) " + _VERBS + r"\b.*?\bchapter (\d{1,3})\b"),
)
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n[ \t]*\n")

try:  # the C loader is much faster where PyYAML was built with libyaml
    _YamlLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _YamlLoader = yaml.SafeLoader


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


# Only the front matter is wanted here (the guide is rendered later, on demand): the
# "zero" preset keeps markdown-it from working through the whole body at start-up.
_FRONT_MATTER = MarkdownIt("zero").use(front_matter_plugin)


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str]:
    """The parsed front matter and the Markdown body of a chapter file."""
    tokens = _FRONT_MATTER.parse(text)
    if not tokens or tokens[0].type != "front_matter":
        raise ContentError(path, "no front matter: the file must start with a '---' line")
    token = tokens[0]
    end_line = token.map[1] if token.map else 0
    body = "".join(text.splitlines(keepends=True)[end_line:])
    try:
        data = yaml.load(token.content, Loader=_YamlLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (front matter line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ContentError(path, f"bad front matter{where}: {problem}") from None
    if not isinstance(data, dict):
        raise ContentError(path, "bad front matter: expected 'key: value' lines")
    return data, body


def _string(path: Path, data: dict[str, Any], key: str, field_id: str | None = None) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ContentError(path, f"'{key}' must be a non-empty string", field_id)
    return clean_text(value).strip()


def _int(path: Path, value: Any, key: str, field_id: str | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ContentError(path, f"'{key}' must be a whole number, not {value!r}", field_id)
    return value


def _strings(path: Path, value: Any, key: str, field_id: str | None = None) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ContentError(path, f"'{key}' must be a list of non-empty strings", field_id)
    return tuple(clean_text(v).strip() for v in value)


def _refs(path: Path, value: Any, key: str, field_id: str | None = None) -> tuple[FieldRef, ...]:
    refs = []
    for text in _strings(path, value, key, field_id):
        match = _REF.match(text)
        if not match:
            raise ContentError(path, f"'{key}' entry {text!r} is not 'chapter.field'", field_id)
        refs.append(FieldRef(match.group(1), match.group(2)))
    return tuple(refs)


def _parse_field(path: Path, raw: Any, index: int) -> Field:
    if not isinstance(raw, dict):
        raise ContentError(path, f"field {index + 1} must be a mapping of keys")
    fid = raw.get("id")
    if not isinstance(fid, str) or not _FIELD_ID.match(fid):
        raise ContentError(
            path,
            f"field {index + 1}: 'id' must be lowercase letters, digits and '_', not {fid!r}",
        )
    unknown = sorted(set(raw) - FIELD_KEYS)
    if unknown:
        raise ContentError(path, f"unknown key {unknown[0]!r}", fid)
    kind = raw.get("kind")
    if kind not in FIELD_KINDS:
        raise ContentError(
            path,
            f"unknown kind {kind!r} (expected one of: {', '.join(FIELD_KINDS)})",
            fid,
        )
    label = _string(path, raw, "label", fid)
    help_text = raw.get("help", "")
    if not isinstance(help_text, str):
        raise ContentError(path, "'help' must be a string", fid)
    help_text = clean_text(help_text).strip()
    if "\n" in help_text:
        raise ContentError(path, "'help' must be one line", fid)
    if len(help_text) > HELP_MAX:
        raise ContentError(path, f"'help' is {len(help_text)} characters; at most {HELP_MAX} fit on one line", fid)
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise ContentError(path, "'required' must be true or false", fid)

    def only_for(key: str, kinds: Sequence[str]) -> None:
        if key in raw and kind not in kinds:
            raise ContentError(path, f"'{key}' is only for {' and '.join(kinds)} fields", fid)

    only_for("min", ["scale"])
    only_for("max", ["scale"])
    only_for("options", ["choice", "multi"])
    only_for("items", ["checklist"])
    only_for("suggest_from", ["checklist"])
    only_for("max_select", ["multi"])
    only_for("distress", ["scale"])
    low = _int(path, raw.get("min", 0), "min", fid)
    high = _int(path, raw.get("max", 10), "max", fid)
    if low >= high:
        raise ContentError(path, f"'min' ({low}) must be less than 'max' ({high})", fid)
    if high - low > 100:
        raise ContentError(path, "a scale may span at most 100 steps", fid)
    options = _strings(path, raw.get("options"), "options", fid)
    if kind in ("choice", "multi"):
        if len(options) < 2:
            raise ContentError(path, "'options' needs at least two choices", fid)
        if len(set(options)) != len(options):
            raise ContentError(path, "'options' has the same choice twice", fid)
    max_select = None
    if "max_select" in raw:
        max_select = _int(path, raw["max_select"], "max_select", fid)
        if not 1 <= max_select < len(options):
            raise ContentError(
                path, f"'max_select' must be from 1 to {len(options) - 1} (one less than the options)", fid
            )
    distress = raw.get("distress", False)
    if not isinstance(distress, bool):
        raise ContentError(path, "'distress' must be true or false", fid)
    if distress and (low, high) != (0, 10):
        raise ContentError(path, "'distress' is only for 0-10 scales (the notice shows at 9 or more)", fid)
    setback = _setback_link(path, raw, kind, low, high, options, fid)
    return Field(
        id=fid,
        label=label,
        kind=kind,
        help=help_text,
        required=required,
        min=low,
        max=high,
        options=options,
        items=_strings(path, raw.get("items"), "items", fid),
        suggest_from=_refs(path, raw.get("suggest_from"), "suggest_from", fid),
        max_select=max_select,
        distress=distress,
        setback=setback,
    )


def _setback_link(
    path: Path, raw: dict[str, Any], kind: str, low: int, high: int, options: tuple[str, ...], fid: str
) -> str | None:
    """The checked value of a field's ``setback`` key: which of the setback's own values it holds."""
    if "setback" not in raw:
        return None
    link = raw["setback"]
    if link not in SETBACK_LINKS:
        raise ContentError(path, f"'setback' must be one of: {', '.join(SETBACK_LINKS)}, not {link!r}", fid)
    if link == "kind" and (kind != "choice" or len(options) != len(SETBACK_KINDS)):
        raise ContentError(
            path,
            f"'setback: kind' is only for a choice field with {len(SETBACK_KINDS)} options, one per setback kind "
            f"in this order: {', '.join(SETBACK_KINDS)}",
            fid,
        )
    if link == "date" and kind != "date":
        raise ContentError(path, "'setback: date' is only for date fields", fid)
    if link == "feeling" and (kind != "scale" or (low, high) != (0, 10)):
        raise ContentError(path, "'setback: feeling' is only for 0-10 scale fields", fid)
    return str(link)


NoticeLookup = Callable[[str], Notice | None]


def _include_notices(body: str, path: Path, lookup: NoticeLookup) -> tuple[str, tuple[str, ...]]:
    """The body with each ``<!-- include: name -->`` line replaced by that notice's text."""
    names: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if not _NOTICE_NAME.match(name):
            raise ContentError(path, f"'include' names {name!r}: a notice name is lowercase letters, digits and '-'")
        notice = lookup(name)
        if notice is None:
            raise ContentError(path, f"includes the notice {name!r}, but no valid _{name}.md is in the content folders")
        if name not in names:
            names.append(name)
        return notice.body.strip("\n")

    return _INCLUDE.sub(replace, body), tuple(names)


def parse_chapter(text: str, path: Path, notices: Mapping[str, Notice] | None = None) -> Chapter:
    """One chapter from its file text; raises :class:`ContentError`.

    ``notices`` are the notices its body may include, by name; without them, a
    notice is looked for beside the chapter file.
    """
    data, body = split_front_matter(text, path)
    unknown = sorted(set(data) - CHAPTER_KEYS)
    if unknown:
        raise ContentError(path, f"unknown front matter key {unknown[0]!r}")
    cid = data.get("id")
    if not isinstance(cid, str) or not _CHAPTER_ID.match(cid):
        raise ContentError(path, f"'id' must be lowercase letters, digits and '-', not {cid!r}")
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise ContentError(path, "'fields' must be a list with at least one field")
    fields = [_parse_field(path, raw, i) for i, raw in enumerate(raw_fields)]
    seen: set[str] = set()
    links: dict[str, str] = {}
    for f in fields:
        if f.id in seen:
            raise ContentError(path, "duplicate field id", f.id)
        seen.add(f.id)
        if f.setback is not None:
            if f.setback in links:
                raise ContentError(path, f"'setback: {f.setback}' is also on field '{links[f.setback]}'", f.id)
            links[f.setback] = f.id
    version = _int(path, data.get("version", 1), "version")
    if version < 1:
        raise ContentError(path, "'version' must be 1 or more")
    review_after = data.get("review_after_days")
    if review_after is not None:
        review_after = _int(path, review_after, "review_after_days")
        if not 1 <= review_after <= 365:
            raise ContentError(path, f"'review_after_days' must be from 1 to 365, not {review_after}")

    def lookup(name: str) -> Notice | None:
        if notices is not None:
            return notices.get(name)
        return load_notice([path.parent], name)

    body, includes = _include_notices(clean_text(body), path, lookup)
    return Chapter(
        id=cid,
        title=_string(path, data, "title"),
        order=_int(path, data.get("order"), "order"),
        summary=_string(path, data, "summary"),
        body=body,
        path=path,
        fields=tuple(fields),
        version=version,
        builds_on=_refs(path, data.get("builds_on"), "builds_on"),
        review_after_days=review_after,
        includes=includes,
    )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ContentError(path, "not UTF-8 text") from None
    except OSError as exc:
        raise ContentError(path, f"cannot read: {exc.strerror or exc}") from None


def load_file(path: Path, notices: Mapping[str, Notice] | None = None) -> Chapter:
    return parse_chapter(_read(path), path, notices)


def chapter_files(folder: Path) -> list[Path]:
    """The chapter files of a folder, in name order (names starting with '.' or '_' are not chapters)."""
    return sorted(p for p in folder.glob("*.md") if p.is_file() and not p.name.startswith((".", "_")))


def notice_files(folder: Path) -> list[Path]:
    """The notice files (``_name.md``) of a folder, in name order."""
    return sorted(p for p in folder.glob("_*.md") if p.is_file())


def parse_notice(text: str, path: Path) -> Notice:
    """A notice from its file text; raises :class:`ContentError`."""
    name = path.stem[1:]
    if not _NOTICE_NAME.match(name):
        raise ContentError(path, "a notice file is named '_' then lowercase letters, digits and '-', then '.md'")
    data, body = split_front_matter(text, path)
    unknown = sorted(set(data) - NOTICE_KEYS)
    if unknown:
        raise ContentError(path, f"unknown front matter key {unknown[0]!r}")
    checked = data.get("checked")
    if isinstance(checked, str):
        try:
            checked = dt.date.fromisoformat(checked.strip())
        except ValueError:
            checked = None
    if not isinstance(checked, dt.date) or isinstance(checked, dt.datetime):
        raise ContentError(path, "'checked' must be the date the text was last checked, as YYYY-MM-DD")
    body = clean_text(body).strip("\n")
    if not body.strip():
        raise ContentError(path, "the notice has no text after its front matter")
    if _HEADING.search(body):
        raise ContentError(path, "a notice has no headings: it is shown inside a chapter's section")
    if _INCLUDE.search(body):
        raise ContentError(path, "a notice cannot include another notice")
    return Notice(
        name=name,
        title=_string(path, data, "title"),
        body=body.replace("{checked}", checked.isoformat()) + "\n",
        checked=checked,
        path=path,
    )


def load_notice(folders: Iterable[Path], name: str) -> Notice | None:
    """The notice ``_name.md`` of the content folders (a later folder's replaces an earlier one's).

    None when no folder has it; raises :class:`ContentError` when the file is malformed.
    """
    found = None
    for folder in folders:
        candidate = folder / f"_{name}.md"
        if candidate.is_file():
            found = candidate
    return None if found is None else parse_notice(_read(found), found)


@dataclass
class LoadResult:
    chapters: list[Chapter]
    errors: list[ContentError]
    files: int
    notices: dict[str, Notice] = field(default_factory=dict)
    _warnings: list[ContentWarning] | None = field(default=None, repr=False, compare=False)

    @property
    def warnings(self) -> list[ContentWarning]:
        """Promises the chapters' text makes that their front matter does not keep.

        Worked out on first use: the app never asks, ``check-content`` does.
        """
        if self._warnings is None:
            self._warnings = _promise_warnings(self.chapters)
        return self._warnings


def _promise_warnings(chapters: Sequence[Chapter]) -> list[ContentWarning]:
    """Chapters whose text promises earlier answers, or a later chapter's use of theirs, that is not there."""
    warnings: list[ContentWarning] = []
    by_order: dict[int, list[Chapter]] = {}
    for chapter in chapters:
        by_order.setdefault(chapter.order, []).append(chapter)
    for chapter in chapters:
        texts = [chapter.body] + [t for f in chapter.fields for t in (f.label, f.help)]
        text = "\n".join(texts)
        flat = " ".join(text.split()).lower()
        earlier = next((p for p in EARLIER_PHRASES if "NN" not in p and p in flat), None)
        if earlier is None and (match := _FROM_CHAPTER.search(flat)):
            earlier = match.group(0)
        if earlier and not chapter.builds_on:
            warnings.append(
                ContentWarning(
                    chapter.path,
                    f"the text promises earlier answers ({earlier!r}) but the chapter has no 'builds_on'",
                )
            )
        promised: list[int] = []
        sentences = _SENTENCE_END.split(text) if re.search(r"chapter\s+\d", flat) else []
        for sentence in sentences:
            if "chapter" not in sentence.lower():
                continue
            sentence = " ".join(sentence.split()).lower()
            if "will " not in sentence and "'ll " not in sentence:
                continue
            for pattern in _LATER:
                for match in pattern.finditer(sentence):
                    number = int(match.group(1))
                    if number > chapter.order and number not in promised:
                        promised.append(number)
        for number in sorted(promised):
            later = by_order.get(number, [])
            if not later:
                warnings.append(
                    ContentWarning(
                        chapter.path,
                        f"the text says chapter {number} will use its answers, but no chapter has order {number}",
                    )
                )
                continue
            refs = [r for c in later for r in c.builds_on] + [
                r for c in later for f in c.fields for r in f.suggest_from
            ]
            if not any(r.chapter == chapter.id for r in refs):
                names = ", ".join(repr(c.id) for c in later)
                warnings.append(
                    ContentWarning(
                        chapter.path,
                        f"the text says chapter {number} will use its answers, but {names} names none of "
                        f"'{chapter.id}''s fields in 'builds_on' or 'suggest_from'",
                    )
                )
    return warnings


def load_folders(folders: Iterable[Path]) -> LoadResult:
    """Every chapter of the folders, later folders replacing earlier ones by id.

    Returns the valid chapters and every error found (one per bad file, plus
    references to chapters or fields that do not exist), the warnings (text that
    promises answers the front matter does not link), and the notices by name.
    """
    folders = [f for f in folders if f.is_dir()]
    by_id: dict[str, Chapter] = {}
    errors: list[ContentError] = []
    notices: dict[str, Notice] = {}
    for folder in folders:
        for path in notice_files(folder):
            try:
                notice = parse_notice(_read(path), path)
            except ContentError as exc:
                errors.append(exc)
                continue
            notices[notice.name] = notice
    files = 0
    for folder in folders:
        seen_here: dict[str, Path] = {}
        for path in chapter_files(folder):
            files += 1
            try:
                chapter = load_file(path, notices)
            except ContentError as exc:
                errors.append(exc)
                continue
            if chapter.id in seen_here:
                errors.append(
                    ContentError(
                        path,
                        f"chapter id {chapter.id!r} is also used by {seen_here[chapter.id].name}",
                    )
                )
                continue
            seen_here[chapter.id] = path
            by_id[chapter.id] = chapter
    linked: dict[str, Chapter] = {}
    for chapter in by_id.values():
        refs: list[tuple[str, str | None, FieldRef]] = [("builds_on", None, r) for r in chapter.builds_on]
        refs += [("suggest_from", f.id, r) for f in chapter.fields for r in f.suggest_from]
        for key, fid, ref in refs:
            target = by_id.get(ref.chapter)
            if target is None or target.field(ref.field) is None:
                what = "chapter" if target is None else "field"
                errors.append(
                    ContentError(
                        chapter.path,
                        f"'{key}' names a {what} that does not exist: {ref}",
                        fid,
                    )
                )
        for f in chapter.fields:
            if f.setback is None:
                continue
            other = linked.setdefault(f.setback, chapter)
            if other is not chapter:
                errors.append(
                    ContentError(
                        chapter.path,
                        f"'setback: {f.setback}' is also used in {other.path.name}: only one chapter may link it",
                        f.id,
                    )
                )
    chapters = sorted(by_id.values(), key=lambda c: (c.order, c.id))
    return LoadResult(chapters, errors, files, notices)


def load_chapters(folders: Iterable[Path]) -> list[Chapter]:
    """The chapters of the folders; raises the first :class:`ContentError` found."""
    folders = list(folders)
    result = load_folders(folders)
    if result.errors:
        raise result.errors[0]
    if not result.chapters:
        raise ContentError(", ".join(str(f) for f in folders), "no chapter files (*.md) found")
    return result.chapters
