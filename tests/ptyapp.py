"""Run the real app in a pseudo-terminal: type into it, read what it sends to the screen."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pyte

from .conftest import ROOT, ensure_journal

CTRL_S = "\x13"
ENTER = "\r"


def _controlling_tty() -> None:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _controlling_tty_hup_ignored() -> None:
    import signal

    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup


class PtyApp:
    """failforward on a pty of the given size; ``output`` holds every byte it wrote."""

    def __init__(
        self, *args: str, cols: int = 80, rows: int = 24, term: str = "xterm-256color", ignore_hup: bool = False
    ) -> None:
        if "--data-dir" in args:  # on a journal, not on the first start's choice
            ensure_journal(Path(args[args.index("--data-dir") + 1]))
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TEXTUAL")}
        env.update(TERM=term, PYTHONPATH=str(ROOT))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tui", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=ROOT,
            env=env,
            start_new_session=True,
            preexec_fn=_controlling_tty_hup_ignored if ignore_hup else _controlling_tty,
        )
        os.close(slave)
        self._lock = threading.Lock()
        self._output = bytearray()
        self._screen = pyte.Screen(cols, rows)
        self._stream = pyte.ByteStream(self._screen)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self._output += chunk
                self._stream.feed(chunk)

    @property
    def output(self) -> bytes:
        with self._lock:
            return bytes(self._output)

    @property
    def screen(self) -> str:
        """What a person would see now, one line per row."""
        with self._lock:
            return "\n".join(self._screen.display)

    def wait_for_screen(self, text: str, timeout: float = 30.0) -> None:
        """Wait until ``text`` is on the screen."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.screen:
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise AssertionError(f"{text!r} never appeared on the screen:\n{self.screen}")

    def text_since(self, mark: int) -> str:
        return self.output[mark:].decode("utf-8", errors="replace")

    def wait_for(self, text: str, timeout: float = 30.0, since: int = 0) -> None:
        """Wait until the app has written ``text`` (after byte ``since``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.text_since(since):
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise AssertionError(f"the app never showed {text!r}; last output: {self.text_since(since)[-400:]!r}")

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def paste(self, text: str) -> None:
        os.write(self.master, b"\x1b[200~" + text.encode() + b"\x1b[201~")

    def hang_up(self) -> None:
        """Close the terminal, as a dropped SSH connection does: the kernel sends SIGHUP."""
        os.close(self.master)

    def wait_exit(self, timeout: float) -> int | None:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        with contextlib.suppress(OSError):
            os.close(self.master)


def start_chapter(app: PtyApp, setback: str) -> None:
    """From the home screen: name a setback and open the first chapter."""
    app.wait_for_screen("n New")
    app.type("n")
    app.wait_for_screen("Name a setback")
    app.type(setback + ENTER)
    app.wait_for_screen("Chapters for")
    app.type(ENTER)
    app.wait_for_screen("chapter 1 of")


def data_path(folder: Path) -> Path:
    return folder / "journal.json"
