"""Property tests of the EM engine: on any valid data EM never lowers the likelihood,
never produces NaN or inf, and keeps fixed parameters fixed.

About reg_covar: like scikit-learn, the engine adds reg_covar (in the data's units) to
every covariance after the M-step. That update is not an exact maximisation, so when
reg_covar is comparable to a component's own variance the log-likelihood can go down a
little, in scikit-learn exactly as here (e.g. three points within 1e-3 of each other and
the default reg_covar=1e-6: -4e-6 in the mean log-likelihood). Monotonicity is a theorem of
plain EM, so it is checked with reg_covar=0 on any data, and with the default reg_covar
on data whose distinct values are at least 0.5 apart (reg_covar then is negligible but
for collapsed components, see below).

About rounding: the log-likelihood of a nearly singular covariance is only known to about
n D eps cond (cond: condition number of its correlation matrix), so that is added to the
tolerance 1e-9 |ll| + 1e-9.

About collapsed components (the history has a "collapsed" note): with reg_covar=0 the
likelihood is unbounded there and the engine holds the covariance at a floor relative to
its own size (1e-12 of its largest correlation eigenvalue, and 1e-20 of the data's
variance), so the value is set by that floor and may move either way; those half-steps are
not compared (nothing may be NaN or inf, though). With reg_covar > 0 the covariance of a
collapsed component is reg_covar plus a scatter made mostly of rounding (the sums are
taken around the previous means, and a collapsing mean moves far compared with its
spread), so those half-steps are compared to 1e-6 |ll|.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from gmm_viz.em import COVARIANCE_TYPES, INIT_METHODS, GaussianMixtureEM, e_step

SETTINGS = dict(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Values in a reasonable range: 0, or 1e-100 <= |x| <= 1e3 (a fit rejects data whose spread
# is below 1e-140, which tinier values could have).
floats = st.one_of(
    st.just(0.0),
    st.floats(min_value=1e-100, max_value=1e3),
    st.floats(min_value=-1e3, max_value=-1e-100),
)
# Half-integers: distinct values at least 0.5 apart.
grid = st.integers(-2000, 2000).map(lambda i: i / 2.0)


@st.composite
def datasets(draw, on_grid=False):
    """N x D data (N 2..60, D 1..3) with repeated rows, and K <= min(4, distinct rows)."""
    d = draw(st.integers(1, 3))
    n = draw(st.integers(2, 60))
    n_pool = draw(st.integers(1, n))
    values = grid if on_grid else floats
    pool = np.array(
        draw(st.lists(st.lists(values, min_size=d, max_size=d), min_size=n_pool, max_size=n_pool))
    )
    # Either a few rows drawn by hypothesis, or a noisy cloud around them.
    if on_grid or draw(st.booleans()):
        idx = draw(st.lists(st.integers(0, n_pool - 1), min_size=n, max_size=n))
        X = pool[np.array(idx)]
    else:
        rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
        scale = draw(st.sampled_from([1e-3, 1.0, 30.0]))
        X = pool[rng.integers(n_pool, size=n)] + scale * rng.normal(size=(n, d))
        dup = draw(st.integers(0, n // 2))
        X[:dup] = X[0]
    n_distinct = np.unique(X, axis=0).shape[0]
    k = draw(st.integers(1, min(4, n_distinct)))
    note(f"X = np.array({X.tolist()!r})")
    return X, k


def assert_finite_history(history):
    for step in range(history.n_steps):
        p = history.params(step)
        for arr in (p.weights, p.means, p.covariances):
            assert np.all(np.isfinite(arr)), (step, arr)
        np.testing.assert_allclose(p.weights.sum(), 1.0, rtol=0, atol=1e-12)
        assert np.all(p.weights >= 0)
        np.linalg.cholesky(p.full_covariances())  # positive definite
        stats = history.stats(step)
        if stats is not None:
            for arr in (stats.resp_sums, stats.weighted_sums, stats.weighted_scatter):
                assert np.all(np.isfinite(arr))
    ll = history.log_likelihoods()
    assert np.all(np.isfinite(ll)), ll
    return ll


def correlation_condition(params):
    """Largest condition number of the covariances' correlation matrices."""
    cov = params.full_covariances()
    sd = np.sqrt(np.diagonal(cov, axis1=1, axis2=2))
    eig = np.linalg.eigvalsh(cov / (sd[:, :, None] * sd[:, None, :]))
    return float(np.max(eig[:, -1] / np.maximum(eig[:, 0], 1e-300)))


def collapsed_steps(history):
    """For each half-step, whether its parameters have a collapsed component (a note)."""
    flags = []
    for step in range(history.n_steps):
        if history.phase(step) == "E":  # the parameters of the half-step before
            flags.append(flags[-1])
        else:
            flags.append(any("collapsed" in text for text in history.notes(step)))
    return np.array(flags)


def assert_monotone(history, n, reg_covar):
    """The log-likelihood never goes down from one half-step to the next, up to rounding:
    1e-9 |ll| + 1e-9, plus the rounding of the log-determinant and Mahalanobis terms,
    about n D eps cond (cond of the covariances' correlation matrices). Next to a collapsed
    component, half-steps are not compared with reg_covar=0, and compared to 1e-6 |ll|
    with reg_covar > 0 (see the module docstring)."""
    ll = history.log_likelihoods()
    d = history.initial.n_features
    cond = np.array([correlation_condition(history.params(s)) for s in range(history.n_steps)])
    eps = np.finfo(float).eps
    slack = 1e-9 * np.abs(ll[:-1]) + 1e-9 + 8 * eps * n * d * np.maximum(cond[:-1], cond[1:])
    collapsed = collapsed_steps(history)
    near_collapse = collapsed[:-1] | collapsed[1:]
    checked = ~near_collapse if reg_covar == 0.0 else np.ones(len(slack), dtype=bool)
    if reg_covar > 0.0:
        slack = slack + 1e-6 * np.abs(ll[:-1]) * near_collapse
    drops = np.diff(ll)
    assert np.all(drops[checked] >= -slack[checked]), (drops, slack, checked)


def check_monotone_fit(X, k, covariance_type, init_params, reg_covar, seed):
    model = GaussianMixtureEM(
        k,
        covariance_type=covariance_type,
        init_params=init_params,
        reg_covar=reg_covar,
        tol=1e-8,
        max_iter=25,
        random_state=seed,
    ).fit(X)
    history = model.history_
    assert history.n_steps == 1 + 2 * model.n_iter_
    assert_finite_history(history)
    assert_monotone(history, X.shape[0], reg_covar)
    for step in (1, history.n_steps - 2):
        if step >= 1:
            resp = history.responsibilities(step, X)
            assert np.all(np.isfinite(resp)) and np.all(resp >= 0)
            np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert np.all(np.isfinite(model.score_samples(X)))
    lo, hi = X.min(axis=0), X.max(axis=0)
    slack_box = 1e-9 * (hi - lo + np.abs(X).max(axis=0))
    assert np.all(model.means_ >= lo - slack_box) and np.all(model.means_ <= hi + slack_box)


@settings(max_examples=300, **SETTINGS)
@given(
    data=datasets(),
    covariance_type=st.sampled_from(COVARIANCE_TYPES),
    init_params=st.sampled_from(INIT_METHODS),
    seed=st.integers(0, 2**32 - 1),
)
def test_log_likelihood_never_decreases_without_reg_covar(
    data, covariance_type, init_params, seed
):
    X, k = data
    check_monotone_fit(X, k, covariance_type, init_params, 0.0, seed)


@settings(max_examples=250, **SETTINGS)
@given(
    data=datasets(on_grid=True),
    covariance_type=st.sampled_from(COVARIANCE_TYPES),
    init_params=st.sampled_from(INIT_METHODS),
    seed=st.integers(0, 2**32 - 1),
)
def test_log_likelihood_never_decreases_with_default_reg_covar(
    data, covariance_type, init_params, seed
):
    X, k = data
    check_monotone_fit(X, k, covariance_type, init_params, 1e-6, seed)


@settings(max_examples=150, **SETTINGS)
@given(
    data=datasets(),
    covariance_type=st.sampled_from(COVARIANCE_TYPES),
    init_params=st.sampled_from(INIT_METHODS),
    fixed=st.sets(st.sampled_from(["weights", "means", "covariances"]), min_size=1),
    explicit=st.booleans(),
    reg_covar=st.sampled_from([1e-6, 0.0]),
    seed=st.integers(0, 2**32 - 1),
)
def test_fixed_parameters_stay_fixed(
    data, covariance_type, init_params, fixed, explicit, reg_covar, seed
):
    X, k = data
    d = X.shape[1]
    rng = np.random.default_rng(seed)
    init = {}
    if explicit:
        # Explicit values for the fixed parameters: uniform weights, data rows as means,
        # each variance the data's (largest) variance or 1.
        spread = float(np.max(np.var(X, axis=0)))
        var = spread if spread > 0 else 1.0
        init = {
            "weights": np.full(k, 1.0 / k),
            "means": X[rng.choice(X.shape[0], size=k, replace=False)],
            "covariances": {
                "full": np.broadcast_to(var * np.eye(d), (k, d, d)).copy(),
                "diag": np.full((k, d), var),
                "spherical": np.full(k, var),
                "tied": var * np.eye(d),
            }[covariance_type],
        }
        init = {name: v for name, v in init.items() if name in fixed}
    model = GaussianMixtureEM(
        k,
        covariance_type=covariance_type,
        init_params=init_params,
        fixed=tuple(fixed),
        weights_init=init.get("weights"),
        means_init=init.get("means"),
        covariances_init=init.get("covariances"),
        reg_covar=reg_covar,
        tol=0.0,
        max_iter=6,
        random_state=seed,
    ).fit(X)
    history = model.history_
    start = history.initial
    for name in fixed:
        if name in init:
            np.testing.assert_array_equal(getattr(start, name), init[name])
        for step in range(history.n_steps):
            np.testing.assert_array_equal(
                getattr(history.params(step), name), getattr(start, name)
            )
    assert_finite_history(history)
    if reg_covar == 0.0:  # fixed parameters keep EM monotone (a generalised EM)
        assert_monotone(history, X.shape[0], reg_covar)
    resp, total = e_step(X, model.params_)
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert np.isfinite(total)
