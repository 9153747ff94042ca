"""The class predicts together under JupyterHub: the class service, checked for real, without a
browser.

The hub of deploy/jupyterhub/jupyterhub_config.py starts as in test_hub_browser.py (free
loopback ports, state in a temporary folder), with one teacher named in GMM_VIZ_HUB_TEACHERS
and one hub admin. Two students and the teacher log in through the hub's login form (urllib,
cookies) and start their servers through the hub's REST API; the token each server got from
the hub, $JUPYTERHUB_API_TOKEN, which its kernels inherit, is read from the server's process.
Then RemoteSeat, with those tokens, goes through a question: the teacher asks, the students
answer, and the service keeps the rules of Seat (tests/test_classroom_store.py checks them on
a local seat). A call without a token, with a token the hub does not know, or with a token
lacking the service's scope is refused.

The hub's log (its services' and servers' too) is kept in
test-artifacts/jupyterhub-class-service.log. Without Node.js or configurable-http-proxy the
hub tests skip (fail under CI=true); the unit tests of RemoteSeat need no hub.
"""

from __future__ import annotations

import csv
import http.cookiejar
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

import pytest
from browser_helpers import ensure_npm_packages, free_port, start_server, wait_until_serving
from test_hub_browser import (
    CONFIG,
    HUB_START_TIMEOUT_S,
    PROXY,
    REPO_ROOT,
    Hub,
    _answers,
    _describe,
    _free_ports,
)

from gmm_viz import GaussianMixtureEM, datasets
from gmm_viz.classroom.questions import ClassroomError, make_question
from gmm_viz.classroom.remote_seat import RemoteSeat
from gmm_viz.classroom.seat import PublicQuestion

SERVICE = "gmm-viz-class"
STUDENTS = ("ada", "ben")
TEACHER = "teacher"  # a teacher by GMM_VIZ_HUB_TEACHERS
ADMIN = "head"  # a teacher by being a hub admin
CLASS = "period-3"
# Three servers starting at once on 2 cores.
SPAWN_TIMEOUT_S = 180.0
SERVICE_START_TIMEOUT_S = 60.0
HTTP_TIMEOUT_S = 30.0

DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Keep a redirect as the answer (the login's 302), instead of following it."""

    def redirect_request(self, *args, **kwargs):
        return None


# ------------------------------------------------------------------------------ RemoteSeat alone


def test_remote_seat_says_in_one_sentence_that_an_absent_service_cannot_be_reached():
    url = f"http://127.0.0.1:{free_port()}/services/{SERVICE}/"  # nothing listens there
    started = time.monotonic()
    with pytest.raises(ClassroomError) as caught:
        RemoteSeat(url, CLASS, token="any", timeout=2)
    assert time.monotonic() - started < 2.5
    message = str(caught.value)
    assert message.startswith("The class's answers cannot be reached just now: "), message
    assert message.endswith(".") and message.count(". ") == 0 and "\n" not in message
    assert "Errno" not in message


def test_remote_seat_without_a_service_or_a_token_says_so(monkeypatch):
    monkeypatch.delenv("GMM_VIZ_CLASS_SERVICE_URL", raising=False)
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    with pytest.raises(ClassroomError, match=r"GMM_VIZ_CLASS_SERVICE_URL is not set"):
        RemoteSeat(None, CLASS, token="any")
    with pytest.raises(ClassroomError, match=r"JUPYTERHUB_API_TOKEN is not set"):
        RemoteSeat("http://127.0.0.1:9/", CLASS)
    # A class code is checked here, before any request.
    with pytest.raises(ClassroomError, match="is not a class code"):
        RemoteSeat("http://127.0.0.1:9/", "no spaces!", token="any")


# ------------------------------------------------------------------------------ the hub


def _require_node_and_proxy():
    """Skip (fail under CI=true) without Node.js or configurable-http-proxy."""
    __tracebackhide__ = True
    if ensure_npm_packages() and PROXY.exists() and shutil.which("node"):
        return
    reason = (
        "the hub's class service test needs Node.js and configurable-http-proxy "
        "(`npm ci` in the repository's root)"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def _status(url, token=None, data=None):
    """The HTTP status of GET url (POST data, if given; None when nothing answers) and its
    JSON body, if any."""
    request = urllib.request.Request(url, data=data)
    if token:
        request.add_header("Authorization", f"token {token}")
    try:
        with DIRECT.open(request, timeout=HTTP_TIMEOUT_S) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.loads(exc.read())
        except ValueError:
            return exc.code, None
    except (urllib.error.URLError, OSError):
        return None, None


def _wait_for(what, condition, timeout_s, hub):
    """Poll condition() until it gives something true; fail with the hub's log if not."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = condition()
        if result:
            return result
        if hub.process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout_s:.0f} s\n{hub.log_path.read_text()}")
        time.sleep(0.3)


@dataclass
class HubUser:
    """A hub user logged in without a browser: the hub's login form and REST API, with a
    cookie jar."""

    name: str
    hub: Hub
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)
    xsrf: str = ""

    def __post_init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPCookieProcessor(self.jar),
            _NoRedirect,
        )

    def _page(self, path):
        with self.opener.open(self.hub.url + path, timeout=HTTP_TIMEOUT_S) as response:
            return response.read().decode()

    def log_in(self, password):
        form = self._page("hub/login")
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode(
            {"username": self.name, "password": password, "_xsrf": xsrf}
        ).encode()
        with pytest.raises(urllib.error.HTTPError) as redirected:
            self.opener.open(self.hub.url + "hub/login", data=data, timeout=HTTP_TIMEOUT_S)
        assert redirected.value.code == 302, (self.name, redirected.value.code)
        # The XSRF token of the logged-in session, for the REST API (as the hub's pages do).
        self.xsrf = re.search(r'xsrf_token: "([^"]+)"', self._page("hub/home")).group(1)

    def api(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.hub.url}hub/api/{path}", data=data, method=method)
        request.add_header("X-XSRFToken", self.xsrf)
        request.add_header("Content-Type", "application/json")
        with self.opener.open(request, timeout=HTTP_TIMEOUT_S) as response:
            text = response.read()
            return response.status, json.loads(text) if text else None

    def start_server(self):
        status, _ = self.api("POST", f"users/{self.name}/server")
        assert status in (201, 202), status

    def server_ready(self):
        _, model = self.api("GET", f"users/{self.name}")
        return model.get("servers", {}).get("", {}).get("ready", False)

    def new_token(self, scopes=None):
        """A token this user makes for themselves (scopes: all of theirs when None)."""
        body = {"note": "test_hub_class_service", "expires_in": 3600}
        if scopes is not None:
            body["scopes"] = scopes
        status, model = self.api("POST", f"users/{self.name}/tokens", body)
        assert status == 201, (status, model)
        return model["token"]


@dataclass
class ClassHub:
    hub: Hub
    service_url: str
    tokens: dict  # user name -> their server's $JUPYTERHUB_API_TOKEN
    server_env: dict  # user name -> their server's environment
    users: dict  # user name -> HubUser

    def seat(self, name, class_code=CLASS):
        return RemoteSeat(self.service_url, class_code, token=self.tokens[name])


@pytest.fixture(scope="module")
def class_hub(artifacts_dir, tmp_path_factory):
    """The hub with its class service, the students' and the teacher's servers started, and
    their servers' tokens; stopped after, and every process it started ended."""
    _require_node_and_proxy()
    port, api_port, internal_port, service_port = _free_ports(4)
    runtime = tmp_path_factory.mktemp("hub-class-runtime")
    password = secrets.token_urlsafe(12)
    admin_password = secrets.token_urlsafe(32)
    env = {
        **os.environ,
        "GMM_VIZ_HUB_PASSWORD": password,
        "GMM_VIZ_HUB_ADMINS": ADMIN,
        "GMM_VIZ_HUB_ADMIN_PASSWORD": admin_password,
        "GMM_VIZ_HUB_TEACHERS": f" {TEACHER.upper()} , someone-else",
        "GMM_VIZ_HUB_IP": "127.0.0.1",
        "GMM_VIZ_HUB_PORT": str(port),
        "GMM_VIZ_HUB_PROXY_API_PORT": str(api_port),
        "GMM_VIZ_HUB_INTERNAL_PORT": str(internal_port),
        "GMM_VIZ_CLASS_SERVICE_PORT": str(service_port),
        "GMM_VIZ_HUB_RUNTIME_DIR": str(runtime),
    }
    env.pop("GMM_VIZ_CLASS_DB", None)  # the default: a file in the runtime folder
    log_path = artifacts_dir / "jupyterhub-class-service.log"
    process = start_server(
        [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)], REPO_ROOT, log_path, env
    )
    hub = Hub(f"http://127.0.0.1:{port}/", password, runtime, log_path, process)
    service_url = f"http://127.0.0.1:{service_port}/services/{SERVICE}/"
    try:
        wait_until_serving(
            "JupyterHub",
            lambda: _answers(hub.url + "hub/health"),
            process,
            log_path,
            HUB_START_TIMEOUT_S,
        )
        _wait_for(
            "the class service answers",
            lambda: _status(service_url + "whoami")[0] is not None,
            SERVICE_START_TIMEOUT_S,
            hub,
        )
        users = {name: HubUser(name, hub) for name in (*STUDENTS, TEACHER, ADMIN)}
        for name, user in users.items():
            user.log_in(admin_password if name == ADMIN else password)
        started = time.perf_counter()
        for name in (*STUDENTS, TEACHER):  # all at once, as a class arrives
            users[name].start_server()
        for name in (*STUDENTS, TEACHER):
            _wait_for(f"{name}'s server", users[name].server_ready, SPAWN_TIMEOUT_S, hub)
        print(f"\nthree servers started in {time.perf_counter() - started:.1f} s")
        servers = hub.servers()
        server_env = {name: servers[name].environ() for name in (*STUDENTS, TEACHER)}
        tokens = {name: env["JUPYTERHUB_API_TOKEN"] for name, env in server_env.items()}
        hub.track()
        yield ClassHub(hub, service_url, tokens, server_env, users)
    finally:
        left = hub.stop()
        if left:
            print("killed, left running by the hub:", *left, sep="\n  ")


def _toy_question(kind="mean"):
    X = datasets.toy().X
    history = GaussianMixtureEM(2, random_state=0).fit(X).history_
    return make_question(kind, history, X, 0, axis=[(-1, 5)])


def test_every_server_is_told_where_the_class_service_is(class_hub):
    for name, env in class_hub.server_env.items():
        assert env["GMM_VIZ_CLASS_SERVICE_URL"] == class_hub.service_url, name
        assert env["JUPYTERHUB_API_TOKEN"], name
    # Three servers, three tokens.
    assert len(set(class_hub.tokens.values())) == len(class_hub.tokens)


def test_a_kernel_sees_its_servers_token_and_the_service_url(class_hub):
    """What RemoteSeat reads in a page's kernel: a kernel started in ada's server (through
    the hub's proxy, with the server's own token) inherits both variables."""
    hub, token = class_hub.hub, class_hub.tokens["ada"]
    kernels = f"{hub.url}user/ada/api/kernels"
    request = urllib.request.Request(kernels, data=b"{}", method="POST")
    request.add_header("Authorization", f"token {token}")
    with DIRECT.open(request, timeout=HTTP_TIMEOUT_S) as response:
        kernel_id = json.loads(response.read())["id"]
    server = hub.servers()["ada"]

    def kernel_process():
        for process in server.children(recursive=True):
            if kernel_id in " ".join(process.cmdline()):
                return process
        return None

    def listening(process):
        # Its five ZeroMQ sockets bound: it has started (past its imports).
        return sum(c.status == "LISTEN" for c in process.net_connections("tcp")) >= 5

    try:
        process = _wait_for("ada's kernel", kernel_process, SPAWN_TIMEOUT_S, hub)
        env = process.environ()
        assert env["JUPYTERHUB_API_TOKEN"] == token
        assert env["GMM_VIZ_CLASS_SERVICE_URL"] == class_hub.service_url
        # Shut down once started (not in the middle of its imports, which it would log).
        _wait_for("ada's kernel started", lambda: listening(process), SPAWN_TIMEOUT_S, hub)
    finally:
        request = urllib.request.Request(f"{kernels}/{kernel_id}", method="DELETE")
        request.add_header("Authorization", f"token {token}")
        with DIRECT.open(request, timeout=HTTP_TIMEOUT_S) as response:
            assert response.status == 204


def test_a_call_without_a_token_the_service_accepts_is_refused(class_hub):
    url = class_hub.service_url
    for token in (None, "not-a-token-of-this-hub"):
        status, body = _status(url + "whoami", token)
        assert status == 403, (token, status, body)
        assert body == {"error": "This call has no hub token that may use the class service."}
        status, _ = _status(url + f"latest?class={CLASS}", token)
        assert status == 403
    # A real token of ada's, made without the service's scope.
    narrow = class_hub.users["ada"].new_token(scopes=["read:users:name!user"])
    assert _status(url + "whoami", narrow)[0] == 403
    with pytest.raises(ClassroomError, match="does not accept this server's login"):
        RemoteSeat(url, CLASS, token=narrow)
    # A token with all of ada's scopes is ada.
    assert _status(url + "whoami", class_hub.users["ada"].new_token()) == (
        200,
        {"user": "ada", "teacher": False},
    )


def test_the_service_knows_who_calls_from_the_hub(class_hub):
    for name in STUDENTS:
        seat = class_hub.seat(name)
        assert (seat.user, seat.teacher, seat.student) == (name, False, name)
    teacher = class_hub.seat(TEACHER)
    assert (teacher.user, teacher.teacher, teacher.student) == (TEACHER, True, None)
    # A hub admin is a teacher too (here with a token the admin made for themselves).
    admin = RemoteSeat(class_hub.service_url, CLASS, token=class_hub.users[ADMIN].new_token())
    assert (admin.user, admin.teacher) == (ADMIN, True)


def test_the_class_predicts_together_through_the_service(class_hub):
    teacher = class_hub.seat(TEACHER)
    ada, ben = (class_hub.seat(name) for name in STUDENTS)
    assert ada.latest() is None and teacher.latest() is None

    spec, truth = _toy_question()
    asked = teacher.ask(spec, truth)
    assert asked == PublicQuestion(asked.id, "mean", spec, "open", truth)
    qid = asked.id
    # Students see the question, not its truth.
    assert ada.latest() == PublicQuestion(qid, "mean", spec, "open", None)
    assert teacher.latest() == asked
    assert ada.count(qid) == 0

    # A student cannot act as the teacher.
    for act in (
        lambda: ada.ask(spec, truth),
        lambda: ada.close(qid),
        lambda: ada.reveal(qid),
        ada.export_csv,
    ):
        with pytest.raises(ClassroomError, match="^Only the teacher's page can "):
            act()
    with pytest.raises(ClassroomError, match="The teacher's page asks"):
        teacher.answer(qid, "1")

    # Answers, read and checked by the service; a second answer replaces the first.
    assert ada.answer(qid, "1.5") == [1.5]
    assert ada.answer(qid, "2") == [2.0]
    assert ben.answer(qid, [3.25]) == [3.25]
    with pytest.raises(ClassroomError, match="is not a number"):
        ben.answer(qid, "three")
    with pytest.raises(ClassroomError, match="is off the picture"):
        ben.answer(qid, "9")
    with pytest.raises(ClassroomError, match="That answer cannot be read"):
        ben.answer(qid, {"x": "what a page never sends"})
    assert ada.count(qid) == ben.count(qid) == teacher.count(qid) == 2
    assert (ada.my_answer(qid), ben.my_answer(qid), teacher.my_answer(qid)) == (
        [2.0],
        [3.25],
        None,
    )
    # Nobody reads the answers while the question is open.
    for seat in (ada, teacher):
        with pytest.raises(ClassroomError, match="shown after the question is closed"):
            seat.answers(qid)

    teacher.close(qid)
    with pytest.raises(ClassroomError, match="This question is closed"):
        ben.answer(qid, "1")
    with pytest.raises(ClassroomError, match="closed already"):
        teacher.close(qid)
    assert ada.count(qid) == 2
    assert sorted(teacher.answers(qid)) == [[2.0], [3.25]]
    # Students read them, and the truth, only after the reveal.
    with pytest.raises(ClassroomError, match="shown after the question is closed"):
        ada.answers(qid)
    assert ada.latest().truth is None and ada.latest().status == "closed"
    teacher.reveal(qid)
    assert ada.latest() == PublicQuestion(qid, "mean", spec, "revealed", truth)
    assert sorted(ben.answers(qid)) == [[2.0], [3.25]]

    # The export, the teacher's only.
    rows = list(csv.reader(io.StringIO(teacher.export_csv())))
    assert rows[0][0] == "question" and len(rows) == 2
    assert rows[1][:7] == ["1", "0", str(spec["reveal_step"]), "mean", spec["text"],
                           "revealed", "2"]  # fmt: skip

    # Another class sees none of this one's questions.
    other = class_hub.seat("ada", class_code="period-4")
    assert other.latest() is None
    with pytest.raises(ClassroomError, match="not one of this class's"):
        other.count(qid)

    # The students' identities are their hub names, in the service's own database (the
    # default place: the hub's runtime folder).
    database = class_hub.hub.runtime / "class-answers.sqlite"
    with sqlite3.connect(database) as conn:
        students = {row[0] for row in conn.execute("SELECT student FROM answers")}
    assert students == set(STUDENTS)


def test_a_request_the_service_cannot_read_is_a_sentence_not_a_crash(class_hub):
    teacher = class_hub.seat(TEACHER)
    for question in ("x", "²", -1, 2**64, True):
        with pytest.raises(ClassroomError, match="is not a question number"):
            teacher.count(question)
    with pytest.raises(ClassroomError, match="That is not a question: make it with"):
        teacher.ask({"kind": "mean"}, [1.0])
    token = class_hub.tokens[TEACHER]
    assert _status(class_hub.service_url + "nothing-here", token)[0] == 404
    # The prefix itself answers anyone: the hub checks that its service is up.
    assert _status(class_hub.service_url)[0] == 200
    assert _status(class_hub.service_url + "ask", token)[0] == 405
    assert _status(class_hub.service_url + "answer", token, data=b"[1, 2") == (
        400,
        {"error": "The request's body is not a JSON object."},
    )


def test_stopping_the_hub_stops_the_class_service(class_hub):
    running = class_hub.hub.track()
    services = [p for p in running if "gmm_viz.classroom.hub_service" in " ".join(p.cmdline())]
    assert len(services) == 1, [_describe(p) for p in running]
    left = class_hub.hub.stop()
    assert left == [], "left running by the hub (now killed):\n" + "\n".join(left)
    assert _status(class_hub.service_url + "whoami")[0] is None
