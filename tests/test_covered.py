"""A covered container gives the rows it painted last until their size or colours change."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.geometry import Region

from screens.widgets.covered import Panes


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Panes(id="panes")


def background_of(panes: Panes) -> object:
    strip = panes.render_lines(Region(0, 0, panes.size.width, 1))[0]
    return next(iter(strip)).style.bgcolor  # type: ignore[union-attr]


async def test_the_rows_are_kept_while_nothing_they_are_made_of_changes() -> None:
    async with Bare().run_test(size=(20, 4)) as pilot:
        panes = pilot.app.query_one(Panes)
        first = panes.render_lines(Region(0, 0, 20, 4))
        panes.refresh()  # what Textual does on showing it again or moving its children
        assert panes.render_lines(Region(0, 0, 20, 4)) is first


async def test_new_colours_or_a_new_size_are_painted() -> None:
    async with Bare().run_test(size=(20, 4)) as pilot:
        panes = pilot.app.query_one(Panes)
        before = background_of(panes)
        panes.styles.background = "red"
        await pilot.pause()
        assert background_of(panes) != before
        assert background_of(panes).triplet == (255, 0, 0)  # type: ignore[attr-defined]
        await pilot.resize_terminal(30, 4)
        await pilot.pause()
        assert len(panes.render_lines(Region(0, 0, 30, 1))[0].text) == 30
