"""``tied``: one covariance matrix shared by every component, (D, D)."""

from __future__ import annotations

import numpy as np

from gmm_viz.em.covariance_types._base import MatrixType


class Tied(MatrixType):
    name = "tied"
    shared = True
    same_as_full_in_1d = False  # in 1-D: one variance for all components

    def shape(self, k, d):
        return (d, d)

    def to_full(self, covariances, k, d):
        c = np.asarray(covariances, dtype=float).reshape(d, d)
        return np.broadcast_to(c, (k, d, d)).copy()

    def from_full(self, full, weights):
        k = full.shape[0]
        w = np.full(k, 1.0 / k) if weights is None else np.asarray(weights, dtype=float)
        return np.einsum("k,kij->ij", w / w.sum(), full)

    def n_parameters(self, k, d):
        return d * (d + 1) // 2

    def own_covariances(self, scatter, nk):
        # The pooled scatter of all components over all their points.
        return (scatter.sum(axis=0) / nk.sum())[None]

    def shared_floor(self, floor):
        return floor.max(axis=0, keepdims=True)

    def from_guarded(self, mats):
        return mats[0]
