"""A student's own E-step and M-step (gmm_viz.student_em, and the checkers in
gmm_viz.exercises): a right implementation passes everywhere; each usual slip, written by
hand as a student would, is caught at its first differing number with its own hint; bad
outputs and exceptions are sentences, never a crash; a stub is "not written yet"."""

from __future__ import annotations

import numpy as np
import pytest

from gmm_viz import datasets, exercises, plotting, student_em
from gmm_viz.em import GaussianMixtureEM
from gmm_viz.errors import ParameterError

TOY = datasets.toy()
FAITHFUL = datasets.faithful()


# --------------------------------------------------------------- hand-written, as a student


def _log_weighted(X, weights, means, covariances, *, inverse=True, det=True, use_weights=True):
    N, D = X.shape
    out = np.empty((N, len(weights)))
    for k in range(len(weights)):
        diff = X - means[k]
        m = np.linalg.inv(covariances[k]) if inverse else covariances[k]
        maha = np.sum(diff @ m * diff, axis=1)
        log_det = np.linalg.slogdet(covariances[k])[1] if det else 0.0
        out[:, k] = -0.5 * (D * np.log(2 * np.pi) + log_det + maha)
        if use_weights:
            out[:, k] += np.log(weights[k])
    return out


def right_e_step(X, weights, means, covariances):
    a = _log_weighted(X, weights, means, covariances)
    top = a.max(axis=1, keepdims=True)
    log_norm = top + np.log(np.exp(a - top).sum(axis=1, keepdims=True))
    return np.exp(a - log_norm), float(log_norm.sum())


def right_m_step(X, responsibilities):
    N, D = X.shape
    nk = responsibilities.sum(axis=0)
    means = responsibilities.T @ X / nk[:, None]
    covariances = np.empty((len(nk), D, D))
    for k in range(len(nk)):
        diff = X - means[k]
        covariances[k] = (responsibilities[:, k, None] * diff).T @ diff / nk[k]
    return nk / N, means, covariances


def naive_e_step(X, weights, means, covariances):  # no log-sum-exp
    dens = np.exp(_log_weighted(X, weights, means, covariances))
    total = dens.sum(axis=1, keepdims=True)
    return dens / total, float(np.log(total).sum())


def no_weights_e_step(X, weights, means, covariances):
    return right_e_step(X, np.ones_like(weights), means, covariances)


def no_inverse_e_step(X, weights, means, covariances):
    a = _log_weighted(X, weights, means, covariances, inverse=False)
    top = a.max(axis=1, keepdims=True)
    log_norm = top + np.log(np.exp(a - top).sum(axis=1, keepdims=True))
    return np.exp(a - log_norm), float(log_norm.sum())


def no_det_e_step(X, weights, means, covariances):
    a = _log_weighted(X, weights, means, covariances, det=False)
    top = a.max(axis=1, keepdims=True)
    log_norm = top + np.log(np.exp(a - top).sum(axis=1, keepdims=True))
    return np.exp(a - log_norm), float(log_norm.sum())


def mean_ll_e_step(X, weights, means, covariances):
    resp, ll = right_e_step(X, weights, means, covariances)
    return resp, ll / len(X)


def by_points_e_step(X, weights, means, covariances):
    dens = np.exp(_log_weighted(X, weights, means, covariances))
    return dens / dens.sum(axis=0), right_e_step(X, weights, means, covariances)[1]


def transposed_e_step(X, weights, means, covariances):
    resp, ll = right_e_step(X, weights, means, covariances)
    return resp.T, ll


def n_instead_of_nk_m_step(X, responsibilities):
    weights, means, covariances = right_m_step(X, responsibilities)
    nk = responsibilities.sum(axis=0)
    return weights, means, covariances * (nk / len(X))[:, None, None]


def mean_over_n_m_step(X, responsibilities):
    weights, _, covariances = right_m_step(X, responsibilities)
    return weights, responsibilities.T @ X / len(X), covariances


def nk_as_weights_m_step(X, responsibilities):
    _, means, covariances = right_m_step(X, responsibilities)
    return responsibilities.sum(axis=0), means, covariances


def diagonal_m_step(X, responsibilities):
    weights, means, covariances = right_m_step(X, responsibilities)
    return weights, means, covariances * np.eye(X.shape[1])


def np_cov_m_step(X, responsibilities):
    weights, means, _ = right_m_step(X, responsibilities)
    covs = [np.cov(X.T, aweights=r).reshape(X.shape[1], X.shape[1]) for r in responsibilities.T]
    return weights, means, np.array(covs)


OLD_MEANS = {}


def old_mean_m_step(X, responsibilities):
    """The covariance around the means the E-step used (a global, as students do)."""
    weights, means, _ = right_m_step(X, responsibilities)
    old = OLD_MEANS["means"]
    nk = responsibilities.sum(axis=0)
    covariances = np.array(
        [
            (responsibilities[:, k, None] * (X - old[k])).T @ (X - old[k]) / nk[k]
            for k in range(len(nk))
        ]
    )
    return weights, means, covariances


# ------------------------------------------------------------------------------ the checkers


def test_right_functions_pass_every_case():
    e = exercises.check_e_step(right_e_step)
    m = exercises.check_m_step(right_m_step)
    assert e and e.message.startswith("Right: your E-step"), e
    assert m and m.message.startswith("Right: your M-step"), m
    assert e._repr_markdown_().startswith("✅")


def test_the_engine_itself_passes_through_the_student_signature():
    run = student_em.run_beside_reference(None, None, FAITHFUL.X, FAITHFUL.start, iterations=4)
    assert run.same and run.compared == 8


@pytest.mark.parametrize(
    ("fn", "words"),
    [
        (no_weights_e_step, "On the five toy points, from the worked example's start, the "
         "log-likelihood is -7.076 in the reference and -3.61 in yours (3.47 apart): the "
         "weights alpha_k are missing"),
        (naive_e_step, "the responsibility of component 1 for point 6 is 1.981e-13 in the "
         "reference and nan in yours: point 6 is far from every component"),
        (no_inverse_e_step, "the exponent needs the inverse covariance"),
        (no_det_e_step, "On the five toy points, from the worked example's start, the "
         "log-likelihood is -7.076 in the reference and -5.343 in yours (1.73 apart): the "
         "normal density lost its factor 1/sqrt(|Sigma_k|)"),
        (mean_ll_e_step, "mean over the points"),
        (by_points_e_step, "must add up to 1"),
    ],
    ids=lambda v: getattr(v, "__name__", "words"),
)  # fmt: skip
def test_each_e_step_slip_is_caught_with_its_hint(fn, words):
    feedback = exercises.check_e_step(fn)
    assert not feedback and not feedback.pending
    assert feedback.message.startswith("Not yet: ")
    assert words.lower() in feedback.message.lower(), feedback.message
    assert feedback._repr_markdown_().startswith("❌")


def test_no_determinant_in_the_responsibilities_shows_with_unequal_covariances():
    case = student_em.checks.e_step_cases()[1]  # three 2-D clusters
    feedback = exercises.check_e_step(no_det_e_step, case.X, case.params)
    assert "the responsibility of component 1 for point 1" in feedback.message
    assert (
        "1/sqrt(|Sigma_k|) (in logs, -log|Sigma_k| / 2): with different covariances it does "
        "not cancel." in feedback.message
    ), feedback.message


@pytest.mark.parametrize(
    ("fn", "words"),
    [
        (n_instead_of_nk_m_step, "the variance of component 1 is 0.351 in the reference and "
         "0.1799 in yours (0.171 apart): divide by N_k = sum_n beta_nk, not by N."),
        (mean_over_n_m_step, "the mean of component 1 is 1.307 in the reference and 0.6696 "
         "in yours"),
        (nk_as_weights_m_step, "that is N_k, the component's soft count"),
        (diagonal_m_step, "On Old Faithful, after the first E-step from its start, entry "
         "(1, 2) of the covariance of component 1"),
        (np_cov_m_step, "bias=True"),
    ],
    ids=lambda v: getattr(v, "__name__", "words"),
)  # fmt: skip
def test_each_m_step_slip_is_caught_with_its_hint(fn, words):
    feedback = exercises.check_m_step(fn)
    assert not feedback and words.lower() in feedback.message.lower(), feedback.message


def test_the_old_mean_is_recognised_in_a_run():
    OLD_MEANS["means"] = np.asarray(FAITHFUL.start["means"], float)
    run = student_em.run_beside_reference(None, old_mean_m_step, FAITHFUL.X, FAITHFUL.start)
    d = run.difference
    assert (d.step, d.phase, d.parameter, d.component, d.entry) == (
        2,
        "M",
        "covariance",
        1,
        (1, 1),
    )
    assert "not the one the E-step used" in d.hint
    assert run.sentence().startswith("At M-step 1, entry (1, 1) of the covariance of component 1")


def test_the_difference_record_names_half_step_point_component_and_values():
    run = student_em.run_beside_reference(no_weights_e_step, None, FAITHFUL.X, FAITHFUL.start)
    d = run.difference
    # Equal starting weights cancel in the responsibilities: log L is the first to differ.
    assert (d.step, d.phase, d.parameter, d.point) == (1, "E", "log-likelihood", None)
    assert d.gap == pytest.approx(len(FAITHFUL.X) * np.log(2))
    # The responsibilities themselves first differ at E-step 2.
    theirs, ref = (
        run.history.responsibilities(3, FAITHFUL.X),
        run.reference.responsibilities(3, FAITHFUL.X),
    )
    assert np.allclose(run.history.responsibilities(1, None), run.reference.responsibilities(1, 0))
    assert not np.allclose(theirs, ref)
    assert not run.same and not run.not_written and "weights alpha_k" in str(run)


# ------------------------------------------------------------------- bad outputs, stubs


def stub(*args):
    raise NotImplementedError


@pytest.mark.parametrize(
    ("fn", "words"),
    [
        (transposed_e_step, "yours is (K, N) = (2, 5): transpose it"),
        (lambda X, w, m, c: right_e_step(X, w, m, c)[0], "must return 2 things"),
        (lambda X, w, m, c: None, "None (is a `return` missing?)"),
        (lambda X, w, m, c: (right_e_step(X, w, m, c)[0], np.zeros(len(X))), "one number"),
        (lambda X, w, m, c: (["a", "b"], 0.0), "are not numbers"),
        (lambda X, w, m, c: 1 / 0, "raised ZeroDivisionError (division by zero) at `"),
        (3, "as a function"),
    ],
)
def test_bad_e_step_outputs_are_one_sentence(fn, words):
    feedback = exercises.check_e_step(fn)
    assert not feedback and words in feedback.message, feedback.message
    assert feedback.message.endswith(".")


@pytest.mark.parametrize(
    ("fn", "words"),
    [
        (lambda X, r: right_m_step(X, r)[:2], "must return 3 things"),
        (lambda X, r: (right_m_step(X, r)[0], right_m_step(X, r)[1].T, right_m_step(X, r)[2]),
         "transpose it"),
        (lambda X, r: (*right_m_step(X, r)[:2], np.ones((r.shape[1], X.shape[1]))),
         "only the variances"),
        (lambda X, r: (*right_m_step(X, r)[:2], np.eye(X.shape[1])), "one matrix"),
        (lambda X, r: ([1.0], *right_m_step(X, r)[1:]), "one per component"),
    ],
)  # fmt: skip
def test_bad_m_step_outputs_are_one_sentence(fn, words):
    # The toy case is 1-D, where (K,) means are a shorthand; the shape checks bite in 2-D
    # with K != D (three clusters).
    case = student_em.checks.m_step_cases()[2]
    feedback = exercises.check_m_step(fn, case.X, case.responsibilities)
    assert not feedback and words in feedback.message, feedback.message


def test_a_stub_is_not_written_yet_neither_right_nor_wrong():
    for check in (exercises.check_e_step, exercises.check_m_step):
        feedback = check(stub)
        assert not feedback and feedback.pending
        assert feedback.message.startswith(
            "Not written yet: replace the `raise NotImplementedError`"
        )
        assert feedback._repr_markdown_().startswith("✏️")
    run = student_em.run_beside_reference(stub, stub, TOY.X, TOY.start)
    assert run.not_written and run.history.n_steps == 1 and run.reference.n_steps == 7
    assert "your E-step" in run.sentence()


def test_a_run_that_turns_to_nan_stops_its_picture_but_not_the_lesson():
    X = np.vstack([TOY.X, [[60.0]]])
    run = student_em.run_beside_reference(naive_e_step, right_m_step, X, TOY.start)
    assert run.difference.step == 1 and "nan in yours" in run.sentence()
    assert run.history.n_steps == 1  # nothing drawable after the nan
    fig = plotting.compare_strip(X, {"yours": run.history, "reference": run.reference})
    assert len(fig.axes) == 8


def test_custom_data_and_bad_custom_responsibilities():
    X = FAITHFUL.X[:40]
    assert exercises.check_e_step(right_e_step, X, FAITHFUL.start)
    r = right_e_step(
        X, *(np.asarray(FAITHFUL.start[k], float) for k in ("weights", "means", "covariances"))
    )[0]  # noqa: E501
    assert exercises.check_m_step(right_m_step, X, r)
    assert "40 rows" in exercises.check_m_step(right_m_step, X, r[:3]).message


def test_their_run_keeps_their_responsibilities_for_the_picture():
    run = student_em.run_beside_reference(right_e_step, right_m_step, FAITHFUL.X, FAITHFUL.start)
    assert run.same and "agree at every one of the 6 half-steps" in run.sentence()
    ref = GaussianMixtureEM(
        2,
        weights_init=FAITHFUL.start["weights"],
        means_init=FAITHFUL.start["means"],
        precisions_init=np.linalg.inv(FAITHFUL.start["covariances"]),
        max_iter=3,
        tol=0,
        reg_covar=0,
    ).fit(FAITHFUL.X)
    assert np.allclose(run.history.params(-1).means, ref.means_, rtol=1e-9)
    assert np.allclose(run.reference.params(-1).covariances, ref.covariances_, rtol=1e-9)
    fig = plotting.compare_strip(
        FAITHFUL.X, {"yours": run.history, "reference": run.reference}, steps=[0, 1, 2, -1]
    )
    assert len(fig.axes) == 8


# ------------------------------------------------------------- the history and the picture


def test_a_history_from_given_steps_checks_its_lengths_and_keeps_the_responsibilities():
    run = student_em.run_beside_reference(right_e_step, right_m_step, TOY.X, TOY.start)
    h = run.history
    rebuilt = type(h).from_steps(
        TOY.X,
        h.initial,
        [h.params(2 * i) for i in (1, 2, 3)],
        [h.responsibilities(2 * i - 1, None) for i in (1, 2, 3)],
        [h.log_likelihood(2 * i) for i in (0, 1, 2, 3)],
    )
    assert rebuilt.n_steps == 7 and rebuilt.log_likelihood(-1) == h.log_likelihood(-1)
    # An M-step shows the responsibilities its E-step gave: the kept ones, not recomputed.
    assert np.array_equal(rebuilt.responsibilities(4, TOY.X), h.responsibilities(3, TOY.X))
    assert np.allclose(h.stats(2).resp_sums, h.responsibilities(1, None).sum(axis=0))
    with pytest.raises(ParameterError, match="one log-likelihood more"):
        type(h).from_steps(TOY.X, h.initial, [h.params(2)], [h.responsibilities(1, None)], [0.0])


def test_compare_strip_in_1d_with_own_ends_and_bad_arguments():
    short = student_em.run_beside_reference(stub, None, TOY.X, TOY.start)
    runs = {"yours": short.history, "reference": short.reference}
    fig = plotting.compare_strip(TOY.X, runs, steps=[0, 2, -1], missing="not written yet")
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[1] == "yours: M-step 1" and "not written yet" in fig.axes[1].texts[0].get_text()
    # -1 is each run's own last half-step: the stub's start, the reference's M-step 3.
    assert titles[2].startswith("yours: the start") and titles[5].startswith("reference: M-step 3")
    fig = plotting.compare_strip(TOY.X, runs, steps=[-1], per_row=2)
    assert len(fig.axes) == 2
    with pytest.raises(ParameterError, match="Half-step 9 does not exist"):
        plotting.compare_strip(TOY.X, runs, steps=[9])
    with pytest.raises(ParameterError, match="per_row"):
        plotting.compare_strip(TOY.X, runs, per_row=0)
    with pytest.raises(ParameterError, match="at least one run"):
        plotting.compare_strip(TOY.X, {})


def test_iterations_must_be_a_whole_number_from_one():
    for bad in (0, 2.5, True):
        with pytest.raises(ParameterError):
            student_em.run_beside_reference(None, None, TOY.X, TOY.start, iterations=bad)
