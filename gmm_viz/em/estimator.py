"""``GaussianMixtureEM``: the estimator, with scikit-learn's conventions and a history."""

from __future__ import annotations

import inspect
import warnings
from dataclasses import replace

import numpy as np

from gmm_viz.em import covariance_types
from gmm_viz.em.blocks import _BLOCK
from gmm_viz.em.kmeans import _kmeans_plusplus, _sq_distances, kmeans
from gmm_viz.em.loop import _run_em
from gmm_viz.em.params import (
    PARAMETER_NAMES,
    GMMParams,
    _as_generator,
    _check_covariances,
    _check_fixed,
    _check_means,
    _check_reg_covar,
    _check_weights,
    _check_X,
    _is_real,
    _is_whole,
    covariances_from_full,
)
from gmm_viz.em.sampling import sample_mixture
from gmm_viz.em.steps import _NK_FLOOR, _e_step, _m_step_from_sums, _score_samples
from gmm_viz.em.units import _Scaling
from gmm_viz.errors import ConvergenceWarning, DataError, NotFittedError, ParameterError

INIT_METHODS = ("kmeans", "k-means++", "random_from_data", "random")


class GaussianMixtureEM:
    """Gaussian mixture fitted by EM, with scikit-learn's conventions and a half-step
    history.

    A drop-in for scikit-learn code: ``get_params``/``set_params`` follow scikit-learn's
    semantics, so ``sklearn.base.clone``, ``GridSearchCV`` and ``Pipeline`` work (gmm_viz
    itself never imports scikit-learn).

    Parameters
    ----------
    n_components : int
    covariance_type : {"full", "diag", "spherical", "tied"}
    tol : float
        Stop when the mean per-sample log-likelihood changes by less than ``tol``.
        ``tol=0`` runs exactly ``max_iter`` iterations (and then gives no warning).
    reg_covar : float
        Added to the covariance diagonals after each M-step, in the data's units. With 0
        this is exact EM, which never lowers the log-likelihood. With a floor the M-step no
        longer maximises EM's lower bound, so the log-likelihood may dip: often with a large
        floor (0.1 on data of unit spread), rarely with the default 1e-6.
    max_iter : int
    n_init : int
        Number of starts; the one with the highest final log-likelihood is kept.
    init_params : {"kmeans", "k-means++", "random_from_data", "random"}
        How to start the parameters that are not given explicitly.
    weights_init, means_init, covariances_init : array-like, optional
        Explicit starting values: weights (K,), means (K, D) (or (K,) in 1-D), covariances
        shaped like ``covariances_`` (in 1-D, K variances for any per-component type).
    precisions_init : array-like, optional
        The starting covariances given as their inverses, shaped like ``precisions_``
        (scikit-learn's name); give this or ``covariances_init``, not both.
    fixed : iterable of {"weights", "means", "covariances"}
        Parameters held at their initial values. ``fixed=("weights", "covariances")`` with
        variances 1 and weights 1/K is the "means only" model.
    warm_start : bool
        If True, a second ``fit`` starts from the solution of the first (``n_init`` is then
        ignored) and ``history_`` continues where it stopped: "ten more iterations". When
        K, D or the covariance type changed in between, the fit starts afresh.
    random_state : int, numpy Generator, numpy RandomState or None
    verbose : int
        0 prints nothing; 1 prints each start and how it ended; 2 also prints the mean
        log-likelihood every ``verbose_interval`` iterations (as scikit-learn does).
    verbose_interval : int

    Attributes
    ----------
    weights_, means_, covariances_ : fitted parameters
        In the input's floating-point type: float32 data give float32 parameters, as in
        scikit-learn. The arithmetic itself always runs in float64 (the history is float64).
    precisions_, precisions_cholesky_ : ndarray
        Inverses of the covariances and their Cholesky factors, in scikit-learn's shapes
        (computed from ``covariances_``).
    converged_ : bool
    n_iter_ : int
        Iterations of the last ``fit`` call.
    lower_bounds_ : list of float
        Mean per-sample log-likelihood of the parameters entering each iteration's E-step
        (the whole history with ``warm_start``).
    lower_bound_ : float
        The last entry of ``lower_bounds_``.
    n_features_in_ : int
    history_ : EMHistory

    Warns
    -----
    ConvergenceWarning
        When ``fit`` stops at ``max_iter`` (with ``tol > 0``) before converging.
    """

    def __init__(
        self,
        n_components=1,
        *,
        covariance_type="full",
        tol=1e-3,
        reg_covar=1e-6,
        max_iter=100,
        n_init=1,
        init_params="kmeans",
        weights_init=None,
        means_init=None,
        covariances_init=None,
        precisions_init=None,
        fixed=(),
        warm_start=False,
        random_state=None,
        verbose=0,
        verbose_interval=10,
    ):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.covariances_init = covariances_init
        self.precisions_init = precisions_init
        self.fixed = fixed
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.verbose_interval = verbose_interval

    # -- scikit-learn's estimator protocol ---------------------------------------------

    @classmethod
    def _get_param_names(cls):
        signature = inspect.signature(cls.__init__)
        return sorted(p.name for p in signature.parameters.values() if p.name != "self")

    def get_params(self, deep=True):
        """The constructor's parameters as a dict (``deep`` is accepted for scikit-learn;
        no parameter is itself an estimator)."""
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params):
        """Set constructor parameters by name; returns the estimator."""
        valid = self._get_param_names()
        for name, value in params.items():
            if name not in valid:
                raise ParameterError(
                    f"GaussianMixtureEM has no parameter {name!r}; use one of {', '.join(valid)}."
                )
            setattr(self, name, value)
        return self

    def __sklearn_tags__(self):
        # Only scikit-learn calls this (so it is importable then); gmm_viz never imports it.
        from sklearn.utils import Tags, TargetTags

        return Tags(estimator_type="density_estimator", target_tags=TargetTags(required=False))

    def __repr__(self):
        defaults = inspect.signature(type(self).__init__).parameters
        shown = []
        for name, value in self.get_params().items():
            default = defaults[name].default
            same = value is default or (
                type(value) is type(default) and not hasattr(value, "__len__") and value == default
            )
            if not same and not (name == "fixed" and not value):
                shown.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"

    # -- validation ---------------------------------------------------------------------

    def _check_parameters(self, X):
        k = self.n_components
        if not _is_whole(k) or k < 1:
            raise ParameterError(
                f"The number of components must be a whole number of at least 1; got {k!r}."
            )
        n = X.shape[0]
        n_distinct = _distinct_rows_below(X, k)
        if n_distinct is not None:
            raise DataError(
                f"There are {n_distinct} distinct points but {k} components were asked for; "
                f"use at most {n_distinct} components or add data."
            )
        covariance_types.get(self.covariance_type)  # one sentence for an unknown type
        tol = self.tol
        if not _is_real(tol) or not tol >= 0:
            raise ParameterError(f"tol must be a non-negative number; got {tol!r}.")
        _check_reg_covar(self.reg_covar)
        if not _is_whole(self.max_iter) or self.max_iter < 0:
            raise ParameterError(
                f"max_iter must be a whole number of at least 0; got {self.max_iter!r}."
            )
        if not _is_whole(self.n_init) or self.n_init < 1:
            raise ParameterError(
                f"n_init must be a whole number of at least 1; got {self.n_init!r}."
            )
        if self.init_params not in INIT_METHODS:
            raise ParameterError(
                f"Unknown initialisation {self.init_params!r}; "
                f"use one of {', '.join(INIT_METHODS)}."
            )
        for name, least in (("verbose", 0), ("verbose_interval", 1)):
            value = getattr(self, name)
            if not _is_whole(value) or value < least:
                raise ParameterError(
                    f"{name} must be a whole number of at least {least}; got {value!r}."
                )
        return n, _check_fixed(self.fixed)

    def _given_initial_values(self, d):
        """The explicit initial values, checked, exactly as given (data units)."""
        k = self.n_components
        values = {}
        if self.weights_init is not None:
            values["weights"] = _check_weights(self.weights_init, k)
        if self.means_init is not None:
            values["means"] = _check_means(self.means_init, k, d, "initial means (means_init)")
        if self.covariances_init is not None and self.precisions_init is not None:
            raise ParameterError(
                "Both covariances_init and precisions_init were given; give one of them."
            )
        if self.covariances_init is not None:
            values["covariances"] = _check_covariances(
                self.covariances_init, self.covariance_type, k, d, "covariances_init"
            )
        elif self.precisions_init is not None:
            precisions = _check_covariances(
                self.precisions_init, self.covariance_type, k, d, "precisions_init"
            )
            ctype = covariance_types.get(self.covariance_type)
            values["covariances"] = ctype.from_precisions(precisions)
        return values

    # -- initialisation -----------------------------------------------------------------

    def _initial_params(self, Xs, scaling, rng, given):
        """Starting parameters in standardised units, and notes; ``given`` holds the
        explicit initial values (data units), which replace what the method chose."""
        k = self.n_components
        n, d = Xs.shape
        reg_std = self.reg_covar / scaling.scale**2
        method = self.init_params
        centers = None
        if len(given) == len(PARAMETER_NAMES):
            # Nothing to choose: skip the initialisation method and its pass over the data
            # (the placeholders below are all replaced by the given values).
            placeholder = covariances_from_full(
                np.broadcast_to(np.eye(d), (k, d, d)), self.covariance_type
            )
            params = GMMParams(
                np.full(k, 1.0 / k), np.zeros((k, d)), placeholder, self.covariance_type
            )
            notes = []
        else:
            if method == "random":
                resp = rng.uniform(size=(n, k))
                resp /= resp.sum(axis=1, keepdims=True)
            else:
                # K-means measures distances in the data's own geometry (as scikit-learn
                # does), not in per-column standard units: one common scale for it.
                ratio = scaling.scale / scaling.scale.max()
                Xg = Xs * ratio
                if method == "kmeans":
                    centers = kmeans(Xg, k, random_state=rng, max_iter=100).centers
                elif method == "k-means++":
                    centers = _kmeans_plusplus(Xg, k, rng)
                else:  # random_from_data
                    centers = Xg[rng.choice(n, size=k, replace=False)].copy()
                labels = _sq_distances(Xg, centers).argmin(axis=0)
                centers = centers / ratio  # exact when all columns share one scale
                resp = np.zeros((n, k))
                resp[np.arange(n), labels] = 1.0
            nk = resp.sum(axis=0)
            s1 = resp.T @ Xs
            # Scatter around each component's own weighted mean (two-pass, as in the
            # M-step), so that a start on identical points has an exactly zero scatter;
            # in blocks of points so that no K x D x N array is ever made.
            center = s1 / np.maximum(nk, _NK_FLOOR)[:, None]
            s2 = np.zeros((k, d, d))
            step = max(1, _BLOCK // k)
            for start in range(0, n, step):
                xb, rb = Xs[start : start + step], resp[start : start + step]
                diff = xb.T[None, :, :] - center[:, :, None]
                s2 += np.matmul(rb.T[:, None, :] * diff, diff.transpose(0, 2, 1))
            # Given covariances are used as they are: the start's own are not computed, so
            # nothing is said about them (a held variance of 1 cannot have collapsed).
            held, previous = frozenset(), None
            if "covariances" in given:
                held = frozenset({"covariances"})
                previous = GMMParams(
                    np.full(k, 1.0 / k),
                    np.zeros((k, d)),
                    scaling.covariances_to_std(given["covariances"], self.covariance_type),
                    self.covariance_type,
                )
            params, _, notes = _m_step_from_sums(
                nk,
                s1,
                s2,
                center,
                n,
                self.covariance_type,
                reg_std,
                held,
                previous,
                scaling,
            )
        if centers is not None:
            # Start the means exactly on the chosen centers (a K-means center, or a point).
            params = replace(params, means=centers)
        if "weights" in given:
            params = replace(params, weights=given["weights"].copy())
        if "means" in given:
            params = replace(params, means=(given["means"] - scaling.shift) / scaling.scale)
        if "covariances" in given:
            cov = scaling.covariances_to_std(given["covariances"], self.covariance_type)
            params = replace(params, covariances=cov)
        return params, tuple(notes)

    def _warm_start_values(self, d):
        """The last fit's parameters (data units) when ``warm_start`` can continue it."""
        if not (self.warm_start and hasattr(self, "history_")):
            return None
        last = self.history_.params(self.history_.n_steps - 1)
        if (
            last.n_components != self.n_components
            or last.n_features != d
            or last.covariance_type != self.covariance_type
        ):
            return None
        return {
            "weights": np.asarray(self.weights_, dtype=float).copy(),
            "means": np.asarray(self.means_, dtype=float).copy(),
            "covariances": np.asarray(self.covariances_, dtype=float).copy(),
        }

    # -- fitting ------------------------------------------------------------------------

    def fit(self, X, y=None, *, progress=None):
        """Fit the mixture to X (N x D, or N values) by EM, recording every half-step.

        Parameters
        ----------
        X : array-like (N, D) or (N,)
        y : ignored
        progress : callable, optional
            Called as ``progress(fraction)`` with a number in [0, 1] as the fit advances
            (over restarts and iterations), so an interface can show a progress bar.

        Returns
        -------
        self

        Warns
        -----
        ConvergenceWarning
            When ``tol > 0`` and the fit stopped at ``max_iter`` before converging.
        """
        dtype = _result_dtype(X)
        X = _check_X(X)
        n, fixed = self._check_parameters(X)
        rng = _as_generator(self.random_state)
        d = X.shape[1]
        Xt = np.ascontiguousarray(X.T)
        scaling = _Scaling.fit_columns(Xt, self.covariance_type)
        # The standardised data as (D + 1) x N with a row of ones on top (see _run_em); the
        # initialisation reads its N x D view.
        Xa = np.empty((d + 1, n))
        Xa[0] = 1.0
        scaling.data_columns(Xt, Xa[1:])
        del Xt
        Xs = Xa[1:].T
        warm = self._warm_start_values(d)
        if warm is not None:
            given, n_init, previous = warm, 1, self.history_
        else:
            given, n_init, previous = self._given_initial_values(d), self.n_init, None
        best = None
        for start in range(n_init):
            if self.verbose:
                print(f"Initialization {start}")
            init, init_notes = self._initial_params(Xs, scaling, rng, given)

            def on_iteration(it, mean_ll, start=start):
                if self.verbose >= 2 and it % self.verbose_interval == 0:
                    print(f"  Iteration {it}: mean log-likelihood {mean_ll:.10g}")
                if progress is not None:
                    progress((start + it / max(self.max_iter, 1)) / n_init)

            run = _run_em(
                Xa,
                init,
                scaling,
                self.covariance_type,
                self.reg_covar / scaling.scale**2,
                fixed,
                self.tol,
                self.max_iter,
                on_iteration,
                given,
                previous,
                self.reg_covar,
            )
            if previous is None:
                run.history.init_notes = init_notes
            if self.verbose:
                ended = "converged" if run.history.converged else "did not converge"
                print(
                    f"Initialization {ended} after {run.n_iter} iterations: mean "
                    f"log-likelihood {run.final_mean_ll:.10g}."
                )
            if best is None or run.final_mean_ll > best.final_mean_ll:
                best = run
        if progress is not None:
            progress(1.0)
        history = best.history
        final = history.params(history.n_steps - 1)
        self.weights_ = final.weights.astype(dtype)
        self.means_ = final.means.astype(dtype)
        self.covariances_ = final.covariances.astype(dtype)
        self.converged_ = history.converged
        self.n_iter_ = best.n_iter
        self.lower_bounds_ = [float(e.mean_log_likelihood) for e in history.e_steps]
        self.lower_bound_ = self.lower_bounds_[-1] if self.lower_bounds_ else best.final_mean_ll
        self.history_ = history
        self.n_features_in_ = d
        self._scaling = scaling
        if not history.converged and self.tol > 0 and self.max_iter > 0:
            warnings.warn(
                f"EM stopped after max_iter = {self.max_iter} iterations before the mean "
                f"log-likelihood changed by less than tol = {self.tol:g}; raise max_iter, "
                "raise tol, or fit again with warm_start=True to continue.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    def fit_predict(self, X, y=None):
        """Fit, then return the most responsible component of each point."""
        return self.fit(X).predict(X)

    # -- using the fit ------------------------------------------------------------------

    @property
    def params_(self):
        """The fitted parameters as :class:`GMMParams` (float64)."""
        self._check_fitted()
        return GMMParams(
            np.asarray(self.weights_, dtype=float),
            np.asarray(self.means_, dtype=float),
            np.asarray(self.covariances_, dtype=float),
            self.covariance_type,
        )

    @property
    def precisions_cholesky_(self):
        """Cholesky factors of the precisions, as scikit-learn defines them: P = U U^T
        with U upper-triangular ((K, D, D) full, (D, D) tied), or 1 / sqrt(variance)."""
        self._check_fitted()
        cov = np.asarray(self.covariances_, dtype=float)
        dtype = np.asarray(self.covariances_).dtype
        return covariance_types.get(self.covariance_type).precisions_cholesky(cov).astype(dtype)

    @property
    def precisions_(self):
        """Inverses of the covariances (scikit-learn's shapes), from ``covariances_``."""
        self._check_fitted()
        cov = np.asarray(self.covariances_, dtype=float)
        dtype = np.asarray(self.covariances_).dtype
        return covariance_types.get(self.covariance_type).precisions(cov).astype(dtype)

    def _check_fitted(self):
        if not hasattr(self, "history_"):
            raise NotFittedError(
                "This GaussianMixtureEM is not fitted yet; call fit(X) before using it."
            )

    def _check_X_fitted(self, X):
        self._check_fitted()
        X = _check_X(X)
        if X.shape[1] != self.n_features_in_:
            raise DataError(
                f"The model was fitted on {self.n_features_in_} column(s) but the data have "
                f"{X.shape[1]}."
            )
        return X

    def _units(self):
        # The fit's own units, so that a point's score never depends on the other points
        # passed with it (a model put together by hand falls back to its parameters').
        return getattr(self, "_scaling", None) or _Scaling.from_params(self.params_)

    def _output_dtype(self, X):
        """float32 when both the data and the fitted model are float32 (as scikit-learn)."""
        self._check_fitted()
        return np.result_type(_result_dtype(X), np.asarray(self.means_).dtype)

    def predict_proba(self, X):
        """Responsibilities (N, K) of the fitted components for each point."""
        dtype = self._output_dtype(X)
        X = self._check_X_fitted(X)
        return _e_step(X, self.params_, self._units())[0].astype(dtype, copy=False)

    def predict(self, X):
        """The most responsible component of each point."""
        return self.predict_proba(X).argmax(axis=1)

    def score_samples(self, X):
        """log p(x_n) under the fitted mixture, one value per point."""
        dtype = self._output_dtype(X)
        X = self._check_X_fitted(X)
        return _score_samples(X, self.params_, self._units()).astype(dtype, copy=False)

    def score(self, X, y=None):
        """Mean per-sample log-likelihood of X."""
        return float(np.mean(self.score_samples(X)))

    def _n_parameters(self):
        k, d = self.means_.shape
        cov = covariance_types.get(self.covariance_type).n_parameters(k, d)
        return int(cov + k * d + k - 1)

    def bic(self, X):
        """Bayesian information criterion (lower is better)."""
        X = self._check_X_fitted(X)
        return -2 * self.score(X) * X.shape[0] + self._n_parameters() * np.log(X.shape[0])

    def aic(self, X):
        """Akaike information criterion (lower is better)."""
        X = self._check_X_fitted(X)
        return -2 * self.score(X) * X.shape[0] + 2 * self._n_parameters()

    def sample(self, n_samples=1, random_state=None):
        """Draw points from the fitted mixture (the generative story of the model).

        Returns
        -------
        X : ndarray (n_samples, D)
        labels : ndarray (n_samples,)
        """
        self._check_fitted()
        rs = _as_generator(self.random_state if random_state is None else random_state)
        return sample_mixture(
            self.weights_, self.means_, self.params_.full_covariances(), n_samples, rs
        )


def _result_dtype(X):
    """float32 input gives float32 fitted parameters (as in scikit-learn); else float64."""
    dtype = getattr(X, "dtype", None)
    return np.float32 if dtype == np.float32 else np.float64


def _distinct_rows_below(X, k):
    """None if X has at least k distinct rows, else their number.

    Looks at a growing prefix of the rows, so that the usual case (many more distinct
    points than components) costs a sort of a few times k rows, not of all N.
    """
    n = X.shape[0]
    m = min(n, max(4 * k, 256))
    while True:
        count = np.unique(X[:m], axis=0).shape[0]
        if count >= k:
            return None
        if m == n:
            return count
        m = min(n, 8 * m)
