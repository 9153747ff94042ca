"""The checked exercises: right answers pass, each usual slip gets its own hint, the hint
never gives the answer away, and bad input gets a sentence (never an exception)."""

from __future__ import annotations

import numpy as np
import pytest

from gmm_viz import GaussianMixtureEM, datasets, exercises
from gmm_viz.em import e_step

TOY = datasets.toy()
START = TOY.start
RESP = e_step(TOY.X, START)[0]  # the worked example's first E-step


def _no_answer_in(feedback, correct):
    for digits in (2, 3, 4):
        assert f"{correct:.{digits}f}" not in feedback.message, feedback.message


def test_responsibility_right_and_each_slip():
    ok = exercises.check_responsibility(0.5744, TOY.X, START, point=1, component=1)
    assert ok and ok.correct and "Right" in str(ok)
    # Two decimals, as by hand (the module's own example).
    assert str(exercises.check_responsibility(0.57, TOY.X, START, point=1, component=1)) == (
        "Right: 0.57 is the responsibility of component 1 for point 1."
    )
    correct = RESP[0, 0]
    x, dens = 0.9, np.exp(-((0.9 - 1.0) ** 2) / 4) / np.sqrt(4 * np.pi)
    cases = {
        0.5 * dens: "divide it by the sum",
        dens: "density N(x_n | k) alone",
        1 - correct: "other component's share",
        1.7: "between 0 and 1",
        0.1: "Not yet",
    }
    for answer, hint in cases.items():
        feedback = exercises.check_responsibility(answer, TOY.X, START, point=1, component=1)
        assert not feedback and hint in feedback.message, (answer, feedback)
        _no_answer_in(feedback, correct)
    assert x == 0.9


def test_responsibility_with_unequal_variances_catches_the_missing_one_over_sigma():
    params = {"weights": [0.5, 0.5], "means": [1.0, 2.0], "covariances": [0.5, 2.0]}
    X = TOY.X
    dens = np.exp(-((2.4 - np.array([1.0, 2.0])) ** 2) / (2 * np.array([0.5, 2.0])))
    slip = dens[1] / dens.sum()  # the notes' densities: no 1/sigma factor
    feedback = exercises.check_responsibility(slip, X, params, point=4, component=2)
    assert not feedback and "1/sqrt(2 pi sigma^2)" in feedback.message


def test_m_step_mean_and_variance_right_and_each_slip():
    assert exercises.check_m_step_mean(1.3066, TOY.X, RESP, component=1)
    assert exercises.check_m_step_variance(0.351, TOY.X, RESP, component=1, previous_mean=1.0)
    x, w = TOY.X[:, 0], RESP[:, 0]
    mu = w @ x / w.sum()
    for answer, hint in (
        (w @ x, "divide it by N_k"),
        (w @ x / 5, "not N"),
        (x.mean(), "plain average"),
    ):
        feedback = exercises.check_m_step_mean(answer, TOY.X, RESP, component=1)
        assert not feedback and hint in feedback.message, (answer, feedback)
        _no_answer_in(feedback, mu)
    var = w @ (x - mu) ** 2 / w.sum()
    for answer, hint in (
        (w @ (x - 1.0) ** 2 / w.sum(), "new mean"),
        (np.sqrt(var), "standard deviation"),
        (w @ (x - mu) ** 2 / 5, "not by N"),
        (-0.2, "cannot be negative"),
    ):
        feedback = exercises.check_m_step_variance(
            answer, TOY.X, RESP, component=1, previous_mean=1.0
        )
        assert not feedback and hint in feedback.message, (answer, feedback)
        _no_answer_in(feedback, var)


def test_bic_right_and_each_slip():
    X = datasets.faithful().X
    model = GaussianMixtureEM(2, random_state=0).fit(X)
    bic = model.bic(X)
    assert exercises.check_bic(round(bic, 1), model, X)
    log_l, p, n = model.score(X) * len(X), model._n_parameters(), len(X)
    for answer, hint in (
        (-2 * log_l + p * np.log10(n), "natural logarithm"),
        (-2 * log_l + 2 * p, "That is AIC"),
        (-2 * log_l + (p - 1) * np.log(n), "Count the parameters again"),
        (2 * log_l + p * np.log(n), "minus sign"),
    ):
        feedback = exercises.check_bic(answer, model, X)
        assert not feedback and hint in feedback.message, (answer, feedback)


@pytest.mark.parametrize("answer", ["abc", None, float("nan"), True, [0.5]])
def test_bad_answers_get_a_sentence(answer):
    feedback = exercises.check_responsibility(answer, TOY.X, START, point=1, component=1)
    assert not feedback and feedback.message.endswith(".")
    feedback = exercises.check_m_step_mean(answer, TOY.X, RESP, component=1)
    assert not feedback


def test_bad_indices_and_tables_get_a_sentence():
    assert "from 1 to 5" in str(exercises.check_responsibility(0.5, TOY.X, START, 6, 1))
    assert "from 1 to 2" in str(exercises.check_responsibility(0.5, TOY.X, START, 1, 0))
    assert "5 rows" in str(exercises.check_m_step_mean(1.0, TOY.X, RESP[:3], component=1))
    assert exercises.check_m_step_mean(1.3066, TOY.X, RESP, 1)._repr_markdown_().startswith("✅")


def test_weight_right_and_each_slip():
    correct = RESP[:, 0].sum() / 5  # 0.5125 in the worked example
    assert exercises.check_m_step_weight(0.5125, TOY.X, RESP, component=1)
    assert not exercises.check_m_step_weight(0.45, TOY.X, RESP, component=1)
    cases = {
        RESP[:, 0].sum() / 5 * 5 / 5 + 0.2: "Not yet",
        1 - correct: "other component's weight",
        0.6: "wins outright",  # 3 of the 5 points have beta_1 > 0.5
        2.5624: "between 0 and 1",
        -0.1: "between 0 and 1",
    }
    for answer, hint in cases.items():
        feedback = exercises.check_m_step_weight(answer, TOY.X, RESP, component=1)
        assert not feedback and hint in feedback.message, (answer, feedback)
        _no_answer_in(feedback, correct)


def test_weight_bad_input_is_a_sentence():
    for answer, component, hint in [
        ("half", 1, "as a number"),
        (0.5, 3, "from 1 to 2"),
        (float("nan"), 1, "finite"),
    ]:
        feedback = exercises.check_m_step_weight(answer, TOY.X, RESP, component=component)
        assert not feedback and hint in feedback.message
