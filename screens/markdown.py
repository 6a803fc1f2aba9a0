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

from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.text import Text

from tui.sanitize import clean_text

_md = MarkdownIt("commonmark")

HEADING_STYLES = {1: "bold underline", 2: "bold underline", 3: "bold", 4: "bold italic"}


@dataclass
class Section:
    """A heading (empty for the text before the first one) and the text under it."""

    title: str
    level: int
    text: Text = field(default_factory=Text)


class _Renderer:
    def __init__(self) -> None:
        self.sections: list[Section] = [Section("", 0)]
        self.lists: list[list[int]] = []  # per open list: [is_ordered, next_number]
        self.quote = 0
        self.styles: list[str] = []
        self.link_urls: list[str] = []
        self.pending_prefix = ""
        self.at_line_start = True

    @property
    def out(self) -> Text:
        return self.sections[-1].text

    def blank_line(self) -> None:
        text = self.out
        if not text.plain:
            return
        if not text.plain.endswith("\n"):
            text.append("\n")
        if not text.plain.endswith("\n\n"):
            text.append("\n")
        self.at_line_start = True

    def write(self, chunk: str, style: str = "") -> None:
        if not chunk:
            return
        for i, part in enumerate(clean_text(chunk).split("\n")):
            if i:
                self.out.append("\n")
                self.at_line_start = True
            if not part:
                continue
            if self.at_line_start:
                if self.quote:
                    self.out.append("▌ " * self.quote, "dim")
                if self.lists:
                    self.out.append("  " * (len(self.lists) - 1))
                if self.pending_prefix:
                    self.out.append(self.pending_prefix, "bold")
                    self.pending_prefix = ""
                elif self.lists:
                    self.out.append("   ")
                self.at_line_start = False
            self.out.append(part, " ".join(s for s in [*self.styles, style] if s))

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
            elif kind in ("strong_open", "em_open", "s_open"):
                self.styles.append({"strong_open": "bold", "em_open": "italic", "s_open": "strike"}[kind])
            elif kind in ("strong_close", "em_close", "s_close"):
                if self.styles:
                    self.styles.pop()
            elif kind == "link_open":
                self.link_urls.append(str(tok.attrs.get("href", "")))
                self.styles.append("underline")
            elif kind == "link_close":
                if self.styles:
                    self.styles.pop()
                url = self.link_urls.pop() if self.link_urls else ""
                if url:
                    self.write(f" <{url}>", "dim")
            elif kind == "image":
                self.write(f"[image: {tok.content or tok.attrs.get('src', '')}]", "dim")
            elif kind in ("html_inline",):
                self.write(tok.content, "dim")
            elif tok.children:
                self.inline(tok.children)
            else:
                self.write(tok.content)

    def render(self, tokens: list[Token]) -> list[Section]:
        for index, tok in enumerate(tokens):
            kind = tok.type
            if kind == "heading_open":
                level = int(tok.tag[1:])
                title_tokens = tokens[index + 1]
                title = clean_text(title_tokens.content)
                self.sections.append(Section(title, level))
                self.styles.append(HEADING_STYLES.get(level, "bold"))
            elif kind == "heading_close":
                self.styles.pop()
                self.out.append("\n\n")
                self.at_line_start = True
            elif kind == "paragraph_open":
                if not self.lists:
                    self.blank_line()
            elif kind == "paragraph_close":
                self.out.append("\n")
                self.at_line_start = True
            elif kind == "inline":
                self.inline(tok.children or [])
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
                self.styles.append("italic")
            elif kind == "blockquote_close":
                self.quote -= 1
                self.styles.pop()
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
        for section in self.sections:
            section.text.rstrip()
            section.text.end = ""
        return [s for s in self.sections if s.text.plain.strip() or s.title]


def render_sections(markdown: str) -> list[Section]:
    """The chapter body as sections of styled text."""
    return _Renderer().render(_md.parse(markdown))


def render_text(markdown: str) -> Text:
    """The whole body as one ``Text`` (used by tests and exports)."""
    out = Text()
    for i, section in enumerate(render_sections(markdown)):
        if i:
            out.append("\n\n")
        out.append_text(section.text)
    return out
