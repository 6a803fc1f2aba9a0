"""A chapter file: its front matter (the chapter and its form) checked field by field, and its guide text.

:func:`parse_chapter` raises :class:`~tui.content.model.ContentError` for the
first problem, naming the file, the field and the problem; see docs/CONTENT.md
for the format.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.content.frontmatter import integer, read_file, refs, split_front_matter, string, strings
from tui.content.model import FIELD_KINDS, SETBACK_KINDS, SETBACK_LINKS, Chapter, ContentError, Field, Notice
from tui.content.notices import include_notices, load_notice
from tui.sanitize import clean_text

if TYPE_CHECKING:
    from tui.content.cache import FrontMatterCache

CHAPTER_KEYS = {"id", "title", "order", "summary", "version", "builds_on", "review_after_days", "fields"}
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
    label = string(path, raw, "label", fid)
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
    low = integer(path, raw.get("min", 0), "min", fid)
    high = integer(path, raw.get("max", 10), "max", fid)
    if low >= high:
        raise ContentError(path, f"'min' ({low}) must be less than 'max' ({high})", fid)
    if high - low > 100:
        raise ContentError(path, "a scale may span at most 100 steps", fid)
    options = strings(path, raw.get("options"), "options", fid)
    if kind in ("choice", "multi"):
        if len(options) < 2:
            raise ContentError(path, "'options' needs at least two choices", fid)
        if len(set(options)) != len(options):
            raise ContentError(path, "'options' has the same choice twice", fid)
    max_select = None
    if "max_select" in raw:
        max_select = integer(path, raw["max_select"], "max_select", fid)
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
        items=strings(path, raw.get("items"), "items", fid),
        suggest_from=refs(path, raw.get("suggest_from"), "suggest_from", fid),
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


def parse_chapter(
    text: str, path: Path, notices: Mapping[str, Notice] | None = None, cache: FrontMatterCache | None = None
) -> Chapter:
    """One chapter from its file text; raises :class:`ContentError`.

    ``notices`` are the notices its body may include, by name; without them, a
    notice is looked for beside the chapter file. ``cache``: front matter
    parsed before (tui/content/cache.py).
    """
    data, body = split_front_matter(text, path, cache)
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
    version = integer(path, data.get("version", 1), "version")
    if version < 1:
        raise ContentError(path, "'version' must be 1 or more")
    review_after = data.get("review_after_days")
    if review_after is not None:
        review_after = integer(path, review_after, "review_after_days")
        if not 1 <= review_after <= 365:
            raise ContentError(path, f"'review_after_days' must be from 1 to 365, not {review_after}")

    def lookup(name: str) -> Notice | None:
        if notices is not None:
            return notices.get(name)
        return load_notice([path.parent], name)

    body, includes = include_notices(clean_text(body), path, lookup)
    return Chapter(
        id=cid,
        title=string(path, data, "title"),
        order=integer(path, data.get("order"), "order"),
        summary=string(path, data, "summary"),
        body=body,
        path=path,
        fields=tuple(fields),
        version=version,
        builds_on=refs(path, data.get("builds_on"), "builds_on"),
        review_after_days=review_after,
        includes=includes,
    )


def load_file(
    path: Path, notices: Mapping[str, Notice] | None = None, cache: FrontMatterCache | None = None
) -> Chapter:
    return parse_chapter(read_file(path), path, notices, cache)
