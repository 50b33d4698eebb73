"""Following the relay's change feed: long-poll, in order, at least once, with backoff.

    for event in follow_events(client, after=store.feed_cursor(), stop=stop_event):
        apply(event)                      # must be idempotent: events can repeat
        store.set_feed_cursor(event.cursor)

The generator returns when `stop` is set (from any thread; it wakes a waiting backoff at
once, a running long-poll within its `wait`). A relay that cannot be reached, answers 5xx or
rate-limits is retried with exponential backoff (1 s doubling to 60 s, with jitter so many
desktops do not return at the same moment); an `Unauthorized` device or other 4xx ends the
loop with the error, since retrying cannot fix it.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Iterator

from zivverdesk.relayclient.client import FeedEvent, RelayClient
from zivverdesk.relayclient.errors import RelayError

log = logging.getLogger(__name__)

_FIRST_DELAY = 1.0
_MAX_DELAY = 60.0


def backoff_delays(first: float = _FIRST_DELAY, ceiling: float = _MAX_DELAY) -> Iterator[float]:
    """1, 2, 4, … up to `ceiling`, each with ±20% jitter."""
    delay = first
    while True:
        yield delay * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not a secret
        delay = min(delay * 2, ceiling)


def follow_events(
    client: RelayClient,
    *,
    after: str | None,
    stop: threading.Event,
    wait: int = 25,
    first_delay: float = _FIRST_DELAY,
) -> Iterator[FeedEvent]:
    cursor = after
    delays = backoff_delays(first_delay)
    while not stop.is_set():
        try:
            page = client.events(cursor, wait=wait)
        except RelayError as error:
            if not error.retryable:
                raise
            delay = next(delays)
            log.warning("change feed: %s; retrying in %.1f s", error.error, delay)
            stop.wait(delay)
            continue
        delays = backoff_delays(first_delay)
        for event in page.items:
            yield event
            cursor = event.cursor
            if stop.is_set():
                return
        if page.next:
            cursor = page.next
