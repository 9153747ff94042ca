"""The lower bound anywhere: it touches log L at the posterior, lies below it for any other
q (the gap is a KL divergence, >= 0), agrees with the history's bound computed from the
M-step's sums, and the M-step's parameters maximise it for their q."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmm_viz import GaussianMixtureEM, datasets
from gmm_viz.em import (
    e_step,
    interpolate_params,
    kl_gap,
    log_likelihood,
    lower_bound,
    make_params,
)
from gmm_viz.errors import ParameterError

TOY = datasets.toy()


@pytest.mark.parametrize("cov_type", ["full", "diag", "spherical", "tied"])
def test_bound_equals_the_history_bound_and_touches_at_e_steps(cov_type):
    X = datasets.faithful().X
    run = GaussianMixtureEM(3, covariance_type=cov_type, random_state=2, tol=0, max_iter=6).fit(X)
    h = run.history_
    for step in range(1, h.n_steps):
        q = h.responsibilities(step, X)
        value = lower_bound(X, q, h.params(step))
        assert value == pytest.approx(h.lower_bound(step), rel=1e-10, abs=1e-8)
        if h.phase(step) == "E":
            assert value == pytest.approx(log_likelihood(X, h.params(step)), rel=1e-10)
            assert abs(kl_gap(X, q, h.params(step))) < 1e-8


def test_worked_example_first_iteration():
    s = TOY.start
    q = e_step(TOY.X, s)[0]
    assert lower_bound(TOY.X, q, s) == pytest.approx(-7.075762984, abs=1e-8)
    run = GaussianMixtureEM(2, **TOY.start_for(2), tol=0, max_iter=1).fit(TOY.X)
    new = run.history_.params(2)
    # The M-step maximises the bound for q: any other parameters on a path through it give less.
    best = lower_bound(TOY.X, q, new)
    for t in (-0.5, 0.0, 0.5, 0.9, 1.1, 1.5):
        assert lower_bound(TOY.X, q, interpolate_params(s, new, t)) < best
    assert interpolate_params(s, new, 0).means == pytest.approx(np.array([[1.0], [2.0]]))
    np.testing.assert_allclose(interpolate_params(s, new, 1).covariances, new.covariances)
    np.testing.assert_allclose(interpolate_params(s, new, 1).weights, new.weights)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0.01, 1.0), min_size=10, max_size=10),
    st.floats(-2, 3),
)
def test_any_q_gives_a_bound_below_log_likelihood(raw, t):
    """Jensen: L(q, theta) <= log L(theta) for every q, on every parameter path."""
    q = np.array(raw).reshape(5, 2)
    q /= q.sum(axis=1, keepdims=True)
    params = interpolate_params(
        TOY.start, {"weights": [0.3, 0.7], "means": [0.5, 2.5], "covariances": [0.2, 1.0]}, t
    )
    assert lower_bound(TOY.X, q, params) <= log_likelihood(TOY.X, params) + 1e-12
    assert kl_gap(TOY.X, q, params) >= -1e-12


def test_bad_responsibilities_and_paths_are_sentences():
    s = TOY.start
    with pytest.raises(ParameterError, match=r"shape \(5, 2\)"):
        lower_bound(TOY.X, np.ones((5, 3)) / 3, s)
    with pytest.raises(ParameterError, match="add up to 1"):
        lower_bound(TOY.X, np.ones((5, 2)), s)
    with pytest.raises(ParameterError, match="add up to 1"):
        lower_bound(TOY.X, np.full((5, 2), np.nan), s)
    three = make_params([0.2, 0.3, 0.5], [0.0, 1.0, 2.0], [1.0, 1.0, 1.0])
    with pytest.raises(ParameterError, match="same shape of means"):
        interpolate_params(s, three, 0.5)
    with pytest.raises(ParameterError, match="finite"):
        interpolate_params(s, s, float("inf"))
