"""What the browser tests (test_app_browser.py, test_jupyter_browser.py) and their fixtures
(conftest.py) share: finding chromium, starting and stopping a server, a Playwright page that
records its errors, and the checks that no error reached the page.

Playwright is never imported here, so the other test modules never need it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# The ceiling of every wait on a condition (a page, a picture, a text): a busy two-core machine
# running the whole suite took longer than 30 s for things that take 1 s on a quiet one. A
# wait returns as soon as its condition holds, so the ceiling costs nothing when all is well.
TIMEOUT_MS = 120_000
VIEWPORT = {"width": 1400, "height": 1000}
# How every browser test (and benchmarks/bench_classroom.py) launches Debian's chromium.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
SERVER_STOP_TIMEOUT_S = 20.0

# Loopback servers only: no proxy.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))

# Page functions for Playwright's wait_for_function.
# arg [selector, old_src]: the <img> shows a decoded picture other than old_src.
NEW_PICTURE_JS = (
    "([sel, old]) => { const img = document.querySelector(sel);"
    " return img && img.src && img.src !== old && img.complete"
    " && img.naturalWidth > 0; }"
)
# arg [selector, text]: the element's text contains text.
SHOWS_TEXT_JS = (
    "([sel, text]) => { const t = document.querySelector(sel);"
    " return t && t.textContent.includes(text); }"
)


# ------------------------------------------------------------------------------ chromium


def chromium_path() -> str | None:
    """Debian's chromium, or whatever `chromium` is on the PATH; None when absent."""
    if os.path.exists("/usr/bin/chromium"):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def skip_module_without_browser():
    """Called at the top of a browser test module: skip the module when chromium or the
    playwright package is missing. Never under CI=true: there nothing is skipped and the
    `browser` fixture (conftest.py) fails every test, as CI must not pass by skipping."""
    __tracebackhide__ = True  # pytest reports the skip at the calling module's line
    missing = [
        what
        for what, present in (
            ("chromium (/usr/bin/chromium or `chromium` on PATH)", chromium_path() is not None),
            ("the playwright Python package", importlib.util.find_spec("playwright") is not None),
        )
        if not present
    ]
    if missing and os.environ.get("CI") != "true":
        pytest.skip("browser tests need " + " and ".join(missing), allow_module_level=True)


# ------------------------------------------------------------------------------ servers


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    cmd: list[str], cwd: Path, log_path: Path, env: dict | None = None, log_header: str = ""
) -> subprocess.Popen:
    """Start cmd with stdout and stderr going to log_path (after log_header), in its own
    process group: if it must be killed, its children go with it."""
    with open(log_path, "w", encoding="utf-8") as log:
        log.write(log_header)
        log.flush()
        return subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def voila_app_command(port: int, *extra: str) -> list[str]:
    """The README's launch command for the app (with this Python), on a loopback port."""
    return [
        sys.executable,
        "-m",
        "voila",
        "notebooks/app.ipynb",
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        *extra,
    ]


def answers(url: str) -> bool:
    """True once a server gives any HTTP answer at url (a static file starts no kernel)."""
    try:
        with DIRECT.open(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False


def wait_until_serving(
    name: str,
    ready: Callable[[], bool],
    process: subprocess.Popen,
    log_path: Path,
    timeout_s: float,
):
    """Poll ready() until it is true; fail with the server's log if the server exits or does
    not get ready within timeout_s."""
    deadline = time.monotonic() + timeout_s
    while not ready():
        if process.poll() is not None:
            pytest.fail(f"{name} exited with code {process.returncode}:\n{log_path.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"{name} did not answer within {timeout_s:.0f} s:\n{log_path.read_text()}")
        time.sleep(0.2)


def stop_server(process: subprocess.Popen, timeout_s: float = SERVER_STOP_TIMEOUT_S):
    """SIGTERM (Voila and Jupyter shut their kernels down on it); if the server is still up
    after timeout_s, SIGKILL its whole process group."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


class ServerLog:
    """For a server object with a `log_path`: what the server logged since an offset."""

    log_path: Path

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def log_since(self, offset: int) -> str:
        with open(self.log_path, encoding="utf-8", errors="replace") as fh:
            fh.seek(offset)
            return fh.read()


# ------------------------------------------------------------------------------ pages


@dataclass
class PageErrors:
    """What a page reported since watch(page): console messages of type error (as
    {"text", "url"}) and uncaught exceptions (as text)."""

    console: list = field(default_factory=list)
    uncaught: list = field(default_factory=list)

    def watch(self, page):
        page.on(
            "console",
            lambda msg: (
                msg.type == "error"
                and self.console.append({"text": msg.text, "url": msg.location.get("url", "")})
            ),
        )
        page.on("pageerror", lambda exc: self.uncaught.append(str(exc)))

    def assert_none(
        self,
        is_expected_console_error: Callable[[dict], bool],
        tolerated_uncaught=(),
        tolerated_before: int = 0,
    ):
        """No uncaught exception (but those in tolerated_uncaught among the first
        tolerated_before) and no console error that is not expected."""
        unexpected_uncaught = [
            e for e in self.uncaught[:tolerated_before] if e not in tolerated_uncaught
        ] + self.uncaught[tolerated_before:]
        assert not unexpected_uncaught, f"uncaught errors in the page: {self.uncaught}"
        unexpected = [e for e in self.console if not is_expected_console_error(e)]
        assert not unexpected, "console errors:\n" + "\n".join(
            f"{e['text']} ({e['url']})" for e in unexpected
        )


@contextmanager
def open_page(browser, run_before_unload: bool = False) -> Iterator[tuple[object, PageErrors]]:
    """A page in a fresh browser context (VIEWPORT, default timeout TIMEOUT_MS) whose errors
    are recorded; closed after, with or without running its beforeunload handlers."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors = PageErrors()
    errors.watch(page)
    try:
        yield page, errors
    finally:
        page.close(run_before_unload=run_before_unload)
        context.close()


def assert_no_error_output(stderr_outputs, text: str):
    """No stderr output (the locator stderr_outputs finds none) and no traceback in text."""
    assert stderr_outputs.count() == 0, stderr_outputs.first.inner_text()
    assert "Traceback" not in text, text[text.index("Traceback") :][:2000]


# ------------------------------------------------------------------------------ downloads


def check_downloads(page, root, folder: Path, prefix: str) -> dict:
    """Click the explorer's three downloads (in the element ``root``) and check that each
    file arrives and opens: a PNG picture, the history CSV, and a GIF of the whole run.

    The files are kept in ``folder`` as ``<prefix>-<name>``; returns their paths by kind.
    """
    from PIL import Image  # Pillow comes with matplotlib

    saved = {}

    def fetch(selector, kind):
        link = root.locator(selector)
        link.wait_for(state="visible")
        with page.expect_download() as info:
            link.click()
        download = info.value
        path = folder / f"{prefix}-{download.suggested_filename}"
        download.save_as(str(path))
        saved[kind] = path
        return path

    png = fetch("a.gmm-png", "png")
    with Image.open(png) as image:
        assert image.format == "PNG" and image.width > 300, (image.format, image.size)
    csv_text = fetch("a.gmm-csv", "csv").read_text()
    assert csv_text.startswith("step,phase,iteration,log_likelihood,component,weight,"), csv_text
    root.get_by_role("button", name="Make the run's GIF").click()
    gif = fetch("a.gmm-gif", "gif")
    with Image.open(gif) as image:
        assert image.format == "GIF" and image.n_frames > 2, (image.format, image.n_frames)
    return saved


# ------------------------------------------------------------------------------ files


def big_csv(path: Path, megabytes: float) -> tuple[Path, int]:
    """A one-column CSV of about `megabytes` MB (10^6 bytes): two clusters of heights, as a
    student's exported measurements. Returns the path and its number of rows."""
    import numpy as np

    rows = int(megabytes * 1e6 / 9)  # "123.4567\n" is 9 bytes
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.normal(160, 6, rows // 2), rng.normal(178, 7, rows - rows // 2)])
    with open(path, "w", encoding="ascii") as fh:
        fh.write("height\n")
        np.savetxt(fh, values, fmt="%.4f")
    return path, rows


# ------------------------------------------------------------------------------ npm

REPO_ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = REPO_ROOT / "node_modules"
# What the tests take from npm (package.json): the hub's proxy and the accessibility checker.
NPM_FILES = (
    NODE_MODULES / ".bin" / "configurable-http-proxy",
    NODE_MODULES / "axe-core" / "axe.min.js",
)


def ensure_npm_packages() -> bool:
    """Install package.json's packages (`npm ci`, pinned by package-lock.json) once, when one
    of NPM_FILES is missing and npm is on this machine, so that the README's test command
    needs no step of its own. True when every file is there afterwards."""
    if all(path.exists() for path in NPM_FILES):
        return True
    npm = shutil.which("npm")
    if npm is None:
        return False
    subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=REPO_ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=600,
        check=False,
    )
    return all(path.exists() for path in NPM_FILES)
