"""The fast EM loop that ``GaussianMixtureEM.fit`` runs: blocked over N, component-major.

Each pass over the data does one E-step and accumulates what the following M-step needs,
so a whole iteration reads the data once, in blocks that stay in cache. It computes what
:func:`gmm_viz.em.steps.e_step` and :func:`~gmm_viz.em.steps.m_step` compute (the tests
pin them together), about 14x faster than scikit-learn per iteration.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from gmm_viz.em.densities import _density_coefficients, _half_mahalanobis_kn
from gmm_viz.em.history import EMHistory, EStepRecord, MStepRecord
from gmm_viz.em.steps import _m_step_from_sums, _stats_to_data

# Size of the fit loop's blocks over N, in floats per K x block buffer: a block holds
# _BLOCK // K points, so that the loop's few buffers stay in cache (tuned in
# benchmarks/bench_em.py: 8192 points for K = 8, more for smaller K).
_BLOCK = 65536


def _exp_shifted_kn(a, top, inv_total):
    """The blocked E-step's log-sum-exp, in place: ``a`` (K, m) of log weighted densities
    becomes exp(a - max_k a), ``top`` (m,) receives the shift and ``inv_total`` (m,) the
    reciprocal column sums, so that the responsibilities are ``a * inv_total``.

    Returns the block's sum of log p(x_n).
    """
    np.max(a, axis=0, out=top)
    finite = np.isfinite(top)
    if not finite.all():
        top[~finite] = 0.0
    np.subtract(a, top, out=a)
    np.exp(a, out=a)
    np.sum(a, axis=0, out=inv_total)
    log_p = float(np.log(inv_total).sum() + top.sum())
    np.reciprocal(inv_total, out=inv_total)
    return log_p


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
    ``reg_std``.
    """
    d, n = Xa.shape[0] - 1, Xa.shape[1]
    k = init_std.n_components
    Xt = Xa[1:]
    log_scale = scaling.log_det
    block = min(n, max(1, _BLOCK // k))
    # Buffers reused by every block of every pass: a few K x block arrays that stay in cache.
    lw = np.empty((k, block))
    diff = np.empty((k, d, block)) if d > 1 else None
    work = np.empty((k, d, block))
    top = np.empty(block)
    inv_total = np.empty(block)
    xw = np.empty((d + 1, block))
    acc = np.empty((k, d + 1))
    acc_s2 = np.empty((k, d, d)) if d > 1 else np.empty(k)

    def e_pass(params):
        """Sum of log p(x) in standardised units and the sums for the M-step."""
        # Per parameter set, not per block: Cholesky factors, log-determinants, log-weights.
        factor, const = _density_coefficients(params)
        const = const[:, None]
        means = params.means
        nk_s1 = np.zeros((k, d + 1))  # N_k and sum_n r_nk x_n side by side
        s2 = np.zeros((k, d, d))
        total = 0.0
        for start in range(0, n, block):
            stop = min(start + block, n)
            m = stop - start
            a, top_b, inv_b = lw[:, :m], top[:m], inv_total[:m]
            if d == 1:
                # Keep h = (x - mu)^2 / (2 sigma^2): the scatter is then sum_n r h 2 sigma^2,
                # and x - mu need not be stored.
                h = _half_mahalanobis_kn(Xt[:, start:stop], means, factor, work[:, 0, :m])
                np.subtract(const, h, out=a)
            else:
                db = diff[:, :, :m]
                _half_mahalanobis_kn(Xt[:, start:stop], means, factor, a, db, work[:, :, :m])
                np.subtract(const, a, out=a)
            total += _exp_shifted_kn(a, top_b, inv_b)
            # a holds exp(log w_k N_k - top); the responsibilities are a * inv_b. Fold inv_b
            # into the (D + 1) x m data instead of scaling the K x m array.
            np.matmul(a, np.multiply(Xa[:, start:stop], inv_b, out=xw[:, :m]).T, out=acc)
            nk_s1 += acc
            if d == 1:
                np.multiply(a, h, out=a)
                np.matmul(a, inv_b, out=acc_s2)
                s2[:, 0, 0] += acc_s2 / factor[:, 0, 0] ** 2
            else:
                np.multiply(a, inv_b, out=a)
                p = np.multiply(a[:, None, :], db, out=work[:, :, :m])
                np.matmul(p, db.transpose(0, 2, 1), out=acc_s2)
                s2 += acc_s2
        return total, nk_s1[:, 0].copy(), nk_s1[:, 1:].copy(), s2

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
            on_iteration(it - done)
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
