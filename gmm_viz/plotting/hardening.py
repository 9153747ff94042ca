"""K-means as a limit of EM: with equal weights and one shared variance sigma², the
responsibilities beta_k(x) harden into K-means' 0 / 1 assignment as sigma² goes to 0.

:func:`draw_hardening` draws the responsibility curves of such a model beside the nearest-mean
assignment (dashed); :func:`update_hardening` changes the variance in place (the lesson's
slider); :func:`hardening_strip` puts a few variances side by side for a static page.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.lines import Line2D

from gmm_viz.conventions import colors_for
from gmm_viz.em import e_step, make_params
from gmm_viz.errors import ParameterError
from gmm_viz.plotting._common import _data
from gmm_viz.plotting.figure import blank_figure
from gmm_viz.plotting.responsibility_panel import (
    draw_responsibilities_1d,
    update_responsibilities_1d,
)
from gmm_viz.plotting.style import _size_spec

__all__ = ["HardeningArtists", "draw_hardening", "hardening_strip", "update_hardening"]


@dataclass
class HardeningArtists:
    """The artists of :func:`draw_hardening`."""

    panel: object  # ResponsibilityArtists1D
    means: np.ndarray
    hard: list
    variance: float


def _model(means, variance):
    variance = float(variance)
    if not np.isfinite(variance) or variance <= 0:
        raise ParameterError(f"The shared variance must be a positive number; got {variance}.")
    k = means.shape[0]
    return make_params(np.full(k, 1.0 / k), means, np.full(k, variance))


def draw_hardening(ax, X, means, variance=1.0, *, size="screen", xlabel="x"):
    """The responsibilities of an equal-weight, shared-variance mixture at ``means``.

    Parameters
    ----------
    ax : Axes
    X : array-like (N,) or (N, 1)
    means : array-like (K,)
        The components' means (held still: only the variance changes).
    variance : float
        The shared variance sigma² (> 0).

    Returns
    -------
    HardeningArtists
    """
    x = _data(X, 1)[:, 0]
    means = np.asarray(means, dtype=float).reshape(-1, 1)
    if means.shape[0] < 2:
        raise ParameterError("Give at least two means: one component owns everything.")
    span = max(np.ptp(np.r_[x, means[:, 0]]), 1e-9)
    lo, hi = min(x.min(), means.min()) - 0.15 * span, max(x.max(), means.max()) + 0.15 * span
    grid = np.linspace(lo, hi, 600)
    k = means.shape[0]
    panel = draw_responsibilities_1d(ax, x, grid, k, size=size, xlabel=xlabel)
    spec = _size_spec(size)
    # K-means: every x belongs wholly to its nearest mean.
    nearest = np.argmin(np.abs(grid[:, None] - means[:, 0][None, :]), axis=1)
    hard = []
    for j, c in enumerate(colors_for(None, k)):
        (line,) = ax.plot(
            grid, (nearest == j).astype(float), color=c, ls="--", lw=0.6 * spec["line"], zorder=2
        )
        hard.append(line)
    for m, c in zip(means[:, 0], colors_for(None, k), strict=True):
        ax.axvline(m, color=c, lw=0.8, ls=":", zorder=1)
    ax.legend(
        handles=[
            Line2D([], [], color="0.3", lw=spec["line"], label="EM: β_k(x)"),
            Line2D([], [], color="0.3", lw=0.6 * spec["line"], ls="--", label="K-means: 0 or 1"),
        ],
        loc="center right",
        fontsize=spec["legend"],
        frameon=True,
    )
    artists = HardeningArtists(panel=panel, means=means, hard=hard, variance=float(variance))
    return update_hardening(artists, variance)


def update_hardening(artists, variance):
    """Show the responsibilities at another shared variance (the curves and points move)."""
    params = _model(artists.means, variance)
    resp = e_step(artists.panel.X[:, None], params)[0]
    update_responsibilities_1d(artists.panel, params, resp)
    artists.variance = float(variance)
    # Above the point numbers that sit on top of the panel.
    artists.panel.ax.set_title(f"shared variance σ² = {float(variance):g}", pad=18)
    return artists


def hardening_strip(X, means, variances=(1.0, 0.3, 0.1, 0.01), *, size="screen", xlabel="x"):
    """A row of :func:`draw_hardening` panels, one per variance: the motion on a static page."""
    variances = list(variances)
    if not variances:
        raise ParameterError("Give at least one variance to draw.")
    height = _size_spec(size)["figsize"][1]
    fig = blank_figure((min(4.2 * len(variances), 18), 0.45 * height))
    axes = fig.subplots(1, len(variances), squeeze=False)[0]
    for j, (ax, v) in enumerate(zip(axes, variances, strict=True)):
        draw_hardening(ax, X, means, v, size=size, xlabel=xlabel)
        if j < len(variances) - 1:
            ax.get_legend().remove()  # one legend, on the last panel
        if j:
            ax.set_ylabel("")
    return fig
