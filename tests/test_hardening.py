"""K-means as the sigma -> 0 limit of EM: the responsibilities of an equal-weight,
shared-variance mixture harden into the nearest-mean assignment, in the picture and the
slider."""

from __future__ import annotations

import numpy as np
import pytest

from gmm_viz import datasets
from gmm_viz.em import kmeans
from gmm_viz.errors import ParameterError
from gmm_viz.plotting import draw_hardening, hardening_strip, update_hardening
from gmm_viz.plotting.figure import blank_figure
from gmm_viz.widgets import HardeningSlider

TOY = datasets.toy()


def _panel():
    return blank_figure((6, 3)).add_subplot()


def test_responsibilities_harden_into_the_nearest_mean():
    art = draw_hardening(_panel(), TOY.X, [1.0, 2.0], 1.0)
    soft = art.panel.responsibilities
    assert 0.25 < soft.min() and soft.max() < 0.75  # variance 1: everything shared
    update_hardening(art, 0.01)
    hard = art.panel.responsibilities
    nearest = (np.abs(TOY.X[:, 0] - 2.0) < np.abs(TOY.X[:, 0] - 1.0)).astype(int)
    np.testing.assert_allclose(hard[np.arange(5), nearest], 1.0, atol=1e-6)
    # The dashed K-means lines are that assignment on the grid.
    grid = art.panel.grid
    np.testing.assert_array_equal(art.hard[1].get_ydata(), (grid > 1.5).astype(float))
    # The picture's curves are the E-step's responsibilities on the grid.
    curve = art.panel.curves[1].get_ydata()
    assert curve[grid < 1.4].max() < 1e-3 and curve[grid > 1.6].min() > 1 - 1e-3
    assert "0.01" in art.panel.ax.get_title()


def test_the_limit_is_what_kmeans_assigns_from_the_same_means():
    X = datasets.galaxies().X / 1000  # thousands of km/s
    km = kmeans(X, 3, random_state=0)
    means = km.centers[:, 0]
    art = draw_hardening(_panel(), X, means, 1e-4)
    # At K-means' fixed point its labels are the nearest-centre assignment: the hardened
    # responsibilities are those labels, as 0s and 1s.
    resp = art.panel.responsibilities
    np.testing.assert_array_equal(resp.argmax(axis=1), km.labels)
    assert np.all((resp < 1e-9) | (resp > 1 - 1e-9))


def test_bad_variance_and_means_are_sentences():
    art = draw_hardening(_panel(), TOY.X, [1.0, 2.0])
    for bad in (0.0, -1.0, float("nan")):
        with pytest.raises(ParameterError, match="positive number"):
            update_hardening(art, bad)
    with pytest.raises(ParameterError, match="at least two means"):
        draw_hardening(_panel(), TOY.X, [1.0])
    with pytest.raises(ParameterError, match="at least one variance"):
        hardening_strip(TOY.X, [1.0, 2.0], variances=[])


def test_strip_has_a_panel_per_variance_and_slider_redraws():
    fig = hardening_strip(TOY.X, [1.0, 2.0], variances=[1.0, 0.1, 0.01])
    assert len(fig.axes) == 3
    slider = HardeningSlider(TOY.X, [1.0, 2.0])
    before = slider.image.value
    slider.slider.value = 0.02
    assert slider.image.value != before
    assert slider.artists.variance == pytest.approx(0.02)
