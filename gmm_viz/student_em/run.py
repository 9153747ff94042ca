"""A student's EM run beside the engine's, half-step by half-step, from the same start.

:func:`run_beside_reference` runs the student's E-step and M-step for a few iterations,
and the engine's from the same start. Every half-step of theirs is compared with the
engine's from the *same inputs* (their own previous output), so the first difference is
the half-step whose function went wrong, not the echo of an earlier one. The result,
:class:`StudentRun`, holds both runs as :class:`~gmm_viz.em.EMHistory` (to draw side by
side), the first :class:`~gmm_viz.student_em.compare.Difference` or the
:class:`~gmm_viz.student_em.calls.Problem` that stopped their run, and one sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from gmm_viz.em import EMHistory, GMMParams, as_params, check_data, e_step, log_likelihood
from gmm_viz.errors import ParameterError
from gmm_viz.feedback import Feedback
from gmm_viz.student_em.calls import Problem, call_e_step, call_m_step
from gmm_viz.student_em.compare import (
    Difference,
    compare_e_step,
    compare_m_step,
    params_of,
    reference_m_step,
)

__all__ = ["StudentRun", "run_beside_reference"]


@dataclass
class StudentRun:
    """A student's EM run beside the engine's.

    Attributes
    ----------
    X : ndarray (N, D)
    history : EMHistory
        Their run: every whole iteration whose numbers can be drawn (finite, covariances
        positive definite), with their own responsibilities; the log-likelihoods are the
        engine's for their parameters.
    reference : EMHistory
        The engine's run from the same start, as many iterations as asked.
    difference : Difference or None
        The first number that differs (with ``step``, the half-step).
    problem : Problem or None
        What stopped their run (a stub, an exception, outputs of the wrong shape).
    compared : int
        How many half-steps were compared.
    """

    X: np.ndarray
    history: EMHistory
    reference: EMHistory
    difference: Difference | None
    problem: Problem | None
    compared: int

    @property
    def same(self):
        """True when every half-step gave the engine's numbers."""
        return self.difference is None and self.problem is None

    @property
    def not_written(self):
        """True when a function is still the stub (raises NotImplementedError)."""
        return self.problem is not None and self.problem.not_written

    def sentence(self):
        """What happened, in one sentence (the first difference comes first)."""
        if self.difference is not None:
            return self.difference.sentence()
        if self.problem is not None:
            return self.problem.message
        return (
            f"Your run and the reference agree at every one of the {self.compared} "
            "half-steps, to the last digits that count."
        )

    def feedback(self):
        """The sentence as :class:`~gmm_viz.feedback.Feedback` (right, not yet, or not
        written yet)."""
        return Feedback(self.same, self.sentence(), pending=self.not_written)

    def __str__(self):
        return self.sentence()

    def __repr__(self):
        return f"StudentRun({self.sentence()!r})"

    def _repr_markdown_(self):
        return self.feedback()._repr_markdown_()


def _drawable(params):
    """Finite numbers, non-negative weights, symmetric positive-definite covariances."""
    if not all(np.all(np.isfinite(a)) for a in (params.weights, params.means, params.covariances)):
        return False
    covs = params.covariances
    if np.any(params.weights < 0) or not np.allclose(covs, covs.transpose(0, 2, 1)):
        return False
    try:
        np.linalg.cholesky(covs)
    except np.linalg.LinAlgError:
        return False
    return True


def _reference_run(X, start, iterations):
    params, resps, lls, current = [], [], [log_likelihood(X, start)], start
    for _ in range(iterations):
        resp = e_step(X, current)[0]
        current = reference_m_step(X, resp)
        params.append(current)
        resps.append(resp)
        lls.append(log_likelihood(X, current))
    return EMHistory.from_steps(X, start, params, resps, lls)


def _as_full(start):
    p = as_params(start)
    return GMMParams(p.weights, p.means, p.full_covariances(), "full")


def _engine_e_step(X, weights, means, covariances):
    return e_step(X, params_of(weights, means, covariances))


def _engine_m_step(X, responsibilities):
    p = reference_m_step(X, responsibilities)
    return p.weights, p.means, p.covariances


def run_beside_reference(e_step_fn, m_step_fn, X, start, *, iterations=3):
    """Run a student's E-step and M-step beside the engine's, from the same start.

    Parameters
    ----------
    e_step_fn : callable or None
        ``e_step(X, weights, means, covariances) -> (responsibilities, log_likelihood)``;
        None runs the engine's in its place (to try an M-step alone).
    m_step_fn : callable or None
        ``m_step(X, responsibilities) -> (weights, means, covariances)``; None runs the
        engine's.
    X : array-like (N, D) or (N,)
    start : GMMParams or dict (weights, means, covariances)
        Any covariance type; the run is in full covariances, (K, D, D).
    iterations : int
        How many E-step and M-step pairs (default 3).

    Returns
    -------
    StudentRun
    """
    X = check_data(X)
    if isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer)):
        raise ParameterError(f"iterations must be a whole number; got {iterations!r}.")
    if iterations < 1:
        raise ParameterError(f"Run at least one iteration; got iterations={iterations}.")
    start = _as_full(start)
    e_fn = e_step_fn if e_step_fn is not None else _engine_e_step
    m_fn = m_step_fn if m_step_fn is not None else _engine_m_step
    reference = _reference_run(X, start, iterations)
    params, resps, lls = [], [], [log_likelihood(X, start)]
    current, difference, problem, compared, drawing = start, None, None, 0, True
    for it in range(1, iterations + 1):
        out = call_e_step(e_fn, X, current.weights, current.means, current.covariances)
        if isinstance(out, Problem):
            problem = out
            break
        resp, ll = out
        compared += 1
        if difference is None:
            found = compare_e_step(X, current, resp, ll, where=f"At E-step {it}")
            difference = _at(found, 2 * it - 1)
        if not np.all(np.isfinite(resp)):
            break
        out = call_m_step(m_fn, X, resp)
        if isinstance(out, Problem):
            problem = out
            break
        compared += 1
        if difference is None:
            found = compare_m_step(X, resp, out, previous=current, where=f"At M-step {it}")
            difference = _at(found, 2 * it)
        new = params_of(*out)
        drawing = drawing and _drawable(new)
        if not drawing:
            break
        params.append(new)
        resps.append(resp)
        lls.append(log_likelihood(X, new))
        current = new
    history = EMHistory.from_steps(X, start, params, resps, lls)
    return StudentRun(X, history, reference, difference, problem, compared)


def _at(difference, step):
    return None if difference is None else replace(difference, step=step)
