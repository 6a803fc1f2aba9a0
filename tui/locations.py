"""Where failforward keeps its files: one place for every path.

Data and config directories come from platformdirs and can be overridden by
the ``--data-dir`` flag or the ``FAILFORWARD_DATA_DIR`` environment variable
(``FAILFORWARD_CONFIG_DIR`` for the config directory). What belongs to this
machine alone (the journal's lock) lives in the state directory
(``FAILFORWARD_STATE_DIR``), never in the data folder a sync tool may copy;
what can be made again, in the cache directory (``FAILFORWARD_CACHE_DIR``).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from platformdirs import user_cache_path, user_config_path, user_data_path, user_state_path

APP_NAME = "failforward"
DATA_ENV = "FAILFORWARD_DATA_DIR"
CONFIG_ENV = "FAILFORWARD_CONFIG_DIR"
STATE_ENV = "FAILFORWARD_STATE_DIR"
CACHE_ENV = "FAILFORWARD_CACHE_DIR"
FRONT_MATTER_CACHE = "front-matter.json"  # the chapters' front matter as last parsed (tui/content/cache.py)
DB_FILE = "journal.json"
LEGACY_LOCK_FILE = "journal.lock"  # inside the data folder, where earlier versions kept the lock
LOG_FILE = "journal.log"  # saves since journal.json was last written whole
BACKUP_DIR = "backups"
MERGED_COPIES_DIR = "conflicts-merged"  # sync tools' conflict copies, once merged into the journal
SCREENSHOTS_DIR = "screenshots"  # the app's screenshots of a plain journal
REKEY_DIR = ".failforward-rekey"  # the files of a change of passphrase (or to or from none), until it is done
EDIT_PREFIX = ".edit-"  # text handed to the person's editor, removed when the editor is done


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The journal folder: the override, else $FAILFORWARD_DATA_DIR, else the platform's."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser()
    return user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    """The config folder: $FAILFORWARD_CONFIG_DIR, else the platform's."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    return user_config_path(APP_NAME, appauthor=False)


def state_dir() -> Path:
    """This machine's own state: $FAILFORWARD_STATE_DIR, else the platform's (e.g. ~/.local/state/failforward)."""
    env = os.environ.get(STATE_ENV)
    if env:
        return Path(env).expanduser()
    return user_state_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    """What can be made again: $FAILFORWARD_CACHE_DIR, else the platform's (e.g. ~/.cache/failforward)."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    return user_cache_path(APP_NAME, appauthor=False)


def front_matter_cache_file() -> Path:
    return cache_dir() / FRONT_MATTER_CACHE


def lock_file(data_folder: Path) -> Path:
    """The lock of the journal in ``data_folder``: in the state directory, named after the folder's real path.

    Two names for one folder (a symbolic link, ``~``) resolve to one lock; the
    data folder itself never holds one, so a sync tool never copies a lock.
    """
    return state_dir() / "locks" / f"journal-{_folder_name(data_folder)}.lock"


def glance_file(data_folder: Path) -> Path:
    """Home as the last session left it (tui/overview.py), in the cache folder, named after the folder's real path.

    It holds titles in plain text, so an encrypted journal never has one.
    """
    return cache_dir() / "glances" / f"home-{_folder_name(data_folder)}.json"


def _folder_name(data_folder: Path) -> str:
    """A short name for a data folder, the same for every path to it (a symbolic link, ``~``)."""
    resolved = os.fsencode(Path(data_folder).expanduser().resolve())
    return hashlib.sha256(resolved).hexdigest()[:20]


def memory_temp_dir() -> Path | None:
    """A folder for short-lived private files that lives in memory, never on a disk; None when there is none.

    ``$XDG_RUNTIME_DIR`` (the user's own, 0700, on a tmpfs on systemd
    machines), else ``/dev/shm`` (a tmpfs any user can list: file names are
    random there and the files 0600). For an encrypted journal's text handed
    to an editor: it never reaches a disk, and is gone at the next boot.
    """
    candidates = [os.environ.get("XDG_RUNTIME_DIR", ""), "/dev/shm"]
    for candidate in candidates:
        if candidate and os.path.isdir(candidate) and os.access(candidate, os.W_OK | os.X_OK):
            return Path(candidate)
    return None


def user_chapters_dir() -> Path:
    """Chapters a user adds to the shipped ones."""
    return config_dir() / "chapters"


def shipped_content_dir() -> Path:
    """The chapters that come with the app.

    In a wheel they are installed inside the package as ``tui/chapters``; in a
    source checkout (editable install) they are the repository's ``content/``.
    """
    here = Path(__file__).resolve().parent
    packaged = here / "chapters"
    if packaged.is_dir():
        return packaged
    return here.parent / "content"


def content_folders(content_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """The folders chapters load from: ``content_dir`` alone, else shipped then the user's."""
    if content_dir is not None:
        return [Path(content_dir).expanduser()]
    return [shipped_content_dir(), user_chapters_dir()]
