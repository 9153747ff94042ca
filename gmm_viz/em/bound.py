"""Why EM climbs: the lower bound L(q, theta) for any responsibilities q and parameters theta.

For every q (a probability over the components for each point),

    log L(theta) = L(q, theta) + KL(q || p(z | x, theta)),
    L(q, theta) = sum_n sum_k q_nk log(alpha_k N(x_n | k) / q_nk),

and KL >= 0, so L(q, theta) is a lower bound on the log-likelihood (Jensen's inequality).
The E-step sets q to the posterior p(z | x, theta): KL = 0 and the bound touches. The M-step
moves theta to the maximum of L(q, theta) for that q: the bound rises, and log L rises at
least as much.

:meth:`gmm_viz.em.EMHistory.lower_bound` gives the bound at every half-step of a run; the
functions here evaluate it anywhere, e.g. along a path between two parameter sets, to draw
the bound as a curve that touches log L at one point and lies below it elsewhere.
"""

from __future__ import annotations

import numpy as np

from gmm_viz.em.densities import component_log_densities
from gmm_viz.em.params import _as_params, _check_X, make_params
from gmm_viz.em.steps import log_likelihood
from gmm_viz.errors import ParameterError

__all__ = ["interpolate_params", "kl_gap", "lower_bound"]


def _check_q(q, n, k):
    q = np.asarray(q, dtype=float)
    if q.shape != (n, k):
        raise ParameterError(
            f"The responsibilities must have shape ({n}, {k}), one row per point and one "
            f"column per component; got {q.shape}."
        )
    if not np.all(np.isfinite(q)) or np.any(q < 0) or not np.allclose(q.sum(axis=1), 1.0):
        raise ParameterError(
            "Each row of responsibilities must be numbers from 0 to 1 that add up to 1."
        )
    return q


def lower_bound(X, responsibilities, params):
    """EM's lower bound L(q, theta) on the total log-likelihood.

    Parameters
    ----------
    X : array-like (N,) or (N, D)
    responsibilities : array-like (N, K)
        q: each row a probability over the components (e.g. from :func:`e_step`).
    params : GMMParams or dict
        theta.

    Returns
    -------
    float
        sum_n sum_k q_nk (log alpha_k + log N(x_n | k) - log q_nk), with 0 log 0 = 0. Equal
        to :func:`log_likelihood` when q is the posterior of ``params``, below it otherwise.
    """
    X = _check_X(X)
    params = _as_params(params)
    q = _check_q(responsibilities, X.shape[0], params.n_components)
    with np.errstate(divide="ignore"):
        log_joint = component_log_densities(X, params) + np.log(params.weights)
        log_q = np.log(q)
    terms = np.where(q > 0, q * (log_joint - log_q), 0.0)
    return float(terms.sum())


def kl_gap(X, responsibilities, params):
    """KL(q || p(z | x, theta)) = log L(theta) - L(q, theta): how far the bound is below."""
    return log_likelihood(X, params) - lower_bound(X, responsibilities, params)


def interpolate_params(start, end, t):
    """Parameters a share ``t`` of the way from ``start`` (t = 0) to ``end`` (t = 1).

    Means move along a straight line; weights and covariances geometrically (weights
    alpha^(1-t) alpha'^t renormalised, covariances exp((1-t) log S + t log S')), so that
    every t, also below 0 and above 1, gives a valid mixture. The path of a plot of the
    bound through two parameter sets.
    """
    a, b = _as_params(start), _as_params(end)
    if a.means.shape != b.means.shape:
        raise ParameterError(
            f"Both parameter sets need the same shape of means; got {a.means.shape} and "
            f"{b.means.shape}."
        )
    t = float(t)
    if not np.isfinite(t):
        raise ParameterError(f"t must be a finite number; got {t}.")
    with np.errstate(divide="ignore"):
        log_w = (1 - t) * np.log(a.weights) + t * np.log(b.weights)
    w = np.exp(log_w - log_w.max())
    w /= w.sum()
    means = (1 - t) * a.means + t * b.means
    ca, cb = a.full_covariances(), b.full_covariances()
    cov = np.array([_expm((1 - t) * _logm(x) + t * _logm(y)) for x, y in zip(ca, cb, strict=True)])
    return make_params(w, means, (cov + cov.transpose(0, 2, 1)) / 2, "full")


def _logm(s):
    vals, vecs = np.linalg.eigh(s)
    return (vecs * np.log(vals)) @ vecs.T


def _expm(s):
    vals, vecs = np.linalg.eigh((s + s.T) / 2)
    return (vecs * np.exp(vals)) @ vecs.T
