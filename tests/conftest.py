"""Fixtures for the browser tests of the Voila app (tests/test_app_browser.py).

Playwright is imported inside the fixtures only, so the other test modules never need it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO_ROOT / "test-artifacts"
APP_NOTEBOOK = "notebooks/app.ipynb"
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
SERVER_START_TIMEOUT = 60.0


def chromium_path() -> str | None:
    """Debian's chromium, or whatever `chromium` is on the PATH; None when absent."""
    if os.path.exists("/usr/bin/chromium"):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    """True once the server gives any HTTP answer (a static file: no kernel is started)."""
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy
    try:
        with direct.open(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


class VoilaServer:
    def __init__(self, url: str, log_path: Path, process: subprocess.Popen):
        self.url = url
        self.log_path = log_path
        self.process = process

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def log_since(self, offset: int) -> str:
        with open(self.log_path, encoding="utf-8", errors="replace") as fh:
            fh.seek(offset)
            return fh.read()


@pytest.fixture(scope="session")
def voila_server(artifacts_dir):
    """Voila serving the app on a free loopback port; stopped (terminate, then kill) after."""
    port = _free_port()
    log_path = artifacts_dir / "voila.log"
    cmd = [
        sys.executable,
        "-m",
        "voila",
        APP_NOTEBOOK,
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
    ]
    with open(log_path, "w", encoding="utf-8") as log:
        # Its own process group: if it must be killed, its kernels go with it.
        process = subprocess.Popen(
            cmd,
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not _answers(url + "voila/static/voila.js"):
            if process.poll() is not None:
                pytest.fail(
                    f"Voila exited with code {process.returncode}:\n{log_path.read_text()}"
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"Voila did not answer within {SERVER_START_TIMEOUT:.0f} s:\n"
                    f"{log_path.read_text()}"
                )
            time.sleep(0.2)
        yield VoilaServer(url, log_path, process)
    finally:
        process.terminate()  # Voila shuts its kernels down on SIGTERM
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium driven by Playwright (its own browser downloads are not used).

    Fails (the browser tests skip themselves before this, unless CI=true) when either is
    missing."""
    executable = chromium_path()
    if executable is None:
        pytest.fail("chromium not found (/usr/bin/chromium or `chromium` on PATH)", False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        pytest.fail(f"the playwright package is not installed ({exc})", False)

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
