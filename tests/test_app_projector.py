"""Projector mode in a real browser: at 1280x720, 1920x1080 and 1280x720 zoomed to 150 %
(853x480 CSS pixels), the picture, the responsibilities and "Show your work" fit the window.

On the toy (with "Data" open), then Old Faithful (2-D) and the galaxies with K = 4 (with
"Model and start" open), at an E-step and an M-step:
no horizontal scrolling, every text at least 16 px, no label cut short, every column of the
table inside its panel, and each formula's result in view. Screenshots of each go to
test-artifacts/projector-<size>-<data>-<step>[-table|-work].png.

Skipped when chromium or the playwright package is missing, except under CI=true.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from app_page import LOOPBACK, NEXT, App
from browser_helpers import PageErrors, skip_module_without_browser

skip_module_without_browser()  # unless CI=true: then the `browser` fixture fails every test

# The machine may be busy: generous ceilings, never fixed sleeps.
SLOW_MS = 120_000
MIN_FONT_PX = 16
SIZES = {
    "1280x720": ({"width": 1280, "height": 720}, 1),
    "1920x1080": ({"width": 1920, "height": 1080}, 1),
    "1280x720-at-150pc": ({"width": 853, "height": 480}, 1.5),
}
DATA = {
    "faithful": "Old Faithful: both columns (2-D)",
    "galaxies": "Galaxies: velocities (1-D)",
}

# Every visible text of the app's page (MathJax's glyphs are CSS: their container counts)
# whose computed size is under the minimum: [size, tag, text].
SMALL_TEXT_JS = """min => {
  const root = document.querySelector('#rendered_cells, .gmm-explorer');
  const small = [];
  const seen = new Set();
  const check = (el, text) => {
    if (seen.has(el)) return;
    seen.add(el);
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || el.closest('.gmm-live, mjx-assistive-mml')) return;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < min) small.push([size, el.tagName, text.trim().slice(0, 40)]);
  };
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.textContent.trim()) check(n.parentElement, n.textContent);
  }
  root.querySelectorAll('mjx-container').forEach(m => check(m, 'MathJax'));
  return small;
}"""

# Labels and buttons whose words do not fit (ipywidgets ellipsises them): [text, need, has].
CUT_LABELS_JS = """() => [...document.querySelectorAll('.gmm-explorer :is(' +
    '.widget-label, .widget-label-basic, button, .jupyter-widget-Collapse-header)')]
  .filter(e => e.getBoundingClientRect().width > 0 && e.scrollWidth > e.clientWidth + 1)
  .map(e => [e.textContent.trim(), e.scrollWidth, e.clientWidth])"""

# The table's columns whose header or footer cell reaches past the table's panel or the
# window: [text, right edge, panel's right edge].
CUT_COLUMNS_JS = """() => {
  const panel = document.querySelector('.gmm-table').getBoundingClientRect();
  const right = Math.min(panel.right, window.innerWidth) + 0.5;
  return [...document.querySelectorAll('.gmm-table thead th, .gmm-table tfoot td.gmm-nk')]
    .map(c => [c.textContent.trim(), c.getBoundingClientRect()])
    .filter(([, b]) => b.right > right || b.left < panel.left - 0.5)
    .map(([t, b]) => [t, b.right, right]);
}"""

# Each formula chain of "Show your work" whose last piece (its result) is out of view:
# [the chain's text, the result's right edge, the panel's right edge].
HIDDEN_RESULTS_JS = """() => {
  const work = document.querySelector('.gmm-work').getBoundingClientRect();
  const right = Math.min(work.right, window.innerWidth) + 0.5;
  return [...document.querySelectorAll('.gmm-work .gmm-chain')].map(chain => {
    const pieces = chain.querySelectorAll('mjx-container');
    const last = pieces[pieces.length - 1];
    const box = last.getBoundingClientRect();
    const scrolled = last.scrollWidth > last.clientWidth + 1;
    return [chain.textContent.slice(0, 60), box.right, right, scrolled];
  }).filter(([, r, right, scrolled]) => r > right || scrolled);
}"""

# MathJax has typeset every formula of "Show your work" (no raw TeX left).
TYPESET_JS = """() => {
  const work = document.querySelector('.gmm-work .widget-htmlmath-content');
  return work && work.querySelector('mjx-container')
    && !/\\$/.test(work.textContent) && [...work.querySelectorAll('.gmm-chain')]
      .every(c => c.querySelector('mjx-container'));
}"""
# arg: the work panel says this (its formulas are those of the half-step shown).
WORK_SAYS_JS = "text => document.querySelector('.gmm-work').textContent.includes(text)"


@contextmanager
def projector_app(browser, server, size):
    """The app at ``size`` (a key of SIZES), switched to Projector, with its errors recorded."""
    viewport, scale = SIZES[size]
    context = browser.new_context(viewport=viewport, device_scale_factor=scale)
    page = context.new_page()
    page.set_default_timeout(SLOW_MS)
    errors = PageErrors()
    errors.watch(page)
    outside = []

    def block_outside(route):
        if not LOOPBACK.match(route.request.url):
            outside.append(route.request.url)
            return route.abort()
        return route.continue_()

    page.route("**/*", block_outside)
    try:
        app = App(page, server, server.log_size(), errors)
        app.open()
        src = app.src()
        page.locator(".gmm-size").get_by_text("Projector", exact=True).click()
        page.locator(".gmm-explorer.gmm-projector").wait_for()
        app.wait_new_picture(src)  # redrawn at projector size
        yield app
        assert outside == [], f"requests that left the machine: {outside}"
    finally:
        page.close(run_before_unload=True)
        context.close()


def _open_data(app):
    """Open "Data" unless it is open (a click on an open section closes it)."""
    if not app.page.locator(".gmm-data select").is_visible():
        app.open_data_section()


def _choose(app, label, k):
    """Data set ``label`` with a k-means start and K = ``k`` (only what must change)."""
    _open_data(app)
    with app.refitting():
        app.page.locator(".gmm-data select").select_option(label=label)
    app.open_model_section()
    init = app.page.locator(".gmm-init select")
    if init.evaluate("s => s.options[s.selectedIndex].text") != "k-means":
        with app.refitting():
            init.select_option(label="k-means")
    k_box = app.page.locator(".gmm-k input")
    if k_box.input_value() != str(k):
        with app.refitting():
            k_box.fill(str(k))
            k_box.press("Enter")
    app.wait_step(0)


def _check_fits(app, where, shots, work_says):
    """Every condition of projector mode, at the half-step shown (its "Show your work"
    says ``work_says``); a screenshot first."""
    page = app.page
    page.wait_for_function(WORK_SAYS_JS, arg=work_says)
    page.wait_for_function(TYPESET_JS)
    # What the room sees: the top of the page, then scrolled to the table, to the formulas.
    for part, selector in (("", ".gmm-explorer"), ("-table", ".gmm-side"), ("-work", ".gmm-work")):
        page.locator(selector).evaluate("e => e.scrollIntoView({block: 'start'})")
        page.screenshot(path=str(shots / f"projector-{where}{part}.png"))
    widths = page.evaluate(
        "() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{where}: the page scrolls sideways {widths}"
    small = page.evaluate(SMALL_TEXT_JS, MIN_FONT_PX)
    assert not small, f"{where}: text under {MIN_FONT_PX} px: {small}"
    cut = page.evaluate(CUT_LABELS_JS)
    assert not cut, f"{where}: labels cut short [text, needs, has]: {cut}"
    columns = page.evaluate(CUT_COLUMNS_JS)
    assert not columns, f"{where}: table columns outside their panel: {columns}"
    hidden = page.evaluate(HIDDEN_RESULTS_JS)
    assert not hidden, f"{where}: formula results out of view: {hidden}"
    banner = page.locator(".gmm-banner").bounding_box()
    assert banner["height"] <= 4, f"{where}: the empty banner takes {banner['height']} px"


def _next_step(app, step):
    app.click_for_new_picture(NEXT)
    app.wait_step(step)


@pytest.mark.parametrize("size", list(SIZES))
def test_projector_fits_and_scales_everything(browser, voila_server, artifacts_dir, size):
    with projector_app(browser, voila_server, size) as app:
        runs = [("toy", None)] + list(DATA.items())
        for name, label in runs:
            if label is None:
                _open_data(app)  # the toy is checked with "Data" open, the others "Model"
            else:
                _choose(app, label, 4)
            point = app.page.locator(".gmm-point input")  # the worked example's point 4
            point.fill("4")
            point.press("Enter")
            _next_step(app, 1)
            app.wait_table_contains("E-step:")
            _check_fits(app, f"{size}-{name}-E1", artifacts_dir, "E-step for point 4")
            _next_step(app, 2)
            app.wait_table_contains("M-step:")
            # The toy's sigma_1^2 as worked by hand must be in view.
            says = "0.3510" if name == "toy" else "M-step for component 1"
            _check_fits(app, f"{size}-{name}-M1", artifacts_dir, says)
        assert not re.search(r"\S", app.page.locator(".gmm-banner").inner_text())
        app.assert_no_errors()
