"""K-means (hard assignment) against EM in the means-only model (soft assignment).

The model of the K-means-vs-EM article the lessons start from: every component has the same
variance (1, in the data's units) and the weight 1/K; only the means are learned. Its E-step
is a soft version of K-means' assignment step, its M-step a weighted version of K-means'
update. This module fits that model (:func:`means_only_model`), measures how hard a table of
responsibilities is (:func:`softness`), repeats both methods on many data sets drawn from one
mixture to measure their bias (:func:`bias_study`, :class:`BiasStudy`) and draws the pictures the
lesson compares them with (:func:`soft_vs_hard_figure`, :func:`bias_figure`). No EM
arithmetic of its own: the fits are :class:`~gmm_viz.em.GaussianMixtureEM` and
:func:`~gmm_viz.em.kmeans`.

>>> import numpy as np
>>> from gmm_viz.em import e_step
>>> X = np.array([0.9, 0.7, 1.2, 2.4, 1.8])
>>> model = means_only_model(2, means_init=[1.0, 2.0]).fit(X)
>>> model.weights_.tolist(), model.covariances_.tolist()
([0.5, 0.5], [1.0, 1.0])
>>> softness(np.array([[1.0, 0.0], [0.0, 1.0]]))
0.0
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from gmm_viz.conventions import PALETTE
from gmm_viz.em import GaussianMixtureEM, e_step, kmeans, sample_mixture
from gmm_viz.errors import ConvergenceWarning, ParameterError
from gmm_viz.plotting import draw_hard_assignment_1d, draw_mixture_1d

__all__ = [
    "METHODS",
    "BiasStudy",
    "bias_figure",
    "bias_study",
    "means_only_model",
    "soft_vs_hard_figure",
    "softness",
]

#: The two methods a :class:`BiasStudy` compares, in the order of its tables.
METHODS = ("K-means", "EM, means only")

# The methods' colours in the pictures of a study (not component colours).
_METHOD_COLORS = {"K-means": PALETTE[5], "EM, means only": PALETTE[0]}
_TRUTH_STYLE = {"color": "0.15", "linestyle": ":", "linewidth": 1.6}


def _means_column(values, what):
    """A (K, 1) float array from K numbers (1-D means), or a ParameterError."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1 or arr.size < 1 or not np.all(np.isfinite(arr)):
        raise ParameterError(f"{what} must be K finite numbers (1-D means); got {values!r}.")
    return arr[:, None]


def means_only_model(n_components, *, means_init, variance=1.0, tol=1e-8, max_iter=1000):
    """The article's means-only mixture, ready to fit: weights held at 1/K, every variance
    held at ``variance``, only the means learned.

    Parameters
    ----------
    n_components : int
    means_init : array-like (K,) or (K, 1)
        The starting means (1-D data).
    variance : float
        The variance every component keeps, in the data's units squared (the article's 1).
    tol, max_iter
        As :class:`~gmm_viz.em.GaussianMixtureEM`.

    Returns
    -------
    GaussianMixtureEM
        Not fitted; ``fit(X)`` runs EM and keeps every half-step in ``history_``.
    """
    means = _means_column(means_init, "The starting means")
    k = int(n_components)
    if means.shape[0] != k:
        raise ParameterError(f"Give {k} starting means, one per component; got {means.shape[0]}.")
    variance = float(variance)
    if not np.isfinite(variance) or variance <= 0:
        raise ParameterError(f"The variance must be a positive number; got {variance!r}.")
    return GaussianMixtureEM(
        k,
        covariance_type="spherical",
        fixed=("weights", "covariances"),
        weights_init=np.full(k, 1.0 / k),
        means_init=means,
        covariances_init=np.full(k, variance),
        tol=tol,
        max_iter=max_iter,
    )


def softness(responsibilities):
    """How soft a table of responsibilities is: the largest share any point gives away from
    its main component, ``max_n (1 - max_k beta_nk)``.

    0 means a hard assignment (every row a 1 and zeros, as K-means'); with K components it is
    at most 1 - 1/K (a point shared equally).

    Parameters
    ----------
    responsibilities : array-like (N, K)

    Returns
    -------
    float
    """
    r = np.asarray(responsibilities, dtype=float)
    if r.ndim != 2 or r.shape[0] == 0 or r.shape[1] == 0:
        raise ParameterError(
            f"Responsibilities must be a table of N rows and K columns; got shape {r.shape}."
        )
    return float(np.max(1.0 - r.max(axis=1)))


@dataclass(frozen=True)
class BiasStudy:
    """Both methods fitted to many data sets drawn from one known 1-D mixture
    (see :func:`bias_study`).

    Attributes
    ----------
    true_means : ndarray (K,)
    start : ndarray (K,)
        Where both methods started, on every sample.
    n_samples : int
        Points per data set.
    estimates : dict
        For each name of :data:`METHODS`, the estimated means, (n_draws, K), in increasing
        order (each matched with the true mean of the same rank).
    """

    true_means: np.ndarray
    start: np.ndarray
    n_samples: int
    estimates: dict

    @property
    def n_draws(self):
        return self.estimates[METHODS[0]].shape[0]

    def _method(self, method):
        if method not in self.estimates:
            raise ParameterError(f"Unknown method {method!r}; choose one of {', '.join(METHODS)}.")
        return self.estimates[method]

    def errors(self, method):
        """Estimate minus truth, (n_draws, K)."""
        return self._method(method) - self.true_means[None, :]

    def bias(self, method):
        """The average error of each mean over the draws, (K,)."""
        return self.errors(method).mean(axis=0)

    def standard_error(self, method):
        """The standard error of :meth:`bias` (the draws' spread / sqrt(n_draws)), (K,)."""
        return self.errors(method).std(axis=0, ddof=1) / np.sqrt(self.n_draws)

    def rmse(self, method):
        """Root mean squared error of each mean, (K,)."""
        return np.sqrt((self.errors(method) ** 2).mean(axis=0))

    def outer_distance(self, method):
        """Distance between the outermost estimated means on each draw, (n_draws,)."""
        est = self._method(method)
        return est[:, -1] - est[:, 0]

    def n_kmeans_farther_apart(self):
        """On how many draws K-means' outer centres are farther apart than EM's outer means."""
        return int(np.sum(self.outer_distance(METHODS[0]) > self.outer_distance(METHODS[1])))

    def table(self, digits=3):
        """The study as a text table: bias (± standard error) and RMSE of each mean."""
        heads = [f"mean {k + 1} (true {m:g})" for k, m in enumerate(self.true_means)]
        width = max(18, *(len(h) + 2 for h in heads))
        lines = [
            f"{self.n_draws} data sets of {self.n_samples} points; both methods start at "
            + ", ".join(f"{s:g}" for s in self.start),
            "bias = average of (estimate - truth) ± its standard error",
        ]
        rows = [(f"{m} bias", m, "bias") for m in METHODS] + [
            (f"{m} RMSE", m, "rmse") for m in METHODS
        ]
        label = max(len(r[0]) for r in rows) + 2
        lines.append(" " * label + "".join(h.rjust(width) for h in heads))
        for name, method, what in rows:
            if what == "bias":
                cells = [
                    f"{b:+.{digits}f} ± {s:.{digits}f}"
                    for b, s in zip(self.bias(method), self.standard_error(method), strict=True)
                ]
            else:
                cells = [f"{r:.{digits}f}" for r in self.rmse(method)]
            lines.append(name.ljust(label) + "".join(c.rjust(width) for c in cells))
        return "\n".join(lines)


def bias_study(
    true_means, *, n_samples=300, n_draws=300, start=None, variance=1.0, random_state=0
):
    """Draw many data sets from one mixture (equal weights, one variance) and fit both
    methods to each from the same start: K-means and EM in the means-only model.

    EM here knows the true variance and weights (the model is right), so its means are the
    maximum-likelihood ones; K-means assigns each point whole to its nearest centre.

    Parameters
    ----------
    true_means : array-like (K,)
        The mixture's means (1-D); its weights are 1/K and every variance ``variance``.
    n_samples : int
        Points per data set.
    n_draws : int
        Number of data sets.
    start : array-like (K,), optional
        Where both methods start on every data set (default: the true means, the best start
        there is, so that what is left is the method's own bias).
    variance : float
        The mixture's variance, which the means-only model also holds.
    random_state : int or None
        Seed of the data sets.

    Returns
    -------
    BiasStudy
    """
    truth = _means_column(true_means, "The true means")
    k = truth.shape[0]
    start = truth.copy() if start is None else _means_column(start, "The starting means")
    if start.shape[0] != k:
        raise ParameterError(f"Give {k} starting means, one per true mean; got {start.shape[0]}.")
    n_samples, n_draws = int(n_samples), int(n_draws)
    if n_samples < k or n_draws < 2:
        raise ParameterError(
            f"Use at least {k} points per sample and 2 samples; got {n_samples} and {n_draws}."
        )
    weights = np.full(k, 1.0 / k)
    rng = np.random.default_rng(random_state)
    hard = np.empty((n_draws, k))
    soft = np.empty((n_draws, k))
    model = means_only_model(k, means_init=start, variance=variance)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for i in range(n_draws):
            X, _ = sample_mixture(weights, truth, np.full(k, variance), n_samples, rng)
            hard[i] = np.sort(kmeans(X, k, init=start, max_iter=1000).centers[:, 0])
            soft[i] = np.sort(model.fit(X).means_[:, 0])
    return BiasStudy(
        true_means=truth[:, 0].copy(),
        start=start[:, 0].copy(),
        n_samples=n_samples,
        estimates={METHODS[0]: hard, METHODS[1]: soft},
    )


def _new_figure(figsize):
    fig = Figure(figsize=figsize, dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _truth_lines(ax, true_means):
    for m in true_means:
        ax.axvline(m, zorder=2.5, **_TRUTH_STYLE)


def soft_vs_hard_figure(X, hard, soft, *, true_means=None, xlabel="x", size="screen"):
    """K-means' hard labels (left) beside EM's soft ones (right), on the same x range.

    Parameters
    ----------
    X : array-like (N,) or (N, 1)
    hard : KMeansResult
        From :func:`~gmm_viz.em.kmeans`.
    soft : GaussianMixtureEM
        Fitted (e.g. :func:`means_only_model`); the right panel shows its bells and colours
        each point by its responsibilities.
    true_means : array-like (K,), optional
        Marked in both panels with dotted lines (one legend entry under the panels).
    xlabel : str
    size : {"screen", "projector"}

    Returns
    -------
    Figure
    """
    x = np.asarray(X, dtype=float).reshape(-1)
    if x.size == 0:
        raise ParameterError("Give at least one point to draw.")
    centers = np.asarray(hard.centers, dtype=float).reshape(-1)
    means = soft.means_.reshape(-1)
    marks = [] if true_means is None else list(_means_column(true_means, "The true means")[:, 0])
    lo = min(x.min(), *centers, *means, *marks)
    hi = max(x.max(), *centers, *means, *marks)
    pad = 0.1 * (hi - lo) if hi > lo else 1.0
    grid = np.linspace(lo - pad, hi + pad, 600)

    fig = _new_figure((12, 4.2) if size == "screen" else (15, 5.2))
    left, right = fig.subplots(1, 2)
    draw_hard_assignment_1d(left, x, hard.centers, hard.labels, xlabel=xlabel, size=size)
    left.set_title("K-means: hard assignment (one colour per point)")
    resp, _ = e_step(x[:, None], soft.params_)
    draw_mixture_1d(right, x, soft.params_, responsibilities=resp, grid=grid, xlabel=xlabel)
    right.set_title("EM, means only: soft assignment (blended colours)")
    for ax in (left, right):
        ax.set_xlim(grid[0], grid[-1])
        _truth_lines(ax, marks)
    if marks:
        label = "true means (" + ", ".join(f"{m:g}" for m in marks) + ")"
        proxy = Line2D([], [], label=label, **_TRUTH_STYLE)
        fig.legend(handles=[proxy], loc="outside lower center", frameon=False)
    return fig


def bias_figure(study, *, xlabel="x"):
    """A :class:`BiasStudy` in two panels: the bias of each mean (± 2 standard errors) for
    both methods, and the distribution of the distance between the outer means.

    Returns
    -------
    Figure
    """
    fig = _new_figure((12, 4.0))
    left, right = fig.subplots(1, 2)
    truth = study.true_means
    step = np.min(np.diff(truth)) if truth.size > 1 else 1.0
    for j, method in enumerate(METHODS):
        offset = (j - 0.5) * 0.12 * step
        left.errorbar(
            truth + offset,
            study.bias(method),
            yerr=2 * study.standard_error(method),
            fmt="o",
            ms=7,
            capsize=4,
            color=_METHOD_COLORS[method],
            label=method,
        )
    left.axhline(0.0, color="0.3", linewidth=1.0)
    left.set_xticks(truth, [f"{m:g}" for m in truth])
    left.set_xlabel(f"true mean ({xlabel})")
    left.set_ylabel("bias: average of estimate - truth")
    left.set_title(f"Bias of each mean over {study.n_draws} data sets (bars: ± 2 s.e.)")
    left.legend(frameon=False)

    distances = {m: study.outer_distance(m) for m in METHODS}
    both = np.concatenate(list(distances.values()))
    bins = np.linspace(both.min(), both.max(), 31)
    for method in METHODS:
        right.hist(
            distances[method], bins=bins, alpha=0.55, color=_METHOD_COLORS[method], label=method
        )
    right.axvline(truth[-1] - truth[0], label="true distance", **_TRUTH_STYLE)
    right.set_xlabel(f"distance between the outer means ({xlabel})")
    right.set_ylabel("samples")
    right.set_title(
        f"K-means' outer centres are farther apart on {study.n_kmeans_farther_apart()} "
        f"of {study.n_draws} data sets"
    )
    right.legend(frameon=False)
    return fig
