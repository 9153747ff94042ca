"""The figure (a mixture axes above a log-likelihood axes) and blitting: redraw only what a
half-step changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from gmm_viz.errors import ParameterError
from gmm_viz.plotting.layout import _CachedConstrainedLayout
from gmm_viz.plotting.style import _size_spec, _style_axes


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
    fig = _blank_figure(spec["figsize"] if n_features == 1 else spec["figsize_2d"], figure)
    grid = fig.add_gridspec(2, 1, height_ratios=(3.2, 1.0) if n_features == 1 else (4.0, 1.0))
    ax_mixture = fig.add_subplot(grid[0])
    ax_loglik = fig.add_subplot(grid[1])
    for ax in (ax_mixture, ax_loglik):
        _style_axes(ax, spec)
    return fig, ax_mixture, ax_loglik


def _blank_figure(figsize, figure=None):
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
    if n_features not in (1, 2):
        raise ParameterError(f"A step picture shows 1 or 2 columns; got {n_features}.")
    width, height = spec["figsize"] if n_features == 1 else spec["figsize_2d"]
    if n_features == 1:
        height *= 1.3  # room for the responsibility panel
    fig = _blank_figure((width, height), figure)
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


class BlitRenderer:
    """Redraw a figure fast by drawing only what a half-step changes (blitting).

    The first render draws the static parts (axes, ticks, grid, labels) once and keeps
    that picture; later renders paste it back and draw only the data artists (curves,
    points, ellipses, arrows, contours), the legends and the titles on top. The kept
    picture is redrawn when an axis limit, the figure size or the layout changed. This
    follows matplotlib's blitting recipe for animations, on the Agg canvas.

    Parameters
    ----------
    fig : Figure
        A figure with an Agg canvas (see :func:`figure_for`).
    """

    def __init__(self, fig):
        self.fig = fig
        self._background = None
        self._key = None

    @staticmethod
    def _dynamic(ax):
        legend = ax.get_legend()
        titles = (ax.title, ax._left_title, ax._right_title)
        artists = [*ax.lines, *ax.collections, *ax.patches, *ax.texts, *ax.images, *ax.artists]
        artists.sort(key=lambda a: a.get_zorder())
        return artists + ([legend] if legend is not None else []) + list(titles)

    def _state(self):
        limits = tuple((ax.get_xlim(), ax.get_ylim()) for ax in self.fig.axes)
        return (tuple(self.fig.get_size_inches()), self.fig.dpi, limits)

    def invalidate(self):
        """Redraw the static parts at the next render (after restyling, say)."""
        self._background = None

    def render(self):
        """Bring the canvas up to date; returns the canvas (read ``buffer_rgba()``)."""
        canvas = self.fig.canvas
        engine = self.fig.get_layout_engine()
        stale = isinstance(engine, _CachedConstrainedLayout) and engine.is_stale
        if self._background is None or stale or self._state() != self._key:
            dynamic = [a for ax in self.fig.axes for a in self._dynamic(ax)]
            for artist in dynamic:
                artist.set_animated(True)
            try:
                canvas.draw()  # the static parts only
            finally:
                # Animated artists are skipped by every full draw (savefig too): undo it.
                for artist in dynamic:
                    artist.set_animated(False)
            self._background = canvas.copy_from_bbox(self.fig.bbox)
            self._key = self._state()
        else:
            canvas.restore_region(self._background)
        renderer = canvas.get_renderer()
        for ax in self.fig.axes:
            for artist in self._dynamic(ax):
                artist.draw(renderer)
        return canvas
