"""The Voila app (notebooks/app.ipynb) in a real browser, used as a student would use it.

Voila serves the app (one server for the module, see conftest.py) and Playwright drives
Debian's chromium. Each test opens a fresh page (a fresh kernel), does one thing a student
does, and ends by checking that no error reached the page, the browser console or Voila's
log. One screenshot per test goes to test-artifacts/, plus test-artifacts/app.png (the app at
half-step 2, for the README) and test-artifacts/browser_timings.json.

Skipped when chromium or the playwright package is missing, except under CI=true, where a
missing browser makes every test here fail: CI must not pass by skipping.
"""

from __future__ import annotations

import json
import re
import statistics
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
    check_downloads,
    open_page,
    skip_module_without_browser,
)

skip_module_without_browser()  # unless CI=true: then the `browser` fixture fails every test

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

    def wait_refit(self, old_src: str):
        """After a change of data or options: wait for a new picture, or fail at once (with
        the sentence shown) if the explorer shows a message instead."""
        self.page.wait_for_function(
            "([fig, msg, old]) => { const img = document.querySelector(fig);"
            " const m = document.querySelector(msg);"
            " if (m && m.textContent.trim()) return true;"
            " return img && img.src !== old && img.complete && img.naturalWidth > 0; }",
            arg=[FIGURE, MESSAGE, old_src],
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


# ---------------------------------------------------------------------------------- tests


def test_page_loads_without_errors(app):
    app.open()
    assert app.page.locator(FIGURE).is_visible()
    assert app.page.locator(TABLE).is_visible()
    assert app.src().startswith(("blob:", "data:"))
    assert "Half-step 0 of" in app.label()
    assert app.readout() == "0"
    assert NO_E_STEP in app.table_text()
    assert not app.message_visible()
    app.assert_no_errors()


def test_arrow_keys_on_the_slider_change_picture_and_table(app):
    app.open()
    src0, table0 = app.src(), app.table_html()
    assert NO_E_STEP in app.table_text()

    app.press_on_slider("ArrowRight")
    app.wait_new_picture(src0)
    app.wait_step(1)
    app.wait_table_contains(TOY_E1_RESPONSIBILITIES[0])
    assert app.table_html() != table0
    table1 = app.table_text()
    assert NO_E_STEP not in table1
    for r in TOY_E1_RESPONSIBILITIES:
        assert r in table1

    src1 = app.src()
    app.press_on_slider("ArrowLeft")
    app.wait_new_picture(src1)
    app.wait_step(0)
    app.wait_table_contains(NO_E_STEP)
    assert not app.message_visible()
    app.assert_no_errors()


def test_play_advances_the_half_steps(app):
    app.open()
    src0 = app.src()
    play = app.page.locator(PLAY_BUTTON)
    assert play.inner_text().strip() == "▶ Play" and play.get_attribute("title")
    play.click()
    app.page.wait_for_function(
        "sel => parseInt(document.querySelector(sel).textContent, 10) > 0", arg=READOUT
    )
    app.wait_new_picture(src0)
    app.page.wait_for_function(
        "sel => document.querySelector(sel).textContent.includes('Pause')", arg=PLAY_BUTTON
    )
    play.click()
    # The kernel drew the step the slider shows: the label follows the readout.
    shown = int(app.readout())
    assert shown > 0
    app.wait_step(shown)
    assert not app.message_visible()
    app.assert_no_errors()


def test_previous_and_next_buttons(app):
    app.open()
    for step in (1, 2):
        app.click_for_new_picture(NEXT)
        app.wait_step(step)
    app.click_for_new_picture(PREV)
    app.wait_step(1)
    app.wait_table_contains(TOY_E1_RESPONSIBILITIES[0])
    app.click_for_new_picture(PREV)
    app.wait_step(0)
    # At the start, "previous" stays at half-step 0 without any complaint.
    app.page.locator(PREV).click()
    app.page.locator(NEXT).click()
    app.wait_step(1)
    assert not app.message_visible()
    app.assert_no_errors()


def test_initialisation_k_and_covariance_type_refit(app):
    app.open()
    app.open_model_section()

    # The toy's suggested start has K = 2: choose k-means first, then K = 3.
    with app.refitting():
        app.page.locator(".gmm-init select").select_option(label="k-means")

    k_box = app.page.locator(".gmm-k input")
    with app.refitting():
        k_box.fill("3")
        k_box.press("Enter")
    assert k_box.input_value() == "3"

    with app.refitting():
        app.page.locator(".gmm-cov select").select_option("spherical")

    # The refit is shown from its start; one E-step gives three responsibility columns.
    app.wait_step(0)
    app.click_for_new_picture(NEXT)
    app.wait_step(1)
    app.wait_table_contains("E-step:")
    headers = app.table_headers()
    assert [h for h in headers if h.startswith("β")] == ["βn1", "βn2", "βn3"], headers
    assert not app.message_visible()
    app.assert_no_errors()


def _first_e_step_table_shows(app, points: str, columns: list[str], values=()):
    """After new data: "next ▶" gives a table of `points` (e.g. "7 points") that shows the
    values, with the columns first; no message, no error."""
    app.click_for_new_picture(NEXT)
    app.wait_table_contains(points)
    table = app.table_text()
    for value in values:
        assert value in table
    headers = app.table_headers()
    assert headers[: len(columns)] == columns, headers
    assert not app.message_visible()
    app.assert_no_errors()


def test_choosing_old_faithful_both_columns(app):
    app.open()
    app.open_data_section()
    with app.refitting():
        app.page.locator(".gmm-data select").select_option(
            label="Old Faithful: both columns (2-D)"
        )
    app.wait_step(0)
    _first_e_step_table_shows(app, "272 points", ["point", "eruptions", "waiting"])


def test_uploaded_csv_is_used(app, tmp_path):
    csv = tmp_path / "heights.csv"
    csv.write_text("height\n11.25\n13.5\n12.75\n42.75\n44.0\n45.5\n43.25\n")
    app.open()
    with app.refitting():
        app.upload(csv)
    app.wait_step(0)
    # The data menu is set after the picture (a later message from the kernel): wait for it.
    app.page.wait_for_function(
        "sel => document.querySelector(sel).value === 'Your uploaded CSV'",
        arg=".gmm-data select",
    )
    _first_e_step_table_shows(
        app, "7 points", ["point", "height"], values=("11.25", "13.5", "42.75", "45.5")
    )


def test_bad_csv_shows_a_message_and_keeps_the_picture(app, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n3,abc\n5,6\n")
    app.open()
    # Move to half-step 1 first, so "the previous picture" is not just the start.
    app.click_for_new_picture(NEXT)
    app.wait_step(1)
    app.wait_table_contains(TOY_E1_RESPONSIBILITIES[0])
    src, table, label = app.src(), app.table_html(), app.label()

    app.upload(bad)
    message = app.page.locator(MESSAGE)
    message.wait_for(state="visible")
    text = message.inner_text()
    assert "Row 3, column 'y'" in text and "'abc'" in text and "not a number" in text, text
    assert app.src() == src
    assert app.table_html() == table
    assert app.label() == label
    assert app.readout() == "1"
    app.assert_no_errors()


def test_load_and_step_timings_and_readme_screenshot(app, artifacts_dir, capsys):
    """Records (does not assert) load-to-interactive and one-step-to-new-picture times,
    and saves test-artifacts/app.png: the toy example at half-step 2, 1400x1000."""
    load_s = app.open()
    step_s = []
    for step in range(1, 7):
        src = app.src()
        start = time.perf_counter()
        app.press_on_slider("ArrowRight")
        app.wait_new_picture(src)
        step_s.append(time.perf_counter() - start)
        app.wait_step(step)
        if step == 2:
            app.wait_table_contains("M-step:")
            app.page.locator(HANDLE).blur()
            app.page.screenshot(path=str(artifacts_dir / "app.png"))
    timings = {
        "page_load_to_interactive_s": round(load_s, 3),
        "slider_step_to_new_picture_median_s": round(statistics.median(step_s), 3),
        "slider_step_to_new_picture_s": [round(s, 3) for s in step_s],
        "what": (
            "page load: goto -> figure <img> visible and decoded, slider enabled (includes "
            "Voila starting a kernel and running the notebook); step: ArrowRight on the "
            "half-step slider -> the <img> shows a new, decoded picture. Toy example, "
            "headless Debian chromium, viewport 1400x1000."
        ),
    }
    (artifacts_dir / "browser_timings.json").write_text(json.dumps(timings, indent=2) + "\n")
    with capsys.disabled():
        print(f"\nbrowser timings: {json.dumps(timings)}")
    app.assert_no_errors()


def test_downloads_arrive_and_open(app, artifacts_dir):
    """This picture (PNG), the numbers (CSV) and the run (GIF) reach the browser as files."""
    app.open()
    app.press_on_slider("ArrowRight")
    app.wait_step(1)
    app.page.locator('a.gmm-png[download="toy-step-1.png"]').wait_for()
    saved = check_downloads(app.page, app.page.locator(".gmm-explorer"), artifacts_dir, "voila")
    assert saved["png"].name == "voila-toy-step-1.png"
    assert saved["gif"].name == "voila-toy-run.gif"
    app.assert_no_errors()
