"""A prediction round: a teacher and N simulated students on one Voila server with a class.

Run by hand, never by the test suite; it prints its numbers (nothing is written).

Notes
-----
Setup: the class-day launch (``bench_classroom.VoilaServer`` with ``--pool_size=N+5
--VoilaKernelManager.fill_delay=3600``), ``GMM_VIZ_TEACHER_TOKEN`` and a fresh
``GMM_VIZ_CLASS_DB`` SQLite file in a temporary folder; the round starts once the pool is
full (the server quiet: ``bench_classroom.settle``). Pages are ``_student``'s (HTTP and the
kernel websocket, no browser): the teacher's (``?teacher=<secret>``), then N students'
arriving uniformly over ``--spread`` s (20). Every page's PageLink ticks as its JS does,
at the ``interval_ms`` its kernel set (teacher 0.5 s, students 2 s; a student's page first
sets ``browser_id``). Once all are in,
the teacher steps to half-step 1 and clicks Ask (the default kind: where a mean goes at the
next M-step); each student, once a tick shows the question, thinks (uniform 0-5 s), types a
number in [1, 2] and clicks Send; 20 % change it 1 s later. The teacher closes and reveals;
each student, once the reveal shows, waits 0-5 s and steps once.

Measured: answers acknowledged (the status says "sent" with the value), Ask click -> ack
(target: all within 10 s), Send -> ack split at the answer's ``answered_at``; when the
question showed on each page; sliders held while it is open; the teacher's final count
against the distinct students acknowledged and ``SELECT COUNT(*) FROM answers`` read
afterwards; the projector's count latency (the i-th student acknowledged -> the teacher's
status shows a count >= i; target p95 <= 1 s; also from the i-th ``answered_at``); Close
(click -> "closed"), Reveal (click -> the teacher's new picture) and when the reveal showed
on each page; the post-reveal step (slider update -> new picture; target p95 <= 1 s) and its
PNGs; server CPU (/proc: Voila's process, kernels) for 10 s of heartbeats alone, Ask ->
answered, Reveal -> last step; errors (pages', kernel error messages, tracebacks in Voila's
log); the pages' kernels still alive after they left. Every wait has a ceiling.

Examples
--------
From the repository's root::

    .venv/bin/python benchmarks/bench_class_round.py --students 5
    .venv/bin/python benchmarks/bench_class_round.py             # 100 students
"""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import random
import re
import secrets
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _student as sim  # noqa: E402  (a page: HTTP and the kernel websocket)
import bench_classroom as bc  # noqa: E402  (the server, /proc sampling, helpers)
from _student import StudentError, now  # noqa: E402

log = bc.log


# The class panels' widgets: model name, CSS class, description (gmm_viz/classroom/panels.py).
WIDGETS = {
    "status": ("HTMLModel", "gmm-class-status", None),
    "question": ("HTMLModel", "gmm-class-question", None),
    "box": ("TextModel", "gmm-class-answer", None),
    **{n: ("ButtonModel", None, d) for n, d in [("send", "Send"), ("ask", "Ask")]},
    **{n: ("ButtonModel", None, d) for n, d in [("close", "Close"), ("reveal", "Reveal")]},
    "link": ("AnyModel", None, None),  # the PageLink (anywidget)
}


def text_of(value) -> str:
    return re.sub(r"<[^>]+>", "", html.unescape(value or "")).strip()


class Page:
    """A simulated page with its class panel: the PageLink's heartbeat, the panel's widgets,
    and a wake-up on every message the kernel sends."""

    def __init__(self, student: sim.SimulatedStudent, interval: float):
        self.s, self.interval = student, interval
        self.changed = asyncio.Event()
        self.ids: dict[str, str] = {}
        self.status_log: list[tuple[float, str]] = []  # (received, text) of the status HTML
        self.ticker = None
        self.pictures = 0  # new PNGs the kernel sent (the Image's value)

    async def open(self, query="", browser_id=None):
        self.s.page_url = self.s.base + query
        await self.s.load(reload=False)
        sock = self.s.sock
        apply = sock._apply

        def hooked(msg):
            apply(msg)
            kind, content = msg.msg_type, msg.content
            if msg.parent_id not in sock.trackers and (
                kind == "error" or (kind == "stream" and content.get("name") == "stderr")
            ):
                self.s.error("kernel error", content.get("evalue") or content.get("text", ""))
            data = content.get("data") or {}
            if kind == "comm_msg" and content.get("comm_id") == self.s.ids.get("image"):
                self.pictures += ["value"] in (data.get("buffer_paths") or [])
            if kind == "comm_msg" and content.get("comm_id") == self.ids.get("status"):
                if "value" in (data.get("state") or {}):
                    self.status_log.append((msg.received, text_of(data["state"]["value"])))
            self.changed.set()

        sock._apply = hooked
        for name, (model, css, desc) in WIDGETS.items():
            for mid, st in sock.models.items():
                ok = st.get("model_name") == model and desc in (st.get("description"), None)
                ok = ok and css in (*(st.get("_dom_classes") or ()), None)
                if ok and (model != "AnyModel" or "interval_ms" in st):
                    self.ids[name] = mid
        need = ("link", "status", "ask", "close", "reveal") if query else ("link", "box", "send")
        if [n for n in need if n not in self.ids]:
            raise StudentError("widgets", f"class panel: {[n for n in need if n not in self.ids]}")
        if browser_id:  # what the PageLink's JS does first on a student's page
            await self.s._change(self.ids["link"], {"browser_id": browser_id}, 30)
        # The page ticks at the interval its kernel asks for, as the PageLink's JS does.
        self.interval = sock.models[self.ids["link"]].get("interval_ms", 1000) / 1000
        self.ticker = asyncio.ensure_future(self._tick())

    async def _tick(self):
        while True:
            await asyncio.sleep(self.interval)
            sock = self.s.sock
            if sock is None or sock.closed.is_set():
                return
            sock.comm_msg(self.ids["link"], {"method": "custom", "content": {"tick": 1}})

    def value(self, name, key="value"):
        return self.s.sock.models.get(self.ids.get(name) or self.s.ids.get(name), {}).get(key)

    def status(self) -> str:
        return text_of(self.value("status"))

    async def wait(self, predicate, timeout) -> bool:
        deadline = now() + timeout
        while not predicate():
            if deadline - now() <= 0 or self.s.sock is None or self.s.sock.closed.is_set():
                return False
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), deadline - now())
            except asyncio.TimeoutError:
                return predicate()
        return True

    async def click(self, name, timeout) -> sim.Tracker:
        """A Button's click (custom message), tracked until the kernel is idle again."""
        sock = self.s.sock
        tr = sim.Tracker(self.s.ids.get("image"), self.s.ids.get("banner"))
        data = {"method": "custom", "content": {"event": "click"}}
        msg_id = sock.comm_msg(self.ids[name], data, tr)
        tr.timed_out = not await tr.wait(
            lambda t: t.idle.is_set() or sock.closed.is_set(), timeout
        )
        sock.trackers.pop(msg_id, None)
        if tr.timed_out or tr.errors:
            self.s.error(f"{name} click", "timed out" if tr.timed_out else tr.errors[0])
        return tr

    def status_at(self, tr: sim.Tracker, needle: str):
        """When the status update with ``needle`` answering this click arrived, or None."""
        for m in tr.replies:
            state = (m.content.get("data") or {}).get("state") or {}
            if m.content.get("comm_id") == self.ids["status"]:
                if needle in text_of(state.get("value")):
                    return m.received
        return None

    async def leave(self):
        if self.ticker:
            self.ticker.cancel()
        await self.s.leave()


def stored_at(student) -> float | None:
    """When the class's database took this student's answer (answered_at, wall clock)."""
    with sqlite3.connect(os.environ["GMM_VIZ_CLASS_DB"]) as con:
        row = con.execute("SELECT answered_at FROM answers WHERE student = ?", (student,))
        return (row.fetchone() or [None])[0]


async def answer_round(page: Page, rng, changer: bool, out: dict, timeout: float):
    """Wait for the question (via the ticks), think, answer (and change it once)."""
    if not await page.wait(lambda: "Question:" in text_of(page.value("question")), timeout):
        raise StudentError("question", "not shown in time")
    out["seen"] = now()
    out["held"] = await page.wait(lambda: page.value("slider", "disabled") is True, 10)
    await asyncio.sleep(rng.uniform(0.0, 5.0))
    for i in range(2 if changer else 1):
        if i:
            await asyncio.sleep(1.0)
        value = f"{rng.uniform(1.0, 2.0):.3f}"
        page.s.sock.comm_msg(
            page.ids["box"], {"method": "update", "state": {"value": value}, "buffer_paths": []}
        )
        tr = await page.click("send", timeout)
        needle = f"Your answer: {float(value):.4g}, sent"
        ack = page.status_at(tr, needle)
        if ack is None and await page.wait(lambda n=needle: n in page.status(), 5):
            ack = now()  # arrived after the idle (it should not)
        if ack is None:
            page.s.error("not acknowledged", f"{value}: status {page.status()[:120]!r}")
        out["answers"].append({"value": value, "sent": tr.sent, "ack": ack})
        if i == 0 and ack is not None:  # read before any change replaces it
            out["stored"] = stored_at(page.student) - time.time() + now()


async def after_reveal(page: Page, rng, out: dict, timeout: float):
    if not await page.wait(lambda: page.status().startswith("Revealed:"), timeout):
        raise StudentError("reveal", f"not shown in time: {page.status()[:120]!r}")
    out["revealed"] = now()
    if not await page.wait(lambda: page.value("slider", "disabled") is False, 10):
        raise StudentError("release", "the slider is still disabled after the reveal")
    await asyncio.sleep(rng.uniform(0.0, 5.0))
    before = page.pictures
    await page.s.step()
    out["step_pictures"] = page.pictures - before


def pct(values, scale=1.0) -> str:
    if not values:
        return "none"
    v = np.asarray(values, dtype=float) * scale
    return f"p50 {np.percentile(v, 50):.2f}, p95 {np.percentile(v, 95):.2f}, max {v.max():.2f}"


async def guarded(page, coro, ceiling):
    try:
        await asyncio.wait_for(coro, ceiling)
        return True
    except StudentError as exc:
        page.s.error(exc.kind, exc.detail)
    except asyncio.TimeoutError:
        page.s.error("ceiling", f"phase not done in {ceiling:g} s")
    except Exception as exc:  # the benchmark's own bug or an unforeseen answer
        page.s.error("unexpected", repr(exc))
    return False


async def run(server, args) -> dict:
    from tornado.httpclient import AsyncHTTPClient

    AsyncHTTPClient.configure(None, max_clients=max(64, 4 * args.students))
    monitor = bc.Monitor(server)
    res: dict = {"settle": await bc.settle(server, monitor, args.settle_max)}
    res["pool"] = monitor.sample(0)["kernels"]
    log(f"server quiet after {res['settle']:.0f} s with {res['pool']} kernels")
    t0, rng = now(), random.Random(args.seed)
    behaviour = sim.Behaviour(page_timeout=args.page_timeout)

    def make(i, interval):
        rec = sim.StudentRecord(i, "simulated", 0.0 if i < 0 else rng.uniform(0, args.spread))
        return Page(
            sim.SimulatedStudent(rec, server.url, behaviour, args.seed * 1009 + i, t0, log),
            interval,
        )

    teacher = make(-1, 0.5)
    await teacher.open(f"?teacher={os.environ['GMM_VIZ_TEACHER_TOKEN']}")
    pages = [make(i, 1.0) for i in range(args.students)]

    async def arrive(p):
        await asyncio.sleep(p.s.r.arrival)
        p.student = "browser-" + secrets.token_hex(16)  # the seat's name for this browser id
        await p.open(browser_id=p.student.removeprefix("browser-"))

    ok = await asyncio.gather(
        *(guarded(p, arrive(p), args.spread + args.page_timeout + 30) for p in pages)
    )
    inside = [p for p, good in zip(pages, ok, strict=True) if good]
    res["loaded"] = len(inside)
    log(f"{len(inside)} of {len(pages)} students in after {now() - t0:.1f} s")
    await asyncio.sleep(2.0)  # every page's seat made by a tick or two
    cpu = {"ticks only": [monitor.sample(now() - t0)]}
    await asyncio.sleep(args.idle)  # the heartbeats alone: what they cost
    cpu["ticks only"].append(monitor.sample(now() - t0))
    await teacher.s.step()  # half-step 0 -> 1
    res["teacher_step"] = teacher.s.r.steps[-1].get("latency")
    outs = {id(p): {"answers": []} for p in inside}
    changers = set(rng.sample(range(len(inside)), round(0.2 * len(inside))))

    def answering(i, p):
        rng_i = random.Random(args.seed * 7919 + i)
        return guarded(p, answer_round(p, rng_i, i in changers, outs[id(p)], 30), 90)

    tasks = [asyncio.ensure_future(answering(i, p)) for i, p in enumerate(inside)]
    cpu["Ask -> answered"] = [monitor.sample(now() - t0)]
    tr = await teacher.click("ask", 30)
    t_ask = tr.sent
    res["ask"] = (teacher.status_at(tr, "answering") or np.nan) - t_ask
    await asyncio.gather(*tasks)
    cpu["Ask -> answered"].append(monitor.sample(now() - t0))
    res["seen"] = [o["seen"] - t_ask for o in outs.values() if "seen" in o]
    firsts = sorted(
        o["answers"][0]["ack"] for o in outs.values() if o["answers"] and o["answers"][0]["ack"]
    )
    acks = [a["ack"] - t_ask for o in outs.values() for a in o["answers"] if a["ack"]]
    res["answers"] = sum(len(o["answers"]) for o in outs.values())
    res["acked"], res["ack_from_ask"] = len(acks), acks
    res["ack_from_send"] = [
        a["ack"] - a["sent"] for o in outs.values() for a in o["answers"] if a["ack"]
    ]
    res["held"] = sum(1 for o in outs.values() if o.get("held"))
    res["distinct"] = len(firsts)

    def count_of(text):
        m = re.search(r"(\d+) answered", text)
        return int(m.group(1)) if m else -1

    await teacher.wait(lambda: count_of(teacher.status()) >= len(firsts), 10)
    await asyncio.sleep(1.5)  # three more of the teacher's ticks: an over-count would show
    res["final_count"] = count_of(teacher.status())
    shown = [(t, count_of(x)) for t, x in teacher.status_log]

    def lags(times):  # the i-th of times -> the teacher's status shows a count >= i
        later = ([t for t, c in shown if c >= i] for i in range(1, len(times) + 1))
        return [max(0.0, t[0] - x) if t else np.inf for x, t in zip(times, later, strict=True)]

    res["count_latency"] = lags(firsts)
    res["count_from_store"] = lags(sorted(o["stored"] for o in outs.values() if "stored" in o))
    tr = await teacher.click("close", 30)
    res["close"] = (teacher.status_at(tr, "closed") or np.nan) - tr.sent
    cpu["Reveal -> last step"] = [monitor.sample(now() - t0)]
    tr = await teacher.click("reveal", 60)
    res["reveal"] = (tr.picture_at or np.nan) - tr.sent
    res["reveal_status"] = teacher.status()
    t_reveal = tr.sent
    ok = await asyncio.gather(
        *(
            guarded(p, after_reveal(p, random.Random(i), outs[id(p)], 60), 90)
            for i, p in enumerate(inside)
        )
    )
    cpu["Reveal -> last step"].append(monitor.sample(now() - t0))
    res["cpu"] = {
        k: [b["t"] - a["t"], *(b[c] - a[c] for c in ("server_cpu", "voila_cpu", "generator_cpu"))]
        for k, (a, b) in cpu.items()
    }
    res["step_pictures"] = [o["step_pictures"] for o in outs.values() if "step_pictures" in o]
    res["reveal_seen"] = [o["revealed"] - t_reveal for o in outs.values() if "revealed" in o]
    res["steps"] = [s.get("latency", behaviour.step_timeout) for p in inside for s in p.s.r.steps]
    kernel_ids = {k for p in [teacher, *pages] for k in p.s.r.kernel_ids}
    await asyncio.gather(*(p.leave() for p in [teacher, *pages]), return_exceptions=True)
    t_left = now()
    while True:
        left = [k for k in monitor.sample(now() - t0)["kernel_ids"] if k in kernel_ids]
        if not left or now() - t_left > args.left_ceiling:
            break
        await asyncio.sleep(1.0)
    res["kernels_left"], res["left_after"] = len(left), now() - t_left
    # Each student's last answer, sent and acknowledged, on the wall clock (as answered_at).
    wall = time.time() - now()
    res["last"] = {p.student: (a["sent"] + wall, a["ack"] + wall) for p in inside
                   for a in outs[id(p)]["answers"][-1:] if a["ack"]}  # fmt: skip
    res["errors"] = [(p.s.r.index, e) for p in [teacher, *pages] for e in p.s.r.errors]
    return res


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--students", type=int, default=100)
    p.add_argument("--spread", type=float, default=20.0, help="arrivals over this many s")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--idle", type=float, default=10.0, help="s of heartbeats alone, measured")
    p.add_argument("--page-timeout", type=float, default=180.0)
    p.add_argument("--settle-max", type=float, default=900.0, help="ceiling: the pool's fill")
    p.add_argument("--left-ceiling", type=float, default=60.0, help="ceiling: kernels gone")
    args = p.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench_class_round-"))
    db = tmp / "class.sqlite3"
    os.environ.update(GMM_VIZ_TEACHER_TOKEN=secrets.token_urlsafe(18), GMM_VIZ_CLASS_DB=str(db))
    extra = [f"--pool_size={args.students + 5}", "--VoilaKernelManager.fill_delay=3600"]
    server = bc.VoilaServer(extra, tmp / "voila.log")
    log(f"$ {server.command}  (log and database in {tmp})")
    started = time.perf_counter()
    try:
        res = asyncio.run(run(server.start(), args))
    finally:
        server.stop()
        bc.kill_all(bc.own_descendants(), 5.0)
    text = (tmp / "voila.log").read_text(errors="replace")
    with sqlite3.connect(db) as con:
        query = "SELECT COUNT(*), COUNT(DISTINCT student) FROM answers"
        rows, students = con.execute(query).fetchone()
        stored = dict(con.execute("SELECT student, answered_at FROM answers").fetchall())
    split = [(stored[k] - sent, ack - stored[k]) for k, (sent, ack) in res["last"].items()
             if k in stored]  # fmt: skip
    acks, steps, cores = res["ack_from_ask"], res["steps"], bc.CORES
    within = bool(acks) and res["acked"] == res["answers"] and max(acks) <= 10.0
    same = res["final_count"] == res["distinct"] == rows
    kinds: dict = {}
    for _, e in res["errors"]:
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    serving, _, stopping = text.partition("Handle signal 15")  # the server's stop
    for line in [
        f"\n{args.students} students ({res['loaded']} in, arriving over {args.spread:g} s), "
        f"pool {res['pool']}; teacher's step to half-step 1 {res['teacher_step']:.3f} s; "
        f"Ask -> 'answering' {res['ask']:.3f} s",
        f"answers: {res['acked']} of {res['answers']} acknowledged; all within 10 s of the Ask: "
        f"{'yes' if within else 'NO'}; Ask -> ack (s) {pct(acks)}",
        f"Send -> ack (s) {pct(res['ack_from_send'])}; sliders held while the question was "
        f"open: {res['held']} of {res['loaded']}",
        f"last answers: Send -> stored (answered_at) {pct([a for a, _ in split])}; stored -> "
        f"ack {pct([b for _, b in split])}",
        f"counted once: {'equal' if same else 'UNEQUAL'}: teacher's count {res['final_count']}"
        f", distinct students acknowledged {res['distinct']}, SQLite: {rows} answers from "
        f"{students} students",
        f"projector's count latency (s) {pct(res['count_latency'])} (target p95 <= 1); from "
        f"the database's answered_at instead of the ack: {pct(res['count_from_store'])}",
        f"Close -> 'closed' {res['close']:.3f} s; Reveal -> teacher's new picture "
        f"{res['reveal']:.3f} s; status {res['reveal_status'][-60:]!r}",
        f"question shown on the students' pages (s after the Ask) {pct(res['seen'])}",
        f"reveal shown on the students' pages (s after the click) {pct(res['reveal_seen'])}",
        f"post-reveal step (s): n {len(steps)}, {pct(steps)} (target p95 <= 1)",
        f"new PNGs per post-reveal step: {dict(Counter(res['step_pictures']))}",
        *(
            f"CPU, {k}: {w:.1f} s wall; server {sv:.1f} s ({100 * sv / (w * cores):.0f} % of "
            f"{cores} cores; Voila's process {v:.1f} s, kernels {sv - v:.1f} s); this load "
            f"generator {g:.1f} s"
            for k, (w, sv, v, g) in res["cpu"].items()
        ),
        f"errors: {len(res['errors'])} {kinds or ''}; Voila's log: "
        f"{serving.count('Traceback')} tracebacks while serving, {stopping.count('Traceback')}"
        f" at its stop",
        f"these pages' kernels alive {res['left_after']:.0f} s after they left: "
        f"{res['kernels_left']}; whole run {time.perf_counter() - started:.0f} s",
        *(f"  page {who}: {e['kind']}: {e['detail'][:200]}" for who, e in res["errors"][:10]),
    ]:
        log(line)


if __name__ == "__main__":
    main()
