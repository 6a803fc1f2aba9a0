"""Deterministic workloads for the benchmarks: chapters of a given size and journals of N reflections.

Everything here is generated from a fixed seed, so two runs measure the same bytes.
"""

from __future__ import annotations

import math
import random
import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = 20260314
DEVICE = "benchmark-5eed0001"  # the machine the generated journals were written on, as the store records it

_VOCABULARY = """
setback review promotion project feedback lesson mentor habit plan goal skill gap cause impact
evidence pattern decision team manager offer interview deadline budget launch customer
estimate scope risk fear network story purpose meaning recovery support energy sleep walk
friend week month quarter draft note list action question answer honest fair small clear
steady careful practice learn improve measure ask listen write read share notice choose test
retry finish"""
WORDS = _VOCABULARY.split()


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _sentence(rng: random.Random) -> str:
    words = _words(rng, rng.randint(6, 14)).split()
    style = rng.random()
    i = rng.randrange(len(words))
    if style < 0.2:
        words[i] = f"**{words[i]}**"
    elif style < 0.4:
        words[i] = f"*{words[i]}*"
    elif style < 0.55:
        words[i] = f"`{words[i]}()`"
    elif style < 0.65:
        words[i] = f"[{words[i]}](https://example.org/{words[i]})"
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 5)))


def _block(rng: random.Random, n: int) -> str:
    kind = rng.random()
    if kind < 0.45:
        return _paragraph(rng)
    if kind < 0.62:
        items = []
        for _ in range(rng.randint(3, 5)):
            items.append(f"- {_sentence(rng)}")
            if rng.random() < 0.3:
                items += [f"  - {_sentence(rng)}" for _ in range(rng.randint(1, 3))]
        return "\n".join(items)
    if kind < 0.75:
        return "\n".join(f"{i}. {_sentence(rng)}" for i in range(1, rng.randint(3, 6)))
    if kind < 0.85:
        lines = [f"def step_{n}_{i}(plan):" if i == 0 else f"    plan.{rng.choice(WORDS)}({i})" for i in range(4)]
        return "```python\n" + "\n".join(lines) + "\n```"
    if kind < 0.95:
        return "> " + _sentence(rng) + "\n> " + _sentence(rng)
    return f"### {_words(rng, 3).capitalize()} {n}"


def chapter_markdown(size: int, seed: int = SEED) -> str:
    """Markdown of about ``size`` bytes with headings, lists, emphasis, code, quotes and links."""
    rng = random.Random(seed + size)
    blocks = [f"Intro for a {size // 1024} KB chapter. {_paragraph(rng)}"]
    total = len(blocks[0])
    n = 0
    while total < size:
        block = f"## Section {n // 6 + 1}: {_words(rng, 3)}" if n % 6 == 0 else _block(rng, n)
        blocks.append(block)
        total += len(block.encode()) + 2
        n += 1
    return "\n\n".join(blocks) + "\n"


FRONT_MATTER = """---
id: {id}
title: "{title}"
order: {order}
summary: A generated chapter for the benchmarks.
fields:
  - id: what
    label: What happened?
    kind: textarea
    help: Say it plainly.
    required: true
  - id: headline
    label: One line
    kind: text
    help: A headline.
  - id: feeling
    label: How bad (0-10)?
    kind: scale
    help: 0 fine, 10 awful.
---

"""


def write_chapter_folder(folder: Path, sizes: list[int]) -> list[str]:
    """A content folder: a small first chapter, then one generated chapter per size. Returns the ids."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    ids = ["bench-start"]
    (folder / "00-bench-start.md").write_text(
        FRONT_MATTER.format(id="bench-start", title="Bench start", order=0) + "A short first chapter.\n"
    )
    for order, size in enumerate(sizes, start=1):
        cid = f"bench-{size // 1024}k"
        ids.append(cid)
        body = chapter_markdown(size)
        (folder / f"{order:02d}-{cid}.md").write_text(
            FRONT_MATTER.format(id=cid, title=f"Bench {size // 1024} KB", order=order) + body
        )
    return ids


def largest_shipped_chapter() -> Path:
    files = sorted((ROOT / "content").glob("*.md"), key=lambda p: (p.stat().st_size, p.name))
    return files[-1]


# -- journals ----------------------------------------------------------------


def _answer(rng: random.Random, field: Any, budget: int) -> Any:
    kind = field.kind
    if kind == "textarea":
        lines = []
        while sum(len(x) + 1 for x in lines) < budget:
            lines.append(_words(rng, rng.randint(8, 16)).capitalize() + ".")
        return "\n".join(lines)
    if kind == "text":
        return _words(rng, 8).capitalize()
    if kind == "scale":
        return rng.randint(field.min, field.max)
    if kind == "choice":
        return rng.choice(field.options) if field.options else None
    if kind == "multi":
        return rng.sample(list(field.options), k=min(2, len(field.options))) if field.options else []
    if kind == "date":
        return f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if kind == "checklist":
        due = f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        return [{"text": _words(rng, 6).capitalize(), "due": due, "done": False} for _ in range(2)]
    return _words(rng, 5)


def reflection_answers(rng: random.Random, chapter: Any, target: int = 1250) -> dict[str, Any]:
    """Answers to every field of a chapter, about ``target`` bytes of JSON in all."""
    fields = list(chapter.fields)
    areas = [f for f in fields if f.kind == "textarea"] or fields[:1]
    fixed = {f.id: _answer(rng, f, 0) for f in fields if f not in areas}
    used = sum(len(str(v)) + len(k) + 6 for k, v in fixed.items())
    share = max(60, (target - used) // len(areas) - 12)
    return {**fixed, **{f.id: _answer(rng, f, share) for f in areas}}


def build_journal(folder: Path, count: int, chapters: list[Any]) -> dict[str, Any]:
    """A journal folder with ``count`` reflections of about 1.5 KB over as many setbacks as needed.

    Setbacks go through :class:`tui.workbook.Workbook`; the reflections go in one
    batch through the store's own ``Store.insert_many``, with the document shape
    ``Workbook.save_reflection`` writes (saving them one by one would append one
    log line per reflection, which is what the save benchmark measures). So every
    record carries what the app gives it (``uid``, ``changed``, ``device``), the
    journal declares the store's schema version, and the file is the one the
    store writes on closing: the app opens it as its own, with nothing to migrate.
    """
    from tui.sanitize import clean_value
    from tui.store import Store
    from tui.workbook import Workbook

    if folder.exists():
        shutil.rmtree(folder)
    rng = random.Random(SEED + count)
    store = Store(folder, device=DEVICE)
    try:
        workbook = Workbook(store, chapters)
        setbacks = math.ceil(count / len(chapters))
        with store.batch():
            ids = [
                workbook.add_setback(f"Setback {i}: {_words(rng, 3)}", "project", f"2025-{i % 12 + 1:02d}-01", 6).id
                for i in range(setbacks)
            ]
            docs = []
            for n in range(count):
                chapter = chapters[n % len(chapters)]
                answers = clean_value(reflection_answers(rng, chapter))
                stamp = f"2026-01-01T{(n // 3600) % 24:02d}:{(n // 60) % 60:02d}:{n % 60:02d}"
                docs.append(
                    {
                        "setback_id": ids[n // len(chapters)],
                        "chapter_id": chapter.id,
                        "answers": answers,
                        "status": "done" if n % 3 else "draft",
                        "chapter_version": chapter.version,
                        "revision": 1,
                        "created": stamp,
                        "updated": stamp,
                    }
                )
            if docs:
                store.insert_many("reflections", docs)
        assert len(store.all("reflections")) == count
    finally:
        store.close()
    check_as_written(folder)
    path = folder / "journal.json"
    return {"reflections": count, "setbacks": setbacks, "bytes": path.stat().st_size if path.exists() else 0}


def check_as_written(folder: Path) -> None:
    """Raise unless the journal in ``folder`` opens as the app's own: nothing to migrate, nothing rewritten,
    every record with its uid, change time and device."""
    from tui.store import SCHEMA_VERSION, Store
    from tui.store.identity import CHANGED, DEVICE, UID

    path = folder / "journal.json"
    before = path.read_bytes()
    store = Store(folder, device=DEVICE)
    try:
        assert store.report.migrated_from is None, f"migrated from schema {store.report.migrated_from}"
        assert store.schema_version == SCHEMA_VERSION, store.schema_version
        for table in ("setbacks", "reflections"):
            for doc in store.all(table):
                missing = [k for k in (UID, CHANGED, DEVICE) if not doc.get(k)]
                assert not missing, f"{table} {doc['id']} has no {', '.join(missing)}"
    finally:
        store.close()
    assert path.read_bytes() == before, "opening the journal rewrote it"


def encrypt_journal(source: Path, folder: Path, passphrase: str) -> dict[str, Any]:
    """A copy of the journal in ``source``, encrypted as ``failforward encrypt`` does (its key calibrated here)."""
    from tui.store import EncryptedCodec, Store
    from tui.workbook import Workbook

    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(source, folder)
    store = Store(folder, device=DEVICE)
    try:
        Workbook(store, []).encrypt(passphrase)
        kdf = store.codec.header.kdf  # type: ignore[attr-defined]
        assert isinstance(store.codec, EncryptedCodec)
    finally:
        store.close()
    path = folder / "journal.json"
    return {"bytes": path.stat().st_size, "passes": kdf.time_cost, "memory_kib": kdf.memory_cost}
