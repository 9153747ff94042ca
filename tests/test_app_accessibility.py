"""The app is accessible: axe-core (node_modules/axe-core, from `npm ci`) finds no critical or
serious violation at the start, at an E-step with "Data" open, with "Model and start" open
and in Projector mode; the picture's text alternative narrates the half-step and a polite
live region announces it, so a screen reader follows a run.

Skipped when chromium or the playwright package is missing, except under CI=true. axe-core
comes from package.json: installed by `npm ci` when missing (browser_helpers), else a failure.
"""

from __future__ import annotations

import pytest
from app_page import FIGURE, NEXT
from browser_helpers import NODE_MODULES, ensure_npm_packages, skip_module_without_browser

skip_module_without_browser()  # unless CI=true: then the `browser` fixture fails every test

AXE = NODE_MODULES / "axe-core" / "axe.min.js"
LIVE = ".gmm-explorer [aria-live='polite']"

# The violations axe-core finds on the page, as [impact, rule, help, first targets].
AXE_RUN_JS = """async () => (await axe.run(document)).violations.map(v => [
  v.impact, v.id, v.help, v.nodes.slice(0, 4).map(n => n.target.join(' '))])"""

# arg [selector, text]: the picture's alt text contains text.
ALT_SAYS_JS = """([sel, text]) => {
  const img = document.querySelector(sel);
  return img && (img.getAttribute('alt') || '').includes(text); }"""


def _assert_no_serious_violations(page, where):
    """axe-core on the whole page: no critical or serious violation (all are listed)."""
    if not (ensure_npm_packages() or AXE.exists()):
        pytest.fail(f"axe-core is missing ({AXE}); run `npm ci`", pytrace=False)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate(AXE_RUN_JS)
    serious = [v for v in violations if v[0] in ("critical", "serious")]
    listed = "\n".join(
        f"  {impact} {rule}: {help_} {targets}" for impact, rule, help_, targets in serious
    )
    assert not serious, f"axe-core at {where}:\n{listed}"


def _wait_alt(app, text):
    app.page.wait_for_function(ALT_SAYS_JS, arg=[FIGURE, text])


def _settle(app, text):
    """Give the picture's alt text time to follow the half-step; without one, go on (axe
    then says what is missing, which is the better failure message)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        _wait_alt(app, text)
    except PlaywrightTimeout:
        pass


def test_axe_finds_no_serious_violation(app):
    app.open()
    _settle(app, "Half-step 0 of")
    _assert_no_serious_violations(app.page, "the start")

    app.click_for_new_picture(NEXT)
    app.wait_step(1)
    app.open_data_section()
    _settle(app, "Half-step 1 of")
    _assert_no_serious_violations(app.page, "an E-step with 'Data' open")

    app.open_model_section()
    _assert_no_serious_violations(app.page, "'Model and start' open")

    src = app.src()
    app.page.locator(".gmm-size").get_by_text("Projector", exact=True).click()
    app.page.locator(".gmm-explorer.gmm-projector").wait_for()
    app.wait_new_picture(src)
    _assert_no_serious_violations(app.page, "Projector mode")
    app.assert_no_errors()


def test_the_picture_and_a_live_region_narrate_each_half_step(app):
    app.open()
    page = app.page
    assert page.locator(".gmm-step-slider [role='slider']").get_attribute("aria-label")
    _wait_alt(app, "Half-step 0 of")
    alt = page.locator(FIGURE).get_attribute("alt")
    assert "the start" in alt
    assert "Component 1: weight α 0.5000, mean μ 1.0000, variance σ² 2.0000." in alt
    assert "Log-likelihood -7.0758." in alt

    # E-step 1: the worked example's responsibilities, read out, and announced.
    app.click_for_new_picture(NEXT)
    app.wait_step(1)
    _wait_alt(app, "E-step 1")
    alt = page.locator(FIGURE).get_attribute("alt")
    assert "point 4: 0.3894, 0.6106" in alt, alt
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel).textContent.includes(text)",
        arg=[LIVE, "point 4: 0.3894, 0.6106"],
    )
    assert page.locator(LIVE).get_attribute("role") == "status"

    # M-step 1: the Gaussians' new places, as worked by hand.
    app.click_for_new_picture(NEXT)
    app.wait_step(2)
    _wait_alt(app, "M-step 1")
    alt = page.locator(FIGURE).get_attribute("alt")
    assert "Component 1: weight α 0.5125, mean μ 1.3066, variance σ² 0.3510." in alt, alt
    # Announced once the steps pause (a moment after the picture).
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel).textContent === text", arg=[LIVE, alt]
    )
    app.assert_no_errors()
