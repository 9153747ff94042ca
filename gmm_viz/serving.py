"""Serving the app to a class: what Voila needs beyond ``voila.json``.

:class:`ClassroomKernelManager` is jupyter_server's kernel manager with two repairs to its idle
culler, which ``voila.json`` turns on to free the kernels of browsers that vanished:

* **A kernel whose page has not connected yet is not abandoned.** Voila hands a preheated
  kernel to a page with its HTML; the page then loads about 5.5 MB of JavaScript before it
  opens the kernel's websocket, seconds on a slow laptop or a busy server. The stock culler
  counts a kernel's idle time from its last message, so a kernel that waited in the pool
  longer than the cull timeout was culled in that gap and the page stayed on "Loading
  widget..." for good. Here a kernel waiting in Voila's pool is never culled, and a kernel
  that has never had a connection gets :attr:`~ClassroomKernelManager.page_connect_grace`
  seconds, counted from when it was first seen out of the pool (or from its last activity,
  whichever is later), before the usual rule applies. A kernel that has had a page connected
  is culled as before, once nothing is connected and it sat idle for ``cull_idle_timeout``.
* The culler lists the kernels, then checks them one by one, awaiting each; a kernel whose
  page was closed in the meantime (the page's shutdown beacon) is gone from the list, and the
  check raised ``KeyError`` into the server log on every such race.

And three repairs to how kernels start and end:

* **A class's kernels speak over Unix sockets, not TCP ports.** A kernel's five TCP ports
  are picked free by the server, then bound by the kernel a moment later; in between, the
  server's own connections to the kernels already running take ports from the same range.
  Warming a pool of 70 kernels on two cores, 9 of 77 kernels died at start ("Address
  already in use") and their pages got no kernel. Over ``ipc`` (a socket file beside the
  kernel's connection file) there is no port to take; where that path would be too long
  for a socket (about 107 bytes), the kernel keeps TCP.
* **The app's kernels are stopped at once when their page leaves.** A kernel asked to shut
  down politely runs IPython's exit (a full garbage collection, the interpreter's teardown):
  a tenth of the server's CPU in a class where students come and go, at the moment others
  are stepping. A kernel Voila started for a page (its environment names Voila) holds nothing
  to save, so it is stopped straight away; any other kernel (a student's notebook under the
  hub) still gets the polite shutdown.

* **An app page's kernel that died is not brought back empty.** The server's restarter
  starts a new kernel under the dead one's id; for a Voila page that kernel has none of the
  app, yet the page's check found it alive, and its buttons did nothing. An app kernel is
  never restarted: dead, it leaves the server's list, and its page says it lost its kernel,
  with a Reload button.

``voila.json`` names this class (``VoilaConfiguration.multi_kernel_manager_class``); Voila adds
its preheated pool on top (a subclass made at start-up, whose ``_pools`` this class reads).
Under JupyterHub each student's server uses it as ``ServerApp.kernel_manager_class``
(``deploy/jupyter_server_settings.py``); there is no pool there, and the grace covers the
time from the app's execution to the page's connection.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta

from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Bool, Float, TraitError

__all__ = ["ClassroomKernelManager"]

# A Unix socket's path must fit in sockaddr_un.sun_path (108 bytes on Linux, with its NUL).
_SOCKET_PATH_MAX = 107


class ClassroomKernelManager(AsyncMappingKernelManager):
    """A kernel manager whose culler never takes a pooled kernel, gives a handed-out kernel
    time for its page to connect, and skips kernels shut down while it was running."""

    page_connect_grace = Float(
        180.0,
        config=True,
        help=(
            "Seconds a kernel that never had a connection (its page still loading) is kept "
            "after it left the preheated pool or was last active, before the idle culler may "
            "take it: longer than the slowest page takes to load its scripts and connect."
        ),
    )

    unix_sockets = Bool(
        True,
        config=True,
        help=(
            "Start kernels on Unix sockets (zmq's ipc transport) instead of TCP ports where "
            "the platform has them and the socket paths fit: no port can be taken by "
            "another connection between the server picking it and the kernel binding it."
        ),
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._ever_connected: set[str] = set()
        self._app_kernels: set[str] = set()  # started by Voila for a page
        # kernel id -> when the culler first saw it out of the pool with no page connected.
        self._unconnected_since: dict = {}

    def pre_start_kernel(self, kernel_name, kwargs):
        km, kernel_name, kernel_id = super().pre_start_kernel(kernel_name, kwargs)
        if self.unix_sockets and km.transport == "tcp" and _ipc_fits(km.connection_file):
            km.transport = "ipc"
            km.ip = os.path.splitext(km.connection_file)[0] + "-ipc"  # files kernel-<id>-ipc-N
            km.cache_ports = False  # no TCP ports to reserve
        return km, kernel_name, kernel_id

    async def start_kernel(self, *args, **kwargs):
        kernel_id = await super().start_kernel(*args, **kwargs)
        if any(name.startswith("VOILA_") for name in kwargs.get("env") or {}):
            self._app_kernels.add(kernel_id)
            restarter = getattr(self._kernels.get(kernel_id), "_restarter", None)
            if restarter is not None:
                # Not brought back: a restarted kernel has none of its page's app. Dead, it
                # is taken off the server's list (jupyter_server's "dead" callback), and its
                # page, asking for it, is told to reload.
                restarter.restart_limit = 0
        return kernel_id

    async def shutdown_kernel(self, kernel_id, now=False, restart=False):
        if kernel_id in self._app_kernels and not restart:
            now = True  # an app page's kernel: nothing to save, no exit to run
        if not restart:
            self._app_kernels.discard(kernel_id)
        return await super().shutdown_kernel(kernel_id, now=now, restart=restart)

    def notify_connect(self, kernel_id):
        self._ever_connected.add(kernel_id)
        self._unconnected_since.pop(kernel_id, None)
        super().notify_connect(kernel_id)

    def _pooled_kernel_ids(self) -> set[str]:
        """The kernels waiting, ready, in Voila's preheated pool (none outside Voila)."""
        pooled = set()
        for pool in getattr(self, "_pools", {}).values():
            for item in pool:
                if item.done() and not item.cancelled() and item.exception() is None:
                    pooled.add(item.result().get("kernel_id"))
        return pooled

    def _forget_gone(self, pooled):
        for kernel_id in list(self._unconnected_since):
            if kernel_id not in self._kernels or kernel_id in pooled:
                del self._unconnected_since[kernel_id]
        self._ever_connected &= set(self._kernels)

    def _waiting_for_its_page(self, kernel_id) -> bool:
        """True while a kernel that never had a connection is inside its grace period."""
        if kernel_id in self._ever_connected:
            return False
        now = utcnow()
        since = self._unconnected_since.setdefault(kernel_id, now)
        last_activity = _last_activity(self._kernels[kernel_id]) or since
        waited = now - max(since, last_activity)
        return waited < timedelta(seconds=self.page_connect_grace)

    async def cull_kernel_if_idle(self, kernel_id):
        if kernel_id not in self._kernels:
            return None  # its page closed and took it along: nothing left to cull
        pooled = self._pooled_kernel_ids()
        self._forget_gone(pooled)
        if kernel_id in pooled:
            return None  # ready for the next page to arrive
        kernel = self._kernels[kernel_id]
        dead = getattr(kernel, "execution_state", None) == "dead"
        if dead and _last_activity(kernel) is None:
            # It died before its first reply (so jupyter_server never set its clock): the
            # stock culler raised on it every interval. Nothing of it can be used.
            self.log.warning("Shutting down kernel %s: it died while starting.", kernel_id)
            await self.shutdown_kernel(kernel_id, now=True)
            return None
        if not dead and self._waiting_for_its_page(kernel_id):
            return None
        return await super().cull_kernel_if_idle(kernel_id)


def _last_activity(kernel):
    """A kernel's last activity, or None before jupyter_server first set it (reading the
    unset trait raises a TraitError, not an AttributeError)."""
    try:
        return getattr(kernel, "last_activity", None)
    except TraitError:
        return None


def _ipc_fits(connection_file) -> bool:
    """True where zmq's ipc transport works and the kernel's socket paths are short enough."""
    if sys.platform == "win32" or not connection_file:
        return False
    longest = os.path.splitext(os.path.abspath(connection_file))[0] + "-ipc-99999"
    return len(longest.encode()) <= _SOCKET_PATH_MAX
