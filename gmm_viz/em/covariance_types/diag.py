"""``diag``: each component has its own variances, one per column, no correlation, (K, D)."""

from __future__ import annotations

import numpy as np

from gmm_viz.em.covariance_types._base import CovarianceType, diagonal_matrices, diagonals


class Diag(CovarianceType):
    name = "diag"

    def shape(self, k, d):
        return (k, d)

    def to_full(self, covariances, k, d):
        return diagonal_matrices(np.asarray(covariances, dtype=float).reshape(k, d))

    def from_full(self, full, weights):
        return diagonals(full)

    def rescale(self, covariances, factor):
        return covariances * factor**2

    def n_parameters(self, k, d):
        return k * d

    def kept(self, mats):
        return diagonal_matrices(diagonals(mats))
