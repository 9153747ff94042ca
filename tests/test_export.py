"""The step view and the exports: one picture of a half-step, animations that hold one frame
per half-step, images, and the numbers as CSV/JSON that read back exactly."""

from __future__ import annotations

import csv
import io
import json
import os
import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import PIL.Image  # noqa: E402
import pytest  # noqa: E402

from gmm_viz import GaussianMixtureEM, datasets, export  # noqa: E402
from gmm_viz.errors import OutputError, ParameterError  # noqa: E402
from gmm_viz.plotting import StepView, step_strip  # noqa: E402

imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")


@pytest.fixture(scope="module")
def toy_run():
    X = datasets.toy().X
    model = GaussianMixtureEM(
        2,
        weights_init=[0.5, 0.5],
        means_init=[1.0, 2.0],
        covariances_init=[2.0, 2.0],
        reg_covar=0.0,
        tol=0,
        max_iter=4,
    ).fit(X)
    return X, model.history_


@pytest.fixture(scope="module")
def faithful_run():
    X = datasets.faithful().X
    return X, GaussianMixtureEM(2, random_state=0, max_iter=3, tol=0).fit(X).history_


# --------------------------------------------------------------------------------------
# The step view
# --------------------------------------------------------------------------------------


def test_a_step_shown_in_place_is_the_picture_drawn_from_scratch(faithful_run, toy_run):
    """Walking the view to a half-step (artists updated, blitted) gives the picture of a new
    view drawn at that half-step: in 2-D the same pixels; in 1-D the same curves, colours
    and x range (the density axis keeps the height it grew to on the way)."""
    X, history = faithful_run
    walked = StepView(X, history)
    for s in range(history.n_steps):
        walked.show(s)
    last = history.n_steps - 1
    fresh = StepView(X, history, step=last)
    a, b = walked.show(last).rgba(), fresh.rgba()
    assert a.shape == b.shape
    # Anti-aliasing of an updated artist may differ in a handful of edge pixels.
    assert np.mean(np.any(a != b, axis=2)) < 1e-3

    X, history = toy_run
    last = history.n_steps - 1
    walked, fresh = StepView(X, history), StepView(X, history, step=last)
    for s in range(last + 1):
        walked.show(s)
    assert walked.ax.get_xlim() == fresh.ax.get_xlim()
    for line_a, line_b in zip(walked.artists.components, fresh.artists.components, strict=True):
        np.testing.assert_array_equal(line_a.get_ydata(), line_b.get_ydata())
    np.testing.assert_array_equal(
        walked.artists.points.get_facecolors(), fresh.artists.points.get_facecolors()
    )


def test_step_view_indices_and_responsibilities(toy_run):
    X, history = toy_run
    view = StepView(X, history)
    assert view.show(-1).step == history.n_steps - 1
    assert view.responsibilities(0) is None
    np.testing.assert_allclose(view.responsibilities(2), history.responsibilities(2, X))
    for bad in (history.n_steps, -history.n_steps - 1, 1.5, True):
        with pytest.raises(ParameterError, match="Half-step|whole number"):
            view.show(bad)
    with pytest.raises(ParameterError, match="1 or 2 columns"):
        StepView(np.zeros((5, 3)), history)


def test_the_e_step_is_visible_in_the_picture_in_1d(toy_run):
    """Under the densities, beta_k(x) as curves and each point at its responsibilities: the
    worked example's point 4 sits at 0.3894 / 0.6106, either side of the 0.5 line."""
    from gmm_viz.em import e_step

    X, history = toy_run
    view = StepView(X, history)
    panel = view.resp_artists
    assert panel.note.get_visible() and not any(c.get_visible() for c in panel.curves)
    view.show(1)
    assert not panel.note.get_visible()
    resp = history.responsibilities(1, X)
    for j in range(2):
        np.testing.assert_allclose(panel.points[j].get_offsets(), np.c_[X[:, 0], resp[:, j]])
        expected = e_step(panel.grid[:, None], history.params(1))[0][:, j]
        np.testing.assert_allclose(panel.curves[j].get_ydata(), expected)
    assert resp[3] == pytest.approx([0.3894, 0.6106], abs=1e-4)
    assert [t.get_text() for t in panel.numbers] == ["1", "2", "3", "4", "5"]
    # An M-step shows the responsibilities it used, from the parameters before it.
    view.show(2)
    np.testing.assert_allclose(panel.points[1].get_offsets()[:, 1], resp[:, 1])
    # The selected point ("Show your work") is ringed in both panels.
    view.select(3)
    np.testing.assert_allclose(
        panel.selected.get_offsets(), [[2.4, resp[3, 0]], [2.4, resp[3, 1]]]
    )
    assert view.artists.selected.get_visible()
    view.select(None)
    assert not panel.selected.get_visible() and not view.artists.selected.get_visible()
    with pytest.raises(ParameterError, match="Point 6 does not exist"):
        view.select(5)


def test_small_2d_data_are_pies_split_by_their_responsibilities():
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(size=(10, 2)), rng.normal(size=(10, 2)) + 3.0]
    history = GaussianMixtureEM(2, random_state=0, max_iter=3, tol=0).fit(X).history_
    view = StepView(X, history)
    pies = view.artists.pies
    assert len(pies[-1].get_paths()) == 20  # grey circles before any E-step
    view.show(1)
    resp = history.responsibilities(1, X)
    assert len(pies[-1].get_paths()) == 0
    for j in range(2):
        assert len(pies[j].get_paths()) == int(np.sum(resp[:, j] * 360 > 0.5))
    assert [t.get_text() for t in view.artists.numbers][:3] == ["1", "2", "3"]
    view.select(4)
    np.testing.assert_allclose(view.artists.selected.get_offsets(), X[4:5])


def test_step_strip_shows_the_chosen_half_steps(faithful_run):
    X, history = faithful_run
    fig = step_strip(X, history, [0, 1, 2, -1])
    titles = [ax.get_title() for ax in fig.axes]
    assert len(titles) == 4
    assert titles[0].startswith("the start") and titles[1].startswith("E-step 1")
    assert titles[2].startswith("M-step 1") and titles[3].startswith("M-step 3")
    assert f"{history.log_likelihood(2):.4f}" in titles[2]
    fig.canvas.draw()  # renders
    with pytest.raises(ParameterError, match="does not exist"):
        step_strip(X, history, [99])
    # Four panels wrap as 3 + 1 by default; per_row=4 keeps one row.
    rows = {round(ax.get_position().y0, 3) for ax in fig.axes}
    assert len(rows) == 2
    one_row = step_strip(X, history, [0, 1, 2, -1], per_row=4)
    one_row.canvas.draw()
    assert len({round(ax.get_position().y0, 3) for ax in one_row.axes}) == 1
    for bad in (0, 2.5, True):
        with pytest.raises(ParameterError, match="per_row"):
            step_strip(X, history, [0, 1], per_row=bad)


# --------------------------------------------------------------------------------------
# Animations and images
# --------------------------------------------------------------------------------------


def test_gif_has_one_frame_per_half_step(toy_run, tmp_path):
    X, history = toy_run
    path = export.animate(X, history, tmp_path / "run.gif", fps=4)
    with PIL.Image.open(path) as gif:
        assert gif.format == "GIF"
        assert gif.n_frames == history.n_steps
        gif.seek(0)
        assert gif.info["duration"] == 250
    assert oct(os.stat(path).st_mode & 0o777) != oct(0o600)  # a normal file, not private


def test_mp4_has_one_frame_per_half_step_and_holds_the_last(faithful_run, tmp_path):
    X, history = faithful_run
    path = export.animate(X, history, tmp_path / "run.mp4", fps=2, size="projector")
    n_frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(path))
    assert n_frames == history.n_steps + 2  # the last half-step is held for 3 frames
    assert seconds == pytest.approx(n_frames / 2, abs=0.6)


def test_html_plays_offline_with_one_frame_per_half_step(toy_run, tmp_path):
    X, history = toy_run
    path = export.animate(X, history, tmp_path / "run.html")
    page = path.read_text()
    frames = json.loads(re.search(r"var frames = (\[.*?\]);", page).group(1))
    captions = json.loads(re.search(r"var captions = (\[.*?\]);", page).group(1))
    assert len(frames) == len(captions) == history.n_steps
    # Nothing is fetched: no address, no src or href outside the page itself.
    assert "http:" not in page and "https:" not in page
    assert not re.search(r"""(src|href)\s*=\s*["'](?!data:|#)""", page)
    assert captions[2].startswith("M-step 1 (half-step 2 of 8)")
    png = PIL.Image.open(io.BytesIO(__import__("base64").b64decode(frames[0])))
    assert png.format == "PNG"


@pytest.mark.parametrize(
    ("suffix", "magic"), [(".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")]
)
def test_a_half_step_as_an_image(faithful_run, tmp_path, suffix, magic):
    X, history = faithful_run
    view = StepView(X, history)
    path = export.save_image(view, tmp_path / f"step{suffix}", step=2)
    assert path.read_bytes().startswith(magic)
    assert view.step == 2


def test_bad_names_and_rates_are_refused_and_leave_nothing(toy_run, tmp_path):
    X, history = toy_run
    with pytest.raises(ParameterError, match=r"end the file name with \.gif, \.mp4, \.html"):
        export.animate(X, history, tmp_path / "run.avi")
    with pytest.raises(ParameterError, match="from 0.1 to 60"):
        export.animate(X, history, tmp_path / "run.gif", fps=0)
    with pytest.raises(OutputError, match="does not exist"):
        export.animate(X, history, tmp_path / "missing" / "run.gif")
    with pytest.raises(ParameterError, match=r"\.png, \.svg, \.pdf"):
        export.save_image(StepView(X, history), tmp_path / "step.jpg")
    assert list(tmp_path.iterdir()) == []


def test_a_failure_while_writing_leaves_no_file(toy_run, tmp_path, monkeypatch):
    X, history = toy_run
    target = tmp_path / "run.gif"
    target.write_bytes(b"the previous export")

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export.animation, "_write_gif", broken)
    with pytest.raises(OutputError, match="No space left on device"):
        export.animate(X, history, target)
    assert target.read_bytes() == b"the previous export"  # untouched, not half-written
    assert [p.name for p in tmp_path.iterdir()] == ["run.gif"]


def test_mp4_without_ffmpeg_says_how_to_get_it(toy_run, tmp_path, monkeypatch):
    X, history = toy_run
    monkeypatch.setitem(__import__("sys").modules, "imageio_ffmpeg", None)
    with pytest.raises(ParameterError, match="pip install imageio-ffmpeg"):
        export.animate(X, history, tmp_path / "run.mp4")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------------------
# The numbers
# --------------------------------------------------------------------------------------


def test_history_csv_reads_back_exactly(faithful_run):
    X, history = faithful_run
    text = export.history_csv(history, columns=("eruptions", "waiting"))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == history.n_steps * 2
    assert list(rows[0]) == [
        "step",
        "phase",
        "iteration",
        "log_likelihood",
        "component",
        "weight",
        "mean_eruptions",
        "mean_waiting",
        "var_eruptions",
        "cov_eruptions_waiting",
        "var_waiting",
    ]
    for row in rows:
        s, k = int(row["step"]), int(row["component"]) - 1
        params = history.params(s)
        assert row["phase"] == history.phase(s)
        assert float(row["weight"]) == params.weights[k]
        assert float(row["mean_waiting"]) == params.means[k, 1]
        assert float(row["cov_eruptions_waiting"]) == params.full_covariances()[k, 0, 1]
        assert float(row["log_likelihood"]) == history.log_likelihood(s)


def test_history_json_holds_every_half_step(toy_run):
    X, history = toy_run
    doc = json.loads(export.history_json(history))
    assert doc["columns"] == ["x"] and doc["n_components"] == 2
    assert len(doc["steps"]) == history.n_steps
    m1 = doc["steps"][2]
    assert m1["phase"] == "M" and m1["iteration"] == 1
    # The worked example's first M-step.
    assert m1["components"][0]["mean"] == [pytest.approx(1.3065753725700628, abs=1e-15)]
    assert m1["components"][0]["covariance"] == [[pytest.approx(0.3510142879511143, abs=1e-15)]]


def test_responsibilities_csv(toy_run):
    X, history = toy_run
    rows = list(csv.reader(io.StringIO(export.responsibilities_csv(X, history, 1))))
    assert rows[0] == ["point", "x", "r_1", "r_2"]
    resp = np.array([[float(v) for v in row[2:]] for row in rows[1:]])
    np.testing.assert_array_equal(resp, history.responsibilities(1, X))
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, atol=1e-15)
    assert resp[0, 0] == pytest.approx(0.5744425168116589, abs=1e-15)  # the worked example
    with pytest.raises(ParameterError, match="no responsibilities yet"):
        export.responsibilities_csv(X, history, 0)


def test_a_1d_strip_has_one_density_range_and_can_write_the_bound():
    from gmm_viz import datasets

    toy = datasets.toy()
    narrow = dict(weights_init=[0.5, 0.5], means_init=[[1.0], [2.0]], covariances_init=[0.2, 0.2])
    history = GaussianMixtureEM(2, tol=0, max_iter=4, **narrow).fit(toy.X).history_
    fig = step_strip(toy.X, history, [0, 1, 2, -1], lower_bound=True)
    limits = {ax.get_ylim() for ax in fig.axes}
    assert len(limits) == 1  # the same heights mean the same densities
    # The tallest curve of the run fits in the shared range.
    assert max(ax.get_ylim()[1] for ax in fig.axes) >= max(
        np.max(line.get_ydata()) for ax in fig.axes for line in ax.get_lines()
    )
    titles = [ax.get_title() for ax in fig.axes]
    assert "bound" not in titles[0]  # no bound before the first E-step
    assert f"bound $\\mathcal{{L}}$ {history.lower_bound(2):.4f}" in titles[2]
    assert f"$\\ell$ {history.log_likelihood(2):.4f}" in titles[2]
