"""Fixtures for the browser tests: test_app_browser.py (the Voila app) and
test_jupyter_browser.py (JupyterLab 4 and Notebook 7); what they share is in browser_helpers.py.

Playwright is imported inside the fixtures only, so the other test modules never need it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from browser_helpers import (
    CHROMIUM_ARGS,
    ServerLog,
    answers,
    chromium_path,
    free_port,
    start_server,
    stop_server,
    voila_app_command,
    wait_until_serving,
)
from postgres_server import postgres_missing, temporary_postgres

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO_ROOT / "test-artifacts"
APP_NOTEBOOK = "notebooks/app.ipynb"
SERVER_START_TIMEOUT = 60.0


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


class VoilaServer(ServerLog):
    def __init__(self, url: str, log_path: Path, process: subprocess.Popen):
        self.url = url
        self.log_path = log_path
        self.process = process


@pytest.fixture(scope="session")
def voila_server(artifacts_dir):
    """Voila serving the app on a free loopback port; stopped (terminate, then kill) after."""
    port = free_port()
    log_path = artifacts_dir / "voila.log"
    # As the README's launch command does: trust the app notebook (else Voila's log says
    # "Notebook app.ipynb is not trusted" at every page load).
    subprocess.run(
        [sys.executable, "-m", "nbformat.sign", APP_NOTEBOOK],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
    process = start_server(voila_app_command(port), REPO_ROOT, log_path)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_serving(
            "Voila",
            lambda: answers(url + "voila/static/voila.js"),
            process,
            log_path,
            SERVER_START_TIMEOUT,
        )
        yield VoilaServer(url, log_path, process)
    finally:
        stop_server(process)


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


@pytest.fixture(scope="session")
def postgres_url():
    """A throwaway PostgreSQL server (postgres_server.py) for the whole session: its psycopg 3
    URL, postgresql://postgres@/gmm_viz_test?host=<socket dir>&port=<port>.

    Skips without Debian's server binaries, but fails under CI=true, as chromium does."""
    reason = postgres_missing()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(reason, False)
        pytest.skip(reason)
    with temporary_postgres() as url:
        yield url


# The app page fixture, shared by the Voila browser tests (defined beside its helper).
from app_page import app  # noqa: E402, F401
