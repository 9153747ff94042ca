"""The figure: a mixture axes above a log-likelihood axes (in 1-D with the responsibility
panel between them). Blitting, which redraws only what a half-step changes, is in
:mod:`gmm_viz.plotting.blit` (:class:`BlitRenderer` is also importable from here).
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from gmm_viz.errors import ParameterError
from gmm_viz.plotting.blit import BlitRenderer  # noqa: F401  (its old home)
from gmm_viz.plotting.layout import _CachedConstrainedLayout
from gmm_viz.plotting.style import _size_spec, _style_axes

# How many columns of data a picture can show: a line (1-D) or a plane (2-D).
DRAWN_COLUMNS = (1, 2)


def check_drawable(n_columns, picture="A step picture", fix="choose one or two columns"):
    """The one rule of every picture, animation and explorer: 1 or 2 columns.

    Raises :class:`ParameterError` with ``picture`` (what was asked for) and ``fix`` (how the
    user picks columns where they are) in its sentence.
    """
    if int(n_columns) not in DRAWN_COLUMNS:
        raise ParameterError(
            f"{picture} shows 1 or 2 columns and these data have {n_columns} columns; {fix}."
        )


def figure_for(n_features, size="screen", figure=None):
    """A figure with a big mixture axes above a smaller log-likelihood axes.

    Made with :class:`matplotlib.figure.Figure` and an Agg canvas (no pyplot state). The
    layout is constrained (legends outside on the right), recomputed only when the
    figure's size or the plotted labels and limits change.

    Parameters
    ----------
    n_features : int
        1 for a 1-D picture, 2 for a 2-D one (a squarer main axes).
    size : "screen", "projector" or a dict of :data:`SIZES` keys
    figure : Figure, optional
        A figure to reuse: it is cleared and resized (its canvas is kept).

    Returns
    -------
    fig, ax_mixture, ax_loglik
    """
    spec = _size_spec(size)
    n_features = int(n_features)
    if n_features < 1:
        raise ParameterError(f"The data need at least one feature; got {n_features}.")
    fig = blank_figure(spec["figsize"] if n_features == 1 else spec["figsize_2d"], figure)
    grid = fig.add_gridspec(2, 1, height_ratios=(3.2, 1.0) if n_features == 1 else (4.0, 1.0))
    ax_mixture = fig.add_subplot(grid[0])
    ax_loglik = fig.add_subplot(grid[1])
    for ax in (ax_mixture, ax_loglik):
        _style_axes(ax, spec)
    return fig, ax_mixture, ax_loglik


def blank_figure(figsize, figure=None):
    """A new Agg figure of ``figsize`` (or ``figure`` cleared and resized), with the cached
    constrained layout."""
    if figure is None:
        fig = Figure(figsize=figsize, dpi=100)
        FigureCanvasAgg(fig)
    else:
        fig = figure
        fig.clear()
        fig.set_size_inches(figsize)
    fig.set_layout_engine(_CachedConstrainedLayout(h_pad=0.06, w_pad=0.06, hspace=0.06))
    return fig


@dataclass
class StepAxes:
    """The axes of a :class:`~gmm_viz.plotting.StepView` figure."""

    figure: Figure
    mixture: object
    responsibilities: object  # 1-D: beta_k(x) under the densities; None in 2-D
    loglik: object


def step_axes(n_features, size="screen", figure=None):
    """A figure for one run's picture: the mixture, in 1-D the responsibilities under it
    (sharing its x axis), and the log-likelihood at the bottom.

    Same canvas, size and cached layout as :func:`figure_for`.
    """
    spec = _size_spec(size)
    n_features = int(n_features)
    check_drawable(n_features)
    width, height = spec["figsize"] if n_features == 1 else spec["figsize_2d"]
    if n_features == 1:
        height *= 1.3  # room for the responsibility panel
    fig = blank_figure((width, height), figure)
    if n_features == 1:
        grid = fig.add_gridspec(3, 1, height_ratios=(3.2, 1.25, 1.0))
        ax_mixture = fig.add_subplot(grid[0])
        ax_resp = fig.add_subplot(grid[1], sharex=ax_mixture)
        ax_mixture.tick_params(labelbottom=False)
        ax_loglik = fig.add_subplot(grid[2])
    else:
        grid = fig.add_gridspec(2, 1, height_ratios=(4.0, 1.0))
        ax_mixture, ax_resp, ax_loglik = fig.add_subplot(grid[0]), None, fig.add_subplot(grid[1])
    for ax in (ax_mixture, ax_resp, ax_loglik):
        if ax is not None:
            _style_axes(ax, spec)
    return StepAxes(fig, ax_mixture, ax_resp, ax_loglik)
