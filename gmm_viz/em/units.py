"""The units of the arithmetic: data and parameters standardised column by column.

The engine works on (X - shift) / scale so that values near 1e150, a spread of 1e-9 or
columns in units 1e10 apart neither overflow nor lose digits; every number that leaves
the engine is converted back to the data's own units.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_viz.em import covariance_types
from gmm_viz.em.params import GMMParams, _as_params
from gmm_viz.errors import DataError

# Range of the data's spread (standard deviation of the widest column) that a fit accepts:
# its square, the unit of every variance, must be a normal floating-point number with room
# to spare.
_MIN_SCALE = 1e-140
_MAX_SCALE = 1e152


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
        if covariance_types.get(covariance_type).one_scale:
            scale = np.full_like(scale, scale.max())
        return cls(np.asarray(shift, dtype=float), scale)

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
    return covariance_types.get(covariance_type).rescale(covariances, factor)
