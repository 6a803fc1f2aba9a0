"""In-process measurements, one kind per sub-command; each prints one JSON object on stdout.

Run by ``bench/run.py`` in a fresh interpreter per measurement, so one
measurement's memory and caches never colour the next.

    python bench/inproc.py guide    'SPEC'   GuideView vs Textual's Markdown, mount to painted
    python bench/inproc.py switch   'SPEC'   the real app: ctrl+n to the next chapter painted
    python bench/inproc.py store    'SPEC'   durable save and draft (fsync), search over answers (sealed too)
    python bench/inproc.py typing   'SPEC'   the real app: the longest event-loop stall while typing, drafting, saving
    python bench/inproc.py kdf      'SPEC'   an encrypted journal's key made from its passphrase, alone
    python bench/inproc.py longline 'SPEC'   the real app: one very long line typed key by key (bench/longline.py)
    python bench/inproc.py profile  'SPEC'   cProfile of one of the above, stats written to a file
"""

from __future__ import annotations

import asyncio
import contextlib
import cProfile
import gc
import json
import random
import shutil
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

SIZE = (120, 40)


PROFILER: cProfile.Profile | None = None  # set by ``profile``: then only the timed regions are profiled
PROFILE_ONLY: set[str] = set()  # the names of the regions to profile (all when empty)


def _now() -> float:
    return time.perf_counter()


@contextlib.contextmanager
def timed(times: list[float], name: str = "") -> Iterator[None]:
    """Time one repetition (after a garbage collection) into ``times``; profile it when asked."""
    gc.collect()
    profiling = PROFILER is not None and (not PROFILE_ONLY or name in PROFILE_ONLY)
    if profiling:
        PROFILER.enable()  # type: ignore[union-attr]
    start = _now()
    try:
        yield
    finally:
        times.append(_now() - start)
        if profiling:
            PROFILER.disable()  # type: ignore[union-attr]


FRAMES: list[tuple[float, Any]] = []  # (when, screen) of every frame Textual rendered


def _record_frames() -> None:
    """Note the time of every frame: ``App._display`` is called right after the compositor rendered it."""
    from textual.app import App

    original = App._display

    def display(self: App[Any], screen: Any, renderable: Any) -> None:
        if renderable is not None:
            FRAMES.append((_now(), screen))
        original(self, screen, renderable)

    App._display = display  # type: ignore[method-assign]


def _first_frame(after: float, screen: Any) -> float:
    """When the first frame of ``screen`` rendered after ``after`` was done."""
    for when, shown in FRAMES:
        if when >= after and shown is screen:
            return when
    raise AssertionError("no frame was rendered")


async def _painted(widget: Any) -> None:
    """Wait until the screen holding ``widget`` has laid out and rendered it.

    A callback scheduled after a refresh runs once the screen's next update
    (layout, then rendering of the visible widgets' lines) is done, so the frame
    showing the widget is in ``FRAMES`` by then.
    """
    await widget.screen.wait_for_refresh()
    assert widget.is_mounted and widget.size.height > 0, "the widget was not painted"


# -- guide: GuideView vs Textual's Markdown ---------------------------------------


async def measure_guide(spec: dict[str, Any]) -> dict[str, Any]:
    """From creating the widget (parsing included) to the first frame showing it, and to all of it laid out.

    The first frame is the first one rendered after the widget is mounted (for
    Textual's Markdown: after its first batch of blocks); "settled" is the last
    frame once the app is idle again: every section or block mounted, laid out
    (twice: Textual lays new widgets out again on the next frame) and painted.
    """
    from textual.app import App, ComposeResult
    from textual.containers import Vertical
    from textual.widgets import Markdown

    from screens.widgets.guide import GuideView

    _record_frames()
    text = Path(spec["file"]).read_text()
    batches: list[float] = []  # when Textual's Markdown began mounting its first batch of blocks
    mount_all = Markdown.mount_all

    def note_batch(self: Markdown, *args: Any, **kwargs: Any) -> Any:
        if not batches:
            batches.append(_now())
        return mount_all(self, *args, **kwargs)

    Markdown.mount_all = note_batch  # type: ignore[method-assign]

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield Vertical(id="host")

    painted: list[float] = []
    settled: list[float] = []
    renderer = spec["renderer"]
    budget = float(spec.get("budget", 60.0))
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        host = app.query_one("#host")
        spent = 0.0
        for _ in range(int(spec["reps"])):
            await host.remove_children()
            await pilot.pause()
            batches.clear()
            window: list[float] = []
            with timed(window):
                start = _now()
                if renderer == "ours":
                    widget: Any = GuideView(text)
                    await host.mount(widget)
                else:
                    widget = Markdown()
                    await host.mount(widget)
                    await widget.update(text)
                mounted = _now()
                await _painted(widget)
                # Markdown mounts 200 blocks at a time: its first frame with content follows the first batch.
                shown = batches[0] if renderer != "ours" and batches else mounted
                painted.append(_first_frame(shown, widget.screen) - start)
                while not getattr(widget, "complete", True):
                    await pilot.pause()
                await pilot.pause()
                await widget.screen.wait_for_refresh()
                settled.append(FRAMES[-1][0] - start)
            spent += window[-1]
            if spent > budget:
                break
        blocks = len(widget.children)
    return {"times": painted, "settled": settled, "bytes": len(text.encode()), "widgets": blocks}


# -- switch: the real app, key press to the next chapter painted ---------------------


async def measure_switch(spec: dict[str, Any]) -> dict[str, Any]:
    """ctrl+n on one chapter to the first frame of the next chapter's screen."""
    from screens.chapter import ChapterScreen
    from screens.widgets.guide import GuideView
    from tui.app import make_app

    _record_frames()
    data = Path(spec["data_dir"])
    if data.exists():
        shutil.rmtree(data)
    app = make_app(data_dir=data, content_dir=spec.get("content_dir"))
    workbook = app.workbook
    setback = workbook.add_setback("Benchmark setback", "project")
    out: dict[str, Any] = {}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for before, target in spec["pairs"]:
            times: list[float] = []
            for _ in range(int(spec["reps"])):
                await app.push_screen(ChapterScreen(setback.id, before))
                await pilot.pause()
                window: list[float] = []
                with timed(window):
                    start = _now()
                    await pilot.press("ctrl+n")
                    screen = app.screen
                    assert isinstance(screen, ChapterScreen) and screen.chapter.id == target, screen
                    await _painted(screen.query_one(GuideView))
                    times.append(_first_frame(start, screen) - start)
                await app.pop_screen()
                await pilot.pause()
            chapter = workbook.chapter(target)
            out[target] = {"times": times, "bytes": len(chapter.body.encode()) if chapter else 0}
    return out


# -- store: durable save, drafts and search ---------------------------------------


def search_answers(workbook: Any, needle: str) -> list[Any]:
    """The app's own search (what the search screen runs in its worker)."""
    hits, _total = workbook.search(needle, limit=500)
    return hits


def measure_store(spec: dict[str, Any]) -> dict[str, Any]:
    from workload import reflection_answers

    from tui.content import load_chapters
    from tui.locations import shipped_content_dir
    from tui.store import Store
    from tui.workbook import Workbook

    source, folder = Path(spec["journal"]), Path(spec["scratch"])
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(source, folder)
    chapters = load_chapters([shipped_content_dir()])
    rng = random.Random(7)
    secret = spec.get("passphrase")  # an encrypted journal: the key is made in the open time
    start = _now()
    store = Store(folder, passphrase=(lambda: secret) if secret else None)
    open_time = _now() - start
    try:
        workbook = Workbook(store, chapters)
        setback = workbook.setbacks()[-1] if workbook.setbacks() else workbook.add_setback("Bench", "project")
        chapter = chapters[-1]
        reps = int(spec["reps"])
        save, draft, search, search_hits = [], [], [], 0
        for i in range(reps):
            answers = reflection_answers(rng, chapter)
            with timed(save, "save"):
                workbook.save_reflection(setback.id, chapter.id, answers)
            answers[next(iter(answers))] = f"typed {i}"
            with timed(draft, "draft"):
                workbook.save_draft(setback.id, chapter.id, answers)
        if hasattr(workbook, "prepare_search"):
            workbook.prepare_search()  # as the search screen does when it opens
        for needle in spec["needles"]:
            with timed(search, "search"):
                hits = search_answers(workbook, needle)
            search_hits = max(search_hits, len(hits))
        t = _now()
        count = len(store.all("reflections"))
        all_time = _now() - t
    finally:
        store.close()
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "save": save,
        "draft": draft,
        "search": search,
        "search_hits": search_hits,
        "store_all": all_time,
        "open": open_time,
        "reflections": count,
    }


# -- typing: how long a save holds the event loop in the app ---------------------


async def measure_typing(spec: dict[str, Any]) -> dict[str, Any]:
    """Type in a chapter on a copy of a journal and find the longest event-loop stall, three ways.

    A watcher task on the app's event loop sleeps 1 ms at a time and notes how
    late it wakes: the longest delay is the longest a key typed then would wait
    before the app even reads it. Measured while typing a few keys, during the
    pause after typing (when the draft is written) and after ctrl+s (until the
    reflection is saved). Also the longest garbage collection in each repetition:
    Python's full collections scan every object, the journal's included.
    """
    from textual.widgets import TextArea

    from screens.chapter import ChapterScreen
    from tui.app import make_app

    try:
        from screens.chapter import DRAFT_DELAY
    except ImportError:
        DRAFT_DELAY = 0.8

    source, folder = Path(spec["journal"]), Path(spec["scratch"])
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(source, folder)
    app = make_app(data_dir=folder)
    workbook = app.workbook
    setbacks = workbook.setbacks()
    setback = setbacks[-1] if setbacks else workbook.add_setback("Bench", "project")
    chapter = workbook.chapters[0]
    typing, draft, save, collections = [], [], [], []
    loop = asyncio.get_running_loop()
    worst = [0.0]
    stop = asyncio.Event()
    pauses = [0.0, 0.0]  # [start of the running collection, longest collection this repetition]

    explicit = [False]  # the bench's own collections, between phases, are not the app's

    def collected(phase: str, info: dict[str, int]) -> None:
        if explicit[0]:
            return
        if phase == "start":
            pauses[0] = _now()
        else:
            pauses[1] = max(pauses[1], _now() - pauses[0])

    async def quiet_start() -> None:
        """Collect garbage now, let the watcher note that stall, then start a phase from zero."""
        explicit[0] = True
        gc.collect()
        explicit[0] = False
        await asyncio.sleep(0.01)
        worst[0] = 0.0

    async def watch() -> None:
        while not stop.is_set():
            before = loop.time()
            await asyncio.sleep(0.001)
            worst[0] = max(worst[0], loop.time() - before - 0.001)

    def revision() -> int:
        found = workbook.reflection(setback.id, chapter.id)
        return found.revision if found else 0

    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ChapterScreen(setback.id, chapter.id))
        await pilot.pause()
        assert isinstance(app.focused, TextArea), app.focused
        watcher = asyncio.create_task(watch())
        gc.callbacks.append(collected)
        for i in range(int(spec["reps"])):
            await quiet_start()
            pauses[1] = 0.0
            await pilot.press(*f" typed {i}")
            typing.append(worst[0])
            worst[0] = 0.0
            await asyncio.sleep(DRAFT_DELAY + 0.2)  # the draft timer fires, the draft is written
            await app.workers.wait_for_complete()
            await pilot.pause()
            draft.append(worst[0])
            saved = revision()
            await quiet_start()
            await pilot.press("ctrl+s")
            for _ in range(1000):
                if revision() > saved:
                    break
                await asyncio.sleep(0.005)
            await pilot.pause()
            save.append(worst[0])
            collections.append(pauses[1])
        gc.callbacks.remove(collected)
        stop.set()
        await watcher
    shutil.rmtree(folder, ignore_errors=True)
    return {"typing": typing, "draft": draft, "save": save, "gc": collections}


# -- start-up parts: what failforward does before its first frame that the floor does not ------


def keep_glance(spec: dict[str, Any]) -> dict[str, Any]:
    """A session on the journal that ends as a person's does: the glance of home is kept (tui/overview.py).

    With ``forget``: the glance removed instead, as after a change made elsewhere.
    """
    from tui.content import load_folders
    from tui.locations import content_folders, glance_file
    from tui.overview import close_keeping_glance
    from tui.workbook import Workbook

    folder = Path(spec["journal"])
    if spec.get("forget"):
        glance_file(folder).unlink(missing_ok=True)
    else:
        loaded = load_folders(content_folders(None))
        close_keeping_glance(Workbook.open(folder, loaded.chapters), loaded.digest)
    return {"kept": glance_file(folder).exists()}


def measure_startup_parts(spec: dict[str, Any]) -> dict[str, Any]:
    """One fresh process: time each step of failforward's glanced start that the bare Textual app skips.

    Imports are measured in order (Textual's first, as the floor needs them too),
    so each figure is what that step adds. The steps before the first frame are
    those of a start drawn from home's glance (tui/opening.py, ``glimpse_journal``);
    the last ones come right after that frame.
    """
    import datetime as dt

    out: dict[str, float] = {}
    start = _now()
    import textual.app
    import textual.widgets  # noqa: F401

    out["import Textual (the floor needs it too)"] = _now() - start
    start = _now()
    import screens.home  # noqa: F401
    import tui.app
    import tui.cli.run
    from tui.cli.parser import parse_command_line

    out["import the command line, the app and home (the lock's filelock among them)"] = _now() - start
    folder = Path(spec["journal"])
    start = _now()
    parse_command_line(["--data-dir", str(folder)])
    out["read the command line"] = _now() - start
    from tui.locations import content_folders
    from tui.overview import load_glance
    from tui.sources import content_digest
    from tui.store.lock import FolderLock

    start = _now()
    digest = content_digest(content_folders(None))
    out["read the chapter files' texts (their digest)"] = _now() - start
    start = _now()
    load_glance(folder, digest or "", dt.date.today())
    lock = FolderLock(folder)
    lock.acquire()
    out["read home's glance, take the journal's lock"] = _now() - start
    lock.release()
    start = _now()
    import tui.content
    import tui.workbook

    out["after the first frame: import the chapter loader and the journal's modules"] = _now() - start
    start = _now()
    result = tui.content.load_folders(content_folders(None))
    out[f"after the first frame: load and validate {len(result.chapters)} chapters"] = _now() - start
    from tui.store import Store

    start = _now()
    store = Store(folder)
    store.close()
    out["after the first frame: open and close the journal"] = _now() - start
    return out


# -- the key of an encrypted journal ------------------------------------------------------


def measure_kdf(spec: dict[str, Any]) -> dict[str, Any]:
    """Making an encrypted journal's key from its passphrase (Argon2id with its header's costs), alone."""
    from tui.store.crypto import HEADER_BYTES, Header, derive_key

    with (Path(spec["journal"]) / "journal.json").open("rb") as handle:
        header = Header.parse(handle.read(HEADER_BYTES))
    times: list[float] = []
    for _ in range(int(spec["reps"])):
        with timed(times, "kdf"):
            derive_key(spec["passphrase"], header.kdf, header.salt)
    return {"times": times}


# -- profiles --------------------------------------------------------------------


def profile(spec: dict[str, Any]) -> dict[str, Any]:
    """cProfile the timed regions of one measurement and write the stats to ``spec["out"]``."""
    global PROFILER
    inner = dict(spec["spec"], reps=spec.get("reps", 1))
    PROFILER = cProfile.Profile()
    PROFILE_ONLY.update(spec.get("only", []))
    run(spec["kind"], inner)
    PROFILER.dump_stats(spec["out"])
    return {"out": spec["out"]}


def run(kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    from longline import measure_longline

    runners: dict[str, Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]] = {
        "guide": measure_guide,
        "switch": measure_switch,
        "typing": measure_typing,
        "longline": measure_longline,
    }
    if kind in runners:
        return asyncio.run(runners[kind](spec))
    if kind == "store":
        return measure_store(spec)
    if kind == "glance":
        return keep_glance(spec)
    if kind == "startup_parts":
        return measure_startup_parts(spec)
    if kind == "kdf":
        return measure_kdf(spec)
    if kind == "profile":
        return profile(spec)
    raise SystemExit(f"unknown measurement {kind!r}")


def main() -> None:
    kind, spec = sys.argv[1], json.loads(sys.argv[2])
    result = run(kind, spec)
    if "times" in result:
        result["median"] = statistics.median(result["times"])
    print(json.dumps(result))


if __name__ == "__main__":
    main()
