"""Start an app headless and report when its first screen is painted.

    python bench/probe.py APP OUT MARKER [ARGS...]    headless: APP is ours, floor or frogmouth
    python bench/probe.py floor --plain               the bare Textual app in a real terminal (tmux)

``PROBE_SIZE=COLSxROWS`` in the environment sets the headless size (120x40 unless given).

Runs under any of the benchmark's interpreters (ours, or a peer's venv), so it
imports nothing but the standard library and the Textual of that interpreter.

Headless, Textual lays out and renders every frame (widgets' lines) but skips
turning the frame into terminal output; the probe does that conversion itself
and looks for MARKER in the frame's text. On the first frame that shows it, it
writes ``{"painted": time.monotonic(), "ready": ..., "rss_kb": ..., "hwm_kb": ...}``
to OUT and ends the process at once (``os._exit``), so tear-down is never
measured. "ready" is when keys are answered: the same as "painted", except
when failforward drew home from its glance and reads the journal after that
frame (tui/overview.py); then the probe waits for the reading to end.
With ``PROBE_PROFILE=FILE`` in the environment, cProfile runs from the probe's
start to that frame and its stats are written to FILE.
The caller takes ``time.monotonic()`` just before starting the process: on
Linux both clocks are the same system-wide clock.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time

ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>]")
SIZE = tuple(int(n) for n in os.environ.get("PROBE_SIZE", "120x40").split("x"))
PROFILER = None
if os.environ.get("PROBE_PROFILE"):  # cProfile from here to the first frame (set by bench/run.py)
    import cProfile

    PROFILER = cProfile.Profile()
    PROFILER.enable()


def _memory() -> dict[str, int]:
    out = {}
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    key = "rss_kb" if line.startswith("VmRSS") else "hwm_kb"
                    out[key] = int(line.split()[1])
    except OSError:
        pass
    return out


def floor_app() -> object:
    """The floor (bench/floor.py): a bare Textual app, a Header, a Static and a Footer on its screen."""
    from floor import FloorApp

    return FloorApp()


def instrument(out: str, marker: str) -> None:
    """Patch Textual: headless at a fixed size, and report the first frame showing ``marker``."""
    from textual.app import App

    original_run = App.run
    original_display = App._display

    def run(self: App, *args: object, **kwargs: object) -> object:
        kwargs["headless"] = True
        kwargs["size"] = SIZE
        return original_run(self, *args, **kwargs)

    painted: list[float] = []

    def finish(ready: float) -> None:
        with open(out, "w") as handle:
            json.dump({"painted": painted[0], "ready": ready, **_memory()}, handle)
        os._exit(0)

    def display(self: App, screen: object, renderable: object) -> None:
        original_display(self, screen, renderable)
        render = getattr(renderable, "render_segments", None)
        if render is None or painted:
            return
        text = ANSI.sub("", render(self.console))
        if marker in text:
            painted.append(time.monotonic())
            if PROFILER is not None:
                PROFILER.disable()
                PROFILER.dump_stats(os.environ["PROBE_PROFILE"])
            when_ready(self)

    def when_ready(app: App, waited: bool = False) -> None:
        """Finish once keys are answered: now, or after failforward has read the journal home was drawn before."""
        if getattr(app, "glimpse", None) is not None and not getattr(app, "journal_open", True):
            app.set_timer(0.002, lambda: when_ready(app, True))  # the reading holds the loop: runs once it ends
            return
        finish(time.monotonic() if waited else painted[0])

    App.run = run  # type: ignore[method-assign]
    App._display = display  # type: ignore[method-assign]


def main(argv: list[str]) -> int:
    app = argv[0]
    if argv[1:2] == ["--plain"]:
        floor_app().run()  # type: ignore[attr-defined]
        return 0
    out, marker, rest = argv[1], argv[2], argv[3:]
    instrument(out, marker)
    if app == "floor":
        floor_app().run()  # type: ignore[attr-defined]
    elif app == "ours":
        from tui.cli import main as failforward

        failforward(rest)
    elif app == "frogmouth":
        sys.argv = ["frogmouth", *rest]
        from frogmouth.app.app import run

        run()
    else:
        raise SystemExit(f"unknown app {app!r}")
    return 3  # the app ended without ever showing the marker


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
