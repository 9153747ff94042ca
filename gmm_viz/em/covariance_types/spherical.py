"""``spherical``: each component has one variance, the same in every direction, (K,)."""

from __future__ import annotations

import numpy as np

from gmm_viz.em.covariance_types._base import CovarianceType, diagonals


class Spherical(CovarianceType):
    name = "spherical"
    one_scale = True

    def shape(self, k, d):
        return (k,)

    def to_full(self, covariances, k, d):
        return np.asarray(covariances, dtype=float).reshape(k)[:, None, None] * np.eye(d)

    def from_full(self, full, weights):
        return diagonals(full).mean(axis=1)

    def rescale(self, covariances, factor):
        return covariances * factor[0] ** 2  # one common factor (see ``one_scale``)

    def n_parameters(self, k, d):
        return k

    def kept(self, mats):
        d = mats.shape[1]
        return diagonals(mats).mean(axis=1)[:, None, None] * np.eye(d)

    def shared_floor(self, floor):
        # One variance for all columns: the largest column's floor holds in every one.
        return np.broadcast_to(floor.max(axis=1, keepdims=True), floor.shape)

    def from_guarded(self, mats):
        return mats[:, 0, 0].copy()
