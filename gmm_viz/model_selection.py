"""Choosing K: the held-out log-likelihood of a mixture, beside BIC and AIC.

BIC and AIC (``GaussianMixtureEM.bic`` / ``aic``) penalise the training log-likelihood by
the number of parameters. The held-out log-likelihood asks the question directly: fitted on
part of the data, how probable does the model find the rest? It rises while extra
components describe real structure and falls when they start fitting noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_viz.em import check_data as _check_X
from gmm_viz.em import is_whole_number as _is_whole
from gmm_viz.em.estimator import GaussianMixtureEM
from gmm_viz.errors import ParameterError

__all__ = ["HeldOutResult", "held_out_log_likelihood"]


@dataclass(frozen=True)
class HeldOutResult:
    """Mean per-point log-likelihoods of each K on each random split.

    Attributes
    ----------
    ks : ndarray (M,)
        The numbers of components tried.
    train, test : ndarray (n_splits, M)
        ``model.score`` on the training and on the held-out part of each split.
    """

    ks: np.ndarray
    train: np.ndarray
    test: np.ndarray

    @property
    def mean_test(self):
        """Held-out log-likelihood per point of each K, averaged over the splits."""
        return self.test.mean(axis=0)

    @property
    def std_test(self):
        """Its spread over the splits (standard deviation; 0 with one split)."""
        return self.test.std(axis=0)

    @property
    def best_k(self):
        """The K with the highest mean held-out log-likelihood."""
        return int(self.ks[int(np.argmax(self.mean_test))])


def held_out_log_likelihood(
    X, ks, *, test_size=0.25, n_splits=5, random_state=None, **model_params
):
    """Held-out log-likelihood per point for each number of components in ``ks``.

    Each of ``n_splits`` random splits holds out ``test_size`` of the points (a fraction in
    (0, 1), or a whole number of points), fits :class:`GaussianMixtureEM` with K
    components on the rest, and scores both parts. Split ``i`` uses
    ``numpy.random.default_rng(random_state)``'s i-th permutation, and every fit gets
    ``random_state`` too, so the result is reproducible.

    Parameters
    ----------
    X : array-like (N, D) or (N,)
    ks : iterable of int
    test_size : float or int
    n_splits : int
    random_state : int or None
    **model_params
        Passed to :class:`GaussianMixtureEM` (``covariance_type``, ``n_init``, ...).

    Returns
    -------
    HeldOutResult
    """
    X = _check_X(X)
    ks = list(ks)
    if not ks:
        raise ParameterError("Give at least one number of components to try in ks.")
    if not all(_is_whole(k) and k >= 1 for k in ks):
        raise ParameterError(f"ks must be whole numbers of at least 1; got {ks!r}.")
    n = X.shape[0]
    if _is_whole(test_size):
        n_test = int(test_size)
    elif isinstance(test_size, float) and 0.0 < test_size < 1.0:
        n_test = int(np.ceil(test_size * n))
    else:
        n_test = -1
    if not 1 <= n_test <= n - 1:
        raise ParameterError(
            f"test_size must be a fraction between 0 and 1 or a number of points between "
            f"1 and {n - 1}; got {test_size!r}."
        )
    if not _is_whole(n_splits) or n_splits < 1:
        raise ParameterError(f"n_splits must be a whole number of at least 1; got {n_splits!r}.")
    rng = np.random.default_rng(random_state)
    train_scores = np.empty((n_splits, len(ks)))
    test_scores = np.empty((n_splits, len(ks)))
    for i in range(n_splits):
        order = rng.permutation(n)
        test, train = X[order[:n_test]], X[order[n_test:]]
        for j, k in enumerate(ks):
            model = GaussianMixtureEM(k, random_state=random_state, **model_params).fit(train)
            train_scores[i, j] = model.score(train)
            test_scores[i, j] = model.score(test)
    return HeldOutResult(np.array(ks), train_scores, test_scores)
