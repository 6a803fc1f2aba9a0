"""Notices: a piece of text kept in its own file (``_name.md``) and included in chapters by name.

A chapter's body names one with a line ``<!-- include: name -->``; the line is
replaced by the notice's text when the chapter is read (the safety notice of
chapter 00 is one). See docs/CONTENT.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from tui.content.frontmatter import read_file, split_front_matter, string
from tui.content.model import ContentError, Notice
from tui.sanitize import clean_text

if TYPE_CHECKING:
    from tui.content.cache import FrontMatterCache

NOTICE_KEYS = {"title", "checked"}
_NOTICE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_INCLUDE = re.compile(r"^[ \t]*<!--[ \t]*include:[ \t]*(\S*)[ \t]*-->[ \t]*$", re.M)
_HEADING = re.compile(r"^[ ]{0,3}#{1,6}(?:[ \t]|$)", re.M)

NoticeLookup = Callable[[str], Notice | None]


def include_notices(body: str, path: Path, lookup: NoticeLookup) -> tuple[str, tuple[str, ...]]:
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


def parse_notice(text: str, path: Path, cache: FrontMatterCache | None = None) -> Notice:
    """A notice from its file text; raises :class:`ContentError`."""
    name = path.stem[1:]
    if not _NOTICE_NAME.match(name):
        raise ContentError(path, "a notice file is named '_' then lowercase letters, digits and '-', then '.md'")
    data, body = split_front_matter(text, path, cache)
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
        title=string(path, data, "title"),
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
    return None if found is None else parse_notice(read_file(found), found)


def plain_notice(folders: Iterable[Path], name: str) -> str:
    """The notice ``name`` (the last of ``folders`` that has it wins) as plain text for a toast, or "".

    Emphasis marks are dropped and list items get a bullet; a notice that is
    missing or malformed is "" (``check-content`` reports the malformed one).
    """
    try:
        notice = load_notice(folders, name)
    except ContentError:
        return ""
    if notice is None:
        return ""
    lines = []
    for line in notice.body.strip().splitlines():
        line = line.replace("**", "").replace("__", "")
        lines.append("• " + line[2:] if line.startswith("- ") else line)
    return "\n".join(lines).replace("\n\n\n", "\n\n")
