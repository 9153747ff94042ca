"""Many fits side by side: the optima that different starts reach, their log-likelihood
traces, and the criteria that choose the number of components.

EM climbs the hill it starts on. These pictures put several runs next to each other so that
a student sees the different answers (each drawn over the data), how each run got there (its
log-likelihood, iteration by iteration), and how BIC, AIC and a held-out log-likelihood
judge the number of components K. Like the rest of :mod:`gmm_viz.plotting`, every function
draws onto given Axes and does no EM arithmetic of its own: densities and responsibilities
come from :mod:`gmm_viz.em`, the log-likelihoods from the runs' histories.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_viz.conventions import PALETTE, number_format
from gmm_viz.em import GMMParams, e_step, make_params
from gmm_viz.errors import ParameterError
from gmm_viz.plotting._common import _data
from gmm_viz.plotting.one_d import GRID_POINTS_1D, MixtureArtists1D, draw_mixture_1d
from gmm_viz.plotting.style import _size_spec, _style_axes

__all__ = [
    "CriteriaArtists",
    "TraceArtists",
    "draw_fits_1d",
    "draw_k_criteria",
    "draw_restart_traces",
    "group_optima",
    "optimum_names",
    "sorted_by_mean",
]

# Colours of the optima, best first: the palette without its yellow (too faint for a line),
# the two blues kept apart.
_OPTIMUM_COLORS = [PALETTE[i] for i in (0, 1, 2, 3, 5, 4, 7)]


def group_optima(log_likelihoods, decimals=2):
    """Which runs reached the same optimum, judged by their final log-likelihood.

    Parameters
    ----------
    log_likelihoods : array-like (R,)
        The final total log-likelihood of each run.
    decimals : int
        Runs whose log-likelihoods agree when rounded to this many decimals count as one
        optimum.

    Returns
    -------
    labels : ndarray of int (R,)
        The optimum of each run: 0 is the best (highest log-likelihood), 1 the next, ...
    values : ndarray (M,)
        The log-likelihood of each optimum, best first (rounded to ``decimals``).

    Examples
    --------
    >>> labels, values = group_optima([-10.001, -12.5, -10.0, -11.0])
    >>> labels.tolist(), values.tolist()
    ([0, 2, 0, 1], [-10.0, -11.0, -12.5])
    """
    ll = np.asarray(log_likelihoods, dtype=float).ravel()
    if ll.size == 0 or not np.all(np.isfinite(ll)):
        raise ParameterError("Give at least one finite log-likelihood, one per run.")
    rounded = np.round(ll, int(decimals))
    values = np.unique(rounded)[::-1]
    labels = np.array([int(np.flatnonzero(values == r)[0]) for r in rounded])
    return labels, values


def optimum_names(n):
    """Letters for ``n`` optima, best first: ``["A", "B", ...]`` (then "A2", "B2", ...)."""
    n = int(n)
    if n < 0:
        raise ParameterError(f"The number of optima must be at least 0; got {n}.")
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return [letters[i % 26] + ("" if i < 26 else str(i // 26 + 1)) for i in range(n)]


def _as_params(fit):
    """GMMParams from a fitted estimator (``params_``), GMMParams or a dict."""
    if isinstance(fit, GMMParams):
        return fit
    if isinstance(fit, dict):
        return make_params(**fit)
    params = getattr(fit, "params_", None)
    if isinstance(params, GMMParams):
        return params
    raise ParameterError(
        "Give fitted GaussianMixtureEM models, GMMParams, or dicts of weights, means and "
        f"covariances; got {type(fit).__name__}."
    )


def sorted_by_mean(params):
    """The same 1-D mixture with its components ordered by their means (left to right), so
    that the colours of different fits line up.

    Parameters
    ----------
    params : GMMParams, dict, or a fitted GaussianMixtureEM (1-D)

    Returns
    -------
    GMMParams
    """
    params = _as_params(params)
    if params.n_features != 1:
        raise ParameterError(
            f"Components are ordered by their means in 1-D; these have {params.n_features} "
            "features."
        )
    order = np.argsort(params.means[:, 0], kind="stable")
    full = params.full_covariances()[order]
    return make_params(params.weights[order], params.means[order], full)


def draw_fits_1d(
    axes,
    X,
    fits,
    *,
    titles=None,
    hist=True,
    bins=None,
    xlabel=None,
    sort=True,
    legend="all",
    size="screen",
):
    """Draw several fitted 1-D mixtures, one per Axes, over the same data and x range.

    Each panel is :func:`~gmm_viz.plotting.draw_mixture_1d`: the data (a histogram, and the
    points as a rug coloured by the fit's responsibilities), each weighted component and
    the mixture, with a legend that reads out every component's weight, mean and variance.
    All panels share one x range, so that the eye compares places rather than axes, and
    the densities are evaluated at every component's mean too, so that a spike (a component
    collapsing onto a point) is drawn at its full height.

    Parameters
    ----------
    axes : sequence of Axes
        One per fit.
    X : array-like (N,) or (N, 1)
    fits : sequence of fitted GaussianMixtureEM, GMMParams or dicts
    titles : sequence of str, optional
        One per panel.
    hist : "auto", True or False
        As in :func:`~gmm_viz.plotting.draw_mixture_1d`; True (the default) draws the
        histogram under the rug.
    bins : int or sequence, optional
        Histogram bins, the same for every panel (default: numpy's "auto" rule on X).
    xlabel : str, optional
        The x axis label (with its unit, e.g. ``dataset.axis_labels[0]``).
    sort : bool
        Order each fit's components by their means, so that colour k is the k-th
        component from the left in every panel.
    legend : {"all", "first", "none"}
        Which panels keep their legend.
    size : "screen", "projector" or a dict of sizes

    Returns
    -------
    list of MixtureArtists1D
    """
    axes = list(np.ravel(np.asarray(axes, dtype=object)))
    fits = list(fits)
    if not fits:
        raise ParameterError("Give at least one fit to draw.")
    if len(axes) != len(fits):
        raise ParameterError(f"Give one Axes per fit: {len(fits)} fits but {len(axes)} Axes.")
    if titles is not None:
        titles = [str(t) for t in titles]
        if len(titles) != len(fits):
            raise ParameterError(
                f"Give one title per fit: {len(fits)} fits, {len(titles)} titles."
            )
    if legend not in ("all", "first", "none"):
        raise ParameterError(f"legend must be 'all', 'first' or 'none'; got {legend!r}.")
    x = _data(X, 1)
    params = [_as_params(f) for f in fits]
    if any(p.n_features != 1 for p in params):
        raise ParameterError("These pictures are 1-D: every fit must have one feature.")
    if sort:
        params = [sorted_by_mean(p) for p in params]
    lo, hi = float(x.min()), float(x.max())
    span = hi - lo if hi > lo else max(abs(lo), 1.0)
    grid = np.linspace(lo - 0.1 * span, hi + 0.1 * span, GRID_POINTS_1D)
    # Every mean on the grid: a collapsed component, a spike far narrower than the grid's
    # spacing, is drawn at its full height instead of slipping between two grid points.
    means = np.concatenate([p.means[:, 0] for p in params])
    grid = np.unique(np.concatenate([grid, means[(means >= grid[0]) & (means <= grid[-1])]]))
    if bins is None and hist is not False:
        bins = np.histogram_bin_edges(x[:, 0], bins="auto")
        if len(bins) < 11:
            bins = np.linspace(bins[0], bins[-1], 11)
    drawn = []
    for i, (ax, p) in enumerate(zip(axes, params, strict=True)):
        resp = e_step(x, p)[0]
        artists: MixtureArtists1D = draw_mixture_1d(
            ax,
            x,
            p,
            responsibilities=resp,
            grid=grid,
            hist=hist,
            bins=bins,
            xlabel=xlabel,
            size=size,
        )
        if titles is not None:
            ax.set_title(titles[i], loc="left", fontsize=_size_spec(size)["title"])
        keep = legend == "all" or (legend == "first" and i == 0)
        if not keep and ax.get_legend() is not None:
            ax.get_legend().remove()
        drawn.append(artists)
    return drawn


@dataclass(eq=False)
class TraceArtists:
    """The artists of :func:`draw_restart_traces`.

    Attributes
    ----------
    ax : Axes
    lines : list of Line2D
        One per run, in the order given.
    labels : ndarray of int
        The optimum each run reached (0 = best).
    values : ndarray
        The log-likelihood of each optimum, best first.
    legend : Legend or None
    """

    ax: object
    lines: list
    labels: np.ndarray
    values: np.ndarray
    legend: object = None


def _trace(run):
    """Total log-likelihood at the start and after each M-step of one run."""
    history = getattr(run, "history_", run)
    if hasattr(history, "log_likelihoods"):
        return np.asarray(history.log_likelihoods(), dtype=float)[0::2]
    values = np.asarray(run, dtype=float).ravel()
    if values.size == 0:
        raise ParameterError("A run's log-likelihood trace is empty.")
    return values


def draw_restart_traces(
    ax,
    runs,
    *,
    run_names=None,
    decimals=2,
    below_best=None,
    size="screen",
):
    """Draw the log-likelihood of several runs, iteration by iteration, coloured by the
    optimum each one reaches.

    A run's trace is its total log-likelihood at the start (iteration 0) and after each
    M-step: with exact EM (``reg_covar=0``) it never goes down (with a variance floor it may
    dip, see :class:`~gmm_viz.em.GaussianMixtureEM`), and it flattens where EM stops. Runs
    that end on the same optimum (equal final log-likelihood to ``decimals`` decimals, see
    :func:`group_optima`) share a colour, and the legend names each optimum ("A" is the
    best) with its log-likelihood and the runs that reached it.

    Parameters
    ----------
    ax : Axes
    runs : sequence of fitted GaussianMixtureEM, EMHistory or arrays of log-likelihoods
        Arrays are taken as the values per iteration.
    run_names : sequence of str, optional
        How the legend names each run (default "1", "2", ...).
    decimals : int
        Final log-likelihoods equal to this many decimals are one optimum.
    below_best : float, optional
        Show only this far below the best final log-likelihood (the first iterations of a
        poor start can be far lower and would squash the differences that matter); the
        traces then enter from the bottom edge.
    size : "screen", "projector" or a dict of sizes

    Returns
    -------
    TraceArtists
    """
    spec = _size_spec(size)
    traces = [_trace(r) for r in runs]
    if not traces:
        raise ParameterError("Give at least one run to draw.")
    if run_names is None:
        run_names = [str(i + 1) for i in range(len(traces))]
    run_names = [str(n) for n in run_names]
    if len(run_names) != len(traces):
        raise ParameterError(
            f"Give one name per run: {len(traces)} runs but {len(run_names)} names."
        )
    labels, values = group_optima([t[-1] for t in traces], decimals)
    names = optimum_names(len(values))
    colors = [_OPTIMUM_COLORS[j % len(_OPTIMUM_COLORS)] for j in range(len(values))]
    lines, first_line = [], {}
    for trace, label in zip(traces, labels, strict=True):
        (line,) = ax.plot(
            np.arange(trace.size),
            trace,
            color=colors[label],
            lw=spec["ll_line"],
            alpha=0.85,
            zorder=3 if label == 0 else 2,
        )
        lines.append(line)
        first_line.setdefault(int(label), line)
        ax.plot(trace.size - 1, trace[-1], "o", color=colors[label], ms=spec["ll_marker"])
    _style_axes(ax, spec)
    ax.set_xlabel("iteration (0 = the start)")
    ax.set_ylabel("log-likelihood")
    ax.set_xlim(0, max(t.size for t in traces) - 1 + 0.5)
    if below_best is not None:
        top = float(values[0])
        spread = top - float(values[-1])
        margin = max(0.04 * float(below_best), 1e-9)
        ax.set_ylim(top - float(below_best), top + max(margin, 0.05 * spread))
    handles, texts = [], []
    fmt = number_format(values[: len(names)], decimals)  # one format for the legend
    for j, name in enumerate(names):
        members = [run_names[i] for i in np.flatnonzero(labels == j)]
        which = "start" if len(members) == 1 else "starts"
        handles.append(first_line[j])
        texts.append(f"{name}: {fmt(values[j])} ({which} {', '.join(members)})")
    legend = ax.legend(
        handles,
        texts,
        title="optimum: final log-likelihood",
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0.0,
        frameon=False,
        fontsize=spec["legend"],
        title_fontsize=spec["legend"],
        alignment="left",
    )
    return TraceArtists(ax=ax, lines=lines, labels=labels, values=values, legend=legend)


@dataclass(eq=False)
class CriteriaArtists:
    """The artists of :func:`draw_k_criteria`.

    Attributes
    ----------
    penalised : Axes
        BIC and AIC (lower is better).
    held_out : Axes or None
        The held-out log-likelihood per point (higher is better).
    bic, aic : Line2D
    held_out_line : ErrorbarContainer or None
    best : dict
        The K each criterion chooses: ``{"BIC": k, "AIC": k, "held-out": k}``.
    """

    penalised: object
    held_out: object
    bic: object
    aic: object
    held_out_line: object
    best: dict


def _mark_best(ax, k, y, color, text, spec, above):
    ax.plot(k, y, "o", ms=2.4 * spec["ll_marker"], mfc="none", mec=color, mew=2.0, zorder=5)
    ax.annotate(
        text,
        (k, y),
        xytext=(9, 9 if above else -11),
        textcoords="offset points",
        ha="left",
        va="bottom" if above else "top",
        color=color,
        fontsize=spec["legend"],
        fontweight="bold",
    )


def draw_k_criteria(ax_penalised, ax_held_out, ks, bic, aic, held_out=None, *, size="screen"):
    """Draw BIC and AIC against K on one Axes and the held-out log-likelihood on another,
    with each criterion's choice ringed.

    Parameters
    ----------
    ax_penalised : Axes
        For BIC and AIC (lower is better).
    ax_held_out : Axes or None
        For the held-out log-likelihood per point (higher is better); share its x axis
        with ``ax_penalised`` to read both at the same K.
    ks : array-like of int (M,)
    bic, aic : array-like (M,)
        One value per K, e.g. ``model.bic(X)`` and ``model.aic(X)``.
    held_out : HeldOutResult, optional
        From :func:`gmm_viz.model_selection.held_out_log_likelihood` with the same ``ks``:
        its mean over the splits is drawn with a bar of one standard deviation.
    size : "screen", "projector" or a dict of sizes

    Returns
    -------
    CriteriaArtists
    """
    spec = _size_spec(size)
    ks = np.asarray(ks)
    bic = np.asarray(bic, dtype=float).ravel()
    aic = np.asarray(aic, dtype=float).ravel()
    if ks.ndim != 1 or ks.size == 0 or bic.shape != ks.shape or aic.shape != ks.shape:
        raise ParameterError("Give one BIC and one AIC value per K.")
    if held_out is not None and ax_held_out is None:
        raise ParameterError("Give an Axes for the held-out log-likelihood.")
    if held_out is not None and not np.array_equal(np.asarray(held_out.ks), ks):
        raise ParameterError("The held-out result must be for the same K values.")
    blue, vermillion, green = PALETTE[0], PALETTE[5], PALETTE[2]
    (bic_line,) = ax_penalised.plot(ks, bic, "-o", color=blue, lw=spec["line"], label="BIC")
    (aic_line,) = ax_penalised.plot(ks, aic, "-s", color=vermillion, lw=spec["line"], label="AIC")
    best = {"BIC": int(ks[np.argmin(bic)]), "AIC": int(ks[np.argmin(aic)])}
    _mark_best(ax_penalised, best["BIC"], bic.min(), blue, f"BIC: K = {best['BIC']}", spec, True)
    _mark_best(
        ax_penalised, best["AIC"], aic.min(), vermillion, f"AIC: K = {best['AIC']}", spec, False
    )
    # BIC >= AIC at every K once ln N > 2: BIC's label goes above its curve, AIC's below.
    _style_axes(ax_penalised, spec)
    ax_penalised.set_ylabel("criterion (lower is better)")
    ax_penalised.legend(loc="upper right", frameon=False, fontsize=spec["legend"])
    lo = min(bic.min(), aic.min())
    hi = max(bic.max(), aic.max())
    pad = 0.08 * (hi - lo if hi > lo else 1.0)
    ax_penalised.set_ylim(lo - 2 * pad, hi + pad)
    ax_penalised.set_xticks(ks)
    if ax_held_out is None or held_out is None:
        ax_penalised.set_xlabel("number of components K")
    held_line = None
    if held_out is not None:
        mean, sd = held_out.mean_test, held_out.std_test
        held_line = ax_held_out.errorbar(
            ks,
            mean,
            yerr=sd,
            fmt="-D",
            color=green,
            lw=spec["line"],
            capsize=4,
            label=f"held-out, mean of {held_out.test.shape[0]} splits (bar: 1 sd)",
        )
        best["held-out"] = int(held_out.best_k)
        j = int(np.argmax(mean))
        _mark_best(
            ax_held_out,
            best["held-out"],
            mean[j],
            green,
            f"held-out: K = {best['held-out']}",
            spec,
            True,
        )
        _style_axes(ax_held_out, spec)
        ax_held_out.set_ylabel("held-out log-lik.\nper point (higher is better)")
        ax_held_out.set_xlabel("number of components K")
        ax_held_out.set_xticks(ks)
        ax_held_out.legend(loc="lower left", frameon=False, fontsize=spec["legend"])
        top = float(np.max(mean + sd))
        bottom = float(np.min(mean - sd))
        pad = 0.12 * (top - bottom if top > bottom else 1.0)
        ax_held_out.set_ylim(bottom - pad, top + 2 * pad)
    return CriteriaArtists(
        penalised=ax_penalised,
        held_out=ax_held_out,
        bic=bic_line,
        aic=aic_line,
        held_out_line=held_line,
        best=best,
    )
