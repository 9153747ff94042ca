"""Class day in real Chromium pages: a server that sat idle, slow pages, kernels that go.

The server is started as the README's launch command starts it (voila.json: a pool of two
preheated kernels, a culler for kernels nobody is connected to after 30 s idle), then left
idle past the cull timeout before any page arrives, as when the teacher starts it a minute
before class. The pages are slowed as a classroom's are: Chromium's CPU throttling (4x, CDP
``Emulation.setCPUThrottlingRate``) and a slow network, so that seconds pass between the page
getting its kernel (with its HTML) and connecting to it (after its scripts loaded). Every
wait is on a condition, with ceilings long enough for a busy two-core machine.
"""

from __future__ import annotations

import json
import time
import uuid
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from app_page import FIGURE, NEXT, SLIDER_READY
from browser_helpers import (
    NEW_PICTURE_JS,
    TIMEOUT_MS,
    VIEWPORT,
    answers,
    free_port,
    skip_module_without_browser,
    start_server,
    stop_server,
    voila_app_command,
    wait_until_serving,
)

skip_module_without_browser()

REPO_ROOT = Path(__file__).resolve().parent.parent
CULLING = json.loads((REPO_ROOT / "voila.json").read_text())["MappingKernelManager"]
# A page on a slow laptop or a busy server: generous, but a stuck page never gets there.
PAGE_CEILING_MS = 240_000
CPU_SLOWDOWN = 4
# A school network shared by a class: the app's ~5.5 MB of scripts take about 15 s.
SLOW_NETWORK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 350 * 1024,
    "uploadThroughput": 350 * 1024,
}
LOST = "#gmm-kernel-lost"


class _Server:
    def __init__(self, url, log_path, process):
        self.url, self.log_path, self.process = url, log_path, process

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="module")
def idle_server(artifacts_dir):
    """The README's launch, its pool filled, then idle past the cull timeout."""
    port = free_port()
    log_path = artifacts_dir / "voila-class-day.log"
    process = start_server(voila_app_command(port), REPO_ROOT, log_path)
    server = _Server(f"http://127.0.0.1:{port}/", log_path, process)
    try:
        wait_until_serving(
            "Voila",
            lambda: answers(server.url + "voila/static/voila.js"),
            process,
            log_path,
            60,
        )
        wait_until_serving(
            "Voila's kernel pool",
            lambda: "is filled with" in server.log(),
            process,
            log_path,
            180,
        )
        # Idle: every pooled kernel is now older than the cull timeout, and a cull check
        # has run since, as when the teacher started the server a minute before class.
        time.sleep(CULLING["cull_idle_timeout"] + 2 * CULLING["cull_interval"])
        yield server
    finally:
        stop_server(process)


@contextmanager
def _slow_page(browser, cpu=CPU_SLOWDOWN, network=SLOW_NETWORK):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu})
    if network:
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", network)
    try:
        yield page
    finally:
        page.close(run_before_unload=True)
        context.close()


def _ready(page, timeout_ms=PAGE_CEILING_MS):
    page.locator(FIGURE).wait_for(state="visible", timeout=timeout_ms)
    page.locator(SLIDER_READY).wait_for(state="visible", timeout=timeout_ms)


def _steps(page):
    old = page.locator(FIGURE).get_attribute("src")
    page.locator(NEXT).click()
    page.wait_for_function(NEW_PICTURE_JS, arg=[FIGURE, old], timeout=PAGE_CEILING_MS)


def test_slow_pages_arriving_after_the_server_sat_idle_all_get_the_app(
    browser, idle_server, artifacts_dir
):
    """The first two get the preheated kernels that waited past the cull timeout, the others
    fresh ones; every page shows the app and steps."""
    log_before = len(idle_server.log())
    with ExitStack() as stack:
        pages = []
        for _ in range(4):
            page = stack.enter_context(_slow_page(browser))
            page.goto(idle_server.url, wait_until="commit", timeout=PAGE_CEILING_MS)
            pages.append(page)
            page.wait_for_timeout(3000)  # the next student arrives 3 s later
        started = time.monotonic()
        kernels = []
        for i, page in enumerate(pages):
            page.wait_for_function(_KERNEL_ID_JS, timeout=PAGE_CEILING_MS)
            kernels.append(page.evaluate(_KERNEL_ID_JS))
            _ready(page)
            page.screenshot(path=str(artifacts_dir / f"class-day-idle-page-{i + 1}.png"))
            _steps(page)
        print(f"4 throttled pages interactive {time.monotonic() - started:.0f} s after arriving")
    log = idle_server.log()[log_before:]
    assert "Using pre-heated kernel" in log, "the pages were meant to take the pooled kernels"
    culled = [k for k in kernels if f"({k}) with" in log]
    assert not culled, f"culled while their pages were loading: {culled}\n{log}"


_KERNEL_ID_JS = """() => { const c = document.getElementById("jupyter-config-data");
  return c && JSON.parse(c.textContent).kernelId; }"""

_SHUT_DOWN_OWN_KERNEL_JS = """async () => {
  const config = JSON.parse(document.getElementById("jupyter-config-data").textContent);
  const m = document.cookie.match(/(^|;\\s*)_xsrf=([^;]*)/);
  const form = new FormData();
  form.append("_xsrf", m ? m[2] : "");
  const r = await fetch(config.baseUrl + "voila/api/shutdown/" + config.kernelId,
                        {method: "POST", body: form});
  return r.status;
}"""


def test_a_page_whose_kernel_was_stopped_says_so_with_a_reload_button(
    browser, idle_server, artifacts_dir
):
    with _slow_page(browser, cpu=1, network=None) as page:
        page.goto(idle_server.url, timeout=PAGE_CEILING_MS)
        _ready(page)
        assert page.locator(LOST).count() == 0
        assert page.evaluate(_SHUT_DOWN_OWN_KERNEL_JS) in (200, 204)
        lost = page.locator(LOST)
        lost.wait_for(state="visible", timeout=60_000)
        assert "reload the page" in lost.inner_text()
        page.screenshot(path=str(artifacts_dir / "class-day-kernel-stopped.png"))
        lost.get_by_role("button", name="Reload").click()
        _ready(page)
        _steps(page)
        assert page.locator(LOST).count() == 0


def test_a_page_handed_a_kernel_that_is_gone_never_shows_raw_widget_text(
    browser, idle_server, artifacts_dir
):
    """The failure seen on class day, made certain: the page's kernel no longer exists when
    its scripts connect (here its id is one the server never had)."""
    with _slow_page(browser, cpu=1, network=None) as page:

        def gone_kernel(route):
            response = route.fetch()
            body = response.text()
            config = body.split('id="jupyter-config-data"', 1)
            assert len(config) == 2, "the page carries no kernel id"
            real = json.loads(config[1].split(">", 1)[1].split("</script>", 1)[0])["kernelId"]
            route.fulfill(response=response, body=body.replace(real, str(uuid.uuid4())))

        page.route(idle_server.url, gone_kernel)
        page.goto(idle_server.url, timeout=PAGE_CEILING_MS)
        lost = page.locator(LOST)
        lost.wait_for(state="visible", timeout=60_000)
        page.screenshot(path=str(artifacts_dir / "class-day-kernel-gone.png"))
        assert "reload the page" in lost.inner_text()
        text = page.evaluate("document.body.innerText")
        assert "VBox(children" not in text and "Loading widget" not in text, text[:500]
