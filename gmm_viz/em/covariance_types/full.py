"""``full``: each component has its own covariance matrix, (K, D, D)."""

from __future__ import annotations

import numpy as np

from gmm_viz.em.covariance_types._base import MatrixType


class Full(MatrixType):
    name = "full"

    def shape(self, k, d):
        return (k, d, d)

    def to_full(self, covariances, k, d):
        return np.asarray(covariances, dtype=float).reshape(k, d, d).copy()

    def from_full(self, full, weights):
        return full.copy()

    def n_parameters(self, k, d):
        return k * d * (d + 1) // 2
