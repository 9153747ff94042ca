"""JupyterHub for a class (deploy/), checked for real: three students in Chromium.

The hub of deploy/jupyterhub/jupyterhub_config.py starts on free loopback ports (its proxy's
API and its own port too) with its state in a temporary folder. Three students log in, each in
their own browser context, with their own name and the shared password, all at once as a class
arrives; each lands on the app, interactive, and steps it in their own server with their own
kernel. A reloaded or closed page frees its kernel at once. Stopping the hub stops every
process it started; whatever would be left (on a failure too) is killed by the fixture. Each
student's server and kernel memory is printed (pytest -s) and kept in
test-artifacts/hub-memory.txt; the hub's log (students' servers included) in
test-artifacts/jupyterhub.log.

The first tests are cheap checks of deploy/ that need no browser and no Node.js: the hub's
config compiles and refuses to start without a password, the Zero to JupyterHub values parse
and hold the keys the chart reads, and the image recipe is the one Binder builds.

The proxy comes from npm: the tests run `npm ci` themselves when it is missing and npm is on
the machine (browser_helpers.ensure_npm_packages). Where chromium, playwright or Node.js is
missing, the hub tests skip with the reason; under CI=true they fail instead (CI must not pass
by skipping).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import secrets
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.error
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from app_page import LOOPBACK, NEXT, SLIDER_READY, App
from browser_helpers import (
    DIRECT,
    SHOWS_TEXT_JS,
    TIMEOUT_MS,
    VIEWPORT,
    PageErrors,
    ServerLog,
    chromium_path,
    ensure_npm_packages,
    free_port,
    start_server,
    stop_server,
    wait_until_serving,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEPLOY = REPO_ROOT / "deploy"
CONFIG = DEPLOY / "jupyterhub" / "jupyterhub_config.py"
PROXY = REPO_ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
VALUES = DEPLOY / "z2jh" / "values.yaml"
APP_PATH = "voila/render/notebooks/app.ipynb"
STUDENTS = ("ada", "ben", "chloe")
# Named in GMM_VIZ_HUB_TEACHERS: their app page is the teacher's (the class service says so).
TEACHER = "tess"
HUB_START_TIMEOUT_S = 90.0
HUB_STOP_TIMEOUT_S = 90.0
# Three servers and three kernels starting at once on 2 cores (with the browser on them too).
ARRIVAL_TIMEOUT_MS = 180_000
# A page's beacon frees its kernel at once; this leaves room for a busy machine, and stays
# well under voila.json's kernel culling, which would free it anyway later.
FREED_WITHIN_S = 20.0


# ------------------------------------------------------------------------------ cheap checks


def test_hub_config_compiles():
    compile(CONFIG.read_text(encoding="utf-8"), str(CONFIG), "exec")


def test_hub_refuses_to_start_without_a_password(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "GMM_VIZ_HUB_PASSWORD"}
    env["GMM_VIZ_HUB_RUNTIME_DIR"] = str(tmp_path / "runtime")
    done = subprocess.run(
        [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "error: set GMM_VIZ_HUB_PASSWORD to the password students will log in with "
        "(8 characters or more)."
    ], done.stderr
    assert not (tmp_path / "runtime").exists()  # refused before anything was written


def test_jupyter_server_settings_are_voila_jsons(tmp_path):
    """What the hub's servers and the image's server take from voila.json: its sections but
    Voila's own (the kernel culling above all), and no MathJax from a CDN."""
    settings_py = DEPLOY / "jupyter_server_settings.py"
    spec = importlib.util.spec_from_file_location("jupyter_server_settings", settings_py)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    voila = json.loads((REPO_ROOT / "voila.json").read_text(encoding="utf-8"))
    settings = module.server_settings()
    assert "VoilaConfiguration" not in settings and "Voila" not in settings
    assert settings.get("MappingKernelManager") == voila.get("MappingKernelManager")
    kernel_manager = voila.get("VoilaConfiguration", {}).get("multi_kernel_manager_class")
    assert settings["ServerApp"].get("kernel_manager_class") == kernel_manager
    tornado = settings["ServerApp"]["tornado_settings"]
    assert tornado["mathjax_url"] is None and tornado["mathjax_config"] is None
    args = module.command_line(settings)
    for name, value in voila.get("MappingKernelManager", {}).items():
        assert f"--MappingKernelManager.{name}={value}" in args

    # postBuild merges them into the environment's config, keeping what was there.
    config_file = tmp_path / "jupyter_server_config.json"
    config_file.write_text('{"ServerApp": {"tornado_settings": {"x": 1}, "y": 2}}')
    merged = module.merge_into(config_file, settings)
    assert merged["ServerApp"]["y"] == 2 and merged["ServerApp"]["tornado_settings"]["x"] == 1
    assert json.loads(config_file.read_text()) == merged


# The keys of the Zero to JupyterHub chart's values that values.yaml uses, from the chart's
# values.schema.yaml (which refuses any other key: additionalProperties false).
Z2JH_KEYS = {
    "": {
        "enabled", "fullnameOverride", "nameOverride", "imagePullSecret", "imagePullSecrets",
        "hub", "proxy", "singleuser", "scheduling", "ingress", "prePuller", "custom", "cull",
        "debug", "rbac", "global",
    },
    "singleuser": {
        "networkPolicy", "podNameTemplate", "cpu", "memory", "image", "initContainers",
        "profileList", "extraFiles", "extraEnv", "nodeSelector", "extraTolerations",
        "extraNodeAffinity", "extraPodAffinity", "extraPodAntiAffinity", "cloudMetadata", "cmd",
        "defaultUrl", "events", "extraAnnotations", "extraContainers", "extraLabels",
        "extraPodConfig", "extraResource", "fsGid", "lifecycleHooks", "networkTools",
        "serviceAccountName", "startTimeout", "storage", "allowPrivilegeEscalation", "uid",
    },
    "scheduling": {"userScheduler", "podPriority", "userPlaceholder", "corePods", "userPods"},
    "prePuller": {
        "revisionHistoryLimit", "labels", "annotations", "resources", "extraTolerations", "hook",
        "continuous", "pullProfileListImages", "extraImages", "containerSecurityContext",
        "pause",
    },
    "cull": {
        "enabled", "users", "adminUsers", "removeNamedServers", "timeout", "every",
        "concurrency", "maxAge",
    },
}  # fmt: skip


def _size_in_bytes(text) -> float:
    """Kubernetes quantities as the chart's values give them: 300M, 1G, 512Mi, 1.5Gi."""
    match = re.fullmatch(r"([0-9.]+)([KMGT]i?)?", str(text))
    assert match, text
    number, unit = float(match.group(1)), match.group(2) or ""
    powers = {"K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}
    powers |= {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}
    return number * powers.get(unit, 1)


def test_z2jh_values_parse_and_use_the_charts_keys():
    import yaml  # PyYAML, installed with Jupyter (jupyter-events)

    values = yaml.safe_load(VALUES.read_text(encoding="utf-8"))
    for section, keys in Z2JH_KEYS.items():
        used = set(values if not section else values[section])
        assert used <= keys, (section or "top level", used - keys)
    single = values["singleuser"]
    assert single["image"]["name"] and str(single["image"]["tag"])
    assert single["defaultUrl"] == "/" + APP_PATH
    assert single["storage"]["type"] in {"none", "dynamic", "static"}
    memory, cpu = single["memory"], single["cpu"]
    # One student: a server (~160 MB) and the app's kernel (~110 MB) at least.
    assert _size_in_bytes(memory["guarantee"]) >= 270e6
    assert _size_in_bytes(memory["limit"]) > _size_in_bytes(memory["guarantee"])
    assert 0 < float(cpu["guarantee"]) < float(cpu["limit"])
    cull = values["cull"]
    assert cull["enabled"] is True and int(cull["timeout"]) > 0 and int(cull["every"]) > 0
    assert values["prePuller"]["hook"]["enabled"] is True
    assert values["prePuller"]["continuous"]["enabled"] is True
    scheduling = values["scheduling"]
    assert scheduling["userScheduler"]["enabled"] is True
    assert scheduling["podPriority"]["enabled"] is True
    assert scheduling["userPlaceholder"]["enabled"] is True
    assert int(scheduling["userPlaceholder"]["replicas"]) > 0


def test_the_image_recipe_is_binders():
    """repo2docker (the README's Binder badge, and the Z2JH image) reads the root's files, as
    there is no binder/ folder: environment.yml (pip, -r requirements.txt), then postBuild,
    which trusts the app notebook and writes voila.json's server settings."""
    assert not (REPO_ROOT / "binder").exists() and not (REPO_ROOT / ".binder").exists()
    assert "-r requirements.txt" in (REPO_ROOT / "environment.yml").read_text()
    post_build = REPO_ROOT / "postBuild"
    assert post_build.stat().st_mode & stat.S_IXUSR, "postBuild must be executable"
    text = post_build.read_text()
    assert text.startswith("#!/")
    assert "jupyter trust notebooks/app.ipynb" in text
    assert "python deploy/jupyter_server_settings.py" in text
    assert os.access(DEPLOY / "check_image_recipe.sh", os.X_OK)


# ------------------------------------------------------------------------------ the hub


def _require_hub_prerequisites():
    """Skip (fail under CI=true) when something the hub test needs is missing."""
    __tracebackhide__ = True
    missing = [
        what
        for what, present in (
            ("chromium (/usr/bin/chromium or `chromium` on PATH)", chromium_path() is not None),
            ("the playwright Python package", importlib.util.find_spec("playwright") is not None),
            ("Node.js (`node` on PATH)", shutil.which("node") is not None),
            (
                "configurable-http-proxy (`npm ci` in the repository's root)",
                ensure_npm_packages() and PROXY.exists(),
            ),
        )
        if not present
    ]
    if missing:
        reason = "the JupyterHub browser test needs " + " and ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


def _free_ports(count: int) -> list[int]:
    ports: list[int] = []
    while len(ports) < count:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


def _answers(url: str) -> bool:
    """True once url answers 200. Any answer is not enough: the proxy answers 404 before the
    hub has added its route, and a login page asked for then is the proxy's error page."""
    try:
        with DIRECT.open(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _describe(process) -> str:
    import psutil

    try:
        return f"{process.pid} {' '.join(process.cmdline())[:160]}"
    except psutil.Error:
        return f"{process.pid} (gone)"


@dataclass
class Hub(ServerLog):
    url: str
    password: str
    runtime: Path
    log_path: Path
    process: subprocess.Popen
    seen: dict = field(default_factory=dict)  # pid -> psutil.Process, for the cleanup

    def track(self) -> list:
        """The processes of this hub still running: its descendants (proxy, culler, students'
        servers, their kernels), and any process whose command line names this hub's runtime
        folder (a server or kernel whose parent died). Remembered for stop()."""
        import psutil

        found = []
        with contextlib.suppress(psutil.NoSuchProcess):
            found += psutil.Process(self.process.pid).children(recursive=True)
        runtime = str(self.runtime)
        for process in psutil.process_iter(["cmdline"]):
            if any(runtime in part for part in process.info["cmdline"] or ()):
                found.append(process)
        for process in found:
            self.seen.setdefault(process.pid, process)
        return list({p.pid: p for p in found}.values())

    def servers(self) -> dict:
        """The students' running servers (psutil.Process) by user name."""
        import psutil

        servers = {}
        for process in psutil.Process(self.process.pid).children():
            with contextlib.suppress(psutil.Error):
                if "jupyterhub.singleuser" in process.cmdline():
                    servers[process.environ().get("JUPYTERHUB_USER")] = process
        return servers

    def stop(self) -> list[str]:
        """Stop the hub (SIGTERM: it stops the culler, every server with its kernels, and the
        proxy), then kill whatever it started and left running; return what was left."""
        import psutil

        if self.process.poll() is None:
            self.track()
        stop_server(self.process, timeout_s=HUB_STOP_TIMEOUT_S)
        # A kernel may still be finishing its own shutdown when the hub has exited: what
        # is still running a few seconds later was left behind.
        _, left = psutil.wait_procs(list(self.seen.values()), timeout=5)
        described = [d for d in (_describe(p) for p in left) if not d.endswith("(gone)")]
        for process in left:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
        psutil.wait_procs(left, timeout=10)
        return described


@pytest.fixture(scope="module")
def hub(artifacts_dir, tmp_path_factory):
    """The hub of deploy/jupyterhub on free loopback ports, its state in a temporary folder;
    stopped after, and every process it started ended."""
    _require_hub_prerequisites()
    port, api_port, internal_port = _free_ports(3)
    runtime = tmp_path_factory.mktemp("hub-runtime")
    password = secrets.token_urlsafe(12)
    env = {
        **os.environ,
        "GMM_VIZ_HUB_PASSWORD": password,
        "GMM_VIZ_HUB_IP": "127.0.0.1",
        "GMM_VIZ_HUB_PORT": str(port),
        "GMM_VIZ_HUB_PROXY_API_PORT": str(api_port),
        "GMM_VIZ_HUB_INTERNAL_PORT": str(internal_port),
        "GMM_VIZ_HUB_RUNTIME_DIR": str(runtime),
        "GMM_VIZ_HUB_TEACHERS": TEACHER,
    }
    log_path = artifacts_dir / "jupyterhub.log"
    process = start_server(
        [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)], REPO_ROOT, log_path, env
    )
    hub = Hub(f"http://127.0.0.1:{port}/", password, runtime, log_path, process)
    try:
        wait_until_serving(
            "JupyterHub",
            lambda: _answers(hub.url + "hub/health"),
            process,
            log_path,
            HUB_START_TIMEOUT_S,
        )
        yield hub
    finally:
        left = hub.stop()
        if left:
            print("killed, left running by the hub:", *left, sep="\n  ")


@pytest.fixture(scope="module")
def hub_browser(hub, request):
    """conftest's chromium, asked for only once the hub's prerequisites were checked."""
    return request.getfixturevalue("browser")


@dataclass
class Student:
    name: str
    context: object
    app: App
    outside: list  # requests that would have left this machine (refused)
    seconds_to_app: float = 0.0

    @property
    def page(self):
        return self.app.page

    def kernels(self, hub: Hub) -> list[str]:
        """The ids of the kernels in this student's server, asked with their own cookies."""
        response = self.context.request.get(f"{hub.url}user/{self.name}/api/kernels")
        assert response.status == 200, (response.status, response.text())
        return [kernel["id"] for kernel in response.json()]


def _wait_interactive(app: App, timeout_ms: float):
    app.page.locator(SLIDER_READY).wait_for(state="visible", timeout=timeout_ms)
    app.wait_image_loaded()


def _wait_kernels(student: Student, hub: Hub, done) -> list[str]:
    deadline = time.monotonic() + FREED_WITHIN_S
    while True:
        kernels = student.kernels(hub)
        if done(kernels) or time.monotonic() > deadline:
            return kernels
        time.sleep(0.5)


@pytest.fixture(scope="module")
def students(hub, hub_browser, artifacts_dir):
    """Three students, each in their own browser context, logged in one after the other
    without waiting (a class arriving together), each then waited for until the app is
    interactive on their page."""
    made: list[Student] = []
    for name in STUDENTS:
        (artifacts_dir / f"hub-{name}.png").unlink(missing_ok=True)
    try:
        start = time.perf_counter()
        for name in STUDENTS:
            context = hub_browser.new_context(viewport=VIEWPORT)
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            errors = PageErrors()
            errors.watch(page)
            outside: list[str] = []

            def refuse_outside(route, outside=outside):
                if not LOOPBACK.match(route.request.url):
                    outside.append(route.request.url)
                    return route.abort()
                return route.continue_()

            page.route("**/*", refuse_outside)
            made.append(Student(name, context, App(page, hub, hub.log_size(), errors), outside))
            page.goto(hub.url + "hub/login")
            page.fill("input[name=username]", name)
            page.fill("input[name=password]", hub.password)
            page.locator("#login_submit").click(no_wait_after=True)
        for student in made:
            student.page.wait_for_url(f"**/user/{student.name}/{APP_PATH}", timeout=120_000)
            _wait_interactive(student.app, ARRIVAL_TIMEOUT_MS)
            student.seconds_to_app = time.perf_counter() - start
        hub.track()
        yield made
    finally:
        for student in made:
            shot = artifacts_dir / f"hub-{student.name}.png"
            with contextlib.suppress(Exception):
                if not student.page.is_closed():
                    if not shot.exists():  # the first test's picture is the one to keep
                        student.page.screenshot(path=str(shot))
                    student.page.close(run_before_unload=True)
            with contextlib.suppress(Exception):
                student.context.close()


def test_three_students_log_in_and_each_steps_their_own_app(hub, students, artifacts_dir):
    print("\nlogin to interactive app, three students arriving together:")
    for student in students:
        print(f"  {student.name}: {student.seconds_to_app:.1f} s")
        assert student.page.url == f"{hub.url}user/{student.name}/{APP_PATH}"
        assert student.app.readout() == "0"
    first, *others = students
    first.app.click_for_new_picture(NEXT)
    first.app.wait_step(1)
    # Stepping is per student: the others are still at the start.
    assert [s.app.readout() for s in others] == ["0"] * len(others)
    for student in others:
        student.app.click_for_new_picture(NEXT)
        student.app.wait_step(1)
    for student in students:
        student.page.screenshot(path=str(artifacts_dir / f"hub-{student.name}.png"))
        assert student.outside == [], f"requests that left the machine: {student.outside}"
        student.app.assert_no_errors()


def test_each_student_has_their_own_server_and_kernel(hub, students, artifacts_dir):
    import psutil

    kernels = {s.name: s.kernels(hub) for s in students}
    assert all(len(ids) == 1 for ids in kernels.values()), kernels
    assert len({ids[0] for ids in kernels.values()}) == len(students), kernels
    # A student's cookies open nobody else's server.
    first, second = students[0], students[1]
    other = first.context.request.get(f"{hub.url}user/{second.name}/api/kernels")
    assert other.status == 403, (other.status, other.text())

    servers = hub.servers()
    assert sorted(servers) == sorted(STUDENTS), servers
    voila = json.loads((REPO_ROOT / "voila.json").read_text(encoding="utf-8"))
    lines = [
        f"{'student':8} {'server RSS':>10} {'kernel RSS':>10} {'total RSS':>9}"
        f" {'server USS':>10} {'kernel USS':>10} {'server CPU':>10} {'kernel CPU':>10}"
    ]
    for name, server in sorted(servers.items()):
        # voila.json's kernel culling (and kernel manager) is the students' servers' too.
        for setting, value in voila.get("MappingKernelManager", {}).items():
            assert f"--MappingKernelManager.{setting}={value}" in server.cmdline()
        kernel_manager = voila["VoilaConfiguration"].get("multi_kernel_manager_class")
        if kernel_manager:
            assert f"--ServerApp.kernel_manager_class={kernel_manager}" in server.cmdline()
        launched = [
            p
            for p in server.children(recursive=True)
            if any("ipykernel" in part for part in p.cmdline())
        ]
        assert len(launched) == 1, [_describe(p) for p in launched]
        (kernel,) = launched
        mb = 1e6
        server_mem, kernel_mem = server.memory_full_info(), kernel.memory_full_info()
        server_cpu, kernel_cpu = server.cpu_times(), kernel.cpu_times()
        lines.append(
            f"{name:8} {server_mem.rss / mb:7.0f} MB {kernel_mem.rss / mb:7.0f} MB"
            f" {(server_mem.rss + kernel_mem.rss) / mb:6.0f} MB"
            f" {server_mem.uss / mb:7.0f} MB {kernel_mem.uss / mb:7.0f} MB"
            f" {server_cpu.user + server_cpu.system:8.1f} s"
            f" {kernel_cpu.user + kernel_cpu.system:8.1f} s"
        )
        assert psutil.pid_exists(kernel.pid)
    report = "\n".join(lines)
    print(
        "\nper student, after arriving and one step (MB = 10^6 bytes; USS: memory that no other"
        " process shares; CPU: CPU-seconds used since the process started)"
    )
    print(report)
    (artifacts_dir / "hub-memory.txt").write_text(report + "\n", encoding="utf-8")


def test_a_reloaded_or_closed_page_frees_its_kernel_at_once(hub, students):
    reloading, leaving = students[0], students[1]

    (old,) = reloading.kernels(hub)
    offset = hub.log_size()
    reloading.page.reload()
    _wait_interactive(reloading.app, ARRIVAL_TIMEOUT_MS)
    now = _wait_kernels(reloading, hub, lambda ids: len(ids) == 1 and old not in ids)
    assert len(now) == 1 and old not in now, (old, now)
    assert f"204 POST /user/{reloading.name}/voila/api/shutdown/{old}" in hub.log_since(offset)

    (gone,) = leaving.kernels(hub)
    offset = hub.log_size()
    leaving.page.close(run_before_unload=True)
    assert _wait_kernels(leaving, hub, lambda ids: not ids) == []
    assert f"204 POST /user/{leaving.name}/voila/api/shutdown/{gone}" in hub.log_since(offset)


def test_a_teacher_and_two_students_complete_a_round_through_the_class_service(
    hub, hub_browser, students, artifacts_dir
):
    """The class predicts together under the hub: the teacher (a hub user named a teacher)
    asks, two students answer under their hub names, the teacher closes and reveals; nobody's
    kernel holds the database (the hub's class service does)."""
    ada, chloe = students[0], students[2]  # ben's page was closed by the test before
    context = hub_browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(hub.url + "hub/login")
        page.fill("input[name=username]", TEACHER)
        page.fill("input[name=password]", hub.password)
        page.locator("#login_submit").click()
        page.wait_for_url(f"**/user/{TEACHER}/{APP_PATH}", timeout=120_000)
        page.locator(".gmm-class-teacher").wait_for(state="visible", timeout=ARRIVAL_TIMEOUT_MS)
        for student in (ada, chloe):
            student.page.locator(".gmm-class-student").wait_for(state="visible")
        page.locator(".gmm-class-teacher button", has_text="Ask").click()
        for student, value in ((ada, "1.2"), (chloe, "1.9")):
            student.page.wait_for_function(
                SHOWS_TEXT_JS, arg=[".gmm-class-question", "Where will μ₁"]
            )
            student.page.locator(".gmm-class-answer input").fill(value)
            student.page.locator(".gmm-class-student button", has_text="Send").click()
            student.page.wait_for_function(
                SHOWS_TEXT_JS, arg=[".gmm-class-student .gmm-class-status", "sent"]
            )
        page.wait_for_function(SHOWS_TEXT_JS, arg=[".gmm-class-count", "2 answered"])
        page.keyboard.press("ArrowRight")  # the clicker: close
        page.wait_for_function(SHOWS_TEXT_JS, arg=[".gmm-class-status", "closed"])
        page.keyboard.press("ArrowRight")  # and reveal
        page.wait_for_function(SHOWS_TEXT_JS, arg=[".gmm-class-status", "of 2 close"])
        for student in (ada, chloe):
            student.page.wait_for_function(
                SHOWS_TEXT_JS, arg=[".gmm-class-student .gmm-class-status", "Revealed"]
            )
        page.screenshot(path=str(artifacts_dir / "hub-class-round-teacher.png"))
        ada.page.screenshot(path=str(artifacts_dir / "hub-class-round-student.png"))
        # The answers are stored under the students' hub names, in the service's file only.
        db = hub.runtime / "class-answers.sqlite"
        with contextlib.closing(sqlite3.connect(db)) as conn:
            names = sorted(row[0] for row in conn.execute("SELECT student FROM answers"))
        assert names == ["ada", "chloe"]
        for name, server in hub.servers().items():
            assert "GMM_VIZ_CLASS_DB" not in server.environ(), name
    finally:
        context.close()


def test_stopping_the_hub_stops_every_process_it_started(hub, students):
    running = hub.track()
    # The proxy, the culler, three servers and (at least) two kernels.
    assert len(running) >= 7, [_describe(p) for p in running]
    started = time.monotonic()
    left = hub.stop()
    print(f"\nthe hub stopped {len(running)} processes in {time.monotonic() - started:.1f} s")
    assert left == [], "left running by the hub (now killed):\n" + "\n".join(left)
    # Its state stayed in its runtime folder, none in the repository.
    for name in ("jupyterhub.sqlite", "jupyterhub_cookie_secret", "jupyterhub-proxy.pid"):
        assert not (REPO_ROOT / name).exists() and not (CONFIG.parent / name).exists()
    assert (hub.runtime / "jupyterhub.sqlite").exists()
