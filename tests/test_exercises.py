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
    # Three decimals, as the lessons ask (the module's own example); two are not enough.
    assert str(exercises.check_responsibility(0.574, TOY.X, START, point=1, component=1)) == (
        "Right: 0.574 is the responsibility of component 1 for point 1."
    )
    short = exercises.check_responsibility(0.57, TOY.X, START, point=1, component=1)
    assert not short and "give 3 decimals, not 2" in short.message
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
        2.5624: "That is N_k",  # the slip is named before the range is
        2.9: "between 0 and 1",
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


def test_an_answer_still_none_is_not_judged():
    """The lessons' answers start as None: the saved lesson shows a pencil and a request,
    never a tick before the student did anything, nor a cross."""
    for feedback in (
        exercises.check_responsibility(None, TOY.X, START, point=1, component=1),
        exercises.check_m_step_mean(None, TOY.X, RESP, component=1),
        exercises.check_m_step_count(None, TOY.X, RESP, component=2),
        exercises.check_m_step_weight(None, TOY.X, RESP, component=1),
        exercises.check_m_step_variance(None, TOY.X, RESP, component=1),
    ):
        assert not feedback and feedback.pending
        assert feedback._repr_markdown_().startswith("✏️")
        assert "replace None" in feedback.message and "3 decimals" in feedback.message
    assert exercises.check_m_step_mean(1.307, TOY.X, RESP, 1)._repr_markdown_().startswith("✅")
    assert exercises.check_m_step_mean(1.2, TOY.X, RESP, 1)._repr_markdown_().startswith("❌")


@pytest.mark.parametrize(
    ("answer", "decimals", "right"),
    [
        (0.030, 3, True),  # the correct 0.03003 to three decimals (a trailing 0 is lost)
        (0.031, 3, True),  # one unit in the last place: rounding along the way
        (0.026, 3, False),
        (0.034, 3, False),
        (0.03003, 3, True),
        (0.029, 3, False),  # 0.00103 off: more than one unit
    ],
)
def test_the_tolerance_is_one_unit_of_the_last_decimal_asked_for(answer, decimals, right):
    params = {"weights": [0.8, 0.2], "means": [1.2, 2.4], "covariances": [0.5, 0.05]}
    correct = float(e_step(TOY.X, params)[0][4, 1])  # lesson 04's narrow start
    assert abs(correct - 0.0300) < 5e-5  # the case the issue names: 0.030
    feedback = exercises.check_responsibility(answer, TOY.X, params, 5, 2, decimals=decimals)
    assert bool(feedback) is right, (answer, feedback)


def test_bic_is_right_to_the_nearest_whole_number_and_a_mean_to_its_decimals():
    X = datasets.faithful().X
    model = GaussianMixtureEM(2, random_state=0).fit(X)
    bic = model.bic(X)
    assert exercises.check_bic(round(bic), model, X)
    assert exercises.check_bic(round(bic, 1) + 0.4, model, X)
    assert not exercises.check_bic(round(bic) + 3, model, X)
    heights = np.array([[170.0], [172.0], [181.0], [183.0]])
    r = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.1, 0.9]])
    mean = r[:, 1] @ heights[:, 0] / r[:, 1].sum()
    assert exercises.check_m_step_mean(round(mean, 2), heights, r, 2, decimals=2)
    assert not exercises.check_m_step_mean(round(mean, 2) + 0.75, heights, r, 2, decimals=2)


def test_the_slips_the_lessons_invite_get_their_own_hint():
    # K-means' answer to a responsibility: 0 or 1 (the means-only start of lesson 02).
    means_only = {"weights": [0.5, 0.5], "means": [1.0, 2.0], "covariances": [1.0, 1.0]}
    for answer in (0, 1):
        feedback = exercises.check_responsibility(answer, TOY.X, means_only, 4, answer + 1)
        assert not feedback and "hard assignment" in feedback.message, feedback
    # K-means' mean: the points the component wins outright.
    won = RESP[:, 0] > RESP[:, 1]
    feedback = exercises.check_m_step_mean(TOY.X[won, 0].mean(), TOY.X, RESP, component=1)
    assert not feedback and "wins outright" in feedback.message
    # The other component's mean (lesson 01 asks for component 2's).
    other = RESP[:, 0] @ TOY.X[:, 0] / RESP[:, 0].sum()  # 1.3066
    feedback = exercises.check_m_step_mean(round(other, 4), TOY.X, RESP, component=2)
    assert not feedback and "new mean of component 1" in feedback.message
    _no_answer_in(feedback, RESP[:, 1] @ TOY.X[:, 0] / RESP[:, 1].sum())
    # N_k, checked on its own, and its slips.
    assert exercises.check_m_step_count(RESP[:, 1].sum(), TOY.X, RESP, component=2)
    feedback = exercises.check_m_step_count(RESP[:, 1].sum() / 5, TOY.X, RESP, component=2)
    assert not feedback and "That is the weight" in feedback.message
