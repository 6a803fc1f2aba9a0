"""Promises a chapter's text makes that its front matter does not keep: ``check-content``'s warnings.

A chapter whose text says it shows earlier answers should name them in
``builds_on``; one that says a later chapter (by its number) will use its
answers should be named by that chapter's ``builds_on`` or ``suggest_from``.
The chapters still work without: these are warnings, worked out only when
asked for (:attr:`tui.content.LoadResult.warnings`), never by the app.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tui.content.model import Chapter, ContentWarning

# Phrases by which a chapter's text promises to show earlier answers (it should then have ``builds_on``),
# and by which it promises that a later chapter, named by its order, will use this one's answers.
EARLIER_PHRASES = (
    "shown above",
    "you wrote in",
    "you wrote earlier",
    "your answers from",
    "your earlier answers",
    "from chapter NN",
)
_FROM_CHAPTER = re.compile(r"\bfrom chapter \d{1,3}\b")
LATER_VERBS = ("use", "show", "come back to", "return to", "build on", "bring back", "pick up", "ask about")
_VERBS = "(?:" + "|".join(LATER_VERBS) + ")"
# Both patterns run on one sentence at a time, lowercased, with its whitespace collapsed.
_LATER = (
    re.compile(r"\bchapter (\d{1,3})\b.*?(?:\bwill|'ll) " + _VERBS + r"\b"),
    re.compile(r"(?:\bwill|'ll) " + _VERBS + r"\b.*?\bchapter (\d{1,3})\b"),
)
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n[ \t]*\n")


def promise_warnings(chapters: Sequence[Chapter]) -> list[ContentWarning]:
    """Chapters whose text promises earlier answers, or a later chapter's use of theirs, that is not there."""
    warnings: list[ContentWarning] = []
    by_order: dict[int, list[Chapter]] = {}
    for chapter in chapters:
        by_order.setdefault(chapter.order, []).append(chapter)
    for chapter in chapters:
        texts = [chapter.body] + [t for f in chapter.fields for t in (f.label, f.help)]
        text = "\n".join(texts)
        flat = " ".join(text.split()).lower()
        earlier = next((p for p in EARLIER_PHRASES if "NN" not in p and p in flat), None)
        if earlier is None and (match := _FROM_CHAPTER.search(flat)):
            earlier = match.group(0)
        if earlier and not chapter.builds_on:
            warnings.append(
                ContentWarning(
                    chapter.path,
                    f"the text promises earlier answers ({earlier!r}) but the chapter has no 'builds_on'",
                )
            )
        promised: list[int] = []
        sentences = _SENTENCE_END.split(text) if re.search(r"chapter\s+\d", flat) else []
        for sentence in sentences:
            if "chapter" not in sentence.lower():
                continue
            sentence = " ".join(sentence.split()).lower()
            if "will " not in sentence and "'ll " not in sentence:
                continue
            for pattern in _LATER:
                for match in pattern.finditer(sentence):
                    number = int(match.group(1))
                    if number > chapter.order and number not in promised:
                        promised.append(number)
        for number in sorted(promised):
            later = by_order.get(number, [])
            if not later:
                warnings.append(
                    ContentWarning(
                        chapter.path,
                        f"the text says chapter {number} will use its answers, but no chapter has order {number}",
                    )
                )
                continue
            refs = [r for c in later for r in c.builds_on] + [
                r for c in later for f in c.fields for r in f.suggest_from
            ]
            if not any(r.chapter == chapter.id for r in refs):
                names = ", ".join(repr(c.id) for c in later)
                warnings.append(
                    ContentWarning(
                        chapter.path,
                        f"the text says chapter {number} will use its answers, but {names} names none of "
                        f"'{chapter.id}''s fields in 'builds_on' or 'suggest_from'",
                    )
                )
    return warnings
