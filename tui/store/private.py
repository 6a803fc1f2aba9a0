"""Private files: written atomically and durably, mode 0600, in folders only their owner can enter.

Nothing here knows what a journal is: the settings, exports and backups are
written the same way.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from pathlib import Path

from tui.store.errors import SaveError, StoreError

TEMP_PREFIX = ".journal-"
TEMP_SUFFIX = ".tmp"


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(28, "No space left on device")
        view = view[written:]


def write_private(path: Path, payload: bytes | list[bytes], mode: int = 0o600, *, durable: bool = True) -> None:
    """Write ``payload`` (bytes, or a list of pieces) to ``path`` atomically and durably, mode 0600.

    ``mode`` is for an output written through a symbolic link over a file
    that has its own (the person's notes folder): the journal's files are 0600.
    ``durable=False`` leaves out the flushes to disk, for a note that means
    nothing after a crash (the lock's owner): still whole, never half written.

    Raises :class:`SaveError`. On any failure ``path`` is left byte-identical
    to what it was (if the folder cannot be flushed after the rename, the old
    file is put back) and no temp file remains.
    """
    folder = path.parent
    stamp = f"{os.getpid()}-{time.monotonic_ns()}"
    tmp = folder / f"{TEMP_PREFIX}{stamp}{TEMP_SUFFIX}"
    previous = folder / f"{TEMP_PREFIX}prev-{stamp}{TEMP_SUFFIX}"
    fd = -1
    kept_previous = False
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        os.fchmod(fd, mode)
        for piece in [payload] if isinstance(payload, bytes) else payload:
            write_all(fd, piece)
        if durable:
            os.fsync(fd)
        os.close(fd)
        fd = -1
        if not durable:
            os.replace(tmp, path)
            return
        try:  # a second name for the old file, to put it back if the folder flush fails
            os.link(path, previous)
            kept_previous = True
        except OSError:
            kept_previous = False
        os.replace(tmp, path)
    except OSError as exc:
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
        for leftover in (tmp, previous) if kept_previous else (tmp,):
            with contextlib.suppress(OSError):
                os.unlink(leftover)
        raise SaveError(f"not saved: {reason(exc)} ({path.name})") from exc
    try:
        fsync_dir(folder)
    except OSError as exc:
        # The rename may not be durable: put the old file back, never claim success.
        if kept_previous:
            with contextlib.suppress(OSError):
                os.replace(previous, path)
        raise SaveError(f"not saved: could not flush the folder: {reason(exc)}") from exc
    if kept_previous:
        with contextlib.suppress(OSError):
            os.unlink(previous)


def check_writable(folder: Path) -> None:
    """Raise StoreError now, with the reason, if files cannot be created in ``folder``.

    A session must learn at the start, not at its first save, that its folder is read-only.
    """
    probe = folder / f"{TEMP_PREFIX}probe-{os.getpid()}-{time.monotonic_ns()}{TEMP_SUFFIX}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        why = reason(exc)
        raise StoreError(f"cannot open the journal in {folder}: {why} (is the folder writable by you?)") from exc


def private_temp_file(folder: Path, prefix: str, suffix: str) -> Path:
    """A new empty file in ``folder`` that only its owner can read (0600, whatever the umask).

    For text handed to another program (an editor): the caller removes it.
    Raises :class:`StoreError` with a one-line message.
    """
    try:
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
        os.fchmod(fd, 0o600)
        os.close(fd)
    except OSError as exc:
        raise StoreError(f"cannot make a private file in {folder}: {reason(exc)}") from exc
    return Path(name)


def private_temp_dir() -> Path:
    """A new folder that only its owner can enter (0700), for a journal that lives in memory."""
    return Path(tempfile.mkdtemp(prefix="failforward-"))


def check_private_file(path: Path) -> None:
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        raise StoreError(f"refusing to open {path}: it is a symbolic link")
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(f"refusing to open {path}: it is not a regular file")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise StoreError(f"refusing to open {path}: it belongs to another user (uid {info.st_uid})")
    if stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(path, 0o600)


def ensure_private_dir(folder: Path) -> None:
    """Create ``folder`` (mode 0700 whatever the umask), or take away group and other access.

    Permissions the owner lacks are never added: a folder made read-only on
    purpose stays read-only, and writing to it fails with a clear message.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        mode = stat.S_IMODE(folder.stat().st_mode)
        if mode & 0o077:
            os.chmod(folder, mode & 0o700)
    except OSError as exc:
        raise StoreError(f"cannot use the data folder {folder}: {reason(exc)}") from exc
