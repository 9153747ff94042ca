"""The worked solution as data: what a student writes by hand, per iteration.

:func:`solve` runs :class:`~gmm_viz.em.GaussianMixtureEM` and collects, per iteration, the
E-step table (densities, weighted densities, responsibilities), the M-step numbers (N_k,
weighted sums and scatter, the new parameters) and the log-likelihood. Every number is read
from the EM history or computed by :mod:`gmm_viz.em`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from gmm_viz import em
from gmm_viz.errors import ConvergenceWarning, ParameterError

# With at most this many points the M-step shows every term of its sums; above it, the sums.
MAX_TERMS = 10


@dataclass(frozen=True, eq=False)
class EStepWork:
    """One E-step, worked.

    Attributes
    ----------
    params : GMMParams
        The parameters entering the E-step.
    densities : ndarray (N, K)
        N(x_n | mu_k, Sigma_k), the normal density (unweighted, with its normalising factor).
    weighted_densities : ndarray (N, K)
        w_k N(x_n | mu_k, Sigma_k).
    totals : ndarray (N,)
        p(x_n) = sum_k w_k N(x_n | mu_k, Sigma_k).
    responsibilities : ndarray (N, K)
        beta_nk = w_k N(x_n | k) / p(x_n), as :func:`gmm_viz.em.e_step` computes them.
    log_likelihood : float
        sum_n log p(x_n) of ``params``.
    """

    params: em.GMMParams
    densities: np.ndarray
    weighted_densities: np.ndarray
    totals: np.ndarray
    responsibilities: np.ndarray
    log_likelihood: float


@dataclass(frozen=True, eq=False)
class MStepWork:
    """One M-step, worked.

    Attributes
    ----------
    params : GMMParams
        The new parameters.
    resp_sums : ndarray (K,)
        N_k = sum_n beta_nk.
    weighted_sums : ndarray (K, D)
        sum_n beta_nk x_n.
    weighted_scatter : ndarray (K, D, D)
        S_k = sum_n beta_nk (x_n - mu_k)(x_n - mu_k)^T around the new mean.
    n_samples : int
    reg_covar : float
    fixed : frozenset of str
        Parameters held at their previous values.
    notes : tuple of Note
        Components that emptied or collapsed (``str(note)`` is the sentence).
    log_likelihood : float
        Log-likelihood of the new parameters.
    """

    params: em.GMMParams
    resp_sums: np.ndarray
    weighted_sums: np.ndarray
    weighted_scatter: np.ndarray
    n_samples: int
    reg_covar: float
    fixed: frozenset
    notes: tuple
    log_likelihood: float


@dataclass(frozen=True, eq=False)
class WorkedIteration:
    """One EM iteration: its E-step and its M-step.

    ``log_likelihood`` is that of the parameters entering the E-step.
    """

    iteration: int
    e_step: EStepWork
    m_step: MStepWork

    @property
    def log_likelihood(self):
        return self.e_step.log_likelihood


@dataclass(frozen=True, eq=False)
class WorkedSolution:
    """A worked EM run: see :func:`solve`.

    Attributes
    ----------
    X : ndarray (N, D)
    columns : tuple of str
        Column names, for the tables.
    covariance_type : str
    reg_covar : float
    fixed : frozenset of str
    initial : GMMParams
        The start.
    initial_log_likelihood : float
    iterations : tuple of WorkedIteration
    final : GMMParams
        The parameters after the last iteration (the start when there are none).
    final_log_likelihood : float
    history : EMHistory
        The engine's record of the run.
    notes : tuple of str
        Notes about the start and about degenerate components.
    """

    X: np.ndarray
    columns: tuple
    covariance_type: str
    reg_covar: float
    fixed: frozenset
    initial: em.GMMParams
    initial_log_likelihood: float
    iterations: tuple
    final: em.GMMParams
    final_log_likelihood: float
    history: em.EMHistory
    notes: tuple = ()

    @property
    def n_samples(self):
        return self.X.shape[0]

    @property
    def n_features(self):
        return self.X.shape[1]

    @property
    def n_components(self):
        return self.initial.n_components


def solve(
    X,
    n_components,
    *,
    covariance_type="full",
    reg_covar=0.0,
    iterations=1,
    init="kmeans",
    seed=0,
    weights=None,
    means=None,
    covariances=None,
    fixed=(),
    columns=None,
    tol=0.0,
):
    """Run EM for ``iterations`` iterations and work out every step.

    Parameters
    ----------
    X : array-like (N, D) or (N,)
    n_components : int
        K.
    covariance_type : {"full", "diag", "spherical", "tied"}
    reg_covar : float
        Added to the covariance diagonals after each M-step. The default 0 is exact EM, as
        done by hand.
    iterations : int
        Number of EM iterations (E-step then M-step); 0 shows only the start.
    init : {"kmeans", "k-means++", "random_from_data", "random"}
        How to start the parameters that are not given.
    seed : int or None
        Random seed of the initialisation.
    weights, means, covariances : array-like, optional
        Explicit start: weights (K,), means (K, D) or (K,) in 1-D, covariances shaped by
        ``covariance_type`` (K variances work in 1-D).
    fixed : iterable of {"weights", "means", "covariances"}
        Parameters held at their starting values.
    columns : sequence of str, optional
        Column names for the tables (default ``x`` or ``x1``, ``x2``, ...).
    tol : float
        0 (the default) runs exactly ``iterations`` iterations; above 0, EM stops earlier
        once the mean log-likelihood changes by less than ``tol``.

    Returns
    -------
    WorkedSolution

    Raises
    ------
    DataError, ParameterError
        With one sentence, for data or options the engine cannot use.
    """
    with warnings.catch_warnings():
        # Stopping at the iteration limit is the point here; history.converged says it.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = em.GaussianMixtureEM(
            n_components,
            covariance_type=covariance_type,
            tol=tol,
            reg_covar=reg_covar,
            max_iter=iterations,
            init_params=init,
            weights_init=weights,
            means_init=means,
            covariances_init=covariances,
            fixed=fixed,
            random_state=seed,
        ).fit(X)
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    d = X.shape[1]
    if columns is None:
        columns = ("x",) if d == 1 else tuple(f"x{j + 1}" for j in range(d))
    columns = tuple(str(c) for c in columns)
    if len(columns) != d:
        raise ParameterError(f"Got {len(columns)} column names for {d} columns of data.")
    fixed = frozenset((fixed,) if isinstance(fixed, str) else fixed)
    h = model.history_
    worked = []
    for i, (e_rec, m_rec) in enumerate(zip(h.e_steps, h.m_steps, strict=True), start=1):
        worked.append(
            WorkedIteration(
                iteration=i,
                e_step=_e_step_work(
                    X, e_rec.params, h.responsibilities(2 * i - 1, X), e_rec.log_likelihood
                ),
                m_step=MStepWork(
                    params=m_rec.params,
                    resp_sums=m_rec.stats.resp_sums,
                    weighted_sums=m_rec.stats.weighted_sums,
                    weighted_scatter=m_rec.stats.weighted_scatter,
                    n_samples=m_rec.stats.n_samples,
                    reg_covar=float(reg_covar),
                    fixed=fixed,
                    notes=tuple(m_rec.notes),
                    log_likelihood=float(m_rec.log_likelihood),
                ),
            )
        )
    last = h.n_steps - 1
    return WorkedSolution(
        X=X,
        columns=columns,
        covariance_type=covariance_type,
        reg_covar=float(reg_covar),
        fixed=fixed,
        initial=h.initial,
        initial_log_likelihood=float(h.initial_log_likelihood),
        iterations=tuple(worked),
        final=h.params(last),
        final_log_likelihood=float(h.log_likelihood(last)),
        history=h,
        notes=tuple(h.notes()),
    )


def _e_step_work(X, params, responsibilities=None, log_likelihood=None):
    """The E-step table; the responsibilities and log-likelihood come from :func:`em.e_step`
    unless the history already gave them."""
    densities = em.component_densities(X, params)
    if responsibilities is None or log_likelihood is None:
        responsibilities, log_likelihood = em.e_step(X, params)
    weighted = densities * params.weights[None, :]
    return EStepWork(
        params=params,
        densities=densities,
        weighted_densities=weighted,
        totals=weighted.sum(axis=1),
        responsibilities=responsibilities,
        log_likelihood=float(log_likelihood),
    )
