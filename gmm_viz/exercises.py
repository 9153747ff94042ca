"""Checked exercises: a student computes a number by hand, a checker says whether it is right
and, when it is not, which step to look at again (never the answer itself).

Every checker compares with the engine's own number (:mod:`gmm_viz.em`) to the decimals the
exercise asks for, recognises the usual slips (a forgotten weight, dividing by N
instead of N_k, the old mean in the variance, a standard deviation instead of a variance,
log10 instead of ln) and returns :class:`Feedback`, which prints as one sentence.
``check_e_step`` and ``check_m_step`` check a student's own E-step and M-step, written in
numpy, on a few fixed cases (:mod:`gmm_viz.student_em`).

>>> from gmm_viz import datasets, exercises
>>> toy = datasets.toy()
>>> print(exercises.check_responsibility(0.574, toy.X, toy.start, point=1, component=1))
Right: 0.574 is the responsibility of component 1 for point 1.
>>> print(exercises.check_responsibility(None, toy.X, toy.start, point=1, component=1))
Not answered yet: replace None with your number (3 decimals).

An answer is right within one unit of the last decimal asked for (``decimals``: rounding
along the way moves the last digit, not the one before); an answer given with fewer decimals
that is right as far as it goes is told to give more.
"""

from __future__ import annotations

import math

import numpy as np

from gmm_viz.em import as_params as _as_params
from gmm_viz.em import check_data as _check_X
from gmm_viz.em import component_densities, e_step, kmeans
from gmm_viz.feedback import Feedback
from gmm_viz.student_em import check_e_step, check_m_step

__all__ = [
    "Feedback",
    "not_answered",
    "check_bic",
    "check_e_step",
    "check_m_step",
    "check_m_step_count",
    "check_m_step_mean",
    "check_m_step_weight",
    "check_m_step_variance",
    "check_responsibility",
]

# A hand calculation keeps three decimals unless the exercise says otherwise.
DECIMALS = 3


def not_answered(what="your number"):
    """The verdict on an answer that is still ``None``: nothing to judge yet (a pencil)."""
    return Feedback(False, f"Not answered yet: replace None with {what}.", pending=True)


def _number(answer, decimals=DECIMALS):
    """The answer as a finite float, or a Feedback saying what to give instead."""
    if answer is None:
        wanted = "a whole number" if decimals == 0 else f"{decimals} decimals"
        return not_answered(f"your number ({wanted})")
    if isinstance(answer, bool):
        answer = None
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return Feedback(False, f"Give your answer as a number, e.g. 0.57; got {answer!r}.")
    if not math.isfinite(value):
        return Feedback(False, "Give a finite number as your answer.")
    return value


def _close(a, b, decimals):
    """Equal to a hand calculation's rounding: within one unit of the last decimal asked
    for (0.463 for 0.46275 to three decimals; 1576 for 1576.253 to none)."""
    return abs(a - b) <= 10.0**-decimals * (1 + 1e-9)


def _decimals_given(value):
    """How many decimals the answer was written with (0.03 -> 2, 1576.0 -> 0)."""
    text = repr(float(value))
    if "e" in text or "." not in text:
        return 0 if "e" not in text else 17
    decimals = len(text.split(".")[1].rstrip("0"))
    return decimals


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


def _verdict(value, correct, decimals, right, slips, fallback):
    """Right within the decimals asked for; else the first recognised slip's hint; else a
    request for more decimals when the answer is right as far as it goes; else ``fallback``."""
    if _close(value, correct, decimals):
        return Feedback(True, right)
    for wrong, hint in slips:
        if wrong is not None and np.isfinite(wrong) and _close(value, wrong, decimals):
            return Feedback(False, hint)
    given = _decimals_given(value)
    if given < decimals and abs(value - correct) <= 0.5 * 10.0**-given * (1 + 1e-9):
        return Feedback(
            False,
            f"Right as far as it goes; give {decimals} decimals, not {given}: round only "
            "at the end.",
        )
    return Feedback(False, fallback)


def _hard_shares(X, params):
    """The responsibilities of K-means' hard assignment: 1 for the nearest mean, else 0."""
    k = params.n_components
    nearest = kmeans(X, k, init=params.means, max_iter=0).labels  # assignment, no update
    return np.eye(k)[nearest]


def check_responsibility(answer, X, params, point, component, *, decimals=DECIMALS):
    """Check beta_nk = alpha_k N(x_n | k) / sum_j alpha_j N(x_n | j) computed by hand.

    Parameters
    ----------
    answer : float or None
        None: not answered yet.
    X : array-like (N,) or (N, D)
    params : GMMParams or dict (weights, means, covariances)
    point, component : int
        1-based, as the tables number them.
    decimals : int
        The decimals the exercise asks for.
    """
    value = _number(answer, decimals)
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
    sd = np.sqrt(np.diagonal(params.full_covariances(), axis1=1, axis2=2).prod(axis=1))
    no_sigma = params.weights * dens * sd  # the densities without their 1/sigma factor
    hard = float(_hard_shares(X[n : n + 1], params)[0, k])
    slips = [
        (
            hard,
            f"{hard:g} is K-means' hard assignment (all or nothing to the nearest mean); EM "
            "shares the point: divide the component's weighted density by the sum over all "
            "components.",
        ),
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
    if not 0.0 <= value <= 1.0 and not any(_close(value, w, decimals) for w, _ in slips[1:3]):
        return Feedback(
            False,
            "A responsibility is a share of the point, between 0 and 1: divide the weighted "
            "density of the component by the sum over all components.",
        )
    return _verdict(
        value,
        correct,
        decimals,
        f"Right: {value:g} is the responsibility of component {k + 1} for point {n + 1}.",
        slips,
        "Not yet: compute alpha_k N(x_n | mu_k, sigma_k^2) for every component, then the "
        "share of component k in their sum.",
    )


def _component_column(answer, X, responsibilities, component, decimals):
    """What the M-step checkers share: the answer as a number, the 1-D data x, the
    responsibilities r (N, K) and the component's index; or the Feedback on bad input."""
    value = _number(answer, decimals)
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
    return value, X[:, 0], r, k


def _won_outright(r, k):
    """1.0 for the points component k wins (the largest responsibility), else 0.0: what
    K-means' assignment step would give it."""
    return (r.argmax(axis=1) == k).astype(float)


def check_m_step_mean(answer, X, responsibilities, component, *, decimals=DECIMALS):
    """Check the M-step's new mean mu_k = sum_n beta_nk x_n / N_k (1-D data)."""
    checked = _component_column(answer, X, responsibilities, component, decimals)
    if isinstance(checked, Feedback):
        return checked
    value, x, r, k = checked
    w = r[:, k]
    correct = float(w @ x / w.sum())
    won = _won_outright(r, k)
    others = [j for j in range(r.shape[1]) if j != k]
    slips = [
        (float(w @ x), "That is the weighted sum sum_n beta_nk x_n; divide it by N_k."),
        (
            float(w @ x / x.size),
            "Divide by N_k = sum_n beta_nk, the component's soft count, not N.",
        ),
        (
            float(won @ x / won.sum()) if won.any() else None,
            "That is K-means' mean of the points the component wins outright (a hard "
            "assignment); EM weighs every point by its responsibility.",
        ),
        *[
            (
                float(r[:, j] @ x / r[:, j].sum()),
                f"That is the new mean of component {j + 1}; use the responsibilities of "
                f"component {k + 1} (its column of the table).",
            )
            for j in others
        ],
        (float(x.mean()), "That is the plain average: weigh each point by its responsibility."),
    ]
    return _verdict(
        value,
        correct,
        decimals,
        f"Right: {value:g} is the new mean of component {k + 1}.",
        slips,
        "Not yet: multiply each point by its responsibility, add them up, and divide by N_k.",
    )


def check_m_step_count(answer, X, responsibilities, component, *, decimals=DECIMALS):
    """Check N_k = sum_n beta_nk, the component's soft count of points."""
    checked = _component_column(answer, X, responsibilities, component, decimals)
    if isinstance(checked, Feedback):
        return checked
    value, x, r, k = checked
    w = r[:, k]
    correct = float(w.sum())
    slips = [
        (correct / x.size, "That is the weight N_k / N; N_k itself is the sum, not divided."),
        (
            float(_won_outright(r, k).sum()),
            "That counts the points the component wins outright (a hard assignment); add "
            "up its responsibilities instead.",
        ),
        *[
            (float(r[:, j].sum()), f"That is N_{j + 1}; add up the column of component {k + 1}.")
            for j in range(r.shape[1])
            if j != k
        ],
    ]
    return _verdict(
        value,
        correct,
        decimals,
        f"Right: {value:g} is N_{k + 1}, the soft count of component {k + 1}.",
        slips,
        "Not yet: add up the component's responsibilities over all the points.",
    )


def check_m_step_weight(answer, X, responsibilities, component, *, decimals=DECIMALS):
    """Check the M-step's new weight alpha_k = N_k / N, with N_k = sum_n beta_nk."""
    checked = _component_column(answer, X, responsibilities, component, decimals)
    if isinstance(checked, Feedback):
        return checked
    value, x, r, k = checked
    w = r[:, k]
    nk = float(w.sum())
    correct = nk / x.size
    slips = [
        (nk, "That is N_k, the component's soft count; the weight is its share, N_k / N."),
        (
            1.0 - correct if r.shape[1] == 2 else None,
            "That is the other component's weight: the weights add up to 1.",
        ),
        (
            float(_won_outright(r, k).mean()),
            "That counts the points the component wins outright (a hard assignment); add "
            "up its responsibilities instead.",
        ),
    ]
    if not 0.0 <= value <= 1.0 and not _close(value, nk, decimals):
        return Feedback(
            False, "A weight is a share of the points, between 0 and 1: divide N_k by N."
        )
    return _verdict(
        value,
        correct,
        decimals,
        f"Right: {value:g} is the new weight of component {k + 1}.",
        slips,
        "Not yet: add up the component's responsibilities (N_k) and divide by N.",
    )


def check_m_step_variance(
    answer, X, responsibilities, component, *, previous_mean=None, decimals=DECIMALS
):
    """Check the M-step's new variance sigma_k^2 = sum_n beta_nk (x_n - mu_k)^2 / N_k, around
    the *new* mean (1-D data). ``previous_mean`` lets the checker recognise the old mean."""
    checked = _component_column(answer, X, responsibilities, component, decimals)
    if isinstance(checked, Feedback):
        return checked
    value, x, r, k = checked
    if value < 0:
        return Feedback(False, "A variance is an average of squares: it cannot be negative.")
    w = r[:, k]
    nk = w.sum()
    mu = w @ x / nk
    correct = float(w @ (x - mu) ** 2 / nk)
    old = None if previous_mean is None else float(w @ (x - previous_mean) ** 2 / nk)
    won = _won_outright(r, k)
    hard = None
    if won.sum() > 0:
        hard_mu = won @ x / won.sum()
        hard = float(won @ (x - hard_mu) ** 2 / won.sum())
    slips = [
        (old, "Use the new mean, the one this M-step just computed, not the previous one."),
        (
            float(np.sqrt(correct)),
            "That is a standard deviation; the M-step gives the variance (its square).",
        ),
        (float(w @ (x - mu) ** 2 / x.size), "Divide by N_k = sum_n beta_nk, not by N."),
        (float(w @ (x - mu) ** 2), "Divide the weighted sum of squares by N_k."),
        (
            hard,
            "That is the variance of the points the component wins outright (a hard "
            "assignment); weigh every point by its responsibility.",
        ),
        (float(np.mean((x - mu) ** 2)), "Weigh each squared distance by its responsibility."),
    ]
    return _verdict(
        value,
        correct,
        decimals,
        f"Right: {value:g} is the new variance of component {k + 1}.",
        slips,
        "Not yet: weigh each squared distance to the new mean by its responsibility, add "
        "them up, and divide by N_k.",
    )


def check_bic(answer, model, X, *, decimals=0):
    """Check BIC = -2 log L + p ln N for a fitted :class:`~gmm_viz.em.GaussianMixtureEM`
    (to the nearest whole number by default: BIC is compared between models in units)."""
    value = _number(answer, decimals)
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
        value, correct, decimals, f"Right: {value:g} is this model's BIC.", slips, ""
    )
    if verdict.correct or verdict.message:  # right, or a recognised slip
        return verdict
    if any(_close(value, c, decimals) for c in counts):
        return Feedback(
            False,
            "Count the parameters again: K - 1 free weights, K means of D numbers, and each "
            "covariance's free entries.",
        )
    return Feedback(
        False, "Not yet: BIC = -2 log L + p ln N, with log L the total log-likelihood."
    )
