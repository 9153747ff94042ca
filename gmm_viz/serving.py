"""Serving the app to a class: what Voila needs beyond ``voila.json``.

:class:`ClassroomKernelManager` is jupyter_server's kernel manager with one repair. Its
culler lists the kernels, then checks them one by one, awaiting each; a kernel whose page
was closed in the meantime (the page's shutdown beacon) is gone from the list, and the check
raised ``KeyError`` into the server log on every such race. ``voila.json`` names this class
(``VoilaConfiguration.multi_kernel_manager_class``); Voila adds its preheated pool on top.
"""

from __future__ import annotations

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

__all__ = ["ClassroomKernelManager"]


class ClassroomKernelManager(AsyncMappingKernelManager):
    """A kernel manager whose culler skips kernels shut down while it was running."""

    async def cull_kernel_if_idle(self, kernel_id):
        if kernel_id not in self._kernels:
            return None  # its page closed and took it along: nothing left to cull
        return await super().cull_kernel_if_idle(kernel_id)
