"""The app's page in a real browser, as the browser tests drive it: the `App` helper and the
`app` fixture (a fresh page, so a fresh kernel, on the Voila server of conftest.py, with
every request that would leave this machine refused and recorded).
"""

from __future__ import annotations

import re
import time
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from browser_helpers import (
    NEW_PICTURE_JS,
    SHOWS_TEXT_JS,
    TIMEOUT_MS,
    PageErrors,
    assert_no_error_output,
    open_page,
)

FIGURE = ".gmm-figure"
HANDLE = ".gmm-step-slider .noUi-handle"
SLIDER_READY = ".gmm-step-slider .noUi-target:not([disabled])"
READOUT = ".gmm-step-slider .widget-readout"
LABEL = ".gmm-step-label"
TABLE = ".gmm-table"
MESSAGE = ".gmm-banner"
PLAY_BUTTON = ".gmm-play"
NEXT = ".gmm-next"
PREV = ".gmm-prev"

NO_E_STEP = "No E-step has run yet"
# Toy data, E-step 1, from the suggested start: r_11, r_21, r_31 (worked by hand in the docs).
TOY_E1_RESPONSIBILITIES = ("0.5744", "0.5987", "0.5374")

# Requests the page makes to a host other than this machine (each test fails on any).
LOOPBACK = re.compile(r"^(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?/|^(data|blob):")


@dataclass
class App:
    """A browser page on the app plus what is needed to check it stayed error-free."""

    page: object
    server: object
    log_offset: int
    errors: PageErrors

    # -------------------------------------------------------------- reading the page

    def open(self) -> float:
        """Load the app; return seconds from navigation to figure visible + slider enabled."""
        start = time.perf_counter()
        self.page.goto(self.server.url, timeout=TIMEOUT_MS)
        self.page.locator(FIGURE).wait_for(state="visible")
        self.page.locator(SLIDER_READY).wait_for(state="visible")
        self.wait_image_loaded()
        return time.perf_counter() - start

    def src(self) -> str:
        return self.page.locator(FIGURE).get_attribute("src")

    def readout(self) -> str:
        return self.page.locator(READOUT).inner_text().strip()

    def label(self) -> str:
        return self.page.locator(LABEL).inner_text()

    def table_html(self) -> str:
        return self.page.locator(TABLE).inner_html()

    def table_text(self) -> str:
        return self.page.locator(TABLE).inner_text()

    def table_headers(self) -> list[str]:
        return self.page.locator(f"{TABLE} thead th").all_inner_texts()

    def message_visible(self) -> bool:
        """Whether the banner holds a message (it keeps its place, empty, otherwise)."""
        return bool(self.page.locator(MESSAGE).inner_text().strip())

    # -------------------------------------------------------------- waiting

    def wait_image_loaded(self):
        self.page.wait_for_function(
            "sel => { const img = document.querySelector(sel);"
            " return img && img.src && img.complete && img.naturalWidth > 0; }",
            arg=FIGURE,
        )

    def wait_new_picture(self, old_src: str):
        """Wait until the figure shows another image than old_src, fully decoded."""
        self.page.wait_for_function(NEW_PICTURE_JS, arg=[FIGURE, old_src])

    def wait_refit(self, old_src: str, timeout_ms: float = TIMEOUT_MS):
        """After a change of data or options: wait for a new picture, or fail at once (with
        the sentence shown) if the explorer shows a message instead."""
        self.page.wait_for_function(
            "([fig, msg, old]) => { const img = document.querySelector(fig);"
            " const m = document.querySelector(msg);"
            " if (m && m.textContent.trim()) return true;"
            " return img && img.src !== old && img.complete && img.naturalWidth > 0; }",
            arg=[FIGURE, MESSAGE, old_src],
            timeout=timeout_ms,
        )
        assert not self.message_visible(), self.page.locator(MESSAGE).inner_text()

    def wait_step(self, step: int):
        """Wait until the readout and the label both show this half-step."""
        self.page.wait_for_function(
            "([readout, label, step]) => {"
            " const r = document.querySelector(readout), l = document.querySelector(label);"
            " return r && l && r.textContent.trim() === String(step)"
            " && l.textContent.includes(`Half-step ${step} of`); }",
            arg=[READOUT, LABEL, step],
        )

    def wait_table_contains(self, text: str):
        self.page.wait_for_function(SHOWS_TEXT_JS, arg=[TABLE, text])

    @contextmanager
    def refitting(self):
        """Around a change of data or options: then wait for the refit (see wait_refit)."""
        src = self.src()
        yield
        self.wait_refit(src)

    # -------------------------------------------------------------- doing

    def click_for_new_picture(self, button: str):
        """Click the button (NEXT, PREV) and wait until the figure shows a new picture."""
        src = self.src()
        self.page.locator(button).click()
        self.wait_new_picture(src)

    def press_on_slider(self, key: str):
        self.page.locator(HANDLE).focus()
        self.page.keyboard.press(key)

    def open_data_section(self):
        self.page.locator(".gmm-settings").get_by_text("Data", exact=True).first.click()
        self.page.locator(".gmm-data select").wait_for(state="visible")

    def open_model_section(self):
        self.page.locator(".gmm-settings").get_by_text("Model and start", exact=True).first.click()
        self.page.locator(".gmm-k input").wait_for(state="visible")

    def choose_data(self, label: str):
        """Data: choose a data set from the menu by its label, and wait for its refit."""
        if not self.page.locator(".gmm-data select").is_visible():
            self.open_data_section()
        with self.refitting():
            self.page.locator(".gmm-data select").select_option(label=label)

    def use_kmeans_with_k(self, k: int):
        """Model and start: a k-means start (the toy's own start has K = 2), then K = k."""
        self.open_model_section()
        with self.refitting():
            self.page.locator(".gmm-init select").select_option(label="k-means")
        k_box = self.page.locator(".gmm-k input")
        with self.refitting():
            k_box.fill(str(k))
            k_box.press("Enter")
        return k_box

    def upload(self, path):
        if not self.page.locator(".gmm-upload").is_visible():
            self.open_data_section()
        with self.page.expect_file_chooser() as chooser:
            self.page.locator(".gmm-upload").click()
        chooser.value.set_files(str(path))

    # -------------------------------------------------------------- the final check

    def assert_no_errors(self):
        """No traceback or error output anywhere: page, browser console, Voila's log."""
        assert_no_error_output(
            self.page.locator("[data-mime-type='application/vnd.jupyter.stderr']"),
            self.page.evaluate("document.body.textContent"),
        )
        self.errors.assert_none(_is_expected_console_error)
        log = self.server.log_since(self.log_offset)
        assert "Error at server while executing cell" not in log, log
        assert "Traceback" not in log, log
        assert "is not trusted" not in log, log


def _is_expected_console_error(entry) -> bool:
    return False  # none: the page makes no request outside this machine


@pytest.fixture
def app(browser, voila_server, artifacts_dir, request):
    """A fresh page (so a fresh kernel) on the loaded app; a screenshot is kept after."""
    # Running beforeunload on closing lets Voila shut this page's kernel down at once.
    with open_page(browser, run_before_unload=True) as (page, errors):
        outside = []

        def block_outside(route):
            # No request may leave this machine: record it and refuse it.
            if not LOOPBACK.match(route.request.url):
                outside.append(route.request.url)
                return route.abort()
            return route.continue_()

        page.route("**/*", block_outside)
        try:
            yield App(page, voila_server, voila_server.log_size(), errors)
            assert outside == [], f"requests that left the machine: {outside}"
        finally:
            # Voila's page scrolls inside its own shell (full_page would not help): show the
            # explorer's top, where the controls, the message, picture and table are.
            explorer = page.locator(".gmm-explorer")
            if explorer.count():
                explorer.evaluate("e => e.scrollIntoView({block: 'start'})")
            page.screenshot(path=str(artifacts_dir / f"{request.node.name}.png"))
