"""The installed app over a real SSH connection (OpenSSH client and server), and the link dropping.

A private sshd on 127.0.0.1 runs the app as the remote command of ``ssh -tt``,
in a tmux window. Killing the ssh client with SIGKILL drops the TCP connection
without a goodbye, as a lost network does: sshd closes the session's terminal,
and the app on the "server" side must save what was typed and go away.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from tui.store import Store

from ..conftest import FIXTURE_CHAPTERS
from .conftest import Sshd, Tmux, app_command, open_first_chapter, quit_app, wait_until

TYPED = "Lost the Acme pitch — they went with a cheaper vendor.\nNext time: ask about the budget first."
CLK_TCK = os.sysconf("SC_CLK_TCK")


def pgrep(pattern: str) -> set[int]:
    """Processes whose command line contains ``pattern`` (pgrep -f), without this one."""
    if shutil.which("pgrep"):
        found = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True, check=False).stdout.split()
        pids = {int(pid) for pid in found}
    else:  # no procps: the same, by hand
        pids = {int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and pattern in cmdline(int(p.name))}
    return pids - {os.getpid()}


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time the process has used so far (None once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    if fields[0] == "Z":
        return None
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def apps(data: Path) -> set[int]:
    """The app processes on this journal (not the ssh client or tmux, whose command lines name it too)."""
    return {p for p in pgrep(str(data)) if Path(cmdline(p).split(" ", 1)[0]).name.startswith("python")}


def the_app(sshd: Sshd, data: Path) -> int:
    """The one app process that sshd runs for this journal."""
    found = apps(data)
    assert len(found) == 1, f"expected one app, found {[cmdline(p) for p in found]}"
    app = next(iter(found))
    assert app in sshd.descendants(), f"the app is not running under sshd: {cmdline(app)}"
    return app


def test_dropped_ssh_connection_saves_the_draft_and_ends_the_app(
    sshd: Sshd, make_tmux: Callable[[], Tmux], tmp_path: Path
) -> None:
    data = tmp_path / "journal-over-ssh"
    remote = app_command(data, FIXTURE_CHAPTERS, "xterm-256color", config_dir=tmp_path / "config")

    # 1. Over ssh: name a setback, open a chapter, type, and do not save.
    client = make_tmux()
    client.start(sshd.command(remote))
    open_first_chapter(client, "Pitch lost")
    client.type(TYPED)
    client.wait_for("Lost the Acme pitch — they went", "ask about the budget first.")
    app = the_app(sshd, data)
    ssh_client = next(p for p in pgrep(str(data)) if cmdline(p).startswith(sshd.ssh))

    # 2. The link drops: the ssh client dies without closing the connection cleanly.
    os.kill(ssh_client, signal.SIGKILL)
    dropped = time.monotonic()
    cpu_at_drop = cpu_seconds(app)
    samples: list[tuple[float, float]] = []

    def app_gone() -> bool:
        used = cpu_seconds(app)
        if used is None:
            return True
        samples.append((time.monotonic(), used))
        return False

    wait_until(app_gone, 5, lambda: f"the app is still running 5 s after the link dropped: {cmdline(app)}")
    lived = time.monotonic() - dropped
    if cpu_at_drop is not None and samples:
        # Saving and exiting takes a moment of CPU; spinning on a dead terminal takes all of it.
        used = samples[-1][1] - cpu_at_drop
        assert used <= 0.5 + 0.5 * lived, f"the app used {used:.2f} s of CPU in the {lived:.2f} s it outlived its link"
    # No orphan left behind: nothing at all runs on this journal any more.
    assert [cmdline(p) for p in apps(data)] == []
    assert client.wait_exit() != 0  # the ssh client was killed

    # 3. What was typed is kept, exactly, as a draft.
    with Store(data) as store:
        drafts = store.all("drafts")
        reflections = store.all("reflections")
    assert [(d["chapter_id"], d["answers"]["what"]) for d in drafts] == [("first", TYPED)]
    assert reflections == []

    # 4. The next start (over ssh again) offers it back.
    again = make_tmux()
    again.start(sshd.command(remote))
    again.wait_for("unsaved draft")
    again.keys("c")  # continue where you left off
    again.wait_for("Unsaved changes restored", "Lost the Acme pitch — they went", "ask about the budget first.")
    quit_app(again)
    with Store(data) as store:
        assert [d["answers"]["what"] for d in store.all("drafts")] == [TYPED]


def test_over_ssh_a_chapter_is_saved_and_the_app_quits_cleanly(
    sshd: Sshd, make_tmux: Callable[[], Tmux], tmp_path: Path
) -> None:
    data = tmp_path / "journal-over-ssh"
    remote = app_command(data, FIXTURE_CHAPTERS, "xterm", config_dir=tmp_path / "config")
    client = make_tmux()
    client.start(sshd.command(remote))
    open_first_chapter(client, "Saved over ssh")
    client.type("typed over ssh, saved with ctrl+s")
    client.wait_for("typed over ssh, saved with ctrl+s")
    client.keys("C-s")
    client.wait_for("Saved.")
    quit_app(client)  # ctrl+q ends the app, and with it the ssh session (exit status 0)
    with Store(data) as store:
        answers = store.all("reflections")[0]["answers"]
    assert answers["what"] == "typed over ssh, saved with ctrl+s"


def test_a_dropped_connection_with_the_setback_dialog_open_keeps_what_was_typed(
    sshd: Sshd, make_tmux: Callable[[], Tmux], tmp_path: Path
) -> None:
    data = tmp_path / "journal-over-ssh"
    remote = app_command(data, FIXTURE_CHAPTERS, "xterm-256color", config_dir=tmp_path / "config")
    client = make_tmux()
    client.start(sshd.command(remote))
    client.wait_for("Setbacks")
    client.wait_for_footer("Quit")
    client.keys("n")
    client.wait_for("Name a setback")
    client.type("Passed over for the lead role")
    client.wait_for("Passed over for the lead role")
    app = the_app(sshd, data)
    ssh_client = next(p for p in pgrep(str(data)) if cmdline(p).startswith(sshd.ssh))
    os.kill(ssh_client, signal.SIGKILL)  # the link drops with the dialog open
    wait_until(lambda: cpu_seconds(app) is None, 5, "the app is still running 5 s after the link dropped")
    with Store(data) as store:
        assert [f["values"]["title"] for f in store.all("forms")] == ["Passed over for the lead role"]
        assert store.all("setbacks") == []

    again = make_tmux()
    again.start(sshd.command(remote))
    again.wait_for("Unsaved text kept from last time")
    again.keys("n")
    again.wait_for("Unsaved changes restored", "Passed over for the lead role")
    again.keys("Enter")
    again.wait_for("Chapters for: Passed over for the lead role")
    quit_app(again)
    with Store(data) as store:
        assert [s["title"] for s in store.all("setbacks")] == ["Passed over for the lead role"]
        assert store.all("forms") == []
