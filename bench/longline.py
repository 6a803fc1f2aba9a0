"""Typing one very long line key by key into a chapter's text area: per-key cost and memory.

    python bench/inproc.py longline 'SPEC'

The real app, headless at 80x24, on an empty journal, with the first chapter
open and its text area focused. One line of prose is typed key by key up to
each of ``lengths`` characters: most keys in bursts (as a fast typist's keys
arrive over SSH), and the last ``keys`` before each length one at a time,
each measured:

- ``wall``: Pilot's press of the key, from posting it to the app being idle
  again with the frame drawn (Pilot's own waiting included, the same at every
  length);
- ``work``: the time spent in the text area's own code for the key: the edit
  (``TextArea.edit``: the document, the wrapping, the cursor) and drawing its
  rows (``render_lines``);
- ``rss`` after typing up to the length, and the process's peak (``hwm``).

The text typed is checked against the text area's at the end.
"""

from __future__ import annotations

import random
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from workload import SEED, WORDS

SIZE = (80, 24)


def _memory_mb() -> dict[str, float]:
    out = {}
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1]) / 1024
    return {"rss": out.get("VmRSS", 0.0), "hwm": out.get("VmHWM", 0.0)}


def prose(length: int) -> str:
    rng = random.Random(SEED)
    words: list[str] = []
    size = 0
    while size < length:
        word = rng.choice(WORDS)
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:length]


async def measure_longline(spec: dict[str, Any]) -> dict[str, Any]:
    from textual import events
    from textual.keys import _character_to_key
    from textual.widgets import TextArea

    from screens.chapter import ChapterScreen
    from tui.app import make_app

    lengths: list[int] = spec["lengths"]
    measured: int = spec["keys"]
    burst: int = spec.get("burst", 40)
    folder = Path(spec["data_dir"])
    if folder.exists():
        shutil.rmtree(folder)
    app = make_app(data_dir=folder, remember_theme=False)
    setback = app.workbook.add_setback("Benchmark: a long answer", "project")
    chapter = app.workbook.chapters[0]
    text = prose(max(lengths))
    spent = [0.0]
    out: dict[str, Any] = {"lengths": {}}
    started = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ChapterScreen(setback.id, chapter.id))
        await pilot.pause()
        area = app.focused
        assert isinstance(area, TextArea), area
        driver = app._driver
        assert driver is not None

        def timed(method: Any) -> Any:
            def run(*args: Any, **kwargs: Any) -> Any:
                start = time.perf_counter()
                try:
                    return method(*args, **kwargs)
                finally:
                    spent[0] += time.perf_counter() - start

            return run

        area.edit = timed(area.edit)  # type: ignore[method-assign]
        area.render_lines = timed(area.render_lines)  # type: ignore[method-assign]

        def key(character: str) -> events.Key:
            name = character if character.isalnum() else _character_to_key(character)
            event = events.Key(name, character)
            event.set_sender(app)
            return event

        typed = 0
        for length in lengths:
            while typed < length - measured:
                for character in text[typed : min(typed + burst, length - measured)]:
                    driver.send_message(key(character))
                    typed += 1
                await pilot.pause()
            walls: list[float] = []
            work = 0.0
            for character in text[typed:length]:
                spent[0] = 0.0
                start = time.perf_counter()
                await pilot.press(character)
                walls.append(time.perf_counter() - start)
                work += spent[0]
                typed += 1
            out["lengths"][str(length)] = {
                "wall": statistics.median(walls),
                "work": work / len(walls),
                **_memory_mb(),
            }
        assert area.text == text[:typed], "the text area does not hold what was typed"
        out["typed"] = typed
        out["seconds"] = time.perf_counter() - started
        out["hwm"] = _memory_mb()["hwm"]
        await pilot.press("ctrl+q")
    shutil.rmtree(folder, ignore_errors=True)
    return out
