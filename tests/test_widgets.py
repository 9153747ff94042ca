"""Tests of gmm_viz.widgets.EMExplorer, driven from Python (no browser, no kernel).

Setting a widget's value runs its observers synchronously, so each test sets a control and
checks the state, the artists, the table, the picture and the messages right after.
"""

import dataclasses
import html
import io
import re

import matplotlib

matplotlib.use("Agg")

import ipywidgets  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Ellipse  # noqa: E402

from gmm_viz import datasets, em, plotting  # noqa: E402
from gmm_viz.em import GaussianMixtureEM, component_densities, e_step  # noqa: E402
from gmm_viz.errors import GMMVizError  # noqa: E402
from gmm_viz.widgets import EMExplorer  # noqa: E402
from gmm_viz.widgets import explorer as explorer_module  # noqa: E402

TOY_X = np.array([0.9, 0.7, 1.2, 2.4, 1.8])


def _two_clusters_2d(n=20, seed=1):
    rng = np.random.default_rng(seed)
    return np.vstack([rng.normal([0, 0], 0.6, (n, 2)), rng.normal([4, 3], 0.8, (n, 2))])


def _csv_bytes(n=20, seed=2):
    """A 3-column CSV (a, b: two clusters; c: one more column), 2n rows."""
    rng = np.random.default_rng(seed)
    a = np.r_[rng.normal(0, 1, n), rng.normal(6, 1, n)]
    b = np.r_[rng.normal(0, 1, n), rng.normal(5, 1, n)]
    c = np.r_[rng.normal(-3, 0.5, n), rng.normal(3, 0.5, n)]
    rows = np.column_stack([a, b, c])
    text = "a,b,c\n" + "\n".join(",".join(f"{v:.5f}" for v in r) for r in rows) + "\n"
    return text.encode(), rows


def _send_upload(explorer, content, name="data.csv", chunk=7):
    """What the upload button's page code sends for a chosen file: its size, then the file
    in pieces (small ones here, so that several are needed), then the end."""
    upload = explorer.upload
    upload._handle(upload, {"event": "start", "id": "t", "name": name, "size": len(content)}, [])
    for offset in range(0, len(content), chunk):
        piece = memoryview(content[offset : offset + chunk])
        upload._handle(upload, {"event": "chunk", "id": "t", "offset": offset}, [piece])
    upload._handle(upload, {"event": "end", "id": "t"}, [])


def _table_rows(table_html):
    """The body rows of the responsibility table, as lists of cell texts."""
    body = re.search(r"<tbody>(.*)</tbody>", table_html, re.S).group(1)
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr)]
        if len(cells) > 1:  # skip the "... more points hidden" row
            rows.append(cells)
    return rows


def _table_nk(table_html):
    return [
        re.sub(r"<[^>]+>", "", c)
        for c in re.findall(r'<td class="gmm-nk"[^>]*>(.*?)</td>', table_html)
    ]


def _fixed_values(explorer):
    return {name: box.value for name, box in explorer.fixed_boxes.items()}


def _snapshot(explorer):
    """What must not change when an action fails."""
    return {
        "dataset": explorer.dataset,
        "history": explorer.history,
        "step": explorer.step,
        "n_steps": explorer.n_steps,
        "image": bytes(explorer.image.value),
        "figure": explorer.figure,
        "table": explorer.table_html.value,
        "options": dataclasses.replace(explorer.state.options),
        "slider": explorer.step_slider.value,
        "slider_max": explorer.step_slider.max,
        "data_dropdown": explorer.data_dropdown.value,
        "k": explorer.k_input.value,
        "cov": explorer.cov_dropdown.value,
        "init_params": explorer.init_dropdown.value,
        "random_state": explorer.seed_input.value,
        "reg": explorer.reg_dropdown.value,
        "fixed": _fixed_values(explorer),
        "columns": explorer.column_picker.value,
    }


def _assert_unchanged(explorer, before):
    after = _snapshot(explorer)
    assert after["dataset"] is before["dataset"]
    assert after["history"] is before["history"]
    assert after["figure"] is before["figure"]
    for key in before:
        if key not in ("dataset", "history", "figure"):
            assert after[key] == before[key], key


def _assert_message(explorer, *keywords):
    msg = explorer.message
    assert msg, "expected a message"
    assert "\n" not in msg and msg.rstrip().endswith("."), msg
    assert len(msg) < 300, msg
    for word in keywords:
        assert word.lower() in msg.lower(), (word, msg)
    assert explorer.message_html.layout.display != "none"
    assert html.escape(msg) in explorer.message_html.value


def _assert_no_message(explorer):
    # The banner keeps its place (empty), so that nothing on the page jumps.
    assert explorer.message == ""
    assert explorer.message_html.value == ""
    for box in (explorer.data_message, explorer.model_message, explorer.work_message):
        assert box.value == ""


@pytest.fixture(autouse=True)
def _close_widgets():
    """Widgets stay registered until closed: close them so that tests do not pile up."""
    yield
    ipywidgets.Widget.close_all()


@pytest.fixture
def toy():
    return EMExplorer("toy")


@pytest.fixture(scope="module")
def _shared_toy():
    explorer = EMExplorer("toy")
    return explorer, explorer.history


@pytest.fixture
def shared(_shared_toy):
    """One toy explorer for the tests that only step and select (fits are slow to draw):
    back at the start, point 1 and component 1 selected. Tests using it must not refit."""
    explorer, history = _shared_toy
    assert explorer.history is history, "a test refitted the shared explorer"
    explorer.step = 0
    explorer.point_input.value = 1
    explorer.component_input.value = 1
    assert explorer.message == "" and explorer.state.selected_point == 0
    return explorer


@pytest.fixture
def eruptions():
    return EMExplorer("faithful:eruptions", init_params="kmeans")


@pytest.fixture
def fit_counter(monkeypatch):
    """Counts calls of widgets._fit and of GaussianMixtureEM.fit."""
    calls = {"_fit": 0, "fit": 0}
    real_fit_fn, real_fit = explorer_module._fit, GaussianMixtureEM.fit

    def counting_fit_fn(*args, **kwargs):
        calls["_fit"] += 1
        return real_fit_fn(*args, **kwargs)

    def counting_fit(self, *args, **kwargs):
        calls["fit"] += 1
        return real_fit(self, *args, **kwargs)

    monkeypatch.setattr(explorer_module, "_fit", counting_fit_fn)
    monkeypatch.setattr(GaussianMixtureEM, "fit", counting_fit)
    return calls


def _fits(calls):
    """(widgets._fit calls, GaussianMixtureEM.fit calls) since the last look."""
    counts = (calls["_fit"], calls["fit"])
    calls.update({"_fit": 0, "fit": 0})
    return counts


# --------------------------------------------------------------------------------------
# Stepping: artists, table, picture and `current` follow the step
# --------------------------------------------------------------------------------------


def test_toy_step_2_reproduces_the_worked_example(shared):
    shared.step = 2
    cur = shared.current
    assert (cur.step, cur.phase, cur.iteration) == (2, "M", 1)
    np.testing.assert_allclose(
        cur.means.ravel(), [1.3065753725700628, 1.4982149218892322], rtol=0, atol=1e-12
    )
    np.testing.assert_allclose(
        cur.covariances.ravel(), [0.3510142879511143, 0.408060269961259], rtol=0, atol=1e-12
    )
    np.testing.assert_allclose(
        cur.weights, [0.5124981885949778, 1 - 0.5124981885949778], rtol=0, atol=1e-12
    )
    assert shared.state.options.init_params == "start" and shared.state.options.reg_covar == 0.0


def test_step_moves_the_1d_component_curves(shared):
    art = shared.view.artists
    assert isinstance(art, plotting.MixtureArtists1D)
    y0 = [line.get_ydata().copy() for line in art.components]
    shared.step = 2
    assert shared.step == 2 and shared.step_slider.value == 2
    y2 = [line.get_ydata().copy() for line in art.components]
    for a, b in zip(y0, y2, strict=True):
        assert not np.allclose(a, b)
    for step in (0, 1, 2, 5, shared.n_steps - 1):
        shared.step = step
        cur = shared.current
        params = em.make_params(cur.weights, cur.means, cur.covariances, "full")
        expected = cur.weights * component_densities(art.grid[:, None], params)
        for j, line in enumerate(art.components):
            np.testing.assert_allclose(line.get_xdata(), art.grid)
            np.testing.assert_allclose(line.get_ydata(), expected[:, j], rtol=1e-12)
        np.testing.assert_allclose(art.mixture.get_ydata(), expected.sum(axis=1), rtol=1e-12)
        # The M-step shows where the Gaussians came from; other half-steps do not.
        assert all(g.get_visible() for g in art.ghosts) == (cur.phase == "M")


def test_step_moves_the_2d_ellipses():
    X = _two_clusters_2d()
    explorer = EMExplorer(X, 2, init_params="random_from_data", random_state=3)
    art = explorer.view.artists
    assert isinstance(art, plotting.MixtureArtists2D)
    centers = {}
    for step in (0, 1, 2, explorer.n_steps - 1):
        explorer.step = step
        means = explorer.current.means
        for k, row in enumerate(art.ellipses):
            for ellipse in row:
                np.testing.assert_allclose(ellipse.get_center(), means[k], rtol=1e-12)
        np.testing.assert_allclose(art.means.get_offsets(), means, rtol=1e-12)
        centers[step] = means
    assert not np.allclose(centers[0], centers[2])
    assert not np.allclose(centers[2], centers[explorer.n_steps - 1])


def test_table_shows_the_responsibilities_of_the_step(shared):
    X = shared.dataset.X
    h = shared.history
    assert shared.current.responsibilities is None
    assert "No E-step has run yet" in shared.table_html.value
    for step in (1, 2, 3, 4, shared.n_steps - 1):
        shared.step = step
        # An E-step's table comes from the parameters it enters with; an M-step shows the
        # responsibilities it used, those of the E-step before it.
        e_params = h.params(step if step % 2 == 1 else step - 1)
        resp = e_step(X, e_params)[0]
        if step % 2 == 1:
            np.testing.assert_array_equal(resp, e_step(X, h.params(step))[0])
        rows = _table_rows(shared.table_html.value)
        assert len(rows) == 5
        for n, row in enumerate(rows):
            assert row[0].startswith(str(n + 1))
            assert float(row[1]) == pytest.approx(TOY_X[n])
            assert row[2:4] == [f"{v:.4f}" for v in resp[n]]
            assert row[4] == "1.0000"
        assert _table_nk(shared.table_html.value) == [f"{v:.4f}" for v in resp.sum(axis=0)]
        np.testing.assert_allclose(shared.current.responsibilities, resp, rtol=1e-12)
    shared.step = 1
    assert "E-step" in shared.table_html.value
    shared.step = 0
    assert "No E-step has run yet" in shared.table_html.value


def test_table_with_many_points_lists_the_first_rows(eruptions):
    eruptions.step = 3
    X = eruptions.dataset.X
    resp = e_step(X, eruptions.history.params(3))[0]
    rows = _table_rows(eruptions.table_html.value)
    assert len(rows) == 12
    for n, row in enumerate(rows):
        assert row[2:4] == [f"{v:.4f}" for v in resp[n]]
    assert f"{X.shape[0] - 12} more points hidden" in eruptions.table_html.value
    assert _table_nk(eruptions.table_html.value) == [f"{v:.4f}" for v in resp.sum(axis=0)]


def test_the_image_changes_with_the_step(shared):
    png0 = bytes(shared.image.value)
    assert png0.startswith(b"\x89PNG") and len(png0) > 1000
    shared.step = 2
    png2 = bytes(shared.image.value)
    assert png2.startswith(b"\x89PNG") and png2 != png0
    shared.step = 3
    assert bytes(shared.image.value) not in (png0, png2)


def test_current_is_consistent_with_the_history():
    explorer = EMExplorer("faithful:eruptions", max_iter=6)
    h = explorer.history
    X = explorer.dataset.X
    assert explorer.n_steps == h.n_steps == 1 + 2 * h.n_iter
    assert explorer.n_steps == 13
    assert explorer.step_slider.max == explorer.n_steps - 1
    shown = []
    for step in range(explorer.n_steps):
        explorer.step = step
        cur = explorer.current
        assert cur.step == step
        assert cur.phase == ("init" if step == 0 else "E" if step % 2 else "M")
        assert cur.iteration == (step + 1) // 2
        p = h.params(step)
        np.testing.assert_array_equal(cur.weights, p.weights)
        np.testing.assert_array_equal(cur.means, p.means)
        np.testing.assert_array_equal(cur.covariances, p.covariances)
        assert cur.log_likelihood == h.log_likelihood(step)
        np.testing.assert_allclose(cur.weights.sum(), 1.0)
        if step == 0:
            assert cur.responsibilities is None
        else:
            e_at = step if cur.phase == "E" else step - 1
            np.testing.assert_allclose(
                cur.responsibilities, e_step(X, h.params(e_at))[0], rtol=1e-12
            )
            np.testing.assert_allclose(cur.responsibilities.sum(axis=1), 1.0)
        shown.append(cur)
    # An E-step does not move the Gaussians: it shows the previous half-step's parameters.
    for step in range(1, explorer.n_steps, 2):
        prev, cur = shown[step - 1], shown[step]
        np.testing.assert_array_equal(cur.means, prev.means)
        np.testing.assert_array_equal(cur.covariances, prev.covariances)
        np.testing.assert_array_equal(cur.weights, prev.weights)
        assert cur.log_likelihood == prev.log_likelihood
    # ... and the M-steps move them.
    assert not np.allclose(shown[2].means, shown[1].means)
    ll = np.array([c.log_likelihood for c in shown])
    assert np.all(np.diff(ll) >= -1e-9 * np.abs(ll[:-1]))
    assert ll[-1] > ll[0]
    # `current` hands out copies: changing them changes nothing shown.
    explorer.step = 2
    explorer.current.means[:] = 99.0
    assert not np.any(explorer.current.means == 99.0)


def test_step_label_and_log_likelihood_marker_follow_the_step(shared):
    assert "Half-step 0 of" in shared.step_label.value
    shared.step = 1
    assert "E-step 1" in shared.step_label.value
    shared.step = 4
    label = shared.step_label.value
    assert "M-step 2" in label and f"{shared.current.log_likelihood:.4f}" in label
    ll = shared.view.ll_artists
    np.testing.assert_array_equal(ll.log_likelihoods, shared.history.log_likelihoods())
    assert list(ll.current.get_xdata()) == [4]
    assert list(ll.current.get_ydata()) == [shared.current.log_likelihood]
    assert list(ll.vline.get_xdata()) == [4, 4]
    shared.step = shared.n_steps - 1
    assert list(ll.current.get_xdata()) == [shared.n_steps - 1]
    assert "converged" in shared.step_label.value


def test_step_setter_refuses_a_missing_step_and_a_good_step_clears_it(shared):
    shared.step = 2
    before = _snapshot(shared)
    shared.step = shared.n_steps
    _assert_message(shared, "half-step", str(shared.n_steps))
    _assert_unchanged(shared, before)
    shared.step = -shared.n_steps - 1
    _assert_message(shared, "half-step", "-1 is the last")
    _assert_unchanged(shared, before)
    shared.step = 2.5
    _assert_message(shared, "half-step is a whole number")
    _assert_unchanged(shared, before)
    shared.step = -1  # counted from the end, as the history and the pictures count
    assert shared.step == shared.n_steps - 1
    shared.step = 3
    assert shared.step == 3
    _assert_no_message(shared)


def test_play_steps_on_the_kernels_clock_to_the_end_then_stops(toy):
    """Each frame is drawn before the next is asked for (no backlog on a slow machine); at
    the end the button says Play again; Pause stops at once."""
    import asyncio

    import fresh_loop

    toy._player.interval_s = 0.01
    seen = []
    toy.step_slider.observe(lambda ch: seen.append(ch["new"]), names="value")

    async def play_to_the_end():
        toy.play_button.value = True
        assert toy.play_button.description == "❚❚ Pause"
        while toy._player.playing:
            await asyncio.sleep(0.01)

    fresh_loop.run(play_to_the_end())
    last = toy.n_steps - 1
    assert seen == list(range(1, last + 1)), seen
    assert toy.step == last and toy.play_button.value is False
    assert toy.play_button.description == "▶ Play"

    async def play_then_pause():
        toy.play_button.value = True  # from the end: from the start again
        await asyncio.sleep(0.05)
        toy.play_button.value = False
        shown = toy.step
        await asyncio.sleep(0.05)
        return shown

    shown = fresh_loop.run(play_then_pause())
    assert 0 < toy.step == shown < last
    _assert_no_message(toy)


def test_prev_and_next_buttons(shared):
    shared.next_button.click()
    assert shared.step == 1
    shared.next_button._click_handlers(shared.next_button)
    assert shared.step == 2 and shared.current.phase == "M"
    shared.prev_button.click()
    assert shared.step == 1 and shared.current.phase == "E"
    shared.prev_button.click()
    shared.prev_button.click()  # stays at the start
    assert shared.step == 0
    _assert_no_message(shared)
    last = shared.n_steps - 1
    shared.step = last
    shared.next_button.click()  # stays at the end
    assert shared.step == last
    _assert_no_message(shared)


def test_presenter_key_messages_step_and_go_to_the_ends(shared):
    """What the page's key handler sends (PageKeys): +1/-1, and Home/End as first/last;
    anything else is ignored."""
    keys = shared.keys
    shared.step = 0
    keys._handle(keys, {"step": 1}, [])
    keys._handle(keys, {"step": 1}, [])
    keys._handle(keys, {"step": -1}, [])
    assert shared.step == 1
    keys._handle(keys, {"go_to": "last"}, [])
    assert shared.step == shared.n_steps - 1
    for junk in ({"step": 5}, {"go_to": "middle"}, "step", None):
        keys._handle(keys, junk, [])
    assert shared.step == shared.n_steps - 1
    keys._handle(keys, {"go_to": "first"}, [])
    assert shared.step == 0
    _assert_no_message(shared)


# --------------------------------------------------------------------------------------
# Fitting happens once per change, never while scrubbing
# --------------------------------------------------------------------------------------


def test_scrubbing_never_refits(shared, fit_counter):
    for step in (1, 2, 3, shared.n_steps - 1, 0):
        shared.step = step
    for step in (4, 3, 2):
        shared.step_slider.value = step
    shared.step_slider.value = 5
    shared.next_button.click()
    shared.prev_button.click()
    shared.point_input.value = 4
    shared.component_input.value = 2
    shared.step = 2
    assert shared.current.means.shape == (2, 1)
    assert fit_counter == {"_fit": 0, "fit": 0}


def test_data_changes_refit_exactly_once(toy, fit_counter):
    assert toy.set_options(random_state=3) is True
    assert _fits(fit_counter) == (1, 1)
    assert toy.load_text("1 2 3 7 8 9") is True
    assert _fits(fit_counter) == (1, 1)
    toy.paste_area.value = "1 2 3 17 18 19"
    toy.paste_button.click()
    assert _fits(fit_counter) == (1, 1) and toy.dataset.X.max() == 19
    _send_upload(toy, _csv_bytes()[0])
    assert _fits(fit_counter) == (1, 1) and toy.dataset.X.shape == (40, 2)
    toy.column_picker.value = ("c",)
    toy.column_button.click()
    assert _fits(fit_counter) == (1, 1) and toy.dataset.X.shape == (40, 1)
    toy.data_dropdown.value = "toy"
    assert _fits(fit_counter) == (1, 1) and toy.dataset.name == "toy"
    toy.step = 2  # and a failed change does not fit at all (the start needs K = 2)
    toy.k_input.value = 4
    assert toy.message and _fits(fit_counter)[1] == 0  # refused before fitting a model
    assert toy.step == 2 and toy.k_input.value == 2
    toy.init_dropdown.value = "kmeans"  # a good option change clears the message
    assert _fits(fit_counter) == (1, 1)
    _assert_no_message(toy)
    toy.k_input.value = 4
    assert _fits(fit_counter) == (1, 1) and toy.state.options.n_components == 4


# --------------------------------------------------------------------------------------
# Loading data: pasted text, CSV files, the upload widget and its column picker
# --------------------------------------------------------------------------------------


def test_load_text_1d(toy):
    assert toy.load_text("1 2 three") is False
    _assert_message(toy, "three")
    assert toy.load_text("1.0, 1.2 0.8 5.1,4.9  5.3") is True
    _assert_no_message(toy)
    np.testing.assert_array_equal(toy.dataset.X.ravel(), [1.0, 1.2, 0.8, 5.1, 4.9, 5.3])
    assert toy.data_dropdown.value == "pasted"
    assert toy.state.options.init_params == "kmeans"  # pasted numbers have no suggested start
    assert toy.init_dropdown.value == "kmeans"
    assert isinstance(toy.view.artists, plotting.MixtureArtists1D)
    assert toy.step == 0 and toy.state.X.shape[0] == 6
    toy.step = 2
    assert sorted(toy.current.means.ravel()) == pytest.approx([1.0, 5.1], abs=1e-3)


def test_decimal_commas_pasted_are_read_as_such_and_said_beside_the_box(toy):
    toy.paste_area.value = "0,9 0,7 1,2 2,4 1,8"
    toy.paste_button.click()
    assert toy.message == "" and toy.message_html.value == ""  # not a mistake: no alert
    np.testing.assert_allclose(toy.dataset.X.ravel(), [0.9, 0.7, 1.2, 2.4, 1.8])
    assert 'role="status"' in toy.data_message.value
    assert "Read with decimal commas" in toy.data_message.value
    toy.step = 1  # the note belongs to the reading; a step clears it with the other messages
    toy.load_text("1.5 2.5 7.5 8")
    assert toy.data_message.value == ""


def test_pasted_numbers_through_the_box_and_the_dropdown(toy):
    toy.paste_area.value = "x, y\n0 0\n0.5 0.2\n0.1 0.4\n5 5\n5.5 5.2\n5.1 4.6"
    toy.paste_button.click()
    _assert_no_message(toy)
    assert toy.dataset.X.shape == (6, 2) and toy.dataset.columns == ("x", "y")
    assert isinstance(toy.view.artists, plotting.MixtureArtists2D)
    assert toy.data_dropdown.value == "pasted"
    toy.data_dropdown.value = "toy"
    assert toy.dataset.name == "toy"
    toy.paste_area.value = "3 4 5 10 11 12 13"
    toy.data_dropdown.value = "pasted"
    np.testing.assert_array_equal(toy.dataset.X.ravel(), [3, 4, 5, 10, 11, 12, 13])


def test_load_csv_path_and_bytes(toy, tmp_path):
    content, rows = _csv_bytes()
    path = tmp_path / "two.csv"
    path.write_text("a,b\n" + "\n".join(f"{a},{b}" for a, b, _ in rows) + "\n")
    assert toy.load_csv(path) is True
    _assert_no_message(toy)
    np.testing.assert_allclose(toy.dataset.X, rows[:, :2], atol=1e-5)
    assert isinstance(toy.view.artists, plotting.MixtureArtists2D)
    assert toy.data_dropdown.value == "uploaded"
    assert toy.column_picker.options == ("a", "b")
    assert toy.column_picker.value == ("a", "b")

    assert toy.load_csv(str(path), columns=["b"]) is True
    np.testing.assert_allclose(toy.dataset.X.ravel(), rows[:, 1], atol=1e-5)
    assert isinstance(toy.view.artists, plotting.MixtureArtists1D)
    assert toy.column_picker.value == ("b",)

    assert toy.load_csv(content, columns=["c"]) is True
    np.testing.assert_allclose(toy.dataset.X.ravel(), rows[:, 2], atol=1e-5)
    assert toy.column_picker.options == ("a", "b", "c")
    # Without columns a wider file shows its first two.
    assert toy.load_csv(bytearray(content)) is True
    np.testing.assert_allclose(toy.dataset.X, rows[:, :2], atol=1e-5)
    assert toy.column_picker.value == ("a", "b")
    # An open text file is read once; the picker then works on what was read.
    assert toy.load_csv(io.StringIO(content.decode()), columns=[2]) is True
    np.testing.assert_allclose(toy.dataset.X.ravel(), rows[:, 2], atol=1e-5)
    toy.column_picker.value = ("a",)
    toy.column_button.click()
    _assert_no_message(toy)
    np.testing.assert_allclose(toy.dataset.X.ravel(), rows[:, 0], atol=1e-5)


def test_upload_widget_and_column_picker(toy):
    content, rows = _csv_bytes()
    _send_upload(toy, content)
    _assert_no_message(toy)
    assert toy.data_dropdown.value == "uploaded"
    assert toy.column_picker.options == ("a", "b", "c")
    assert toy.column_picker.value == ("a", "b")
    np.testing.assert_allclose(toy.dataset.X, rows[:, :2], atol=1e-5)
    assert isinstance(toy.view.artists, plotting.MixtureArtists2D)
    assert toy.current.means.shape == (2, 2)

    toy.column_picker.value = ("c",)
    toy.column_button.click()
    _assert_no_message(toy)
    np.testing.assert_allclose(toy.dataset.X.ravel(), rows[:, 2], atol=1e-5)
    assert isinstance(toy.view.artists, plotting.MixtureArtists1D)
    toy.step = 2
    assert sorted(toy.current.means.ravel()) == pytest.approx([-3, 3], abs=0.5)

    toy.column_picker.value = ("b", "c")
    toy.column_button._click_handlers(toy.column_button)
    np.testing.assert_allclose(toy.dataset.X, rows[:, 1:], atol=1e-5)
    assert isinstance(toy.view.artists, plotting.MixtureArtists2D)
    assert toy.dataset.columns == ("b", "c")

    # Away and back: the uploaded file comes back with the columns picked.
    toy.data_dropdown.value = "toy"
    assert toy.dataset.name == "toy"
    toy.data_dropdown.value = "uploaded"
    _assert_no_message(toy)
    np.testing.assert_allclose(toy.dataset.X, rows[:, 1:], atol=1e-5)


# --------------------------------------------------------------------------------------
# Bad data and options: a message, and nothing else changes
# --------------------------------------------------------------------------------------


def _upload_three_columns(explorer):
    _send_upload(explorer, _csv_bytes()[0])
    assert explorer.message == "" and explorer.dataset.X.shape == (40, 2)


def _pick_three_columns(explorer):
    explorer.column_picker.value = ("a", "b", "c")
    explorer.column_button.click()


def _oversize_upload(explorer, monkeypatch):
    monkeypatch.setattr(explorer.upload, "max_bytes", 64)
    _send_upload(explorer, _csv_bytes()[0], name="big.csv")


BAD_ACTIONS = {
    # name: (setup, action, keywords in the message)
    "non-numeric text": (None, lambda e: e.load_text("1.5, 2.5, banana, 4"), ["not a number"]),
    "empty text": (None, lambda e: e.load_text("   \n "), ["empty"]),
    "constant text": (None, lambda e: e.load_text("5 5 5 5 5"), ["spread"]),
    "bad text via the button": (
        None,
        lambda e: (setattr(e.paste_area, "value", "1 2 x"), e.paste_button.click()),
        ["not a number"],
    ),
    "bad text via the dropdown": (
        None,
        lambda e: (
            setattr(e.paste_area, "value", "1 2 x"),
            setattr(e.data_dropdown, "value", "pasted"),
        ),
        ["not a number"],
    ),
    "nothing pasted via the dropdown": (
        None,
        lambda e: setattr(e.data_dropdown, "value", "pasted"),
        ["paste"],
    ),
    "nothing uploaded via the dropdown": (
        None,
        lambda e: setattr(e.data_dropdown, "value", "uploaded"),
        ["csv"],
    ),
    "ragged CSV": (None, lambda e: e.load_csv(b"a,b\n1,2\n3\n4,5\n6,7\n"), ["row 3"]),
    "ragged CSV upload": (
        None,
        lambda e: _send_upload(e, b"a,b\n1,2\n3,4\n5\n6,7\n"),
        ["row 4"],
    ),
    "too many components (K)": (None, lambda e: setattr(e.k_input, "value", 6), ["components"]),
    "too many components (data)": (
        lambda e: setattr(e.k_input, "value", 3),
        lambda e: e.load_text("1 2"),
        ["components"],
    ),
    "no suggested start": (
        lambda e: e.load("galaxies"),
        lambda e: setattr(e.init_dropdown, "value", "start"),
        ["start"],
    ),
    "three columns picked": (_upload_three_columns, _pick_three_columns, ["3 columns"]),
    "unknown data set": (None, lambda e: e.load("no-such-data"), ["no-such-data"]),
    "text in an array": (None, lambda e: e.load([[1.0, "a"], [2.0, 3.0]]), ["text"]),
    "unknown option": (None, lambda e: e.set_options(colour="red"), ["colour"]),
}


@pytest.fixture(scope="module")
def _refusing_toy():
    return {}


@pytest.fixture
def refusing_toy(_refusing_toy):
    """A toy explorer (k-means start) at half-step 2, shared by the cases without a setup:
    each case leaves it as it was, or it is made again."""
    explorer = _refusing_toy.get("explorer")
    if explorer is None or explorer.history is not _refusing_toy["history"]:
        explorer = EMExplorer("toy", init_params="kmeans")
        _refusing_toy.update(explorer=explorer, history=explorer.history)
    explorer.paste_area.value = ""
    explorer.step = 2
    return explorer


@pytest.mark.parametrize("case", list(BAD_ACTIONS))
def test_bad_data_or_options_leave_everything_as_it_was(case, refusing_toy):
    setup, action, keywords = BAD_ACTIONS[case]
    if setup is None:
        explorer = refusing_toy
        assert explorer._uploaded is None and explorer.dataset.name == "toy"
    else:
        explorer = EMExplorer("toy", init_params="kmeans")
        setup(explorer)
    explorer.step = 2
    assert explorer.message == ""
    before = _snapshot(explorer)
    result = action(explorer)
    if isinstance(result, bool):
        assert result is False
    _assert_message(explorer, *keywords)
    _assert_unchanged(explorer, before)
    # A good action (here a step; loads and refits elsewhere) clears the message.
    explorer.next_button.click()
    _assert_no_message(explorer)
    assert explorer.step == before["step"] + 1 and explorer.dataset is before["dataset"]


def test_oversize_upload_is_refused(toy, monkeypatch):
    toy.step = 2
    before = _snapshot(toy)
    _oversize_upload(toy, monkeypatch)
    _assert_message(toy, "limit", "64 bytes")
    _assert_unchanged(toy, before)
    assert toy._uploaded is None
    monkeypatch.setattr(toy.upload, "max_bytes", 10**6)
    content, rows = _csv_bytes()
    _send_upload(toy, content, name="other.csv")
    _assert_no_message(toy)
    np.testing.assert_allclose(toy.dataset.X, rows[:, :2], atol=1e-5)
    assert "other.csv" in toy.upload_label.value


def test_the_page_refuses_a_file_over_the_limit_before_sending_it(toy):
    """The button's page code checks the size where the file is and only says so: the
    sentence goes next to the upload, the picture stays."""
    toy.step = 2
    before = _snapshot(toy)
    upload = toy.upload
    upload._handle(upload, {"event": "too_large", "name": "huge.csv", "size": 60_000_000}, [])
    _assert_message(toy, "huge.csv is 60 MB", "50 MB upload limit")
    assert "huge.csv" in toy.data_message.value
    _assert_unchanged(toy, before)


def test_an_upload_with_a_piece_lost_or_out_of_order_is_refused(toy):
    toy.step = 1
    before = _snapshot(toy)
    upload, content = toy.upload, _csv_bytes()[0]
    upload._handle(upload, {"event": "start", "id": "u", "name": "d.csv", "size": 40}, [])
    upload._handle(upload, {"event": "chunk", "id": "u", "offset": 8}, [memoryview(content[:8])])
    _assert_message(toy, "lost on the way", "upload it again")
    _assert_unchanged(toy, before)
    # Pieces of another upload, or junk, change nothing.
    for junk in ({"event": "chunk", "id": "x", "offset": 0}, {"event": "end"}, "end", None):
        upload._handle(upload, junk, [memoryview(b"1,2")])
    _assert_unchanged(toy, before)


def test_a_bad_upload_keeps_the_previous_upload(toy):
    content, rows = _csv_bytes()
    _send_upload(toy, content)
    toy.column_picker.value = ("c",)
    toy.column_button.click()
    toy.k_input.value = 3
    assert toy.state.options.n_components == 3
    before = _snapshot(toy)
    # It reads well but cannot be fitted: 2 points for 3 components.
    _send_upload(toy, b"p,q\n1,2\n3,4\n", name="tiny.csv")
    _assert_message(toy, "components")
    _assert_unchanged(toy, before)
    assert toy.column_picker.options == ("a", "b", "c")
    toy.column_picker.value = ("a",)
    toy.column_button.click()
    _assert_no_message(toy)
    np.testing.assert_allclose(toy.dataset.X.ravel(), rows[:, 0], atol=1e-5)


# --------------------------------------------------------------------------------------
# Every control does what it says
# --------------------------------------------------------------------------------------

DATA_EXPECTED = {
    # key: (shape, columns, truth?)
    "galaxies": ((82, 1), None, False),
    "toy": ((5, 1), ("x",), False),
    "faithful:eruptions": ((272, 1), ("eruptions",), False),
    "faithful:waiting": ((272, 1), ("waiting",), False),
    "faithful": ((272, 2), ("eruptions", "waiting"), False),
    "synthetic": ((300, 1), ("x",), True),
    "synthetic2d": ((300, 2), ("x1", "x2"), True),
}


def test_data_dropdown_choices(toy, fit_counter):
    assert toy.data_dropdown.value == "toy"
    for key, (shape, columns, has_truth) in DATA_EXPECTED.items():
        old_figure, old_data = toy.figure, toy.dataset
        toy.step = 2
        toy.data_dropdown.value = key
        assert _fits(fit_counter) == (1, 1), key
        _assert_no_message(toy)
        assert toy.data_dropdown.value == key
        assert toy.dataset is not old_data and toy.figure is not old_figure, key
        assert toy.dataset.X.shape == shape, key
        if columns is not None:
            assert toy.dataset.columns == columns, key
        assert (toy.dataset.truth is not None) == has_truth, key
        assert toy.step == 0, key
        art = toy.view.artists
        kind = plotting.MixtureArtists1D if shape[1] == 1 else plotting.MixtureArtists2D
        assert isinstance(art, kind), key
        assert toy.current.means.shape == (toy.state.options.n_components, shape[1]), key
        np.testing.assert_array_equal(art.X.reshape(shape), toy.dataset.X)
        assert toy.state.X.shape[0] == shape[0], key
        # The toy example and Old Faithful have a suggested start, which the explorer takes.
        has_start = key == "toy" or key.startswith("faithful")
        assert toy.state.options.init_params == ("start" if has_start else "kmeans"), key
        assert toy.init_dropdown.value == toy.state.options.init_params


def test_k_input_and_the_progress_bar(eruptions, fit_counter, monkeypatch):
    seen = []
    counting_fit = explorer_module._fit

    def watching_fit(dataset, options, progress=None):
        seen.append(eruptions.progress.layout.display)
        model = counting_fit(dataset, options, progress=progress)
        seen.append(eruptions.progress.value)
        return model

    monkeypatch.setattr(explorer_module, "_fit", watching_fit)
    assert eruptions.progress.layout.display == "none"
    eruptions.k_input.value = 3
    assert _fits(fit_counter) == (1, 1)
    assert seen == ["", 1.0]  # the bar is visible while fitting, and full at the end
    assert eruptions.progress.layout.display == "none"
    _assert_no_message(eruptions)
    assert eruptions.state.options.n_components == 3
    assert eruptions.current.weights.shape == (3,)
    assert len(eruptions.view.artists.components) == 3
    assert eruptions.state.options.n_components == 3
    eruptions.step = 1
    header = re.search(r"<thead>(.*)</thead>", eruptions.table_html.value).group(1)
    assert re.findall(r"<sub>n(\d)</sub>", header) == ["1", "2", "3"]
    assert len(_table_rows(eruptions.table_html.value)[0]) == 2 + 3 + 1
    assert _fits(fit_counter) == (0, 0)


def test_covariance_dropdown(fit_counter):
    explorer = EMExplorer(_two_clusters_2d(), 2)
    _fits(fit_counter)
    assert explorer.current.covariances.shape == (2, 2, 2)
    for cov, shape in (
        ("diag", (2, 2)),
        ("spherical", (2,)),
        ("tied", (2, 2)),
        ("full", (2, 2, 2)),
    ):
        explorer.cov_dropdown.value = cov
        assert _fits(fit_counter) == (1, 1), cov
        _assert_no_message(explorer)
        assert explorer.state.options.covariance_type == cov
        explorer.step = explorer.n_steps - 1
        assert explorer.current.covariances.shape == shape
        if cov in ("diag", "spherical"):  # axis-aligned ellipses
            for row in explorer.view.artists.ellipses:
                assert row[0].get_angle() % 90 == pytest.approx(0, abs=1e-9)
        if cov == "spherical":
            row = explorer.view.artists.ellipses[0]
            assert row[0].get_width() == pytest.approx(row[0].get_height())


def test_init_dropdown(eruptions, fit_counter):
    X = eruptions.dataset.X.ravel()
    kmeans_start = eruptions.history.params(0).means.copy()
    eruptions.init_dropdown.value = "random_from_data"
    assert _fits(fit_counter) == (1, 1)
    _assert_no_message(eruptions)
    assert eruptions.state.options.init_params == "random_from_data"
    start = eruptions.history.params(0).means.ravel()
    assert all(np.isclose(X, m).any() for m in start)  # the start means are data points
    assert not np.allclose(start, kmeans_start.ravel())
    eruptions.init_dropdown.value = "random"
    assert _fits(fit_counter) == (1, 1)
    assert eruptions.state.options.init_params == "random"
    assert not np.allclose(eruptions.history.params(0).means.ravel(), start)


def test_seed_input(eruptions, fit_counter):
    eruptions.init_dropdown.value = "random_from_data"
    first = eruptions.history.params(0).means.copy()
    _fits(fit_counter)
    eruptions.seed_input.value = 11
    assert _fits(fit_counter) == (1, 1)
    _assert_no_message(eruptions)
    assert eruptions.state.options.random_state == 11
    assert not np.allclose(eruptions.history.params(0).means, first)
    eruptions.seed_input.value = 0
    assert _fits(fit_counter) == (1, 1)
    np.testing.assert_array_equal(eruptions.history.params(0).means, first)  # reproducible
    eruptions.seed_input.value = -5  # numpy has no negative seeds: said beside the box
    assert eruptions.seed_input.value == 0 and _fits(fit_counter) == (0, 0)
    _assert_message(eruptions, "seed", "from 0 to", "stays at 0")
    assert "seed must be" in eruptions.model_message.value


def test_reg_covar_dropdown(toy, fit_counter):
    toy.init_dropdown.value = "kmeans"
    assert toy.state.options.reg_covar == 0.0
    toy.step = 2
    exact = toy.current.covariances.copy()
    _fits(fit_counter)
    toy.reg_dropdown.value = 0.1
    assert _fits(fit_counter) == (1, 1)
    _assert_no_message(toy)
    assert toy.state.options.reg_covar == 0.1
    toy.step = 2
    h = toy.history
    assert not np.allclose(toy.current.covariances, exact)
    for step in range(2, h.n_steps, 2):
        assert np.all(h.params(step).covariances >= 0.1)
    # A value that is not among the choices (set from Python) is added to them.
    assert toy.set_options(reg_covar=0.05) is True
    assert toy.reg_dropdown.value == 0.05 and toy.state.options.reg_covar == 0.05
    assert _fits(fit_counter) == (1, 1)


def test_fixed_checkboxes_hold_their_parameter(eruptions, fit_counter):
    names = ("weights", "means", "covariances")
    for name in names:
        eruptions.fixed_boxes[name].value = True
        assert _fits(fit_counter) == (1, 1), name
        _assert_no_message(eruptions)
        assert eruptions.state.options.fixed == (name,)
        h = eruptions.history
        assert h.n_steps > 3
        held = [getattr(h.params(s), name) for s in range(h.n_steps)]
        for value in held[1:]:
            np.testing.assert_array_equal(value, held[0])
        for other in set(names) - {name}:
            assert not np.allclose(getattr(h.params(0), other), getattr(h.params(2), other))
        eruptions.fixed_boxes[name].value = False
        assert _fits(fit_counter) == (1, 1), name
        assert eruptions.state.options.fixed == ()
        h = eruptions.history
        assert not np.allclose(getattr(h.params(0), name), getattr(h.params(2), name))


@pytest.mark.parametrize("data", ["toy", "faithful"])
def test_means_only_button(data, fit_counter):
    explorer = EMExplorer(data)
    _fits(fit_counter)
    explorer.means_only_button.click()
    assert _fits(fit_counter) == (1, 1)
    _assert_no_message(explorer)
    opts = explorer.state.options
    assert opts.n_components == 3 and set(opts.fixed) == {"weights", "covariances"}
    assert explorer.k_input.value == 3
    assert _fixed_values(explorer) == {"weights": True, "means": False, "covariances": True}
    h = explorer.history
    d = explorer.dataset.X.shape[1]
    for step in range(h.n_steps):
        p = h.params(step)
        np.testing.assert_allclose(p.weights, 1 / 3, rtol=1e-12)
        np.testing.assert_allclose(p.full_covariances(), np.broadcast_to(np.eye(d), (3, d, d)))
    assert not np.allclose(h.params(0).means, h.params(h.n_steps - 1).means)
    explorer.step = 2
    assert explorer.current.means.shape == (3, d)
    assert len(explorer.view.artists.components if d == 1 else explorer.view.artists.ellipses) == 3


def test_point_and_component_selectors_change_the_worked_panel(shared):
    shared.step = 1
    work = shared.work_html.value
    assert "point 1" in work and "x_{1} = 0.9" in work
    shared.point_input.value = 3
    assert shared.state.selected_point == 2
    assert shared.work_html.value != work
    assert "point 3" in shared.work_html.value and "x_{3} = 1.2" in shared.work_html.value
    selected = re.search(r'<tr class="gmm-selected".*?</tr>', shared.table_html.value).group(0)
    assert ">3 &#9664;<" in selected and ">1.2<" in selected
    shared.step = 2
    m_work = shared.work_html.value
    assert "M-step" in m_work and "component 1" in m_work.lower()
    shared.component_input.value = 2
    assert shared.state.selected_component == 1
    assert shared.work_html.value != m_work
    # The choices survive scrubbing.
    shared.step = 3
    assert "point 3" in shared.work_html.value


def _truth_lines(ax):
    return [line for line in ax.lines if line.get_linestyle() == ":"]


def test_synthetic_data_draws_the_truth(toy):
    assert _truth_lines(toy.view.ax) == []
    toy.data_dropdown.value = "synthetic"
    truth = toy.dataset.truth
    lines = _truth_lines(toy.view.ax)
    assert len(lines) == len(truth["weights"]) == 3
    assert lines[0].get_label() == "true components"
    params = em.make_params(truth["weights"], truth["means"], truth["covariances"])
    for k, line in enumerate(lines):
        x = line.get_xdata()
        expected = truth["weights"][k] * component_densities(x[:, None], params)[:, k]
        np.testing.assert_allclose(line.get_ydata(), expected, rtol=1e-10)
    # A refit redraws the picture with the truth once, not twice.
    toy.k_input.value = 3
    assert len(_truth_lines(toy.view.ax)) == 3

    toy.data_dropdown.value = "synthetic2d"
    truth = toy.dataset.truth
    dotted = [
        p for p in toy.view.ax.patches if isinstance(p, Ellipse) and p.get_linestyle() == ":"
    ]
    assert len(dotted) == 2 * len(truth["weights"])  # 1- and 2-sigma ellipses
    centers = sorted(tuple(np.round(p.get_center(), 9)) for p in dotted)
    expected = sorted(tuple(np.round(m, 9)) for m in truth["means"] for _ in (1, 2))
    assert centers == expected


# --------------------------------------------------------------------------------------
# Construction and display
# --------------------------------------------------------------------------------------


def test_the_explorer_displays_itself(shared, monkeypatch):
    import IPython.display

    assert isinstance(shared.widget, ipywidgets.Box)
    assert isinstance(shared.figure, Figure)
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs: shown.extend(objs))
    shared._ipython_display_()
    assert shown == [shared.widget]

    def descendants(w):
        yield w
        for child in getattr(w, "children", ()):
            yield from descendants(child)

    inside = set(map(id, descendants(shared.widget)))
    for control in (
        shared.image,
        shared.table_html,
        shared.work_html,
        shared.step_slider,
        shared.play_button,
        shared.prev_button,
        shared.next_button,
        shared.data_dropdown,
        shared.paste_area,
        shared.upload,
        shared.column_picker,
        shared.k_input,
        shared.cov_dropdown,
        shared.init_dropdown,
        shared.seed_input,
        shared.reg_dropdown,
        shared.means_only_button,
        shared.message_html,
        shared.progress,
        shared.point_input,
        shared.component_input,
        *shared.fixed_boxes.values(),
    ):
        assert id(control) in inside, control


def test_constructor_accepts_arrays_datasets_and_names():
    x = np.r_[np.linspace(0, 1, 10), np.linspace(5, 6, 10)]
    e1 = EMExplorer(x)
    assert e1.dataset.X.shape == (20, 1) and e1.state.options.n_components == 2
    assert e1.state.options.init_params == "kmeans"
    e2 = EMExplorer(_two_clusters_2d(), 3, covariance_type="diag", random_state=4)
    opts = e2.state.options
    assert (opts.n_components, opts.covariance_type, opts.random_state) == (3, "diag", 4)
    assert (e2.k_input.value, e2.cov_dropdown.value, e2.seed_input.value) == (3, "diag", 4)
    ds = datasets.toy()
    e3 = EMExplorer(ds)
    assert e3.dataset is ds and e3.data_dropdown.value is None
    assert e3.state.options.init_params == "start" and e3.current.means.ravel().tolist() == [1, 2]
    # With columns the data dropdown names the columns shown, not the whole data set.
    e4 = EMExplorer("faithful", columns=["waiting"])
    assert e4.dataset.columns == ("waiting",) and e4.data_dropdown.value == "faithful:waiting"
    assert e4.load("faithful", columns=["eruptions"]) is True
    assert e4.dataset.columns == ("eruptions",)
    assert e4.data_dropdown.value == "faithful:eruptions"
    e4.data_dropdown.value = "faithful"
    assert e4.dataset.X.shape == (272, 2)
    with pytest.raises(TypeError, match="colour"):
        EMExplorer("toy", colour="red")
    with pytest.raises(GMMVizError, match="3 columns"):
        EMExplorer(np.random.default_rng(0).normal(size=(10, 3)))


# --------------------------------------------------------------------------------------
# Downloads: this picture (PNG), the run (GIF), the numbers (CSV)
# --------------------------------------------------------------------------------------


def _link_payload(html_text, css_class):
    import base64
    import re

    match = re.search(
        rf'class="{css_class}" download="([^"]+)" href="data:([^;]+);base64,([^"]+)"', html_text
    )
    assert match, html_text[:200]
    return match.group(1), match.group(2), base64.b64decode(match.group(3))


def test_downloads_follow_the_picture_and_the_fit(toy):
    import csv
    import io

    from PIL import Image

    toy.step = 2
    # The picture's link saves the image the page shows (the browser has it already: a
    # half-step does not send the PNG twice); only its file name follows the step.
    assert toy.downloads.png_link.filename == "toy-step-2.png"
    toy.step = 3
    assert toy.downloads.png_link.filename == "toy-step-3.png"
    assert ".gmm-figure img" in toy.downloads.png_link._esm
    toy.step = 2
    name, mime, text = _link_payload(toy.downloads.csv_link.value, "gmm-csv")
    assert (name, mime) == ("toy-history.csv", "text/csv")
    rows = list(csv.DictReader(io.StringIO(text.decode())))
    assert len(rows) == toy.n_steps * 2
    assert float(rows[4]["mean_x"]) == toy.history.params(2).means[0, 0]
    # The GIF is made on demand, and the picture shown stays.
    assert toy.downloads.gif_link.value == ""
    said = []
    toy.downloads.gif_button.observe(lambda ch: said.append(ch["new"]), names="description")
    toy.downloads.gif_button.click()
    # The button tells how far the drawing is, a tenth at a time, while it draws.
    assert said[0] == "Making the GIF… 0 %" and said[-1] == "GIF ready"
    percents = [int(t.split()[-2]) for t in said[1:-1]]
    assert percents == sorted(set(percents)) and percents[-1] == 100 and len(percents) >= 5
    name, mime, gif = _link_payload(toy.downloads.gif_link.value, "gmm-gif")
    assert (name, mime) == ("toy-run.gif", "image/gif")
    with Image.open(io.BytesIO(gif)) as image:
        assert image.n_frames == toy.n_steps
    assert toy.step == 2 and toy.view.step == 2
    # A new fit takes the GIF away (it would show the old run) and remakes the numbers.
    assert toy.set_options(init_params="kmeans", n_components=3) is True
    assert toy.downloads.gif_link.value == "" and not toy.downloads.gif_button.disabled
    _, _, text = _link_payload(toy.downloads.csv_link.value, "gmm-csv")
    rows = list(csv.DictReader(io.StringIO(text.decode())))
    assert {row["component"] for row in rows} == {"1", "2", "3"}


def test_explorer_lower_bound_box_draws_the_bound_and_1d_title_has_no_covariance_type():
    from gmm_viz.widgets import EMExplorer

    e = EMExplorer("toy")
    assert e.view.ax.get_title() == "toy: 5 points, K = 2"  # one variance in 1-D
    e.step = 4
    before = e.image.value
    e.bound_box.value = True
    assert e.view.lower_bound and "KL gap" in e.view.ll_artists.text.get_text()
    assert e.image.value != before  # the picture shows it
    e.step = 5
    assert "KL = 0" in e.view.ll_artists.text.get_text()
    e.set_options(n_components=3)  # a refit keeps the option
    assert e.view.lower_bound
    e.bound_box.value = False
    assert not e.view.lower_bound
    two_d = EMExplorer("faithful")
    assert "full covariance" in two_d.view.ax.get_title()


def test_1d_covariance_types_that_are_one_model_say_so_next_to_the_control():
    from gmm_viz.widgets import EMExplorer

    e = EMExplorer("toy")
    assert e.set_options(covariance_type="spherical")
    assert "In 1-D, full, diag and spherical are one model" in e.model_message.value
    assert e.message_html.value == ""  # not an error: no banner
    assert e.set_options(covariance_type="tied")
    assert e.model_message.value == ""
    assert e.view.ax.get_title().endswith("one shared variance")
    two_d = EMExplorer("faithful")
    assert two_d.set_options(covariance_type="diag")
    assert two_d.model_message.value == ""
