"""Keys typed ahead go where they would have gone typed slowly: one key at a time.

Why this exists. Textual's ``App.on_event`` hands each key to the widget that
has the focus *when the app reads the key*, by posting it to that widget's
queue, and reads the next key at once. A key the widget does not use (tab,
enter, ctrl+n) comes back up to the app, whose bindings then act on it: move
the focus, open a screen. When several keys arrive in one read (typing ahead
over a slow SSH link, a terminal's macro, ``tmux send-keys``), every one of
them has already been posted to the first widget before the first tab moves
the focus: "Laid off", tab, tab, tab, "9" put "Laid off9" in the title and
left the feeling unset.

:class:`KeysInOrder` (mixed into the app before ``App``) delivers a key or a
paste only when the one before it has come to rest: used by a widget, or
handled by the bindings once it came back up to the app. A key's path is
followed one queue at a time: a callback posted to the widget after the key
runs once the widget has handled it; if the key went on to the parent, the
next callback goes to the parent's queue, behind it, and so on up to the app.
When a key changed the screen (a dialog opened), the next one waits for the
next refresh, by which the new screen has taken the focus.

A key that never comes to rest (its widget closed with the callback still
queued) is given up after ``STUCK_AFTER``: the keys behind it go on.

While ``keys_wait`` is set (the journal is being read after a first frame
drawn from its glance), every key and paste is held, and mouse presses are
let go: :meth:`keys_go` delivers what was held, in order.
"""

from __future__ import annotations

import time
from collections import deque
from typing import TYPE_CHECKING

from textual import events
from textual.message_pump import MessagePump

if TYPE_CHECKING:
    from textual.app import App

    _Base = App[None]
else:
    _Base = object

STUCK_AFTER = 0.5  # seconds: a key not at rest by then is taken as at rest (its widget went away)

Typed = events.Key | events.Paste


class KeysInOrder(_Base):
    """Deliver keys and pastes that arrive in a burst one at a time, each after the last came to rest."""

    _in_flight: Typed | None = None
    _in_flight_since = 0.0
    _held: deque[Typed] | None = None
    keys_wait = False

    def keys_go(self) -> None:
        """Deliver the keys held while ``keys_wait`` was set, and the ones after them as they come."""
        self.keys_wait = False
        self._release()

    async def on_event(self, event: events.Event) -> None:
        if self.keys_wait and isinstance(event, events.MouseDown | events.MouseUp | events.Click):
            return  # a click on what is not open yet does nothing
        if not isinstance(event, Typed) or event.is_forwarded:
            await super().on_event(event)
            return
        if event is not self._in_flight and self._hold(event):
            return
        self._in_flight, self._in_flight_since = event, time.monotonic()
        target, screen = self.focused or self.screen, self.screen
        await super().on_event(event)
        if event.is_forwarded:
            self._follow(event, target, screen)
        else:  # a priority binding took it, or escape gave a zoomed pane back
            self._at_rest(event, screen)

    def _hold(self, event: Typed) -> bool:
        """Keep ``event`` for later (True) when a key before it has not come to rest."""
        if self._held is None:
            self._held = deque()
        if self.keys_wait:
            self._held.append(event)
            return True
        if self._in_flight is not None:
            if time.monotonic() - self._in_flight_since < STUCK_AFTER:
                if not self._held:
                    self.set_timer(STUCK_AFTER, self._unstick)
                self._held.append(event)
                return True
            self._in_flight = None  # its widget went away with the callback that would have said so
        if self._held:  # older keys first
            self._held.append(event)
            self._release()
            return True
        return False

    def _follow(self, event: Typed, node: MessagePump, screen: object) -> None:
        def check() -> None:
            parent = node._parent
            if event._stop_propagation or not event.bubble or parent is None or parent is self:
                # At rest here, or it went on to the app: what comes next is queued behind it.
                self._at_rest(event, screen)
            else:
                self._follow(event, parent, screen)

        if not node.call_later(check):  # the widget is closing: the key went nowhere further
            self._at_rest(event, screen)

    def _at_rest(self, event: Typed, screen: object) -> None:
        if self._in_flight is not event:
            return
        if self.screen is not screen:
            self.call_after_refresh(self._next, event)  # the new screen takes the focus first
        elif not self.call_later(self._next, event):
            self._next(event)

    def _next(self, event: Typed) -> None:
        if self._in_flight is event:
            self._in_flight = None
            self._release()

    def _release(self) -> None:
        if self._in_flight is None and self._held:
            event = self._held.popleft()
            self._in_flight, self._in_flight_since = event, time.monotonic()  # nothing overtakes it now
            self.post_message(event)

    def _unstick(self) -> None:
        if self._in_flight is not None and time.monotonic() - self._in_flight_since >= STUCK_AFTER:
            self._in_flight = None
            self._release()
        if self._held:
            self.set_timer(STUCK_AFTER, self._unstick)
