"""Writing what the person asked for (an export, a backup, a calendar) to a file they named.

One function for the command line and the app's export dialog, so that every
output behaves as a shell user expects of any tool:

* a new file, or a regular file named directly, is written atomically (a crash
  never leaves half a file) and privately (mode 0600): it holds the person's
  own words;
* a symbolic link (into a notes vault, say) is written through: its target is
  replaced atomically in the target's own folder and keeps the target's mode
  (and, where allowed, owner); a dangling link creates its target, 0600;
* a stream — a named pipe, a character device (``/dev/null``, a terminal),
  ``/dev/stdout``, ``/dev/fd/N`` (what a shell's ``>(command)`` passes) — is
  written straight to, with no temp file and no rename: replacing it would
  be wrong and, as root, would replace the device itself;
* ``-`` is standard output (the command line handles it before calling here).

Nothing here imports Textual.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from pathlib import Path
from typing import Literal

from tui.store import SaveError, write_private

Written = Literal["file", "stream"]

# Names that stand for a descriptor this process already has open. Shells treat
# them so (bash opens none of them: it duplicates the descriptor), and so do we:
# opening /proc/self/fd/1 anew would start at offset 0 of a file opened for appending.
_FD_NAME = re.compile(r"^/(?:dev/fd|proc/self/fd|proc/\d+/fd)/(\d+)$")
_STD_NAMES = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}


class OutputError(Exception):
    """An output file that could not be written; ``str()`` is one line for the person."""


def _reason(exc: BaseException) -> str:
    cause = exc if isinstance(exc, OSError) else exc.__cause__
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror
    return str(exc)


def descriptor_of(path: Path) -> int | None:
    """The open descriptor ``path`` names (``/dev/stdout``, ``/dev/fd/63``), else None."""
    text = os.path.abspath(path)
    if text in _STD_NAMES:
        return _STD_NAMES[text]
    match = _FD_NAME.match(text)
    if match and (text.startswith(("/dev/fd/", "/proc/self/")) or int(text.split("/")[2]) == os.getpid()):
        return int(match.group(1))
    return None


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


def _write_stream(path: Path, payload: bytes, fd: int | None) -> None:
    """Write to a pipe, a device or an open descriptor as it is (no temp file, no rename)."""
    try:
        if fd is not None:
            _write_all(fd, payload)
            return
        out = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
        try:
            _write_all(out, payload)
        finally:
            os.close(out)
    except BrokenPipeError:
        raise  # the reader went away: the caller ends quietly, as a shell tool does
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {_reason(exc)}") from exc


def write_file(path: Path, payload: bytes) -> Written:
    """Write ``payload`` to ``path`` as described above; raises :class:`OutputError`.

    Returns ``"file"`` when a regular file was written (the caller may say
    so), ``"stream"`` when the bytes went to a pipe, a device or a descriptor
    (where a message would land in the same stream, or nowhere).
    """
    fd = descriptor_of(path)
    if fd is not None:
        _write_stream(path, payload, fd)
        return "stream"
    target, mode, owner = path, 0o600, None
    try:
        info = os.stat(path)  # follows links: what the name finally points at
    except FileNotFoundError:
        info = None
        if path.is_symlink():  # a dangling link: create what it points at
            target = Path(os.path.realpath(path))
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {_reason(exc)}") from exc
    if info is not None:
        kind = info.st_mode
        if stat.S_ISFIFO(kind) or stat.S_ISCHR(kind):
            _write_stream(path, payload, None)
            return "stream"
        if stat.S_ISDIR(kind):
            raise OutputError(f"cannot write {path}: {os.strerror(errno.EISDIR)}")
        if not stat.S_ISREG(kind):
            raise OutputError(f"cannot write {path}: not a regular file, a pipe or a terminal")
        if path.is_symlink():
            target = Path(os.path.realpath(path))
            mode, owner = stat.S_IMODE(kind), (info.st_uid, info.st_gid)
    try:
        write_private(target, payload, mode=mode)
    except SaveError as exc:
        raise OutputError(f"cannot write {path}: {_reason(exc)}") from exc
    if owner is not None and hasattr(os, "getuid") and os.getuid() == 0:
        with contextlib.suppress(OSError):  # root writing into someone's notes: they keep owning them
            os.chown(target, *owner)
    return "file"


def write_folder(folder: Path, files: dict[str, bytes]) -> None:
    """Write each file into ``folder`` (created 0700 if missing; its parent must exist) as :func:`write_file` does.

    Files already there under other names are left alone. Raises
    :class:`OutputError` at the first file that cannot be written (the ones
    before it are written whole).
    """
    try:
        if not folder.is_dir():
            folder.mkdir(mode=0o700)
    except OSError as exc:
        raise OutputError(f"cannot write {folder}: {_reason(exc)}") from exc
    for name, payload in files.items():
        write_file(folder / name, payload)
