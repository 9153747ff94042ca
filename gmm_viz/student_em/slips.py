"""The usual slips of a hand-written E-step and M-step, each with its hint.

When a student's half-step differs from the engine's, the numbers they gave are compared
with what each usual slip would give from the same inputs (the weights forgotten, N
instead of N_k, the old mean in the covariance, no log-sum-exp, ...). The first slip that
matches the whole table (every point, every component) names the mistake; none matching
gives no hint, never a guess.
"""

from __future__ import annotations

import numpy as np

from gmm_viz.em import GMMParams, component_log_densities
from gmm_viz.em.densities import _logsumexp_k

__all__ = ["e_step_hint", "m_step_hint"]

RTOL, ATOL = 1e-6, 1e-8

WEIGHTS_MISSING = (
    "the weights alpha_k are missing: weigh each component's density by its weight, "
    "alpha_k N(x_n | k), before you add them up"
)
ROWS = (
    "each point's responsibilities must add up to 1: divide by the sum over the components "
    "(along each row), not over the points"
)
NO_INVERSE = (
    "the exponent needs the inverse covariance, (x_n - mu_k)^T Sigma_k^-1 (x_n - mu_k) "
    "(np.linalg.inv or np.linalg.solve), not Sigma_k itself"
)
NO_DETERMINANT = (
    "the normal density lost its factor 1/sqrt(|Sigma_k|) (in logs, -log|Sigma_k| / 2)"
)
NO_LOG_SUM_EXP = (
    "point {n} is far from every component, so each of its densities underflows to 0 in "
    "float64 and 0/0 gives nan: work in logs, and subtract each point's largest "
    "log(alpha_k N(x_n | k)) before np.exp (log-sum-exp)"
)
NOT_FINITE = (
    "a number overflowed, or was 0/0: compute log(alpha_k N(x_n | k)) directly, and "
    "subtract each point's largest before np.exp (log-sum-exp)"
)


def _same(theirs, candidate):
    theirs, candidate = np.asarray(theirs, float), np.asarray(candidate, float)
    return theirs.shape == candidate.shape and bool(
        np.all(np.abs(theirs - candidate) <= ATOL + RTOL * np.abs(candidate))
    )


def _logsumexp(a):
    """log sum_k exp(a_nk) per row of an (N, K) array: the engine's log-sum-exp."""
    return _logsumexp_k(a.T)[0]


def _normalised(a):
    """exp(a_nk) / sum_j exp(a_nj) per row: the engine's responsibilities of ``a``."""
    return _logsumexp_k(a.T)[1].T


def _log_normal(X, means, matrices, log_dets):
    """log N(x | mu, .) with a given matrix in the exponent and given log-determinants."""
    d = X.shape[1]
    out = np.empty((X.shape[0], len(means)))
    for k, (mu, m) in enumerate(zip(means, matrices, strict=True)):
        diff = X - mu
        out[:, k] = -0.5 * (
            d * np.log(2 * np.pi) + log_dets[k] + np.einsum("ni,ij,nj->n", diff, m, diff)
        )
    return out


def _far_point(log_weighted):
    """The first point (1-based) whose weighted densities all underflow to 0, or None."""
    with np.errstate(under="ignore"):
        gone = np.flatnonzero(np.all(np.exp(log_weighted) == 0.0, axis=1))
    return int(gone[0]) + 1 if gone.size else None


def e_step_hint(X, params, responsibilities, log_likelihood, parameter):
    """The hint for an E-step whose ``parameter`` ("responsibility" or "log-likelihood")
    differs from the engine's, or "" when no usual slip matches."""
    params = GMMParams(params.weights, params.means, params.full_covariances(), "full")
    log_dens = component_log_densities(X, params)
    with np.errstate(divide="ignore"):
        log_w = np.log(params.weights)
    weighted = log_dens + log_w
    theirs = responsibilities if parameter == "responsibility" else log_likelihood
    if not np.all(np.isfinite(theirs)):
        n = _far_point(weighted)
        return NO_LOG_SUM_EXP.format(n=n) if n is not None else NOT_FINITE
    covs = params.full_covariances()
    log_dets = np.linalg.slogdet(covs)[1]
    no_inverse = _log_normal(X, params.means, covs, log_dets) + log_w
    no_det = weighted + 0.5 * log_dets
    if parameter == "responsibility":
        with np.errstate(all="ignore"):
            by_points = np.exp(weighted) / np.exp(weighted).sum(axis=0)
        candidates = [
            (_normalised(log_dens), WEIGHTS_MISSING),
            (_normalised(no_inverse), NO_INVERSE),
            (
                _normalised(no_det),
                NO_DETERMINANT + ": with different covariances it does not cancel",
            ),
            (by_points, ROWS),
        ]
        for candidate, hint in candidates:
            if _same(theirs, candidate):
                return hint
        if not np.allclose(np.sum(theirs, axis=1), 1.0, rtol=RTOL, atol=ATOL):
            return ROWS
        return ""
    n, d = X.shape
    total = float(_logsumexp(weighted).sum())
    candidates = [
        (float(_logsumexp(log_dens).sum()), WEIGHTS_MISSING),
        (total / n, "that is the mean over the points; the log-likelihood is their sum"),
        (total / np.log(10), "use the natural logarithm (np.log), not log10"),
        (
            float(weighted.sum()),
            "take the log of the sum over the components, sum_n log sum_k alpha_k N(x_n | k), "
            "not the sum of the logs",
        ),
        (
            total + 0.5 * n * d * np.log(2 * np.pi),
            "the normal density lost its factor (2 pi)^(-D/2)",
        ),
        (float(_logsumexp(no_det).sum()), NO_DETERMINANT),
        (float(_logsumexp(no_inverse).sum()), NO_INVERSE),
    ]
    for candidate, hint in candidates:
        if _same(theirs, candidate):
            return hint
    return ""


def _scatter(X, resp, centres):
    diff = X[None, :, :] - centres[:, None, :]
    return np.einsum("nk,kni,knj->kij", resp, diff, diff)


def m_step_hint(X, responsibilities, theirs, parameter, previous=None):
    """The hint for an M-step whose ``parameter`` ("weight", "mean" or "covariance")
    differs from the engine's, or "" when no usual slip matches.

    ``theirs`` is the student's (weights, means, covariances); ``previous``, the
    parameters the E-step used, lets the old mean and "nothing moved" be recognised.
    """
    r = responsibilities
    n, d = X.shape
    k = r.shape[1]
    nk = r.sum(axis=0)
    mu = r.T @ X / nk[:, None]
    weights, means, covariances = theirs
    if parameter == "weight":
        candidates = [
            (nk, "that is N_k, the component's soft count; its weight is its share, N_k / N"),
            (
                np.bincount(r.argmax(axis=1), minlength=k) / n,
                "that counts the points each component wins outright (a hard assignment): "
                "add up its responsibilities instead, N_k = sum_n beta_nk, and divide by N",
            ),
        ]
        if previous is not None:
            candidates.append((previous.weights, "the weights did not move: alpha_k = N_k / N"))
        value = weights
    elif parameter == "mean":
        candidates = [
            (r.T @ X / n, "divide by N_k = sum_n beta_nk, the component's soft count, not by N"),
            (r.T @ X, "that is the weighted sum sum_n beta_nk x_n: divide it by N_k"),
            (
                np.repeat(X.mean(axis=0)[None, :], k, axis=0),
                "that is the plain average of the points: weigh each point by its "
                "responsibility beta_nk",
            ),
        ]
        if previous is not None:
            candidates.append(
                (previous.means, "the means did not move: mu_k = sum_n beta_nk x_n / N_k")
            )
        value = means
    else:
        scatter = _scatter(X, r, mu)
        correct = scatter / nk[:, None, None]
        candidates = []
        if previous is not None:
            candidates.append(
                (
                    _scatter(X, r, previous.means) / nk[:, None, None],
                    "use the new mean mu_k, the one this M-step just computed, not the one "
                    "the E-step used",
                )
            )
        candidates += [
            (scatter / n, "divide by N_k = sum_n beta_nk, not by N"),
            (scatter, "divide the weighted sum of the (x_n - mu_k)(x_n - mu_k)^T by N_k"),
            (
                np.array([np.cov(X.T, aweights=r[:, j], ddof=1).reshape(d, d) for j in range(k)]),
                "np.cov with aweights= corrects for a sample (it divides by less than N_k) "
                "unless you pass bias=True: pass it, or divide by N_k yourself",
            ),
            (
                _scatter(X, np.ones_like(r), mu) / n,
                "weigh each point's (x_n - mu_k)(x_n - mu_k)^T by its responsibility beta_nk",
            ),
        ]
        if d > 1:
            candidates.append(
                (
                    correct * np.eye(d),
                    "only the variances are there: the full covariance keeps the off-diagonal "
                    "entries of sum_n beta_nk (x_n - mu_k)(x_n - mu_k)^T / N_k",
                )
            )
        else:
            candidates.append(
                (np.sqrt(correct), "that is a standard deviation; the M-step gives the variance")
            )
        if previous is not None:
            candidates.append((previous.full_covariances(), "the covariances did not move"))
        value = covariances
    for candidate, hint in candidates:
        with np.errstate(all="ignore"):
            if _same(value, candidate):
                return hint
    return ""
