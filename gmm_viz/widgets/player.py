"""Play on the kernel's clock: the next half-step is drawn only once the last one was.

ipywidgets' ``Play`` ticks in the browser and sends a value every interval whatever the
kernel is doing: on a busy server, where a half-step takes longer than the interval, the
values queued up and, at the end of a run, the picture lagged the label by seconds. Here the
kernel waits for the rest of the interval after each half-step it drew, so a slow machine
shows fewer frames per second, never a backlog.
"""

from __future__ import annotations

import asyncio
import time

__all__ = ["KernelPlayer"]


class KernelPlayer:
    """Calls ``step_forward`` every ``interval_s`` seconds (counting its own time) until it
    returns False or :meth:`stop` is called; then ``at_end``.

    Parameters
    ----------
    step_forward : callable
        Shows the next half-step; returns False when there is none.
    at_end : callable
        Called once when playing stops by itself (the run is over).
    interval_s : float
        Seconds from one half-step shown to the next.
    """

    def __init__(self, step_forward, at_end, interval_s=0.9):
        self._step_forward = step_forward
        self._at_end = at_end
        self.interval_s = interval_s
        self._task = None

    @property
    def playing(self):
        return self._task is not None and not self._task.done()

    def start(self):
        """Start playing in the kernel's event loop (a no-op if it already plays)."""
        if self.playing:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop runs this code (a plain script): one is made
            loop = asyncio.get_event_loop_policy().get_event_loop()
        self._task = loop.create_task(self._play())

    def stop(self):
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _play(self):
        shown = time.monotonic()
        while True:
            await asyncio.sleep(max(0.0, self.interval_s - (time.monotonic() - shown)))
            shown = time.monotonic()
            if not self._step_forward():
                break
        self._task = None
        self._at_end()
