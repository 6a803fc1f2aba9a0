"""Drive the installed ``failforward`` in a private tmux server; run a private sshd.

Nothing here touches a user's own tmux server or sshd: every test gets its own
tmux server on its own socket (``tmux -S``), and the SSH tests their own sshd
on a free port of 127.0.0.1, with keys made for the test. Conditions are
waited for by polling the screen with a deadline, never by sleeping a fixed time.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..conftest import ROOT, ensure_journal

FAILFORWARD = Path(sys.executable).with_name("failforward")
SHIPPED_CONTENT = ROOT / "content"
# Variables that would change how the app picks its colours or size.
UNSET = ("COLORTERM", "NO_COLOR", "FORCE_COLOR", "TEXTUAL", "COLUMNS", "LINES", "TMUX", "TMUX_PANE")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: drives the installed app in tmux or over ssh")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def wait_until(check: Callable[[], bool], timeout: float, what: Callable[[], str] | str, step: float = 0.05) -> None:
    """Poll ``check`` until it is true; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return
        if time.monotonic() > deadline:
            raise AssertionError(what() if callable(what) else what)
        time.sleep(step)


def app_command(
    data_dir: Path,
    content: Path,
    term: str,
    *,
    config_dir: Path | None = None,
    extra_env: dict[str, str] | None = None,
    first_start: bool = False,
) -> str:
    """The shell command that starts the installed app with exactly this terminal type.

    The app starts on a journal (an empty one is made if there is none)
    unless ``first_start``: then on the first start's choice, plain or encrypted.
    """
    if not first_start:
        ensure_journal(data_dir)
    env = {"TERM": term}
    if config_dir is not None:
        env["FAILFORWARD_CONFIG_DIR"] = str(config_dir)
    if "FAILFORWARD_STATE_DIR" in os.environ:  # the test's own: a Store opened by the test sees the app's lock
        env["FAILFORWARD_STATE_DIR"] = os.environ["FAILFORWARD_STATE_DIR"]
    env.update(extra_env or {})
    words = ["env", *(f"-u{name}" for name in UNSET)]
    words += [f"{k}={v}" for k, v in env.items()]
    words += [str(FAILFORWARD), "--data-dir", str(data_dir), "--content", str(content)]
    return shlex.join(words)


class Tmux:
    """One private tmux server (its own socket) with one window running one command."""

    def __init__(self, binary: str, workdir: Path) -> None:
        self.binary = binary
        # A socket of our own (tmux -S), removed at the end: never the user's tmux server.
        self.socket = workdir / "tmux.sock"
        if len(str(self.socket)) > 100:  # a Unix socket path has room for about 107 bytes
            self.socket = Path(tempfile.gettempdir()) / f"ff-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}.sock"
        self.config = workdir / "tmux.conf"
        # remain-on-exit keeps the pane (and its last screen) after the program ends.
        self.config.write_text("set -g remain-on-exit on\nset -g status off\nset -g history-limit 100\n")
        self.status_file = workdir / "exit-status"
        self.started = False

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.binary, "-S", str(self.socket), "-f", str(self.config), *args],
            check=check,
            capture_output=True,
            text=True,
            timeout=15,
        )

    def start(self, command: str, cols: int = 80, rows: int = 24) -> None:
        """Run the shell ``command`` in a new window of cols x rows."""
        self.status_file.unlink(missing_ok=True)
        recorded = f"{command}; echo $? > {shlex.quote(str(self.status_file))}"
        self.run("new-session", "-d", "-s", "e2e", "-x", str(cols), "-y", str(rows), recorded)
        self.started = True

    # -- reading the screen ----------------------------------------------------

    def screen(self, colours: bool = False) -> str:
        args = ["capture-pane", "-p", "-t", "e2e"]
        if colours:
            args.append("-e")
        return self.run(*args).stdout

    def lines(self) -> list[str]:
        return self.screen().removesuffix("\n").split("\n")

    def footer(self) -> str:
        """The bottom row: the key hints."""
        return self.lines()[-1]

    def size(self) -> tuple[int, int]:
        out = self.run("display-message", "-p", "-t", "e2e", "#{pane_width} #{pane_height}").stdout.split()
        return int(out[0]), int(out[1])

    def exit_status(self) -> int | None:
        """The exit status of the command, once it has ended.

        Written by the pane's shell: tmux's own #{pane_dead_status} is sometimes never
        filled in (tmux 3.3 can miss reaping the child and leave it a zombie).
        """
        try:
            return int(self.status_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def app_pid(self) -> int:
        """The process id of the program the pane's shell started."""
        shell = self.run("display-message", "-p", "-t", "e2e", "#{pane_pid}").stdout.strip()
        children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
        assert children, f"the pane's shell ({shell}) has started nothing"
        return int(children[0])

    def wait_for(self, *texts: str, timeout: float = 20.0) -> str:
        """Wait until every one of ``texts`` is on the screen; returns that screen."""
        shown = ""

        def check() -> bool:
            nonlocal shown
            shown = self.screen()
            return all(t in shown for t in texts)

        wait_until(check, timeout, lambda: f"never on screen: {[t for t in texts if t not in shown]}\n{shown}")
        return shown

    def wait_for_footer(self, *texts: str, timeout: float = 20.0) -> str:
        """Wait until the key hints on the bottom row show every one of ``texts``; returns the screen."""
        shown = ""

        def check() -> bool:
            nonlocal shown
            shown = self.screen()
            return all(t in shown.removesuffix("\n").split("\n")[-1] for t in texts)

        wait_until(check, timeout, lambda: f"the key hints never showed {texts}:\n{shown}")
        return shown

    def wait_exit(self, timeout: float = 15.0) -> int:
        """Wait for the program in the pane to end; its exit status (128+N for signal N)."""
        wait_until(
            lambda: self.exit_status() is not None, timeout, lambda: f"the program did not exit:\n{self.screen()}"
        )
        status = self.exit_status()
        assert status is not None
        return status

    # -- typing ----------------------------------------------------------------

    def keys(self, *keys: str) -> None:
        """Named keys as tmux knows them: Enter, Escape, C-s, Up, F1..."""
        self.run("send-keys", "-t", "e2e", *keys)

    def type(self, text: str) -> None:
        """Literal text, sent as typed (a newline is sent as Enter)."""
        for n, part in enumerate(text.split("\n")):
            if n:
                self.keys("Enter")
            if part:
                self.run("send-keys", "-t", "e2e", "-l", part)

    def raw(self, data: bytes) -> None:
        """Exact bytes, as a terminal would send them."""
        self.run("send-keys", "-t", "e2e", "-H", *(f"{b:02x}" for b in data))

    def paste(self, data: bytes) -> None:
        """Paste exact bytes as a terminal does: bracketed (tmux paste-buffer -p), line feeds sent as CR."""
        buffer = self.config.with_name("paste-buffer")
        buffer.write_bytes(data)
        self.run("load-buffer", "-b", "e2e-paste", str(buffer))
        self.run("paste-buffer", "-p", "-d", "-b", "e2e-paste", "-t", "e2e")

    def resize(self, cols: int, rows: int) -> None:
        self.run("resize-window", "-t", "e2e", "-x", str(cols), "-y", str(rows))
        wait_until(lambda: self.size() == (cols, rows), 5, f"tmux did not resize to {cols}x{rows}")

    def kill(self) -> None:
        """Stop this tmux server (and the program in it); remove its socket."""
        if self.started:
            self.run("kill-server", check=False)
            self.started = False
        self.socket.unlink(missing_ok=True)


# -- the app's usual moves -------------------------------------------------------


def find(lines: list[str], text: str) -> tuple[int, int]:
    """(row, column) of ``text`` on the screen."""
    for row, line in enumerate(lines):
        col = line.find(text)
        if col >= 0:
            return row, col
    raise AssertionError(f"{text!r} is not on the screen:\n" + "\n".join(lines))


def open_first_chapter(tmux: Tmux, setback: str) -> str:
    """From the home screen: name a setback (n), then open the highlighted first chapter (Enter)."""
    tmux.wait_for("Setbacks")
    tmux.wait_for_footer("Quit")
    tmux.keys("n")
    tmux.wait_for("Name a setback")
    tmux.type(setback)
    tmux.keys("Enter")
    tmux.wait_for(f"Chapters for: {setback}")
    tmux.keys("Enter")
    tmux.wait_for("chapter 1 of")
    return tmux.wait_for_footer("Save")


def tab_to(tmux: Tmux, help_line: str) -> None:
    """Press Tab and wait until the field under ``help_line`` shows it has the focus.

    The app delivers keys typed ahead in order (test_typeahead.py); waiting for
    the redraw makes a failure say which field never got the focus.
    """
    row = find(tmux.lines(), help_line)[0] + 1
    before = tmux.screen(colours=True).split("\n")[row]
    tmux.keys("Tab")
    wait_until(
        lambda: tmux.screen(colours=True).split("\n")[row] != before,
        10,
        lambda: f"the field under {help_line!r} never got the focus:\n{tmux.screen()}",
    )


def quit_app(tmux: Tmux) -> None:
    tmux.keys("C-q")
    assert tmux.wait_exit() == 0, tmux.screen()


# -- fixtures: tmux ------------------------------------------------------------------


def _tmux_binary() -> str:
    if not FAILFORWARD.exists():
        pytest.fail(f"the installed console script is missing: {FAILFORWARD} (run: make test, or pip install -e .)")
    found = shutil.which("tmux")
    if found is None:
        pytest.skip("tmux not installed: `make test` installs it with apt-get when run as root (scripts/test-tools.sh)")
    return found


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    """A private tmux server, killed at the end of the test."""
    server = Tmux(_tmux_binary(), tmp_path)
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def make_tmux(tmp_path: Path) -> Iterator[Callable[[], Tmux]]:
    """Several private tmux servers in one test (one per app start)."""
    binary = _tmux_binary()
    servers: list[Tmux] = []

    def make() -> Tmux:
        workdir = tmp_path / f"tmux{len(servers)}"
        workdir.mkdir()
        server = Tmux(binary, workdir)
        servers.append(server)
        return server

    try:
        yield make
    finally:
        for server in servers:
            server.kill()


# -- fixtures: sshd --------------------------------------------------------------------


@dataclass
class Sshd:
    """A private sshd on 127.0.0.1:port that lets ``user`` in with ``key`` only."""

    proc: subprocess.Popen[bytes]
    port: int
    key: Path
    user: str
    log: Path
    ssh: str

    def command(self, remote: str) -> str:
        """The local shell command that runs ``remote`` over ssh in a terminal (ssh -tt)."""
        words = [self.ssh, "-tt", "-p", str(self.port), "-i", str(self.key), "-F", "/dev/null"]
        for option in (
            "StrictHostKeyChecking=no",
            "UserKnownHostsFile=/dev/null",
            "BatchMode=yes",
            "IdentitiesOnly=yes",
            "LogLevel=ERROR",
        ):
            words += ["-o", option]
        # The remote command runs in the user's login shell, with sshd's environment.
        words += [f"{self.user}@127.0.0.1", f"exec {remote}"]
        return shlex.join(words)

    def descendants(self) -> set[int]:
        """Every process that sshd started (sessions and what runs in them)."""
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
        found: set[int] = set()
        todo = [self.proc.pid]
        while todo:
            for child in children.get(todo.pop(), []):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _find(name: str, *extra: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for folder in extra:
        candidate = Path(folder) / name
        if candidate.exists() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def _sshd_config(port: int, host_key: Path, authorized: Path, folder: Path, user: str) -> str:
    """Key authentication only, for one user, on 127.0.0.1:port; every file in ``folder``."""
    return "\n".join(
        [
            "ListenAddress 127.0.0.1",
            f"Port {port}",
            f"HostKey {host_key}",
            f"PidFile {folder / 'sshd.pid'}",
            f"AuthorizedKeysFile {authorized}",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PermitRootLogin prohibit-password",
            f"AllowUsers {user}",
            "StrictModes no",
            "UsePAM no",
            "PrintMotd no",
            "PrintLastLog no",
            "X11Forwarding no",
            "",
        ]
    )


def _start_sshd(binary: str, config: Path, log: Path) -> subprocess.Popen[bytes]:
    """Start sshd in the foreground; return once it listens (or has exited)."""
    with log.open("wb") as out:
        proc = subprocess.Popen([binary, "-D", "-e", "-f", str(config)], stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until(
            lambda: "Server listening" in log.read_text(errors="replace") or proc.poll() is not None,
            10,
            lambda: f"sshd did not start listening:\n{log.read_text(errors='replace')}",
        )
    except AssertionError:
        proc.kill()
        proc.wait(timeout=5)
        raise
    return proc


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[Sshd]:
    """OpenSSH's sshd on a free port, with a host key and a client key made for this test."""
    sshd_bin = _find("sshd", "/usr/sbin", "/usr/local/sbin")
    ssh_bin = _find("ssh")
    keygen = _find("ssh-keygen")
    missing = []
    if not sshd_bin:
        missing.append("sshd (openssh-server)")
    if not (ssh_bin and keygen):
        missing.append("ssh and ssh-keygen (openssh-client)")
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed: `make test` installs them with apt-get when run as root")
    assert sshd_bin and ssh_bin and keygen
    user = getpass.getuser()
    folder = tmp_path / "sshd"
    folder.mkdir(mode=0o700)
    host_key, client_key = folder / "host_ed25519", folder / "client_ed25519"
    for key in (host_key, client_key):
        subprocess.run([keygen, "-q", "-t", "ed25519", "-N", "", "-C", "failforward-e2e", "-f", str(key)], check=True)
    authorized = folder / "authorized_keys"
    authorized.write_text(Path(f"{client_key}.pub").read_text())
    authorized.chmod(0o600)
    if os.geteuid() == 0:
        # sshd running as root needs its privilege separation folder (the service normally makes it).
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    config, log = folder / "sshd_config", folder / "sshd.log"
    for _attempt in range(3):  # another program may take the free port first: then try another one
        port = _free_port()
        config.write_text(_sshd_config(port, host_key, authorized, folder, user))
        proc = _start_sshd(sshd_bin, config, log)
        if proc.poll() is None:
            break
    assert proc.poll() is None, f"sshd exited ({proc.returncode}):\n{log.read_text(errors='replace')}"
    server = Sshd(proc, port, client_key, user, log, ssh_bin)
    try:
        yield server
    finally:
        for pid in server.descendants():  # sessions a failed test left behind
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
