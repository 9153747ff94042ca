"""Tests of gmm_viz.plotting.restarts: several fits side by side, their log-likelihood
traces, and the criteria that choose K."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from gmm_viz.em import GaussianMixtureEM, make_params  # noqa: E402
from gmm_viz.errors import ParameterError  # noqa: E402
from gmm_viz.model_selection import held_out_log_likelihood  # noqa: E402
from gmm_viz.plotting.restarts import (  # noqa: E402
    draw_fits_1d,
    draw_k_criteria,
    draw_restart_traces,
    group_optima,
    optimum_names,
    sorted_by_mean,
)


def _axes(n=1, rows=None):
    fig = Figure(figsize=(6, 3 * n))
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows or n, 1 if rows is None else n // rows, squeeze=False).ravel()
    return fig, list(axes)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(3)
    return np.concatenate(
        [rng.normal(-4, 0.5, 30), rng.normal(0, 1.0, 60), rng.normal(5, 0.6, 20)]
    )


@pytest.fixture(scope="module")
def runs(data):
    rng = np.random.default_rng(0)
    return [
        GaussianMixtureEM(3, init_params="random_from_data", random_state=rng, tol=1e-8).fit(data)
        for _ in range(6)
    ]


# -- grouping ---------------------------------------------------------------------------


def test_group_optima_labels_runs_best_first():
    labels, values = group_optima([-10.001, -12.5, -10.0, -11.0, -12.5])
    assert labels.tolist() == [0, 2, 0, 1, 2]
    assert values.tolist() == [-10.0, -11.0, -12.5]


def test_group_optima_respects_decimals():
    labels, values = group_optima([-1.04, -1.01], decimals=1)
    assert labels.tolist() == [0, 0] and values.size == 1
    labels, values = group_optima([-1.04, -1.01], decimals=2)
    assert labels.tolist() == [1, 0]


@pytest.mark.parametrize("bad", [[], [np.nan], [1.0, np.inf]])
def test_group_optima_needs_finite_values(bad):
    with pytest.raises(ParameterError, match="finite"):
        group_optima(bad)


def test_optimum_names_are_letters():
    assert optimum_names(3) == ["A", "B", "C"]
    assert optimum_names(27)[-1] == "A2"
    assert optimum_names(0) == []


def test_sorted_by_mean_orders_components_left_to_right():
    params = make_params([0.2, 0.5, 0.3], [[3.0], [-1.0], [0.5]], [1.0, 2.0, 3.0])
    s = sorted_by_mean(params)
    assert s.means.ravel().tolist() == [-1.0, 0.5, 3.0]
    assert s.weights.tolist() == [0.5, 0.3, 0.2]
    assert s.full_covariances().ravel().tolist() == [2.0, 3.0, 1.0]


def test_sorted_by_mean_takes_a_fitted_model_and_refuses_2d(runs):
    s = sorted_by_mean(runs[0])
    assert np.all(np.diff(s.means.ravel()) >= 0)
    two_d = make_params([0.5, 0.5], [[0.0, 0.0], [1.0, 1.0]], np.stack([np.eye(2)] * 2))
    with pytest.raises(ParameterError, match="1-D"):
        sorted_by_mean(two_d)


# -- several fits over the data ---------------------------------------------------------


def test_draw_fits_1d_draws_each_fit_over_one_x_range(data, runs):
    fig, axes = _axes(3)
    drawn = draw_fits_1d(axes, data, runs[:3], titles=["a", "b", "c"], xlabel="x (m)")
    assert len(drawn) == 3
    assert all(a.histogram is not None and a.points is not None for a in drawn)
    assert len({tuple(ax.get_xlim()) for ax in axes}) == 1
    assert [ax.get_title(loc="left") for ax in axes] == ["a", "b", "c"]
    assert axes[0].get_xlabel() == "x (m)"
    # Components ordered by mean: the first curve peaks left of the last.
    peaks = [drawn[0].grid[np.argmax(line.get_ydata())] for line in drawn[0].components]
    assert peaks == sorted(peaks)
    fig.canvas.draw()


def test_draw_fits_1d_shows_a_collapsed_spike_at_full_height():
    x = np.array([0.9, 0.7, 1.2, 2.4, 1.8])
    spike = make_params([0.8, 0.2], [[1.15], [2.4]], [0.17, 1e-12])
    fig, axes = _axes(1)
    (drawn,) = draw_fits_1d(axes, x, [spike], hist=False)
    height = max(drawn.components[1].get_ydata())
    assert height == pytest.approx(0.2 / np.sqrt(2 * np.pi * 1e-12), rel=1e-9)
    assert axes[0].get_ylim()[1] > height


def test_draw_fits_1d_keeps_the_first_legend_only_when_asked(data, runs):
    fig, axes = _axes(2)
    draw_fits_1d(axes, data, runs[:2], legend="first")
    assert axes[0].get_legend() is not None and axes[1].get_legend() is None
    fig, axes = _axes(2)
    draw_fits_1d(axes, data, runs[:2], legend="none")
    assert all(ax.get_legend() is None for ax in axes)


def test_draw_fits_1d_checks_its_input(data, runs):
    fig, axes = _axes(2)
    with pytest.raises(ParameterError, match="one Axes per fit"):
        draw_fits_1d(axes, data, runs[:3])
    with pytest.raises(ParameterError, match="one title per fit"):
        draw_fits_1d(axes, data, runs[:2], titles=["only one"])
    with pytest.raises(ParameterError, match="legend"):
        draw_fits_1d(axes, data, runs[:2], legend="some")
    with pytest.raises(ParameterError, match="fitted GaussianMixtureEM"):
        draw_fits_1d(axes, data, [object(), object()])
    with pytest.raises(ParameterError, match="at least one fit"):
        draw_fits_1d([], data, [])


# -- log-likelihood traces --------------------------------------------------------------


def test_draw_restart_traces_draws_one_line_per_run_coloured_by_optimum(runs, data):
    fig, (ax,) = _axes(1)
    drawn = draw_restart_traces(ax, runs)
    assert len(drawn.lines) == len(runs)
    for line, run in zip(drawn.lines, runs, strict=True):
        # The start, then one value per M-step (iteration).
        assert line.get_ydata().tolist() == run.history_.log_likelihoods()[0::2].tolist()
        assert line.get_ydata()[-1] == pytest.approx(run.score(data) * len(data))
    colours = {}
    for line, label in zip(drawn.lines, drawn.labels, strict=True):
        colours.setdefault(int(label), set()).add(line.get_color())
    assert all(len(c) == 1 for c in colours.values())
    assert len({next(iter(c)) for c in colours.values()}) == len(colours)
    texts = [t.get_text() for t in drawn.legend.get_texts()]
    assert len(texts) == len(drawn.values) and texts[0].startswith("A: ")
    fig.canvas.draw()


def test_draw_restart_traces_names_the_runs_of_each_optimum():
    fig, (ax,) = _axes(1)
    drawn = draw_restart_traces(
        ax, [[-9.0, -5.0], [-8.0, -4.0], [-7.0, -5.0]], run_names=["x", "y", "z"]
    )
    texts = [t.get_text() for t in drawn.legend.get_texts()]
    assert texts == ["A: -4.00 (start y)", "B: -5.00 (starts x, z)"]


def test_draw_restart_traces_can_zoom_on_the_plateaus():
    fig, (ax,) = _axes(1)
    draw_restart_traces(ax, [[-100.0, -10.0], [-90.0, -12.0]], below_best=5)
    lo, hi = ax.get_ylim()
    assert lo == pytest.approx(-15.0) and hi > -10.0


def test_draw_restart_traces_checks_its_input():
    fig, (ax,) = _axes(1)
    with pytest.raises(ParameterError, match="at least one run"):
        draw_restart_traces(ax, [])
    with pytest.raises(ParameterError, match="one name per run"):
        draw_restart_traces(ax, [[-1.0]], run_names=["a", "b"])


# -- choosing K -------------------------------------------------------------------------


def test_draw_k_criteria_rings_each_criterions_choice(data):
    ks = [1, 2, 3, 4]
    fits = [GaussianMixtureEM(k, random_state=0).fit(data) for k in ks]
    bic = [f.bic(data) for f in fits]
    aic = [f.aic(data) for f in fits]
    held = held_out_log_likelihood(data, ks, n_splits=2, random_state=0)
    fig, (top, bottom) = _axes(2)
    drawn = draw_k_criteria(top, bottom, ks, bic, aic, held)
    assert drawn.best == {
        "BIC": ks[int(np.argmin(bic))],
        "AIC": ks[int(np.argmin(aic))],
        "held-out": held.best_k,
    }
    assert drawn.bic.get_ydata().tolist() == bic
    texts = [t.get_text() for t in top.texts] + [t.get_text() for t in bottom.texts]
    assert f"BIC: K = {drawn.best['BIC']}" in texts and f"held-out: K = {held.best_k}" in texts
    fig.canvas.draw()


def test_draw_k_criteria_without_held_out_and_its_checks():
    fig, (ax,) = _axes(1)
    drawn = draw_k_criteria(ax, None, [1, 2, 3], [30.0, 20.0, 25.0], [28.0, 15.0, 14.0])
    assert drawn.best == {"BIC": 2, "AIC": 3}
    assert ax.get_xlabel() == "number of components K"
    with pytest.raises(ParameterError, match="one BIC and one AIC"):
        draw_k_criteria(ax, None, [1, 2], [1.0], [1.0, 2.0])
