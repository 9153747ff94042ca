"""Drawing points from a Gaussian mixture: the model's generative story."""

from __future__ import annotations

import numpy as np

from gmm_viz.em.params import _check_weights, _is_whole, full_covariances
from gmm_viz.errors import ParameterError


def sample_mixture(weights, means, covariances, n_samples, random_state=None):
    """Draw points from a Gaussian mixture: pick a component with probability w_k, then a
    point from its normal distribution.

    Parameters
    ----------
    weights : (K,)
    means : (K, D) or (K,)
    covariances : (K, D, D) full covariances (or (K,) variances in 1-D)
    n_samples : int
    random_state : int, Generator or None

    Returns
    -------
    X : ndarray (n_samples, D)
    labels : ndarray (n_samples,) of the component each point came from
    """
    means = np.asarray(means, dtype=float)
    if means.ndim == 1:
        means = means[:, None]
    k, d = means.shape
    cov = np.asarray(covariances, dtype=float)
    if cov.shape != (k, d, d):
        cov = full_covariances(cov, "spherical" if cov.shape == (k,) else "full", k, d)
    weights = _check_weights(weights, k)
    if not _is_whole(n_samples) or n_samples < 0:
        raise ParameterError(
            f"The number of samples must be a whole number of at least 0; got {n_samples!r}."
        )
    rng = np.random.default_rng(random_state)
    labels = rng.choice(k, size=int(n_samples), p=weights)
    chol = np.linalg.cholesky(cov)
    z = rng.standard_normal((int(n_samples), d))
    X = means[labels] + np.einsum("nij,nj->ni", chol[labels], z)
    return X, labels
