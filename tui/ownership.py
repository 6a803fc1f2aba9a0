"""Whether the installed ``tui`` and ``screens`` are failforward's own, checked before anything imports them.

The wheel installs two top-level import packages, ``tui`` and ``screens``,
named for the source folders the project's layout keeps. Python has one
namespace for top-level names, and installers do not guard it: a wheel of
another project that also ships ``screens/`` writes over failforward's files
without a word (failforward then fails with a traceback), and uninstalling it
later deletes them. So the command line asks :func:`installation_problem`
first and, when the answer is not None, prints that one line and stops (exit
code 5), before importing anything else of its own.

The checks, cheapest first (3 to 4 ms in all in a venv of 24 distributions, see
docs/ARCHITECTURE.md):

1. ``screens`` resolves beside the ``tui`` this code runs from (nothing
   earlier on ``sys.path`` shadows it). Resolving does not import it.
2. When failforward is installed as a wheel (its ``.dist-info`` lies beside
   ``tui/``), every file its ``RECORD`` lists under ``tui/`` and ``screens/``
   is there with the recorded size and SHA-256: nothing was written over or
   deleted since it was installed.
3. No other distribution in that folder lists a file under ``tui/`` or
   ``screens/`` in its ``RECORD`` (or names them in ``top_level.txt``): what
   ``importlib.metadata.packages_distributions()`` would say, read directly.

In a source checkout or an editable install (``tui/`` in the checkout, no
``.dist-info`` beside it), only the first check applies: no installer writes
into a checkout. Only the standard library is used here, so this module runs
before anything that could be someone else's.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import os
from collections.abc import Callable
from pathlib import Path

DISTRIBUTION = "failforward"
PACKAGES = ("tui", "screens")
ADVICE = "reinstall failforward in its own environment, e.g. pipx install ."

Resolver = Callable[[str], Path | None]


def _resolve(name: str) -> Path | None:
    """The folder a top-level package ``name`` would be imported from, without importing it."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    if spec.origin:  # a module, not a package: screens.py
        return Path(spec.origin).with_suffix("")
    return None


def installation_problem(site: Path | None = None, resolve: Resolver = _resolve) -> str | None:
    """None when ``tui`` and ``screens`` are failforward's own; otherwise one line saying why not.

    ``site`` is the folder holding ``tui/`` (by default the one this module
    was loaded from); ``resolve`` finds where a top-level package would be
    imported from (tests pass their own).
    """
    site = Path(__file__).resolve().parent.parent if site is None else site
    for name in PACKAGES[1:]:
        found = resolve(name)
        if found is None:
            return f"failforward: its package '{name}' is missing: {ADVICE}"
        if found.resolve() != (site / name).resolve():  # shadowed by a package earlier on sys.path
            return _clash(found.parent, f"{name}/") or _said(str(found), name)
    dist_info = _own_dist_info(site)
    if dist_info is None:
        return None  # a source checkout or an editable install: nothing else installs into it
    problem = _check_record(site, dist_info)
    if problem is not None:
        return problem
    for other in _other_distributions(site, dist_info.name):
        shared = _provided(other, tuple(f"{name}/" for name in PACKAGES))
        if shared is not None:
            return _said(_dist_name(other), shared.partition("/")[0])
    return None


def _said(other: str, name: str) -> str:
    return f"failforward: another installed package ({other}) also provides '{name}': {ADVICE}"


def _clash(site: Path, path: str) -> str | None:
    """The line naming the other distribution in ``site`` that also installs ``path``; None when none does."""
    for other in _other_distributions(site, None):
        if _provided(other, (path,)) is not None:
            return _said(_dist_name(other), path.partition("/")[0])
    return None


def _own_dist_info(site: Path) -> Path | None:
    try:
        names = os.listdir(site)
    except OSError:
        return None
    for entry in names:
        if entry.endswith(".dist-info") and _normalise(entry.partition("-")[0]) == DISTRIBUTION:
            return site / entry
    return None


def _normalise(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _check_record(site: Path, dist_info: Path) -> str | None:
    """Every file of ours under tui/ and screens/ as it was installed; the line for the first one that is not."""
    try:
        record = (dist_info / "RECORD").read_text(encoding="utf-8")
    except OSError:
        return f"failforward: its list of installed files ({dist_info.name}/RECORD) cannot be read: {ADVICE}"
    base = os.fspath(site) + os.sep
    for line in record.splitlines():
        if not line.startswith(("tui/", "screens/")):
            continue
        path, _, rest = line.partition(",")
        digest, _, size = rest.partition(",")
        if not digest.startswith("sha256="):
            continue  # byte code compiled at install time has no hash here (Python checks it against its source)
        try:
            fd = os.open(base + path, os.O_RDONLY)
        except FileNotFoundError:
            return _clash(site, path) or _missing(path)
        except OSError:
            return f"failforward: its file {path} cannot be read: {ADVICE}"
        try:
            data = os.read(fd, int(size) + 1 if size.isdigit() else 1 << 24)
        except OSError:
            return f"failforward: its file {path} cannot be read: {ADVICE}"
        finally:
            os.close(fd)
        if (size.isdigit() and len(data) != int(size)) or _sha256(data) != digest[7:]:
            return _clash(site, path) or _changed(path)
    return None


def _missing(path: str) -> str:
    return f"failforward: its file {path} is missing (removed with another package?): {ADVICE}"


def _changed(path: str) -> str:
    return f"failforward: its file {path} was changed after it was installed: {ADVICE}"


def _sha256(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")


def _other_distributions(site: Path, own: str | None) -> list[Path]:
    """The metadata folders of every other distribution installed in ``site``."""
    try:
        names = sorted(os.listdir(site))
    except OSError:
        return []
    others = []
    for entry in names:
        if entry == own or not entry.endswith((".dist-info", ".egg-info")):
            continue
        if entry.endswith(".dist-info") and _normalise(entry.partition("-")[0]) == DISTRIBUTION:
            continue
        others.append(site / entry)
    return others


def _provided(meta: Path, paths: tuple[str, ...]) -> str | None:
    """Which of ``paths`` the distribution whose metadata is ``meta`` installs (the first found), if any.

    A path ending in ``/`` stands for everything under it.
    """
    try:
        with open(os.path.join(meta, "RECORD"), "rb") as file:
            record = file.read()
    except OSError:  # an .egg-info has no RECORD: its top_level.txt names its packages
        try:
            with open(os.path.join(meta, "top_level.txt"), encoding="utf-8") as file:
                top_level = file.read().split()
        except OSError:
            return None
        return next((path for path in paths if path.partition("/")[0] in top_level), None)
    for path in paths:
        wanted = path.encode()
        if wanted in record and (record.startswith(wanted) or b"\n" + wanted in record or b'\n"' + wanted in record):
            return path
    return None


def _dist_name(meta: Path) -> str:
    """A distribution's name as its metadata spells it, else as its folder does."""
    try:
        with open(meta / ("METADATA" if meta.suffix == ".dist-info" else "PKG-INFO"), encoding="utf-8") as file:
            for line in file:
                if line.startswith("Name:"):
                    return line[5:].strip()
                if not line.strip():
                    break
    except OSError:
        pass
    return meta.name.partition("-")[0].removesuffix(".dist-info").removesuffix(".egg-info")
