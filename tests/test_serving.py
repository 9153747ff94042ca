"""The app's server settings: the kernel manager's culler survives kernels that left while it
ran, and voila.json keeps a departed student's kernel short-lived."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from gmm_viz.serving import ClassroomKernelManager

ROOT = Path(__file__).resolve().parents[1]


def _run(coroutine):
    """Run a coroutine in a thread of its own (an earlier test may leave an event loop
    running in this one, where asyncio.run refuses)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_culling_a_kernel_that_already_left_is_not_an_error():
    manager = ClassroomKernelManager()
    assert _run(manager.cull_kernel_if_idle("00000000-0000-0000-0000-000000000000")) is None
    _run(manager.cull_kernels())  # nothing to cull, nothing logged


def test_voila_json_frees_kernels_and_preheats():
    config = json.loads((ROOT / "voila.json").read_text())
    voila = config["VoilaConfiguration"]
    assert voila["multi_kernel_manager_class"] == "gmm_viz.serving.ClassroomKernelManager"
    assert voila["preheat_kernel"] is True and voila["default_pool_size"] >= 1
    # preheat_kernel cannot be combined with these (Voila refuses to start).
    assert not voila.get("progressive_rendering") and "prelaunch_hook" not in voila
    cull = config["MappingKernelManager"]
    # A kernel nobody is connected to goes within 60 s; a connected one is never culled.
    assert cull["cull_idle_timeout"] + cull["cull_interval"] <= 50
    assert cull["cull_connected"] is False
