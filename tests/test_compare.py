"""K-means against EM in the means-only model: the model holds its weights and variances,
softness measures a hard assignment, the bias study is reproducible and shows K-means'
outward bias, and the pictures keep one x range and mark the truth."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from gmm_viz import compare, datasets
from gmm_viz.em import e_step, kmeans
from gmm_viz.errors import ParameterError

TOY = datasets.toy()
TRUE_MEANS = [-2.0, 0.5, 3.0]


def test_doctests():
    result = doctest.testmod(compare)
    assert result.attempted > 0 and result.failed == 0


def test_means_only_model_learns_the_means_only():
    model = compare.means_only_model(2, means_init=[1.0, 2.0], tol=0.0, max_iter=1).fit(TOY.X)
    assert model.weights_.tolist() == [0.5, 0.5]
    assert model.covariances_.tolist() == [1.0, 1.0]
    # One M-step: each mean is the responsibility-weighted average at the start.
    start = {"weights": [0.5, 0.5], "means": [[1.0], [2.0]], "covariances": [[[1.0]], [[1.0]]]}
    resp, _ = e_step(TOY.X, start)
    x = TOY.X[:, 0]
    expected = resp.T @ x / resp.sum(axis=0)
    np.testing.assert_allclose(model.means_[:, 0], expected, rtol=1e-12)
    # In this model the log-odds are linear in x: beta_n1 = 1 / (1 + exp(x - 1.5)).
    np.testing.assert_allclose(resp[:, 0], 1 / (1 + np.exp(x - 1.5)), rtol=1e-12)


def test_means_only_model_other_variance_and_bad_input():
    model = compare.means_only_model(3, means_init=np.array([[0.0], [1.0], [2.0]]), variance=4.0)
    assert model.covariances_init.tolist() == [4.0, 4.0, 4.0]
    assert model.fixed == ("weights", "covariances")
    with pytest.raises(ParameterError, match="3 starting means"):
        compare.means_only_model(3, means_init=[0.0, 1.0])
    with pytest.raises(ParameterError, match="positive"):
        compare.means_only_model(2, means_init=[0.0, 1.0], variance=0.0)
    with pytest.raises(ParameterError, match="finite"):
        compare.means_only_model(2, means_init=[0.0, np.nan])


def test_softness():
    assert compare.softness(np.eye(3)) == 0.0
    assert compare.softness([[0.5, 0.5], [1.0, 0.0]]) == 0.5
    assert compare.softness([[0.2, 0.3, 0.5]]) == pytest.approx(0.5)
    with pytest.raises(ParameterError, match="N rows and K columns"):
        compare.softness([0.5, 0.5])


def test_variance_one_in_km_per_s_is_k_means():
    """The lesson's warning: on the galaxies (km/s) the means-only model with variance 1
    assigns every point whole, and lands on K-means' centres."""
    galaxies = datasets.galaxies()
    start = np.array([10000.0, 20000.0, 30000.0])
    soft = compare.means_only_model(3, means_init=start).fit(galaxies.X)
    hard = kmeans(galaxies.X, 3, init=start[:, None])
    resp, _ = e_step(galaxies.X, soft.params_)
    assert compare.softness(resp) == 0.0
    np.testing.assert_allclose(soft.means_[:, 0], hard.centers[:, 0], rtol=1e-12)
    # A variance in the data's scale makes it soft again.
    wide = compare.means_only_model(3, means_init=start, variance=2000.0**2).fit(galaxies.X)
    assert compare.softness(e_step(galaxies.X, wide.params_)[0]) > 0.3


def test_bias_study_shapes_and_reproducibility():
    a = compare.bias_study(TRUE_MEANS, n_samples=60, n_draws=5, random_state=3)
    b = compare.bias_study(TRUE_MEANS, n_samples=60, n_draws=5, random_state=3)
    assert a.n_draws == 5 and a.n_samples == 60
    for method in compare.METHODS:
        est = a.estimates[method]
        assert est.shape == (5, 3)
        assert np.all(np.diff(est, axis=1) > 0), "matched to the truth by order"
        np.testing.assert_array_equal(est, b.estimates[method])
        np.testing.assert_allclose(a.errors(method), est - np.array(TRUE_MEANS))
        assert a.bias(method).shape == a.standard_error(method).shape == (3,)
        assert np.all(a.rmse(method) >= np.abs(a.bias(method)))
    np.testing.assert_array_equal(a.start, TRUE_MEANS)  # the default start is the truth
    text = a.table()
    assert "K-means bias" in text and "EM, means only RMSE" in text and "± " in text
    with pytest.raises(ParameterError, match="Unknown method"):
        a.bias("EM")
    with pytest.raises(ParameterError, match="starting means"):
        compare.bias_study(TRUE_MEANS, start=[0.0, 1.0])
    with pytest.raises(ParameterError, match="at least"):
        compare.bias_study(TRUE_MEANS, n_draws=1)


def test_bias_study_k_means_pushes_outer_centres_out_em_does_not():
    """The lesson's claim, with fewer draws: K-means' outer centres are biased outward by
    about 0.13 (the truncation of each cluster), EM's means-only estimates are not."""
    study = compare.bias_study(TRUE_MEANS, n_samples=300, n_draws=80, random_state=0)
    hard, se_hard = study.bias("K-means"), study.standard_error("K-means")
    soft, se_soft = study.bias("EM, means only"), study.standard_error("EM, means only")
    assert hard[0] < -5 * se_hard[0] and hard[2] > 5 * se_hard[2]
    assert 0.08 < -hard[0] < 0.2 and 0.08 < hard[2] < 0.2
    assert np.all(np.abs(soft) < 4 * se_soft)
    assert study.n_kmeans_farther_apart() >= 0.9 * study.n_draws


def test_soft_vs_hard_figure_one_x_range_and_the_truth_in_the_legend():
    data = datasets.synthetic(
        n_samples=120, means=[[m] for m in TRUE_MEANS], covariances=[[[1.0]]] * 3, random_state=7
    )
    start = np.array([-1.0, 0.0, 1.0])
    hard = kmeans(data.X, 3, init=start[:, None])
    soft = compare.means_only_model(3, means_init=start).fit(data.X)
    fig = compare.soft_vs_hard_figure(
        data.X, hard, soft, true_means=TRUE_MEANS, xlabel=data.axis_labels[0]
    )
    left, right = fig.axes
    assert left.get_xlim() == right.get_xlim()
    lo, hi = left.get_xlim()
    assert lo < data.X.min() and hi > data.X.max()
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == ["true means (-2, 0.5, 3)"]
    for ax in (left, right):
        dotted = [line for line in ax.lines if line.get_linestyle() == ":"]
        assert sorted(line.get_xdata()[0] for line in dotted) == TRUE_MEANS
    fig.canvas.draw()  # it renders
    # Without the truth: no legend under the panels.
    assert not compare.soft_vs_hard_figure(data.X, hard, soft).legends


def test_bias_figure():
    study = compare.bias_study(TRUE_MEANS, n_samples=60, n_draws=6, random_state=1)
    fig = compare.bias_figure(study, xlabel="x")
    left, right = fig.axes
    assert f"of {study.n_draws} data sets" in right.get_title()
    assert [t.get_text() for t in left.get_legend().get_texts()] == list(compare.METHODS)
    fig.canvas.draw()
