"""Checked exercises for a student's own E-step and M-step (``gmm_viz.exercises`` offers them).

Each checker runs the student's function on a few fixed cases, easiest first, compares
every number with the engine's from the same inputs, and returns
:class:`~gmm_viz.feedback.Feedback`: right on every case; not yet, with the first number
that differs (and the usual slip, when it is one); or not written yet (the stub).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_viz.datasets import faithful, toy
from gmm_viz.em import GMMParams, as_params, check_data, e_step
from gmm_viz.feedback import Feedback
from gmm_viz.student_em.calls import Problem, call_e_step, call_m_step
from gmm_viz.student_em.compare import compare_e_step, compare_m_step

__all__ = ["Case", "e_step_cases", "m_step_cases", "check_e_step", "check_m_step"]

# Three tilted 2-D clusters of unequal weights (twelve points drawn once, rounded).
THREE_CLUSTERS_X = np.array(
    [
        [-1.1, 4.3], [4.5, 0.8], [2.8, 4.7], [-0.4, 5.5], [-1.3, 4.5], [0.0, 0.9],
        [-1.8, 6.3], [-0.5, 5.2], [0.6, 0.4], [1.4, 5.3], [0.0, 5.3], [-0.7, 1.8],
    ]
)  # fmt: skip
THREE_CLUSTERS_START = {
    "weights": [0.2, 0.5, 0.3],
    "means": [[0.0, 1.0], [0.0, 5.0], [4.0, 1.0]],
    "covariances": [
        [[1.0, 0.3], [0.3, 1.0]],
        [[2.0, -0.5], [-0.5, 1.0]],
        [[1.5, 0.0], [0.0, 0.5]],
    ],
}
FAR_POINT = 60.0  # with variances 2, exp() of its log densities (about -840) is 0.0


@dataclass(frozen=True)
class Case:
    """A fixed input for a checker: the data, the parameters (E-step) or responsibilities
    (M-step), and how a sentence names it."""

    name: str
    X: np.ndarray
    params: GMMParams | None = None
    responsibilities: np.ndarray | None = None


def _full(params):
    p = as_params(params)
    return GMMParams(p.weights, p.means, p.full_covariances(), "full")


def e_step_cases():
    """The five toy points (the worked example), three 2-D clusters, and the toy points
    with one far away (where only log-sum-exp keeps the numbers)."""
    t = toy()
    return [
        Case("On the five toy points, from the worked example's start", t.X, _full(t.start)),
        Case(
            "On three 2-D clusters of unequal weights",
            THREE_CLUSTERS_X,
            _full(THREE_CLUSTERS_START),
        ),
        Case(
            f"On the toy points with a sixth far away (x = {FAR_POINT:g})",
            np.vstack([t.X, [[FAR_POINT]]]),
            _full(t.start),
        ),
    ]


def m_step_cases():
    """The responsibilities of the first E-step on the toy points, on Old Faithful (2-D,
    its class-demo start) and on three 2-D clusters; ``params`` is the start they came
    from (so that the old mean can be recognised)."""
    cases = []
    for name, data, start in (
        ("On the five toy points, after the worked example's E-step", toy().X, toy().start),
        ("On Old Faithful, after the first E-step from its start", faithful().X, faithful().start),
        ("On three 2-D clusters, after the first E-step", THREE_CLUSTERS_X, THREE_CLUSTERS_START),
    ):
        params = _full(start)
        cases.append(Case(name, data, params, e_step(data, params)[0]))
    return cases


def _verdict(problem, difference, right):
    if problem is not None:
        return Feedback(False, problem.message, pending=problem.not_written)
    if difference is not None:
        text = difference.sentence()
        return Feedback(False, f"Not yet: {text[0].lower()}{text[1:]}")
    return Feedback(True, right)


def _custom(X, params):
    X = check_data(X)
    return Case("On your data", X, _full(params))


def check_e_step(fn, X=None, params=None):
    """Check a student's ``e_step(X, weights, means, covariances)`` against the engine's.

    Parameters
    ----------
    fn : callable
        Returns ``(responsibilities (N, K), log_likelihood)``.
    X, params : optional
        Check on this data and these parameters instead of the fixed cases.

    Returns
    -------
    Feedback
    """
    cases = e_step_cases() if X is None else [_custom(X, params)]
    for case in cases:
        p = case.params
        out = call_e_step(fn, case.X, p.weights, p.means, p.covariances)
        if isinstance(out, Problem):
            return _verdict(out, None, "")
        difference = compare_e_step(case.X, p, *out, where=case.name)
        if difference is not None:
            return _verdict(None, difference, "")
    what = "the case" if len(cases) == 1 else f"all {len(cases)} cases"
    return _verdict(
        None,
        None,
        f"Right: your E-step gives the engine's responsibilities and log-likelihood on {what}"
        + (" (1-D, 2-D with three components, and a point far away)." if X is None else "."),
    )


def check_m_step(fn, X=None, responsibilities=None):
    """Check a student's ``m_step(X, responsibilities)`` against the engine's.

    Parameters
    ----------
    fn : callable
        Returns ``(weights (K,), means (K, D), covariances (K, D, D))``.
    X, responsibilities : optional
        Check on this data and these responsibilities instead of the fixed cases.

    Returns
    -------
    Feedback
    """
    if X is None:
        cases = m_step_cases()
    else:
        X = check_data(X)
        resp = np.asarray(responsibilities, dtype=float)
        if resp.ndim != 2 or resp.shape[0] != X.shape[0]:
            return Feedback(
                False,
                f"The responsibilities must be a table of {X.shape[0]} rows, one per point, "
                f"and one column per component; got shape {resp.shape}.",
            )
        cases = [Case("On your data", X, None, resp)]
    for case in cases:
        out = call_m_step(fn, case.X, case.responsibilities)
        if isinstance(out, Problem):
            return _verdict(out, None, "")
        difference = compare_m_step(
            case.X, case.responsibilities, out, previous=case.params, where=case.name
        )
        if difference is not None:
            return _verdict(None, difference, "")
    what = "the case" if len(cases) == 1 else f"all {len(cases)} cases"
    return _verdict(
        None,
        None,
        f"Right: your M-step gives the engine's weights, means and full covariances on {what}"
        + (" (1-D, Old Faithful, and three 2-D clusters)." if X is None else "."),
    )
