"""What every covariance type answers: the one place each rule about a type is written.

A covariance type says how the K covariances of a mixture are stored (scikit-learn's
shapes), how they become (K, D, D) matrices and back, how they change when the data's
columns are rescaled, what the M-step keeps of each component's scatter, how the variance
floor sees them, and how many free numbers they hold (for BIC and AIC).
"""

from __future__ import annotations

import numpy as np


class CovarianceType:
    """One covariance type; subclasses (one file each) fill in the rules.

    Attributes
    ----------
    name : str
        scikit-learn's name ("full", "diag", "spherical", "tied").
    shared : bool
        One covariance for all components (the floor and the notes then speak of it once).
    same_as_full_in_1d : bool
        In one dimension this type is the same model as "full" (one variance per
        component), so a 1-D picture, title or handout need not name it.
    one_scale : bool
        Its covariances keep their structure only when every column is rescaled by the
        same factor (a spherical variance is one number for all columns).
    """

    name = ""
    shared = False
    same_as_full_in_1d = True
    one_scale = False

    def __repr__(self):
        return f"<covariance type {self.name!r}>"

    # -- shapes --------------------------------------------------------------------------

    def shape(self, k, d):
        """The shape of ``covariances`` (and of ``precisions_``) for K components in D."""
        raise NotImplementedError

    def to_full(self, covariances, k, d):
        """The covariances as a (K, D, D) array (a new array)."""
        raise NotImplementedError

    def from_full(self, full, weights):
        """(K, D, D) matrices in this type's shape: what the type keeps of them."""
        raise NotImplementedError

    def rescale(self, covariances, factor):
        """The covariances of the variables x * factor (``factor`` per column, (D,))."""
        raise NotImplementedError

    def n_parameters(self, k, d):
        """Free numbers in the covariances (for BIC and AIC)."""
        raise NotImplementedError

    # -- the M-step and its floor --------------------------------------------------------

    def own_covariances(self, scatter, nk):
        """Each component's own covariance from its scatter (K, D, D) and N_k (K,): the
        matrices the floor looks at, (K, D, D), or (1, D, D) when they are shared."""
        return scatter / nk[:, None, None]

    def kept(self, mats):
        """The part of (K, D, D) matrices this type keeps, still as (K, D, D) matrices (the
        floor guards what the type will store)."""
        return mats

    def floor_per_matrix(self, d):
        """True when the floor must look at whole matrices (correlations), not only at the
        variances."""
        return False

    def shared_floor(self, floor):
        """The per-component, per-column floor (K, D) as this type's matrices need it."""
        return floor

    def from_guarded(self, mats):
        """Guarded (K, D, D) matrices (from :meth:`own_covariances`) stored in this type's
        shape."""
        return self.from_full(mats, None)

    # -- precisions (scikit-learn's attributes) -------------------------------------------

    def precisions_cholesky(self, covariances):
        """scikit-learn's ``precisions_cholesky_``: U with U U^T the precision, U upper
        triangular, for matrix types; 1 / sqrt(variance) for the others."""
        return 1.0 / np.sqrt(covariances)

    def precisions(self, covariances):
        """scikit-learn's ``precisions_``: the inverses of the covariances."""
        return self.precisions_cholesky(covariances) ** 2

    def from_precisions(self, precisions):
        """Covariances from (checked) precisions shaped as ``precisions_``."""
        return 1.0 / precisions


class MatrixType(CovarianceType):
    """A type that stores whole matrices (full, tied): precisions by Cholesky factors."""

    def floor_per_matrix(self, d):
        return d > 1

    def precisions_cholesky(self, covariances):
        mats = covariances.reshape((-1,) + covariances.shape[-2:])
        chol = np.linalg.cholesky(mats)
        eye = np.broadcast_to(np.eye(mats.shape[-1]), mats.shape)
        return np.linalg.solve(chol, eye).transpose(0, 2, 1).reshape(covariances.shape)

    def precisions(self, covariances):
        u = self.precisions_cholesky(covariances)
        return np.matmul(u, np.swapaxes(u, -1, -2))

    def from_precisions(self, precisions):
        return np.linalg.inv(precisions)

    def rescale(self, covariances, factor):
        return covariances * np.outer(factor, factor)


def diagonals(mats):
    """The diagonals of (K, D, D) matrices, (K, D) (a new array)."""
    return np.diagonal(mats, axis1=1, axis2=2).copy()


def diagonal_matrices(variances):
    """(K, D) variances as (K, D, D) diagonal matrices."""
    k, d = variances.shape
    out = np.zeros((k, d, d))
    out[:, np.arange(d), np.arange(d)] = variances
    return out
