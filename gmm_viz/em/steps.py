"""The E-step and the M-step as small pure functions: the readable EM a student studies.

:func:`e_step` gives the responsibilities and the log-likelihood of some parameters;
:func:`m_step` gives new parameters from the responsibilities (and the sufficient
statistics they came from). ``GaussianMixtureEM.fit`` runs the same two steps in a fast
blocked loop (:mod:`gmm_viz.em.loop`); the tests pin the two to each other.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from gmm_viz.em import covariance_types
from gmm_viz.em.densities import _component_log_densities, _logsumexp_k
from gmm_viz.em.floors import _EMPTY_MASS, _guard_covariances
from gmm_viz.em.notes import EMPTY, Note
from gmm_viz.em.params import (
    GMMParams,
    _as_params,
    _check_fixed,
    _check_reg_covar,
    _check_X,
)
from gmm_viz.em.units import _Scaling
from gmm_viz.errors import ParameterError

# Responsibility mass added to every N_k (as scikit-learn does) so that a component that
# lost all its points divides by a tiny number instead of zero.
_NK_FLOOR = 10.0 * np.finfo(float).eps


def e_step(X, params):
    """One E-step.

    Parameters
    ----------
    X : array-like of shape (N, D) or (N,)
    params : GMMParams or dict

    Returns
    -------
    responsibilities : ndarray of shape (N, K)
        ``r[n, k] = w_k N(x_n | k) / sum_j w_j N(x_n | j)``, computed in log space; each
        row depends on its own point only.
    log_likelihood : float
        Total log-likelihood ``sum_n log sum_k w_k N(x_n | k)`` of ``params``.
    """
    params = _as_params(params)
    X = _check_X(X)
    return _e_step(X, params, _Scaling.from_params(params))


def _e_step(X, params, scaling):
    """Responsibilities (N, K), log p(x_n) (N,) and their sum, in a given scaling."""
    log_dens = _component_log_densities(X, params, scaling).T
    with np.errstate(divide="ignore"):
        log_dens += np.log(params.weights)[:, None]
    log_norm, resp = _logsumexp_k(log_dens)
    return resp.T.copy(), float(log_norm.sum())


def _score_samples(X, params, scaling):
    """log p(x_n) for each point, (N,), in a given scaling."""
    log_dens = _component_log_densities(X, params, scaling).T
    with np.errstate(divide="ignore"):
        log_dens += np.log(params.weights)[:, None]
    return _logsumexp_k(log_dens)[0]


def log_likelihood(X, params):
    """Total log-likelihood ``sum_n log p(x_n)`` of the mixture ``params``."""
    return e_step(X, params)[1]


@dataclass(frozen=True)
class SufficientStatistics:
    """What an M-step computes from the responsibilities, in the data's units.

    Attributes
    ----------
    resp_sums : ndarray (K,)
        N_k = sum_n r_nk, the effective number of points of each component.
    weighted_sums : ndarray (K, D)
        sum_n r_nk x_n; the new mean is this divided by N_k.
    weighted_scatter : ndarray (K, D, D)
        sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T around the new mean; the new covariance is
        this divided by N_k (plus ``reg_covar``).
    n_samples : int
    """

    resp_sums: np.ndarray
    weighted_sums: np.ndarray
    weighted_scatter: np.ndarray
    n_samples: int


def m_step(X, responsibilities, covariance_type="full", reg_covar=0.0, fixed=(), previous=None):
    """One M-step: new parameters from the data and the responsibilities.

    Parameters
    ----------
    X : array-like of shape (N, D) or (N,)
    responsibilities : array-like of shape (N, K)
    covariance_type : {"full", "diag", "spherical", "tied"}
    reg_covar : float
        Added to the diagonal of every covariance, in the data's units.
    fixed : iterable of {"weights", "means", "covariances"}
        Parameters kept at their values in ``previous``.
    previous : GMMParams, optional
        Required when ``fixed`` is not empty.

    Returns
    -------
    params : GMMParams
    stats : SufficientStatistics
    notes : list of str
        Sentences about degenerate components (empty or collapsed), if any; a fit's
        history keeps them as records (:meth:`EMHistory.note_records`).
    """
    X = _check_X(X)
    resp = np.asarray(responsibilities, dtype=float)
    if resp.ndim != 2 or resp.shape[0] != X.shape[0]:
        raise ParameterError(
            f"Responsibilities must have shape (N, K) with N = {X.shape[0]}; "
            f"got shape {resp.shape}."
        )
    fixed = _check_fixed(fixed)
    if fixed and previous is None:
        raise ParameterError("Holding parameters fixed needs the previous parameters.")
    _check_reg_covar(reg_covar)
    covariance_types.get(covariance_type)  # one sentence for an unknown type
    scaling = _Scaling.fit(X, covariance_type)
    Xs = scaling.data(X)
    prev_std = scaling.to_std(_as_params(previous)) if previous is not None else None
    k = resp.shape[1]
    d = X.shape[1]
    center = prev_std.means if prev_std is not None else np.zeros((k, d))
    diff = Xs.T[None, :, :] - center[:, :, None]
    nk_raw = resp.sum(axis=0)
    s1 = resp.T @ Xs
    s2 = np.matmul(resp.T[:, None, :] * diff, diff.transpose(0, 2, 1))
    new_std, stats_std, notes = _m_step_from_sums(
        nk_raw,
        s1,
        s2,
        center,
        X.shape[0],
        covariance_type,
        reg_covar / scaling.scale**2,
        fixed,
        prev_std,
        scaling,
    )
    new = scaling.to_data(new_std)
    if fixed:
        # The round trip through standardised units may change a fixed value in its last
        # digit; a fixed parameter must come back exactly as it was given.
        prev = _as_params(previous)
        new = replace(new, **{name: getattr(prev, name).copy() for name in fixed})
    return new, _stats_to_data(stats_std, scaling), [str(note) for note in notes]


def _stats_to_data(stats, scaling):
    s = scaling.scale
    return SufficientStatistics(
        stats.resp_sums,
        stats.weighted_sums * s + stats.resp_sums[:, None] * scaling.shift,
        stats.weighted_scatter * np.outer(s, s),
        stats.n_samples,
    )


def _m_step_from_sums(
    nk_raw, s1, s2, center, n, covariance_type, reg_std, fixed, prev, scaling=None
):
    """The M-step in standardised units from the accumulated sums.

    ``s2`` is the weighted scatter around ``center`` (the previous means): accumulating
    around a point close to the new mean keeps the centred covariance update accurate.
    ``reg_std`` is ``reg_covar`` in standardised units, one value per column (D,), and
    ``scaling`` (the data's :class:`_Scaling`) tells how finely the data are resolved,
    which sets the variance floor.
    """
    k, d = s1.shape
    reg_std = np.broadcast_to(np.asarray(reg_std, dtype=float), (d,))
    notes = []
    nk = nk_raw + _NK_FLOOR
    if "weights" in fixed:
        weights = prev.weights.copy()
    else:
        weights = nk / nk.sum()
    if "means" in fixed:
        means = prev.means.copy()
    else:
        means = s1 / nk[:, None]
    shift = means - center
    # Scatter around the new means: sum r (x - m)(x - m)^T = s2 - N_k (m - c)(m - c)^T
    # (the cross terms vanish because m is the weighted mean; with fixed means m need not
    # be the weighted mean, so keep them).
    mean_resid = s1 - nk_raw[:, None] * center  # sum r (x - c)
    scatter = (
        s2
        - np.einsum("ki,kj->kij", mean_resid, shift)
        - np.einsum("ki,kj->kij", shift, mean_resid)
        + nk_raw[:, None, None] * np.einsum("ki,kj->kij", shift, shift)
    )
    scatter = 0.5 * (scatter + scatter.transpose(0, 2, 1))
    # The sums are taken around the previous means, so when a mean moved far compared with
    # its component's spread, rounding can leave a slightly negative variance; clip it.
    diag = np.arange(d)
    scatter[:, diag, diag] = np.maximum(scatter[:, diag, diag], 0.0)
    for j in np.flatnonzero(nk_raw < _EMPTY_MASS):
        notes.append(Note(EMPTY, int(j), float(nk_raw[j])))
    if "covariances" in fixed:
        covariances = prev.covariances.copy()
    else:
        # Each component's own spread first (reg_covar is added after the guard has
        # looked at it, so that "collapsed" describes the data, not the regularisation).
        raw = covariance_types.get(covariance_type).own_covariances(scatter, nk)
        covariances, collapse_notes = _guard_covariances(
            raw, covariance_type, reg_std, nk_raw, means, scaling
        )
        notes.extend(collapse_notes)
    params = GMMParams(weights, means, covariances, covariance_type)
    stats = SufficientStatistics(nk_raw.copy(), s1.copy(), scatter, n)
    return params, stats, notes
