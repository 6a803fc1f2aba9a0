"""Render a chapter's Markdown into a few Rich ``Text`` sections, fast.

Textual's Markdown widget builds one widget per block, which is slow for long
chapters. Here markdown-it-py's tokens are turned directly into one ``Text`` per
section (a section starts at each heading), so a chapter is a handful of
``Static`` widgets and headings stay navigable. Text is never interpreted as
markup, control characters are stripped, and links are shown with their URL
rather than opened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.text import Span, Text

from tui.sanitize import clean_text

_md = MarkdownIt("commonmark")
# Block structure only: the inline Markdown of each block is parsed when the block is rendered.
_blocks = MarkdownIt("commonmark").disable("inline")

HEADING_STYLES = {1: "bold underline", 2: "bold underline", 3: "bold", 4: "bold italic"}
_INLINE_STYLES = {"strong_open": "bold", "em_open": "italic", "s_open": "strike"}
_INLINE_CLOSE = frozenset(("strong_close", "em_close", "s_close"))


def _join_text(tokens: list[Token]) -> list[Token]:
    """markdown-it's ``text_join``: escapes and entities become text, adjacent texts one token."""
    out: list[Token] = []
    for tok in tokens:
        if tok.type == "text_special":
            tok.type = "text"
        if tok.type == "text" and out and out[-1].type == "text":
            out[-1].content += tok.content
        else:
            out.append(tok)
    return out


def _inline_children(tok: Token, env: dict[str, Any]) -> list[Token]:
    """An inline token's children, parsed on first use (with the document's link references)."""
    if tok.children is None or (not tok.children and tok.content):
        children: list[Token] = []
        _md.inline.parse(tok.content, _md, env, children)
        tok.children = _join_text(children)
    return tok.children


@dataclass
class Section:
    """A heading (empty for the text before the first one) and the text under it."""

    title: str
    level: int
    text: Text = field(default_factory=Text)


class _Buffer:
    """A section's text while it is written: plain pieces and style spans, made a ``Text`` once at the end.

    Appending to a ``Text`` piece by piece costs a control-code scan per piece
    and ``Text.plain`` joins everything so far; this keeps only what is needed.
    """

    __slots__ = ("length", "parts", "spans", "tail")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[Span] = []
        self.length = 0
        self.tail = ""  # the last two characters written

    def append(self, text: str, style: str = "") -> None:
        if not text:
            return
        self.parts.append(text)
        end = self.length + len(text)
        if style:
            self.spans.append(Span(self.length, end, style))
        self.length = end
        self.tail = (self.tail + text)[-2:]

    def to_text(self) -> Text:
        plain = "".join(self.parts).rstrip()
        size = len(plain)
        spans = [span if span.end <= size else Span(span.start, size, span.style) for span in self.spans]
        # Everything written went through clean_text, so Text finds no control code to remove.
        return Text(plain, end="", spans=[span for span in spans if span.start < span.end])


def _title(tokens: list[Token]) -> str:
    """A heading's words, without Markdown syntax or link targets."""
    words: list[str] = []
    for tok in tokens:
        if tok.type in ("text", "code_inline"):
            words.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            words.append(" ")
        elif tok.children:
            words.append(_title(tok.children))
    return clean_text("".join(words))


class _Renderer:
    """Block tokens to sections, resumable at any heading (see :meth:`run`)."""

    def __init__(self, tokens: list[Token], env: dict[str, Any]) -> None:
        self.tokens = tokens
        self.env = env
        self.next = 0  # the next token to render
        self.titles: list[tuple[str, int]] = [("", 0)]
        self.buffers: list[_Buffer] = [_Buffer()]
        self.out = self.buffers[0]
        self.lists: list[list[int]] = []  # per open list: [is_ordered, next_number]
        self.quote = 0
        self.styles: list[str] = []
        self.style = ""  # the open inline styles, joined
        self.link_urls: list[str] = []
        self.pending_prefix = ""
        self.at_line_start = True

    def push_style(self, style: str) -> None:
        self.styles.append(style)
        self.style = " ".join(self.styles)

    def pop_style(self) -> None:
        if self.styles:
            self.styles.pop()
        self.style = " ".join(self.styles)

    def blank_line(self) -> None:
        out = self.out
        if not out.length:
            return
        if not out.tail.endswith("\n"):
            out.append("\n")
        if out.tail != "\n\n":
            out.append("\n")
        self.at_line_start = True

    def write(self, chunk: str, style: str = "") -> None:
        if not chunk:
            return
        out = self.out
        if self.style:
            style = f"{self.style} {style}" if style else self.style
        for i, part in enumerate(clean_text(chunk).split("\n")):
            if i:
                out.append("\n")
                self.at_line_start = True
            if not part:
                continue
            if self.at_line_start:
                if self.quote:
                    out.append("▌ " * self.quote, "dim")
                if self.lists:
                    out.append("  " * (len(self.lists) - 1))
                if self.pending_prefix:
                    out.append(self.pending_prefix, "bold")
                    self.pending_prefix = ""
                elif self.lists:
                    out.append("   ")
                self.at_line_start = False
            out.append(part, style)

    def inline(self, tokens: list[Token]) -> None:
        for tok in tokens:
            kind = tok.type
            if kind == "text":
                self.write(tok.content)
            elif kind == "softbreak":
                self.write(" ")
            elif kind == "hardbreak":
                self.write("\n")
            elif kind == "code_inline":
                self.write(tok.content, "bold reverse")
            elif kind in _INLINE_STYLES:
                self.push_style(_INLINE_STYLES[kind])
            elif kind in _INLINE_CLOSE:
                self.pop_style()
            elif kind == "link_open":
                self.link_urls.append(str(tok.attrs.get("href", "")))
                self.push_style("underline")
            elif kind == "link_close":
                self.pop_style()
                url = self.link_urls.pop() if self.link_urls else ""
                if url:
                    self.write(f" <{url}>", "dim")
            elif kind == "image":
                self.write(f"[image: {tok.content or tok.attrs.get('src', '')}]", "dim")
            elif kind == "html_inline":
                self.write(tok.content, "dim")
            elif tok.children:
                self.inline(tok.children)
            else:
                self.write(tok.content)

    @property
    def finished(self) -> bool:
        return self.next >= len(self.tokens)

    def written(self) -> int:
        return sum(buffer.length for buffer in self.buffers)

    def run(self, until: int | None = None) -> None:
        """Render tokens to the end, or stop at the first heading once ``until`` characters are written."""
        tokens = self.tokens
        while self.next < len(tokens):
            index = self.next
            tok = tokens[index]
            kind = tok.type
            if kind == "heading_open" and until is not None and self.written() >= until:
                return
            self.next = index + 1
            if kind == "inline":
                self.inline(_inline_children(tok, self.env))
            elif kind == "paragraph_open":
                if not self.lists:
                    self.blank_line()
            elif kind == "paragraph_close":
                self.out.append("\n")
                self.at_line_start = True
            elif kind == "heading_open":
                level = int(tok.tag[1:])
                self.titles.append((_title(_inline_children(tokens[index + 1], self.env)), level))
                self.out = _Buffer()
                self.buffers.append(self.out)
                self.push_style(HEADING_STYLES.get(level, "bold"))
            elif kind == "heading_close":
                self.pop_style()
                self.out.append("\n\n")
                self.at_line_start = True
            elif kind in ("bullet_list_open", "ordered_list_open"):
                if not self.lists:
                    self.blank_line()
                start = int(tok.attrs.get("start", 1) or 1)
                self.lists.append([kind == "ordered_list_open", start])
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
                if not self.lists:
                    self.out.append("\n")
            elif kind == "list_item_open":
                ordered, number = self.lists[-1]
                self.pending_prefix = f"{number}. " if ordered else "• "
                self.lists[-1][1] = number + 1
                if not self.at_line_start:
                    self.out.append("\n")
                    self.at_line_start = True
            elif kind == "blockquote_open":
                self.blank_line()
                self.quote += 1
                self.push_style("italic")
            elif kind == "blockquote_close":
                self.quote -= 1
                self.pop_style()
            elif kind in ("fence", "code_block"):
                self.blank_line()
                for line in tok.content.rstrip("\n").split("\n"):
                    self.write("    " + line, "bold")
                    self.write("\n")
            elif kind == "hr":
                self.blank_line()
                self.write("─" * 20, "dim")
                self.write("\n")
            elif kind == "html_block":
                self.blank_line()
                self.write(tok.content, "dim")

    def sections(self, start: int) -> list[Section]:
        """The sections from index ``start`` on (:meth:`run` stops only before a heading: all are complete)."""
        out = []
        for (title, level), buffer in zip(self.titles[start:], self.buffers[start:], strict=True):
            section = Section(title, level, buffer.to_text())
            if section.title or section.text.plain.strip():
                out.append(section)
        return out


class SectionRenderer:
    """A chapter rendered a few sections at a time.

    The block structure is parsed up front; the inline Markdown of a block (most
    of the parsing work) only when its section is rendered. ``render(budget)``
    gives the next sections holding at least ``budget`` more characters (whole
    sections: it stops at headings), ``render()`` all the rest.
    """

    def __init__(self, markdown: str) -> None:
        env: dict[str, Any] = {}
        self._renderer = _Renderer(_blocks.parse(markdown, env), env)
        self._emitted = 0  # sections rendered so far (counting empty ones, which are left out)

    @property
    def done(self) -> bool:
        return self._renderer.finished

    def render(self, budget: int | None = None) -> list[Section]:
        renderer = self._renderer
        renderer.run(None if budget is None else renderer.written() + budget)
        start, self._emitted = self._emitted, len(renderer.buffers)
        return renderer.sections(start)


def render_sections(markdown: str) -> list[Section]:
    """The chapter body as sections of styled text."""
    return SectionRenderer(markdown).render()


def render_text(markdown: str) -> Text:
    """The whole body as one ``Text`` (used by tests and exports)."""
    out = Text()
    for i, section in enumerate(render_sections(markdown)):
        if i:
            out.append("\n\n")
        out.append_text(section.text)
    return out
