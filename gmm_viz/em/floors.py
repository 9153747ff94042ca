"""Keeping covariances positive definite, and saying when a component has collapsed.

EM's likelihood is unbounded: a component on a single point can shrink its variance to
zero. ``reg_covar`` (in the data's units) is the user's guard; the floors here are the
engine's, far below any spread the data can resolve, so that they only ever act on a
component that really collapsed.
"""

from __future__ import annotations

import numpy as np

from gmm_viz.em import covariance_types
from gmm_viz.em.notes import COLLAPSED, TIED_COLLAPSED, Note
from gmm_viz.em.units import _Scaling

# A component with less than this much responsibility mass counts as empty.
_EMPTY_MASS = 1e-3

# Floors that keep every covariance positive definite, in standardised units (where each
# column's variance in the data is 1). The fit computes in these units, where a
# component's mean is known to about eps * |mu_kj|, so the floor of component k in column
# j is a standard deviation of _FLOOR_SD * eps * (|mu_kj| + _FLOOR_PLACE): far above that
# rounding error (so that a collapsed component's mean moving by a rounding error cannot
# lower the likelihood), yet far below the spread of any cluster the data can resolve.
# Where the data sit far from zero, the floor is also at least _FLOOR_ULPS units in the
# last place of the component's value in the data's own units, the resolution of the data
# themselves (a collapsed component stays a spike when its parameters are written in the
# data's units and read back). A cluster only a few thousand units in the last place wide
# (timestamps 5 ms apart near 1.7e9 s) keeps its own variance: the floor does not grow
# with the distance from zero beyond that resolution.
# _TINY_VARIANCE keeps every variance a normal double once converted back to the data's
# units. A full (or tied) covariance's correlation matrix is kept at least
# _CORRELATION_FLOOR away from singular so that its Cholesky factor stays meaningful.
_FLOOR_SD = 1e5
_FLOOR_PLACE = 1e-4
_FLOOR_ULPS = 16.0
_TINY_VARIANCE = 1e-280
_CORRELATION_FLOOR = 1e-12


# A component counts as collapsed when it needed the floor, or when its own variance
# (without reg_covar) is below _COLLAPSED_VARIANCE of the column's spread and below
# reg_covar in some direction (reg_covar then decides its size).
_COLLAPSED_VARIANCE = 1e-10


def _variance_floor(means, scaling):
    """Smallest variance of each component per column, (K, D), in standardised units."""
    eps = np.finfo(float).eps
    sd = np.maximum(
        _FLOOR_SD * eps * (np.abs(means) + _FLOOR_PLACE),
        _FLOOR_ULPS * eps * np.abs(means + scaling.shift / scaling.scale),
    )
    return np.maximum(sd**2, _TINY_VARIANCE / scaling.scale**2)


def _guard_covariances(raw, covariance_type, reg_std, nk_raw, means, scaling):
    """Add reg_covar to each component's own covariance ``raw`` (K, D, D; (1, D, D) when
    shared, see ``CovarianceType.own_covariances``), keep it positive definite, and explain
    any component that collapsed.

    Returns the covariances shaped for ``covariance_type`` and the notes (:class:`Note`).
    """
    notes = []
    k, d = means.shape
    if scaling is None:  # unit data: values of order 1 around the origin
        scaling = _Scaling(np.zeros(d), np.ones(d))
    ctype = covariance_types.get(covariance_type)
    floor = ctype.shared_floor(_variance_floor(means, scaling))
    mats = ctype.kept(raw)
    per_matrix = ctype.floor_per_matrix(d)
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
    covariances = ctype.from_guarded(mats)
    # Collapsed: see _COLLAPSED_VARIANCE.
    collapsed = floored | ((raw_min < _COLLAPSED_VARIANCE) & (rel < 1.0))
    if not ctype.shared:
        for j in range(k):
            if nk_raw[j] < _EMPTY_MASS:
                continue  # an empty component has its own note
            if collapsed[j]:
                notes.append(Note(COLLAPSED, j))
    elif collapsed[0]:
        notes.append(Note(TIED_COLLAPSED))
    return covariances, notes
