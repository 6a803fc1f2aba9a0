"""What the benchmark's parts share: timings and their summaries, goals, the probe runner and profiles.

Imported by ``bench/run.py`` (the whole suite and the document) and by the
modules of single parts (``bench/switch.py``).
"""

from __future__ import annotations

import contextlib
import json
import os
import pstats
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENVS = BENCH / ".venvs"
SCRATCH = VENVS / "scratch"
PY = sys.executable


# -- numbers -----------------------------------------------------------------------


@dataclass
class Series:
    """Repeated timings in seconds (or any values), summarised by median and range."""

    values: list[float] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.values) and not self.error

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def ms(self, digits: int = 0) -> str:
        if not self.ok:
            return self.error or "n/a"
        lo, hi = min(self.values), max(self.values)
        fmt = f"{{:.{digits}f}}"
        if len(self.values) == 1:
            return f"{fmt.format(self.median * 1000)} ms (1 run)"
        return f"{fmt.format(self.median * 1000)} ms ({fmt.format(lo * 1000)}–{fmt.format(hi * 1000)})"


def ratio(a: Series, b: Series) -> float | None:
    return a.median / b.median if a.ok and b.ok and b.median > 0 else None


def fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# -- processes -----------------------------------------------------------------------


def base_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        FAILFORWARD_CONFIG_DIR=str(SCRATCH / "config"),
        FAILFORWARD_DATA_DIR=str(SCRATCH / "default-data"),
        XDG_CONFIG_HOME=str(SCRATCH / "xdg-config"),
        XDG_DATA_HOME=str(SCRATCH / "xdg-data"),
        XDG_CACHE_HOME=str(SCRATCH / "xdg-cache"),
        FAILFORWARD_STATE_DIR=str(SCRATCH / "state"),  # the lock and device id stay out of the real state folder
    )
    env.pop("TEXTUAL", None)  # no devtools
    return env


def headless_start(
    python: Path | str,
    app: str,
    marker: str,
    args: list[str],
    profile: Path | None = None,
    size: tuple[int, int] = (120, 40),
) -> tuple[float, dict[str, int]]:
    """Seconds from starting the process to its first frame showing ``marker``, and its memory (bench/probe.py).

    The dict holds ``ready`` too: seconds to when keys are answered (later than the first frame only
    when failforward drew home from its glance and read the journal after).
    """
    out = SCRATCH / "probe.json"
    out.unlink(missing_ok=True)
    env = base_env()
    env["PROBE_SIZE"] = f"{size[0]}x{size[1]}"
    if profile is not None:
        env["PROBE_PROFILE"] = str(profile)
    # Standard input and output on a pseudo-terminal, as when a person starts the app
    # (failforward refuses to start without a terminal); the headless driver never uses it.
    leader, follower = os.openpty()
    drain = threading.Thread(target=_drain, args=(leader,), daemon=True)
    drain.start()
    start = time.monotonic()
    try:
        proc = subprocess.run(
            [str(python), str(BENCH / "probe.py"), app, str(out), marker, *args],
            env=env,
            stdin=follower,
            stdout=follower,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
        )
    finally:
        os.close(follower)
        drain.join(timeout=5)
        os.close(leader)
    if not out.exists():
        tail = proc.stderr.strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
        raise RuntimeError(f"{app} never showed {marker!r}: {tail[0]}")
    data = json.loads(out.read_text())
    painted = float(data.pop("painted"))
    data["ready"] = float(data.get("ready", painted)) - start  # keys answered (bench/probe.py)
    return painted - start, data


def _drain(fd: int) -> None:
    """Read a pseudo-terminal until it closes, so the process writing to it never blocks."""
    with contextlib.suppress(OSError):
        while os.read(fd, 65536):
            pass


# -- profiles ------------------------------------------------------------------------


GENERIC = {  # event-loop plumbing: large cumulative times that say nothing about the cause
    "invoke",
    "_invoke",
    "_process_messages",
    "_process_messages_loop",
    "_dispatch_message",
    "_on_message",
    "on_event",
    "_run",
    "_tick",
    "_run_timer",
    "_pre_process",
    "_invoke_and_clear_callbacks",
    "_on_timer_update",
    "run",
    "_run_once",
    "run_forever",
    "run_until_complete",
    "post_message",
    "_post_message",
    "call_next",
    "press",
    "_press_keys",
    "wait_for_idle",
}


def summarize_profile(path: Path, top: int = 8) -> str:
    """The project's functions and Textual's by cumulative time, then the hottest functions by own time."""
    stats = pstats.Stats(str(path))
    rows = stats.stats  # type: ignore[attr-defined]
    site = "site-packages/"

    def where(key: tuple[str, int, str]) -> str:
        file, line, func = key
        if site in file:
            file = file.split(site, 1)[1]
        elif file.startswith(str(ROOT)):
            file = file[len(str(ROOT)) + 1 :]
        else:
            file = Path(file).name if file != "~" else ""
        return f"{file}:{line} {func}" if file else func

    def ranked(keep: Callable[[tuple[str, int, str]], bool], column: int) -> list[tuple[Any, Any]]:
        found = [(k, v) for k, v in rows.items() if keep(k)]
        return sorted(found, key=lambda kv: kv[1][column], reverse=True)[:top]

    ours = ranked(lambda k: k[0].startswith((str(ROOT / "tui"), str(ROOT / "screens"))) and k[2][0] != "<", 3)
    textual = ranked(lambda k: f"{site}textual/" in k[0] and k[2] not in GENERIC and k[2][0] != "<", 3)
    own = ranked(lambda k: True, 2)
    total = max((v[3] for v in rows.values()), default=0.0)
    lines = [f"profiled: {total * 1000:.0f} ms in all (cProfile makes Python code about 2x slower)"]
    for title, found, column in (
        ("cumulative, failforward:", ours, 3),
        ("cumulative, Textual:", textual, 3),
        ("own time, any code:", own, 2),
    ):
        if found:
            lines.append(title)
            lines += [f"  {v[column] * 1000:8.1f} ms  {v[1]:>8} calls  {where(k)}" for k, v in found]
    return "\n".join(lines)


# -- goals ------------------------------------------------------------------------------------


@dataclass
class Goal:
    key: str
    goal: str
    figure: str
    ratio: str
    met: bool | None
    by: str = ""

    def within(self, seconds: float, budget: float) -> None:
        """Met when ``seconds`` is at most ``budget``; otherwise by how much it is over."""
        self.met = seconds <= budget
        self.by = _over(seconds, budget)

    @property
    def verdict(self) -> str:
        if self.met is None:
            return "not measured"
        return "met" if self.met else f"not met by {self.by}"


def _over(value: float, limit: float, unit: str = "ms", scale: float = 1000) -> str:
    return f"{(value - limit) * scale:.0f} {unit} ({(value / limit - 1) * 100:.0f} % over)"


def run_json(script: Path, kind: str, spec: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run ``script KIND SPEC`` in a fresh interpreter; the JSON object on its last line of output."""
    proc = subprocess.run(
        [PY, str(script), kind, json.dumps(spec)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=base_env(),
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
    )
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        raise RuntimeError(lines[-1] if lines else f"exit {proc.returncode}")
    return json.loads(proc.stdout.strip().splitlines()[-1])
