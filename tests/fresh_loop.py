"""Run a coroutine to completion on an event loop of its own.

The browser tests' session-wide Playwright (sync API) keeps an event loop running in the main
thread for the whole session, and ``asyncio.run`` refuses to start inside a running loop. A
test that drives async code (the culler, the player) therefore runs it in a thread with a
fresh loop, whatever ran before it.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor


def run(coroutine):
    """Return the result of ``coroutine``, run with ``asyncio.run`` in a worker thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
