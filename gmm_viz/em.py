"""Expectation-Maximization for Gaussian mixture models, in plain numpy.

This module is the engine of gmm_viz: it has no plotting imports. It offers

* small pure functions that a notebook can call one half-step at a time:
  :func:`component_log_densities`, :func:`component_densities`, :func:`e_step`,
  :func:`m_step`, :func:`log_likelihood`;
* :class:`GaussianMixtureEM`, an estimator with scikit-learn's conventions (``fit``,
  ``predict_proba``, ``means_``, ``covariances_``, ``weights_``, ``lower_bounds_``) whose
  ``history_`` records every half-step (:class:`EMHistory`);
* :func:`kmeans`, a small K-means of its own (used for initialisation and to compare hard
  with soft assignment), and :func:`sample_mixture`.

Conventions (as in scikit-learn): ``weights`` has shape (K,), ``means`` (K, D) and
``covariances`` is shaped by the covariance type: ``full`` (K, D, D), ``diag`` (K, D),
``spherical`` (K,), ``tied`` (D, D). ``reg_covar`` is added to the diagonal of every
covariance after each M-step, in the data's own units.

Internally the fit works on standardised data (each column's mean subtracted, divided by
that column's standard deviation; one common scale for the spherical type, whose single
variance must mean the same in every column) so that values near 1e150, a spread of 1e-9 or
columns in units 1e10 apart neither overflow nor lose digits; every number that leaves this
module is in the data's own units. Scoring new points uses the fit's units (the pure
functions use units taken from the parameters), so a point's result never depends on the
other points passed with it.
"""

from __future__ import annotations

import inspect
import warnings
from dataclasses import dataclass, field, replace

import numpy as np

from gmm_viz.errors import ConvergenceWarning, DataError, NotFittedError, ParameterError

__all__ = [
    "COVARIANCE_TYPES",
    "PARAMETER_NAMES",
    "EMHistory",
    "EStepRecord",
    "GMMParams",
    "GaussianMixtureEM",
    "KMeansResult",
    "MStepRecord",
    "component_densities",
    "component_log_densities",
    "covariances_from_full",
    "e_step",
    "full_covariances",
    "kmeans",
    "log_likelihood",
    "make_params",
    "m_step",
    "sample_mixture",
]

COVARIANCE_TYPES = ("full", "diag", "spherical", "tied")
PARAMETER_NAMES = ("weights", "means", "covariances")
INIT_METHODS = ("kmeans", "k-means++", "random_from_data", "random")
_LOG_2PI = np.log(2.0 * np.pi)
# Responsibility mass added to every N_k (as scikit-learn does) so that a component that
# lost all its points divides by a tiny number instead of zero.
_NK_FLOOR = 10.0 * np.finfo(float).eps
# A component with less than this much responsibility mass counts as empty.
_EMPTY_MASS = 1e-3
# Size of the fit loop's blocks over N, in floats per K x block buffer: a block holds
# _BLOCK // K points, so that the loop's few buffers stay in cache (tuned in
# benchmarks/bench_em.py: 8192 points for K = 8, more for smaller K).
_BLOCK = 65536
# Range of the data's spread (standard deviation of the widest column) that a fit accepts:
# its square, the unit of every variance, must be a normal floating-point number with room
# to spare.
_MIN_SCALE = 1e-140
_MAX_SCALE = 1e152


# --------------------------------------------------------------------------------------
# Parameters and covariance shapes
# --------------------------------------------------------------------------------------


def full_covariances(covariances, covariance_type, n_components, n_features):
    """Return covariances as a (K, D, D) array whatever their type.

    Parameters
    ----------
    covariances : ndarray
        Shaped per ``covariance_type`` as scikit-learn does.
    covariance_type : {"full", "diag", "spherical", "tied"}
    n_components, n_features : int

    Returns
    -------
    ndarray of shape (K, D, D)
    """
    c = np.asarray(covariances, dtype=float)
    k, d = n_components, n_features
    if covariance_type == "full":
        return c.reshape(k, d, d).copy()
    if covariance_type == "tied":
        return np.broadcast_to(c.reshape(d, d), (k, d, d)).copy()
    if covariance_type == "diag":
        c = c.reshape(k, d)
        out = np.zeros((k, d, d))
        out[:, np.arange(d), np.arange(d)] = c
        return out
    if covariance_type == "spherical":
        return c.reshape(k)[:, None, None] * np.eye(d)[None, :, :]
    raise ParameterError(_covariance_type_message(covariance_type))


def covariances_from_full(full, covariance_type, weights=None):
    """Convert (K, D, D) covariances to the shape of ``covariance_type``.

    ``diag`` keeps the diagonals, ``spherical`` the mean of each diagonal, and ``tied`` the
    weighted average of the K matrices (``weights`` default to uniform).
    """
    full = np.asarray(full, dtype=float)
    if full.ndim != 3 or full.shape[1] != full.shape[2]:
        raise ParameterError(
            f"Covariances must have shape (K, D, D); got shape {full.shape}; "
            "give one D x D matrix per component."
        )
    if covariance_type == "full":
        return full.copy()
    if covariance_type == "diag":
        return np.diagonal(full, axis1=1, axis2=2).copy()
    if covariance_type == "spherical":
        return np.diagonal(full, axis1=1, axis2=2).mean(axis=1)
    if covariance_type == "tied":
        k = full.shape[0]
        w = np.full(k, 1.0 / k) if weights is None else np.asarray(weights, dtype=float)
        return np.einsum("k,kij->ij", w / w.sum(), full)
    raise ParameterError(_covariance_type_message(covariance_type))


def _covariance_type_message(covariance_type):
    return (
        f"Unknown covariance type {covariance_type!r}; use one of {', '.join(COVARIANCE_TYPES)}."
    )


@dataclass(frozen=True)
class GMMParams:
    """The parameters of a Gaussian mixture, in the data's units.

    Attributes
    ----------
    weights : ndarray of shape (K,)
    means : ndarray of shape (K, D)
    covariances : ndarray shaped by ``covariance_type`` (see the module docstring)
    covariance_type : str
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    covariance_type: str = "full"

    @property
    def n_components(self):
        return self.means.shape[0]

    @property
    def n_features(self):
        return self.means.shape[1]

    def full_covariances(self):
        """Covariances as a (K, D, D) array, whatever the type."""
        return full_covariances(
            self.covariances, self.covariance_type, self.n_components, self.n_features
        )

    def copy(self):
        return GMMParams(
            self.weights.copy(), self.means.copy(), self.covariances.copy(), self.covariance_type
        )


def _as_params(params):
    if isinstance(params, GMMParams):
        return params
    if isinstance(params, dict):
        return make_params(**params)
    raise ParameterError(
        "Parameters must be a GMMParams or a dict of weights, means, covariances."
    )


def make_params(weights, means, covariances, covariance_type="full"):
    """Build and check :class:`GMMParams` from array-likes.

    1-D means (K,) are taken as K one-dimensional means. Raises :class:`ParameterError`
    with one sentence when shapes disagree, a weight is negative or the weights do not sum
    to 1, or a covariance is not symmetric positive definite.
    """
    if covariance_type not in COVARIANCE_TYPES:
        raise ParameterError(_covariance_type_message(covariance_type))
    means = np.asarray(means, dtype=float)
    if means.ndim == 1:
        means = means[:, None]
    if means.ndim != 2 or means.shape[0] < 1:
        raise ParameterError(f"Means must have shape (K, D); got shape {means.shape}.")
    k, d = means.shape
    weights = _check_weights(weights, k)
    covariances = _check_covariances(covariances, covariance_type, k, d)
    if not np.all(np.isfinite(means)):
        raise ParameterError("Every mean must be a finite number; remove NaN or inf.")
    return GMMParams(weights, means.copy(), covariances, covariance_type)


def _as_floats(value, what):
    """An array of floats, or one sentence saying why the value is not one."""
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(
            f"The {what} must be numbers in a regular array (every row the same length); "
            f"got {value!r:.60}."
        ) from None


def _check_weights(weights, k):
    w = _as_floats(weights, "weights").reshape(-1)
    if w.shape != (k,):
        raise ParameterError(f"Expected {k} weights, one per component; got {w.size}.")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ParameterError("Weights must be non-negative finite numbers.")
    if abs(w.sum() - 1.0) > 1e-6:
        raise ParameterError(
            f"Weights must sum to 1; they sum to {w.sum():.6g}. Divide each by their sum."
        )
    return w / w.sum()


def _expected_covariance_shape(covariance_type, k, d):
    return {"full": (k, d, d), "diag": (k, d), "spherical": (k,), "tied": (d, d)}[covariance_type]


def _check_means(means, k, d, what="means"):
    """Means as a (K, D) array: exactly that shape, or (K,) when D == 1."""
    m = _as_floats(means, what)
    if d == 1 and m.shape == (k,):
        m = m[:, None]
    if m.shape != (k, d):
        shorthand = f" (or {k} numbers, since D = 1)" if d == 1 else ""
        raise ParameterError(
            f"The {what} must have shape ({k}, {d}), one row of {d} number(s) per "
            f"component{shorthand}; got shape {m.shape}."
        )
    if not np.all(np.isfinite(m)):
        raise ParameterError(f"Every entry of the {what} must be a finite number.")
    return m.copy()


def _check_covariances(covariances, covariance_type, k, d, what="covariances"):
    c = _as_floats(covariances, what)
    expected = _expected_covariance_shape(covariance_type, k, d)
    if c.shape != expected:
        # The 1-D shorthand: K variances (or one, if tied) in any shape. In more dimensions
        # no other shape is guessed (a transposed array would be scrambled silently).
        if d == 1 and c.size == int(np.prod(expected)):
            c = c.reshape(expected)
        else:
            raise ParameterError(
                f"The {what} for covariance type {covariance_type!r} must have shape "
                f"{expected}; got shape {c.shape}."
            )
    if not np.all(np.isfinite(c)):
        raise ParameterError("Every covariance entry must be a finite number.")
    full = full_covariances(c, covariance_type, k, d)
    for j in range(k):
        if not np.allclose(full[j], full[j].T, rtol=1e-10, atol=0):
            raise ParameterError(f"The covariance of component {j + 1} is not symmetric.")
        variances = np.diagonal(full[j])
        if np.any(variances <= 0):
            raise ParameterError(
                f"Component {j + 1} has a variance of {variances.min():.6g}; "
                "every variance must be positive."
            )
        try:
            np.linalg.cholesky(full[j])
        except np.linalg.LinAlgError:
            raise ParameterError(
                f"The covariance of component {j + 1} is not positive definite; "
                "make its correlations smaller than 1 in absolute value."
            ) from None
    return c.copy()


# --------------------------------------------------------------------------------------
# Standardisation: the arithmetic runs on (X - shift) / scale
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scaling:
    """Units of the arithmetic: the fit works on (X - shift) / scale, column by column.

    ``scale`` has one entry per column, so that a column in much smaller units than
    another keeps all its digits (and its variance is never floored in the wide column's
    units). A spherical covariance is one number for all columns, so it needs one common
    scale: then every entry of ``scale`` is the same. Every covariance type keeps its
    structure under a per-column scale otherwise (a diagonal stays diagonal, a tied
    covariance stays shared).
    """

    shift: np.ndarray  # (D,)
    scale: np.ndarray  # (D,)

    @classmethod
    def fit(cls, X, covariance_type="full"):
        """Scaling from data: column means and standard deviations.

        Raises :class:`DataError` when a column's spread is too small or too large for its
        variance to be a normal double-precision number in the data's units.
        """
        return cls.fit_columns(np.ascontiguousarray(X.T), covariance_type)

    @classmethod
    def fit_columns(cls, Xt, covariance_type="full"):
        """:meth:`fit` from the data as D x N (rows are columns of the data): reductions
        along contiguous rows are many times faster than down the columns of an N x D
        array."""
        n = Xt.shape[1]
        shift = Xt.mean(axis=1)
        lo, hi = Xt.min(axis=1), Xt.max(axis=1)
        # A column of identical values has no spread at all (its rounded mean may differ
        # from the values in the last digit, a spread that would set a meaningless scale).
        constant = lo == hi
        shift[constant] = lo[constant]
        dev = np.maximum(hi - shift, shift - lo)
        # Scale by the largest absolute deviation first so that the std cannot overflow.
        safe = np.where(dev > 0, dev, 1.0)
        z = (Xt - shift[:, None]) / safe[:, None]
        std = np.sqrt(np.einsum("ij,ij->i", z, z) / n) * safe
        spread = np.where(constant | ~(std > 0), 0.0, std)
        for j in np.flatnonzero(spread > 0):
            if not _MIN_SCALE <= spread[j] <= _MAX_SCALE:
                column = f"column {j + 1}'s" if Xt.shape[0] > 1 else "data's"
                raise DataError(
                    f"The {column} spread (standard deviation {spread[j]:.3g}) is too "
                    f"{'small' if spread[j] < _MIN_SCALE else 'large'} to fit in double "
                    f"precision; rescale it to a spread between {_MIN_SCALE:.0e} and "
                    f"{_MAX_SCALE:.0e} (for example to standard units)."
                )
        return cls._from_spread(shift, spread, covariance_type)

    @classmethod
    def from_params(cls, params):
        """Scaling from a mixture's own parameters (the weighted mean of the means, and the
        widest spread of a component or of the means per column), so that evaluating a
        density needs nothing from the other points passed with it."""
        p = _as_params(params)
        shift = p.weights @ p.means
        variances = np.diagonal(p.full_covariances(), axis1=1, axis2=2)
        spread = np.maximum(np.sqrt(variances.max(axis=0)), np.abs(p.means - shift).max(axis=0))
        return cls._from_spread(shift, spread, p.covariance_type)

    @classmethod
    def _from_spread(cls, shift, spread, covariance_type):
        # A column without spread (constant data) borrows the widest column's scale, or
        # the size of its values when every column is constant.
        spread = np.asarray(spread, dtype=float)
        fallback = spread.max() if np.any(spread > 0) else np.abs(shift).max()
        if not fallback > 0:
            fallback = 1.0
        fallback = min(max(fallback, _MIN_SCALE), _MAX_SCALE)
        scale = np.where(spread > 0, spread, fallback)
        if covariance_type == "spherical":
            scale = np.full_like(scale, scale.max())
        return cls(np.asarray(shift, dtype=float), scale)

    @property
    def offset(self):
        """|shift| / scale per column: how far the data's origin is, in standardised
        units (it sets the rounding error of a standardised point)."""
        return np.abs(self.shift) / self.scale

    @property
    def log_det(self):
        """log |det diag(scale)|: log densities in the data's units are those in
        standardised units minus this."""
        return float(np.log(self.scale).sum())

    def data(self, X):
        return (X - self.shift) / self.scale

    def data_columns(self, Xt, out):
        """Standardise the data given as D x N into ``out`` (D x N)."""
        np.subtract(Xt, self.shift[:, None], out=out)
        out /= self.scale[:, None]
        return out

    def covariances_to_std(self, covariances, covariance_type):
        return _rescale_covariances(covariances, covariance_type, 1.0 / self.scale)

    def to_std(self, params):
        return GMMParams(
            params.weights.copy(),
            (params.means - self.shift) / self.scale,
            _rescale_covariances(params.covariances, params.covariance_type, 1.0 / self.scale),
            params.covariance_type,
        )

    def to_data(self, params):
        return GMMParams(
            params.weights.copy(),
            params.means * self.scale + self.shift,
            _rescale_covariances(params.covariances, params.covariance_type, self.scale),
            params.covariance_type,
        )


def _rescale_covariances(covariances, covariance_type, factor):
    """Covariances of the variables x * factor (factor per column, (D,))."""
    if covariance_type in ("full", "tied"):
        return covariances * np.outer(factor, factor)
    if covariance_type == "diag":
        return covariances * factor**2
    return covariances * factor[0] ** 2  # spherical: one common factor


# --------------------------------------------------------------------------------------
# Log densities (component-major: K x N)
# --------------------------------------------------------------------------------------


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


def _check_X(X):
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise DataError(f"Data must be a non-empty N x D array; got shape {X.shape}.")
    if not np.all(np.isfinite(X)):
        row = int(np.argwhere(~np.isfinite(X))[0][0])
        raise DataError(f"Row {row + 1} of the data is NaN or infinite; remove or fix it.")
    return X


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


def _check_dimension(X, params):
    if X.shape[1] != params.n_features:
        raise DataError(
            f"The data have {X.shape[1]} column(s) but the mixture has "
            f"{params.n_features}-dimensional components; give one column per dimension."
        )


def component_densities(X, params):
    """Normal densities N(x_n | mu_k, Sigma_k) of each point under each component, (N, K)."""
    return np.exp(component_log_densities(X, params))


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
        Sentences about degenerate components (empty or collapsed), if any.
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
    if covariance_type not in COVARIANCE_TYPES:
        raise ParameterError(_covariance_type_message(covariance_type))
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
    return new, _stats_to_data(stats_std, scaling), notes


def _check_fixed(fixed):
    if isinstance(fixed, str):
        fixed = (fixed,) if fixed else ()
    fixed = tuple(fixed)
    for name in fixed:
        if name not in PARAMETER_NAMES:
            raise ParameterError(
                f"Cannot hold {name!r} fixed; choose among {', '.join(PARAMETER_NAMES)}."
            )
    return frozenset(fixed)


def _check_reg_covar(reg_covar):
    if not np.isfinite(reg_covar) or reg_covar < 0:
        raise ParameterError(f"reg_covar must be a non-negative number; got {reg_covar}.")


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
        notes.append(
            f"Component {j + 1} has lost (almost) all its points (N_k = {nk_raw[j]:.3g}); "
            "its weight is shrinking to zero. Try fewer components or another start."
        )
    if "covariances" in fixed:
        covariances = prev.covariances.copy()
    else:
        # Each component's own spread first (reg_covar is added after the guard has
        # looked at it, so that "collapsed" describes the data, not the regularisation).
        if covariance_type == "tied":
            raw = scatter.sum(axis=0) / nk.sum()
        else:
            raw = scatter / nk[:, None, None]
        covariances, collapse_notes = _guard_covariances(
            raw, covariance_type, reg_std, nk_raw, means, scaling
        )
        notes.extend(collapse_notes)
    params = GMMParams(weights, means, covariances, covariance_type)
    stats = SufficientStatistics(nk_raw.copy(), s1.copy(), scatter, n)
    return params, stats, notes


# Floors that keep every covariance positive definite, in standardised units (where each
# column's variance in the data is 1). The floor of component k in column j is relative to
# where the component sits, (_FLOOR_SD * eps * (|mu_kj| + offset_j + _FLOOR_PLACE))^2: a
# standard deviation far above the rounding error of its mean (so that a collapsed
# component's mean moving by a rounding error cannot lower the likelihood), yet far below
# the spread of any cluster the data can resolve, so that a tight cluster next to a point
# far away, or a column in much smaller units than another, keeps its own variance.
# _TINY_VARIANCE keeps every variance a normal double once converted back to the data's
# units. A full (or tied) covariance's correlation matrix is kept at least
# _CORRELATION_FLOOR away from singular so that its Cholesky factor stays meaningful.
_FLOOR_SD = 1e5
_FLOOR_PLACE = 1e-4
_TINY_VARIANCE = 1e-280
_CORRELATION_FLOOR = 1e-12
# A component counts as collapsed when it needed the floor, or when its own variance
# (without reg_covar) is below _COLLAPSED_VARIANCE of the column's spread and below
# reg_covar in some direction (reg_covar then decides its size).
_COLLAPSED_VARIANCE = 1e-10


def _variance_floor(means, scaling):
    """Smallest variance of each component per column, (K, D), in standardised units."""
    eps = np.finfo(float).eps
    place = np.abs(means) + scaling.offset + _FLOOR_PLACE
    return np.maximum((_FLOOR_SD * eps * place) ** 2, _TINY_VARIANCE / scaling.scale**2)


def _guard_covariances(raw, covariance_type, reg_std, nk_raw, means, scaling):
    """Add reg_covar to each component's own covariance ``raw`` (K, D, D; (D, D) if
    tied), keep it positive definite, and explain any component that collapsed.

    Returns the covariances shaped for ``covariance_type`` and the notes.
    """
    notes = []
    k, d = means.shape
    if scaling is None:  # unit data: values of order 1 around the origin
        scaling = _Scaling(np.zeros(d), np.ones(d))
    floor = _variance_floor(means, scaling)
    if covariance_type == "tied":
        mats = raw[None]
        floor = floor.max(axis=0, keepdims=True)
    elif covariance_type == "full":
        mats = raw
    elif covariance_type == "diag":
        mats = np.diagonal(raw, axis1=1, axis2=2)[:, :, None] * np.eye(d)
    else:  # spherical: the mean variance, the same in every direction
        mats = np.diagonal(raw, axis1=1, axis2=2).mean(axis=1)[:, None, None] * np.eye(d)
        floor = np.broadcast_to(floor.max(axis=1, keepdims=True), (k, d))
    per_matrix = covariance_type in ("full", "tied") and d > 1
    # Smallest variance of each component's own spread, in any direction, relative to the
    # regularisation of that direction (per column, so compared on the correlation scale).
    raw_var = np.diagonal(mats, axis1=1, axis2=2)
    if per_matrix:
        inv_reg = 1.0 / np.sqrt(np.maximum(reg_std, _TINY_VARIANCE))
        rel = np.linalg.eigvalsh(mats * inv_reg[:, None] * inv_reg[None, :])[:, 0]
    else:
        rel = (raw_var / np.maximum(reg_std, _TINY_VARIANCE)).min(axis=1)
    raw_min = np.linalg.eigvalsh(mats)[:, 0] if per_matrix else raw_var.min(axis=1)
    mats = mats + reg_std * np.eye(d)
    var = np.diagonal(mats, axis1=1, axis2=2)
    bump = np.maximum(floor - var, 0.0)
    if per_matrix:
        var_b = var + bump
        inv_sd = 1.0 / np.sqrt(var_b)
        corr = (mats + bump[:, :, None] * np.eye(d)) * inv_sd[:, :, None] * inv_sd[:, None, :]
        lam_min = np.linalg.eigvalsh(corr)[:, 0]
        # Adding delta * var_b to the diagonal gives a correlation matrix whose smallest
        # eigenvalue is (lam_min + delta) / (1 + delta); the extra floor * (1 + delta) keeps
        # it above the floor even when delta is large (a scatter of pure rounding noise,
        # with correlations far outside [-1, 1]).
        delta = np.maximum(_CORRELATION_FLOOR - lam_min, 0.0)
        delta = np.where(delta > 0, delta + _CORRELATION_FLOOR * (1.0 + delta), 0.0)
        bump = bump + delta[:, None] * var_b
        # The floor also holds for every eigenvalue, not only the diagonal: a component on
        # a single point must not get a variance (in some direction) below the rounding
        # error of its own mean. With S = diag(sqrt(var_b)), C the correlation matrix and
        # F = diag(floor), S C S >= F exactly when C - S^-1 F S^-1 >= 0; that matrix is of
        # order 1, so its eigenvalues are accurate even when the variances range from huge
        # to tiny (those of S C S would not be).
        slack = np.linalg.eigvalsh(
            corr + (delta[:, None] - floor / var_b)[:, :, None] * np.eye(d)
        )[:, 0]
        bump = bump + np.maximum(-slack, 0.0)[:, None] * var_b
    floored = np.any(bump > 0, axis=1)
    mats = mats + bump[:, :, None] * np.eye(d)
    if covariance_type == "tied":
        covariances = mats[0]
    elif covariance_type == "full":
        covariances = mats
    elif covariance_type == "diag":
        covariances = np.diagonal(mats, axis1=1, axis2=2).copy()
    else:
        covariances = mats[:, 0, 0].copy()
    # Collapsed: see _COLLAPSED_VARIANCE.
    collapsed = floored | ((raw_min < _COLLAPSED_VARIANCE) & (rel < 1.0))
    if covariance_type != "tied":
        for j in range(k):
            if nk_raw[j] < _EMPTY_MASS:
                continue  # an empty component has its own note
            if collapsed[j]:
                notes.append(
                    f"Component {j + 1} has collapsed onto a single point or line "
                    "(its variance is almost zero, so its likelihood can grow without "
                    "bound); increase reg_covar, use fewer components or try another start."
                )
    elif collapsed[0]:
        notes.append(
            "The shared (tied) covariance has collapsed to almost zero; "
            "increase reg_covar or check that the data have some spread."
        )
    return covariances, notes


# --------------------------------------------------------------------------------------
# K-means (hard assignment), used to initialise and to compare with EM
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KMeansResult:
    """Result of :func:`kmeans`.

    Attributes
    ----------
    centers : ndarray (K, D)
    labels : ndarray (N,)
    inertia : float
        Sum of squared distances of points to their center.
    history : list of ndarray (K, D)
        The centers at the start and after each iteration.
    n_iter : int
    """

    centers: np.ndarray
    labels: np.ndarray
    inertia: float
    history: list
    n_iter: int


def _sq_distances(X, centers):
    """Squared distances, (K, N), computed as differences (no cancellation)."""
    out = np.zeros((centers.shape[0], X.shape[0]))
    for j in range(X.shape[1]):
        dj = X[None, :, j] - centers[:, None, j]
        out += dj * dj
    return out


def _kmeans_plusplus(X, n_clusters, rng):
    n = X.shape[0]
    centers = np.empty((n_clusters, X.shape[1]))
    centers[0] = X[rng.integers(n)]
    closest = _sq_distances(X, centers[:1])[0]
    for c in range(1, n_clusters):
        total = closest.sum()
        if total <= 0:
            idx = rng.integers(n)
        else:
            idx = int(np.searchsorted(np.cumsum(closest), rng.random() * total))
            idx = min(idx, n - 1)
        centers[c] = X[idx]
        np.minimum(closest, _sq_distances(X, centers[c : c + 1])[0], out=closest)
    return centers


def kmeans(X, n_clusters, *, init="k-means++", max_iter=100, tol=1e-10, random_state=None):
    """Lloyd's K-means with hard assignment.

    Parameters
    ----------
    X : array-like (N, D) or (N,)
    n_clusters : int
    init : "k-means++", "random" or an array of initial centers (K, D)
    max_iter : int
    tol : float
        Stop when no center moves more than ``tol`` (in the data's units, squared).
    random_state : int, numpy Generator or None

    Returns
    -------
    KMeansResult
    """
    X = _check_X(X)
    rng = np.random.default_rng(random_state)
    if isinstance(init, str):
        if init == "k-means++":
            centers = _kmeans_plusplus(X, n_clusters, rng)
        elif init == "random":
            centers = X[rng.choice(X.shape[0], n_clusters, replace=False)].copy()
        else:
            raise ParameterError(f"Unknown K-means init {init!r}; use 'k-means++' or 'random'.")
    else:
        centers = np.array(init, dtype=float).reshape(n_clusters, X.shape[1])
    history = [centers.copy()]
    labels = np.zeros(X.shape[0], dtype=int)
    for _ in range(max_iter):
        dist = _sq_distances(X, centers)
        labels = dist.argmin(axis=0)
        new = centers.copy()
        for c in range(n_clusters):
            members = labels == c
            if members.any():
                new[c] = X[members].mean(axis=0)
            else:
                # An empty cluster takes the point farthest from its center.
                far = int(dist[labels, np.arange(X.shape[0])].argmax())
                new[c] = X[far]
                labels[far] = c
        shift = float(((new - centers) ** 2).sum(axis=1).max())
        centers = new
        history.append(centers.copy())
        if shift <= tol:
            break
    n_iter = len(history) - 1
    dist = _sq_distances(X, centers)
    labels = dist.argmin(axis=0)
    inertia = float(dist[labels, np.arange(X.shape[0])].sum())
    return KMeansResult(centers, labels, inertia, history, n_iter)


# --------------------------------------------------------------------------------------
# Sampling
# --------------------------------------------------------------------------------------


def sample_mixture(weights, means, covariances, n_samples, random_state=None):
    """Draw points from a Gaussian mixture: pick a component with probability w_k, then a
    point from its normal distribution.

    Parameters
    ----------
    weights : (K,)
    means : (K, D) or (K,)
    covariances : (K, D, D) full covariances (or (K,) variances in 1-D)
    n_samples : int
    random_state : int, Generator or None

    Returns
    -------
    X : ndarray (n_samples, D)
    labels : ndarray (n_samples,) of the component each point came from
    """
    means = np.asarray(means, dtype=float)
    if means.ndim == 1:
        means = means[:, None]
    k, d = means.shape
    cov = np.asarray(covariances, dtype=float)
    if cov.shape != (k, d, d):
        cov = full_covariances(cov, "spherical" if cov.shape == (k,) else "full", k, d)
    weights = _check_weights(weights, k)
    if not _is_whole(n_samples) or n_samples < 0:
        raise ParameterError(
            f"The number of samples must be a whole number of at least 0; got {n_samples!r}."
        )
    rng = np.random.default_rng(random_state)
    labels = rng.choice(k, size=int(n_samples), p=weights)
    chol = np.linalg.cholesky(cov)
    z = rng.standard_normal((int(n_samples), d))
    X = means[labels] + np.einsum("nij,nj->ni", chol[labels], z)
    return X, labels


# --------------------------------------------------------------------------------------
# The half-step history
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EStepRecord:
    """An E-step: the parameters entering it and their log-likelihood.

    The responsibilities are not stored (that would be N x K per step); recompute them
    with :meth:`EMHistory.responsibilities`.
    """

    iteration: int
    params: GMMParams
    log_likelihood: float
    mean_log_likelihood: float


@dataclass(frozen=True)
class MStepRecord:
    """An M-step: the new parameters, the statistics they came from, and any notes."""

    iteration: int
    params: GMMParams
    stats: SufficientStatistics
    log_likelihood: float
    mean_log_likelihood: float
    notes: tuple = ()


@dataclass
class EMHistory:
    """Every half-step of one EM run, for scrubbing back and forth.

    Half-step 0 is the start, then 1 = E-step 1, 2 = M-step 1, 3 = E-step 2, ...
    Memory is O(iterations x K x D^2): parameters and statistics only.
    """

    initial: GMMParams
    initial_log_likelihood: float
    e_steps: list = field(default_factory=list)
    m_steps: list = field(default_factory=list)
    converged: bool = False
    init_notes: tuple = ()

    @property
    def n_iter(self):
        return len(self.m_steps)

    @property
    def n_steps(self):
        """Number of half-steps, counting the start: 1 + 2 x iterations."""
        return 1 + 2 * len(self.m_steps)

    def phase(self, step):
        """ "init", "E" or "M" for half-step ``step``."""
        step = self._check_step(step)
        return "init" if step == 0 else ("E" if step % 2 == 1 else "M")

    def iteration(self, step):
        """The EM iteration a half-step belongs to (0 for the start)."""
        step = self._check_step(step)
        return (step + 1) // 2

    def params(self, step):
        """Parameters shown at half-step ``step``: the start, the parameters entering an
        E-step (it does not change them), or the parameters an M-step produced."""
        step = self._check_step(step)
        if step == 0:
            return self.initial
        record = self.e_steps if step % 2 == 1 else self.m_steps
        return record[(step - 1) // 2].params

    def log_likelihood(self, step):
        """Total log-likelihood of the parameters shown at half-step ``step``."""
        step = self._check_step(step)
        if step == 0:
            return self.initial_log_likelihood
        record = self.e_steps if step % 2 == 1 else self.m_steps
        return record[(step - 1) // 2].log_likelihood

    def log_likelihoods(self):
        """Total log-likelihood at every half-step, an array of length ``n_steps``."""
        return np.array([self.log_likelihood(s) for s in range(self.n_steps)])

    def responsibilities(self, step, X):
        """Responsibilities (N, K) at half-step ``step``: those the E-step computed (an
        M-step shows the ones it used); None at the start, before any E-step."""
        step = self._check_step(step)
        if step == 0:
            return None
        return e_step(X, self.e_steps[(step - 1) // 2].params)[0]

    def stats(self, step):
        """Sufficient statistics of the M-step at ``step`` (None for other half-steps)."""
        step = self._check_step(step)
        if step == 0 or step % 2 == 1:
            return None
        return self.m_steps[step // 2 - 1].stats

    def notes(self, step=None):
        """Notes on degenerate components: all of them, or those of one half-step."""
        if step is None:
            out = list(self.init_notes)
            for m in self.m_steps:
                out.extend(f"Iteration {m.iteration}: {t}" for t in m.notes)
            return out
        step = self._check_step(step)
        if step == 0:
            return list(self.init_notes)
        if step % 2 == 0:
            return list(self.m_steps[step // 2 - 1].notes)
        return []

    def _check_step(self, step):
        step = int(step)
        if not 0 <= step < self.n_steps:
            raise ParameterError(
                f"Half-step {step} does not exist; choose one from 0 to {self.n_steps - 1}."
            )
        return step


# --------------------------------------------------------------------------------------
# The estimator
# --------------------------------------------------------------------------------------


class GaussianMixtureEM:
    """Gaussian mixture fitted by EM, with scikit-learn's conventions and a half-step
    history.

    A drop-in for scikit-learn code: ``get_params``/``set_params`` follow scikit-learn's
    semantics, so ``sklearn.base.clone``, ``GridSearchCV`` and ``Pipeline`` work (gmm_viz
    itself never imports scikit-learn).

    Parameters
    ----------
    n_components : int
    covariance_type : {"full", "diag", "spherical", "tied"}
    tol : float
        Stop when the mean per-sample log-likelihood changes by less than ``tol``.
        ``tol=0`` runs exactly ``max_iter`` iterations (and then gives no warning).
    reg_covar : float
        Added to the covariance diagonals after each M-step, in the data's units.
    max_iter : int
    n_init : int
        Number of starts; the one with the highest final log-likelihood is kept.
    init_params : {"kmeans", "k-means++", "random_from_data", "random"}
        How to start the parameters that are not given explicitly.
    weights_init, means_init, covariances_init : array-like, optional
        Explicit starting values: weights (K,), means (K, D) (or (K,) in 1-D), covariances
        shaped like ``covariances_`` (in 1-D, K variances for any per-component type).
    fixed : iterable of {"weights", "means", "covariances"}
        Parameters held at their initial values. ``fixed=("weights", "covariances")`` with
        variances 1 and weights 1/K is the "means only" model.
    warm_start : bool
        If True, a second ``fit`` starts from the solution of the first (``n_init`` is then
        ignored) and ``history_`` continues where it stopped: "ten more iterations". When
        K, D or the covariance type changed in between, the fit starts afresh.
    random_state : int, numpy Generator or None

    Attributes
    ----------
    weights_, means_, covariances_ : fitted parameters
        In the input's floating-point type: float32 data give float32 parameters, as in
        scikit-learn. The arithmetic itself always runs in float64 (the history is float64).
    precisions_, precisions_cholesky_ : ndarray
        Inverses of the covariances and their Cholesky factors, in scikit-learn's shapes
        (computed from ``covariances_``).
    converged_ : bool
    n_iter_ : int
        Iterations of the last ``fit`` call.
    lower_bounds_ : list of float
        Mean per-sample log-likelihood of the parameters entering each iteration's E-step
        (the whole history with ``warm_start``).
    lower_bound_ : float
        The last entry of ``lower_bounds_``.
    n_features_in_ : int
    history_ : EMHistory

    Warns
    -----
    ConvergenceWarning
        When ``fit`` stops at ``max_iter`` (with ``tol > 0``) before converging.
    """

    def __init__(
        self,
        n_components=1,
        *,
        covariance_type="full",
        tol=1e-3,
        reg_covar=1e-6,
        max_iter=100,
        n_init=1,
        init_params="kmeans",
        weights_init=None,
        means_init=None,
        covariances_init=None,
        fixed=(),
        warm_start=False,
        random_state=None,
    ):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.covariances_init = covariances_init
        self.fixed = fixed
        self.warm_start = warm_start
        self.random_state = random_state

    # -- scikit-learn's estimator protocol ---------------------------------------------

    @classmethod
    def _get_param_names(cls):
        signature = inspect.signature(cls.__init__)
        return sorted(p.name for p in signature.parameters.values() if p.name != "self")

    def get_params(self, deep=True):
        """The constructor's parameters as a dict (``deep`` is accepted for scikit-learn;
        no parameter is itself an estimator)."""
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params):
        """Set constructor parameters by name; returns the estimator."""
        valid = self._get_param_names()
        for name, value in params.items():
            if name not in valid:
                raise ParameterError(
                    f"GaussianMixtureEM has no parameter {name!r}; use one of {', '.join(valid)}."
                )
            setattr(self, name, value)
        return self

    def __sklearn_tags__(self):
        # Only scikit-learn calls this (so it is importable then); gmm_viz never imports it.
        from sklearn.utils import Tags, TargetTags

        return Tags(estimator_type="density_estimator", target_tags=TargetTags(required=False))

    def __repr__(self):
        defaults = inspect.signature(type(self).__init__).parameters
        shown = []
        for name, value in self.get_params().items():
            default = defaults[name].default
            same = value is default or (
                type(value) is type(default) and not hasattr(value, "__len__") and value == default
            )
            if not same and not (name == "fixed" and not value):
                shown.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"

    # -- validation ---------------------------------------------------------------------

    def _check_parameters(self, X):
        k = self.n_components
        if not _is_whole(k) or k < 1:
            raise ParameterError(
                f"The number of components must be a whole number of at least 1; got {k!r}."
            )
        n = X.shape[0]
        n_distinct = _distinct_rows_below(X, k)
        if n_distinct is not None:
            raise DataError(
                f"There are {n_distinct} distinct points but {k} components were asked for; "
                f"use at most {n_distinct} components or add data."
            )
        if self.covariance_type not in COVARIANCE_TYPES:
            raise ParameterError(_covariance_type_message(self.covariance_type))
        tol = self.tol
        if isinstance(tol, bool) or not isinstance(tol, (int, float, np.number)) or tol < 0:
            raise ParameterError(f"tol must be a non-negative number; got {tol!r}.")
        _check_reg_covar(self.reg_covar)
        if not _is_whole(self.max_iter) or self.max_iter < 0:
            raise ParameterError(
                f"max_iter must be a whole number of at least 0; got {self.max_iter!r}."
            )
        if not _is_whole(self.n_init) or self.n_init < 1:
            raise ParameterError(
                f"n_init must be a whole number of at least 1; got {self.n_init!r}."
            )
        if self.init_params not in INIT_METHODS:
            raise ParameterError(
                f"Unknown initialisation {self.init_params!r}; "
                f"use one of {', '.join(INIT_METHODS)}."
            )
        rs = self.random_state
        if not (rs is None or (_is_whole(rs) and rs >= 0) or isinstance(rs, np.random.Generator)):
            raise ParameterError(
                f"random_state must be None, a whole number of at least 0 or a numpy "
                f"Generator; got {rs!r}."
            )
        return n, _check_fixed(self.fixed)

    def _given_initial_values(self, d):
        """The explicit initial values, checked, exactly as given (data units)."""
        k = self.n_components
        values = {}
        if self.weights_init is not None:
            values["weights"] = _check_weights(self.weights_init, k)
        if self.means_init is not None:
            values["means"] = _check_means(self.means_init, k, d, "initial means (means_init)")
        if self.covariances_init is not None:
            values["covariances"] = _check_covariances(
                self.covariances_init, self.covariance_type, k, d, "covariances_init"
            )
        return values

    # -- initialisation -----------------------------------------------------------------

    def _initial_params(self, Xs, scaling, rng, given):
        """Starting parameters in standardised units, and notes; ``given`` holds the
        explicit initial values (data units), which replace what the method chose."""
        k = self.n_components
        n, d = Xs.shape
        reg_std = self.reg_covar / scaling.scale**2
        method = self.init_params
        centers = None
        if len(given) == len(PARAMETER_NAMES):
            # Nothing to choose: skip the initialisation method and its pass over the data
            # (the placeholders below are all replaced by the given values).
            placeholder = covariances_from_full(
                np.broadcast_to(np.eye(d), (k, d, d)), self.covariance_type
            )
            params = GMMParams(
                np.full(k, 1.0 / k), np.zeros((k, d)), placeholder, self.covariance_type
            )
            notes = []
        else:
            if method == "random":
                resp = rng.uniform(size=(n, k))
                resp /= resp.sum(axis=1, keepdims=True)
            else:
                # K-means measures distances in the data's own geometry (as scikit-learn
                # does), not in per-column standard units: one common scale for it.
                ratio = scaling.scale / scaling.scale.max()
                Xg = Xs * ratio
                if method == "kmeans":
                    centers = kmeans(Xg, k, random_state=rng, max_iter=100).centers
                elif method == "k-means++":
                    centers = _kmeans_plusplus(Xg, k, rng)
                else:  # random_from_data
                    centers = Xg[rng.choice(n, size=k, replace=False)].copy()
                labels = _sq_distances(Xg, centers).argmin(axis=0)
                centers = centers / ratio  # exact when all columns share one scale
                resp = np.zeros((n, k))
                resp[np.arange(n), labels] = 1.0
            nk = resp.sum(axis=0)
            s1 = resp.T @ Xs
            # Scatter around each component's own weighted mean (two-pass, as in the
            # M-step), so that a start on identical points has an exactly zero scatter;
            # in blocks of points so that no K x D x N array is ever made.
            center = s1 / np.maximum(nk, _NK_FLOOR)[:, None]
            s2 = np.zeros((k, d, d))
            step = max(1, _BLOCK // k)
            for start in range(0, n, step):
                xb, rb = Xs[start : start + step], resp[start : start + step]
                diff = xb.T[None, :, :] - center[:, :, None]
                s2 += np.matmul(rb.T[:, None, :] * diff, diff.transpose(0, 2, 1))
            params, _, notes = _m_step_from_sums(
                nk,
                s1,
                s2,
                center,
                n,
                self.covariance_type,
                reg_std,
                frozenset(),
                None,
                scaling,
            )
        if centers is not None:
            # Start the means exactly on the chosen centers (a K-means center, or a point).
            params = replace(params, means=centers)
        if "weights" in given:
            params = replace(params, weights=given["weights"].copy())
        if "means" in given:
            params = replace(params, means=(given["means"] - scaling.shift) / scaling.scale)
        if "covariances" in given:
            cov = scaling.covariances_to_std(given["covariances"], self.covariance_type)
            params = replace(params, covariances=cov)
        return params, tuple(notes)

    def _warm_start_values(self, d):
        """The last fit's parameters (data units) when ``warm_start`` can continue it."""
        if not (self.warm_start and hasattr(self, "history_")):
            return None
        last = self.history_.params(self.history_.n_steps - 1)
        if (
            last.n_components != self.n_components
            or last.n_features != d
            or last.covariance_type != self.covariance_type
        ):
            return None
        return {
            "weights": np.asarray(self.weights_, dtype=float).copy(),
            "means": np.asarray(self.means_, dtype=float).copy(),
            "covariances": np.asarray(self.covariances_, dtype=float).copy(),
        }

    # -- fitting ------------------------------------------------------------------------

    def fit(self, X, y=None, *, progress=None):
        """Fit the mixture to X (N x D, or N values) by EM, recording every half-step.

        Parameters
        ----------
        X : array-like (N, D) or (N,)
        y : ignored
        progress : callable, optional
            Called as ``progress(fraction)`` with a number in [0, 1] as the fit advances
            (over restarts and iterations), so an interface can show a progress bar.

        Returns
        -------
        self

        Warns
        -----
        ConvergenceWarning
            When ``tol > 0`` and the fit stopped at ``max_iter`` before converging.
        """
        dtype = _result_dtype(X)
        X = _check_X(X)
        n, fixed = self._check_parameters(X)
        d = X.shape[1]
        Xt = np.ascontiguousarray(X.T)
        scaling = _Scaling.fit_columns(Xt, self.covariance_type)
        # The standardised data as (D + 1) x N with a row of ones on top (see _run_em); the
        # initialisation reads its N x D view.
        Xa = np.empty((d + 1, n))
        Xa[0] = 1.0
        scaling.data_columns(Xt, Xa[1:])
        del Xt
        Xs = Xa[1:].T
        rng = np.random.default_rng(self.random_state)
        warm = self._warm_start_values(d)
        if warm is not None:
            given, n_init, previous = warm, 1, self.history_
        else:
            given, n_init, previous = self._given_initial_values(d), self.n_init, None
        best = None
        for start in range(n_init):
            init, init_notes = self._initial_params(Xs, scaling, rng, given)
            on_iteration = None
            if progress is not None:

                def on_iteration(it, start=start):
                    progress((start + it / max(self.max_iter, 1)) / n_init)

            run = _run_em(
                Xa,
                init,
                scaling,
                self.covariance_type,
                self.reg_covar / scaling.scale**2,
                fixed,
                self.tol,
                self.max_iter,
                on_iteration,
                given,
                previous,
            )
            if previous is None:
                run.history.init_notes = init_notes
            if best is None or run.final_mean_ll > best.final_mean_ll:
                best = run
        if progress is not None:
            progress(1.0)
        history = best.history
        final = history.params(history.n_steps - 1)
        self.weights_ = final.weights.astype(dtype)
        self.means_ = final.means.astype(dtype)
        self.covariances_ = final.covariances.astype(dtype)
        self.converged_ = history.converged
        self.n_iter_ = best.n_iter
        self.lower_bounds_ = [float(e.mean_log_likelihood) for e in history.e_steps]
        self.lower_bound_ = self.lower_bounds_[-1] if self.lower_bounds_ else best.final_mean_ll
        self.history_ = history
        self.n_features_in_ = d
        self._scaling = scaling
        if not history.converged and self.tol > 0 and self.max_iter > 0:
            warnings.warn(
                f"EM stopped after max_iter = {self.max_iter} iterations before the mean "
                f"log-likelihood changed by less than tol = {self.tol:g}; raise max_iter, "
                "raise tol, or fit again with warm_start=True to continue.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    def fit_predict(self, X, y=None):
        """Fit, then return the most responsible component of each point."""
        return self.fit(X).predict(X)

    # -- using the fit ------------------------------------------------------------------

    @property
    def params_(self):
        """The fitted parameters as :class:`GMMParams` (float64)."""
        self._check_fitted()
        return GMMParams(
            np.asarray(self.weights_, dtype=float),
            np.asarray(self.means_, dtype=float),
            np.asarray(self.covariances_, dtype=float),
            self.covariance_type,
        )

    @property
    def precisions_cholesky_(self):
        """Cholesky factors of the precisions, as scikit-learn defines them: P = U U^T
        with U upper-triangular ((K, D, D) full, (D, D) tied), or 1 / sqrt(variance)."""
        self._check_fitted()
        cov = np.asarray(self.covariances_, dtype=float)
        dtype = np.asarray(self.covariances_).dtype
        if self.covariance_type in ("diag", "spherical"):
            return (1.0 / np.sqrt(cov)).astype(dtype)
        mats = cov[None] if self.covariance_type == "tied" else cov
        chol = np.linalg.cholesky(mats)
        eye = np.broadcast_to(np.eye(mats.shape[-1]), mats.shape)
        out = np.linalg.solve(chol, eye).transpose(0, 2, 1)
        return (out[0] if self.covariance_type == "tied" else out).astype(dtype)

    @property
    def precisions_(self):
        """Inverses of the covariances (scikit-learn's shapes), from ``covariances_``."""
        u = np.asarray(self.precisions_cholesky_, dtype=float)
        dtype = np.asarray(self.covariances_).dtype
        if self.covariance_type in ("diag", "spherical"):
            return (u**2).astype(dtype)
        return np.matmul(u, np.swapaxes(u, -1, -2)).astype(dtype)

    def _check_fitted(self):
        if not hasattr(self, "history_"):
            raise NotFittedError(
                "This GaussianMixtureEM is not fitted yet; call fit(X) before using it."
            )

    def _check_X_fitted(self, X):
        self._check_fitted()
        X = _check_X(X)
        if X.shape[1] != self.n_features_in_:
            raise DataError(
                f"The model was fitted on {self.n_features_in_} column(s) but the data have "
                f"{X.shape[1]}."
            )
        return X

    def _units(self):
        # The fit's own units, so that a point's score never depends on the other points
        # passed with it (a model put together by hand falls back to its parameters').
        return getattr(self, "_scaling", None) or _Scaling.from_params(self.params_)

    def predict_proba(self, X):
        """Responsibilities (N, K) of the fitted components for each point."""
        X = self._check_X_fitted(X)
        return _e_step(X, self.params_, self._units())[0]

    def predict(self, X):
        """The most responsible component of each point."""
        return self.predict_proba(X).argmax(axis=1)

    def score_samples(self, X):
        """log p(x_n) under the fitted mixture, one value per point."""
        X = self._check_X_fitted(X)
        return _score_samples(X, self.params_, self._units())

    def score(self, X, y=None):
        """Mean per-sample log-likelihood of X."""
        return float(np.mean(self.score_samples(X)))

    def _n_parameters(self):
        k, d = self.means_.shape
        cov = {
            "full": k * d * (d + 1) / 2.0,
            "diag": k * d,
            "spherical": k,
            "tied": d * (d + 1) / 2.0,
        }[self.covariance_type]
        return int(cov + k * d + k - 1)

    def bic(self, X):
        """Bayesian information criterion (lower is better)."""
        X = self._check_X_fitted(X)
        return -2 * self.score(X) * X.shape[0] + self._n_parameters() * np.log(X.shape[0])

    def aic(self, X):
        """Akaike information criterion (lower is better)."""
        X = self._check_X_fitted(X)
        return -2 * self.score(X) * X.shape[0] + 2 * self._n_parameters()

    def sample(self, n_samples=1, random_state=None):
        """Draw points from the fitted mixture (the generative story of the model).

        Returns
        -------
        X : ndarray (n_samples, D)
        labels : ndarray (n_samples,)
        """
        self._check_fitted()
        rs = self.random_state if random_state is None else random_state
        return sample_mixture(
            self.weights_, self.means_, self.params_.full_covariances(), n_samples, rs
        )


def _is_whole(value):
    """A Python or numpy integer (not a bool, not a float)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _result_dtype(X):
    """float32 input gives float32 fitted parameters (as in scikit-learn); else float64."""
    dtype = getattr(X, "dtype", None)
    return np.float32 if dtype == np.float32 else np.float64


def _distinct_rows_below(X, k):
    """None if X has at least k distinct rows, else their number.

    Looks at a growing prefix of the rows, so that the usual case (many more distinct
    points than components) costs a sort of a few times k rows, not of all N.
    """
    n = X.shape[0]
    m = min(n, max(4 * k, 256))
    while True:
        count = np.unique(X[:m], axis=0).shape[0]
        if count >= k:
            return None
        if m == n:
            return count
        m = min(n, 8 * m)


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
        history = EMHistory(initial=to_data(current, given), initial_log_likelihood=ll)
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
