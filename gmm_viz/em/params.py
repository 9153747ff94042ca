"""The parameters of a Gaussian mixture, their shapes, and the checks of every input.

Conventions (as in scikit-learn): ``weights`` has shape (K,), ``means`` (K, D) and
``covariances`` is shaped by the covariance type: ``full`` (K, D, D), ``diag`` (K, D),
``spherical`` (K,), ``tied`` (D, D). Every check raises :class:`ParameterError` or
:class:`DataError` with one sentence that says what is wrong and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_viz.errors import DataError, ParameterError

COVARIANCE_TYPES = ("full", "diag", "spherical", "tied")
PARAMETER_NAMES = ("weights", "means", "covariances")


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


def _check_dimension(X, params):
    if X.shape[1] != params.n_features:
        raise DataError(
            f"The data have {X.shape[1]} column(s) but the mixture has "
            f"{params.n_features}-dimensional components; give one column per dimension."
        )


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


def _is_whole(value):
    """A Python or numpy integer (not a bool, not a float)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
