"""The fast EM loop that ``GaussianMixtureEM.fit`` runs: blocked over N, component-major.

Each pass over the data does one E-step and accumulates what the following M-step needs,
so a whole iteration reads the data once, in blocks that stay in cache. It computes what
:func:`gmm_viz.em.steps.e_step` and :func:`~gmm_viz.em.steps.m_step` compute (the tests
pin them together). The pass over the data is :class:`~gmm_viz.em.blocks.BlockedPass`: blocks
that stay in cache, on threads; speed against scikit-learn is in benchmarks/RESULTS.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from gmm_viz.em.blocks import BlockedPass
from gmm_viz.em.history import EMHistory, EStepRecord, MStepRecord
from gmm_viz.em.steps import _m_step_from_sums, _stats_to_data


@dataclass
class _Run:
    history: EMHistory
    final_mean_ll: float
    n_iter: int


def _run_em(
    Xa,
    init_std,
    scaling,
    covariance_type,
    reg_std,
    fixed,
    tol,
    max_iter,
    on_iteration=None,
    given=None,
    previous=None,
    reg_covar=0.0,
):
    """The EM loop on standardised data, blocked over N, component-major.

    ``Xa`` is the standardised data as (D + 1) x N with a row of ones on top: one matrix
    product per block then gives both N_k and sum_n r_nk x_n.

    Each pass over the data does one E-step (log-likelihood of the current parameters,
    responsibilities) and accumulates what the following M-step needs, so a whole
    iteration reads the data once.

    ``given`` holds explicitly given initial values in the data's units: the records show
    them exactly (converting back from standardised units may change a last digit) at the
    start, and at every step for the parameters held fixed. ``previous``, an
    :class:`EMHistory`, is continued (warm start) instead of starting a new one.
    ``reg_covar`` (the data's units) is only recorded in the history; the loop adds
    ``reg_std``. ``on_iteration(iteration, mean_log_likelihood)``, if given, is called
    before each iteration with the mean log-likelihood of the parameters entering it.
    Each pass is a :class:`~gmm_viz.em.blocks.BlockedPass` (blocks on threads; the result
    does not depend on how many).
    """
    n = Xa.shape[1]
    log_scale = scaling.log_det
    with BlockedPass(Xa, init_std.n_components) as e_pass:
        given = given or {}
        held = {name: value for name, value in given.items() if name in fixed}

        def to_data(params_std, exact):
            params = scaling.to_data(params_std)
            return replace(params, **{name: value.copy() for name, value in exact.items()})

        current = init_std
        total, nk, s1, s2 = e_pass(current)
        ll = total - n * log_scale
        if previous is None:
            history = EMHistory(
                initial=to_data(current, given),
                initial_log_likelihood=ll,
                covariance_type=covariance_type,
                reg_covar=float(reg_covar),
                fixed=frozenset(fixed),
            )
            prev_mean, done = -np.inf, 0
        else:
            history = previous
            done = previous.n_iter
            prev_mean = previous.e_steps[-1].mean_log_likelihood if done else -np.inf
        converged = False
        for it in range(done + 1, done + max_iter + 1):
            if on_iteration is not None:
                on_iteration(it - done, ll / n)
            exact = given if it == done + 1 else held  # the first E-step shows the start
            history.e_steps.append(EStepRecord(it, to_data(current, exact), ll, ll / n))
            new, stats, notes = _m_step_from_sums(
                nk, s1, s2, current.means, n, covariance_type, reg_std, fixed, current, scaling
            )
            total, nk, s1, s2 = e_pass(new)
            new_ll = total - n * log_scale
            history.m_steps.append(
                MStepRecord(
                    it,
                    to_data(new, held),
                    _stats_to_data(stats, scaling),
                    new_ll,
                    new_ll / n,
                    tuple(notes),
                )
            )
            change = ll / n - prev_mean
            prev_mean = ll / n
            current, ll = new, new_ll
            if abs(change) < tol:
                converged = True
                break
        history.converged = converged
        return _Run(history, ll / n, history.n_iter - done)
