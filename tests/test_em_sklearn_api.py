"""Issue 7: the engine as a drop-in for scikit-learn code, and its defects' regressions.

Every per-row result is independent of the other rows; wrong-shaped starts are refused;
``get_params``/``set_params`` let ``clone``, ``GridSearchCV`` and ``Pipeline`` use the
estimator; unfitted use, non-convergence, warm starts, precisions, float32 and the held-out
log-likelihood behave as in scikit-learn.
"""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from gmm_viz.em import (
    COVARIANCE_TYPES,
    GaussianMixtureEM,
    component_log_densities,
    e_step,
)
from gmm_viz.errors import ConvergenceWarning, DataError, NotFittedError, ParameterError
from gmm_viz.model_selection import held_out_log_likelihood


def two_clusters(d=2, n=150, seed=0):
    rng = np.random.default_rng(seed)
    return np.r_[rng.normal(size=(n, d)), rng.normal(size=(n, d)) + 3.0]


# --------------------------------------------------------------------------------------
# 1. A point's score does not depend on the rows passed with it
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("far", [1e12, 1e100])
def test_score_of_a_point_does_not_depend_on_the_other_rows(far):
    X = np.random.default_rng(0).normal(size=(300, 2))
    model = GaussianMixtureEM(1, random_state=0).fit(X)
    alone = model.score_samples([[0.3, 0.3]])[0]
    with_far = model.score_samples([[0.3, 0.3], [far, 0.0]])[0]
    assert with_far == pytest.approx(alone, rel=1e-12, abs=0)
    # and it is the closed-form Gaussian log density of the fitted parameters
    mu, cov = model.means_[0], model.covariances_[0]
    diff = np.array([0.3, 0.3]) - mu
    expected = -0.5 * (
        2 * np.log(2 * np.pi) + np.log(np.linalg.det(cov)) + diff @ np.linalg.solve(cov, diff)
    )
    assert alone == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_every_per_row_result_is_independent_of_the_batch(covariance_type):
    X = two_clusters()
    model = GaussianMixtureEM(2, covariance_type=covariance_type, random_state=0).fit(X)
    query = np.array([[1.5, 1.5], [0.0, 3.0]])
    batch = np.r_[query, [[1e100, 0.0], [-1e12, 5e11], [7.0, -2.0]]]
    for method in ("score_samples", "predict_proba"):
        alone = getattr(model, method)(query)
        together = getattr(model, method)(batch)[:2]
        np.testing.assert_allclose(together, alone, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(model.predict(batch)[:2], model.predict(query))
    # The pure functions work in the parameters' own units: same independence.
    params = model.params_
    np.testing.assert_allclose(
        e_step(batch, params)[0][:2], e_step(query, params)[0], rtol=1e-12, atol=1e-15
    )
    np.testing.assert_allclose(
        component_log_densities(batch, params)[:2],
        component_log_densities(query, params),
        rtol=1e-12,
    )


def test_score_samples_agree_with_sklearn_on_a_batch_with_a_far_row():
    X = two_clusters()
    ours = GaussianMixtureEM(2, random_state=0).fit(X)
    theirs = GaussianMixture(2, weights_init=ours.weights_, means_init=ours.means_, max_iter=0)
    # scikit-learn's own scoring from our parameters (max_iter=0 keeps the start)
    theirs.weights_, theirs.means_, theirs.covariances_ = (
        ours.weights_,
        ours.means_,
        ours.covariances_,
    )
    theirs.precisions_cholesky_ = ours.precisions_cholesky_
    batch = np.r_[X[:5], [[1e6, 0.0]]]
    np.testing.assert_allclose(ours.score_samples(batch), theirs.score_samples(batch), rtol=1e-12)
    np.testing.assert_allclose(ours.predict_proba(batch), theirs.predict_proba(batch), atol=1e-12)


# --------------------------------------------------------------------------------------
# Wrong-shaped starts are refused, not reshaped
# --------------------------------------------------------------------------------------


def test_transposed_means_init_is_refused_with_the_expected_shape():
    X = np.random.default_rng(0).normal(size=(50, 3))
    means = X[:2]
    with pytest.raises(ParameterError, match=r"shape \(2, 3\).*got shape \(3, 2\)"):
        GaussianMixtureEM(2, means_init=means.T).fit(X)
    with pytest.raises(ParameterError, match=r"shape \(2, 3\).*got shape \(3,\)"):
        GaussianMixtureEM(2, means_init=[0, 1, 2]).fit(X)
    # The documented shape works, and the start is used as given.
    model = GaussianMixtureEM(2, means_init=means, max_iter=0).fit(X)
    np.testing.assert_array_equal(model.history_.params(0).means, means)


def test_transposed_diagonal_covariances_init_is_refused():
    X = np.random.default_rng(0).normal(size=(50, 3))
    cov = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # (K, D) = (2, 3)
    with pytest.raises(ParameterError, match=r"must have shape \(2, 3\); got shape \(3, 2\)"):
        GaussianMixtureEM(2, covariance_type="diag", covariances_init=cov.T).fit(X)
    model = GaussianMixtureEM(2, covariance_type="diag", covariances_init=cov, max_iter=0)
    np.testing.assert_array_equal(model.fit(X).history_.params(0).covariances, cov)


def test_one_dimensional_shorthands_still_work():
    X = np.array([0.9, 0.7, 1.2, 2.4, 1.8])
    for covariance_type in ("full", "diag", "spherical"):
        model = GaussianMixtureEM(
            2,
            covariance_type=covariance_type,
            means_init=[1.0, 2.0],
            covariances_init=[2.0, 2.0],
            weights_init=[0.5, 0.5],
            max_iter=1,
            tol=0,
        ).fit(X)
        assert model.means_[:, 0] == pytest.approx([1.3065753725700628, 1.4982149218892322])


def test_ragged_or_text_starts_get_a_sentence():
    X = np.random.default_rng(0).normal(size=(20, 2))
    with pytest.raises(ParameterError, match="regular array"):
        GaussianMixtureEM(2, means_init=[[0, 1], [2]]).fit(X)
    with pytest.raises(ParameterError, match="regular array"):
        GaussianMixtureEM(2, covariances_init="abc").fit(X)


@pytest.mark.parametrize("n", [2.7, True, -1, "3", None])
def test_sample_accepts_only_whole_numbers(n):
    model = GaussianMixtureEM(2, random_state=0).fit(two_clusters())
    with pytest.raises(ParameterError, match="whole number of at least 0"):
        model.sample(n)


def test_sample_of_zero_and_numpy_integers():
    model = GaussianMixtureEM(2, random_state=0).fit(two_clusters())
    assert model.sample(0)[0].shape == (0, 2)
    assert model.sample(np.int64(3))[0].shape == (3, 2)


# --------------------------------------------------------------------------------------
# 2. scikit-learn's estimator protocol
# --------------------------------------------------------------------------------------


def test_get_params_and_set_params_follow_sklearn():
    model = GaussianMixtureEM(3, covariance_type="diag", random_state=4)
    params = model.get_params()
    assert params["n_components"] == 3 and params["covariance_type"] == "diag"
    # Every scikit-learn parameter (precisions_init and verbose included), plus ours.
    assert set(params) == set(GaussianMixture().get_params()) | {"covariances_init", "fixed"}
    assert model.set_params(n_components=5, tol=1e-4) is model
    assert model.n_components == 5 and model.tol == 1e-4
    with pytest.raises(ValueError, match="no parameter 'n_clusters'"):
        model.set_params(n_clusters=2)


def test_clone_gives_an_unfitted_copy_with_the_same_parameters():
    X = two_clusters()
    model = GaussianMixtureEM(2, means_init=X[:2], random_state=0).fit(X)
    copy = clone(model)
    assert copy is not model
    assert not hasattr(copy, "means_") and not hasattr(copy, "history_")
    np.testing.assert_array_equal(copy.means_init, model.means_init)
    np.testing.assert_allclose(copy.fit(X).means_, model.means_, rtol=0, atol=0)
    assert "means_init" in repr(copy) and "random_state=0" in repr(copy)


def test_grid_search_over_the_number_of_components():
    X = np.r_[two_clusters(seed=1), two_clusters(seed=2) + [8.0, 0.0]]
    folds = KFold(3, shuffle=True, random_state=0)  # the clusters are stored in order
    search = GridSearchCV(
        GaussianMixtureEM(random_state=0), {"n_components": [1, 2, 3, 4]}, cv=folds
    ).fit(X)
    assert search.best_params_["n_components"] >= 3
    assert isinstance(search.best_estimator_, GaussianMixtureEM)
    scores = search.cv_results_["mean_test_score"]
    assert np.all(np.isfinite(scores)) and scores[0] < scores[-1]


def test_pipeline_with_a_scaler():
    X = two_clusters() * [1.0, 1000.0]
    pipe = Pipeline([("scale", StandardScaler()), ("gmm", GaussianMixtureEM(2, random_state=0))])
    labels = pipe.fit(X).predict(X)
    assert set(np.unique(labels)) == {0, 1}
    assert abs(np.mean(labels[:150] == labels[0]) - 1.0) < 0.1
    assert np.isfinite(pipe.score(X))


def test_unfitted_use_is_a_value_error_and_an_attribute_error():
    model = GaussianMixtureEM(2)
    for call in (
        lambda: model.predict([[0.0]]),
        lambda: model.score_samples([[0.0]]),
        lambda: model.sample(3),
        lambda: model.precisions_,
    ):
        with pytest.raises(NotFittedError, match="not fitted yet; call fit"):
            call()
    err = pytest.raises(ValueError, model.predict_proba, [[0.0]]).value
    assert isinstance(err, AttributeError)
    assert not hasattr(model, "params_")


def test_convergence_warning_at_max_iter_and_the_history_says_so():
    X = two_clusters()
    with pytest.warns(ConvergenceWarning, match="max_iter = 2") as record:
        model = GaussianMixtureEM(2, max_iter=2, tol=1e-12, random_state=0).fit(X)
    assert issubclass(record[0].category, UserWarning)
    assert not model.converged_ and not model.history_.converged
    # Converged fits and tol=0 (run exactly max_iter iterations) do not warn.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        GaussianMixtureEM(2, random_state=0).fit(X)
        GaussianMixtureEM(2, max_iter=2, tol=0, random_state=0).fit(X)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_warm_start_continues_the_same_run(covariance_type):
    X = two_clusters()
    kwargs = dict(covariance_type=covariance_type, tol=0, random_state=0)
    long = GaussianMixtureEM(2, max_iter=10, **kwargs).fit(X)
    warm = GaussianMixtureEM(2, max_iter=4, warm_start=True, **kwargs).fit(X)
    warm.set_params(max_iter=6, n_init=3).fit(X)  # n_init is ignored when continuing
    assert warm.n_iter_ == 6  # this call's iterations
    history = warm.history_
    assert history.n_iter == 10 and history.n_steps == long.history_.n_steps
    assert [e.iteration for e in history.e_steps] == list(range(1, 11))
    np.testing.assert_allclose(
        history.log_likelihoods(), long.history_.log_likelihoods(), rtol=1e-12
    )
    np.testing.assert_allclose(warm.means_, long.means_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(warm.covariances_, long.covariances_, rtol=1e-9, atol=1e-12)
    assert len(warm.lower_bounds_) == 10


def test_warm_start_ignores_n_init_and_starts_afresh_when_k_changes():
    X = two_clusters()
    model = GaussianMixtureEM(2, warm_start=True, max_iter=3, tol=0, random_state=0).fit(X)
    first = model.history_
    model.fit(X)
    assert model.history_ is first and first.n_iter == 6
    model.set_params(n_components=3).fit(X)
    assert model.history_ is not first and model.history_.n_iter == 3
    assert model.means_.shape == (3, 2)


def test_warm_start_off_restarts():
    X = two_clusters()
    model = GaussianMixtureEM(2, max_iter=3, tol=0, random_state=0).fit(X)
    first = model.history_.params(model.history_.n_steps - 1).means
    model.fit(X)
    np.testing.assert_allclose(model.history_.params(model.history_.n_steps - 1).means, first)
    assert model.history_.n_iter == 3


def test_fit_predict_and_fitted_attributes():
    X = two_clusters()
    model = GaussianMixtureEM(2, random_state=0)
    labels = model.fit_predict(X)
    np.testing.assert_array_equal(labels, model.predict(X))
    assert model.n_features_in_ == 2


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_precisions_match_sklearn_shapes_and_values(covariance_type):
    X = two_clusters(d=3)
    ours = GaussianMixtureEM(2, covariance_type=covariance_type, random_state=0).fit(X)
    theirs = GaussianMixture(
        2,
        covariance_type=covariance_type,
        weights_init=ours.weights_,
        means_init=ours.means_,
        max_iter=1,
        random_state=0,
    ).fit(X)
    # scikit-learn's own helper turns our covariances into its precision Cholesky factors.
    from sklearn.mixture._gaussian_mixture import _compute_precision_cholesky

    expected = _compute_precision_cholesky(ours.covariances_, covariance_type)
    assert ours.precisions_cholesky_.shape == theirs.precisions_cholesky_.shape
    np.testing.assert_allclose(ours.precisions_cholesky_, expected, rtol=1e-10, atol=1e-12)
    full = ours.params_.full_covariances()
    inverse = np.linalg.inv(full)
    got = ours.precisions_
    if covariance_type == "full":
        np.testing.assert_allclose(got, inverse, rtol=1e-9)
    elif covariance_type == "tied":
        np.testing.assert_allclose(got, inverse[0], rtol=1e-9)
    elif covariance_type == "diag":
        np.testing.assert_allclose(got, np.diagonal(inverse, axis1=1, axis2=2), rtol=1e-9)
    else:
        np.testing.assert_allclose(got, inverse[:, 0, 0], rtol=1e-9)


def test_float32_input_gives_float32_parameters():
    X = two_clusters().astype(np.float32)
    ours = GaussianMixtureEM(2, random_state=0).fit(X)
    theirs = GaussianMixture(2, random_state=0).fit(X)
    for name in ("weights_", "means_", "covariances_", "precisions_", "precisions_cholesky_"):
        assert getattr(ours, name).dtype == getattr(theirs, name).dtype == np.float32
    assert ours.history_.params(0).means.dtype == np.float64  # the arithmetic is float64
    fit64 = GaussianMixtureEM(2, random_state=0).fit(X.astype(np.float64))
    np.testing.assert_allclose(ours.means_, fit64.means_.astype(np.float32))


def test_the_estimator_pickles_like_sklearn():
    """scikit-learn estimators are pickled by model-selection tools; ours too (this pickles
    the model, never user data read from a file)."""
    model = GaussianMixtureEM(2, random_state=0).fit(two_clusters())
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict(two_clusters()), model.predict(two_clusters()))


# --------------------------------------------------------------------------------------
# The distinct-point check no longer sorts all the data
# --------------------------------------------------------------------------------------


def test_too_few_distinct_points_in_a_long_array_is_still_caught():
    X = np.tile([0.0, 1.0], 5000)  # 10,000 rows, 2 distinct values, at the end too
    with pytest.raises(DataError, match="There are 2 distinct points but 3 components"):
        GaussianMixtureEM(3).fit(X)
    X = np.r_[np.zeros(9999), [1.0, 2.0]]  # the distinct ones only at the very end
    assert GaussianMixtureEM(3, random_state=0, max_iter=2, tol=0).fit(X).n_iter_ == 2


# --------------------------------------------------------------------------------------
# Held-out log-likelihood across K
# --------------------------------------------------------------------------------------


def test_held_out_log_likelihood_is_the_mean_test_score_of_each_split():
    X = np.r_[two_clusters(d=1, n=100), two_clusters(d=1, n=100, seed=3) + 9.0]
    result = held_out_log_likelihood(X, [1, 2, 4], test_size=0.25, n_splits=3, random_state=0)
    assert result.test.shape == result.train.shape == (3, 3)
    assert list(result.ks) == [1, 2, 4]
    # Recompute one cell by hand: same split, same model.
    rng = np.random.default_rng(0)
    order = rng.permutation(len(X))
    n_test = int(np.ceil(0.25 * len(X)))
    test, train = X[order[:n_test]], X[order[n_test:]]
    model = GaussianMixtureEM(2, random_state=0).fit(train)
    assert result.test[0, 1] == pytest.approx(model.score(test), rel=1e-12)
    assert result.train[0, 1] == pytest.approx(model.score(train), rel=1e-12)
    # Four clusters in the data: K = 4 beats K = 1 on held-out data.
    assert result.mean_test[2] > result.mean_test[0]
    assert result.best_k in (2, 4)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"ks": []}, "at least one"),
        ({"ks": [0, 2]}, "whole numbers of at least 1"),
        ({"ks": [2.5]}, "whole numbers of at least 1"),
        ({"test_size": 0.0}, "test_size"),
        ({"test_size": 1.0}, "test_size"),
        ({"test_size": 200}, "test_size"),
        ({"n_splits": 0}, "n_splits"),
    ],
)
def test_held_out_log_likelihood_refuses_bad_options(kwargs, pattern):
    X = two_clusters(d=1, n=20)
    args = {"ks": [1, 2], **kwargs}
    with pytest.raises(ParameterError, match=pattern):
        held_out_log_likelihood(X, args.pop("ks"), **args)


# --------------------------------------------------------------------------------------
# Issue 17: refuse what cannot be fitted, accept what scikit-learn users pass
# --------------------------------------------------------------------------------------


def test_float32_models_score_in_float32_as_sklearn():
    X = two_clusters().astype(np.float32)
    ours = GaussianMixtureEM(2, random_state=0).fit(X)
    theirs = GaussianMixture(2, random_state=0).fit(X)
    for method in ("predict_proba", "score_samples"):
        assert getattr(ours, method)(X).dtype == getattr(theirs, method)(X).dtype == np.float32
        as64 = X.astype(np.float64)
        assert getattr(ours, method)(as64).dtype == getattr(theirs, method)(as64).dtype
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-4)


@pytest.mark.parametrize("method", ["fit", "predict"])
def test_complex_data_are_refused_with_a_sentence(method):
    X = two_clusters()
    model = GaussianMixtureEM(2, random_state=0).fit(X)
    Z = X[:, 0] + 1j * X[:, 1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning on the way to the sentence
        with pytest.raises(DataError, match=r"complex numbers; give the real and imaginary"):
            getattr(model, method)(Z[:, None] if method == "predict" else Z)


def test_sparse_data_are_refused_with_a_sentence():
    sparse = pytest.importorskip("scipy.sparse")
    X = sparse.csr_matrix(two_clusters())
    with pytest.raises(DataError, match=r"^Sparse data cannot be fitted .* X\.toarray\(\)"):
        GaussianMixtureEM(2).fit(X)


@pytest.mark.parametrize("value", ["x", [1e-6], None, True, float("nan"), -1.0])
def test_reg_covar_that_is_not_a_number_gets_a_sentence(value):
    with pytest.raises(ParameterError, match=r"^reg_covar must be a non-negative number; got"):
        GaussianMixtureEM(2, reg_covar=value).fit(two_clusters())


def test_a_random_state_object_is_accepted_and_used():
    X = two_clusters()
    a = GaussianMixtureEM(2, init_params="random_from_data", random_state=np.random.RandomState(3))
    b = GaussianMixtureEM(2, init_params="random_from_data", random_state=np.random.RandomState(3))
    np.testing.assert_array_equal(a.fit(X).means_, b.fit(X).means_)
    shared = np.random.RandomState(3)
    c = GaussianMixtureEM(2, init_params="random_from_data", random_state=shared, max_iter=0)
    first = c.fit(X).history_.params(0).means
    second = c.fit(X).history_.params(0).means  # the stream moved on, as in scikit-learn
    assert not np.array_equal(first, second)
    drawn, _ = a.sample(5, random_state=np.random.RandomState(0))
    assert drawn.shape == (5, 2)
    with pytest.raises(ParameterError, match=r"random_state must be None, .* RandomState"):
        GaussianMixtureEM(2, random_state="seed").fit(X)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_precisions_init_starts_where_scikit_learn_starts(covariance_type):
    X = two_clusters()
    start = GaussianMixture(2, covariance_type=covariance_type, random_state=0).fit(X)
    kwargs = dict(
        covariance_type=covariance_type,
        weights_init=start.weights_,
        means_init=start.means_ + 0.3,
        precisions_init=start.precisions_,
        max_iter=5,
        tol=0,
    )
    ours = GaussianMixtureEM(2, **kwargs).fit(X)
    theirs = GaussianMixture(2, **kwargs).fit(X)
    np.testing.assert_allclose(ours.history_.params(0).covariances, start.covariances_, rtol=1e-12)
    np.testing.assert_allclose(ours.means_, theirs.means_, rtol=1e-10)
    np.testing.assert_allclose(ours.covariances_, theirs.covariances_, rtol=1e-9)
    np.testing.assert_array_equal(clone(ours).get_params()["precisions_init"], start.precisions_)


def test_precisions_init_is_checked_and_exclusive():
    X = two_clusters()
    with pytest.raises(ParameterError, match=r"^Both covariances_init and precisions_init"):
        GaussianMixtureEM(2, covariances_init=np.ones(2), precisions_init=np.ones(2)).fit(X[:, :1])
    bad = np.array([[[1.0, 2.0], [2.0, 1.0]], np.eye(2)])
    with pytest.raises(ParameterError, match=r"precision of component 1 is not positive"):
        GaussianMixtureEM(2, precisions_init=bad).fit(X)


def test_verbose_prints_each_start_and_every_interval(capsys):
    X = two_clusters()
    GaussianMixtureEM(2, n_init=2, verbose=2, verbose_interval=2, tol=0, max_iter=4).fit(X)
    out = capsys.readouterr().out
    assert out.count("Initialization 0") == 1 and out.count("Initialization 1") == 1
    assert out.count("Iteration 2: mean log-likelihood") == 2
    assert out.count("Iteration 4: mean log-likelihood") == 2
    assert "Iteration 1:" not in out
    assert out.count("Initialization did not converge after 4 iterations") == 2
    GaussianMixtureEM(2, max_iter=4).fit(X)
    assert capsys.readouterr().out == ""
    with pytest.raises(ParameterError, match=r"^verbose must be a whole number"):
        GaussianMixtureEM(2, verbose="yes").fit(X)
