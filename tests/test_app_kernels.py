"""A class on one Voila server: a student's kernel lives exactly as long as their page.

The server is the one of conftest.py, started as the README starts it (so with `voila.json`:
preheated kernels, and a culler for kernels nobody is connected to). Each page's kernel is
known by the websocket the page opens (`/api/kernels/<id>/channels`) and found alive by its
process (an ipykernel whose connection file names the id).

* Closing, reloading or leaving the page frees its kernel at once: the page's shutdown
  beacon is accepted (the template gives the page the xsrf cookie Voila forgot to set).
* A browser that vanishes without a word (a crash, a closed laptop) leaves its kernel to the
  culler, which takes it within 60 s (30 s idle, checked every 10 s) but never touches a
  kernel whose page is still connected, however long it sits idle.
* A health check (a static file) starts no kernel.
"""

from __future__ import annotations

import os
import re
import time

import pytest
from app_page import FIGURE, NEXT, SLIDER_READY, _is_expected_console_error
from browser_helpers import (
    CHROMIUM_ARGS,
    DIRECT,
    NEW_PICTURE_JS,
    TIMEOUT_MS,
    chromium_path,
    open_page,
    skip_module_without_browser,
)

skip_module_without_browser()

# The promise to the teacher: a departed student's kernel is gone within this.
FREED_WITHIN_S = 60.0
KERNEL_IN_URL = re.compile(r"/api/kernels/([0-9a-f-]{36})/")


def _alive_kernels() -> set[str]:
    """The ids of the ipykernel processes running on this machine."""
    alive = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().decode(errors="replace")
        except OSError:
            continue
        match = re.search(r"kernel-([0-9a-f-]{36})\.json", cmd)
        if match and "ipykernel" in cmd:
            alive.add(match.group(1))
    return alive


def _watch_kernels(page) -> list[str]:
    """The kernel ids the page connects to, in order (a reload adds one)."""
    ids: list[str] = []

    def on_websocket(ws):
        match = KERNEL_IN_URL.search(ws.url)
        if match and match.group(1) not in ids:
            ids.append(match.group(1))

    page.on("websocket", on_websocket)
    return ids


def _load(page, url) -> None:
    page.goto(url, timeout=TIMEOUT_MS)
    page.locator(FIGURE).wait_for(state="visible")
    page.locator(SLIDER_READY).wait_for(state="visible")


def _seconds_until_gone(kernel_ids, limit_s=FREED_WITHIN_S + 15) -> float:
    """Seconds until none of the kernels is alive; fails after limit_s."""
    start = time.monotonic()
    while True:
        left = set(kernel_ids) & _alive_kernels()
        elapsed = time.monotonic() - start
        if not left:
            return elapsed
        if elapsed > limit_s:
            pytest.fail(f"{len(left)} kernel(s) still alive after {elapsed:.0f} s: {left}")
        time.sleep(0.5)


def _steps(page) -> None:
    """The page still works: Next gives a new picture."""
    old = page.locator(FIGURE).get_attribute("src")
    page.locator(NEXT).click()
    page.wait_for_function(NEW_PICTURE_JS, arg=[FIGURE, old])


def test_closing_reloading_and_leaving_free_the_kernel_at_once(browser, voila_server):
    with open_page(browser, run_before_unload=True) as (page, errors):
        ids = _watch_kernels(page)
        _load(page, voila_server.url)
        page.reload()
        page.locator(SLIDER_READY).wait_for(state="visible")
        page.reload()
        page.locator(SLIDER_READY).wait_for(state="visible")
        assert len(ids) == 3, ids
        # Two reloads: the first two kernels went with their pages.
        gone = _seconds_until_gone(ids[:2])
        assert ids[2] in _alive_kernels()
        page.goto("about:blank")  # leaving for another page
        gone = max(gone, _seconds_until_gone(ids[2:]))
        errors.assert_none(_is_expected_console_error)
    print(f"reloaded and left: kernels freed within {gone:.1f} s")
    assert gone < 10, "the shutdown beacon should free a kernel in seconds, not by culling"
    with open_page(browser, run_before_unload=True) as (page, _):
        ids = _watch_kernels(page)
        _load(page, voila_server.url)
    # The tab was closed (its beforeunload ran, as a browser's does when a tab closes).
    assert _seconds_until_gone(ids) < 10


def test_a_vanished_browser_is_culled_and_an_open_page_is_not(browser, voila_server):
    with open_page(browser, run_before_unload=True) as (staying, errors):
        stay_ids = _watch_kernels(staying)
        _load(staying, voila_server.url)
        # Another browser that goes away without running any page code: no beacon.
        lost = browser.browser_type.launch(
            executable_path=chromium_path(),
            headless=True,
            args=CHROMIUM_ARGS,
        )
        try:
            page = lost.new_page()
            lost_ids = _watch_kernels(page)
            _load(page, voila_server.url)
        finally:
            lost.close()
        gone = _seconds_until_gone(lost_ids)
        print(f"a vanished browser's kernel was culled after {gone:.1f} s")
        assert gone <= FREED_WITHIN_S
        # The staying student sat idle the whole time, still connected: never culled.
        assert stay_ids[0] in _alive_kernels()
        _steps(staying)
        errors.assert_none(_is_expected_console_error)


def test_a_health_check_starts_no_kernel(voila_server):
    """A static file answers a health check (or a load balancer's probe) without a kernel;
    the app's page itself would take one."""
    settled = _settled_kernels()
    for _ in range(3):
        with DIRECT.open(voila_server.url + "voila/static/voila.js", timeout=10) as response:
            assert response.status == 200
    time.sleep(3)
    assert not (_alive_kernels() - settled), "a health check started a kernel"


def _settled_kernels(quiet_s=4.0, limit_s=60.0) -> set[str]:
    """The kernels alive once no kernel has started or stopped for quiet_s (the preheated
    pool refills in the background after earlier pages)."""
    start = last_change = time.monotonic()
    seen = _alive_kernels()
    while time.monotonic() - last_change < quiet_s:
        if time.monotonic() - start > limit_s:
            pytest.fail("the kernels never settled")
        time.sleep(0.5)
        now = _alive_kernels()
        if now != seen:
            seen, last_change = now, time.monotonic()
    return seen
