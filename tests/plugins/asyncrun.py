"""`run(coroutine)`: asyncio.run in a thread of its own. A session-wide browser fixture
(Playwright's sync API) may already run an event loop in the main thread, where
asyncio.run() refuses to start another."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Coroutine
from typing import Any


def run[T](coroutine: Coroutine[Any, Any, T]) -> T:
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
