"""Simulated students for ``bench_classroom.py``: one Voila page each, spoken over HTTP and
the Jupyter kernel websocket as the page's own JavaScript speaks it, without a browser.

A :class:`SimulatedStudent` does what a student's browser does to the server:

* ``GET /`` (the page, streamed while Voila executes the app notebook in a new kernel; the
  kernel id is in the page's ``jupyter-config-data``), then, on the first visit only (a
  browser caches them), the page's scripts, style sheets and lab extensions' entry points;
* ``GET /api/kernels/<id>`` (Voila's widget manager asks for the kernel's model), then the
  websocket ``/api/kernels/<id>/channels`` with the subprotocol the browser negotiates
  (``v1.kernel.websocket.jupyter.org``), a ``kernel_info_request``, and the widgets' state
  read as ipywidgets 8's manager reads it: a ``jupyter.widget.control`` comm and its
  ``request_states`` message (or, with ``state_via="per-comm"``, the older way: a
  ``comm_info_request`` and a ``request_state`` message on every widget's comm);
* a step: an ``update`` comm message setting the half-step slider's ``value`` (protocol
  version 2 of jupyter.widget), timed until the kernel sends the picture's new ``value``
  (an ``update`` comm message on the Image's comm with a binary buffer);
* a refit: an ``update`` of the K box, the start dropdown or the data dropdown, timed the
  same way;
* leaving (or reloading): the page's ``beforeunload`` handler's beacon,
  ``POST /voila/api/shutdown/<id>`` with the ``_xsrf`` cookie's value (empty when there is
  none) as a form field, then the websocket closed.

A :class:`BrowserStudent` is a real headless Chromium page (Playwright) doing the same
clicks, to check the simulated numbers against what a browser sees.

Only loopback URLs are ever requested (the caller passes ``http://127.0.0.1:<port>/``).
"""

from __future__ import annotations

import asyncio
import datetime
import html
import json
import random
import re
import secrets
import struct
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

WS_PROTOCOL = "v1.kernel.websocket.jupyter.org"
WIDGET_TARGET = "jupyter.widget"
CONTROL_TARGET = "jupyter.widget.control"
# The explorer's controls, found by model name and CSS class (gmm_viz/widgets/controls.py).
CONTROLS = {
    "slider": ("IntSliderModel", "gmm-step-slider"),
    "image": ("ImageModel", "gmm-figure"),
    "k": ("IntTextModel", "gmm-k"),
    "init": ("DropdownModel", "gmm-init"),
    "data": ("DropdownModel", "gmm-data"),
    "banner": ("HTMLModel", "gmm-banner"),
}
# The app's data dropdown offers these too; they need the student's own data, not a refit.
NOT_BUNDLED = ("Your ",)
USER_AGENT = "gmm_viz bench_classroom (simulated student)"


def now() -> float:
    return time.perf_counter()


# ------------------------------------------------------------------------ wire format


def encode_v1(channel: str, parts: list[bytes]) -> bytes:
    """A message for the v1 kernel websocket protocol (jupyter_server's
    serialize_msg_to_ws_v1): 8-byte little-endian offsets, the channel, then the parts."""
    chan = channel.encode()
    offsets = [8 * (len(parts) + 3), 8 * (len(parts) + 3) + len(chan)]
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    head = len(offsets).to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets)
    return head + chan + b"".join(parts)


def decode_v1(data: bytes) -> tuple[str, list[bytes]]:
    n = int.from_bytes(data[:8], "little")
    offsets = [int.from_bytes(data[8 * (i + 1) : 8 * (i + 2)], "little") for i in range(n)]
    channel = data[offsets[0] : offsets[1]].decode()
    return channel, [data[offsets[i] : offsets[i + 1]] for i in range(1, n - 1)]


def decode_legacy(data) -> dict:
    """A message of the legacy protocol: JSON text, or binary with buffers."""
    if isinstance(data, str):
        msg = json.loads(data)
        msg.setdefault("buffers", [])
        return msg
    nbufs = struct.unpack("!i", data[:4])[0]
    offsets = [*struct.unpack("!" + "I" * nbufs, data[4 : 4 * (nbufs + 1)]), None]
    bufs = [data[a:b] for a, b in zip(offsets[:-1], offsets[1:], strict=True)]
    msg = json.loads(bufs[0].decode())
    msg["buffers"] = bufs[1:]
    return msg


@dataclass
class Message:
    channel: str
    header: dict
    parent: dict
    content: dict
    buffers: list
    received: float  # perf_counter when the websocket frame arrived

    @property
    def msg_type(self) -> str:
        return self.header.get("msg_type", "")

    @property
    def parent_id(self) -> str | None:
        return self.parent.get("msg_id") if self.parent else None


class Tracker:
    """What the kernel answered to one request (messages whose parent is that request)."""

    def __init__(self, image_id=None, banner_id=None):
        self.image_id = image_id
        self.banner_id = banner_id
        self.sent = None
        self.picture_at = None
        self.picture_bytes = 0
        self.message = ""
        self.errors: list[str] = []
        self.idle_at = None
        self.replies: list[Message] = []
        self.timed_out = False
        self.idle = asyncio.Event()
        self.changed = asyncio.Event()

    def feed(self, msg: Message):
        kind = msg.msg_type
        if kind == "status":
            if msg.content.get("execution_state") == "idle":
                self.idle_at = msg.received
                self.idle.set()
        elif kind == "comm_msg":
            data = msg.content.get("data") or {}
            comm = msg.content.get("comm_id")
            if data.get("method") == "update":
                paths = data.get("buffer_paths") or []
                if comm == self.image_id and ["value"] in paths and self.picture_at is None:
                    self.picture_at = msg.received
                    self.picture_bytes = len(msg.buffers[paths.index(["value"])])
                state = data.get("state") or {}
                if comm == self.banner_id and state.get("value"):
                    self.message = re.sub(r"<[^>]+>", "", html.unescape(state["value"])).strip()
            self.replies.append(msg)
        elif kind == "error":
            self.errors.append(f"{msg.content.get('ename')}: {msg.content.get('evalue')}")
        elif kind == "stream" and msg.content.get("name") == "stderr":
            self.errors.append("stderr: " + msg.content.get("text", "")[:300])
        else:
            self.replies.append(msg)
        self.changed.set()

    async def wait(self, predicate, timeout):
        """Until predicate(self) is true; False on timeout."""
        deadline = now() + timeout
        while not predicate(self):
            remaining = deadline - now()
            if remaining <= 0:
                return False
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), remaining)
            except asyncio.TimeoutError:
                return predicate(self)
        return True


class KernelSocket:
    """The kernel websocket of one page: sends messages, routes what comes back to the
    Tracker of the request it answers, and keeps the widget models' state up to date."""

    def __init__(self, conn, session: str):
        self.conn = conn
        self.session = session
        self.v1 = conn.selected_subprotocol == WS_PROTOCOL
        self.trackers: dict[str, Tracker] = {}
        self.models: dict[str, dict] = {}  # comm id -> {"model_name":..., "state": {...}}
        self.closed = asyncio.Event()
        self.close_reason = ""
        self.received_bytes = 0
        self._reader = asyncio.ensure_future(self._read())

    @classmethod
    async def connect(cls, base_url, kernel_id, headers, timeout):
        session = uuid.uuid4().hex
        ws_url = base_url.replace("http://", "ws://", 1) + (
            f"api/kernels/{kernel_id}/channels?session_id={session}"
        )
        request = HTTPRequest(
            ws_url, headers=headers, connect_timeout=timeout, request_timeout=timeout
        )
        conn = await asyncio.wait_for(
            websocket_connect(request, subprotocols=[WS_PROTOCOL], max_message_size=256 * 2**20),
            timeout,
        )
        return cls(conn, session)

    def send(self, channel, msg_type, content, tracker=None, metadata=None) -> str:
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": msg_type,
            "username": "student",
            "session": self.session,
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            "version": "5.3",
        }
        if tracker is not None:
            self.trackers[msg_id] = tracker
            tracker.sent = now()
        metadata = metadata or {}
        if self.v1:
            parts = [json.dumps(x).encode() for x in (header, {}, metadata, content)]
            self.conn.write_message(encode_v1(channel, parts), binary=True)
        else:
            msg = {
                "header": header,
                "parent_header": {},
                "metadata": metadata,
                "content": content,
                "channel": channel,
                "buffers": [],
            }
            self.conn.write_message(json.dumps(msg))
        return msg_id

    def comm_msg(self, comm_id, data, tracker=None) -> str:
        return self.send("shell", "comm_msg", {"comm_id": comm_id, "data": data}, tracker)

    async def _read(self):
        try:
            while True:
                data = await self.conn.read_message()
                received = now()
                if data is None:
                    self.close_reason = f"websocket closed (code {self.conn.close_code})"
                    break
                self.received_bytes += len(data)
                msg = self._decode(data, received)
                self._apply(msg)
                tracker = self.trackers.get(msg.parent_id)
                if tracker is not None:
                    tracker.feed(msg)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bad frame: the page would be broken too
            self.close_reason = f"websocket reader failed: {exc!r}"
        finally:
            self.closed.set()
            for tracker in self.trackers.values():
                tracker.changed.set()

    def _decode(self, data, received) -> Message:
        if self.v1 and isinstance(data, bytes):
            channel, parts = decode_v1(data)
            header, parent, _meta, content = (json.loads(p) for p in parts[:4])
            return Message(channel, header, parent, content, parts[4:], received)
        msg = decode_legacy(data)
        return Message(
            msg.get("channel", ""),
            msg["header"],
            msg.get("parent_header") or {},
            msg.get("content") or {},
            msg["buffers"],
            received,
        )

    def _apply(self, msg: Message):
        """Keep the widget models as the frontend's manager would (buffers as their sizes)."""
        kind = msg.msg_type
        content = msg.content
        if kind == "comm_open" and content.get("target_name") == WIDGET_TARGET:
            data = content.get("data") or {}
            state = dict(data.get("state") or {})
            for path in data.get("buffer_paths") or []:
                if len(path) == 1:
                    state[path[0]] = b""
            self.models[content["comm_id"]] = {"model_name": state.get("_model_name"), **state}
        elif kind == "comm_msg":
            model = self.models.get(content.get("comm_id"))
            data = content.get("data") or {}
            if model is not None and data.get("method") in ("update", "echo_update"):
                model.update(data.get("state") or {})
        elif kind == "comm_close":
            self.models.pop(content.get("comm_id"), None)

    def load_states(self, states: dict):
        for model_id, entry in states.items():
            self.models[model_id] = {"model_name": entry.get("model_name"), **entry["state"]}

    def find(self, model_name, css_class) -> str | None:
        for model_id, state in self.models.items():
            if state.get("model_name") == model_name and css_class in (
                state.get("_dom_classes") or ()
            ):
                return model_id
        return None

    async def close(self):
        self._reader.cancel()
        try:
            self.conn.close()
        except Exception:
            pass
        try:
            await self._reader
        except (asyncio.CancelledError, Exception):
            pass


# ------------------------------------------------------------------------ records


@dataclass
class StudentRecord:
    """Everything one student saw, times in seconds from the class's start."""

    index: int
    kind: str  # "simulated" or "browser"
    arrival: float
    reloads_at: float | None = None
    loads: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    refits: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    beacons: list = field(default_factory=list)  # HTTP status of each leave beacon
    kernel_ids: list = field(default_factory=list)
    left_at: float | None = None


class StudentError(Exception):
    """Stops a page: the error is recorded, the student leaves."""

    def __init__(self, kind, detail=""):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


# ------------------------------------------------------------------------ HTTP


class Cookies:
    """The cookies a browser would keep for this origin (name=value; enough for Voila)."""

    def __init__(self):
        self.jar: dict[str, str] = {}

    def update(self, response):
        for line in response.headers.get_list("Set-Cookie"):
            pair = line.split(";", 1)[0]
            if "=" in pair:
                name, value = pair.split("=", 1)
                self.jar[name.strip()] = value.strip()

    def header(self) -> dict:
        if not self.jar:
            return {}
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.jar.items())}


def _asset_urls(page: str, config: dict) -> list[str]:
    """Same-origin scripts, style sheets and the lab extensions' entry points of the page."""
    urls = re.findall(r'<script[^>]+src="(/[^"]+)"', page)
    urls += re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="(/[^"]+)"', page)
    extensions = config.get("federated_extensions") or []
    if isinstance(extensions, str):  # Voila puts a Python repr there
        import ast

        try:
            extensions = ast.literal_eval(extensions)
        except (ValueError, SyntaxError):
            extensions = []
    base = config.get("fullLabextensionsUrl") or "/voila/labextensions"
    for ext in extensions:
        load = str(ext.get("load", "")).removeprefix("./")
        if ext.get("name") and load:
            urls.append(f"{base}/{ext['name']}/{load}")
    return [html.unescape(u) for u in dict.fromkeys(urls)]


# A page script that sets the _xsrf cookie itself (document.cookie = "_xsrf=" + token).
SELF_XSRF = re.compile(r"""document\.cookie\s*=\s*["']_xsrf=""")
PAGE_CONFIG = re.compile(
    r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', re.DOTALL
)


# ------------------------------------------------------------------------ the student


@dataclass
class Behaviour:
    duration: float = 120.0
    think: tuple = (2.0, 3.0)
    refit_every: int = 8
    page_timeout: float = 180.0
    step_timeout: float = 30.0
    refit_timeout: float = 60.0
    state_via: str = "control"  # or "per-comm"
    leave: str = "beacon"  # or "close"
    assets: bool = True


class SimulatedStudent:
    def __init__(self, record, base_url, behaviour: Behaviour, seed, t0, log):
        self.r = record
        self.base = base_url
        # The page's own address (the base, or with a query: ``?teacher=<secret>``).
        self.page_url = base_url
        self.b = behaviour
        self.rng = random.Random(seed)
        self.t0 = t0
        self.log = log
        self.cookies = Cookies()
        self.http = AsyncHTTPClient()
        self.sock: KernelSocket | None = None
        self.kernel_id = None
        self.ids: dict[str, str] = {}
        self.direction = 1
        self.cached = False

    def t(self) -> float:
        return now() - self.t0

    def error(self, kind, detail=""):
        self.r.errors.append({"t": round(self.t(), 3), "kind": kind, "detail": str(detail)[:500]})

    # ---------------------------------------------------------------- the session

    async def run(self, deadline):
        """Arrive, work until ``duration`` after the page became usable (reloading once
        half-way if this student reloads), leave. ``deadline``: perf_counter hard stop."""
        try:
            await asyncio.sleep(max(0.0, self.t0 + self.r.arrival - now()))
            await self.load(reload=False)
            start = now()
            end = start + self.b.duration
            reload_at = start + self.b.duration / 2 if self.r.reloads_at is not None else None
            actions = 0
            while True:
                pause = self.rng.uniform(*self.b.think)
                if now() + pause >= min(end, deadline):
                    break
                await asyncio.sleep(pause)
                if reload_at is not None and now() >= reload_at:
                    reload_at = None
                    self.r.reloads_at = round(self.t(), 3)
                    await self.leave()
                    await self.load(reload=True)
                    continue
                actions += 1
                if self.rng.random() < 1.0 / self.b.refit_every:
                    await self.refit()
                else:
                    await self.step()
        except StudentError as exc:
            self.error(exc.kind, exc.detail)
        except asyncio.CancelledError:
            self.error("cut", "stopped by the run's time cap")
            await self.leave()
            raise
        except Exception as exc:  # the benchmark's own bug or an unforeseen answer
            self.error("unexpected", repr(exc))
        await self.leave()

    # ---------------------------------------------------------------- page load

    async def load(self, reload):
        t_start = now()
        self.r.left_at = None
        entry = {"t": round(self.t(), 3), "reload": reload, "ok": False}
        self.r.loads.append(entry)
        first = []
        chunks = []

        def on_chunk(chunk):
            if not first:
                first.append(now())
            chunks.append(chunk)

        headers = {"User-Agent": USER_AGENT, "Accept": "text/html", **self.cookies.header()}
        request = HTTPRequest(
            self.page_url,
            headers=headers,
            connect_timeout=self.b.page_timeout,
            request_timeout=self.b.page_timeout,
            streaming_callback=on_chunk,
        )
        response = await self.http.fetch(request, raise_error=False)
        t_html = now()
        if response.code != 200:
            kind = "page timeout" if response.code == 599 else f"page HTTP {response.code}"
            raise StudentError(kind, response.error or response.reason)
        self.cookies.update(response)
        page = b"".join(chunks).decode("utf-8", "replace")
        if "_xsrf" in self.cookies.jar:
            entry["xsrf"] = "kept"
        elif SELF_XSRF.search(page):
            # The page's own script gives it an _xsrf cookie when it has none (the app's
            # template does, so that the leave beacon passes the xsrf check): do the same.
            self.cookies.jar["_xsrf"] = secrets.token_hex(16)
            entry["xsrf"] = "set by the page"
        else:
            entry["xsrf"] = "none"
        entry["ttfb"] = round(first[0] - t_start, 4) if first else None
        entry["html"] = round(t_html - t_start, 4)
        entry["html_bytes"] = len(page)
        match = PAGE_CONFIG.search(page)
        config = json.loads(match.group(1)) if match else {}
        self.kernel_id = config.get("kernelId")
        if not self.kernel_id:
            raise StudentError("no kernel id", "the page has no kernelId in jupyter-config-data")
        self.r.kernel_ids.append(self.kernel_id)
        if '"output_type": "error"' in page or "application/vnd.jupyter.stderr" in page:
            self.error("page output", "the page shows an error or stderr output")
        roots = re.findall(r'"model_id": "([0-9a-f]+)"', page)
        referer = {"Referer": self.base}

        if self.b.assets and not self.cached:
            t_assets = now()
            urls = _asset_urls(page, config)
            answers = await asyncio.gather(
                *(
                    self.http.fetch(
                        HTTPRequest(
                            urllib.parse.urljoin(self.base, u),
                            headers={"User-Agent": USER_AGENT, **referer, **self.cookies.header()},
                            request_timeout=self.b.page_timeout,
                        ),
                        raise_error=False,
                    )
                    for u in urls
                )
            )
            bad = [(u, a.code) for u, a in zip(urls, answers, strict=True) if a.code != 200]
            if bad:
                self.error("asset", f"{len(bad)} of {len(urls)} assets failed: {bad[:3]}")
            entry["assets"] = round(now() - t_assets, 4)
            entry["asset_bytes"] = sum(len(a.body or b"") for a in answers)
            self.cached = True

        # The widget manager asks for the kernel's model, then opens its websocket.
        api = await self.http.fetch(
            HTTPRequest(
                urllib.parse.urljoin(self.base, f"api/kernels/{self.kernel_id}"),
                headers={"User-Agent": USER_AGENT, **referer, **self.cookies.header()},
                request_timeout=self.b.page_timeout,
            ),
            raise_error=False,
        )
        if api.code != 200:
            raise StudentError(f"kernel model HTTP {api.code}", api.error or api.reason)
        remaining = self.b.page_timeout - (now() - t_start)
        try:
            self.sock = await KernelSocket.connect(
                self.base,
                self.kernel_id,
                {"User-Agent": USER_AGENT, **self.cookies.header()},
                max(remaining, 1.0),
            )
        except Exception as exc:
            raise StudentError("websocket", repr(exc)) from None
        entry["ws_protocol"] = self.sock.conn.selected_subprotocol or "legacy"
        info = Tracker()
        self.sock.send("shell", "kernel_info_request", {}, info)
        ok = await info.wait(
            lambda tr: any(m.msg_type == "kernel_info_reply" for m in tr.replies),
            max(self.b.page_timeout - (now() - t_start), 1.0),
        )
        if not ok:
            raise StudentError("page timeout", "no kernel_info_reply")
        await self.read_states(max(self.b.page_timeout - (now() - t_start), 1.0))
        for name, (model, css) in CONTROLS.items():
            self.ids[name] = self.sock.find(model, css)
        missing = [n for n in ("slider", "image") if not self.ids.get(n)]
        if missing:
            raise StudentError("widgets", f"not found in the kernel's state: {missing}")
        if roots and roots[0] not in self.sock.models:
            self.error("widgets", "the page's root widget is not in the kernel's state")
        entry["interactive"] = round(now() - t_start, 4)
        entry["widgets"] = len(self.sock.models)
        entry["ok"] = True
        self.direction = 1

    async def read_states(self, timeout):
        sock = self.sock
        if self.b.state_via == "control":
            comm_id = uuid.uuid4().hex
            sock.send(
                "shell",
                "comm_open",
                {"comm_id": comm_id, "target_name": CONTROL_TARGET, "data": {}},
                metadata={"version": "1.0.0"},
            )
            tracker = Tracker()
            sock.comm_msg(comm_id, {"method": "request_states"}, tracker)

            def answered(tr):
                return any(
                    (m.content.get("data") or {}).get("method") == "update_states"
                    for m in tr.replies
                ) or (sock.closed.is_set())

            if not await tracker.wait(answered, timeout) or sock.closed.is_set():
                raise StudentError("page timeout", "no update_states " + sock.close_reason)
            reply = next(
                m
                for m in tracker.replies
                if (m.content.get("data") or {}).get("method") == "update_states"
            )
            sock.load_states(reply.content["data"]["states"])
            sock.send("shell", "comm_close", {"comm_id": comm_id, "data": {}})
            sock.trackers.clear()
            return
        # The older way (ipywidgets 7's manager, and 8's fallback): list, then ask each.
        tracker = Tracker()
        sock.send("shell", "comm_info_request", {"target_name": WIDGET_TARGET}, tracker)
        if not await tracker.wait(
            lambda tr: any(m.msg_type == "comm_info_reply" for m in tr.replies), timeout
        ):
            raise StudentError("page timeout", "no comm_info_reply")
        reply = next(m for m in tracker.replies if m.msg_type == "comm_info_reply")
        comms = list(reply.content.get("comms", {}))
        trackers = {}
        for comm_id in comms:
            trackers[comm_id] = tr = Tracker()
            sock.comm_msg(comm_id, {"method": "request_state"}, tr)
        deadline = now() + timeout
        for comm_id, tr in trackers.items():

            def has_state(t, comm_id=comm_id):
                return any(
                    m.content.get("comm_id") == comm_id
                    and (m.content.get("data") or {}).get("method") == "update"
                    for m in t.replies
                )

            if not await tr.wait(has_state, max(deadline - now(), 0.01)):
                raise StudentError("page timeout", f"no state for comm {comm_id}")
            msg = next(m for m in tr.replies if m.content.get("comm_id") == comm_id)
            state = dict(msg.content["data"].get("state") or {})
            sock.models[comm_id] = {"model_name": state.get("_model_name"), **state}
        sock.trackers.clear()

    # ---------------------------------------------------------------- actions

    async def _change(self, comm_id, state, timeout):
        """Send an update; return the Tracker once the kernel is idle again (or timeout)."""
        sock = self.sock
        if sock is None or sock.closed.is_set():
            raise StudentError("websocket", "closed: " + (sock.close_reason if sock else ""))
        tracker = Tracker(self.ids.get("image"), self.ids.get("banner"))
        msg_id = sock.comm_msg(
            comm_id, {"method": "update", "state": state, "buffer_paths": []}, tracker
        )
        done = await tracker.wait(lambda tr: tr.idle.is_set() or sock.closed.is_set(), timeout)
        sock.trackers.pop(msg_id, None)
        if sock.closed.is_set() and not tracker.idle.is_set():
            raise StudentError("websocket", sock.close_reason)
        tracker.timed_out = not done
        return tracker

    def _result(self, tracker, kind, what, base):
        entry = dict(base, t=round(tracker.sent - self.t0, 3))
        if tracker.picture_at is not None:
            entry["latency"] = round(tracker.picture_at - tracker.sent, 4)
            entry["png_bytes"] = tracker.picture_bytes
        if tracker.idle_at is not None:
            entry["idle"] = round(tracker.idle_at - tracker.sent, 4)
        if tracker.timed_out:
            entry["timed_out"] = True
            self.error(f"{kind} timeout", f"{what}: no answer in time")
        elif tracker.errors:
            self.error("kernel error", f"{what}: {tracker.errors[0]}")
        elif tracker.message:
            self.error("app message", f"{what}: {tracker.message}")
        elif tracker.picture_at is None:
            self.error("no picture", f"{what}: the kernel went idle without a new picture")
        return entry

    async def step(self):
        slider = self.sock.models[self.ids["slider"]]
        value, top = int(slider.get("value", 0)), int(slider.get("max", 0))
        if top <= 0:
            raise StudentError("widgets", "the slider has a single half-step")
        if not 0 <= value + self.direction <= top:
            self.direction = -self.direction
        target = value + self.direction
        tracker = await self._change(self.ids["slider"], {"value": target}, self.b.step_timeout)
        self.r.steps.append(
            self._result(tracker, "step", f"half-step {target}", {"from": value, "to": target})
        )

    async def refit(self):
        """K 2 <-> 3 (after a k-means start, as the toy's own start has K = 2), or another
        bundled data set."""
        models = self.sock.models
        init = models.get(self.ids.get("init") or "", {})
        k_box = models.get(self.ids.get("k") or "", {})
        data = models.get(self.ids.get("data") or "", {})
        labels = list(data.get("_options_labels") or [])
        bundled = [i for i, lab in enumerate(labels) if not lab.startswith(NOT_BUNDLED)]
        choices = []
        if k_box:
            choices.append("k")
        if len(bundled) > 1:
            choices.append("data")
        if not choices:
            raise StudentError("widgets", "no K box nor data dropdown")
        kind = self.rng.choice(choices)
        if kind == "k" and init.get("index") == 0 and len(init.get("_options_labels") or []) > 1:
            # "the data set's suggested start" fixes K: choose k-means first.
            comm, state, what = self.ids["init"], {"index": 1}, "start k-means"
            kind = "init"
        elif kind == "k":
            k = 3 if int(k_box.get("value", 2)) == 2 else 2
            comm, state, what = self.ids["k"], {"value": k}, f"K = {k}"
        else:
            current = data.get("index")
            index = self.rng.choice([i for i in bundled if i != current])
            comm, state, what = self.ids["data"], {"index": index}, f"data {labels[index]}"
        tracker = await self._change(comm, state, self.b.refit_timeout)
        self.r.refits.append(self._result(tracker, "refit", what, {"kind": kind, "what": what}))

    # ---------------------------------------------------------------- leaving

    async def leave(self):
        """What the page does on beforeunload: the shutdown beacon, then the websocket
        closed."""
        sock, self.sock = self.sock, None
        kernel_id, self.kernel_id = self.kernel_id, None
        if kernel_id and self.b.leave == "beacon":
            xsrf = self.cookies.jar.get("_xsrf", "")
            boundary = "----benchclassroom" + uuid.uuid4().hex[:16]
            body = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="_xsrf"\r\n\r\n'
                f"{xsrf}\r\n--{boundary}--\r\n"
            ).encode()
            origin = self.base.rstrip("/")
            try:
                answer = await self.http.fetch(
                    HTTPRequest(
                        urllib.parse.urljoin(self.base, f"voila/api/shutdown/{kernel_id}"),
                        method="POST",
                        body=body,
                        headers={
                            "User-Agent": USER_AGENT,
                            "Content-Type": f"multipart/form-data; boundary={boundary}",
                            "Origin": origin,
                            "Referer": self.base,
                            **self.cookies.header(),
                        },
                        request_timeout=30,
                    ),
                    raise_error=False,
                )
                self.r.beacons.append(answer.code)
            except Exception as exc:
                self.r.beacons.append(repr(exc)[:100])
        if sock is not None:
            await sock.close()
        self.r.left_at = round(self.t(), 3)


# ------------------------------------------------------------------------ a real browser

FIGURE = ".gmm-figure"
SLIDER_READY = ".gmm-step-slider .noUi-target:not([disabled])"
LABEL = ".gmm-step-label"
NEXT, PREV = ".gmm-next", ".gmm-prev"
# As tests/browser_helpers.py's NEW_PICTURE_JS and tests/app_page.py's App.open.
NEW_PICTURE_JS = (
    "([sel, old]) => { const img = document.querySelector(sel);"
    " return img && img.src && img.src !== old && img.complete"
    " && img.naturalWidth > 0; }"
)
IMAGE_LOADED_JS = (
    "sel => { const img = document.querySelector(sel);"
    " return img && img.src && img.complete && img.naturalWidth > 0; }"
)
LOOPBACK = re.compile(r"^(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?/|^(data|blob):")


class BrowserStudent:
    """A headless Chromium page stepping with the Next/Previous buttons, measured as
    tests/app_page.py measures it: page load to interactive (picture visible, slider
    enabled, image decoded) and click to new picture decoded."""

    def __init__(self, record, base_url, behaviour: Behaviour, seed, t0, browser):
        self.r = record
        self.base = base_url
        self.b = behaviour
        self.rng = random.Random(seed)
        self.t0 = t0
        self.browser = browser

    def t(self):
        return now() - self.t0

    def error(self, kind, detail=""):
        self.r.errors.append({"t": round(self.t(), 3), "kind": kind, "detail": str(detail)[:500]})

    async def run(self, deadline):
        await asyncio.sleep(max(0.0, self.t0 + self.r.arrival - now()))
        context = await self.browser.new_context(viewport={"width": 1400, "height": 1000})
        page = await context.new_page()
        timeout_ms = self.b.page_timeout * 1000
        page.set_default_timeout(timeout_ms)
        page.on("pageerror", lambda exc: self.error("page error", str(exc)))

        async def only_loopback(route):
            if not LOOPBACK.match(route.request.url):
                self.error("outside request", route.request.url)
                await route.abort()
            else:
                await route.continue_()

        await page.route("**/*", only_loopback)
        try:
            entry = {"t": round(self.t(), 3), "reload": False, "ok": False}
            self.r.loads.append(entry)
            start = now()
            await page.goto(self.base, timeout=timeout_ms)
            await page.locator(FIGURE).wait_for(state="visible")
            await page.locator(SLIDER_READY).wait_for(state="visible")
            await page.wait_for_function(IMAGE_LOADED_JS, arg=FIGURE)
            entry["interactive"] = round(now() - start, 4)
            entry["ok"] = True
            end = now() + self.b.duration
            direction = 1
            while True:
                pause = self.rng.uniform(*self.b.think)
                if now() + pause >= min(end, deadline):
                    break
                await asyncio.sleep(pause)
                label = await page.locator(LABEL).inner_text()
                match = re.search(r"Half-step (\d+) of (\d+)", label)
                value, top = (int(match.group(1)), int(match.group(2))) if match else (0, 1)
                if not 0 <= value + direction <= top:
                    direction = -direction
                src = await page.locator(FIGURE).get_attribute("src")
                t_click = now()
                await page.locator(NEXT if direction > 0 else PREV).click()
                try:
                    await page.wait_for_function(
                        NEW_PICTURE_JS, arg=[FIGURE, src], timeout=self.b.step_timeout * 1000
                    )
                except Exception as exc:
                    self.error("step timeout", repr(exc)[:200])
                    continue
                self.r.steps.append(
                    {
                        "t": round(t_click - self.t0, 3),
                        "latency": round(now() - t_click, 4),
                        "from": value,
                        "to": value + direction,
                    }
                )
        except asyncio.CancelledError:
            self.error("cut", "stopped by the run's time cap")
            raise
        except Exception as exc:
            self.error("browser", repr(exc)[:300])
        finally:
            try:
                # As a tab closed: the page's beforeunload handler sends its beacon.
                await page.close(run_before_unload=True)
                await context.close()
            except Exception:
                pass
            self.r.left_at = round(self.t(), 3)
