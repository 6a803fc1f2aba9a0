"""A content file's front matter (YAML between ``---`` lines), and the typed values read from it.

Every reader raises :class:`~tui.content.model.ContentError` naming the file,
the field and the problem, in one line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.content.model import ContentError, FieldRef
from tui.sanitize import clean_text

if TYPE_CHECKING:
    from tui.content.cache import FrontMatterCache

_REF = re.compile(r"^([a-z0-9][a-z0-9-]*)\.([a-z0-9][a-z0-9_]*)$")


def find_front_matter(text: str) -> tuple[str, int] | None:
    """The front matter's text and the number of lines it takes with its markers, or None.

    The rules of mdit-py-plugins' ``front_matter_plugin`` under markdown-it's
    "zero" preset (what the loader used before), read line by line so that
    starting the app needs no Markdown parser: a first line of
    three or more ``-``; a closing line, however indented, of at least as many
    ``-`` and nothing after them but spaces and tabs, or an unindented ``...``
    line; no closing line, no front matter. Lines as markdown-it sees them
    (``\r\n`` and ``\r`` end a line, NUL reads as U+FFFD). tests/test_content.py
    checks this against the plugin on generated files.
    """
    src = text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")
    if not src.startswith("---"):
        return None
    lines = src.split("\n")
    if src.endswith("\n"):
        lines.pop()
    markers = len(lines[0]) - len(lines[0].lstrip("-"))
    for number in range(1, len(lines)):
        line = lines[number]
        if line.startswith("...") and not line[3:].strip(" \t"):
            break  # YAML's end-of-document marker
        rest = line.lstrip(" \t")
        if not rest.startswith("-"):
            continue
        dashes = len(rest) - len(rest.lstrip("-"))
        if dashes >= markers and not rest[dashes:].strip(" \t"):
            break
    else:
        return None
    return "\n".join(lines[1:number]), number + 1


def split_front_matter(text: str, path: Path, cache: FrontMatterCache | None = None) -> tuple[dict[str, Any], str]:
    """The parsed front matter and the Markdown body of a chapter file.

    With a ``cache`` (tui/content/cache.py), front matter read before is not
    parsed again, and what is parsed now is kept for the next time.
    """
    found = find_front_matter(text)
    if found is None:
        raise ContentError(path, "no front matter: the file must start with a '---' line")
    content, end_line = found
    body = "".join(text.splitlines(keepends=True)[end_line:])
    data = cache.get(content) if cache is not None else None
    if data is None:
        data = parse_yaml(content, path)
        if cache is not None:
            cache.put(content, data)
    if not isinstance(data, dict):
        raise ContentError(path, "bad front matter: expected 'key: value' lines")
    return data, body


def parse_yaml(content: str, path: Path) -> Any:
    """What YAML makes of a front matter's text; raises :class:`ContentError` saying where it is wrong.

    PyYAML is imported here, not with the module: a start whose front matter
    is all in the cache never needs it.
    """
    import yaml

    # The C loader is much faster where PyYAML was built with libyaml.
    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(content, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (front matter line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ContentError(path, f"bad front matter{where}: {problem}") from None


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
