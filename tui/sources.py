"""The chapter files of the content folders, and one digest of all their texts.

Loading the chapters (tui/content) reads these files in this order and keeps
the digest of what it read (``LoadResult.digest``). Home's glance
(tui/overview.py) is keyed to that digest: a start that finds the very same
texts knows, before importing the chapter loader or parsing a file, that the
chapters are the ones the glance was drawn with, and that they loaded without
an error. Standard library only: this runs before the first frame.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def chapter_files(folder: Path) -> list[Path]:
    """The chapter files of a folder, in name order (names starting with '.' or '_' are not chapters)."""
    return sorted(p for p in folder.glob("*.md") if p.is_file() and not p.name.startswith((".", "_")))


def notice_files(folder: Path) -> list[Path]:
    """The notice files (``_name.md``) of a folder, in name order."""
    return sorted(p for p in folder.glob("_*.md") if p.is_file())


def content_files(folders: Iterable[Path]) -> list[Path]:
    """Every file the chapters load from, in the order they are read: the notices of each folder, then its chapters."""
    present = [f for f in folders if f.is_dir()]
    return [p for f in present for p in notice_files(f)] + [p for f in present for p in chapter_files(f)]


def digest(texts: Iterable[tuple[Path, str]]) -> str:
    """One digest of files and their texts, in the order given: a name, a text or the order changed changes it."""
    hashed = hashlib.sha256()
    for path, text in texts:
        body = text.encode("utf-8", "surrogatepass")
        hashed.update(f"{path}\0{len(body)}\0".encode("utf-8", "surrogatepass") + body)
    return hashed.hexdigest()


def content_digest(folders: Iterable[Path]) -> str | None:
    """The digest of the content folders' files as they are now; None when one cannot be read as UTF-8 text."""
    texts = []
    for path in content_files(folders):
        try:
            texts.append((path, path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            return None  # the loader says what is wrong with it
    return digest(texts)
