"""Load and validate the guide: one Markdown file per chapter.

A chapter file is YAML front matter (the chapter and its form) followed by the
guide text in Markdown; see docs/CONTENT.md. Every problem is reported as a
:class:`ContentError` naming the file, the field and the problem, in one line.

One concern a module, every name re-exported here:

* :mod:`tui.content.model`: the values (Chapter, Field, FieldRef, Notice) and the errors.
* :mod:`tui.content.frontmatter`: a file's front matter, and the typed values read from it.
* :mod:`tui.content.cache`: front matter as last parsed, so that a start reads no YAML.
* :mod:`tui.content.chapters`: a chapter file checked field by field.
* :mod:`tui.content.notices`: notice files (``_name.md``) and the chapters' ``include`` lines.
* :mod:`tui.content.promises`: the warnings of ``check-content`` (promises the text does not keep).
* here: the content folders loaded together, later folders replacing earlier chapters by id,
  references between chapters checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tui.content.cache import FrontMatterCache
from tui.content.chapters import CHAPTER_KEYS, FIELD_KEYS, HELP_MAX, load_file, parse_chapter
from tui.content.frontmatter import read_file, split_front_matter
from tui.content.model import (
    FIELD_KINDS,
    SETBACK_KINDS,
    SETBACK_LINKS,
    Chapter,
    ContentError,
    ContentWarning,
    Field,
    FieldRef,
    Notice,
)
from tui.content.notices import NOTICE_KEYS, load_notice, parse_notice, plain_notice
from tui.content.promises import EARLIER_PHRASES, LATER_VERBS, promise_warnings
from tui.sources import chapter_files, digest, notice_files

__all__ = [
    "CHAPTER_KEYS",
    "EARLIER_PHRASES",
    "FIELD_KEYS",
    "FIELD_KINDS",
    "HELP_MAX",
    "LATER_VERBS",
    "NOTICE_KEYS",
    "SETBACK_KINDS",
    "SETBACK_LINKS",
    "Chapter",
    "ContentError",
    "ContentWarning",
    "Field",
    "FieldRef",
    "LoadResult",
    "Notice",
    "chapter_files",
    "load_chapters",
    "load_checked",
    "load_file",
    "load_folders",
    "load_notice",
    "notice_files",
    "parse_chapter",
    "parse_notice",
    "plain_notice",
    "split_front_matter",
]


@dataclass
class LoadResult:
    chapters: list[Chapter]
    errors: list[ContentError]
    files: int
    notices: dict[str, Notice] = field(default_factory=dict)
    digest: str = ""  # of the texts read (tui/sources.py): home's glance is keyed to it
    _warnings: list[ContentWarning] | None = field(default=None, repr=False, compare=False)

    @property
    def warnings(self) -> list[ContentWarning]:
        """Promises the chapters' text makes that their front matter does not keep.

        Worked out on first use: the app never asks, ``check-content`` does.
        """
        if self._warnings is None:
            self._warnings = promise_warnings(self.chapters)
        return self._warnings

    def failures(self, folders: Iterable[Path]) -> list[ContentError]:
        """What keeps these chapters from being used: their errors, or that ``folders`` held no chapter file."""
        if self.errors or self.chapters:
            return self.errors
        return [ContentError(", ".join(str(f) for f in folders), "no chapter files (*.md) found")]


def load_folders(folders: Iterable[Path]) -> LoadResult:
    """Every chapter of the folders, later folders replacing earlier ones by id.

    Returns the valid chapters and every error found (one per bad file, plus
    references to chapters or fields that do not exist), the warnings (text that
    promises answers the front matter does not link), and the notices by name.
    """
    folders = [f for f in folders if f.is_dir()]
    cache = FrontMatterCache.open()
    by_id: dict[str, Chapter] = {}
    errors: list[ContentError] = []
    notices: dict[str, Notice] = {}
    texts: list[tuple[Path, str]] = []  # in tui.sources.content_files' order
    for folder in folders:
        for path in notice_files(folder):
            try:
                text = read_file(path)
                texts.append((path, text))
                notice = parse_notice(text, path, cache)
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
                text = read_file(path)
                texts.append((path, text))
                chapter = parse_chapter(text, path, notices, cache)
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
    cache.save()
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
    return LoadResult(chapters, errors, files, notices, digest(texts))


def load_chapters(folders: Iterable[Path]) -> list[Chapter]:
    """The chapters of the folders; raises the first :class:`ContentError` found."""
    return load_checked(folders).chapters


def load_checked(folders: Iterable[Path]) -> LoadResult:
    """Every chapter of the folders, with the digest of their texts; raises the first :class:`ContentError` found."""
    folders = list(folders)
    result = load_folders(folders)
    failures = result.failures(folders)
    if failures:
        raise failures[0]
    return result
