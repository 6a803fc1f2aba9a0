"""The guide renderer (screens.widgets.markdown): what a chapter's Markdown turns into, block by block."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from screens.widgets.markdown import Section, render_sections, render_text


def styled(text: Text) -> list[tuple[str, str]]:
    """Every span as (the text it covers, its style)."""
    return [(text.plain[span.start : span.end], str(span.style)) for span in text.spans]


def styles_of(text: Text, fragment: str) -> set[str]:
    """The style words on every span that covers the whole of ``fragment``."""
    start = text.plain.index(fragment)
    end = start + len(fragment)
    words: set[str] = set()
    for span in text.spans:
        if span.start <= start and span.end >= end:
            words.update(str(span.style).split())
    return words


def lines(markdown: str) -> list[str]:
    return render_text(markdown).plain.split("\n")


# -- headings and sections ---------------------------------------------------------


def test_headings_start_sections_with_their_titles_and_levels() -> None:
    sections = render_sections("Before any heading.\n\n# One\n\nText one.\n\n## Two\n\nText two.\n\n### Three\n")
    assert [(s.title, s.level) for s in sections] == [("", 0), ("One", 1), ("Two", 2), ("Three", 3)]
    assert all(isinstance(s, Section) for s in sections)
    assert sections[0].text.plain == "Before any heading."
    assert sections[1].text.plain == "One\n\nText one."
    assert sections[2].text.plain == "Two\n\nText two."
    assert sections[3].text.plain == "Three"


def test_heading_text_is_styled_by_level() -> None:
    sections = render_sections("# Big\n\n## Middle\n\n### Small\n\n#### Smaller\n")
    by_title = {s.title: s.text for s in sections}
    assert styles_of(by_title["Big"], "Big") == {"bold", "underline"}
    assert styles_of(by_title["Middle"], "Middle") == {"bold", "underline"}
    assert styles_of(by_title["Small"], "Small") == {"bold"}
    assert styles_of(by_title["Smaller"], "Smaller") == {"bold", "italic"}


def test_no_empty_leading_section_when_the_text_starts_with_a_heading() -> None:
    sections = render_sections("## First\n\nBody.\n")
    assert [s.title for s in sections] == ["First"]


def test_heading_titles_keep_emphasised_words_as_plain_text() -> None:
    (section,) = render_sections("## Why **it** matters\n")
    assert section.title == "Why it matters"
    assert section.text.plain == "Why it matters"
    assert "bold" in styles_of(section.text, "it")


def test_setext_headings_are_headings_too() -> None:
    sections = render_sections("Title\n=====\n\nSub\n---\n")
    assert [(s.title, s.level) for s in sections] == [("Title", 1), ("Sub", 2)]


# -- lists --------------------------------------------------------------------------


def test_bullet_list_items_get_a_marker_in_order() -> None:
    assert lines("- apples\n- pears\n- plums\n") == ["• apples", "• pears", "• plums"]


def test_bullet_markers_are_bold_and_item_text_is_not() -> None:
    text = render_text("- apples\n- pears\n")
    assert styled(text) == [("• ", "bold"), ("• ", "bold")]


def test_ordered_list_items_are_numbered_in_order() -> None:
    assert lines("1. first\n2. second\n3. third\n") == ["1. first", "2. second", "3. third"]


def test_ordered_list_keeps_its_start_number() -> None:
    assert lines("7. seventh\n8. eighth\n") == ["7. seventh", "8. eighth"]


def test_ordered_list_numbers_follow_the_order_not_the_source() -> None:
    assert lines("1. one\n1. two\n1. three\n") == ["1. one", "2. two", "3. three"]


def test_nested_lists_are_indented_under_their_item() -> None:
    markdown = "- fruit\n  - apples\n  - pears\n- vegetables\n  1. leeks\n  2. kale\n"
    assert lines(markdown) == [
        "• fruit",
        "  • apples",
        "  • pears",
        "• vegetables",
        "  1. leeks",
        "  2. kale",
    ]


def test_list_item_continuation_lines_are_indented() -> None:
    text = render_text("- first line\n\n  second paragraph of the item\n- next\n")
    out = text.plain.split("\n")
    assert out[0] == "• first line"
    assert "   second paragraph of the item" in out
    assert out[-1] == "• next"


def test_a_list_is_separated_from_the_paragraph_before_it() -> None:
    assert lines("Intro.\n\n- item\n") == ["Intro.", "", "• item"]


# -- emphasis and code --------------------------------------------------------------


def test_bold_and_italic_are_on_exactly_the_emphasised_words() -> None:
    text = render_text("Plain **strong words** plain *slanted words* plain.")
    assert text.plain == "Plain strong words plain slanted words plain."
    assert styled(text) == [("strong words", "bold"), ("slanted words", "italic")]


def test_nested_emphasis_combines_styles() -> None:
    text = render_text("***both*** and **bold with *italic* inside**")
    assert text.plain == "both and bold with italic inside"
    assert styles_of(text, "both") == {"bold", "italic"}
    assert styles_of(text, "italic") == {"bold", "italic"}
    assert styles_of(text, "bold with") == {"bold"}
    assert styles_of(text, "and") == set()


def test_strikethrough_is_not_commonmark_and_stays_literal() -> None:
    assert render_text("~~gone~~").plain == "~~gone~~"


def test_inline_code_is_highlighted_and_kept_literally() -> None:
    text = render_text("Run `make **bench**` now.")
    assert text.plain == "Run make **bench** now."
    assert styled(text) == [("make **bench**", "bold reverse")]


def test_fenced_code_block_is_indented_and_kept_literally() -> None:
    text = render_text("Before.\n\n```python\ndef f(x):\n    return *x*\n```\n\nAfter.")
    assert text.plain.split("\n") == ["Before.", "", "    def f(x):", "        return *x*", "", "After."]
    assert ("    def f(x):", "bold") in styled(text)
    assert ("        return *x*", "bold") in styled(text)


def test_indented_code_block_is_a_code_block() -> None:
    text = render_text("Para.\n\n    indented code\n")
    assert text.plain.split("\n") == ["Para.", "", "    indented code"]
    assert styled(text) == [("    indented code", "bold")]


# -- block quotes, rules, html ----------------------------------------------------------


def test_block_quote_lines_get_a_bar_and_italic_text() -> None:
    text = render_text("Said:\n\n> keep going\n> and *rest*\n")
    out = text.plain.split("\n")
    assert out[0] == "Said:"
    assert out[-1] == "▌ keep going and rest"
    assert ("▌ ", "dim") in styled(text)
    assert "italic" in styles_of(text, "keep going")


def test_nested_block_quotes_get_one_bar_per_level() -> None:
    text = render_text("> outer\n>\n> > inner\n")
    assert "▌ outer" in text.plain.split("\n")
    assert "▌ ▌ inner" in text.plain.split("\n")


def test_thematic_break_is_a_dim_rule() -> None:
    text = render_text("Above.\n\n---\n\nBelow.")
    assert text.plain.split("\n") == ["Above.", "", "─" * 20, "", "Below."]
    assert ("─" * 20, "dim") in styled(text)


def test_html_is_shown_as_text_not_interpreted() -> None:
    text = render_text("Inline <b>tag</b> here.\n\n<div>block</div>\n")
    assert "Inline <b>tag</b> here." in text.plain
    assert "<div>block</div>" in text.plain


def test_paragraph_soft_breaks_become_spaces() -> None:
    assert render_text("one\ntwo\nthree").plain == "one two three"


def test_hard_breaks_are_kept() -> None:
    assert render_text("one  \ntwo").plain == "one\ntwo"


# -- links: shown, never opened ---------------------------------------------------------


def _no_actionable_style(text: Text) -> None:
    for span in text.spans:
        assert "link" not in str(span.style)
        assert "@click" not in str(span.style)
        style = span.style if isinstance(span.style, Style) else Style.parse(str(span.style))
        assert style.link is None
        assert not style.meta
    assert text.style == "" or Style.parse(str(text.style)).link is None


def test_links_show_their_text_and_url() -> None:
    text = render_text("See [the guide](https://example.org/guide?a=1&b=2) for more.")
    assert text.plain == "See the guide <https://example.org/guide?a=1&b=2> for more."
    assert styles_of(text, "the guide") == {"underline"}
    assert styled(text)[-1] == (" <https://example.org/guide?a=1&b=2>", "dim")


def test_links_are_never_made_clickable() -> None:
    markdown = (
        "[a](https://example.org/a) <https://example.org/auto> "
        "[b](javascript:alert(1)) [c][ref]\n\n[ref]: https://example.org/ref\n"
    )
    text = render_text(markdown)
    for url in ("https://example.org/a", "https://example.org/auto", "javascript:alert(1)", "https://example.org/ref"):
        assert url in text.plain
    _no_actionable_style(text)
    for section in render_sections("# [Heading link](https://example.org/h)\n"):
        _no_actionable_style(section.text)


def test_images_are_shown_as_text() -> None:
    text = render_text("![a chart](chart.png)")
    assert "[image: a chart]" in text.plain
    _no_actionable_style(text)


# -- safety: control characters and markup-looking text ---------------------------------


def test_control_characters_and_escape_sequences_are_stripped() -> None:
    markdown = "Red \x1b[31mtext\x1b[0m, bell\x07, clipboard \x1b]52;c;aGk=\x07 done, nul\x00, c1\x9b2J.\n"
    text = render_text(markdown)
    # CommonMark turns NUL into U+FFFD (a visible replacement character, not a control).
    assert text.plain.replace("\ufffd", "") == "Red text, bell, clipboard  done, nul, c1."
    assert not any(ord(c) < 32 and c not in "\n\t" for c in text.plain)
    assert not any(0x7F <= ord(c) <= 0x9F for c in text.plain)


def test_control_characters_are_stripped_from_titles_code_and_quotes() -> None:
    markdown = "## Ti\x1b[2Jtle\x07\n\n```\ncode\x1b[31m\x08\n```\n\n> quo\x1bcte\n"
    (section,) = render_sections(markdown)
    assert section.title == "Title"
    assert "\x1b" not in section.text.plain and "\x07" not in section.text.plain and "\x08" not in section.text.plain
    assert "    code" in section.text.plain
    assert "▌ quote" in section.text.plain


def test_carriage_returns_are_line_ends_not_controls() -> None:
    assert render_text("one\r\ntwo\r\n\r\nthree").plain == "one two\n\nthree"


def test_markup_looking_text_is_shown_literally() -> None:
    markdown = "Text [bold]x[/] and [red on white]y[/red on white] and [link=https://e.org]z[/link] and :smile:."
    text = render_text(markdown)
    assert text.plain == markdown
    assert text.spans == []


def test_markup_looking_text_in_code_and_titles_is_literal() -> None:
    sections = render_sections("## [bold]Title[/]\n\n`[i]code[/i]`\n\n```\n[b]block[/b]\n```\n")
    assert sections[0].title == "[bold]Title[/]"
    plain = sections[0].text.plain
    assert "[bold]Title[/]" in plain
    assert "[i]code[/i]" in plain
    assert "    [b]block[/b]" in plain


def test_rendering_is_plain_text_in_a_static_too() -> None:
    """The Text a section holds goes into a Static as is: Textual shows it without parsing markup."""
    from textual.content import Content

    (section,) = render_sections("[bold]x[/] and [@click=app.quit]quit[/]\n")
    content = Content.from_rich_text(section.text)
    assert content.plain == "[bold]x[/] and [@click=app.quit]quit[/]"


# -- shape of the output --------------------------------------------------------------------


def test_sections_have_no_trailing_whitespace_or_line_end() -> None:
    for section in render_sections("Intro.\n\n## A\n\nText.\n\n- item\n\n## B\n\n> quote\n\n"):
        assert section.text.plain == section.text.plain.rstrip()
        assert section.text.end == ""


def test_render_text_joins_sections_with_a_blank_line() -> None:
    assert render_text("Intro.\n\n## Heading\n\nBody.").plain == "Intro.\n\nHeading\n\nBody."


def test_empty_markdown_renders_nothing() -> None:
    assert render_sections("") == []
    assert render_text("").plain == ""


def test_paragraphs_are_separated_by_one_blank_line() -> None:
    assert lines("One.\n\n\n\nTwo.\n\nThree.") == ["One.", "", "Two.", "", "Three."]


# -- sections a few at a time, and the guide pane that shows them -----------------------------


def long_chapter(sections: int = 60) -> str:
    parts = ["Intro paragraph with **bold** text."]
    for n in range(sections):
        parts.append(f"## Heading {n}")
        parts.append(f"Paragraph {n} " + "with some words to wrap " * 12)
        parts.append(f"- item {n}.1\n- item {n}.2")
    return "\n\n".join(parts) + "\n"


def test_rendering_in_steps_gives_the_same_sections_as_all_at_once() -> None:
    from screens.widgets.markdown import SectionRenderer

    markdown = long_chapter(30) + "\n[ref link][r]\n\n[r]: https://example.org/r\n"
    whole = [(s.title, s.level, s.text.plain, styled(s.text)) for s in render_sections(markdown)]
    renderer = SectionRenderer(markdown)
    first = renderer.render(500)
    assert 0 < len(first) < len(whole)
    assert not renderer.done
    steps = first + renderer.render()
    assert renderer.done
    assert [(s.title, s.level, s.text.plain, styled(s.text)) for s in steps] == whole
    assert "ref link <https://example.org/r>" in steps[-1].text.plain


async def test_guide_shows_the_first_screen_first_then_every_section() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    from screens.widgets.guide import GuideView

    markdown = long_chapter()
    expected = render_sections(markdown)

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield GuideView(markdown, id="guide")

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        guide = app.query_one(GuideView)
        assert 0 < guide._first < len(expected)  # mounted before the first frame: about a screenful
        await pilot.pause()
        await pilot.pause()
        assert guide.complete
        statics = list(guide.query_children(Static))
        assert [w.id for w in statics] == [f"section-{i}" for i in range(len(expected))]
        assert [s.title for s in guide.sections] == [s.title for s in expected]
        assert [str(w.render()) for w in statics[:2]] == [s.text.plain for s in expected[:2]]


async def test_guide_heading_keys_and_go_to_reach_sections_mounted_later() -> None:
    from textual.app import App, ComposeResult

    from screens.widgets.guide import GuideView

    markdown = long_chapter()

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield GuideView(markdown, id="guide")

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        guide = app.query_one(GuideView)
        last = guide.headings[-1][0]  # asking for the headings finishes the rendering
        assert guide.complete
        assert guide.headings[-1][1].title == "Heading 59"
        guide.go_to(last - 5)  # before the rest is laid out: done once it is
        await pilot.pause()
        await pilot.pause()
        target = guide.query_one(f"#section-{last - 5}")
        assert guide.scroll_y == min(target.virtual_region.y, guide.max_scroll_y)
        assert guide.current_section() == last - 5
        guide.focus()
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert guide.current_section() == last - 4
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert guide.current_section() == last - 6
