"""Load and validate the guide: one Markdown file per chapter.

A chapter file is YAML front matter (the chapter and its form) followed by the
guide text in Markdown; see docs/CONTENT.md. Every problem is reported as a
:class:`ContentError` naming the file, the field and the problem, in one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from tui.sanitize import clean_text

FIELD_KINDS = ("text", "textarea", "scale", "choice", "multi", "date", "checklist")
CHAPTER_KEYS = {"id", "title", "order", "summary", "version", "builds_on", "fields"}
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
}
_CHAPTER_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FIELD_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_REF = re.compile(r"^([a-z0-9][a-z0-9-]*)\.([a-z0-9][a-z0-9_]*)$")

try:  # the C loader is much faster where PyYAML was built with libyaml
    _YamlLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _YamlLoader = yaml.SafeLoader


class ContentError(Exception):
    """A chapter file that cannot be used. ``str()`` is one line for the user."""

    def __init__(self, path: Path | str, problem: str, field_id: str | None = None) -> None:
        self.path = Path(path)
        self.problem = problem
        self.field_id = field_id
        where = f"{self.path}: field '{field_id}'" if field_id else str(self.path)
        super().__init__(f"{where}: {problem}")


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
    _field_index: dict[str, Field] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._field_index.update({f.id: f for f in self.fields})

    def field(self, field_id: str) -> Field | None:
        return self._field_index.get(field_id)


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
    return Field(
        id=fid,
        label=label,
        kind=kind,
        help=clean_text(help_text).strip(),
        required=required,
        min=low,
        max=high,
        options=options,
        items=_strings(path, raw.get("items"), "items", fid),
        suggest_from=_refs(path, raw.get("suggest_from"), "suggest_from", fid),
    )


def parse_chapter(text: str, path: Path) -> Chapter:
    """One chapter from its file text; raises :class:`ContentError`."""
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
    for f in fields:
        if f.id in seen:
            raise ContentError(path, "duplicate field id", f.id)
        seen.add(f.id)
    version = _int(path, data.get("version", 1), "version")
    if version < 1:
        raise ContentError(path, "'version' must be 1 or more")
    return Chapter(
        id=cid,
        title=_string(path, data, "title"),
        order=_int(path, data.get("order"), "order"),
        summary=_string(path, data, "summary"),
        body=clean_text(body),
        path=path,
        fields=tuple(fields),
        version=version,
        builds_on=_refs(path, data.get("builds_on"), "builds_on"),
    )


def load_file(path: Path) -> Chapter:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ContentError(path, "not UTF-8 text") from None
    except OSError as exc:
        raise ContentError(path, f"cannot read: {exc.strerror or exc}") from None
    return parse_chapter(text, path)


def chapter_files(folder: Path) -> list[Path]:
    """The chapter files of a folder, in name order."""
    return sorted(p for p in folder.glob("*.md") if p.is_file() and not p.name.startswith("."))


@dataclass
class LoadResult:
    chapters: list[Chapter]
    errors: list[ContentError]
    files: int


def load_folders(folders: Iterable[Path]) -> LoadResult:
    """Every chapter of the folders, later folders replacing earlier ones by id.

    Returns the valid chapters and every error found (one per bad file, plus
    references to chapters or fields that do not exist).
    """
    by_id: dict[str, Chapter] = {}
    errors: list[ContentError] = []
    files = 0
    for folder in folders:
        if not folder.is_dir():
            continue
        seen_here: dict[str, Path] = {}
        for path in chapter_files(folder):
            files += 1
            try:
                chapter = load_file(path)
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
    for chapter in list(by_id.values()):
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
    chapters = sorted(by_id.values(), key=lambda c: (c.order, c.id))
    return LoadResult(chapters, errors, files)


def load_chapters(folders: Iterable[Path]) -> list[Chapter]:
    """The chapters of the folders; raises the first :class:`ContentError` found."""
    folders = list(folders)
    result = load_folders(folders)
    if result.errors:
        raise result.errors[0]
    if not result.chapters:
        raise ContentError(", ".join(str(f) for f in folders), "no chapter files (*.md) found")
    return result.chapters
