"""Keeping covariances positive definite, and saying when a component has collapsed.

EM's likelihood is unbounded: a component on a single point can shrink its variance to
zero. ``reg_covar`` (in the data's units) is the user's guard; the floors here are the
engine's, far below any spread the data can resolve, so that they only ever act on a
component that really collapsed.
"""

from __future__ import annotations

import numpy as np

from gmm_viz.em.units import _Scaling

# A component with less than this much responsibility mass counts as empty.
_EMPTY_MASS = 1e-3

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
