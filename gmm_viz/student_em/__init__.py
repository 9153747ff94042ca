"""A student's own EM, run beside the engine's: where the two first part, and why.

The lesson "write EM yourself" asks for two numpy functions,

* ``e_step(X, weights, means, covariances) -> (responsibilities, log_likelihood)`` and
* ``m_step(X, responsibilities) -> (weights, means, covariances)``,

with X (N, D), weights (K,), means (K, D), full covariances (K, D, D) and
responsibilities (N, K). This package runs *their* functions (numpy only, like the
engine):

* :mod:`~gmm_viz.student_em.calls` -- calls a student's function so that nothing it does
  (raise, return the wrong shape, still be the stub) crashes the lesson: a
  :class:`Problem` says what is wrong in one sentence;
* :mod:`~gmm_viz.student_em.compare` -- one half-step against the engine's from the same
  inputs: the first number that differs, as a :class:`Difference` record and a sentence;
* :mod:`~gmm_viz.student_em.slips` -- the usual slips and their hints;
* :mod:`~gmm_viz.student_em.run` -- a whole run beside the reference
  (:func:`run_beside_reference`, :class:`StudentRun`: both runs as histories to draw);
* :mod:`~gmm_viz.student_em.checks` -- the checked exercises ``check_e_step`` and
  ``check_m_step`` (also in :mod:`gmm_viz.exercises`).

>>> import numpy as np
>>> from gmm_viz import datasets, student_em
>>> def lazy_m_step(X, responsibilities):  # the covariance divided by N, not N_k
...     nk = responsibilities.sum(axis=0)
...     means = responsibilities.T @ X / nk[:, None]
...     diff = X[None, :, :] - means[:, None, :]
...     scatter = np.einsum("nk,kni,knj->kij", responsibilities, diff, diff)
...     return nk / len(X), means, scatter / len(X)
>>> toy = datasets.toy()
>>> run = student_em.run_beside_reference(None, lazy_m_step, toy.X, toy.start)
>>> d = run.difference
>>> d.step, d.phase, d.parameter, d.component, round(d.reference, 4), round(d.theirs, 4)
(2, 'M', 'covariance', 1, 0.351, 0.1799)
>>> print(run.difference.hint)
divide by N_k = sum_n beta_nk, not by N
"""

from gmm_viz.student_em.calls import Problem, call_e_step, call_m_step
from gmm_viz.student_em.checks import check_e_step, check_m_step
from gmm_viz.student_em.compare import Difference, compare_e_step, compare_m_step
from gmm_viz.student_em.run import StudentRun, run_beside_reference

__all__ = [
    "Difference",
    "Problem",
    "StudentRun",
    "call_e_step",
    "call_m_step",
    "check_e_step",
    "check_m_step",
    "compare_e_step",
    "compare_m_step",
    "run_beside_reference",
]
