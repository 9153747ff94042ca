"""Normal log densities of every point under every component, component-major (K x N).

Per parameter set the Cholesky factors and log-determinants are computed once; per point
only a triangular product and a square remain.
"""

from __future__ import annotations

import numpy as np

from gmm_viz.em.params import GMMParams, _as_params, _check_dimension, _check_X
from gmm_viz.em.units import _Scaling

_LOG_2PI = np.log(2.0 * np.pi)


def _cholesky_factors(params):
    """Inverse Cholesky factors (K, D, D) and log-determinants (K,) of the covariances."""
    full = params.full_covariances()
    chol = np.linalg.cholesky(full)
    k, d = params.means.shape
    inv_chol = np.linalg.solve(chol, np.broadcast_to(np.eye(d), (k, d, d)))
    log_det = 2.0 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
    return inv_chol, log_det


def _density_coefficients(params):
    """What log(w_k N(x | mu_k, Sigma_k)) needs, computed once per parameter set.

    Returns ``factor`` (K, D, D), the (lower-triangular) inverse Cholesky factors times
    sqrt(1/2), so that the squared norm of ``factor[k] @ (x - mu_k)`` is half the squared
    Mahalanobis distance, and ``const`` (K,) = log w_k - (D log(2 pi) + log det Sigma_k) / 2.
    """
    inv_chol, log_det = _cholesky_factors(params)
    d = inv_chol.shape[1]
    with np.errstate(divide="ignore"):
        log_w = np.log(params.weights)
    const = log_w - 0.5 * (d * _LOG_2PI + log_det)
    # The inverse of a lower-triangular factor is lower-triangular; drop the rounding noise
    # that the general (pivoting) solve can leave above the diagonal.
    return np.tril(inv_chol) * np.sqrt(0.5), const


def _half_mahalanobis_kn(Xt, means, factor, out, diff=None, work=None):
    """Half squared Mahalanobis distances (x_n - mu_k)^T Sigma_k^-1 (x_n - mu_k) / 2 into
    ``out`` (K, N); Xt is the data as D x N, ``factor`` from :func:`_density_coefficients`.

    ``diff`` (K, D, N), if given, receives x_n - mu_k (for D > 1 it is allocated when not
    given); ``work`` (K, D, N), if given, is scratch space for D > 1. D == 1 is a scaled
    square; for D > 1 a batched matmul (measured faster than explicit formulas even for
    D == 2). No temporaries of size N are made when the buffers are given.
    """
    k, d = means.shape
    if d == 1 and diff is None:
        np.subtract(Xt, means, out=out)
        out *= factor[:, 0, :]
        return np.square(out, out=out)
    if diff is None:
        diff = np.empty((k, d, Xt.shape[1]))
    np.subtract(Xt[None, :, :], means[:, :, None], out=diff)
    if d == 1:
        np.multiply(diff[:, 0, :], factor[:, 0, :], out=out)
        return np.square(out, out=out)
    y = np.matmul(factor, diff, out=work)
    np.square(y, out=y)
    if d == 2:
        return np.add(y[:, 0, :], y[:, 1, :], out=out)
    return np.sum(y, axis=1, out=out)


def _log_weighted_densities_kn(Xt, params, out=None, diff=None):
    """log(w_k N(x_n | mu_k, Sigma_k)) as a (K, N) array; Xt is the data as D x N.

    ``diff`` (K, D, N), if given, receives x_n - mu_k (the M-step reuses it).
    """
    factor, const = _density_coefficients(params)
    k = params.means.shape[0]
    if out is None:
        out = np.empty((k, Xt.shape[1]))
    _half_mahalanobis_kn(Xt, params.means, factor, out, diff)
    return np.subtract(const[:, None], out, out=out)


def _logsumexp_k(log_w_dens, out_resp=None):
    """Log of the column sums of exp(a) for a (K, N) array, and the responsibilities.

    A plain max-shift log-sum-exp; a column whose maximum is not finite is shifted by 0.
    """
    top = log_w_dens.max(axis=0)
    top[~np.isfinite(top)] = 0.0
    resp = np.subtract(log_w_dens, top, out=out_resp)
    np.exp(resp, out=resp)
    total = resp.sum(axis=0)
    # Every column sum is at least 1 (its largest term is exp(0)) unless it is all zeros, so
    # multiplying by the reciprocal is as good as dividing, and cheaper.
    resp *= np.reciprocal(total)
    log_norm = np.log(total, out=total)
    log_norm += top
    return log_norm, resp


def component_log_densities(X, params):
    """Log normal densities log N(x_n | mu_k, Sigma_k), an (N, K) array (unweighted).

    Each row depends on its own point only: the arithmetic's units come from ``params``,
    never from the other points passed with it.
    """
    params = _as_params(params)
    X = _check_X(X)
    return _component_log_densities(X, params, _Scaling.from_params(params))


def _component_log_densities(X, params, scaling):
    """:func:`component_log_densities` in the units of a given scaling (checked inputs)."""
    _check_dimension(X, params)
    sp = scaling.to_std(params)
    sp = GMMParams(np.ones(sp.n_components), sp.means, sp.covariances, sp.covariance_type)
    log_dens = _log_weighted_densities_kn(scaling.data(X).T, sp)
    return (log_dens - scaling.log_det).T


def component_densities(X, params):
    """Normal densities N(x_n | mu_k, Sigma_k) of each point under each component, (N, K)."""
    return np.exp(component_log_densities(X, params))
