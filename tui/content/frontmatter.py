"""A content file's front matter (YAML between ``---`` lines), and the typed values read from it.

Every reader raises :class:`~tui.content.model.ContentError` naming the file,
the field and the problem, in one line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from tui.content.model import ContentError, FieldRef
from tui.sanitize import clean_text

_REF = re.compile(r"^([a-z0-9][a-z0-9-]*)\.([a-z0-9][a-z0-9_]*)$")

try:  # the C loader is much faster where PyYAML was built with libyaml
    _YamlLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _YamlLoader = yaml.SafeLoader


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


def string(path: Path, data: dict[str, Any], key: str, field_id: str | None = None) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ContentError(path, f"'{key}' must be a non-empty string", field_id)
    return clean_text(value).strip()


def integer(path: Path, value: Any, key: str, field_id: str | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ContentError(path, f"'{key}' must be a whole number, not {value!r}", field_id)
    return value


def strings(path: Path, value: Any, key: str, field_id: str | None = None) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ContentError(path, f"'{key}' must be a list of non-empty strings", field_id)
    return tuple(clean_text(v).strip() for v in value)


def refs(path: Path, value: Any, key: str, field_id: str | None = None) -> tuple[FieldRef, ...]:
    refs = []
    for text in strings(path, value, key, field_id):
        match = _REF.match(text)
        if not match:
            raise ContentError(path, f"'{key}' entry {text!r} is not 'chapter.field'", field_id)
        refs.append(FieldRef(match.group(1), match.group(2)))
    return tuple(refs)


def read_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ContentError(path, "not UTF-8 text") from None
    except OSError as exc:
        raise ContentError(path, f"cannot read: {exc.strerror or exc}") from None
