"""The classroom kernel manager's culler (gmm_viz.serving), decided on made-up kernels: which
kernel it takes and which it leaves, with the clock moved by hand.

The browser tests (test_app_class_day.py, test_app_kernels.py) check the same in a real Voila
server with real pages; these pin the rule itself, including the JupyterHub case (no pool).
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import fresh_loop
import pytest

from gmm_viz import serving
from gmm_viz.serving import ClassroomKernelManager

TIMEOUT_S = 30
GRACE_S = 180


class _Clock:
    def __init__(self):
        from jupyter_server._tz import utcnow

        self.now = utcnow()

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += timedelta(seconds=seconds)


class _Manager(ClassroomKernelManager):
    """The manager with kernels that are plain records and a shutdown that only notes."""

    def __init__(self, clock, pools=None):
        super().__init__(cull_idle_timeout=TIMEOUT_S, page_connect_grace=GRACE_S)
        self.clock = clock
        self.culled = []
        if pools is not None:
            self._pools = pools

    def add(self, kernel_id):
        self._kernels[kernel_id] = SimpleNamespace(
            last_activity=self.clock(),
            execution_state="idle",
            kernel_name="python3",
            kernel_spec=SimpleNamespace(metadata={}),
        )
        self._kernel_connections[kernel_id] = 0

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        self.culled.append(kernel_id)
        self._kernels.pop(kernel_id, None)

    def check(self):
        for kernel_id in list(self._kernels):
            fresh_loop.run(self.cull_kernel_if_idle(kernel_id))


class _Done:
    """A finished pool entry, as Voila keeps them (a task whose result names its kernel)."""

    def __init__(self, kernel_id):
        self.kernel_id = kernel_id

    def done(self):
        return True

    def cancelled(self):
        return False

    def exception(self):
        return None

    def result(self):
        return {"kernel_id": self.kernel_id}


@pytest.fixture
def clock(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(serving, "utcnow", clock)
    import jupyter_server.services.kernels.kernelmanager as km

    monkeypatch.setattr(km, "utcnow", clock)
    return clock


def test_a_kernel_waiting_in_the_pool_is_never_culled(clock):
    pool = [_Done("pooled")]
    m = _Manager(clock, pools={"app.ipynb": pool})
    m.add("pooled")
    clock.advance(3600)
    m.check()
    assert m.culled == []


def test_a_handed_out_kernel_waits_for_its_page_then_the_usual_rule(clock):
    """The failure of class day: a kernel ready for minutes, handed to a page that takes a
    while to connect, must not be culled in between."""
    pool = [_Done("k")]
    m = _Manager(clock, pools={"app.ipynb": pool})
    m.add("k")
    clock.advance(111)  # the server sat idle; the kernel is 'idle' for 111 s
    m.check()
    pool.clear()  # a page arrives and takes it; its scripts are still loading
    for _ in range(GRACE_S // 10 - 1):
        clock.advance(10)
        m.check()
    assert m.culled == [], "culled while its page was still loading"
    clock.advance(20)  # a page that never connected (a curl, a closed tab): taken after grace
    m.check()
    assert m.culled == ["k"]


def test_a_connected_then_vanished_page_is_culled_after_the_idle_timeout(clock):
    m = _Manager(clock, pools={})
    m.add("k")
    m.notify_connect("k")
    clock.advance(60)
    m.check()
    assert m.culled == [], "a connected page is never culled"
    m.notify_disconnect("k")  # the browser vanished
    m.check()
    assert m.culled == ["k"], "idle 60 s > 30 s with nothing connected"


def test_under_the_hub_with_no_pool_the_grace_counts_from_the_last_activity(clock):
    m = _Manager(clock)  # a Jupyter server: no Voila pool at all
    m.add("k")  # the app's notebook just ran in it
    clock.advance(TIMEOUT_S + 15)
    m.check()
    assert m.culled == []
    clock.advance(GRACE_S)
    m.check()
    assert m.culled == ["k"]


def test_a_dead_kernel_is_culled_at_once_and_a_gone_one_is_skipped(clock):
    m = _Manager(clock, pools={})
    m.add("dead")
    m._kernels["dead"].execution_state = "dead"
    m.check()
    assert m.culled == ["dead"]
    assert fresh_loop.run(m.cull_kernel_if_idle("never-was")) is None


# --------------------------------------------------------------------------------------
# Kernels on Unix sockets: no TCP port to lose between picking it and binding it
# --------------------------------------------------------------------------------------


def test_a_class_kernel_starts_on_unix_sockets_and_answers():
    """Warming a pool of 70 kernels on TCP, 9 of 77 died at start ("Address already in use":
    a port picked free was taken by another connection before the kernel bound it). Here a
    real kernel starts over ipc, beside its connection file, and answers."""
    import shutil
    import tempfile
    from pathlib import Path

    # A short folder, as Jupyter's runtime folder is (pytest's own are too long for a socket).
    runtime = Path(tempfile.mkdtemp(prefix="rt", dir="/tmp"))
    try:
        _check_ipc_kernel(runtime)
    finally:
        shutil.rmtree(runtime, ignore_errors=True)


def _check_ipc_kernel(runtime):

    async def start_and_ask():
        manager = ClassroomKernelManager(connection_dir=str(runtime))
        kernel_id = await manager.start_kernel()
        try:
            km = manager.get_kernel(kernel_id)
            info = km.get_connection_info()
            client = km.client()
            client.start_channels()
            try:
                await client.wait_for_ready(timeout=60)
                reply = await client.kernel_info(reply=True, timeout=30)
            finally:
                client.stop_channels()
            return info, reply, sorted(p.name for p in runtime.iterdir())
        finally:
            await manager.shutdown_kernel(kernel_id, now=True)

    info, reply, files = fresh_loop.run(start_and_ask())
    assert info["transport"] == "ipc"
    assert info["ip"].startswith(str(runtime / "kernel-")) and info["ip"].endswith("-ipc")
    assert reply["content"]["status"] == "ok"
    assert any(name.endswith("-ipc-1") for name in files), files


def test_a_socket_path_too_long_keeps_tcp(tmp_path):
    deep = tmp_path / ("d" * 90)
    assert not serving._ipc_fits(str(deep / "kernel-0123456789abcdef.json"))
    assert serving._ipc_fits("/run/user/1000/jupyter/kernel-0123.json")

    manager = ClassroomKernelManager(connection_dir=str(deep))
    km, _, _ = manager.pre_start_kernel("python3", {})
    assert km.transport == "tcp"
    manager.unix_sockets = False
    km, _, _ = manager.pre_start_kernel("python3", {})
    assert km.transport == "tcp"


def test_a_kernel_that_died_while_starting_is_shut_down_not_an_error_each_interval():
    """A kernel that died before its first reply has no last_activity: the stock culler raised
    a TraitError into the log every 10 s (31 times in one class-load run)."""
    from traitlets import HasTraits, Instance, Unicode

    class _Starting(HasTraits):
        last_activity = Instance("datetime.datetime")  # unset: reading it raises
        execution_state = Unicode("dead")

    clock = _Clock()
    manager = _Manager(clock)
    manager._kernels["k"] = _Starting()
    manager._kernel_connections["k"] = 0
    manager.check()
    assert manager.culled == ["k"]


def test_an_app_kernel_is_stopped_at_once_and_a_notebook_kernel_politely(monkeypatch):
    """A page's kernel (Voila's environment) runs no exit when its page leaves: IPython's
    exit (a full garbage collection, the teardown) was a tenth of a class's server CPU."""
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    asked = []

    async def fake_start(self, *args, **kwargs):
        return kwargs.get("kernel_id", "nb")

    async def fake_shutdown(self, kernel_id, now=False, restart=False):
        asked.append((kernel_id, now, restart))

    monkeypatch.setattr(AsyncMappingKernelManager, "start_kernel", fake_start)
    monkeypatch.setattr(AsyncMappingKernelManager, "shutdown_kernel", fake_shutdown)
    manager = ClassroomKernelManager()

    async def scenario():
        await manager.start_kernel(kernel_id="app", env={"VOILA_PREHEAT": "True"})
        await manager.start_kernel(kernel_id="nb", env={"PATH": "/usr/bin"})
        await manager.shutdown_kernel("app", restart=True)  # a restart keeps it polite
        await manager.shutdown_kernel("app")
        await manager.shutdown_kernel("nb")

    fresh_loop.run(scenario())
    assert asked == [("app", False, True), ("app", True, False), ("nb", False, False)]


def test_an_app_kernel_that_died_is_not_brought_back_empty(monkeypatch):
    """The restarter brings a killed kernel back under its id, without the app: a Voila
    page's kernel is never restarted (it is dropped, and its page says so); a notebook's
    still is."""
    from types import SimpleNamespace

    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    class FakeKernel:
        def __init__(self):
            self._restarter = SimpleNamespace(restart_limit=5)  # the stock default

    async def fake_start(self, *args, **kwargs):
        self._kernels[kwargs["kernel_id"]] = FakeKernel()
        return kwargs["kernel_id"]

    monkeypatch.setattr(AsyncMappingKernelManager, "start_kernel", fake_start)
    manager = ClassroomKernelManager()

    async def scenario():
        await manager.start_kernel(kernel_id="app", env={"VOILA_PREHEAT": "True"})
        await manager.start_kernel(kernel_id="nb", env={"PATH": "/usr/bin"})

    fresh_loop.run(scenario())
    assert manager._kernels["app"]._restarter.restart_limit == 0
    assert manager._kernels["nb"]._restarter.restart_limit == 5
