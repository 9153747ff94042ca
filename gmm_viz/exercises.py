"""Checked exercises: a student computes a number by hand, a checker says whether it is right
and, when it is not, which step to look at again (never the answer itself).

Every checker compares with the engine's own number (:mod:`gmm_viz.em`) within a tolerance
suited to a hand calculation, recognises the usual slips (a forgotten weight, dividing by N
instead of N_k, the old mean in the variance, a standard deviation instead of a variance,
log10 instead of ln) and returns :class:`Feedback`, which prints as one sentence.
``check_e_step`` and ``check_m_step`` check a student's own E-step and M-step, written in
numpy, on a few fixed cases (:mod:`gmm_viz.student_em`).

>>> from gmm_viz import datasets, exercises
>>> toy = datasets.toy()
>>> print(exercises.check_responsibility(0.57, toy.X, toy.start, point=1, component=1))
Right: 0.57 is the responsibility of component 1 for point 1.
"""

from __future__ import annotations

import math

import numpy as np

from gmm_viz.em import as_params as _as_params
from gmm_viz.em import check_data as _check_X
from gmm_viz.em import component_densities, e_step
from gmm_viz.feedback import Feedback
from gmm_viz.student_em import check_e_step, check_m_step

__all__ = [
    "Feedback",
    "check_bic",
    "check_e_step",
    "check_m_step",
    "check_m_step_mean",
    "check_m_step_weight",
    "check_m_step_variance",
    "check_responsibility",
]

# A hand calculation keeps two or three decimals: "right" within this, relative to the
# value (absolute for values below 1).
TOLERANCE = 5e-3


def _number(answer):
    """The answer as a finite float, or a Feedback saying what to give instead."""
    if isinstance(answer, bool):
        answer = None
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return Feedback(False, f"Give your answer as a number, e.g. 0.57; got {answer!r}.")
    if not math.isfinite(value):
        return Feedback(False, "Give a finite number as your answer.")
    return value


def _close(a, b, tolerance):
    """Equal to a hand calculation's rounding: relative above 1, absolute below (0.57 for
    0.5744 is right, two decimals)."""
    return abs(a - b) <= tolerance * max(abs(b), 1.0)


def _index(value, size, what):
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, np.integer))
        or not 1 <= value <= size
    ):
        return Feedback(False, f"{what.capitalize()} must be a whole number from 1 to {size}.")
    return int(value) - 1


def _first(*checks):
    for check in checks:
        if isinstance(check, Feedback):
            return check
    return None


def _verdict(value, correct, tolerance, right, slips, fallback):
    if _close(value, correct, tolerance):
        return Feedback(True, right)
    for wrong, hint in slips:
        if wrong is not None and np.isfinite(wrong) and _close(value, wrong, tolerance):
            return Feedback(False, hint)
    return Feedback(False, fallback)


def check_responsibility(answer, X, params, point, component, *, tolerance=TOLERANCE):
    """Check beta_nk = alpha_k N(x_n | k) / sum_j alpha_j N(x_n | j) computed by hand.

    Parameters
    ----------
    answer : float
    X : array-like (N,) or (N, D)
    params : GMMParams or dict (weights, means, covariances)
    point, component : int
        1-based, as the tables number them.
    """
    value = _number(answer)
    X = _check_X(X)
    params = _as_params(params)
    n = _index(point, X.shape[0], "the point")
    k = _index(component, params.n_components, "the component")
    problem = _first(value, n, k)
    if problem is not None:
        return problem
    dens = component_densities(X[n : n + 1], params)[0]
    weighted = params.weights * dens
    correct = float(e_step(X[n : n + 1], params)[0][0, k])
    if not 0.0 <= value <= 1.0:
        return Feedback(
            False,
            "A responsibility is a share of the point, between 0 and 1: divide the weighted "
            "density of the component by the sum over all components.",
        )
    sd = np.sqrt(np.diagonal(params.full_covariances(), axis1=1, axis2=2).prod(axis=1))
    no_sigma = params.weights * dens * sd  # the densities without their 1/sigma factor
    slips = [
        (
            float(weighted[k]),
            "That is the weighted density alpha_k N(x_n | k); divide it by the sum of the "
            "weighted densities of all components.",
        ),
        (
            float(dens[k]),
            "That is the density N(x_n | k) alone; weigh it by alpha_k, then "
            "divide by the sum over the components.",
        ),
        (
            float(1.0 - correct) if params.n_components == 2 else None,
            "That is the other component's share: the responsibilities of a point add up to 1.",
        ),
        (
            float(no_sigma[k] / no_sigma.sum()),
            "The normal densities lost their 1/sqrt(2 pi sigma^2) factor; with unequal "
            "variances it does not cancel.",
        ),
        (
            float(dens[k] / dens.sum()),
            "The weights alpha_k are missing: weigh each density by its component's weight.",
        ),
    ]
    return _verdict(
        value,
        correct,
        tolerance,
        f"Right: {value:g} is the responsibility of component {k + 1} for point {n + 1}.",
        slips,
        "Not yet: compute alpha_k N(x_n | mu_k, sigma_k^2) for every component, then the "
        "share of component k in their sum.",
    )


def _component_column(answer, X, responsibilities, component):
    """What the M-step checkers share: the answer as a number, the 1-D data x and the
    component's responsibilities w, and the component's index; or the Feedback on bad input."""
    value = _number(answer)
    X = _check_X(X)
    r = np.asarray(responsibilities, dtype=float)
    if r.ndim != 2 or r.shape[0] != X.shape[0]:
        return Feedback(
            False, f"The responsibilities must be a table of {X.shape[0]} rows, one per point."
        )
    if isinstance(value, Feedback):
        return value
    k = _index(component, r.shape[1], "the component")
    if isinstance(k, Feedback):
        return k
    return value, X[:, 0], r[:, k], k


def check_m_step_mean(answer, X, responsibilities, component, *, tolerance=TOLERANCE):
    """Check the M-step's new mean mu_k = sum_n beta_nk x_n / N_k (1-D data)."""
    checked = _component_column(answer, X, responsibilities, component)
    if isinstance(checked, Feedback):
        return checked
    value, x, w, k = checked
    nk = w.sum()
    correct = float(w @ x / nk)
    slips = [
        (float(w @ x), "That is the weighted sum sum_n beta_nk x_n; divide it by N_k."),
        (
            float(w @ x / x.size),
            "Divide by N_k = sum_n beta_nk, the component's soft count, not N.",
        ),
        (float(x.mean()), "That is the plain average: weigh each point by its responsibility."),
    ]
    return _verdict(
        value,
        correct,
        tolerance,
        f"Right: {value:g} is the new mean of component {k + 1}.",
        slips,
        "Not yet: multiply each point by its responsibility, add them up, and divide by N_k.",
    )


def check_m_step_weight(answer, X, responsibilities, component, *, tolerance=TOLERANCE):
    """Check the M-step's new weight alpha_k = N_k / N, with N_k = sum_n beta_nk."""
    checked = _component_column(answer, X, responsibilities, component)
    if isinstance(checked, Feedback):
        return checked
    value, x, w, k = checked
    if not 0.0 <= value <= 1.0:
        return Feedback(
            False, "A weight is a share of the points, between 0 and 1: divide N_k by N."
        )
    nk = float(w.sum())
    correct = nk / x.size
    slips = [
        (nk, "That is N_k, the component's soft count; the weight is its share, N_k / N."),
        (
            1.0 - correct if np.shape(responsibilities)[1] == 2 else None,
            "That is the other component's weight: the weights add up to 1.",
        ),
        (
            float(np.mean(w > 0.5)),
            "That counts the points the component wins outright (a hard assignment); add "
            "up its responsibilities instead.",
        ),
    ]
    return _verdict(
        value,
        correct,
        tolerance,
        f"Right: {value:g} is the new weight of component {k + 1}.",
        slips,
        "Not yet: add up the component's responsibilities (N_k) and divide by N.",
    )


def check_m_step_variance(
    answer, X, responsibilities, component, *, previous_mean=None, tolerance=TOLERANCE
):
    """Check the M-step's new variance sigma_k^2 = sum_n beta_nk (x_n - mu_k)^2 / N_k, around
    the *new* mean (1-D data). ``previous_mean`` lets the checker recognise the old mean."""
    checked = _component_column(answer, X, responsibilities, component)
    if isinstance(checked, Feedback):
        return checked
    value, x, w, k = checked
    if value < 0:
        return Feedback(False, "A variance is an average of squares: it cannot be negative.")
    nk = w.sum()
    mu = w @ x / nk
    correct = float(w @ (x - mu) ** 2 / nk)
    old = None if previous_mean is None else float(w @ (x - previous_mean) ** 2 / nk)
    slips = [
        (old, "Use the new mean, the one this M-step just computed, not the previous one."),
        (
            float(np.sqrt(correct)),
            "That is a standard deviation; the M-step gives the variance (its square).",
        ),
        (float(w @ (x - mu) ** 2 / x.size), "Divide by N_k = sum_n beta_nk, not by N."),
        (float(w @ (x - mu) ** 2), "Divide the weighted sum of squares by N_k."),
        (float(np.mean((x - mu) ** 2)), "Weigh each squared distance by its responsibility."),
    ]
    return _verdict(
        value,
        correct,
        tolerance,
        f"Right: {value:g} is the new variance of component {k + 1}.",
        slips,
        "Not yet: weigh each squared distance to the new mean by its responsibility, add "
        "them up, and divide by N_k.",
    )


def check_bic(answer, model, X, *, tolerance=TOLERANCE):
    """Check BIC = -2 log L + p ln N for a fitted :class:`~gmm_viz.em.GaussianMixtureEM`."""
    value = _number(answer)
    if isinstance(value, Feedback):
        return value
    X = _check_X(X)
    n = X.shape[0]
    log_l = model.score(X) * n
    p = model._n_parameters()
    correct = -2 * log_l + p * math.log(n)
    slips = [
        (-2 * log_l + p * math.log10(n), "Use the natural logarithm of N (ln), not log10."),
        (2 * log_l + p * math.log(n), "The log-likelihood enters with a minus sign: -2 log L."),
        (-log_l + p * math.log(n), "The log-likelihood counts twice: -2 log L."),
        (-2 * log_l + 2 * p, "That is AIC (2p); BIC charges p ln N."),
    ]
    counts = [
        -2 * log_l + q * math.log(n) for q in range(1, 4 * p + 2) if q != p
    ]  # a miscounted number of parameters
    verdict = _verdict(
        value,
        correct,
        tolerance / 100,  # BIC is large: a relative 5e-5 is a hand rounding
        f"Right: {value:g} is this model's BIC.",
        slips,
        "",
    )
    if verdict.correct or verdict.message:  # right, or a recognised slip
        return verdict
    if any(_close(value, c, tolerance / 100) for c in counts):
        return Feedback(
            False,
            "Count the parameters again: K - 1 free weights, K means of D numbers, and each "
            "covariance's free entries.",
        )
    return Feedback(
        False, "Not yet: BIC = -2 log L + p ln N, with log L the total log-likelihood."
    )
