"""The app in front of a class: what a teacher at a projector needs, in a real browser.

Each test is one thing a teacher noticed (issue 9): feedback where the eye is, the picture in
view while settings change, a projector mode readable from the back, presenter keys, a way
back to the start, tooltips and a page title, the selected point in the picture. The page,
server and checks (no error, no request leaving the machine) are those of
test_app_browser.py. Screenshots of each state go to test-artifacts/classroom-*.png.
"""

from __future__ import annotations

import pytest
from app_page import FIGURE, LABEL, NEXT, READOUT, TABLE, App
from browser_helpers import skip_module_without_browser

from gmm_viz.plotting import SIZES

skip_module_without_browser()

K_IS_2 = "sel => document.querySelector(sel).value === '2'"


def _box(app: App, selector: str) -> dict:
    return app.page.locator(selector).first.bounding_box()


def _in_view(app: App, box: dict) -> bool:
    view = app.page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= view["height"]
        and box["x"] >= 0
        and box["x"] + box["width"] <= view["width"]
    )


def _shot(app: App, artifacts_dir, name: str):
    app.page.screenshot(path=str(artifacts_dir / f"classroom-{name}.png"))


def test_a_bad_paste_is_answered_next_to_the_button(app, artifacts_dir):
    app.page.set_viewport_size({"width": 1400, "height": 900})
    app.open()
    figure_before = _box(app, FIGURE)
    app.open_data_section()
    app.page.locator(".gmm-explorer textarea").fill("1, 2, abc")
    button = app.page.locator(".gmm-paste-use")
    button.click()
    message = app.page.locator(".gmm-data-message")
    app.page.wait_for_function(
        "sel => document.querySelector(sel).textContent.includes('abc')",
        arg=".gmm-data-message",
    )
    box, near = message.bounding_box(), button.bounding_box()
    assert _in_view(app, box), box
    assert 0 <= box["y"] - (near["y"] + near["height"]) < 250, (box, near)
    assert "'abc'" in message.inner_text() and "Cannot do that" not in message.inner_text()
    # The banner says it too, in view, and the picture did not move down for it.
    assert "'abc'" in app.page.locator(".gmm-banner").inner_text()
    assert _in_view(app, _box(app, ".gmm-banner"))
    assert _box(app, FIGURE)["y"] == pytest.approx(figure_before["y"], abs=1)
    _shot(app, artifacts_dir, "bad-paste")
    app.assert_no_errors()


def test_a_refused_k_is_said_beside_the_box_never_silently(app, artifacts_dir):
    app.page.set_viewport_size({"width": 1400, "height": 900})
    app.open()
    app.open_model_section()
    k_box = app.page.locator(".gmm-k input")
    message = app.page.locator(".gmm-model-message")
    for typed, words in (("3", "set K to 2"), ("20", "from 1 to 12")):
        k_box.fill(typed)
        k_box.press("Enter")
        app.page.wait_for_function(
            "([sel, words]) => document.querySelector(sel).textContent.includes(words)",
            arg=[".gmm-model-message", words],
        )
        assert _in_view(app, message.bounding_box())
        near = k_box.bounding_box()
        assert abs(message.bounding_box()["y"] - near["y"]) < 450
        app.page.wait_for_function(
            "sel => document.querySelector(sel).value === '2'", arg=".gmm-k input"
        )
    # The picture stayed in view while the settings were used.
    assert _box(app, FIGURE)["y"] < app.page.viewport_size["height"] / 2
    _shot(app, artifacts_dir, "refused-k")
    app.assert_no_errors()


def test_the_picture_stays_in_view_while_a_setting_changes(app, artifacts_dir):
    app.page.set_viewport_size({"width": 1400, "height": 900})
    app.open()
    app.open_model_section()
    select = app.page.locator(".gmm-cov select")
    with app.refitting():
        select.select_option("tied")  # in 1-D the one type that refits another model
    figure = _box(app, FIGURE)
    assert _in_view(app, select.bounding_box())
    assert figure["y"] < 200 and figure["y"] + 0.6 * figure["height"] < 900, figure
    _shot(app, artifacts_dir, "settings-beside-picture")
    app.assert_no_errors()


def test_projector_mode_is_readable_from_the_back_at_1280x720(app, artifacts_dir):
    app.page.set_viewport_size({"width": 1280, "height": 720})
    app.open()
    src = app.src()
    app.page.locator(".gmm-size").get_by_text("Projector", exact=True).click()
    app.wait_new_picture(src)
    # The picture is drawn inside the <img> box at the largest scale that fits it whole.
    scale = app.page.evaluate(
        "sel => { const img = document.querySelector(sel);"
        " const box = img.getBoundingClientRect();"
        " return Math.min(box.width / img.naturalWidth, box.height / img.naturalHeight); }",
        FIGURE,
    )
    tick_px = SIZES["projector"]["tick"] * 100 / 72 * scale  # the figure is drawn at 100 dpi
    assert tick_px >= 14, tick_px
    _shot(app, artifacts_dir, "projector-1280x720")
    app.assert_no_errors()


def test_a_narrow_window_puts_the_table_under_a_wider_picture(app, artifacts_dir):
    # 853 x 480 CSS pixels: a 1280 x 720 screen at 150 % zoom.
    app.page.set_viewport_size({"width": 853, "height": 480})
    app.open()
    app.page.locator(NEXT).click()
    app.wait_step(1)
    figure, table = _box(app, FIGURE), _box(app, TABLE)
    assert figure["width"] > table["width"], (figure, table)
    assert table["y"] >= figure["y"] + figure["height"] - 1, (figure, table)
    _shot(app, artifacts_dir, "narrow-853x480")
    app.assert_no_errors()


def test_presenter_keys_step_anywhere_but_in_a_text_box(app, artifacts_dir):
    app.open()
    app.page.locator(LABEL).click()  # focus on the page, not on a control
    for key, step in (("ArrowRight", 1), ("PageDown", 2), ("Space", 3), ("PageUp", 2)):
        src = app.src()
        app.page.keyboard.press(key)
        app.wait_new_picture(src)
        app.wait_step(step)
    # Typing (with arrows) in the paste box moves the caret, not EM.
    app.open_data_section()
    box = app.page.locator(".gmm-explorer textarea")
    box.click()
    box.type("1 2 3")
    box.press("ArrowLeft")
    box.press("Space")
    app.page.wait_for_timeout(500)
    assert app.readout() == "2"
    _shot(app, artifacts_dir, "keys")
    app.assert_no_errors()


# Everything scrolled on the page (Voila's page scrolls inside its own shell).
_SCROLLED_JS = (
    "() => Array.from(document.querySelectorAll('*'))"
    ".reduce((sum, e) => sum + e.scrollTop, document.scrollingElement.scrollTop)"
)
# The label shows the half-step of the slider's readout.
_SHOWS_READOUT_JS = (
    "([readout, label]) => { const r = document.querySelector(readout).textContent.trim();"
    " return document.querySelector(label).textContent.includes(`Half-step ${r} of`); }"
)
# What a click does to the half-step shown (the others leave it).
_CLICK_MOVES = {"Next": lambda s: s + 1, "Previous": lambda s: max(s - 1, 0), "Start over": 0}


def _clicker_steps_after(app: App, what: str, control) -> None:
    """Click the control (a second click puts a toggle back), then press every presenter
    key: each steps once, and nothing scrolls."""
    before = int(app.readout())
    control.click()
    if what in ("Play", "whole curve", "lower bound"):
        control.click()
    if what == "Play":
        # Play and pause again: the browser's timer may have stepped once in between.
        app.page.wait_for_function(
            "sel => document.querySelector(sel).textContent.includes('Play')", arg=".gmm-play"
        )
        app.page.wait_for_function(_SHOWS_READOUT_JS, arg=[READOUT, LABEL])
        step = int(app.readout())
    else:
        move = _CLICK_MOVES.get(what, lambda s: s)
        step = move(before) if callable(move) else move
    try:
        app.wait_step(step)
    except Exception as exc:
        raise AssertionError(f"clicking {what!r} at {before} did not show {step}") from exc
    if step == 0:
        app.page.keyboard.press("ArrowRight")
        step = 1
        app.wait_step(step)
    scrolled = app.page.evaluate(_SCROLLED_JS)
    focused = app.page.evaluate("() => document.activeElement.outerHTML.slice(0, 80)")
    for key, delta in (
        ("PageDown", 1),
        ("Space", 1),
        ("ArrowRight", 1),
        ("PageUp", -1),
        ("ArrowLeft", -1),
    ):
        step += delta
        app.page.keyboard.press(key)
        try:
            app.wait_step(step)
        except Exception as exc:
            raise AssertionError(
                f"after clicking {what!r} (focus on {focused}), {key} did not step to "
                f"{step}; the page shows {app.readout()}"
            ) from exc
        assert app.page.evaluate(_SCROLLED_JS) == scrolled, f"{key} scrolled after {what!r}"


def test_a_clicker_steps_whatever_was_clicked_last(app, artifacts_dir):
    """Step 1 of the teacher's script is a click on Projector: the clicker must still step
    after it, and after every other button, checkbox, section header and the slider."""
    app.open()
    page, root = app.page, app.page.locator(".gmm-explorer")
    controls = [
        ("Projector", root.get_by_role("button", name="Projector")),
        ("Screen", root.get_by_role("button", name="Screen")),
        ("Next", page.locator(NEXT)),
        ("Previous", page.locator(".gmm-prev")),
        ("Play", page.locator(".gmm-play")),
        ("Start over", page.locator(".gmm-reset")),
        ("whole curve", page.locator(".gmm-whole-run input")),
        ("lower bound", page.locator(".gmm-bound input")),
        ("slider", page.locator(".gmm-step-slider .noUi-handle")),
        ("picture", page.locator(FIGURE)),
        ("Data header", page.locator(".gmm-settings").get_by_text("Data", exact=True).first),
    ]
    for what, control in controls:
        _clicker_steps_after(app, what, control)
    _shot(app, artifacts_dir, "clicker-after-buttons")
    app.assert_no_errors()


def test_home_and_end_go_to_the_first_and_last_half_step_of_any_run(app):
    """The slider's own End key stopped at the first run's length on a longer run."""
    app.open()
    toy_label = app.label()
    app.choose_data("Old Faithful: both columns (2-D)")
    # Both runs open at half-step 0: wait for the new run's label, not the old one's.
    app.page.wait_for_function(
        "([sel, old]) => { const t = document.querySelector(sel);"
        " return t && t.textContent.trim() && !t.textContent.includes(old); }",
        arg=[LABEL, toy_label.split(" — ")[0]],
    )
    app.wait_step(0)
    last = int(app.label().split(" of ", 1)[1].split()[0])
    assert last > 46, last
    app.page.locator(".gmm-step-slider .noUi-handle").focus()
    app.page.keyboard.press("End")
    app.wait_step(last)
    app.page.keyboard.press("Home")
    app.wait_step(0)
    app.assert_no_errors()


def test_start_over_returns_to_the_worked_start(app, artifacts_dir):
    app.open()
    app.use_kmeans_with_k(3)
    app.page.locator(NEXT).click()
    app.wait_step(1)
    with app.refitting():
        app.page.locator(".gmm-reset").click()
    app.wait_step(0)
    app.page.wait_for_function(
        "sel => document.querySelector(sel).value === '2'", arg=".gmm-k input"
    )
    assert "No E-step has run yet" in app.table_text()
    app.page.locator(NEXT).click()
    app.wait_table_contains("0.5744")  # the worked example's first responsibility again
    _shot(app, artifacts_dir, "start-over")
    app.assert_no_errors()


def test_every_button_has_a_tooltip_and_the_page_a_title(app):
    app.open()
    assert app.page.title() == "EM explorer · gmm_viz"

    def visible_titles():
        buttons = app.page.locator(".gmm-explorer button")
        return [
            buttons.nth(i).get_attribute("title")
            for i in range(buttons.count())
            if buttons.nth(i).is_visible()
        ]

    titles = visible_titles()
    app.open_data_section()
    titles += visible_titles()
    app.open_model_section()
    titles += visible_titles()
    assert len(titles) >= 15
    assert all(t and t.strip() for t in titles), titles
    app.assert_no_errors()


def test_the_selected_point_is_marked_in_the_picture(app, artifacts_dir):
    app.open()
    app.page.locator(NEXT).click()
    app.wait_step(1)
    src = app.src()
    point = app.page.locator(".gmm-point input")
    point.fill("4")
    point.press("Enter")
    app.wait_new_picture(src)  # the ring moved to point 4
    app.page.wait_for_function(
        "sel => document.querySelector(sel).textContent.includes('E-step for point 4')",
        arg=".gmm-work",
    )
    assert app.readout() == "1"
    point.fill("9")
    point.press("Enter")
    app.page.wait_for_function(
        "sel => document.querySelector(sel).textContent.includes('Point 9 does not exist')",
        arg=".gmm-work-message",
    )
    _shot(app, artifacts_dir, "selected-point")
    app.assert_no_errors()


def test_the_whole_curve_switch_and_the_m_step_numbers(app, artifacts_dir):
    app.open()
    for step in (1, 2):
        app.page.locator(NEXT).click()
        app.wait_step(step)
    # The show-your-work numbers are the README's: one rounding rule.
    app.page.wait_for_function(
        "sel => document.querySelector(sel).textContent.includes('1.3066')", arg=".gmm-work"
    )
    work = app.page.locator(".gmm-work").inner_text()
    assert "0.3510" in work and "1.31)" not in work
    src = app.src()
    app.page.locator(".gmm-whole-run input").check()
    app.wait_new_picture(src)
    _shot(app, artifacts_dir, "whole-curve")
    app.assert_no_errors()


def test_the_old_faithful_demo_travels_and_an_upload_shows_its_name(app, tmp_path):
    app.open()
    app.choose_data("Old Faithful: both columns (2-D)")
    app.wait_step(0)
    label = app.label()
    steps = int(label.split("Half-step 0 of ")[1].split()[0])
    assert steps >= 40, label  # 20+ iterations from the visibly wrong start
    csv = tmp_path / "heights.csv"
    csv.write_text("height\n11.25\n13.5\n12.75\n42.75\n44.0\n45.5\n43.25\n")
    with app.refitting():
        app.upload(csv)
    app.page.wait_for_function(
        "sel => document.querySelector(sel).textContent.includes('heights.csv')",
        arg=".gmm-upload-label",
    )
    assert "(1)" not in app.page.locator(".gmm-upload").inner_text()
    app.assert_no_errors()
