"""Class load: N simulated students on one Voila server serving the app, as in class.

A benchmark, run by hand (never by the test suite): it starts its own Voila server, brings
students in, measures what they wait for and what the server spends, stops everything it
started, and writes its section of ``benchmarks/RESULTS.md`` (unless ``--no-publish``).

The server is started as the README's launch command starts it (``.venv/bin/jupyter trust
notebooks/app.ipynb``, then ``.venv/bin/voila notebooks/app.ipynb --no-browser
--Voila.ip=127.0.0.1 --port=<port>`` from the repository's root, so that ``voila.json`` is
read), on a free loopback port, plus any ``--voila-arg`` (to compare configurations, e.g.
``--voila-arg=--VoilaConfiguration.default_pool_size=30``). Only 127.0.0.1 is ever
contacted.

Each simulated student (``_student.py``) arrives (spread uniformly over
``--spread-seconds``, or all together), loads the page (the HTML, streamed while Voila runs
the notebook in a new kernel; the page's assets on the first visit; the kernel's model; the
kernel websocket, ``kernel_info``, the widgets' state), then every 2-3 s (seeded) steps the
half-step slider, or about every 8th action refits (K 2 <-> 3, or another bundled data set),
for ``--duration`` seconds, and leaves as the page does on unload (the shutdown beacon, then
the websocket closed). A fraction (``--reload-fraction``) reloads once half-way: a new page
load. ``--browsers M`` adds M real headless Chromium pages (Playwright, Debian's chromium)
doing the same steps with the Next/Previous buttons, to check the simulated numbers.

The class starts once the server is quiet (a teacher starts it before class: a preheated
pool is full by then). The 2-3 s pause follows the previous answer (a student looks at the
picture, then clicks). Measured: page load (to a usable kernel), step latency (the slider's
``update`` sent to the Image's new ``value`` received; a step that times out counts as the
timeout), refit latency, errors (HTTP, timeouts, a message in the app's banner, a kernel
error), the kernels (count, RSS each, read from /proc: the server's ipykernel child
processes, named by their connection file), the CPU of the server's process tree (user +
system seconds while students were in, and as a share of the machine's cores), the load
generator's own CPU, and the students' kernels still alive 60 s and 90 s after the last
student left. ``--sweep`` runs several class sizes, each on a fresh server, and reports
the knee: the smallest class whose step p95 passes 1 s.

Usage (from the repository's root; ``python`` is ``.venv/bin/python``)::

    python benchmarks/bench_classroom.py --quick           # 3 students, 20 s: prints only
    python benchmarks/bench_classroom.py                   # 30 students: writes RESULTS.md
    python benchmarks/bench_classroom.py --arrival together --browsers 2
    python benchmarks/bench_classroom.py --voila-arg=--VoilaConfiguration.default_pool_size=30
    python benchmarks/bench_classroom.py --sweep 10,20,30,40   # reports the knee
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime
import importlib.metadata
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _student  # noqa: E402
import bench_em  # noqa: E402  (the report helpers: publish, write_section, machine_info)

# Chromium, free ports and the loopback opener exactly as the browser tests have them.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browser_helpers import (  # noqa: E402
    CHROMIUM_ARGS,
    answers,
    chromium_path,
    free_port,
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
HEADING = "## Class load: simulated students on one Voila server"
APP = "notebooks/app.ipynb"
CORES = os.cpu_count() or 1
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
SERVER_START_TIMEOUT = 60.0
SERVER_STOP_TIMEOUT = 30.0
KNEE_SECONDS = 1.0  # the knee: the smallest class whose step p95 passes this


def log(msg=""):
    print(msg, flush=True)


# ------------------------------------------------------------------------------ /proc


@dataclasses.dataclass
class Proc:
    pid: int
    ppid: int
    cpu: float  # own user + system seconds, plus those of reaped children
    own_cpu: float  # own user + system seconds only
    rss: int  # bytes
    start: int  # clock ticks after boot: with the pid, names the process


def read_procs() -> dict[int, Proc]:
    procs = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                text = fh.read().decode("utf-8", "replace")
        except OSError:
            continue
        rest = text[text.rfind(")") + 2 :].split()
        # Fields 4 (ppid), 14-17 (utime, stime, cutime, cstime), 22 (starttime), 24 (rss).
        procs[int(entry.name)] = Proc(
            pid=int(entry.name),
            ppid=int(rest[1]),
            cpu=sum(int(x) for x in rest[11:15]) / CLK_TCK,
            own_cpu=sum(int(x) for x in rest[11:13]) / CLK_TCK,
            rss=int(rest[21]) * PAGE,
            start=int(rest[19]),
        )
    return procs


def tree(procs: dict[int, Proc], root: int) -> list[int]:
    """root and its descendants (that still have it as an ancestor)."""
    children: dict[int, list[int]] = {}
    for p in procs.values():
        children.setdefault(p.ppid, []).append(p.pid)
    out, todo = [], [root] if root in procs else []
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


_cmdlines: dict[tuple[int, int], str] = {}


def cmdline(proc: Proc) -> str:
    key = (proc.pid, proc.start)
    if key not in _cmdlines:
        try:
            raw = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
        except OSError:
            raw = b""
        _cmdlines[key] = raw.replace(b"\0", b" ").decode("utf-8", "replace")
    return _cmdlines[key]


KERNEL_FILE = re.compile(r"kernel-([0-9a-f-]{36})\.json")


def kernel_id_of(proc: Proc) -> str | None:
    """The kernel id of an ipykernel process (from its connection file), else None."""
    line = cmdline(proc)
    if "ipykernel" not in line:
        return None
    match = KERNEL_FILE.search(line)
    return match.group(1) if match else "?"


def alive(pid: int, start: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            text = fh.read().decode("utf-8", "replace")
    except OSError:
        return False
    rest = text[text.rfind(")") + 2 :].split()
    return int(rest[19]) == start and rest[0] != "Z"


def kill_all(procs: list[tuple[int, int]], grace: float):
    """SIGTERM these (pid, starttime) processes, then SIGKILL those still alive."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 2.0)):
        left = [(pid, st) for pid, st in procs if alive(pid, st)]
        for pid, _ in left:
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        deadline = time.monotonic() + wait
        while left and time.monotonic() < deadline:
            time.sleep(0.1)
            left = [(pid, st) for pid, st in left if alive(pid, st)]
        if not left:
            return


def own_descendants() -> list[tuple[int, int]]:
    procs = read_procs()
    return [(pid, procs[pid].start) for pid in tree(procs, os.getpid()) if pid != os.getpid()]


# ------------------------------------------------------------------------------ server


def venv_tool(name: str) -> list[str]:
    exe = Path(sys.executable).parent / name
    return [str(exe)] if exe.exists() else [sys.executable, "-m", name]


class VoilaServer:
    """The README's launch command on a free loopback port; stop() ends it and its kernels."""

    def __init__(self, voila_args, log_path: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log_path = log_path
        self.args = [
            APP,
            "--no-browser",
            "--Voila.ip=127.0.0.1",
            f"--port={self.port}",
            *voila_args,
        ]
        self.command = " ".join([".venv/bin/voila", *self.args])
        self.process = None
        self.known: dict[int, int] = {}  # pid -> start of every descendant seen

    def start(self):
        # As the README: trust the notebook, so that Voila runs it without a warning.
        trust = venv_tool("jupyter")
        trust = (
            [*trust, "trust", APP]
            if len(trust) == 1
            else [sys.executable, "-m", "nbformat.sign", APP]
        )
        subprocess.run(trust, cwd=ROOT, check=True, capture_output=True)
        with open(self.log_path, "w", encoding="utf-8") as fh:
            fh.write(f"$ {self.command}\n")
            fh.flush()
            self.process = subprocess.Popen(
                [*venv_tool("voila"), *self.args],
                cwd=ROOT,
                stdout=fh,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not answers(self.url + "voila/static/voila.js"):
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"voila exited with code {self.process.returncode}:\n{self.log_tail()}"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(f"voila did not answer in time:\n{self.log_tail()}")
            time.sleep(0.2)
        return self

    def log_tail(self, n=40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def remember(self, procs: dict[int, Proc]):
        """Note the server's descendants (kernels run in their own sessions: a signal to the
        server's process group does not reach them, and they outlive a killed server)."""
        if self.process is None:
            return
        for pid in tree(procs, self.process.pid):
            self.known[pid] = procs[pid].start

    def stop(self):
        """SIGTERM (Voila shuts its kernels down), SIGKILL the group if it hangs, then end
        any kernel of this server still alive, by pid."""
        if self.process is None:
            return
        try:
            self.remember(read_procs())
        except OSError:
            pass
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=SERVER_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except OSError:
                    pass
                self.process.wait(timeout=10)
        kill_all([(p, s) for p, s in self.known.items() if p != self.process.pid], 5.0)
        self.process = None


# ------------------------------------------------------------------------------ monitor


class Monitor:
    """Samples the server's process tree (and the load generator's) from /proc."""

    def __init__(self, server: VoilaServer, interval: float = 1.0):
        self.server = server
        self.interval = interval
        self.samples: list[dict] = []
        self.kernels: dict[int, dict] = {}  # pid -> {"id", "first", "last", "rss_max"}

    def sample(self, t: float) -> dict:
        procs = read_procs()
        self.server.remember(procs)
        root = self.server.process.pid
        server_tree = tree(procs, root)
        in_server = set(server_tree)
        own_tree = [p for p in tree(procs, os.getpid()) if p not in in_server]
        alive_kernels = {}
        for pid in server_tree:
            kid = kernel_id_of(procs[pid])
            if kid is None:
                continue
            alive_kernels[pid] = kid
            k = self.kernels.setdefault(pid, {"id": kid, "first": t, "rss_max": 0})
            k["last"] = t
            k["rss_max"] = max(k["rss_max"], procs[pid].rss)
        rss = [procs[p].rss for p in alive_kernels]
        s = {
            "t": round(t, 2),
            "server_cpu": sum(procs[p].cpu for p in server_tree),
            # Voila's own process (tornado: pages, the kernels' websockets), kernels apart.
            "voila_cpu": procs[root].own_cpu if root in procs else 0.0,
            "generator_cpu": sum(procs[p].cpu for p in own_tree),
            "kernels": len(alive_kernels),
            "kernel_ids": sorted(alive_kernels.values()),
            "kernel_rss_mb": round(sum(rss) / 2**20, 1),
            "server_rss_mb": round(procs[root].rss / 2**20, 1) if root in procs else None,
        }
        self.samples.append(s)
        return s

    async def run(self, t0: float, stop: asyncio.Event):
        while not stop.is_set():
            self.sample(time.perf_counter() - t0)
            try:
                await asyncio.wait_for(stop.wait(), self.interval)
            except asyncio.TimeoutError:
                pass


async def settle(server: VoilaServer, monitor: Monitor, max_seconds: float) -> float:
    """Wait until the server's tree is quiet (under 5 % of a core over 3 s: a preheated pool
    is full), as a teacher starts the server before the class. Returns the seconds waited."""
    start = time.perf_counter()
    window = []
    while time.perf_counter() - start < max_seconds:
        window.append((time.perf_counter(), monitor.sample(-1.0)["server_cpu"]))
        older = [w for w in window if w[0] <= window[-1][0] - 3.0]
        if older:
            since, cpu = older[-1]
            if window[-1][1] - cpu < 0.05 * (window[-1][0] - since):
                break
            window = window[len(older) - 1 :]
        await asyncio.sleep(0.5)
    monitor.samples.clear()
    return time.perf_counter() - start


# ------------------------------------------------------------------------------ a class


@dataclasses.dataclass
class ClassConfig:
    students: int
    browsers: int
    arrival: str
    spread: float
    duration: float
    reload_fraction: float
    seed: int
    after: tuple
    max_seconds: float
    behaviour: _student.Behaviour


def arrivals(cfg: ClassConfig, n: int, stream: int) -> list[float]:
    rng = random.Random(cfg.seed * 1000 + stream)
    if cfg.arrival == "together" or n == 0:
        return [0.0] * n
    return [round(rng.uniform(0.0, cfg.spread), 3) for _ in range(n)]


async def run_class(server: VoilaServer, cfg: ClassConfig, settle_max: float) -> dict:
    from tornado.httpclient import AsyncHTTPClient

    # Ctrl+C or SIGTERM cancel the class: the students leave, the browsers close, and the
    # caller stops the server.
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, asyncio.current_task().cancel)
        except (NotImplementedError, RuntimeError, ValueError):
            pass
    AsyncHTTPClient.configure(None, max_clients=max(64, 4 * (cfg.students + cfg.browsers)))
    monitor = Monitor(server)
    stop = asyncio.Event()
    records, tasks, helpers = [], [], []
    playwright = browser = None

    async def close_browser():
        nonlocal playwright, browser
        try:
            if browser is not None:
                await asyncio.wait_for(browser.close(), 30)
            if playwright is not None:
                await asyncio.wait_for(playwright.__aexit__(None, None, None), 30)
        except Exception as exc:
            log(f"  closing the browser: {exc!r}")
        playwright = browser = None

    async def end(pending, timeout):
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=timeout)

    try:
        settled = await settle(server, monitor, settle_max)
        if cfg.browsers:
            from playwright.async_api import async_playwright

            chromium = chromium_path()
            playwright = async_playwright()
            pw = await playwright.__aenter__()
            browser = await pw.chromium.launch(
                executable_path=chromium,
                headless=True,
                args=CHROMIUM_ARGS,
            )
        t0 = time.perf_counter()
        load_start = os.getloadavg()[0]
        start_sample = monitor.sample(0.0)
        pool_ids = set(start_sample["kernel_ids"])
        helpers.append(asyncio.ensure_future(monitor.run(t0, stop)))
        deadline = t0 + cfg.max_seconds
        rng = random.Random(cfg.seed)
        reloaders = set(rng.sample(range(cfg.students), round(cfg.reload_fraction * cfg.students)))
        for i, at in enumerate(arrivals(cfg, cfg.students, 1)):
            rec = _student.StudentRecord(i, "simulated", at, 0.0 if i in reloaders else None)
            records.append(rec)
            student = _student.SimulatedStudent(
                rec, server.url, cfg.behaviour, cfg.seed * 100003 + i, t0, log
            )
            tasks.append(asyncio.ensure_future(student.run(deadline)))
        for j, at in enumerate(arrivals(cfg, cfg.browsers, 2)):
            rec = _student.StudentRecord(cfg.students + j, "browser", at)
            records.append(rec)
            student = _student.BrowserStudent(
                rec, server.url, cfg.behaviour, cfg.seed * 100003 + 50000 + j, t0, browser
            )
            tasks.append(asyncio.ensure_future(student.run(deadline)))
        helpers.append(asyncio.ensure_future(report_progress(records, monitor, t0)))
        # Students stop acting at the deadline; the margin lets the last action finish.
        _, pending = await asyncio.wait(tasks, timeout=cfg.max_seconds + 30)
        await end(pending, 30)
        t_left = time.perf_counter() - t0
        end_sample = monitor.sample(t_left)
        load_end = os.getloadavg()[0]
        await close_browser()
        left = {}
        student_ids = {k for r in records for k in r.kernel_ids}
        for a in cfg.after:
            await asyncio.sleep(max(0.0, t0 + t_left + a - time.perf_counter()))
            s = monitor.sample(time.perf_counter() - t0)
            left[f"{a:g}"] = {
                "all_kernels": s["kernels"],
                "student_kernels": sum(1 for k in s["kernel_ids"] if k in student_ids),
            }
            log(
                f"  {a:g} s after the last student left: {s['kernels']} kernels alive, "
                f"{left[f'{a:g}']['student_kernels']} of them students' kernels"
            )
    finally:
        await end([t for t in tasks if not t.done()], 15)
        stop.set()
        for helper in helpers:
            helper.cancel()
        await asyncio.gather(*helpers, return_exceptions=True)
        await close_browser()
    return {
        "settle_seconds": round(settled, 1),
        "pool_kernels_at_start": len(pool_ids),
        "t_left": round(t_left, 2),
        "load_avg": [load_start, load_end],
        "cpu_window": {
            "seconds": t_left,
            "server_cpu": end_sample["server_cpu"] - start_sample["server_cpu"],
            "voila_cpu": end_sample["voila_cpu"] - start_sample["voila_cpu"],
            "generator_cpu": end_sample["generator_cpu"] - start_sample["generator_cpu"],
        },
        "left": left,
        "kernels": monitor.kernels,
        "samples": monitor.samples,
        "records": [dataclasses.asdict(r) for r in records],
        "pool_ids": sorted(pool_ids),
    }


async def report_progress(records, monitor, t0, every=15.0):
    while True:
        await asyncio.sleep(every)
        s = monitor.samples[-1] if monitor.samples else {}
        steps = [x["latency"] for r in records for x in r.steps if "latency" in x]
        recent = steps[-50:]
        inside = sum(1 for r in records if r.loads and r.left_at is None)
        log(
            f"  t={time.perf_counter() - t0:5.0f} s: {inside} students in, "
            f"{s.get('kernels', '?')} kernels, {len(steps)} steps"
            + (f" (last 50: p50 {1e3 * float(np.median(recent)):.0f} ms)" if recent else "")
            + f", {sum(len(r.errors) for r in records)} errors"
        )


# ------------------------------------------------------------------------------ numbers


def stats(values, qs=(50, 95, 99)) -> dict:
    values = [float(v) for v in values]
    if not values:
        return {"n": 0}
    out = {"n": len(values), "max": max(values)}
    for q in qs:
        out[f"p{q}"] = float(np.percentile(values, q))
    return out


def latencies(records, what, timeout) -> list[float]:
    return [
        x["latency"] if "latency" in x else timeout
        for r in records
        for x in r[what]
        if "latency" in x or x.get("timed_out")
    ]


def summarize(cfg: ClassConfig, raw: dict) -> dict:
    sim = [r for r in raw["records"] if r["kind"] == "simulated"]
    real = [r for r in raw["records"] if r["kind"] == "browser"]
    first = [r["loads"][0] for r in sim if r["loads"]]
    reloads = [ld for r in sim for ld in r["loads"] if ld["reload"]]
    errors: dict[str, int] = {}
    for r in raw["records"]:
        for e in r["errors"]:
            key = ("browser: " if r["kind"] == "browser" else "") + e["kind"]
            errors[key] = errors.get(key, 0) + 1
    beacons: dict[str, int] = {}
    for r in sim:
        for b in r["beacons"]:
            beacons[str(b)] = beacons.get(str(b), 0) + 1
    kernels = raw["kernels"]
    rss_each = [k["rss_max"] / 2**20 for k in kernels.values()]
    peak = max(raw["samples"], key=lambda s: s["kernels"]) if raw["samples"] else {}
    during = [s for s in raw["samples"] if 0 <= s["t"] <= raw["t_left"]]
    cpu = raw["cpu_window"]
    wall = max(cpu["seconds"], 1e-9)
    student_ids = {k for r in raw["records"] for k in r["kernel_ids"]}
    return {
        "students": cfg.students,
        "browsers": cfg.browsers,
        "arrival": cfg.arrival,
        "spread": cfg.spread,
        "duration": cfg.duration,
        "page_load": {
            **stats([ld["interactive"] for ld in first if ld.get("ok")], (50, 95)),
            "failed": sum(1 for ld in first if not ld.get("ok")),
            "missing": len(sim) - len(first),
        },
        "page_html": stats([ld["html"] for ld in first if "html" in ld], (50, 95)),
        "reload": {
            **stats([ld["interactive"] for ld in reloads if ld.get("ok")], (50, 95)),
            "failed": sum(1 for ld in reloads if not ld.get("ok")),
        },
        # A step that timed out counts as the timeout (so that it lifts the percentiles).
        "step": stats(latencies(sim, "steps", cfg.behaviour.step_timeout)),
        "step_idle": stats([s["idle"] for r in sim for s in r["steps"] if "idle" in s]),
        "refit": stats(latencies(sim, "refits", cfg.behaviour.refit_timeout)),
        "browser_page_load": {
            **stats(
                [ld["interactive"] for r in real for ld in r["loads"] if ld.get("ok")], (50, 95)
            ),
            "failed": sum(1 for r in real for ld in r["loads"] if not ld.get("ok")),
        },
        "browser_step": stats([s["latency"] for r in real for s in r["steps"]]),
        "errors": errors,
        "errors_total": sum(errors.values()),
        "beacons": beacons,
        "kernels": {
            "pool_at_start": raw["pool_kernels_at_start"],
            "peak": peak.get("kernels", 0),
            "started": len(kernels) - raw["pool_kernels_at_start"],
            "students_kernels": len(student_ids),
            "rss_mb_median": float(np.median(rss_each)) if rss_each else None,
            "rss_mb_max": max(rss_each) if rss_each else None,
            "kernels_rss_mb_peak": max((s["kernel_rss_mb"] for s in during), default=None),
            "server_rss_mb_max": max(
                (s["server_rss_mb"] or 0 for s in raw["samples"]), default=None
            ),
        },
        "cpu": {
            "window_s": round(wall, 1),
            "server_s": round(cpu["server_cpu"], 1),
            "server_pct_of_cores": round(100 * cpu["server_cpu"] / (wall * CORES), 1),
            "voila_s": round(cpu.get("voila_cpu", 0.0), 1),
            "generator_s": round(cpu["generator_cpu"], 1),
            "generator_pct_of_cores": round(100 * cpu["generator_cpu"] / (wall * CORES), 1),
        },
        "left": raw["left"],
        "load_avg": raw["load_avg"],
        "settle_seconds": raw["settle_seconds"],
    }


def knee(summaries) -> int | None:
    over = [s["students"] for s in summaries if s["step"].get("p95", 0) > KNEE_SECONDS]
    return min(over) if over else None


# ------------------------------------------------------------------------------ reports


def _s(d, key, scale=1.0, fmt="{:.1f}"):
    return fmt.format(d[key] * scale) if key in d else "–"


def describe_errors(summary) -> str:
    if not summary["errors"]:
        return "0"
    parts = sorted(summary["errors"].items(), key=lambda kv: -kv[1])
    return f"{summary['errors_total']} (" + ", ".join(f"{n} {k}" for k, n in parts) + ")"


def arrival_text(s) -> str:
    return "together" if s["arrival"] == "together" else f"over {s['spread']:g} s"


def console(summary):
    s = summary
    pl, st, rf = s["page_load"], s["step"], s["refit"]
    k, c = s["kernels"], s["cpu"]
    log(
        f"\n{s['students']} students (+{s['browsers']} browsers), arriving "
        f"{arrival_text(s)}, {s['duration']:g} s each"
    )
    log(
        f"  page load (to a usable kernel): p50 {_s(pl, 'p50', fmt='{:.2f}')} s, p95 "
        f"{_s(pl, 'p95', fmt='{:.2f}')} s, max {_s(pl, 'max', fmt='{:.2f}')} s "
        f"({pl['n']} ok, {pl['failed']} failed); HTML complete p50 "
        f"{_s(s['page_html'], 'p50', fmt='{:.2f}')} s; reloads {s['reload']['n']} "
        f"(p50 {_s(s['reload'], 'p50', fmt='{:.2f}')} s)"
    )
    log(
        f"  step (slider update -> new picture): n {st['n']}, p50 {_s(st, 'p50', 1e3, '{:.0f}')}"
        f" ms, p95 {_s(st, 'p95', 1e3, '{:.0f}')} ms, p99 {_s(st, 'p99', 1e3, '{:.0f}')} ms, "
        f"max {_s(st, 'max', 1e3, '{:.0f}')} ms; refit n {rf['n']}, p50 "
        f"{_s(rf, 'p50', 1e3, '{:.0f}')} ms, p95 {_s(rf, 'p95', 1e3, '{:.0f}')} ms"
    )
    if s["browsers"]:
        bp, bs = s["browser_page_load"], s["browser_step"]
        log(
            f"  browsers: page load p50 {_s(bp, 'p50', fmt='{:.2f}')} s, max "
            f"{_s(bp, 'max', fmt='{:.2f}')} s; click -> new picture n {bs['n']}, p50 "
            f"{_s(bs, 'p50', 1e3, '{:.0f}')} ms, p95 {_s(bs, 'p95', 1e3, '{:.0f}')} ms"
        )
    log(f"  errors: {describe_errors(s)}; leave beacons answered: {s['beacons'] or 'none'}")
    log(
        f"  kernels: {k['pool_at_start']} at start, peak {k['peak']}, {k['started']} started; "
        f"RSS per kernel median {_s(k, 'rss_mb_median', fmt='{:.0f}')} MB, max "
        f"{_s(k, 'rss_mb_max', fmt='{:.0f}')} MB; server {k['server_rss_mb_max']} MB"
    )
    log(
        f"  server CPU: {c['server_s']} s over {c['window_s']} s = {c['server_pct_of_cores']} % "
        f"of {CORES} cores (Voila's own process {c.get('voila_s', '?')} s, the rest its "
        f"kernels); load generator {c['generator_s']} s "
        f"({c['generator_pct_of_cores']} %)"
    )
    left = ", ".join(
        f"{a} s: {v['student_kernels']} students' / {v['all_kernels']} all"
        for a, v in s["left"].items()
    )
    log(f"  kernels left after the last student left: {left}")


def table(summaries) -> list[str]:
    lines = [
        "| students | arrival | page load p50 / p95 / max | step p50 / p95 / p99 "
        "| refit p50 / p95 | errors | kernels: peak, RSS each | server CPU "
        "| students' kernels left (all kernels) +"
        + " / +".join(f"{a} s" for a in summaries[0]["left"])
        + " |",
        "|---:|---|---:|---:|---:|---|---:|---:|---:|",
    ]
    for s in summaries:
        pl, st, rf, k, c = s["page_load"], s["step"], s["refit"], s["kernels"], s["cpu"]
        failed = f" ({pl['failed']} failed)" if pl["failed"] else ""
        left = " / ".join(
            f"{v['student_kernels']} ({v['all_kernels']})" for v in s["left"].values()
        )
        lines.append(
            f"| {s['students']} | {arrival_text(s)} "
            f"| {_s(pl, 'p50')} / {_s(pl, 'p95')} / {_s(pl, 'max')} s{failed} "
            f"| {_s(st, 'p50', 1e3, '{:.0f}')} / {_s(st, 'p95', 1e3, '{:.0f}')} / "
            f"{_s(st, 'p99', 1e3, '{:.0f}')} ms "
            f"| {_s(rf, 'p50', 1e3, '{:.0f}')} / {_s(rf, 'p95', 1e3, '{:.0f}')} ms "
            f"| {describe_errors(s)} "
            f"| {k['peak']}, {_s(k, 'rss_mb_median', fmt='{:.0f}')} MB "
            f"| {c['server_s']:.0f} s, {c['server_pct_of_cores']:.0f} % "
            f"| {left} |"
        )
    if any(s["browsers"] for s in summaries):
        lines += [
            "",
            "Real Chromium pages in the same runs (page load to the picture decoded and the "
            "slider enabled; Next/Previous click to the new picture decoded):",
            "",
            "| students + browsers | browser page load p50 / p95 / max | browser step p50 / p95 "
            "| simulated step p50 / p95 |",
            "|---:|---:|---:|---:|",
        ]
        for s in summaries:
            bp, bs, st = s["browser_page_load"], s["browser_step"], s["step"]
            lines.append(
                f"| {s['students']} + {s['browsers']} "
                f"| {_s(bp, 'p50')} / {_s(bp, 'p95')} / {_s(bp, 'max')} s"
                + (f" ({bp['failed']} failed)" if bp.get("failed") else "")
                + " "
                f"| {_s(bs, 'p50', 1e3, '{:.0f}')} / {_s(bs, 'p95', 1e3, '{:.0f}')} ms "
                f"| {_s(st, 'p50', 1e3, '{:.0f}')} / {_s(st, 'p95', 1e3, '{:.0f}')} ms |"
            )
    return lines


INTRO = (
    "Measured by `benchmarks/bench_classroom.py` (method in its docstring and in "
    "`benchmarks/README.md`): the README's Voila command on a free loopback port, and "
    "simulated students speaking HTTP and the kernel websocket as the page does (no browser; "
    "a few real Chromium pages beside them where the table says so). Page load: the page's "
    "request until the kernel's widget state was read. Step: the slider's `update` sent "
    "until the picture's new PNG arrived. Server CPU: user + system seconds of Voila and its "
    "kernels while students were in, and that as a share of all cores. Kernels left: "
    "students' kernels still running that long after the last one left. Each subsection "
    "is one configuration; a re-run of the same configuration replaces it."
)


def subsection(label, summaries, info, date, command, server_command, voila_json) -> str:
    first = summaries[0]
    b = first
    lines = [
        f"### {label}",
        "",
        f"Measured on {date} with `{command}`; server: `{server_command}` "
        f"(port chosen free) with `voila.json` = `{voila_json}`.",
        "",
        f"- Machine: {info['cpu']}, {info['cores']} cores, {info.get('memory', '?')}; "
        f"load average (1 min) at the start and end: "
        + ", ".join(f"{s['load_avg'][0]:.2f}-{s['load_avg'][1]:.2f}" for s in summaries),
        f"- {info['versions']}",
        f"- Each student: {b['duration']:g} s of a step every 2-3 s (a refit instead about "
        "every 8th action), arriving "
        + arrival_text(b)
        + "; some reload once half-way (a new page load, not in the page-load column).",
        "",
        *table(summaries),
    ]
    if len(summaries) > 1:
        k = knee(summaries)
        lines += [
            "",
            (
                f"Knee: the smallest class whose step p95 passes {KNEE_SECONDS:g} s is **{k} "
                "students**."
                if k
                else f"No knee: step p95 stayed under {KNEE_SECONDS:g} s up to "
                f"{max(s['students'] for s in summaries)} students."
            ),
        ]
    return "\n".join(lines)


def merge_section(path: Path, label: str, body: str) -> str:
    """The whole section: INTRO, then every earlier subsection, this one replaced or added."""
    text = path.read_text() if path.exists() else ""
    pattern = re.compile(
        rf"^{re.escape(HEADING)}\n(.*?)(?=^## |^<!-- |\Z)", re.MULTILINE | re.DOTALL
    )
    match = pattern.search(text)
    parts = re.split(r"(?m)^(?=### )", match.group(1)) if match else []
    subs = [p.rstrip("\n") for p in parts if p.startswith("### ")]
    key = f"### {label}\n"
    replaced = False
    for i, sub in enumerate(subs):
        if (sub + "\n").startswith(key):
            subs[i], replaced = body, True
    if not replaced:
        subs.append(body)
    return "\n\n".join([HEADING, INTRO, *subs]) + "\n"


def machine() -> dict:
    try:
        info = bench_em.machine_info()
    except ImportError:  # its scikit-learn line needs scikit-learn
        info = {"cpu": "?", "cores": CORES}
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        info["memory"] = f"{kb / 2**20:.0f} GiB"
    except (OSError, AttributeError):
        pass
    names = ["voila", "jupyter_server", "ipykernel", "ipywidgets", "tornado"]
    versions = []
    for name in names:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            pass
    info["versions"] = ", ".join(
        [f"Python {info.get('python', sys.version.split()[0])}", *versions]
    )
    return info


def chromium_version() -> str:
    exe = chromium_path()
    if not exe:
        return "none"
    try:
        return subprocess.run(
            [exe, "--version"], capture_output=True, text=True, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return exe


# ------------------------------------------------------------------------------ main


def parse_args(argv):
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--students", type=int, default=None, help="simulated students (30)")
    p.add_argument("--browsers", type=int, default=0, help="real headless Chromium pages too")
    p.add_argument("--arrival", choices=["spread", "together"], default="spread")
    p.add_argument("--spread-seconds", type=float, default=None, help="arrivals over this (60)")
    p.add_argument("--duration", type=float, default=None, help="seconds each student works (120)")
    p.add_argument("--reload-fraction", type=float, default=0.2, help="reload once half-way")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--voila-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="extra argument for voila (repeatable), e.g. "
        "--voila-arg=--VoilaConfiguration.default_pool_size=30",
    )
    p.add_argument("--sweep", default=None, help="class sizes to run in turn, e.g. 10,20,30,40")
    p.add_argument(
        "--after",
        default=None,
        help="count the kernels left this many seconds after the last student left "
        "(default 60,90; 10,20 with --quick)",
    )
    p.add_argument(
        "--state-via",
        choices=["control", "per-comm"],
        default="control",
        help="how a page reads the widgets' state: ipywidgets 8's control comm "
        "(request_states, what Voila's page does) or comm_info_request + request_state per "
        "comm (the older way)",
    )
    p.add_argument(
        "--leave",
        choices=["beacon", "close"],
        default="beacon",
        help="on leaving: the page's shutdown beacon then the websocket closed, or only the "
        "websocket closed (a tab killed)",
    )
    p.add_argument("--no-assets", action="store_true", help="do not fetch the page's assets")
    p.add_argument("--page-timeout", type=float, default=180.0)
    p.add_argument("--step-timeout", type=float, default=30.0)
    p.add_argument("--refit-timeout", type=float, default=60.0)
    p.add_argument(
        "--max-seconds",
        type=float,
        default=None,
        help="hard cap on one class (default: spread + duration + 2 page timeouts + 120)",
    )
    p.add_argument("--settle-max", type=float, default=300.0, help="wait for a quiet server")
    p.add_argument("--quick", action="store_true", help="3 students, 20 s; prints only")
    p.add_argument("--json", type=Path, default=None, help="write every raw number here")
    p.add_argument("--no-publish", action="store_true", help="do not write RESULTS.md")
    p.add_argument("--output", type=Path, default=None, help=f"report file (default {RESULTS})")
    p.add_argument("--label", default=None, help="subsection title in the report")
    p.add_argument("--log-dir", type=Path, default=None, help="Voila's logs (default: a temp dir)")
    args = p.parse_args(argv)
    for arg in args.voila_arg:
        if re.search(r"(^|[-.])(ip|port)\b|allow_origin|\bhost", arg, re.IGNORECASE):
            p.error(f"--voila-arg {arg!r}: the address and port are the benchmark's own")
    defaults = {"students": 30, "duration": 120.0, "spread_seconds": 60.0}
    if args.quick:
        defaults = {"students": 3, "duration": 20.0, "spread_seconds": 10.0}
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    after = args.after or ("10,20" if args.quick else "60,90")
    args.after = tuple(float(a) for a in after.split(","))
    args.sizes = [int(x) for x in args.sweep.split(",")] if args.sweep else [args.students]
    if args.browsers < 0 or min(args.sizes) < (0 if args.browsers else 1):
        p.error("class sizes must be at least 1 (or 0 with --browsers: real pages only)")
    return args


def shown_command(argv) -> str:
    """The command as run, without where its outputs went (no part of how it measured)."""
    places = ("--json", "--output", "--log-dir")
    shown, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a in places:
            skip = True
        elif not a.startswith(tuple(f"{p}=" for p in places)):
            shown.append(a)
    return " ".join(["python benchmarks/bench_classroom.py", *shown])


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    if args.browsers:
        import importlib.util

        if importlib.util.find_spec("playwright") is None:
            sys.exit("--browsers needs the playwright package (requirements-dev.txt)")
        if chromium_path() is None:
            sys.exit("--browsers needs chromium (/usr/bin/chromium or on the PATH)")
    signal.signal(signal.SIGTERM, _raise_interrupt)
    behaviour = _student.Behaviour(
        duration=args.duration,
        page_timeout=args.page_timeout,
        step_timeout=args.step_timeout,
        refit_timeout=args.refit_timeout,
        state_via=args.state_via,
        leave=args.leave,
        assets=not args.no_assets,
    )
    log_dir = args.log_dir or Path(tempfile.mkdtemp(prefix="bench_classroom-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    info = machine()
    if args.browsers:
        info["chromium"] = chromium_version()
    voila_json = json.dumps(json.loads((ROOT / "voila.json").read_text()), sort_keys=True)
    log(f"machine: {info['cpu']}, {info['cores']} cores; {info['versions']}")
    log(f"voila.json: {voila_json}")
    log(f"Voila's logs: {log_dir}")
    results, summaries, server_command = [], [], ""
    server, interrupted = None, False
    try:
        for size in args.sizes:
            spread = args.spread_seconds
            cfg = ClassConfig(
                students=size,
                browsers=args.browsers,
                arrival=args.arrival,
                spread=spread,
                duration=args.duration,
                reload_fraction=args.reload_fraction,
                seed=args.seed,
                after=args.after,
                max_seconds=args.max_seconds
                or (spread + args.duration + 2 * args.page_timeout + 120),
                behaviour=behaviour,
            )
            log_path = log_dir / f"voila-{size}.log"
            server = VoilaServer(args.voila_arg, log_path).start()
            server_command = server.command.replace(f"--port={server.port}", "--port=<free>")
            log(
                f"\n== {size} students (+{args.browsers} browsers), arrival {args.arrival}"
                f", {args.duration:g} s each; server: {server.command}"
            )
            log_offset = log_path.stat().st_size
            try:
                raw = asyncio.run(run_class(server, cfg, args.settle_max))
            finally:
                # The event loop put the signals back to their defaults on closing.
                signal.signal(signal.SIGTERM, _raise_interrupt)
                server.stop()
                server = None
            text = log_path.read_text(errors="replace")[log_offset:]
            raw["server_log"] = {
                "tracebacks": text.count("Traceback"),
                "error_lines": [ln for ln in text.splitlines() if ln.startswith("[E ")][:50],
                "warning_lines": sum(1 for ln in text.splitlines() if ln.startswith("[W ")),
            }
            summary = summarize(cfg, raw)
            summary["server_log"] = {
                k: (len(v) if isinstance(v, list) else v) for k, v in raw["server_log"].items()
            }
            console(summary)
            log(
                f"  Voila's log: {summary['server_log']['tracebacks']} tracebacks, "
                f"{summary['server_log']['error_lines']} error lines, "
                f"{summary['server_log']['warning_lines']} warnings ({log_path})"
            )
            results.append({"config": dataclasses.asdict(cfg), "summary": summary, "raw": raw})
            summaries.append(summary)
            pl = summary["page_load"]
            if len(args.sizes) > 1 and pl["failed"] + pl["missing"] > size / 2:
                log("  more than half the pages failed: the sweep stops here")
                break
    except (KeyboardInterrupt, asyncio.CancelledError):
        log("\ninterrupted: stopping the server and every process this run started")
        interrupted = True
    finally:
        if server is not None:
            server.stop()
        leftovers = own_descendants()
        if leftovers:
            kill_all(leftovers, 5.0)
    if interrupted:
        return 130
    k = knee(summaries) if len(summaries) > 1 else None
    if len(summaries) > 1:
        log(
            f"\nknee (step p95 over {KNEE_SECONDS:g} s): "
            + (f"{k} students" if k else "not reached")
        )
    date = datetime.date.today().isoformat()
    command = shown_command(argv)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "date": date,
                    "command": command,
                    "server_command": server_command,
                    "voila_json": json.loads(voila_json),
                    "machine": info,
                    "knee": k,
                    "runs": results,
                },
                indent=1,
                default=str,
            )
        )
        log(f"wrote {args.json}")
    if not summaries:
        return 1
    extra = " ".join(args.voila_arg)
    config_text = f"with `{extra}`" if extra else "voila.json as committed"
    if args.label:
        label = args.label
    elif len(summaries) > 1:
        label = (
            f"Sweep {', '.join(str(s) for s in args.sizes)} students, arriving "
            f"{arrival_text(summaries[0])}, {config_text}"
        )
    else:
        s = summaries[0]
        label = (
            f"{s['students']} students"
            + (f" + {s['browsers']} browsers" if s["browsers"] else "")
            + f", arriving {arrival_text(s)}, {config_text}"
        )
    body = subsection(label, summaries, info, date, command, server_command, voila_json)
    if args.no_publish or (args.quick and args.output is None):
        log("\n" + body)
        return 0
    output = args.output or RESULTS
    section = merge_section(output, label, body)
    bench_em.publish(section.rstrip("\n"), HEADING, output, False, log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
