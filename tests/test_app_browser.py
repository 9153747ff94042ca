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

import hashlib
import json
import statistics
import time

import pytest
from app_page import (
    FIGURE,
    HANDLE,
    MESSAGE,
    NEXT,
    NO_E_STEP,
    PLAY_BUTTON,
    PREV,
    READOUT,
    TABLE,
    TOY_E1_RESPONSIBILITIES,
)
from browser_helpers import (
    SHOWS_TEXT_JS,
    big_csv,
    check_downloads,
    skip_module_without_browser,
)

skip_module_without_browser()  # unless CI=true: then the `browser` fixture fails every test

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
    k_box = app.use_kmeans_with_k(3)
    assert k_box.input_value() == "3"

    with app.refitting():  # tied: in 1-D the one covariance type that is another model
        app.page.locator(".gmm-cov select").select_option("tied")

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
    app.choose_data("Old Faithful: both columns (2-D)")
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


# A big file takes seconds to read and fit on a busy two-core machine.
BIG_FILE_MS = 240_000


@pytest.mark.parametrize("megabytes", [12, 49.5])
def test_a_csv_over_the_servers_message_limit_and_near_ours_is_fitted(
    app, tmp_path_factory, megabytes
):
    """Tornado drops websocket messages over 10 MiB: a 12 MB file used to vanish ("Connection
    lost, reconnecting"). Now anything up to the stated 50 MB limit is fitted."""
    path, rows = big_csv(tmp_path_factory.mktemp("big") / f"heights-{megabytes}MB.csv", megabytes)
    assert path.stat().st_size <= 50_000_000
    app.open()
    src = app.src()
    app.upload(path)
    app.wait_refit(src, timeout_ms=BIG_FILE_MS)
    app.page.wait_for_function(SHOWS_TEXT_JS, arg=[".gmm-upload-label", f"in use: {path.name}"])
    app.page.locator(NEXT).click()
    app.page.wait_for_function(SHOWS_TEXT_JS, arg=[TABLE, f"{rows} points"], timeout=BIG_FILE_MS)
    assert not app.message_visible()
    app.assert_no_errors()


def test_a_60_mb_csv_gets_a_sentence_next_to_the_upload(app, tmp_path):
    path, _ = big_csv(tmp_path / "heights-60MB.csv", 60)
    app.open()
    app.click_for_new_picture(NEXT)
    src, table = app.src(), app.table_html()
    app.upload(path)
    app.page.wait_for_function(SHOWS_TEXT_JS, arg=[".gmm-data-message", "upload limit"])
    text = app.page.locator(".gmm-data-message").inner_text()
    assert "heights-60MB.csv is 60 MB" in text and "50 MB upload limit" in text, text
    assert app.src() == src and app.table_html() == table
    app.assert_no_errors()


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
    # The banner keeps its place when empty: wait for its words, not for it to be visible.
    app.page.wait_for_function(SHOWS_TEXT_JS, arg=[MESSAGE, "Row 3"])
    text = app.page.locator(MESSAGE).inner_text()
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
            "page load: goto -> figure <img> visible and decoded, slider enabled (a kernel "
            "from voila.json's preheated pool, or a fresh one when the pool is empty); "
            "step: ArrowRight on the "
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
    # The file is the picture on the screen (the link hands over the image the page shows).
    shown = app.page.evaluate(
        """async () => {
          const img = document.querySelector(".gmm-figure img, img.gmm-figure");
          const data = await (await fetch(img.src)).arrayBuffer();
          const digest = await crypto.subtle.digest("SHA-256", data);
          const hex = (b) => b.toString(16).padStart(2, "0");
          return Array.from(new Uint8Array(digest), hex).join("");
        }"""
    )
    assert hashlib.sha256(saved["png"].read_bytes()).hexdigest() == shown
    assert saved["gif"].name == "voila-toy-run.gif"
    app.assert_no_errors()
