"""Chapter to chapter with ctrl+n over every shipped chapter, and the first screen, at 80x24, against the floor.

    python bench/run.py --only switch [--quick]    the route, headless and in tmux; prints figures and goals
    python bench/run.py --only first [--quick]     the first screen, headless and in tmux; the same
    python bench/switch.py headless 'SPEC'         one pass of the route in this interpreter (JSON on stdout)

The route: failforward opens the first shipped chapter for a setback and ctrl+n
goes through every other chapter in the workbook's order (``Workbook.neighbour``,
what ctrl+n follows); the floor (bench/floor.py) swaps as many screens. Each
step is timed from the ctrl+n key to the first frame that shows the next screen
*done*, by the marker of :func:`chapter_marker`:

- the chapter bar's ``chapter N of M`` (the new screen is on, not the old one),
- the first three words of the guide's first two blocks, as rendered (its
  heading and the paragraph under it: the guide's first screen is painted),
- the first question: the first words of its label, or of its first option for
  a choice (at 80x24 a list question can be scrolled to show the option that
  has the focus, its label just above the form's top); headless also demands
  that the focus is in that question's box in the frame that shows all this.

For the floor the marker is the Static's text on the next screen. The frames are
turned into a screen with pyte (a terminal emulator), so a marker counts only
when the whole screen shows it at once, never pieces of two frames.

Headless: the app runs in-process with Textual's headless driver (Pilot presses
the key); each frame is converted to terminal output as the real driver does
(``render_segments``) and timed then; the conversion into a screen happens after
the run. In tmux: a private tmux server runs the app in an 80x24 window, and a
control-mode client (``tmux -C``) receives the pane's output as ``%output``
events, each timed as its bytes arrive (a reader thread doing nothing else);
the events are fed into pyte, and a step ends with the event after which the
screen shows the marker; for the focus, the terminal has no widget tree, so the
focused field's cells (its region from the headless run: the layout is the
same at 80x24) must look as they do once the output pauses, cursor or
highlight drawn (:meth:`Run.wait`). The key is sent on the same control connection
(``send-keys``), its time taken just before. Floor and failforward runs are
interleaved, one fresh process per pass, so noise hits both alike.

Why one module of about 800 lines: the markers, the replay of frames, the
tmux control client and the goals define one measurement and change
together. The control client (``ControlTmux``, ``Run``) is the part to move
out first when another measurement needs a real terminal.
"""

from __future__ import annotations

import asyncio
import contextlib
import cProfile
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from common import (  # noqa: E402  (after the path set-up)
    PY,
    SCRATCH,
    Goal,
    Series,
    base_env,
    fmt_ratio,
    headless_start,
    log,
    ratio,
    run_json,
    summarize_profile,
)
from floor import screen_text  # noqa: E402

SIZE = (80, 24)
QUIET = 0.3  # seconds without output (tmux) or a pause (headless) after a step: the screen has settled
# Before each ctrl+n, failforward is left this long: a person reads a chapter before moving on, and the app
# builds the chapters around the one shown once the form has been still for screens.chapter.PREPARE_AFTER.
# The floor has nothing to prepare and is not kept waiting. A step taken sooner meets a chapter not yet built.
READ = 2.0
GAP = 0.1  # tmux: the field's look is taken at the output's first pause this long (before a cursor blinks, 0.5 s)
SWITCH_INTERVAL = 0.0005  # tmux: how soon the reader thread gets the interpreter to time an event (default 5 ms)
SWITCH_GOAL, SWITCH_WORST = 2.0, 3.0  # the route's median vs the floor's; no chapter's median over this
FIRST_GOAL = 1.25
FIRST_MARKER = "Press n to name a setback"  # the home screen's hint, filled with its lists (an empty journal)
SETBACK = "Benchmark setback"

# -- markers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Marker:
    """What the screen must show at once: every one of ``texts``, and one of ``any_of`` if given."""

    texts: tuple[str, ...]
    any_of: tuple[str, ...] = ()
    focus: str = ""  # headless: the id of a widget that must hold the focus or contain it
    region: tuple[int, int, int, int] | None = None  # tmux: x, y, width, height of the focused field (see Run)

    def shown(self, screen: str, focus: tuple[str, ...] = ()) -> bool:
        if not all(t in screen for t in self.texts):
            return False
        if self.any_of and not any(t in screen for t in self.any_of):
            return False
        return not self.focus or self.focus in focus


def _words(text: str, count: int = 3) -> str:
    return " ".join(text.split()[:count])


def first_words(markdown: str, blocks: int = 2, count: int = 3) -> list[str]:
    """The first ``count`` words of the first ``blocks`` text blocks of ``markdown``, as the guide renders them.

    Inline markup is dropped (emphasis, code, links keep their text), so the
    words are what a person sees on the screen.
    """
    from markdown_it import MarkdownIt

    found: list[str] = []
    for token in MarkdownIt("commonmark").parse(markdown):
        if token.type != "inline" or not token.children:
            continue
        text = "".join(
            " " if child.type in ("softbreak", "hardbreak") else child.content
            for child in token.children
            if child.type in ("text", "code_inline", "softbreak", "hardbreak")
        )
        if text.strip():
            found.append(_words(text, count))
        if len(found) == blocks:
            break
    return found


def chapter_marker(chapters: list[Any], index: int) -> Marker:
    """The marker of the chapter at ``index`` (from 0) in the workbook's order: see the module's docstring."""
    chapter = chapters[index]
    bar = f"chapter {index + 1} of {len(chapters)}"
    first = chapter.fields[0]
    question = [_words(first.label)]
    if first.kind in ("choice", "multi") and first.options:
        question.append(_words(first.options[0], 2))
    return Marker((bar, *first_words(chapter.body)), tuple(question), focus=f"box-{first.id}")


def floor_marker(number: int) -> Marker:
    return Marker((screen_text(number),))


# -- frames into screens ------------------------------------------------------------------


class Screen:
    """A pyte terminal of the benchmark's size, fed the bytes a terminal would get."""

    def __init__(self) -> None:
        import pyte

        self.screen = pyte.Screen(*SIZE)
        self.stream = pyte.ByteStream(self.screen)

    def feed(self, data: bytes) -> None:
        self.stream.feed(data)

    def text(self) -> str:
        return "\n".join(self.screen.display)


Frame = tuple[float, bytes, tuple[str, ...], tuple[int, int, int, int] | None]  # time, bytes, focus, its region


def first_shown(frames: list[Frame], waits: list[tuple[float, int, Marker]]) -> list[tuple[float, Any] | None]:
    """For each wait (start time, first frame after it, marker): seconds from its start to the first frame
    after which the screen shows the marker, and the focused widget's region then; None if it never does.
    ``frames``: (time, terminal bytes, ids of the focused widget and its ancestors, its region) in order."""
    screen = Screen()
    out: list[tuple[float, Any] | None] = [None] * len(waits)
    pending = sorted(range(len(waits)), key=lambda i: waits[i][1])
    for index, (when, data, focus, region) in enumerate(frames):
        screen.feed(data)
        if not pending or waits[pending[0]][1] > index:
            continue
        text = screen.text()
        for i in list(pending):
            start, begin, marker = waits[i]
            if begin <= index and out[i] is None and marker.shown(text, focus):
                out[i] = (when - start, region)
                pending.remove(i)
    return out


# -- headless: one pass in this interpreter -------------------------------------------------


async def headless_pass(spec: dict[str, Any]) -> dict[str, Any]:
    """One pass of the route, headless at 80x24: the time of every step (None: the marker never showed)."""
    from textual.app import App

    frames: list[Frame] = []
    original = App._display

    def display(self: App[Any], screen: Any, renderable: Any) -> None:
        original(self, screen, renderable)
        render = getattr(renderable, "render_segments", None)
        if render is None or self._batch_count:
            return
        data = render(self.console).encode()  # what the real driver writes, made as it does
        focused = self.focused
        focus, region = (), None
        if focused is not None:
            focus = tuple(n.id for n in focused.ancestors_with_self if n.id)
            try:  # the part of it on screen: a tall field runs under the footer, which is not the field's look
                region = tuple(screen.find_widget(focused).visible_region)
            except Exception:  # not in this frame's map
                region = tuple(focused.region)
        frames.append((time.perf_counter(), data, focus, region))  # type: ignore[arg-type]

    App._display = display  # type: ignore[method-assign]
    profiler = cProfile.Profile() if spec.get("profile_step") is not None else None
    if spec["app"] == "floor":
        from floor import FloorApp

        app: App[Any] = FloorApp()
        steps = int(spec["steps"])
        markers = [floor_marker(n + 2) for n in range(steps)]
        labels = [f"screen {n + 2}" for n in range(steps)]

        async def open_first() -> None:
            pass  # the floor opens on its first screen

    else:
        from screens.chapter import ChapterScreen
        from tui.app import make_app

        data_dir = Path(spec["data_dir"])
        app = make_app(data_dir=data_dir)
        workbook = app.workbook  # type: ignore[attr-defined]
        setback = workbook.setbacks()[0]
        chapters = workbook.chapters
        markers = [chapter_marker(chapters, i) for i in range(1, len(chapters))]
        labels = [c.id for c in chapters[1:]]

        async def open_first() -> None:
            await app.push_screen(ChapterScreen(setback.id, chapters[0].id))

    waits: list[tuple[float, int, Marker]] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_first()
        await settle(pilot)
        read = float(spec.get("read", 0.0))
        for step, marker in enumerate(markers):
            if read:
                await asyncio.sleep(read)  # reading the chapter: its neighbours are built meanwhile
            profiling = profiler is not None and step == spec["profile_step"]
            if profiling:
                profiler.enable()  # type: ignore[union-attr]
            mark = len(frames)
            start = time.perf_counter()
            await pilot.press("ctrl+n")
            if profiling:
                await app.screen.wait_for_refresh()
                profiler.disable()  # type: ignore[union-attr]
            waits.append((start, mark, marker))
            await settle(pilot)
    App._display = original  # type: ignore[method-assign]
    if profiler is not None:
        profiler.dump_stats(spec["profile_out"])
    found = first_shown(frames, waits)
    text_only = first_shown(frames, [(s, i, Marker(m.texts, m.any_of)) for s, i, m in waits])
    return {
        "labels": labels,
        "times": [f[0] if f else None for f in found],
        "text_times": [f[0] if f else None for f in text_only],
        "regions": [f[1] if f else None for f in found],
    }


async def settle(pilot: Any) -> None:
    """Let the screen finish: the app idle, a frame painted, then a quiet moment like a person reading."""
    await pilot.pause()
    await pilot.app.screen.wait_for_refresh()
    await asyncio.sleep(QUIET)
    await pilot.pause()


def run_headless(spec: dict[str, Any], timeout: float = 300) -> dict[str, Any]:
    """One headless pass in a fresh interpreter."""
    return run_json(HERE / "switch.py", "headless", spec, timeout)


# -- tmux: a real terminal, watched through control mode ---------------------------------------

_OCTAL = re.compile(rb"\\([0-7]{3})")


def unescape(data: bytes) -> bytes:
    """A ``%output`` event's data: tmux writes bytes under 32 and the backslash as octal escapes."""
    return _OCTAL.sub(lambda m: bytes([int(m.group(1), 8)]), data)


class ControlTmux:
    """A private tmux server whose windows are 80x24, and a control-mode client per app run."""

    def __init__(self) -> None:
        self.socket = f"ffswitch-{os.getpid()}"
        self.count = 0
        self.path = ""
        self.interval = 0.005

    def tmux(self, *args: str, check: bool = True) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30)
        if check and out.returncode != 0:
            raise RuntimeError(f"tmux {args[0]}: {out.stderr.strip()}")
        return out.stdout

    def __enter__(self) -> ControlTmux:
        self.interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL)
        w, h = SIZE
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "keeper", "-x", str(w), "-y", str(h), "sleep 86400")
        self.tmux("set-option", "-g", "status", "off")
        self.path = self.tmux("display-message", "-p", "#{socket_path}", check=False).strip()
        return self

    def __exit__(self, *exc: object) -> None:
        sys.setswitchinterval(self.interval)
        self.tmux("kill-server", check=False)
        if self.path:
            Path(self.path).unlink(missing_ok=True)

    @contextlib.contextmanager
    def run(self, cmd: list[str], env: dict[str, str]) -> Any:
        """The app in a new 80x24 window, held before it starts until :meth:`Run.start`."""
        self.count += 1
        name = f"run{self.count}"
        exports = [f"{k}={v}" for k, v in env.items() if k.startswith(("FAILFORWARD_", "XDG_"))]
        command = "read _ ; exec env " + shlex.join([*exports, *cmd])
        w, h = SIZE
        self.tmux("new-session", "-d", "-s", name, "-x", str(w), "-y", str(h), command)
        run = Run(["tmux", "-L", self.socket, "-C", "attach-session", "-t", name], name)
        try:
            yield run
        finally:
            run.close()
            pid_text = self.tmux("display-message", "-p", "-t", name, "#{pane_pid}", check=False).strip()
            self.tmux("kill-session", "-t", name, check=False)
            if pid_text.isdigit():  # wait for the app to leave (ours holds the journal's lock)
                for _ in range(500):
                    try:
                        os.kill(int(pid_text), 0)
                    except OSError:
                        break
                    time.sleep(0.01)


class Run:
    """One control-mode client: output events timed as they arrive, keys sent, the pane kept as a pyte screen."""

    def __init__(self, cmd: list[str], target: str) -> None:
        self.target = target
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        self.chunks: list[tuple[float, bytes]] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.screen = Screen()
        self.done = 0  # chunks taken into lines
        self.rest = b""
        self.last_output = 0.0
        self.text_shown = 0.0  # of the last wait: seconds to the marker's texts, the focused field's look aside
        deadline = time.monotonic() + 10
        while not self.chunks and time.monotonic() < deadline:  # attached: tmux greets the client
            time.sleep(0.005)
        time.sleep(0.05)
        self.take()

    def _read(self) -> None:
        fd = self.proc.stdout.fileno()  # type: ignore[union-attr]
        with contextlib.suppress(OSError):
            while data := os.read(fd, 65536):
                self.chunks.append((time.monotonic(), data))

    def send(self, *keys: str) -> float:
        """Send keys to the pane; the time just before."""
        line = f"send-keys -t {self.target} {' '.join(keys)}\n".encode()
        start = time.monotonic()
        self.proc.stdin.write(line)  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]
        return start

    def take(self, marker: Marker | None = None) -> list[tuple[float, bool, Any]]:
        """Feed the output that arrived into the screen. With a marker: after each event, its arrival, whether the
        screen shows the marker's texts, and the cells of the marker's region (chars and colours)."""
        seen: list[tuple[float, bool, Any]] = []
        while self.done < len(self.chunks):
            when, data = self.chunks[self.done]
            self.done += 1
            lines = (self.rest + data).split(b"\n")
            self.rest = lines.pop()
            for line in lines:
                if not line.startswith(b"%output "):
                    continue
                _, _pane, payload = line.split(b" ", 2)
                self.screen.feed(unescape(payload.rstrip(b"\r")))
                self.last_output = when
                if marker is not None:
                    seen.append((when, marker.shown(self.screen.text()), self.cells(marker.region)))
        return seen

    def cells(self, region: tuple[int, int, int, int] | None) -> Any:
        if region is None:
            return None
        x, y, width, height = region
        buffer = self.screen.screen.buffer
        return tuple(buffer[row][col] for row in range(y, y + height) for col in range(x, x + width))

    def wait(self, start: float, marker: Marker, timeout: float = 30.0) -> float:
        """Seconds from ``start`` to the event after which the screen showed ``marker``.

        Waits for the output to go quiet (``QUIET``) after the texts showed. With a region (the focused field's,
        from the headless run: the layout is the same at 80x24), its cells must also look as they do when the
        output first pauses (``GAP``) after the texts showed: the field drawn with the focus, its cursor or
        highlight, as the terminal shows it (taken before a blinking cursor first goes out).
        """
        seen: list[tuple[float, bool, Any]] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen += self.take(marker)
            if any(ok for _, ok, _ in seen) and time.monotonic() - self.last_output > QUIET:
                break
            time.sleep(0.002)
        shown = [i for i, (_, ok, _) in enumerate(seen) if ok]
        if shown:
            settled = len(seen) - 1  # the last event before the output first pauses after the texts showed
            for i in range(shown[0], len(seen) - 1):
                if seen[i + 1][0] - seen[i][0] >= GAP:
                    settled = i
                    break
            final = seen[settled][2]
            self.text_shown = seen[shown[0]][0] - start
            for when, ok, cells in seen:
                if ok and cells == final:
                    return when - start
        raise RuntimeError(f"{marker.texts[0]!r} did not show within {timeout:.0f} s")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.stdin.close()  # type: ignore[union-attr]
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        if self.proc.poll() is None:
            self.proc.kill()


def tmux_pass(
    tmux: ControlTmux, cmd: list[str], markers: list[Marker], opening: tuple[str, Marker] | None
) -> tuple[list[float | None], list[float | None]]:
    """One pass in tmux: start the app, open the first chapter (``opening``: its key and marker), then ctrl+n
    through ``markers``. The first marker of the floor is its first screen. The time of each step, and to
    its texts alone."""
    times: list[float | None] = []
    texts: list[float | None] = []
    with tmux.run(cmd, base_env()) as run:
        run.wait(run.send("Enter"), markers[0] if opening is None else opening[1])
        if opening is not None:
            run.wait(run.send(opening[0]), markers[0])
        for marker in markers[1:]:
            if opening is not None:
                time.sleep(READ)  # reading the chapter (failforward only: see READ)
            times.append(run.wait(run.send("C-n"), marker))
            texts.append(run.text_shown)
    return times, texts


def tmux_first(tmux: ControlTmux, cmd: list[str], marker: Marker) -> float:
    with tmux.run(cmd, base_env()) as run:
        return run.wait(run.send("Enter"), marker)


# -- the parts ------------------------------------------------------------------------------------


@dataclass
class Route:
    """One app's route in one mode: the time of each step over the passes."""

    steps: dict[str, Series] = field(default_factory=dict)
    texts: dict[str, Series] = field(default_factory=dict)  # the same steps to the marker's texts alone
    error: str = ""

    def add(self, labels: list[str], times: list[float | None], texts: list[float | None] | None = None) -> None:
        for label, took in zip(labels, texts or [], strict=False):
            if took is not None:
                self.texts.setdefault(label, Series()).values.append(took)
        for label, took in zip(labels, times, strict=True):
            series = self.steps.setdefault(label, Series())
            if took is None:
                series.error = "the marker never showed"
            else:
                series.values.append(took)

    @property
    def pooled(self) -> Series:
        if self.error or not self.steps:
            return Series(error=self.error or "not measured")
        values = [v for s in self.steps.values() for v in s.values]
        return Series(values, error="" if values else "the marker never showed")

    @property
    def missing(self) -> list[str]:
        """The steps whose marker did not show in some pass."""
        return [k for k, s in self.steps.items() if s.error]

    def slowest(self) -> tuple[str, Series] | None:
        measured = [(k, s) for k, s in self.steps.items() if s.ok]
        return max(measured, key=lambda kv: kv[1].median) if measured else None


@dataclass
class SwitchResults:
    routes: dict[str, dict[str, Route]] = field(default_factory=dict)  # mode -> app -> Route
    profile: str = ""
    markers: dict[str, Marker] = field(default_factory=dict)


def setback_journal(folder: Path, chapters: list[Any]) -> int:
    """An empty journal (as bench/workload.py builds them) with one setback: its id."""
    import workload

    from tui.store import Store
    from tui.workbook import Workbook

    workload.build_journal(folder, 0, chapters)
    store = Store(folder, device=workload.DEVICE)
    try:
        return Workbook(store, chapters).add_setback(SETBACK, "project").id
    finally:
        store.close()


def measure_switch(reps: int, profile_slowest: bool = False) -> SwitchResults:
    """The route, floor and failforward interleaved, headless then in tmux, ``reps`` passes each."""
    from tui.content import load_chapters
    from tui.locations import shipped_content_dir

    chapters = load_chapters([shipped_content_dir()])
    steps = len(chapters) - 1
    journal = SCRATCH / "switch" / "journal"
    setback_journal(journal, chapters)
    res = SwitchResults()
    res.markers = {c.id: chapter_marker(chapters, i) for i, c in enumerate(chapters)}
    work = SCRATCH / "switch" / "work"

    def fresh() -> Path:
        if work.exists():
            shutil.rmtree(work)
        shutil.copytree(journal, work)
        return work

    modes = ["headless"] + (["tmux"] if shutil.which("tmux") else [])
    regions: dict[str, Any] = {}  # chapter bar's text -> the focused field's region when the marker showed
    for mode in modes:
        res.routes[mode] = {"floor": Route(), "failforward": Route()}
    log(f"chapter switch over {steps + 1} shipped chapters, headless at 80x24 ({reps} passes)")
    for _ in range(reps):
        for name in ("floor", "failforward"):
            route = res.routes["headless"][name]
            try:
                spec: dict[str, Any] = {"app": "floor", "steps": steps}
                if name == "failforward":
                    spec = {"app": "ours", "data_dir": str(fresh()), "read": READ}
                out = run_headless(spec)
                route.add(out["labels"], out["times"], out.get("text_times"))
                if name == "failforward":
                    for i, region in enumerate(out["regions"]):
                        if region:
                            regions.setdefault(f"chapter {i + 2} of {steps + 1}", region)
            except Exception as exc:
                route.error = f"error: {str(exc)[:120]}"
    if "tmux" in modes:
        log(f"chapter switch in tmux at 80x24 ({reps} passes)")
        floor_cmd = [PY, str(HERE / "floor.py")]
        ours_cmd = [str(Path(PY).parent / "failforward"), "--data-dir", str(work)]
        home = Marker((SETBACK, "0 Start here"))
        with ControlTmux() as tmux:
            for _ in range(reps):
                for name in ("floor", "failforward"):
                    route = res.routes["tmux"][name]
                    try:
                        if name == "floor":
                            markers = [Marker((screen_text(n + 1),)) for n in range(steps + 1)]
                            times, _ = tmux_pass(tmux, floor_cmd, markers, None)
                            route.add([f"screen {n + 2}" for n in range(steps)], times)
                        else:
                            fresh()
                            markers = [terminal_marker(chapter_marker(chapters, i), regions) for i in range(steps + 1)]
                            times, texts = tmux_pass(tmux, ours_cmd, markers, ("o", home))
                            route.add([c.id for c in chapters[1:]], times, texts)
                    except Exception as exc:
                        route.error = f"error: {str(exc)[:120]}"
    if profile_slowest:
        slowest = res.routes["headless"]["failforward"].slowest()
        if slowest is not None:
            label = slowest[0]
            path = SCRATCH / "switch" / "slowest.prof"
            index = [c.id for c in chapters].index(label) - 1
            try:
                run_headless(
                    {
                        "app": "ours",
                        "data_dir": str(fresh()),
                        "profile_step": index,
                        "profile_out": str(path),
                        "read": READ,
                    }
                )
                res.profile = f"ctrl+n to {label}, the slowest step headless:\n" + summarize_profile(path)
            except Exception as exc:
                res.profile = f"profile failed: {exc}"
    return res


def terminal_marker(marker: Marker, regions: dict[str, Any]) -> Marker:
    """A chapter's marker for the terminal: no widget tree to ask for the focus, the focused field's region instead
    (from the headless runs, keyed by the chapter bar's text)."""
    region = regions.get(marker.texts[0])
    return Marker(marker.texts, marker.any_of, region=tuple(region) if region else None)  # type: ignore[arg-type]


def measure_first(
    reps: int, apps: dict[str, dict[str, Any]], memory: dict[str, dict[str, int]] | None = None
) -> dict[str, dict[str, Series]]:
    """First screen at 80x24, headless (bench/probe.py) and in tmux (control mode), the apps interleaved.

    ``apps``: name -> {"python", "probe" (its name for probe.py), "marker", "args", "cmd" (in tmux), "error"}.
    ``memory`` gets each app's memory at its first screen (headless).
    """
    first = {name: {"headless": Series(), "tmux": Series()} for name in apps}
    log("first screen at 80x24, headless")
    for _ in range(reps + 2):
        for name, app in apps.items():
            series = first[name]["headless"]
            if app.get("error"):
                series.error = f"not measured: {app['error']}"
                continue
            try:
                took, used = headless_start(app["python"], app["probe"], app["marker"], app["args"], size=SIZE)
                series.values.append(took)
                if memory is not None:
                    memory[name] = used
            except Exception as exc:
                series.error = f"error: {exc}"
    if not shutil.which("tmux"):
        for name in apps:
            first[name]["tmux"].error = "tmux not installed"
        return first
    log("first screen at 80x24, tmux (control mode)")
    with ControlTmux() as tmux:
        for _ in range(reps):
            for name, app in apps.items():
                series = first[name]["tmux"]
                if app.get("error"):
                    series.error = f"not measured: {app['error']}"
                    continue
                try:
                    series.values.append(tmux_first(tmux, app["cmd"], Marker((app["marker"],))))
                except Exception as exc:
                    series.error = f"error: {exc}"
    return first


def first_apps(journal: Path) -> dict[str, dict[str, Any]]:
    """Floor and failforward (on the empty journal in ``journal``) for :func:`measure_first`.

    A session on the journal is ended first, as a person's ends, so every start meets home's glance
    (tui/overview.py): in tmux each run ends with a hang-up that keeps it anyway, headless none is lost.
    """
    run_json(HERE / "inproc.py", "glance", {"journal": str(journal)}, timeout=120)
    return {
        "floor": {
            "python": PY,
            "probe": "floor",
            "marker": screen_text(1),
            "args": [],
            "cmd": [PY, str(HERE / "floor.py")],
        },
        "failforward": {
            "python": PY,
            "probe": "ours",
            "marker": FIRST_MARKER,
            "args": ["--data-dir", str(journal)],
            "cmd": [str(Path(PY).parent / "failforward"), "--data-dir", str(journal)],
        },
    }


# -- goals ------------------------------------------------------------------------------------------


def switch_goals(res: SwitchResults) -> list[Goal]:
    goals = []
    for mode in ("headless", "tmux"):
        goal = Goal(
            "route",
            f"chapter switch ({mode}, 80x24): median <= {SWITCH_GOAL:g}x the floor, no chapter over {SWITCH_WORST:g}x",
            "",
            "",
            None,
        )
        routes = res.routes.get(mode)
        if routes is None:
            goals.append(goal)
            continue
        ours, floor = routes["failforward"].pooled, routes["floor"].pooled
        r = ratio(ours, floor)
        slowest = routes["failforward"].slowest()
        if r is None or slowest is None:
            goal.figure = ours.error or floor.error
            goals.append(goal)
            continue
        label, series = slowest
        worst = series.median / floor.median
        goal.figure = (
            f"{ours.median * 1000:.0f} ms vs floor {floor.median * 1000:.0f} ms; "
            f"slowest: {label} {series.median * 1000:.0f} ms"
        )
        goal.ratio = f"{fmt_ratio(r)}; slowest {fmt_ratio(worst)}"
        missing = routes["failforward"].missing
        goal.met = r <= SWITCH_GOAL and worst <= SWITCH_WORST and not missing
        over = [f"the marker never showed for {', '.join(missing)}"] if missing else []
        if r > SWITCH_GOAL:
            over.append(f"median {(ours.median - SWITCH_GOAL * floor.median) * 1000:.0f} ms over {SWITCH_GOAL:g}x")
        if worst > SWITCH_WORST:
            count = sum(
                1 for s in routes["failforward"].steps.values() if s.ok and s.median > SWITCH_WORST * floor.median
            )
            over.append(f"{count} chapter(s) over {SWITCH_WORST:g}x")
        goal.by = "; ".join(over)
        goals.append(goal)
    return goals


def first_goals(first: dict[str, dict[str, Series]]) -> list[Goal]:
    goals = []
    for mode in ("headless", "tmux"):
        ours, floor = first["failforward"][mode], first["floor"][mode]
        r = ratio(ours, floor)
        goal = Goal("first", f"first screen ({mode}, 80x24) <= {FIRST_GOAL:g}x the floor", "", fmt_ratio(r), None)
        if r is not None:
            goal.figure = f"{ours.median * 1000:.0f} ms vs floor {floor.median * 1000:.0f} ms"
            goal.met = r <= FIRST_GOAL
            extra = (ours.median - FIRST_GOAL * floor.median) * 1000
            goal.by = f"{extra:.0f} ms ({r / FIRST_GOAL * 100 - 100:.0f} % over {FIRST_GOAL:g}x)"
        else:
            goal.figure = ours.error or floor.error
        goals.append(goal)
    return goals


# -- printing -------------------------------------------------------------------------------------------


def route_table(res: SwitchResults) -> list[str]:
    """Markdown: per chapter, in each mode, the median and worst step, its ratio to the floor (all the floor's
    steps pooled), and the median to the chapter's texts alone (the focused question's look aside)."""
    modes = list(res.routes)
    head = "| Step (ctrl+n to) | " + " | ".join(f"{m}: median (worst) | vs floor | texts alone" for m in modes)
    lines = [head + " |", "|---|" + "---|---|---|" * len(modes)]
    labels = list(next(iter(res.routes.values()))["failforward"].steps) if res.routes else []

    def cells(name: str, mode: str, series: Series, texts: Series) -> list[str]:
        floor = res.routes[mode]["floor"].pooled
        figure = f"{series.median * 1000:.0f} ms ({max(series.values) * 1000:.0f} ms)" if series.ok else series.error
        alone = f"{texts.median * 1000:.0f} ms" if texts.ok and name == "failforward" else "–"
        return [figure or "n/a", fmt_ratio(ratio(series, floor)), alone]

    for label in labels:
        row: list[str] = []
        for mode in modes:
            route = res.routes[mode]["failforward"]
            row += cells(
                "failforward", mode, route.steps.get(label, Series(error="n/a")), route.texts.get(label, Series())
            )
        lines.append(f"| {label} | " + " | ".join(row) + " |")
    for name in ("failforward", "floor"):
        row = []
        for mode in modes:
            route = res.routes[mode][name]
            texts = Series([v for s in route.texts.values() for v in s.values])
            row += cells(name, mode, route.pooled, texts)
        lines.append(f"| **all steps, {name}** | " + " | ".join(row) + " |")
    return lines


def print_goals(goals: list[Goal]) -> None:
    print("| Goal | Figure | Ratio | Verdict |")
    print("|---|---|---|---|")
    for goal in goals:
        print(f"| {goal.goal} | {goal.figure or 'n/a'} | {goal.ratio or 'n/a'} | {goal.verdict} |")


def only(part: str, quick: bool) -> int:
    """``run.py --only switch|first``: measure, print the figures and the goals; the document is left alone."""
    for sub in ("config", "xdg-config", "xdg-data", "xdg-cache"):
        (SCRATCH / sub).mkdir(parents=True, exist_ok=True)
    reps = 2 if quick else 5
    if part == "switch":
        res = measure_switch(reps, profile_slowest=True)
        print("\n".join(route_table(res)))
        print()
        goals = switch_goals(res)
        print_goals(goals)
        if res.profile and any(g.met is False for g in goals):
            print()
            print(res.profile)
        return 0
    import workload

    from tui.content import load_chapters
    from tui.locations import shipped_content_dir

    journal = SCRATCH / "first" / "j0"
    workload.build_journal(journal, 0, load_chapters([shipped_content_dir()]))
    first = measure_first(reps, first_apps(journal))
    for name, modes in first.items():
        print(f"{name}: headless {modes['headless'].ms()}, tmux {modes['tmux'].ms()}")
    print()
    print_goals(first_goals(first))
    return 0


def main() -> None:
    if len(sys.argv) != 3 or sys.argv[1] != "headless":
        raise SystemExit(__doc__)
    spec = json.loads(sys.argv[2])
    out = asyncio.run(headless_pass(spec))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
