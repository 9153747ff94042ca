"""The picture of one EM run at any half-step, drawn once and then updated in place.

:class:`StepView` is the one place that knows what "half-step *s* of this run" looks like:
the data coloured by their responsibilities with the mixture over them (1-D densities or
2-D ellipses, ghosts and arrows after an M-step), and the log-likelihood over half-steps
with a marker at *s*. The explorer, the lessons' static figures and every export
(:mod:`gmm_viz.export`) draw with it. :func:`step_strip` puts several half-steps side by
side, for a notebook or a handout.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from gmm_viz.em import GMMParams
from gmm_viz.errors import ParameterError
from gmm_viz.plotting.blit import BlitRenderer, keep_still
from gmm_viz.plotting.figure import check_drawable, step_axes
from gmm_viz.plotting.layout import refresh_layout
from gmm_viz.plotting.loglik import (
    draw_log_likelihood,
    set_lower_bounds,
    show_whole_run,
    update_log_likelihood,
)
from gmm_viz.plotting.one_d import (
    _grid_1d,
    draw_mixture_1d,
    select_point_mixture_1d,
    update_mixture_1d,
)
from gmm_viz.plotting.overlays import draw_truth
from gmm_viz.plotting.png import encode_png
from gmm_viz.plotting.responsibility_panel import (
    draw_responsibilities_1d,
    select_point_1d,
    update_responsibilities_1d,
)
from gmm_viz.plotting.style import _size_spec
from gmm_viz.plotting.two_d import draw_mixture_2d, select_point_mixture_2d, update_mixture_2d

__all__ = ["StepView", "step_strip"]


class StepView:
    """One EM run's picture at a chosen half-step; :meth:`show` moves it to another.

    The figure is drawn once; every :meth:`show` changes the same artists (curves, point
    colours, ellipses, arrows, the log-likelihood marker), and :meth:`render` redraws only
    those over a kept picture of the rest (blitting). The x range is the run's (in 1-D it
    holds every component of every half-step), so it never moves; the density axis grows
    or shrinks only when the curves need it.

    Parameters
    ----------
    X : array-like (N,) or (N, D), D = 1 or 2
        The data the run was fitted to.
    history : EMHistory
        The run (``GaussianMixtureEM(...).fit(X).history_``).
    step : int
        The half-step to show first (negative counts from the end).
    size : {"screen", "projector"}
    columns : sequence of str, optional
        Axis labels (default "x" / "x1", "x2").
    title : str, optional
        The mixture axes' title.
    truth : GMMParams or dict, optional
        A mixture drawn once in dotted grey (the one that generated synthetic data; a
        dataset's ``truth`` dict works as it is).
    figure : Figure, optional
        A figure to draw into (it is cleared); by default a new one of the right size.
    whole_run : bool
        Draw the log-likelihood of the whole run (True), or let it grow with the steps
        (False, the default: the ending is not given away).
    lower_bound : bool
        Also draw EM's lower bound L(q, theta) and its gap to the log-likelihood (the KL
        divergence) at every M-step: why EM climbs.

    Examples
    --------
    >>> from gmm_viz import GaussianMixtureEM, datasets
    >>> X = datasets.toy().X
    >>> run = GaussianMixtureEM(2, random_state=0).fit(X).history_
    >>> view = StepView(X, run)
    >>> png = view.show(2).png()  # the first M-step
    """

    def __init__(
        self,
        X,
        history,
        step=0,
        *,
        size="screen",
        columns=None,
        title=None,
        truth=None,
        figure=None,
        whole_run=False,
        lower_bound=False,
    ):
        X = np.asarray(X, dtype=float)
        if X.ndim == 1:
            X = X[:, None]
        d = X.shape[1]
        check_drawable(d)
        self.X = X
        self.history = history
        self.size = size
        self.columns = tuple(columns) if columns else (("x",) if d == 1 else ("x1", "x2"))
        self._resp_cache = (None, None)
        axes = step_axes(d, size=size, figure=figure)
        self.figure, self.ax, self.ax_resp, self.ax_ll = (
            axes.figure,
            axes.mixture,
            axes.responsibilities,
            axes.loglik,
        )
        self._blitter = BlitRenderer(self.figure)
        self.step = self._index(step)
        self.selected = None
        self.resp_artists = None
        params = history.params(self.step)
        if d == 1:
            # One x range for the whole run, so that the axis never moves under the curves.
            grid = _grid_1d(X[:, 0], None, _all_components(history))
            # The x label goes under the responsibility panel, which shares the x axis.
            self.artists = draw_mixture_1d(self.ax, X, params, size=size, grid=grid, xlabel="")
            self.resp_artists = draw_responsibilities_1d(
                self.ax_resp,
                X,
                self.artists.grid,
                params.n_components,
                size=size,
                xlabel=self.columns[0],
            )
        else:
            self.artists = draw_mixture_2d(
                self.ax, X, params, size=size, xlabel=self.columns[0], ylabel=self.columns[1]
            )
        if truth is not None:
            draw_truth(self.ax, X, _as_truth(truth), size=size, legend_of=self.artists)
        if title:
            keep_still(self.ax.set_title(title, fontsize=_size_spec(size)["title"]))
        self.ll_artists = draw_log_likelihood(
            self.ax_ll, history.log_likelihoods(), self.step, size=size, whole_run=whole_run
        )
        if lower_bound:
            self.lower_bound = True
        self.show(self.step)

    # -- the picture ------------------------------------------------------------------

    @property
    def n_steps(self):
        """Number of half-steps of the run (the start, then an E and an M per iteration)."""
        return self.history.n_steps

    def show(self, step):
        """Move the picture to half-step ``step`` (negative counts from the end); returns
        the view, so that ``view.show(3).png()`` reads naturally."""
        s = self._index(step)
        h = self.history
        params = h.params(s)
        previous = h.params(s - 1) if h.phase(s) == "M" else None
        resp = self.responsibilities(s)
        if self.X.shape[1] == 1:
            update_mixture_1d(self.artists, params, responsibilities=resp, previous=previous)
            # The responsibilities were computed from the parameters entering the E-step.
            e_params = h.params(s if h.phase(s) != "M" else s - 1)
            update_responsibilities_1d(self.resp_artists, e_params, resp, selected=self.selected)
        else:
            update_mixture_2d(self.artists, params, responsibilities=resp, previous=previous)
        update_log_likelihood(self.ll_artists, s)
        self.step = s
        return self

    def select(self, index):
        """Mark point ``index`` (0-based) in the picture (a ring), or none for None; the
        explorer's "Show your work" point."""
        if index is not None and not 0 <= int(index) < self.X.shape[0]:
            raise ParameterError(
                f"Point {int(index) + 1} does not exist; choose one from 1 to {self.X.shape[0]}."
            )
        self.selected = None if index is None else int(index)
        if self.X.shape[1] == 1:
            select_point_mixture_1d(self.artists, self.selected)
            select_point_1d(self.resp_artists, self.selected)
        else:
            select_point_mixture_2d(self.artists, self.selected)
        return self

    def responsibilities(self, step):
        """Responsibilities (N, K) shown at ``step`` (None at the start). An E-step and the
        M-step after it share them, so walking forward recomputes one E-step in two."""
        s = self._index(step)
        e_index = (s - 1) // 2 if s > 0 else None
        key, value = self._resp_cache
        if e_index is None:
            return None
        if key != e_index:
            value = self.history.responsibilities(s, self.X)
            self._resp_cache = (e_index, value)
        return value

    @property
    def whole_run(self):
        """Whether the log-likelihood panel shows the whole run (else up to the step)."""
        return self.ll_artists.whole_run

    @whole_run.setter
    def whole_run(self, value):
        show_whole_run(self.ll_artists, value)

    @property
    def lower_bound(self):
        """Whether the log-likelihood panel also shows EM's lower bound and the KL gap."""
        return self.ll_artists.lower_bounds is not None

    @lower_bound.setter
    def lower_bound(self, value):
        bounds = self.history.lower_bounds() if value else None
        set_lower_bounds(self.ll_artists, bounds)
        self._blitter.invalidate()

    def set_title(self, text):
        """Change the mixture axes' title (the layout follows at the next render)."""
        keep_still(self.ax.set_title(text))
        refresh_layout(self.figure)
        self._blitter.invalidate()

    def invalidate(self):
        """Draw everything again at the next render: after artists were added to the axes
        or taken away (the class's answers, say)."""
        self._blitter.invalidate()

    def data_at(self, fx, fy):
        """The data coordinates under a point of the picture, given as shares of its width
        and height from its top-left corner (where a click on the image fell); None off the
        mixture axes. In 1-D the responsibility panel under them counts too (same x), and
        only x is returned."""
        fig_w, fig_h = self.figure.canvas.get_width_height()
        xy = (fx * fig_w, (1.0 - fy) * fig_h)
        targets = [self.ax] + ([self.ax_resp] if self.resp_artists is not None else [])
        for ax in targets:
            if ax.get_window_extent().contains(*xy):
                x, y = self.ax.transData.inverted().transform(xy)
                return (float(x),) if self.X.shape[1] == 1 else (float(x), float(y))
        return None

    def render(self):
        """Bring the Agg canvas up to date, redrawing only what changed; returns it."""
        return self._blitter.render()

    def rgba(self):
        """The picture as an (height, width, 4) uint8 array (a copy)."""
        return np.array(self.render().buffer_rgba())

    def png(self, compress_level=1):
        """The picture as PNG bytes (a light compression: fast to make, see
        :func:`~gmm_viz.plotting.png.encode_png`)."""
        return encode_png(np.asarray(self.render().buffer_rgba()), compress_level)

    def save(self, path, *, format=None, dpi=None):
        """Save the current half-step as an image (PNG, SVG or PDF, from the extension or
        ``format``); a full draw through matplotlib, so vector formats stay vectors."""
        self.figure.savefig(path, format=format, dpi=dpi)
        self._blitter.invalidate()

    def _index(self, step):
        return self.history.resolve_step(step)


def step_strip(
    X,
    history,
    steps=(0, 1, 2, -1),
    *,
    size="screen",
    columns=None,
    truth=None,
    per_row=3,
    lower_bound=False,
):
    """Several half-steps of one run side by side: the motion of EM on one page.

    Each panel is the mixture over the data at one half-step (ghosts and arrows after an
    M-step), titled with its name and log-likelihood; in 1-D all panels share the run's x
    range and one density range, so that heights compare across panels.

    Parameters
    ----------
    X : array-like (N,) or (N, D), D = 1 or 2
    history : EMHistory
    steps : sequence of int
        Half-steps to show, in order (negative counts from the end).
    size : {"screen", "projector"}
    columns : sequence of str, optional
    truth : GMMParams, optional
    per_row : int
        Panels per row (more half-steps wrap onto further rows, read left to right, top to
        bottom), so that each panel stays readable on a page.
    lower_bound : bool
        Also write EM's lower bound 𝓛(q, θ) in the titles (from half-step 1 on), beside the
        log-likelihood ℓ.

    Returns
    -------
    Figure
        With an Agg canvas (display it in a notebook, or ``savefig`` it).
    """
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    d = X.shape[1]
    check_drawable(d, "A step strip")
    steps = list(steps)
    if not steps:
        raise ParameterError("Give at least one half-step to show.")
    resolved = [history.resolve_step(step) for step in steps]
    spec = _size_spec(size)
    if isinstance(per_row, bool) or not isinstance(per_row, (int, np.integer)) or per_row < 1:
        raise ParameterError(f"per_row must be a whole number from 1 on; got {per_row!r}.")
    # As few rows as per_row allows, filled evenly (4 panels: 2 x 2, not 3 + 1).
    n_rows = -(-len(resolved) // int(per_row))
    n_cols = -(-len(resolved) // n_rows)
    fig, grid_axes = _strip_figure(n_rows, n_cols, len(resolved), d, spec)
    axes = list(grid_axes[: len(resolved)])
    columns = tuple(columns) if columns else (("x",) if d == 1 else ("x1", "x2"))
    cache = {}
    # One x range for every panel, so that the eye compares places, not axes.
    grid = _grid_1d(X[:, 0], None, _all_components(history)) if d == 1 else None
    for ax, s in zip(axes, resolved, strict=True):
        if s > 0 and (s - 1) // 2 not in cache:
            cache[(s - 1) // 2] = history.responsibilities(s, X)
        resp = cache[(s - 1) // 2] if s > 0 else None
        _draw_panel(ax, X, history, s, resp, grid=grid, size=size, columns=columns, truth=truth)
        title = f"{_step_name(history, s)}\nlog-likelihood {history.log_likelihood(s):.4f}"
        if lower_bound and s > 0:
            title = (
                # Mathtext: the fonts lack the script letters as characters.
                f"{_step_name(history, s)}\n$\\ell$ {history.log_likelihood(s):.4f}, "
                f"bound $\\mathcal{{L}}$ {history.lower_bound(s):.4f}"
            )
        ax.set_title(title)
    if d == 1:
        _one_density_range(axes)
    _one_legend(fig, axes, n_rows, spec)
    return fig


def _strip_figure(n_rows, n_cols, n_panels, d, spec):
    """A figure of ``n_rows`` x ``n_cols`` panels sized for a strip (the spares removed) and
    its axes, in reading order."""
    panel = spec["figsize_2d"][1] * 0.8 if d == 2 else spec["figsize"][1] * 0.75
    width = panel * n_cols * (1.0 if d == 2 else 1.3) + (2.6 if n_rows > 1 else 0.0)
    fig = Figure(figsize=(width, panel * n_rows), dpi=100)
    FigureCanvasAgg(fig)
    fig.set_layout_engine("constrained")
    grid_axes = fig.subplots(n_rows, n_cols, squeeze=False).ravel()
    for spare in grid_axes[n_panels:]:
        fig.delaxes(spare)
    return fig, grid_axes


def _one_density_range(axes):
    """One density range for a 1-D strip: the same height means the same density in every
    panel (each panel's own range made a peak of 0.26 look like one of 1.2)."""
    bottom = min(ax.get_ylim()[0] for ax in axes)
    top = max(ax.get_ylim()[1] for ax in axes)
    for ax in axes:
        ax.set_ylim(bottom, top)


def _draw_panel(ax, X, history, s, resp, *, grid, size, columns, truth):
    """One panel of a strip: the mixture over the data at half-step ``s`` (ghosts and
    arrows after an M-step), untitled."""
    params = history.params(s)
    previous = history.params(s - 1) if history.phase(s) == "M" else None
    kwargs = dict(responsibilities=resp, previous=previous, size=size, xlabel=columns[0])
    if X.shape[1] == 1:
        drawn = draw_mixture_1d(ax, X, params, grid=grid, **kwargs)
    else:
        drawn = draw_mixture_2d(ax, X, params, ylabel=columns[1], **kwargs)
    if truth is not None:
        draw_truth(ax, X, _as_truth(truth), size=size, legend_of=drawn)


def _one_legend(fig, axes, n_rows, spec):
    """Keep the last panel's legend only; on several rows, move it beside the figure."""
    for ax in axes[:-1]:
        legend = ax.get_legend()
        if legend is not None:
            legend.remove()  # one legend, on the last panel, is enough
    legend = axes[-1].get_legend()
    if legend is not None and n_rows > 1:
        # On several rows the legend belongs to the figure: beside one panel it would widen
        # that panel's column in every row.
        shown = [
            (h, t.get_text())
            for h, t in zip(legend.gmm_viz_handles, legend.get_texts(), strict=True)
            if t.get_visible()
        ]
        legend.remove()
        fig.legend(
            [h for h, _ in shown],
            [t for _, t in shown],
            loc="outside right upper",
            frameon=False,
            fontsize=spec["legend"],
            title="numbers: the last panel",
            title_fontsize=spec["legend"],
            alignment="left",
        )


def _all_components(history):
    """Every component of every half-step as one mixture: what the x range must show."""
    steps = [history.params(s) for s in range(history.n_steps)]
    means = np.concatenate([p.means for p in steps])
    covariances = np.concatenate([p.full_covariances() for p in steps])
    return GMMParams(np.full(len(means), 1.0 / len(means)), means, covariances, "full")


def _step_name(history, step):
    """ "the start", "E-step 3", "M-step 3": a half-step as a reader names it."""
    phase = history.phase(step)
    return "the start" if phase == "init" else f"{phase}-step {history.iteration(step)}"


def _as_truth(truth):
    """A dataset's ``truth`` dict as GMMParams (or None)."""
    if truth is None or isinstance(truth, GMMParams):
        return truth
    return GMMParams(
        np.asarray(truth["weights"], float),
        np.asarray(truth["means"], float),
        np.asarray(truth["covariances"], float),
        "full",
    )
