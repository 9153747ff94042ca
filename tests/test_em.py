"""Tests of the EM engine (gmm_viz.em): worked examples, agreement with scikit-learn,
the half-step history, degenerate components, extreme scales and input validation."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture

from gmm_viz.em import (
    COVARIANCE_TYPES,
    EMHistory,
    GaussianMixtureEM,
    GMMParams,
    component_densities,
    covariances_from_full,
    e_step,
    kmeans,
    log_likelihood,
    m_step,
    make_params,
    sample_mixture,
)
from gmm_viz.errors import DataError, GMMVizError, NotFittedError, ParameterError

ignore_sklearn_convergence = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning"
)

# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------

SEED001_X = np.array([0.9, 0.7, 1.2, 2.4, 1.8])
SEED001_MEANS = (1.3065753725700628, 1.4982149218892322)
SEED001_VARIANCES = (0.3510142879511143, 0.408060269961259)
SEED001_WEIGHT1 = 0.5124981885949778
SEED001_BETA1 = [0.574, 0.599, 0.537, 0.389, 0.463]
# The seed's g1/g2 rows: the normal densities without their 1/sigma factor (sigma^2 = 2).
SEED001_G = [[0.398, 0.390, 0.395, 0.244, 0.340], [0.295, 0.261, 0.340, 0.383, 0.395]]


def blobs(d, seed=0, n_per=60, k=3, spread=4.0):
    """k clusters in d dimensions with different, correlated shapes."""
    rng = np.random.default_rng(seed)
    shapes = rng.normal(size=(k, d, d)) * 0.5 + np.eye(d)
    centers = rng.normal(scale=spread, size=(k, d))
    return np.concatenate([rng.normal(size=(n_per, d)) @ shapes[j] + centers[j] for j in range(k)])


def start_params(X, covariance_type, k=3, seed=1):
    """An explicit, reproducible starting point: data points as means, scaled data
    covariances, unequal weights."""
    n, d = X.shape
    rng = np.random.default_rng(seed)
    means = X[rng.choice(n, size=k, replace=False)]
    data_cov = np.atleast_2d(np.cov(X.T))
    full = np.array([data_cov * (0.5 + 0.3 * j) for j in range(k)])
    weights = np.arange(1.0, k + 1.0)
    weights /= weights.sum()
    return weights, means, covariances_from_full(full, covariance_type)


def sk_precisions(covariances, covariance_type):
    """Precisions (inverse covariances) shaped as scikit-learn's precisions_init."""
    if covariance_type in ("full", "tied"):
        return np.linalg.inv(covariances)
    return 1.0 / covariances


def sk_precisions_cholesky(covariances, covariance_type):
    """scikit-learn's precisions_cholesky_: the transposed inverse Cholesky factor."""
    if covariance_type in ("diag", "spherical"):
        return 1.0 / np.sqrt(covariances)
    chol = np.linalg.cholesky(covariances)
    return np.swapaxes(np.linalg.inv(chol), -1, -2)


def sklearn_with_params(model):
    """A scikit-learn GaussianMixture holding exactly the parameters of ``model``."""
    sk = GaussianMixture(model.n_components, covariance_type=model.covariance_type)
    sk.weights_ = model.weights_.copy()
    sk.means_ = model.means_.copy()
    sk.covariances_ = model.covariances_.copy()
    sk.precisions_cholesky_ = sk_precisions_cholesky(model.covariances_, model.covariance_type)
    sk.n_features_in_ = model.means_.shape[1]
    sk.converged_ = True
    sk.n_iter_ = model.n_iter_
    sk.lower_bound_ = model.lower_bound_
    return sk


def iter_arrays(obj):
    """Every numpy array inside a (nested) dataclass record."""
    if isinstance(obj, np.ndarray):
        yield obj
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from iter_arrays(getattr(obj, f.name))
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            yield from iter_arrays(item)


def history_records(history):
    return [history.initial, *history.e_steps, *history.m_steps]


def assert_history_finite(history):
    for record in history_records(history):
        for arr in iter_arrays(record):
            assert np.all(np.isfinite(arr)), f"non-finite values in {type(record).__name__}"
    assert np.all(np.isfinite(history.log_likelihoods()))


def assert_monotone(history):
    ll = history.log_likelihoods()
    slack = 1e-9 * np.abs(ll[:-1]) + 1e-9
    assert np.all(np.diff(ll) >= -slack), np.diff(ll)


def seed001_model(covariance_type="full", **kwargs):
    return GaussianMixtureEM(
        2,
        covariance_type=covariance_type,
        reg_covar=0.0,
        tol=0.0,
        max_iter=1,
        weights_init=[0.5, 0.5],
        means_init=[1.0, 2.0],
        covariances_init=np.array([2.0, 2.0]),
        **kwargs,
    )


# --------------------------------------------------------------------------------------
# The worked example of seed 001
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("covariance_type", ["full", "diag", "spherical"])
def test_seed001_one_iteration_estimator(covariance_type):
    model = seed001_model(covariance_type).fit(SEED001_X)
    assert model.n_iter_ == 1
    np.testing.assert_allclose(model.means_[:, 0], SEED001_MEANS, rtol=1e-12, atol=0)
    variances = model.covariances_.reshape(2)
    np.testing.assert_allclose(variances, SEED001_VARIANCES, rtol=1e-12, atol=0)
    assert model.weights_[0] == pytest.approx(SEED001_WEIGHT1, rel=1e-12, abs=0)
    assert model.weights_.sum() == pytest.approx(1.0, abs=1e-15)


def test_seed001_pure_functions():
    params = make_params([0.5, 0.5], [1.0, 2.0], [2.0, 2.0], covariance_type="spherical")
    resp, ll = e_step(SEED001_X, params)
    assert resp.shape == (5, 2)
    np.testing.assert_array_equal(np.round(resp[:, 0], 3), SEED001_BETA1)
    np.testing.assert_array_equal(
        np.round(resp[:, 1], 3), np.round(1 - np.array(SEED001_BETA1), 3)
    )
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    assert ll == pytest.approx(log_likelihood(SEED001_X, params), rel=1e-15)

    new, stats, notes = m_step(SEED001_X, resp, covariance_type="spherical", reg_covar=0.0)
    assert notes == []
    np.testing.assert_allclose(new.means[:, 0], SEED001_MEANS, rtol=1e-12, atol=0)
    np.testing.assert_allclose(new.covariances, SEED001_VARIANCES, rtol=1e-12, atol=0)
    assert new.weights[0] == pytest.approx(SEED001_WEIGHT1, rel=1e-12, abs=0)
    # The statistics the new parameters came from.
    np.testing.assert_allclose(stats.resp_sums, resp.sum(axis=0), rtol=1e-14)
    np.testing.assert_allclose(stats.weighted_sums[:, 0], resp.T @ SEED001_X, rtol=1e-13)
    assert stats.n_samples == 5

    # The same with full covariances and a dict of parameters.
    new_full, _, _ = m_step(SEED001_X, resp, covariance_type="full", reg_covar=0.0)
    np.testing.assert_allclose(new_full.covariances[:, 0, 0], SEED001_VARIANCES, rtol=1e-12)
    resp_dict, _ = e_step(
        SEED001_X, {"weights": [0.5, 0.5], "means": [1.0, 2.0], "covariances": [2.0, 2.0]}
    )
    np.testing.assert_allclose(resp_dict, resp, rtol=1e-15)


def test_seed001_history_shows_the_beta_table():
    model = seed001_model().fit(SEED001_X)
    history = model.history_
    assert history.n_steps == 3
    assert [history.phase(s) for s in range(3)] == ["init", "E", "M"]
    resp = history.responsibilities(1, SEED001_X)
    np.testing.assert_array_equal(np.round(resp[:, 0], 3), SEED001_BETA1)
    np.testing.assert_allclose(history.stats(2).resp_sums, resp.sum(axis=0), rtol=1e-14)
    assert history.notes() == []


def test_seed001_true_densities_are_the_printed_ones_over_sigma():
    """The seed's g rows drop the 1/sigma factor; the engine shows the true densities."""
    params = make_params([0.5, 0.5], [1.0, 2.0], [2.0, 2.0], covariance_type="spherical")
    dens = component_densities(SEED001_X, params)
    np.testing.assert_array_equal(np.round(dens.T * np.sqrt(2.0), 3), SEED001_G)
    assert dens.max() < 0.2821  # the peak of N(mu, 2) is 1/sqrt(4 pi) = 0.28209...
    assert 1 / np.sqrt(4 * np.pi) == pytest.approx(dens[0, 0] / np.exp(-0.01 / 4), rel=1e-14)


# --------------------------------------------------------------------------------------
# Agreement with scikit-learn
# --------------------------------------------------------------------------------------


@ignore_sklearn_convergence
@pytest.mark.parametrize("d", [1, 2, 3])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_agrees_with_sklearn_after_50_iterations(covariance_type, d):
    X = blobs(d)
    weights, means, covs = start_params(X, covariance_type)
    ours = GaussianMixtureEM(
        3,
        covariance_type=covariance_type,
        tol=0.0,
        max_iter=50,
        weights_init=weights,
        means_init=means,
        covariances_init=covs,
    ).fit(X)
    theirs = GaussianMixture(
        3,
        covariance_type=covariance_type,
        tol=0.0,
        max_iter=50,
        weights_init=weights,
        means_init=means,
        precisions_init=sk_precisions(covs, covariance_type),
    ).fit(X)
    assert ours.n_iter_ == theirs.n_iter_ == 50
    assert ours.converged_ is False
    assert ours.covariances_.shape == theirs.covariances_.shape
    np.testing.assert_allclose(ours.weights_, theirs.weights_, rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(ours.means_, theirs.means_, rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(ours.covariances_, theirs.covariances_, rtol=1e-8, atol=1e-8)
    assert len(ours.lower_bounds_) == len(theirs.lower_bounds_) == 50
    np.testing.assert_allclose(ours.lower_bounds_, theirs.lower_bounds_, rtol=1e-10, atol=1e-10)
    assert ours.lower_bound_ == pytest.approx(theirs.lower_bound_, rel=1e-10)


@pytest.mark.parametrize("d", [1, 2, 3])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_scores_agree_with_sklearn_on_the_same_parameters(covariance_type, d):
    X = blobs(d, seed=2)
    model = GaussianMixtureEM(3, covariance_type=covariance_type, random_state=0).fit(X)
    sk = sklearn_with_params(model)
    X_new = np.concatenate([blobs(d, seed=5, n_per=10), np.full((1, d), 40.0)])
    for data in (X, X_new):
        np.testing.assert_allclose(
            model.predict_proba(data), sk.predict_proba(data), rtol=1e-9, atol=1e-12
        )
        np.testing.assert_array_equal(model.predict(data), sk.predict(data))
        np.testing.assert_allclose(
            model.score_samples(data), sk.score_samples(data), rtol=1e-11, atol=1e-11
        )
        assert model.score(data) == pytest.approx(sk.score(data), rel=1e-12)
        assert model.bic(data) == pytest.approx(sk.bic(data), rel=1e-12)
        assert model.aic(data) == pytest.approx(sk.aic(data), rel=1e-12)
    # n_parameters as sklearn counts them, checked through the BIC/AIC difference.
    n = X.shape[0]
    n_par = (model.bic(X) - model.aic(X)) / (np.log(n) - 2)
    assert n_par == pytest.approx(sk._n_parameters(), rel=1e-9)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_convergence_with_tol_matches_sklearn(covariance_type):
    X = blobs(2, seed=3)
    weights, means, covs = start_params(X, covariance_type)
    kwargs = dict(covariance_type=covariance_type, tol=1e-3, max_iter=200, weights_init=weights)
    ours = GaussianMixtureEM(3, means_init=means, covariances_init=covs, **kwargs).fit(X)
    theirs = GaussianMixture(
        3, means_init=means, precisions_init=sk_precisions(covs, covariance_type), **kwargs
    ).fit(X)
    assert ours.converged_ is True
    assert ours.history_.converged is True
    assert 1 < ours.n_iter_ < 200
    assert ours.n_iter_ == theirs.n_iter_
    changes = np.diff([-np.inf, *ours.lower_bounds_])
    assert abs(changes[-1]) < 1e-3
    assert np.all(np.abs(changes[:-1]) >= 1e-3)
    np.testing.assert_allclose(ours.means_, theirs.means_, rtol=1e-9, atol=1e-9)


def test_max_iter_reached_is_not_converged():
    X = blobs(2, seed=3)
    model = GaussianMixtureEM(3, tol=1e-12, max_iter=3, random_state=0).fit(X)
    assert model.converged_ is False
    assert model.n_iter_ == 3
    assert len(model.lower_bounds_) == 3
    assert model.lower_bound_ == model.lower_bounds_[-1]


def test_n_init_keeps_the_best_start():
    # Five overlapping groups and K=4 have many local optima.
    X = blobs(2, seed=11, k=5, spread=2.0, n_per=30)
    kwargs = dict(init_params="random_from_data", tol=1e-6, max_iter=300)
    shared = np.random.default_rng(7)  # fit() draws all starts from this one generator
    singles = [GaussianMixtureEM(4, random_state=shared, **kwargs).fit(X) for _ in range(6)]
    finals = [m.score(X) for m in singles]
    assert len({round(f, 6) for f in finals}) > 1, "the starts should reach different optima"
    best = GaussianMixtureEM(4, n_init=6, random_state=7, **kwargs).fit(X)
    assert best.score(X) == pytest.approx(max(finals), rel=1e-12)
    winner = singles[int(np.argmax(finals))]
    np.testing.assert_allclose(best.means_, winner.means_, rtol=1e-12)
    assert best.n_iter_ == winner.n_iter_


# --------------------------------------------------------------------------------------
# Fixed parameters and the "means only" model of seed 000
# --------------------------------------------------------------------------------------


def three_groups_1d(seed=0):
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.normal(-4, 1, 40), rng.normal(0, 1, 40), rng.normal(5, 1, 40)])


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_means_only_model_of_seed000(covariance_type):
    X = three_groups_1d()
    k = 3
    weights = np.full(k, 1.0 / k)
    variances = {
        "full": np.ones((k, 1, 1)),
        "diag": np.ones((k, 1)),
        "spherical": np.ones(k),
        "tied": np.ones((1, 1)),
    }[covariance_type]
    start = np.array([-1.0, 0.5, 1.0])
    model = GaussianMixtureEM(
        k,
        covariance_type=covariance_type,
        fixed=("weights", "covariances"),
        weights_init=weights,
        means_init=start,
        covariances_init=variances,
        tol=0.0,
        max_iter=15,
    ).fit(X)
    # Weights and variances are held exactly; only the means move.
    for step in range(model.history_.n_steps):
        p = model.history_.params(step)
        np.testing.assert_array_equal(p.weights, weights)
        np.testing.assert_array_equal(p.covariances, variances)
    np.testing.assert_array_equal(model.weights_, weights)
    np.testing.assert_array_equal(model.covariances_, variances)
    np.testing.assert_array_equal(model.history_.initial.means[:, 0], start)
    assert np.all(np.abs(np.sort(model.means_[:, 0]) - [-4, 0, 5]) < 0.6)
    assert_monotone(model.history_)

    # The seed's algorithm by hand: r_nk proportional to exp(-(x - mu_k)^2 / 2), then
    # mu_k = sum_n r_nk x_n / sum_n r_nk.
    mu = start.copy()
    for _ in range(15):
        log_r = -0.5 * (X[:, None] - mu[None, :]) ** 2
        r = np.exp(log_r - log_r.max(axis=1, keepdims=True))
        r /= r.sum(axis=1, keepdims=True)
        mu = (r * X[:, None]).sum(axis=0) / r.sum(axis=0)
    np.testing.assert_allclose(model.means_[:, 0], mu, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("name", ["weights", "means", "covariances"])
def test_each_parameter_can_be_held_fixed_alone(name, covariance_type):
    X = blobs(2, seed=4)
    weights, means, covs = start_params(X, covariance_type)
    model = GaussianMixtureEM(
        3,
        covariance_type=covariance_type,
        fixed=(name,),
        weights_init=weights,
        means_init=means,
        covariances_init=covs,
        tol=0.0,
        max_iter=10,
    ).fit(X)
    given = {"weights": weights, "means": means, "covariances": covs}
    history = model.history_
    for step in range(history.n_steps):
        p = history.params(step)
        np.testing.assert_array_equal(getattr(p, name), given[name])
    for other in set(given) - {name}:
        assert not np.allclose(getattr(model, other + "_"), given[other])
    assert_monotone(history)
    assert_history_finite(history)


def test_fixed_without_explicit_values_stays_at_the_initialisation():
    X = blobs(2, seed=4)
    model = GaussianMixtureEM(
        3, fixed="means", init_params="k-means++", random_state=3, max_iter=10, tol=0
    ).fit(X)
    start = model.history_.initial.means
    for step in range(model.history_.n_steps):
        np.testing.assert_array_equal(model.history_.params(step).means, start)


def test_m_step_keeps_fixed_values_exactly():
    X = blobs(2, seed=4) + 1e3  # away from the origin: the internal scaling must not leak
    weights, means, covs = start_params(X, "full")
    prev = make_params(weights, means, covs, "full")
    resp, _ = e_step(X, prev)
    new, _, _ = m_step(X, resp, "full", fixed=("means", "covariances"), previous=prev)
    np.testing.assert_array_equal(new.means, prev.means)
    np.testing.assert_array_equal(new.covariances, prev.covariances)
    assert not np.allclose(new.weights, prev.weights)
    with pytest.raises(ParameterError, match="previous parameters"):
        m_step(X, resp, "full", fixed=("means",))


# --------------------------------------------------------------------------------------
# Initialisation and K-means
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["kmeans", "k-means++", "random_from_data", "random"])
def test_every_init_method_is_reproducible(method):
    rng = np.random.default_rng(0)
    X = rng.uniform(-5, 5, size=(80, 2))  # no clear clusters: starts depend on the seed
    kwargs = dict(init_params=method, max_iter=2, tol=0)
    a = GaussianMixtureEM(4, random_state=42, **kwargs).fit(X)
    b = GaussianMixtureEM(4, random_state=42, **kwargs).fit(X)
    for step in range(a.history_.n_steps):
        pa, pb = a.history_.params(step), b.history_.params(step)
        np.testing.assert_array_equal(pa.means, pb.means)
        np.testing.assert_array_equal(pa.covariances, pb.covariances)
        np.testing.assert_array_equal(pa.weights, pb.weights)
    starts = [
        GaussianMixtureEM(4, random_state=seed, **kwargs).fit(X).history_.initial.means
        for seed in range(5)
    ]
    assert any(not np.allclose(starts[0], s) for s in starts[1:])
    initial = a.history_.initial
    np.testing.assert_allclose(initial.weights.sum(), 1.0, rtol=1e-14)
    if method in ("k-means++", "random_from_data"):
        # These start every mean exactly on a data point.
        for mean in initial.means:
            assert np.any(np.all(np.abs(X - mean) <= 1e-12 * np.abs(X).max(), axis=1))


def test_random_state_accepts_a_generator():
    X = blobs(2)
    a = GaussianMixtureEM(3, random_state=np.random.default_rng(5)).fit(X)
    b = GaussianMixtureEM(3, random_state=np.random.default_rng(5)).fit(X)
    np.testing.assert_array_equal(a.means_, b.means_)


def test_kmeans_finds_separated_blobs():
    rng = np.random.default_rng(0)
    centers = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]])
    labels = np.repeat(np.arange(4), 50)
    X = centers[labels] + rng.normal(scale=0.5, size=(200, 2))
    for seed in range(3):
        result = kmeans(X, 4, random_state=seed)
        # order[i] is the found center nearest to true center i: a permutation.
        dist = ((centers[:, None, :] - result.centers[None, :, :]) ** 2).sum(axis=2)
        order = dist.argmin(axis=1)
        assert sorted(order) == [0, 1, 2, 3]
        np.testing.assert_allclose(result.centers[order], centers, atol=0.3)
        # Same partition as the truth, up to renaming.
        remap = np.empty(4, dtype=int)
        remap[order] = np.arange(4)
        np.testing.assert_array_equal(remap[result.labels], labels)
        inertia = ((X - result.centers[result.labels]) ** 2).sum()
        assert result.inertia == pytest.approx(inertia, rel=1e-12)
        assert len(result.history) == result.n_iter + 1
    a, b = kmeans(X, 4, random_state=1), kmeans(X, 4, random_state=1)
    np.testing.assert_array_equal(a.centers, b.centers)
    explicit = kmeans(X, 4, init=centers + 1.0)
    np.testing.assert_allclose(explicit.centers, centers, atol=0.3)
    with pytest.raises(ParameterError, match="K-means init"):
        kmeans(X, 4, init="bogus")


# --------------------------------------------------------------------------------------
# The half-step history
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_history_is_consistent_with_e_and_m_steps_by_hand(covariance_type):
    X = blobs(2, seed=6)
    reg = 1e-6
    model = GaussianMixtureEM(
        3, covariance_type=covariance_type, reg_covar=reg, tol=1e-4, random_state=1
    ).fit(X)
    history = model.history_
    assert isinstance(history, EMHistory)
    n_iter = model.n_iter_
    assert history.n_iter == n_iter
    assert history.n_steps == 1 + 2 * n_iter
    assert history.phase(0) == "init" and history.iteration(0) == 0
    assert model.lower_bounds_ == pytest.approx(
        [e.mean_log_likelihood for e in history.e_steps], rel=0
    )
    n = X.shape[0]
    for step in range(1, history.n_steps):
        p = history.params(step)
        assert isinstance(p, GMMParams)
        assert p.covariance_type == covariance_type
        assert history.iteration(step) == (step + 1) // 2
        assert history.log_likelihood(step) == pytest.approx(log_likelihood(X, p), rel=1e-10)
        if step % 2 == 1:  # E-step: parameters unchanged, responsibilities computed
            assert history.phase(step) == "E"
            prev = history.params(step - 1)
            np.testing.assert_array_equal(p.means, prev.means)
            np.testing.assert_array_equal(p.covariances, prev.covariances)
            assert history.stats(step) is None
            resp, ll = e_step(X, p)
            np.testing.assert_allclose(history.responsibilities(step, X), resp, rtol=1e-12)
            assert history.log_likelihood(step) == pytest.approx(ll, rel=1e-10)
            assert model.lower_bounds_[step // 2] == pytest.approx(ll / n, rel=1e-10)
        else:  # M-step: redo it by hand from the E-step's responsibilities
            assert history.phase(step) == "M"
            resp = history.responsibilities(step, X)
            np.testing.assert_allclose(resp, history.responsibilities(step - 1, X), rtol=0)
            entering = history.params(step - 1)
            new, stats, _ = m_step(X, resp, covariance_type, reg, previous=entering)
            np.testing.assert_allclose(p.weights, new.weights, rtol=1e-10)
            np.testing.assert_allclose(p.means, new.means, rtol=1e-10, atol=1e-10)
            np.testing.assert_allclose(p.covariances, new.covariances, rtol=1e-9, atol=1e-12)
            recorded = history.stats(step)
            np.testing.assert_allclose(recorded.resp_sums, stats.resp_sums, rtol=1e-10)
            np.testing.assert_allclose(recorded.resp_sums, resp.sum(axis=0), rtol=1e-10)
            np.testing.assert_allclose(recorded.weighted_sums, resp.T @ X, rtol=1e-10)
            np.testing.assert_allclose(
                recorded.weighted_scatter, stats.weighted_scatter, rtol=1e-8, atol=1e-10
            )
            assert recorded.n_samples == n
    assert history.responsibilities(0, X) is None
    assert history.stats(0) is None
    ll = history.log_likelihoods()
    assert ll.shape == (history.n_steps,)
    assert_monotone(history)
    final = history.params(history.n_steps - 1)
    np.testing.assert_array_equal(final.means, model.means_)
    with pytest.raises(ParameterError, match="Half-step"):
        history.params(history.n_steps)
    with pytest.raises(ParameterError, match="Half-step"):
        history.phase(-history.n_steps - 1)


def test_history_memory_is_independent_of_n():
    rng = np.random.default_rng(0)
    n, d, k = 20_000, 2, 3
    X = np.concatenate([rng.normal(j * 4.0, 1.0, size=(n // k + 1, d)) for j in range(k)])[:n]
    model = GaussianMixtureEM(k, tol=0, max_iter=5, random_state=0).fit(X)
    history = model.history_
    sizes = [arr.size for rec in history_records(history) for arr in iter_arrays(rec)]
    assert sizes, "the records should hold parameter arrays"
    assert max(sizes) <= k * d * d
    assert not any(
        arr.shape[0] in (n, k) and arr.ndim == 2 and n in arr.shape
        for rec in history_records(history)
        for arr in iter_arrays(rec)
    )


# --------------------------------------------------------------------------------------
# Extreme scales and far-away points
# --------------------------------------------------------------------------------------

TRANSFORMS = {
    "shift 1e6": (1.0, 1e6),
    "scale 1e150": (1e150, 0.0),
    "1 + 1e-9 x": (1e-9, 1.0),
}


@pytest.mark.parametrize("transform", list(TRANSFORMS))
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_shifted_and_scaled_data_give_the_transformed_fit(covariance_type, transform):
    a, b = TRANSFORMS[transform]
    X = blobs(2, seed=8, k=2)
    weights, means, covs = start_params(X, covariance_type, k=2)
    kwargs = dict(covariance_type=covariance_type, tol=0.0, max_iter=30, weights_init=weights)
    base = GaussianMixtureEM(2, means_init=means, covariances_init=covs, **kwargs).fit(X)
    moved = GaussianMixtureEM(
        2,
        means_init=a * means + b,
        covariances_init=a * a * covs,
        reg_covar=1e-6 * a * a,  # reg_covar is in the data's units
        **kwargs,
    ).fit(a * X + b)
    assert_history_finite(moved.history_)
    spread = np.abs(X - X.mean(axis=0)).max()
    np.testing.assert_allclose(moved.weights_, base.weights_, rtol=0, atol=1e-7)
    np.testing.assert_allclose((moved.means_ - b) / a, base.means_, rtol=0, atol=1e-7 * spread)
    cov_scale = np.abs(base.covariances_).max()
    np.testing.assert_allclose(
        moved.covariances_ / (a * a), base.covariances_, rtol=1e-6, atol=1e-7 * cov_scale
    )
    # log-likelihoods move by -D log(a) per point
    shift = X.shape[1] * np.log(a)
    np.testing.assert_allclose(
        np.array(moved.lower_bounds_) + shift, base.lower_bounds_, rtol=0, atol=1e-6
    )
    assert np.all(np.isfinite(moved.score_samples(a * X + b)))
    np.testing.assert_allclose(
        moved.predict_proba(a * X + b), base.predict_proba(X), rtol=0, atol=1e-6
    )
    assert moved.history_.notes() == base.history_.notes() == []


@pytest.mark.parametrize("transform", list(TRANSFORMS))
def test_default_initialisation_is_invariant_to_shift_and_scale(transform):
    a, b = TRANSFORMS[transform]
    X = blobs(1, seed=9)
    base = GaussianMixtureEM(3, random_state=0).fit(X)
    moved = GaussianMixtureEM(3, random_state=0, reg_covar=1e-6 * a * a).fit(a * X + b)
    assert moved.n_iter_ == base.n_iter_
    np.testing.assert_allclose((moved.means_ - b) / a, base.means_, rtol=0, atol=1e-6)
    np.testing.assert_allclose(moved.covariances_ / (a * a), base.covariances_, rtol=1e-6)


@pytest.mark.parametrize("d", [1, 2])
def test_far_away_point_has_finite_likelihood(d):
    X = blobs(d, seed=10, k=2)
    weights, means, covs = start_params(X, "full", k=2)
    params = make_params(weights, means, covs, "full")
    far = np.full((1, d), 1e8)
    Z = np.concatenate([X, far])
    resp, ll = e_step(Z, params)
    assert np.isfinite(ll)
    assert np.all(np.isfinite(resp))
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    # Its log density is about -0.5 x squared Mahalanobis distance: finite, very negative.
    model = GaussianMixtureEM(2, random_state=0).fit(X)
    score = model.score_samples(far)
    assert np.isfinite(score[0]) and score[0] < -1e12
    proba = model.predict_proba(far)
    assert np.all(np.isfinite(proba)) and proba.sum() == pytest.approx(1.0, abs=1e-12)
    # In 1-D the value is known in closed form (the nearest component dominates).
    if d == 1:
        var = model.covariances_[:, 0, 0]
        mu = model.means_[:, 0]
        terms = (
            np.log(model.weights_) - 0.5 * np.log(2 * np.pi * var) - 0.5 * (1e8 - mu) ** 2 / var
        )
        assert score[0] == pytest.approx(terms.max(), rel=1e-12)


@ignore_sklearn_convergence
def test_far_away_point_does_not_distort_the_other_components():
    """Regression: the covariance floor used to be absolute in standardised units, so a
    point 1e8 away (which makes the standardised spread of the rest tiny) inflated the
    cluster's covariance and flagged it as collapsed."""
    X = blobs(2, seed=10, k=1, n_per=110)
    far = np.array([[1e8, 1e8]])
    Z = np.concatenate([X, far])
    start = np.array([X.mean(axis=0), far[0]])
    ours = GaussianMixtureEM(2, means_init=start, tol=0, max_iter=20, random_state=0).fit(Z)
    theirs = GaussianMixture(2, means_init=start, tol=0, max_iter=20, random_state=0).fit(Z)
    # scikit-learn works in raw units next to 1e8, so agreement is to ~1e-8 relative.
    np.testing.assert_allclose(ours.covariances_[0], theirs.covariances_[0], rtol=1e-6)
    np.testing.assert_allclose(ours.means_, theirs.means_, rtol=1e-6, atol=1e-6)
    notes = ours.history_.notes()
    assert notes and all("Component 2" in note for note in notes)  # only the lone point
    # The lone point's variance is its rounding noise plus reg_covar in scikit-learn; here
    # it is held at the floor, a standard deviation of 1e5 rounding errors of its place
    # (2e-3 at 1e8), so that a collapsed component never lowers the likelihood.
    lone = np.diagonal(ours.covariances_[1])
    assert np.all(lone >= 1e-6) and np.all(lone < (1e-10 * 1e8) ** 2)


def test_far_away_point_does_not_inflate_the_cluster_in_1d():
    """Regression (issue 7): 200 standard normal points and one point at 1e12 gave both
    components a variance of 49.5 (the floor was relative to the whole data's spread) and
    called both collapsed; scikit-learn gives the cluster about 0.99."""
    rng = np.random.default_rng(1)
    X = np.r_[rng.normal(0, 1, 200), [1e12]][:, None]
    ours = GaussianMixtureEM(2, random_state=0).fit(X)
    theirs = GaussianMixture(2, random_state=0).fit(X)
    cluster = int(np.argmin(np.abs(ours.means_[:, 0])))
    # Standardising next to 1e12 costs the cluster's values about 1e-6 each (eps x the
    # shift), so agreement is to ~1e-8 relative, as scikit-learn's own.
    assert ours.covariances_[cluster, 0, 0] == pytest.approx(np.var(X[:200]) + 1e-6, rel=1e-7)
    assert ours.covariances_[cluster, 0, 0] == pytest.approx(
        theirs.covariances_[cluster, 0, 0], rel=1e-6
    )
    notes = ours.history_.notes()
    assert notes and all(f"Component {2 - cluster}" in note for note in notes)


def test_narrow_column_beside_a_wide_one_keeps_its_variance():
    """Regression (issue 7): columns normal(5e8, 1e8) and normal(0.5, 1e-3) gave the second
    a variance of 1.0e-4 instead of 1.9e-6 (one common scale for all columns) and were
    called collapsed."""
    rng = np.random.default_rng(1)
    X = np.c_[rng.normal(5e8, 1e8, 400), rng.normal(0.5, 1e-3, 400)]
    for covariance_type in ("full", "diag", "tied"):
        ours = GaussianMixtureEM(1, covariance_type=covariance_type).fit(X)
        variances = np.diagonal(ours.params_.full_covariances()[0])
        np.testing.assert_allclose(variances, np.var(X, axis=0) + 1e-6, rtol=1e-9)
        assert ours.history_.notes() == []


@ignore_sklearn_convergence
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_columns_in_very_different_units_agree_with_sklearn(covariance_type):
    """Regression: the covariance floor was absolute in standardised units (one common
    scale for all columns), so a column in much smaller units than another was inflated
    (its variance grew from about 1 to about 900 here) and flagged as collapsed."""
    units = np.array([1e7, 1.0])
    X = blobs(2, seed=12, k=2)
    weights, means, covs = start_params(X, "full", k=2)
    covs = covs * np.outer(units, units)
    covs = covariances_from_full(covs, covariance_type, weights)
    kwargs = dict(covariance_type=covariance_type, tol=0, max_iter=20, weights_init=weights)
    ours = GaussianMixtureEM(2, means_init=means * units, covariances_init=covs, **kwargs)
    ours.fit(X * units)
    theirs = GaussianMixture(
        2,
        means_init=means * units,
        precisions_init=sk_precisions(covs, covariance_type),
        **kwargs,
    ).fit(X * units)
    np.testing.assert_allclose(ours.means_, theirs.means_, rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(ours.weights_, theirs.weights_, rtol=1e-8, atol=1e-10)
    if covariance_type == "spherical":
        np.testing.assert_allclose(ours.covariances_, theirs.covariances_, rtol=1e-8)
    else:
        full_ours = ours.params_.full_covariances()
        full_theirs = GMMParams(
            theirs.weights_, theirs.means_, theirs.covariances_, covariance_type
        ).full_covariances()
        scale = np.sqrt(np.einsum("kii,kjj->kij", full_theirs, full_theirs))
        np.testing.assert_allclose(full_ours / scale, full_theirs / scale, rtol=0, atol=1e-8)
    assert ours.history_.notes() == []


def test_diagonal_model_of_data_on_a_line_is_not_flagged():
    """A line is degenerate for a full covariance, not for a diagonal one."""
    t = np.random.default_rng(0).normal(size=60)
    X = np.c_[t, 2 * t]
    diag = GaussianMixtureEM(2, covariance_type="diag", random_state=0).fit(X)
    assert diag.history_.notes() == []
    full = GaussianMixtureEM(2, covariance_type="full", random_state=0).fit(X)
    assert any("collapsed onto a single point or line" in note for note in full.history_.notes())
    assert_history_finite(full.history_)


# --------------------------------------------------------------------------------------
# Degenerate components
# --------------------------------------------------------------------------------------


def collapse_data(d):
    rng = np.random.default_rng(0)
    spread = rng.normal(size=(30, d))
    identical = np.full((20, d), 6.0)
    return np.concatenate([spread, identical])


@pytest.mark.parametrize("reg_covar", [0.0, 1e-6])
@pytest.mark.parametrize("covariance_type", ["full", "diag", "spherical"])
@pytest.mark.parametrize("d", [1, 2])
def test_collapsing_component_is_flagged_and_fitting_continues(d, covariance_type, reg_covar):
    X = collapse_data(d)
    model = GaussianMixtureEM(
        5,
        covariance_type=covariance_type,
        reg_covar=reg_covar,
        tol=0.0,
        max_iter=15,
        random_state=0,
    ).fit(X)
    history = model.history_
    assert model.n_iter_ == 15  # fitting went on after the collapse
    assert_history_finite(history)
    assert_monotone(history)
    for arr in (model.weights_, model.means_, model.covariances_):
        assert np.all(np.isfinite(arr))
    # The component sitting on the 20 identical points is named in a note.
    j = int(np.argmin(np.abs(model.means_ - 6.0).sum(axis=1)))
    assert np.allclose(model.means_[j], 6.0)
    notes = history.notes()
    pattern = rf"Component {j + 1} has collapsed onto a single point"
    assert any(re.search(pattern, note) for note in notes), notes
    assert any(note.startswith("Iteration 15: ") for note in notes)
    assert all("reg_covar" in note for note in notes if "collapsed" in note)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    assert np.all(np.isfinite(model.score_samples(X)))


@pytest.mark.parametrize("reg_covar", [0.0, 1e-6])
def test_tied_collapse_on_identical_points(reg_covar):
    X = np.concatenate([np.full((10, 1), 2.0), np.full((10, 1), 5.0)])
    model = GaussianMixtureEM(
        2, covariance_type="tied", reg_covar=reg_covar, tol=0, max_iter=5, random_state=0
    ).fit(X)
    assert_history_finite(model.history_)
    np.testing.assert_allclose(np.sort(model.means_[:, 0]), [2.0, 5.0])
    assert any("shared (tied) covariance has collapsed" in t for t in model.history_.notes())


@pytest.mark.parametrize("reg_covar", [0.0, 1e-6])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_component_that_loses_all_its_points(covariance_type, reg_covar):
    X = blobs(2, seed=13, k=2)
    far = np.array([1e6, 1e6])
    means = np.array([X[0], X[-1], far])
    model = GaussianMixtureEM(
        3,
        covariance_type=covariance_type,
        reg_covar=reg_covar,
        means_init=means,
        tol=0.0,
        max_iter=8,
        random_state=0,
    ).fit(X)
    history = model.history_
    assert model.n_iter_ == 8
    assert_history_finite(history)
    assert_monotone(history)
    assert history.m_steps[0].stats.resp_sums[2] < 1e-3
    notes = history.notes(2)
    assert any(note.startswith("Component 3 has lost (almost) all its points") for note in notes)
    assert any(note.startswith("Iteration 1: Component 3 has lost") for note in history.notes())
    assert model.weights_[2] < 1e-12
    np.testing.assert_allclose(model.weights_.sum(), 1.0, rtol=1e-14)
    proba = model.predict_proba(X)
    assert np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_start_on_single_points_keeps_the_likelihood(covariance_type):
    """The start's covariances are summed around each component's own mean: summed around
    the origin, a component on one point started with a rounding-noise covariance (tiny,
    strongly correlated) whose likelihood the first M-step could not match (a drop of 14
    in the log-likelihood with the scale-aware floor)."""
    X = np.array([[0.1257, -0.1321, 0.6404], [0.1049, -0.5357, 0.3616]])
    model = GaussianMixtureEM(
        2, covariance_type=covariance_type, reg_covar=0.0, tol=0, max_iter=4, random_state=0
    ).fit(X)
    assert_history_finite(model.history_)
    assert_monotone(model.history_)
    assert any("collapsed" in note for note in model.history_.notes())


def test_scatter_of_pure_rounding_noise_is_made_positive_definite():
    """A component collapsing onto one point far from its previous mean gets a scatter of
    pure rounding noise (negative variances, correlations far outside [-1, 1]); the
    covariance floor must still leave a positive definite matrix (a first version of the
    scale-aware floor did not, and the next E-step raised numpy's LinAlgError)."""
    X = np.array(
        [[0.0, 309.0, 148.0]] * 12
        + [[717.0, 0.0, 0.0]] * 2
        + [[-222.0, 0.0, 0.0]]
        + [[0.0, 309.0, 148.0]] * 6
    )
    for seed in range(3):
        model = GaussianMixtureEM(
            3,
            init_params="random_from_data",
            reg_covar=0.0,
            tol=1e-8,
            max_iter=25,
            random_state=seed,
        ).fit(X)
        assert_history_finite(model.history_)
        for step in range(model.history_.n_steps):
            np.linalg.cholesky(model.history_.params(step).full_covariances())


def test_identical_values_of_any_magnitude_can_be_fitted():
    """Regression: identical values near 1e-238 gave a spread of rounding noise whose square
    underflowed, and fit() raised ZeroDivisionError."""
    for value in (8.744022034343615e-238, 0.1, 3e150):
        X = np.full((3, 2), value)
        model = GaussianMixtureEM(1).fit(X)
        np.testing.assert_array_equal(model.means_, X[:1])
        # reg_covar, unless that is below what values this large can resolve: then the
        # floor, a standard deviation of 16 units in the last place of the value.
        expected = max(1e-6, (16 * np.finfo(float).eps * value) ** 2)
        np.testing.assert_allclose(model.covariances_[0], expected * np.eye(2), rtol=1e-3)
        model = GaussianMixtureEM(1, reg_covar=0.0).fit(X)
        assert_history_finite(model.history_)


@pytest.mark.parametrize(("spread", "word"), [(1e-200, "too small"), (1e160, "too large")])
def test_spread_beyond_double_precision_is_a_data_error(spread, word):
    X = spread * np.array([1.0, 2.0, 5.0, 7.0])
    with pytest.raises(DataError, match=word):
        GaussianMixtureEM(2).fit(X)


def test_m_step_reports_an_empty_component():
    X = blobs(1, seed=0)
    resp = np.zeros((X.shape[0], 2))
    resp[:, 0] = 1.0
    params, stats, notes = m_step(X, resp, "full", reg_covar=1e-6)
    assert np.all(np.isfinite(params.means)) and np.all(np.isfinite(params.covariances))
    assert stats.resp_sums[1] == 0.0
    assert any("Component 2 has lost" in note for note in notes)


# --------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------

X_VALID = blobs(2, seed=0)


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        (dict(n_components=0), ParameterError, "at least 1"),
        (dict(n_components=-2), ParameterError, "at least 1"),
        (dict(n_components=2.5), ParameterError, "whole number"),
        (dict(n_components=2, covariance_type="bogus"), ParameterError, "full, diag"),
        (dict(n_components=2, weights_init=[0.3, 0.3]), ParameterError, "sum to 1"),
        (dict(n_components=2, weights_init=[1.2, -0.2]), ParameterError, "non-negative"),
        (dict(n_components=2, weights_init=[1.0]), ParameterError, "Expected 2 weights"),
        (
            dict(n_components=2, covariance_type="diag", covariances_init=[[1, -1], [1, 1]]),
            ParameterError,
            "variance must be positive",
        ),
        (
            dict(n_components=2, covariance_type="spherical", covariances_init=[1.0, 0.0]),
            ParameterError,
            "Component 2 has a variance of 0",
        ),
        (
            dict(n_components=1, covariances_init=[[[1.0, 2.0], [2.0, 1.0]]]),
            ParameterError,
            "not positive definite",
        ),
        (
            dict(n_components=1, covariances_init=[[[1.0, 0.5], [0.2, 1.0]]]),
            ParameterError,
            "not symmetric",
        ),
        (dict(n_components=2, covariances_init=np.ones((3, 2, 2))), ParameterError, "shape"),
        (dict(n_components=2, means_init=np.zeros((2, 3))), ParameterError, "initial means"),
        (dict(n_components=2, means_init=[[0, np.nan], [1, 1]]), ParameterError, "finite"),
        (dict(n_components=2, fixed=("mean",)), ParameterError, "choose among weights"),
        (dict(n_components=2, fixed="sigma"), ParameterError, "Cannot hold 'sigma' fixed"),
        (dict(n_components=2, init_params="bogus"), ParameterError, "initialisation"),
        (dict(n_components=2, tol=-1.0), ParameterError, "tol"),
        (dict(n_components=2, reg_covar=-1.0), ParameterError, "reg_covar"),
        (dict(n_components=2, max_iter=-1), ParameterError, "max_iter"),
        (dict(n_components=2, n_init=0), ParameterError, "n_init"),
    ],
)
def test_invalid_parameters_raise_helpful_errors(kwargs, error, pattern):
    with pytest.raises(error, match=pattern) as info:
        GaussianMixtureEM(**kwargs).fit(X_VALID)
    assert isinstance(info.value, GMMVizError)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("X", "k", "pattern"),
    [
        (np.array([1.0, 1.0, 2.0, 2.0]), 3, "2 distinct points but 3 components"),
        (np.zeros((0, 2)), 1, "non-empty"),
        (np.zeros((2, 2, 2)), 1, "N x D"),
        (np.array([[1.0, 2.0], [np.nan, 1.0]]), 1, "Row 2"),
        (np.array([1.0, np.inf]), 1, "Row 2"),
    ],
)
def test_invalid_data_raise_data_errors(X, k, pattern):
    with pytest.raises(DataError, match=pattern):
        GaussianMixtureEM(k).fit(X)


def test_errors_of_the_fitted_model_and_pure_functions():
    with pytest.raises(NotFittedError, match="not fitted"):
        GaussianMixtureEM(2).predict(X_VALID)
    model = GaussianMixtureEM(2, random_state=0).fit(X_VALID)
    with pytest.raises(DataError, match="2 column"):
        model.predict(np.zeros((3, 3)))
    with pytest.raises(ParameterError, match="sum to 1"):
        make_params([0.5, 0.6], [0.0, 1.0], [1.0, 1.0])
    with pytest.raises(ParameterError, match="Unknown covariance type"):
        make_params([0.5, 0.5], [0.0, 1.0], [1.0, 1.0], covariance_type="round")
    with pytest.raises(ParameterError, match="Responsibilities must have shape"):
        m_step(X_VALID, np.ones((3, 2)))
    with pytest.raises(ParameterError, match="GMMParams or a dict"):
        e_step(X_VALID, [0.5, 0.5])
    with pytest.raises(ParameterError, match="reg_covar"):
        m_step(X_VALID, np.full((X_VALID.shape[0], 2), 0.5), reg_covar=-1)


def test_k_equal_to_the_number_of_distinct_points_is_allowed():
    X = np.array([0.0, 0.0, 1.0, 1.0, 3.0])
    model = GaussianMixtureEM(3, random_state=0, max_iter=5).fit(X)
    assert_history_finite(model.history_)
    np.testing.assert_allclose(np.sort(model.means_[:, 0]), [0.0, 1.0, 3.0], atol=1e-6)


# --------------------------------------------------------------------------------------
# Sampling
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_sample_shapes_and_reproducibility(covariance_type):
    X = blobs(2, seed=14)
    model = GaussianMixtureEM(3, covariance_type=covariance_type, random_state=0).fit(X)
    pts, labels = model.sample(500, random_state=1)
    assert pts.shape == (500, 2) and labels.shape == (500,)
    assert set(np.unique(labels)) <= {0, 1, 2}
    again, labels_again = model.sample(500, random_state=1)
    np.testing.assert_array_equal(pts, again)
    np.testing.assert_array_equal(labels, labels_again)
    other, _ = model.sample(500, random_state=2)
    assert not np.allclose(pts, other)
    # The model's own random_state makes sample() reproducible without an argument.
    np.testing.assert_array_equal(model.sample(5)[0], model.sample(5)[0])
    empty, empty_labels = model.sample(0)
    assert empty.shape == (0, 2) and empty_labels.shape == (0,)
    # Roughly the right component means.
    for j in range(3):
        if np.sum(labels == j) > 50:
            assert np.allclose(pts[labels == j].mean(axis=0), model.means_[j], atol=1.0)


def test_sample_mixture_in_1d():
    pts, labels = sample_mixture([0.25, 0.75], [0.0, 10.0], [1.0, 4.0], 4000, random_state=0)
    assert pts.shape == (4000, 1)
    assert np.mean(labels == 1) == pytest.approx(0.75, abs=0.03)
    assert np.std(pts[labels == 1]) == pytest.approx(2.0, rel=0.1)
    with pytest.raises(ParameterError, match="whole number of at least 0"):
        sample_mixture([1.0], [0.0], [1.0], -1)


def test_shapes_follow_sklearn_conventions():
    X = blobs(3, seed=15)
    expected = {"full": (3, 3, 3), "diag": (3, 3), "spherical": (3,), "tied": (3, 3)}
    for covariance_type, shape in expected.items():
        model = GaussianMixtureEM(3, covariance_type=covariance_type, random_state=0).fit(X)
        assert model.covariances_.shape == shape
        assert model.means_.shape == (3, 3)
        assert model.weights_.shape == (3,)
        assert model.params_.full_covariances().shape == (3, 3, 3)
        assert model.predict_proba(X).shape == (X.shape[0], 3)
        assert model.score_samples(X).shape == (X.shape[0],)
        assert model.predict(X).shape == (X.shape[0],)


@pytest.mark.parametrize("seed", [-1, 1.5, "abc", True])
def test_random_state_must_be_a_seed_or_generator(seed):
    with pytest.raises(ParameterError, match="random_state"):
        GaussianMixtureEM(2, random_state=seed).fit(np.arange(10.0))


def test_fit_reports_progress_over_restarts_and_iterations():
    seen = []
    X = np.concatenate([np.arange(20.0), np.arange(20.0) + 50])
    GaussianMixtureEM(2, n_init=3, tol=0, max_iter=10, random_state=0).fit(X, progress=seen.append)
    assert len(seen) == 3 * 10 + 1
    assert seen == sorted(seen) and seen[0] > 0 and seen[-1] == 1.0
    assert seen[9] == pytest.approx(1 / 3)  # the last iteration of the first start


# --------------------------------------------------------------------------------------
# EM's lower bound (issue 10: why EM climbs)
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("fixed", [(), ("means",), ("weights", "covariances")])
def test_lower_bound_is_the_bound_computed_from_the_data(covariance_type, fixed):
    """history_.lower_bound(s) = sum_n sum_k q_nk log(alpha_k N(x_n | k) / q_nk), q from the
    latest E-step, theta the parameters at s; computed from the M-step's statistics only."""
    X = blobs(2, seed=3, k=2)
    weights, means, covs = start_params(X, covariance_type, k=2)
    history = (
        GaussianMixtureEM(
            2,
            covariance_type=covariance_type,
            weights_init=weights,
            means_init=means,
            covariances_init=covs,
            fixed=fixed,
            reg_covar=0.0,
            tol=0,
            max_iter=6,
        )
        .fit(X)
        .history_
    )
    for step in range(1, history.n_steps):
        q = e_step(X, history.params(step if step % 2 else step - 1))[0]
        theta = history.params(step)
        log_joint = np.log(component_densities(X, theta)) + np.log(theta.weights)
        direct = float(np.sum(q * (log_joint - np.log(q))))
        assert history.lower_bound(step) == pytest.approx(direct, rel=1e-10, abs=1e-10)


def test_lower_bound_touches_at_e_steps_and_sits_between_at_m_steps():
    X = collapse_data(1)[:30]
    history = (
        GaussianMixtureEM(3, reg_covar=0.0, tol=0, max_iter=15, random_state=0).fit(X).history_
    )
    ll, bound = history.log_likelihoods(), history.lower_bounds()
    assert np.isnan(bound[0])
    for step in range(1, history.n_steps):
        if step % 2 == 1:  # E-step: KL = 0
            assert bound[step] == pytest.approx(ll[step], abs=1e-10)
        else:  # M-step: log L(previous) <= bound <= log L(current)
            assert ll[step - 1] - 1e-10 <= bound[step] <= ll[step] + 1e-10
    assert np.all(np.diff(bound[1:]) >= -1e-10)
    with pytest.raises(ParameterError, match="no responsibilities|none at the start"):
        history.lower_bound(0)


def test_a_held_variance_is_never_called_collapsed():
    """Regression (issue 10): the means-only model (variances held at 1) on the five toy points
    started from single-point clusters and was said to have 'collapsed' at half-step 0."""
    X = SEED001_X
    model = GaussianMixtureEM(
        3,
        covariance_type="spherical",
        fixed=("weights", "covariances"),
        weights_init=[1 / 3] * 3,
        covariances_init=[1.0] * 3,
        init_params="random_from_data",
        random_state=0,
        max_iter=5,
        tol=0,
    ).fit(X)
    assert not any("collapsed" in note for note in model.history_.notes())


def test_history_counts_half_steps_from_the_end_like_a_list():
    from gmm_viz import GaussianMixtureEM, datasets
    from gmm_viz.errors import ParameterError

    h = GaussianMixtureEM(2, random_state=0, tol=0, max_iter=3).fit(datasets.toy().X).history_
    assert h.n_steps == 7
    assert h.params(-1) is h.params(6) and h.params(-7) is h.params(0)
    assert h.lower_bound(-1) == h.lower_bound(6) and h.phase(-2) == "E"
    for bad in (7, -8):
        with pytest.raises(ParameterError, match="does not exist.*-1 is the last"):
            h.params(bad)
