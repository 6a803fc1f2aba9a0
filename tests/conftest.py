"""Shared fixtures: a fixed clock, a temporary journal (plain or encrypted), the shipped and test chapters."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

from tui.content import Chapter, load_chapters
from tui.locations import DB_FILE, shipped_content_dir
from tui.store import EncryptedCodec, KdfParams, Store, is_encrypted_folder, open_codec
from tui.workbook import Workbook

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CHAPTERS = Path(__file__).parent / "fixtures" / "chapters"
FIXED_NOW = dt.datetime(2026, 3, 14, 9, 30, 0)


# make test-fast sets FAILFORWARD_TEST_LANE=fast: property tests try a tenth of their examples there.
FAST_LANE = os.environ.get("FAILFORWARD_TEST_LANE") == "fast"


def examples(full: int) -> int:
    """How many examples a property test tries: ``full`` in make test, a tenth (at least 20) in make test-fast."""
    return max(20, full // 10) if FAST_LANE else full


TEST_PASSPHRASE = "correct horse battery staple"
FAST_KDF = KdfParams(time_cost=1, memory_cost=8, parallelism=1)  # tests only: a real journal's costs are calibrated


def fixed_clock() -> dt.datetime:
    return FIXED_NOW


@dataclass(frozen=True)
class Flavour:
    """Journals written plain or encrypted, so that one test holds both formats to the same promises.

    A folder without a journal starts in the flavour's format (encrypted ones
    with TEST_PASSPHRASE and FAST_KDF); a folder with one is opened as it is,
    as failforward opens it: plain without a passphrase, encrypted with one.
    """

    encrypted: bool

    @property
    def name(self) -> str:
        return "encrypted" if self.encrypted else "plain"

    def open(self, folder: Path, **kwargs: Any) -> Store:
        if not self.encrypted:
            return Store(folder, **kwargs)
        fresh = not (folder / DB_FILE).exists() and not is_encrypted_folder(folder)
        codec = EncryptedCodec.create(TEST_PASSPHRASE, FAST_KDF) if fresh else None
        return Store(folder, codec=codec, passphrase=lambda: TEST_PASSPHRASE, **kwargs)

    def create(self, folder: Path) -> Path:
        """An empty journal in ``folder`` in this format (for processes that open it after)."""
        self.open(folder).close()
        return folder

    def store_source(self, folder: Path) -> str:
        """Python that opens the (existing) journal in ``folder``, for a child process."""
        if not self.encrypted:
            return f"Store(Path({str(folder)!r}))"
        return f"Store(Path({str(folder)!r}), passphrase=lambda: {TEST_PASSPHRASE!r})"

    def read(self, folder: Path, raw: bytes) -> dict[str, Any]:
        """A journal file's bytes (journal.json, a backup) from ``folder``, decoded in the folder's format."""
        return open_codec(folder, lambda: TEST_PASSPHRASE).decode(raw)

    def encode(self, data: dict[str, Any]) -> bytes:
        """A journal file in this format, for a folder that has none yet."""
        codec = EncryptedCodec.create(TEST_PASSPHRASE, FAST_KDF) if self.encrypted else None
        return codec.encode(data) if codec is not None else orjson.dumps(data)


def ensure_journal(folder: Path) -> Path:
    """An empty plain journal in ``folder`` unless it holds one: the app then starts on it, not on the first
    start's choice of a plain or an encrypted journal (tests/test_unlock.py and the e2e tests of it ask that)."""
    if not Workbook.has_journal(folder):
        Store(folder).close()
    return folder


@pytest.fixture(params=[False, True], ids=["plain", "encrypted"])
def flavour(request: pytest.FixtureRequest) -> Flavour:
    return Flavour(request.param)


def prose(length: int, seed: int = 0) -> str:
    """``length`` characters of words and spaces, the same for the same seed: one long line of an answer."""
    import random

    words = ["we", "lost", "the", "bid", "because", "I", "never", "asked", "about", "the", "budget", "early", "enough"]
    rng = random.Random(seed or length)
    text = ""
    while len(text) < length:
        text += rng.choice(words) + " "
    return text[:length]


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real data, config, state or cache dirs."""
    base = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("FAILFORWARD_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("FAILFORWARD_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("FAILFORWARD_STATE_DIR", str(base / "state"))
    monkeypatch.setenv("FAILFORWARD_CACHE_DIR", str(base / "cache"))


@pytest.fixture(autouse=True)
def _no_terminal_to_ask_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test waits for a passphrase typed on the real terminal: commands see none (a pty test gives its own)."""
    monkeypatch.setattr("tui.cli.passphrase.terminal_available", lambda: False)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "journal"


@pytest.fixture
def test_chapters() -> list[Chapter]:
    return load_chapters([FIXTURE_CHAPTERS])


@pytest.fixture(scope="session")
def shipped_chapters() -> list[Chapter]:
    return load_chapters([shipped_content_dir()])


@pytest.fixture(params=["memory", "file"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The same tests against the in-memory and the durable file storage."""
    s = Store(None) if request.param == "memory" else Store(tmp_path / "journal")
    yield s
    s.close()


@pytest.fixture
def workbook(store: Store, test_chapters: list[Chapter]) -> Workbook:
    return Workbook(store, test_chapters, fixed_clock)


@pytest.fixture
def make_workbook(data_dir: Path) -> Iterator[Callable[..., Workbook]]:
    """Open (and later close) workbooks on one journal folder."""
    opened: list[Store] = []

    def make(chapters: list[Chapter]) -> Workbook:
        s = Store(data_dir)
        opened.append(s)
        return Workbook(s, chapters, fixed_clock)

    yield make
    for s in opened:
        s.close()


def run_main(
    argv: Sequence[str], *, cwd: Path | None = None, env: dict[str, str] | None = None, stdin: bytes = b""
) -> subprocess.CompletedProcess[str]:
    """``failforward ARGV`` run in this process through ``tui.cli.main``, as a shell would see it.

    Standard output and error are captured as bytes (commands write to
    ``sys.stdout.buffer``), the working directory and environment are set for
    the call only, and the result looks like ``subprocess.run``'s.
    """
    from tui.cli import main

    out, err = io.BytesIO(), io.BytesIO()
    streams = {
        "stdout": io.TextIOWrapper(out, encoding="utf-8", write_through=True),
        "stderr": io.TextIOWrapper(err, encoding="utf-8", write_through=True),
        "stdin": io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"),
    }
    saved = {name: getattr(sys, name) for name in streams}
    old_env = dict(os.environ)
    old_cwd = Path.cwd()
    try:
        for name, stream in streams.items():
            setattr(sys, name, stream)
        os.environ.update(env or {})
        if cwd is not None:
            os.chdir(cwd)
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse's --help and --version
            code = int(exc.code or 0) if not isinstance(exc.code, str) else 1
    finally:
        for name, stream in saved.items():
            setattr(sys, name, stream)
        os.environ.clear()
        os.environ.update(old_env)
        os.chdir(old_cwd)
    with contextlib.suppress(ValueError):
        streams["stdout"].flush()
        streams["stderr"].flush()
    return subprocess.CompletedProcess(
        list(argv), code, out.getvalue().decode("utf-8", "replace"), err.getvalue().decode("utf-8", "replace")
    )
