"""The parameters of a Gaussian mixture, their shapes, and the checks of every input.

Conventions (as in scikit-learn): ``weights`` has shape (K,), ``means`` (K, D) and
``covariances`` is shaped by the covariance type: ``full`` (K, D, D), ``diag`` (K, D),
``spherical`` (K,), ``tied`` (D, D). Every check raises :class:`ParameterError` or
:class:`DataError` with one sentence that says what is wrong and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_viz.em import covariance_types
from gmm_viz.em.covariance_types import COVARIANCE_TYPES
from gmm_viz.errors import DataError, ParameterError

__all__ = [
    "COVARIANCE_TYPES",
    "PARAMETER_NAMES",
    "GMMParams",
    "as_params",
    "check_data",
    "is_whole_number",
    "make_params",
]
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
    ctype = covariance_types.get(covariance_type)
    return ctype.to_full(covariances, n_components, n_features)


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
    return covariance_types.get(covariance_type).from_full(full, weights)


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
    covariance_types.get(covariance_type)  # one sentence for an unknown type
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
    return covariance_types.get(covariance_type).shape(k, d)


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
    kind = "precision" if what.startswith("precision") else "covariance"
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
        raise ParameterError(f"Every {kind} entry must be a finite number.")
    full = full_covariances(c, covariance_type, k, d)
    for j in range(k):
        if not np.allclose(full[j], full[j].T, rtol=1e-10, atol=0):
            raise ParameterError(f"The {kind} of component {j + 1} is not symmetric.")
        variances = np.diagonal(full[j])
        if np.any(variances <= 0):
            entry = "a variance" if kind == "covariance" else "a diagonal precision entry"
            raise ParameterError(
                f"Component {j + 1} has {entry} of {variances.min():.6g}; "
                f"every {entry[2:]} must be positive."
            )
        try:
            np.linalg.cholesky(full[j])
        except np.linalg.LinAlgError:
            raise ParameterError(
                f"The {kind} of component {j + 1} is not positive definite; "
                "make its correlations smaller than 1 in absolute value."
            ) from None
    return c.copy()


def _check_X(X):
    if hasattr(X, "toarray") and hasattr(X, "nnz"):  # a scipy.sparse matrix or array
        raise DataError(
            "Sparse data cannot be fitted (a Gaussian mixture needs every value); "
            "convert them with X.toarray() first."
        )
    if np.iscomplexobj(X):
        raise DataError(
            "The data are complex numbers; give the real and imaginary parts as two "
            "columns (np.c_[X.real, X.imag]) or pass the magnitudes (np.abs(X))."
        )
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataError(
            "The data must be numbers in an N x D array (rows of equal length); "
            f"numpy could not read them as such ({exc})."
        ) from None
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
    if not _is_real(reg_covar) or not np.isfinite(reg_covar) or reg_covar < 0:
        raise ParameterError(f"reg_covar must be a non-negative number; got {reg_covar!r}.")


def _is_real(value):
    """A real number (Python or numpy), not a bool, a string or an array."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def _as_generator(random_state):
    """A numpy Generator from None, a seed, a Generator or a legacy RandomState.

    A RandomState (scikit-learn's convention) seeds a new Generator from its stream, so
    that passing the same RandomState twice gives two different draws, as it does there.
    """
    seed_like = random_state is None or (_is_whole(random_state) and random_state >= 0)
    if seed_like or isinstance(random_state, np.random.Generator):
        return np.random.default_rng(random_state)
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(np.iinfo(np.int32).max))
    raise ParameterError(
        f"random_state must be None, a whole number of at least 0, a numpy Generator or a "
        f"RandomState; got {random_state!r}."
    )


def _is_whole(value):
    """A Python or numpy integer (not a bool, not a float)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


# The checks other packages use too, under public names (the engine's own code calls them
# by their private names).
as_params = _as_params
check_data = _check_X
is_whole_number = _is_whole
