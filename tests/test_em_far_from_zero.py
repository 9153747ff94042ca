"""Data far from zero (issue 17): EM does not change under a shift of the data, and the
answer must not either. The variance floor used to grow with a component's distance
from zero (a standard deviation of about 2.2e-11 |x|), so a cluster narrower than that
was inflated and called collapsed.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture
from test_em import assert_monotone, collapse_data

from gmm_viz.em import GaussianMixtureEM


@pytest.mark.parametrize("place", [0.0, 1e4, 1e8, 1e10])
def test_a_tight_cluster_keeps_its_variance_wherever_it_sits(place):
    """500 points with sd 1e-3 at 1e8, K = 1: the variance was 4.93e-6 (26,000 x too large
    at 1e10) where the exact answer is np.var(X) + reg_covar = 1.878e-6."""
    rng = np.random.default_rng(0)
    X = place + rng.normal(0.0, 1e-3, size=(500, 1))
    exact = np.var(X) + 1e-6
    ours = GaussianMixtureEM(1).fit(X)
    theirs = GaussianMixture(1).fit(X)
    assert ours.covariances_[0, 0, 0] == pytest.approx(exact, rel=1e-6)
    # scikit-learn computes in raw units: within 1e-6 up to 1e8; at 1e10 it is itself
    # 2e-6 off, where ours stays within 1e-6.
    if place <= 1e8:
        assert theirs.covariances_[0, 0, 0] == pytest.approx(exact, rel=1e-6)
    assert ours.history_.notes() == []


@pytest.mark.parametrize("covariance_type", ["full", "diag", "tied"])
def test_a_narrow_column_far_from_zero_beside_a_normal_one(covariance_type):
    """A column with sd 1e-3 at 1e8 beside a standard normal column: its variance was 2.5 x
    too large (the same column at the origin was exact)."""
    rng = np.random.default_rng(1)
    X = np.c_[rng.normal(0.0, 1.0, 400), rng.normal(1e8, 1e-3, 400)]
    ours = GaussianMixtureEM(1, covariance_type=covariance_type).fit(X)
    variances = np.diagonal(ours.params_.full_covariances()[0])
    np.testing.assert_allclose(variances, np.var(X, axis=0) + 1e-6, rtol=1e-6)
    assert ours.history_.notes() == []


def burst_timestamps():
    """Unix timestamps (about 1.7e9 s) in three bursts 5 ms wide, a minute apart."""
    rng = np.random.default_rng(2)
    starts = 1.7e9 + np.array([0.0, 60.0, 120.0])
    return np.concatenate([s + rng.uniform(0.0, 5e-3, 100) for s in starts])[:, None]


def best_k_by_bic(fit, X, ks=range(1, 6)):
    return min(ks, key=lambda k: fit(k).fit(X).bic(X))


def test_timestamps_in_three_bursts_keep_their_width_and_bic_picks_three():
    """The bursts' sd became 37.7 ms (the floor near 1.7e9) and BIC picked K = 1."""
    X = burst_timestamps()
    centred = X - 1.7e9

    def ours(k):
        return GaussianMixtureEM(k, n_init=3, random_state=0)

    def theirs(k):
        return GaussianMixture(k, n_init=3, random_state=0)

    assert best_k_by_bic(theirs, X) == 3
    assert best_k_by_bic(ours, centred) == 3
    assert best_k_by_bic(ours, X) == 3
    model = ours(3).fit(X)
    order = np.argsort(model.means_[:, 0])
    sd = np.sqrt(model.covariances_[order, 0, 0])
    bursts = X[:, 0].reshape(3, 100)
    exact = np.sqrt(bursts.var(axis=1) + 1e-6)
    np.testing.assert_allclose(sd, exact, rtol=1e-6)
    np.testing.assert_allclose(model.means_[order, 0], bursts.mean(axis=1), rtol=1e-15)
    assert model.history_.notes() == []
    shifted = ours(3).fit(centred)
    np.testing.assert_allclose(
        np.sort(shifted.covariances_[:, 0, 0]), np.sort(model.covariances_[:, 0, 0]), rtol=1e-6
    )


@pytest.mark.parametrize("d", [1, 2])
def test_collapse_far_from_zero_is_flagged_and_em_never_lowers_the_likelihood(d):
    """At reg_covar = 0 the floor still keeps EM monotone and names the collapse when the
    data sit at 1e8 (the reason the floor is relative to a component's place)."""
    X = collapse_data(d) + 1e8
    model = GaussianMixtureEM(5, reg_covar=0.0, tol=0.0, max_iter=15, random_state=0).fit(X)
    assert_monotone(model.history_)
    assert any("collapsed" in note for note in model.history_.notes())
    assert np.all(np.isfinite(model.score_samples(X)))
