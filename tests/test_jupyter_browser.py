"""The app (notebooks/app.ipynb) in JupyterLab 4 and in Notebook 7, in a real browser.

The same widget the Voila tests (test_app_browser.py) drive must work where students also
open it: JupyterLab 4 and Notebook 7. One Jupyter server (`jupyter lab`, which also serves
Notebook 7's pages) runs for the module on a free loopback port, with a random token, the
repo root as its root and every Jupyter/IPython/matplotlib state and settings folder in a
temporary directory, so that no user state leaks in. Its log goes to
test-artifacts/jupyter.log. Autosave is off and the tests never save: the notebook on disk is
left as it is (checked in the server's log).

Each test opens the notebook in a fresh page with a fresh kernel, clears the saved outputs
(so that what renders afterwards can only come from this run), runs all cells from the Run
menu, waits for the explorer, checks the start (picture, "No E-step has run yet"), clicks
"next ▶" and checks E-step 1 (r_11 = 0.5744, a new picture), then that no error reached the
notebook, the browser or the server's log. Screenshots: test-artifacts/jupyterlab.png and
test-artifacts/notebook7.png.

Skipped when chromium or the playwright package is missing, except under CI=true, where a
missing browser makes every test here fail (the `browser` fixture of conftest.py).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_helpers import (
    DIRECT,
    NEW_PICTURE_JS,
    SHOWS_TEXT_JS,
    TIMEOUT_MS,
    PageErrors,
    ServerLog,
    assert_no_error_output,
    check_downloads,
    free_port,
    open_page,
    skip_module_without_browser,
    start_server,
    stop_server,
    wait_until_serving,
)

skip_module_without_browser()  # unless CI=true: then the `browser` fixture fails every test

REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = "notebooks/app.ipynb"
SERVER_START_TIMEOUT_S = 60.0

EXPLORER = ".gmm-explorer"
FIGURE = "img.gmm-figure, .gmm-figure img"
TABLE = ".gmm-table"
LABEL = ".gmm-step-label"
NEXT = ".gmm-next"
NO_E_STEP = "No E-step has run yet"
# Toy data, E-step 1, from the suggested start: r_11 (worked by hand in the docs).
TOY_R11 = "0.5744"

# Uncaught errors that Notebook 7.6's own shell throws while it loads, before any cell runs,
# whatever the notebook; tolerated only then and only in Notebook 7 (every other uncaught
# page error fails the tests):
# - its keyboard-shortcuts plugin reads the settings schema of a plugin not loaded yet (with
#   or without this project's widgets, extensions or user settings; JupyterLab 4.6 does not);
# - once the server has served a JupyterLab page, Notebook 7 pages inherit JupyterLab's page
#   config (jupyterlab_server writes "treePath", "mode", "workspace" into the server-wide
#   settings["page_config_data"] that Notebook 7 copies), so Notebook 7 tries to open that
#   tree path with a file-browser command it does not have.
NOTEBOOK7_LOAD_ERRORS = (
    "Cannot read properties of undefined (reading 'schema')",
    "Command 'filebrowser:open-path' not registered.",
)

# The notebook panel on show (JupyterLab keeps hidden panels in the DOM).
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"

# Every place where Jupyter or its kernel would keep user state: all in the temp dir.
_STATE_DIRS = {
    "JUPYTER_CONFIG_DIR": "config",
    "JUPYTER_DATA_DIR": "data",
    "JUPYTER_RUNTIME_DIR": "runtime",
    "JUPYTERLAB_SETTINGS_DIR": "lab-settings",
    "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
    "IPYTHONDIR": "ipython",
    "MPLCONFIGDIR": "matplotlib",
    "HOME": "home",
    "XDG_CONFIG_HOME": "home/.config",
    "XDG_CACHE_HOME": "home/.cache",
    "XDG_DATA_HOME": "home/.local/share",
}
# Would point Jupyter at other config, data or kernels than the venv's and the temp dir's.
_ENV_DROPPED = (
    "JUPYTER_PATH",
    "JUPYTER_CONFIG_PATH",
    "JUPYTER_PREFER_ENV_PATH",
    "JUPYTER_PLATFORM_DIRS",
    "JUPYTER_TOKEN",
    "JUPYTER_PORT",
    "PYTHONSTARTUP",
)
# User settings (JupyterLab's and Notebook 7's): never autosave the notebook, and no
# "get notified about Jupyter news?" toast over the page.
_USER_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false"},
}


# ------------------------------------------------------------------------------ the server


@dataclass
class JupyterServer(ServerLog):
    base_url: str
    token: str
    log_path: Path
    process: subprocess.Popen
    workspaces_dir: Path

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}?token={self.token}"

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(self.url(f"api/{path}"), method=method)
        with DIRECT.open(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def forget_workspaces(self):
        """Each test starts from no saved JupyterLab layout (open tabs, file browser folder):
        JupyterLab saves one per workspace, and the tests must not depend on their order."""
        for path in self.workspaces_dir.glob("*"):
            path.unlink()

    def shutdown_kernels(self):
        """End every session and kernel (a closed page leaves its kernel running)."""
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", method="DELETE")
        for kernel in self.api("kernels"):
            self.api(f"kernels/{kernel['id']}", method="DELETE")

    def notebook_kernel_idle(self, path: str) -> bool:
        """The server has a session for the notebook whose kernel is idle and connected to
        (a browser's websocket)."""
        return any(
            s["path"] == path
            and (s.get("kernel") or {}).get("execution_state") == "idle"
            and s["kernel"].get("connections", 1) >= 1
            for s in self.api("sessions")
        )


def _status_ok(url: str) -> bool:
    try:
        with DIRECT.open(url, timeout=2) as response:
            return response.status == 200 and "started" in json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _kill_leftover_kernels(runtime_dir: Path):
    """Safety net: kernels run in their own sessions (not the server's process group), so
    kill any still alive whose connection file lies in this server's runtime dir."""
    marker = str(runtime_dir).encode()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if marker in cmdline and b"kernel" in cmdline:
            try:
                os.kill(int(proc.name), signal.SIGKILL)
            except OSError:
                pass


@pytest.fixture(scope="module")
def jupyter_server(artifacts_dir, tmp_path_factory):
    """`jupyter lab` on a free loopback port with a random token, the repo root as root and
    all user state in a temp dir; stopped after (terminate, then kill its process group)."""
    state = tmp_path_factory.mktemp("jupyter-state")
    env = {k: v for k, v in os.environ.items() if k not in _ENV_DROPPED}
    for var, sub in _STATE_DIRS.items():
        (state / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(state / sub)
    for plugin, settings in _USER_SETTINGS.items():
        path = state / "lab-settings" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))

    port, token = free_port(), secrets.token_hex(24)
    log_path = artifacts_dir / "jupyter.log"
    cmd = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={REPO_ROOT}",
        "--ServerApp.open_browser=False",
        "--ServerApp.allow_root=True",  # CI and this machine run as root
        "--ServerApp.terminals_enabled=False",
        # Opening a notebook writes a checkpoint: keep those out of the repo.
        f"--FileCheckpoints.checkpoint_dir={state / 'checkpoints'}",
        # Offline and quiet: no news feed, no update check, no PyPI extension manager.
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    header = "$ " + " ".join(a.replace(token, "<token>") for a in cmd) + "\n"
    process = start_server(cmd, REPO_ROOT, log_path, env=env, log_header=header)
    server = JupyterServer(
        f"http://127.0.0.1:{port}/", token, log_path, process, state / "lab-workspaces"
    )
    try:
        wait_until_serving(
            "Jupyter",
            lambda: _status_ok(server.url("api/status")),
            process,
            log_path,
            SERVER_START_TIMEOUT_S,
        )
        # The venv's python3 kernel must be found (sys.prefix/share/jupyter stays on the
        # data path), or the notebook would ask for a kernel.
        specs = server.api("kernelspecs")
        assert "python3" in specs["kernelspecs"], specs
        yield server
    finally:
        try:
            stop_server(process)
        finally:
            _kill_leftover_kernels(state / "runtime")


# ------------------------------------------------------------------------------ the page


@dataclass
class NotebookPage:
    """A browser page on notebooks/app.ipynb in JupyterLab or Notebook 7."""

    page: object
    server: JupyterServer
    log_offset: int
    errors: PageErrors
    page_errors_before_run: int = 0

    # -------------------------------------------------------------- the notebook

    def open(self, path: str):
        """Load the notebook, then wait until its kernel is connected and idle."""
        self.page.goto(self.server.url(path), timeout=TIMEOUT_MS)
        self.page.locator(f"{PANEL} .jp-Notebook .jp-CodeCell").first.wait_for()
        self.wait_kernel_idle()

    def wait_kernel_idle(self):
        """Kernel named in the toolbar and idle, in the page and on the server. Accepts the
        kernel-selection dialog if one is shown (it is not when the python3 kernel is
        found)."""
        ready_or_dialog = (
            "panel => { if (document.querySelector('.jp-Dialog')) return 'dialog';"
            " const p = document.querySelector(panel); if (!p) return false;"
            " const name = p.querySelector('.jp-Toolbar-kernelName');"
            " const ind = p.querySelector('.jp-Notebook-ExecutionIndicator');"
            " return name && ind && !/No Kernel/.test(name.textContent)"
            " && ind.getAttribute('data-status') === 'idle' && 'idle'; }"
        )
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while True:
            state = self.page.wait_for_function(ready_or_dialog, arg=PANEL).json_value()
            if state == "idle":
                break
            dialog = self.page.locator(".jp-Dialog")
            assert "kernel" in dialog.inner_text().lower(), dialog.inner_text()
            dialog.locator(".jp-mod-accept").click()
            dialog.wait_for(state="detached")
            assert time.monotonic() < deadline, "kernel selection dialog keeps coming back"
        while not self.server.notebook_kernel_idle(NOTEBOOK):
            assert time.monotonic() < deadline, (
                f"no idle kernel session: {self.server.api('sessions')}"
            )
            time.sleep(0.1)

    def menu(self, menu: str, item: str):
        """Click a menu bar menu, then one of its items (as a user does)."""
        self.page.locator(".lm-MenuBar-item", has_text=re.compile(f"^{re.escape(menu)}$")).click()
        self.page.get_by_role("menuitem", name=item, exact=True).click()

    def outputs(self):
        return self.page.locator(f"{PANEL} .jp-Notebook .jp-OutputArea-output")

    def code_prompt(self) -> str:
        return self.page.locator(f"{PANEL} .jp-CodeCell .jp-InputPrompt").first.inner_text()

    def clear_and_run_all(self):
        # The saved outputs go first: what renders next can only come from this kernel.
        self.menu("Edit", "Clear Outputs of All Cells")
        self.page.wait_for_function(
            "sel => document.querySelectorAll(sel).length === 0",
            arg=f"{PANEL} .jp-Notebook .jp-OutputArea-output",
        )
        assert self.page.locator(EXPLORER).count() == 0
        self.page_errors_before_run = len(self.errors.uncaught)
        self.menu("Run", "Run All Cells")

    # -------------------------------------------------------------- the explorer

    def src(self) -> str:
        return self.page.locator(FIGURE).first.get_attribute("src")

    def table_text(self) -> str:
        return self.page.locator(TABLE).inner_text()

    def wait_image_loaded(self, old_src: str | None = None):
        """Wait until the figure shows a decoded picture (other than old_src, if given)."""
        self.page.wait_for_function(NEW_PICTURE_JS, arg=[FIGURE, old_src])

    def wait_text(self, selector: str, text: str):
        """Wait until the element shows the text; on timeout, fail saying what it shows."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_function(SHOWS_TEXT_JS, arg=[selector, text])
        except PlaywrightTimeout:
            shown = self.page.locator(selector)
            shown = shown.first.inner_text() if shown.count() else "(no such element)"
            pytest.fail(f"{selector} never showed {text!r}; it shows:\n{shown}")

    # -------------------------------------------------------------- the final check

    def assert_no_errors(self, known_load_errors=()):
        """No error output in the notebook, none in the browser, none in the server's log,
        and the notebook was not saved. known_load_errors: page errors tolerated if thrown
        before the cells were run."""
        assert_no_error_output(
            self.page.locator(
                f"{PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
            ),
            "\n".join(self.outputs().all_inner_texts()),
        )
        self.errors.assert_none(
            _is_expected_console_error, known_load_errors, self.page_errors_before_run
        )
        log = self.server.log_since(self.log_offset)
        assert "Traceback" not in log, log
        assert "Saving file at" not in log, "the test saved the notebook:\n" + log


_FONT_SUFFIXES = (".woff", ".woff2", ".ttf", ".eot", ".otf")


def _is_expected_console_error(entry) -> bool:
    """Web fonts that fail to load; any other console error counts. Offline, CDN fonts fail.
    And once the server has served JupyterLab's copy of a hashed font file (MathJax's),
    Notebook 7's request for its own copy under /static/notebook/ gets a 403 ("not in root
    static directory": jupyter_server's FileFindHandler caches found files by name for all
    static roots), so Notebook 7 then draws the "Show your work" formulas in fallback
    fonts. Upstream, and only when one server serves both; the explorer itself works."""
    url = entry["url"].split("?", 1)[0]
    return url.endswith(_FONT_SUFFIXES) and "Failed to load resource" in entry["text"]


@pytest.fixture
def notebook_page(browser, jupyter_server):
    """A fresh page on a fresh kernel; the kernel is shut down after."""
    jupyter_server.shutdown_kernels()
    jupyter_server.forget_workspaces()
    try:
        # Closed without beforeunload: no "leave with unsaved changes?" prompt.
        with open_page(browser) as (page, errors):
            yield NotebookPage(page, jupyter_server, jupyter_server.log_size(), errors)
    finally:
        jupyter_server.shutdown_kernels()


def _screenshot(nb: NotebookPage, path: Path):
    explorer = nb.page.locator(EXPLORER)
    if explorer.count():
        explorer.first.evaluate("e => e.scrollIntoView({block: 'start'})")
    nb.page.screenshot(path=str(path))


def _run_and_step(nb: NotebookPage, path: str, screenshot: Path, known_load_errors=()):
    """The student's path: open, run all, see the start, click "next ▶", see E-step 1."""
    try:
        nb.open(path)
        nb.clear_and_run_all()

        nb.page.locator(EXPLORER).wait_for(state="visible")
        nb.page.locator(FIGURE).first.wait_for(state="visible")
        nb.wait_image_loaded()
        nb.wait_text(TABLE, NO_E_STEP)
        nb.wait_text(LABEL, "Half-step 0 of")
        nb.wait_kernel_idle()
        assert nb.code_prompt().strip() == "[1]:"  # run once, by this fresh kernel
        assert nb.page.locator(EXPLORER).count() == 1
        src0 = nb.src()
        assert src0.startswith(("blob:", "data:")), src0

        nb.page.locator(NEXT).click()
        nb.wait_image_loaded(src0)
        nb.wait_text(TABLE, TOY_R11)
        nb.wait_text(LABEL, "Half-step 1 of")
        table = nb.table_text()
        assert NO_E_STEP not in table, table
        assert TOY_R11 in table, table
        assert nb.src() != src0
        check_downloads(
            nb.page, nb.page.locator(EXPLORER).first, screenshot.parent, screenshot.stem
        )
        nb.assert_no_errors(known_load_errors)
    finally:
        _screenshot(nb, screenshot)


# ---------------------------------------------------------------------------------- tests


def test_explorer_runs_and_steps_in_jupyterlab(notebook_page, artifacts_dir):
    _run_and_step(notebook_page, f"lab/tree/{NOTEBOOK}", artifacts_dir / "jupyterlab.png")
    # It is JupyterLab's shell, not Notebook 7's.
    assert notebook_page.page.locator("#jp-main-dock-panel").count() == 1


def test_explorer_runs_and_steps_in_notebook7(notebook_page, artifacts_dir):
    _run_and_step(
        notebook_page,
        f"notebooks/{NOTEBOOK}",
        artifacts_dir / "notebook7.png",
        known_load_errors=NOTEBOOK7_LOAD_ERRORS,
    )
    # It is Notebook 7's single-document shell, not JupyterLab's.
    assert notebook_page.page.locator("#jp-main-dock-panel").count() == 0
    assert notebook_page.page.locator("#main-panel").count() == 1
