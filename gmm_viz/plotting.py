"""Matplotlib pictures of EM for Gaussian mixtures, made to be redrawn one half-step at a time.

Every ``draw_*`` function draws onto a given :class:`~matplotlib.axes.Axes` and returns a
small dataclass holding its artists; the matching ``update_*`` function changes those same
artists in place (line data, colours, ellipse geometry, arrow positions) instead of clearing
and redrawing, so that a widget can show the next half-step quickly. Nothing here uses
pyplot or ipywidgets: :func:`figure_for` builds a :class:`matplotlib.figure.Figure` with an
Agg canvas, and the functions work on any Axes.

The plotting layer does no EM arithmetic of its own: densities come from
:func:`gmm_viz.em.component_densities` and responsibilities are passed in (from
:func:`gmm_viz.em.e_step` or :meth:`gmm_viz.em.EMHistory.responsibilities`).

Pieces
------
* :data:`PALETTE`, :func:`component_colors`, :func:`blend_colors`: colour-blind-safe
  component colours (Okabe-Ito) and each point's responsibility-weighted mix of them.
* :data:`SIZES`, :func:`apply_size`: "screen" and "projector" font sizes and line widths.
* :func:`draw_mixture_1d` / :func:`update_mixture_1d`: data, weighted component densities,
  the mixture density, and ghosts of the previous half-step with arrows for the mean moves.
* :func:`draw_mixture_2d` / :func:`update_mixture_2d`: points, 1- and 2-sigma ellipses,
  means, mixture density contours, ghosts and arrows.
* :func:`draw_log_likelihood` / :func:`update_log_likelihood` / :func:`set_log_likelihoods`:
  the log-likelihood over half-steps with a marker at the current one.
* :func:`responsibility_table_html`: the responsibilities as an HTML table.
* :func:`figure_for`: a figure with a main axes and a log-likelihood axes.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_hex, to_rgba_array
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse
from matplotlib.ticker import FixedLocator, MaxNLocator, NullFormatter, NullLocator
from matplotlib.transforms import blended_transform_factory

from gmm_viz.em import GMMParams, component_densities, make_params
from gmm_viz.errors import DataError, ParameterError

__all__ = [
    "PALETTE",
    "SIZES",
    "LogLikelihoodArtists",
    "MixtureArtists1D",
    "MixtureArtists2D",
    "apply_size",
    "blend_colors",
    "component_colors",
    "draw_log_likelihood",
    "draw_mixture_1d",
    "draw_mixture_2d",
    "ellipse_geometry",
    "figure_for",
    "half_step_labels",
    "refresh_layout",
    "responsibility_table_html",
    "set_log_likelihoods",
    "update_log_likelihood",
    "update_mixture_1d",
    "update_mixture_2d",
]

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common form of
# colour blindness. Component k gets PALETTE[k % 8].
PALETTE = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
]

# Neutral grey for points before any E-step (no responsibilities yet).
NEUTRAL_GREY = "#8C8C8C"

# Font sizes (points), line widths (points), marker sizes (scatter: points^2; lines:
# points) and figure sizes (inches). "projector" reads at the back of a classroom.
SIZES = {
    "screen": {
        "font": 10.0,
        "title": 11.0,
        "legend": 9.5,
        "tick": 9.0,
        "line": 2.0,
        "mixture_line": 3.4,
        "ghost_line": 1.4,
        "ellipse_line": 2.0,
        "contour_line": 0.8,
        "arrow_line": 1.6,
        "arrow_head": 14.0,
        "point_size": 22.0,
        "rug_size": 16.0,
        "mean_size": 130.0,
        "ll_line": 1.6,
        "ll_marker": 5.0,
        "ll_current": 13.0,
        "figsize": (9.0, 6.5),
        "figsize_2d": (9.0, 8.5),
    },
    "projector": {
        "font": 18.0,
        "title": 19.0,
        "legend": 16.0,
        "tick": 16.0,
        "line": 3.6,
        "mixture_line": 6.2,
        "ghost_line": 2.6,
        "ellipse_line": 3.6,
        "contour_line": 1.6,
        "arrow_line": 3.0,
        "arrow_head": 26.0,
        "point_size": 50.0,
        "rug_size": 40.0,
        "mean_size": 340.0,
        "ll_line": 3.0,
        "ll_marker": 9.0,
        "ll_current": 22.0,
        "figsize": (12.0, 8.5),
        "figsize_2d": (12.0, 11.0),
    },
}

# A mean that moved less than this fraction of the axis span gets no arrow (an E-step, or a
# move too small to see: the arrow would be all head).
MIN_ARROW_MOVE = 1e-3
# 1-D: fraction of the axes height below y = 0 that holds the rug / colour strip.
_BAND = 0.1
# 1-D: more points than this are shown as a histogram (hist="auto").
RUG_MAX = 2000
# 1-D: number of grid points the densities are evaluated on.
GRID_POINTS_1D = 600
# 2-D: the mixture density is evaluated on a GRID_POINTS_2D x GRID_POINTS_2D grid.
GRID_POINTS_2D = 120
# 2-D: contour levels as fractions of the largest mixture density on the grid.
CONTOUR_FRACTIONS = (0.05, 0.2, 0.45, 0.75)
_GHOST_ALPHA = 0.45
_MIXTURE_LABEL = "mixture"
_PREVIOUS_LABEL = "previous step"


# --------------------------------------------------------------------------------------
# Colours and sizes
# --------------------------------------------------------------------------------------


def component_colors(k):
    """The colours of ``k`` components: :data:`PALETTE`, cycled when ``k`` > 8."""
    k = int(k)
    if k < 0:
        raise ParameterError(f"The number of components must be at least 0; got {k}.")
    return [PALETTE[j % len(PALETTE)] for j in range(k)]


def _colors(colors, k):
    """Hex colours for ``k`` components (default: the palette)."""
    if colors is None:
        return component_colors(k)
    colors = list(colors)
    if len(colors) < k:
        raise ParameterError(f"Give at least {k} colours, one per component; got {len(colors)}.")
    return [to_hex(c, keep_alpha=False) for c in colors[:k]]


def blend_colors(responsibilities, colors=None, *, n=None):
    """Each point's colour as the responsibility-weighted mix of the component colours.

    A point that component 1 explains fully gets component 1's colour; a point shared
    50/50 between two components gets the average of their colours: soft membership, not
    a hard label.

    Parameters
    ----------
    responsibilities : array-like (N, K) or None
        ``None`` (before any E-step) gives the neutral grey :data:`NEUTRAL_GREY`.
    colors : list of K colours, optional
        Default :func:`component_colors` (K).
    n : int, optional
        With ``responsibilities=None``, the number of grey rows to return (default 1).

    Returns
    -------
    ndarray (N, 4)
        RGBA rows in [0, 1], alpha 1.
    """
    if responsibilities is None:
        grey = to_rgba_array(NEUTRAL_GREY)
        return np.repeat(grey, 1 if n is None else int(n), axis=0)
    r = np.asarray(responsibilities, dtype=float)
    if r.ndim != 2:
        raise ParameterError(f"Responsibilities must have shape (N, K); got shape {r.shape}.")
    rgb = to_rgba_array(_colors(colors, r.shape[1]))[:, :3]
    r = np.clip(np.nan_to_num(r, nan=0.0), 0.0, None)
    total = r.sum(axis=1, keepdims=True)
    # Rows that sum to 0 (no information) stay grey.
    empty = total[:, 0] <= 0
    total[empty] = 1.0
    out = np.ones((r.shape[0], 4))
    out[:, :3] = np.clip((r / total) @ rgb, 0.0, 1.0)
    if np.any(empty):
        out[empty] = to_rgba_array(NEUTRAL_GREY)[0]
    return out


def _tint(color, amount=0.3):
    """``color`` mixed with white: ``amount`` of the colour, the rest white (a hex string)."""
    rgb = to_rgba_array(color)[0, :3]
    return to_hex(1.0 - amount * (1.0 - rgb))


def _size_spec(size):
    if isinstance(size, dict):
        spec = dict(SIZES["screen"])
        spec.update(size)
        return spec
    if size not in SIZES:
        raise ParameterError(f"Unknown size {size!r}; use one of {', '.join(SIZES)}.")
    return SIZES[size]


def _role_style(role, spec):
    """The size-dependent properties of an artist with this role (for Artist.set)."""
    legend_marker = min(np.sqrt(spec["mean_size"]), 1.2 * spec["font"])
    styles = {
        "component": {"linewidth": spec["line"]},
        "mixture": {"linewidth": spec["mixture_line"]},
        "ghost": {"linewidth": spec["ghost_line"]},
        "previous": {"linewidth": spec["ghost_line"]},
        "ellipse1": {"linewidth": spec["ellipse_line"]},
        "ellipse2": {"linewidth": 0.6 * spec["ellipse_line"]},
        "ghost_ellipse": {"linewidth": spec["ghost_line"]},
        "contour": {"linewidth": spec["contour_line"]},
        "legend_contour": {"linewidth": 1.5 * spec["contour_line"]},
        "legend_component_2d": {"linewidth": spec["line"], "markersize": legend_marker},
        "points": {"sizes": [spec["point_size"]]},
        "points_small": {"sizes": [0.5 * spec["point_size"]]},
        "rug": {"sizes": [spec["rug_size"]]},
        "means": {"sizes": [spec["mean_size"]]},
        "ghost_means": {"sizes": [0.7 * spec["mean_size"]]},
        "ll_curve": {"linewidth": spec["ll_line"]},
        "ll_vline": {"linewidth": 0.5 * spec["ll_line"]},
        "ll_e": {"markersize": spec["ll_marker"]},
        "ll_m": {"markersize": spec["ll_marker"]},
        "ll_init": {"markersize": 1.3 * spec["ll_marker"]},
        "ll_current": {
            "markersize": spec["ll_current"],
            "markeredgewidth": 0.25 * spec["ll_current"],
        },
    }
    return styles.get(role, {})


def _restyle(artist, role, spec):
    if role in ("arrow", "arrow_to_marker"):
        artist.arrow_patch.set_linewidth(spec["arrow_line"])
        artist.arrow_patch.set_mutation_scale(spec["arrow_head"])
        # Stop at the edge of the mean marker (2-D) instead of hiding the head under it.
        artist.arrow_patch.shrinkB = (
            0.5 * np.sqrt(spec["mean_size"]) if role == "arrow_to_marker" else 0.0
        )
        return
    style = _role_style(role, spec)
    if style:
        artist.set(**style)


def _role(artist, role, spec=None):
    """Tag ``artist`` with its role (for :func:`apply_size`) and, given ``spec``, size it."""
    artist.set_gid(f"gmm_viz:{role}")
    if spec is not None:
        _restyle(artist, role, spec)
    return artist


def _style_axes(ax, spec):
    ax.tick_params(labelsize=spec["tick"])
    ax.xaxis.label.set_fontsize(spec["font"])
    ax.yaxis.label.set_fontsize(spec["font"])
    ax.xaxis.get_offset_text().set_fontsize(spec["tick"])
    ax.yaxis.get_offset_text().set_fontsize(spec["tick"])
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(True, color="0.88", linewidth=0.8, zorder=0)
    ax.set_axisbelow(True)


def apply_size(fig, size="screen"):
    """Restyle everything gmm_viz drew on ``fig`` for ``size`` ("screen" or "projector").

    Changes font sizes (labels, ticks, titles, legends) and the line widths and marker
    sizes of the artists the ``draw_*`` functions made; it does not resize the figure (use
    ``fig.set_size_inches(SIZES[size]["figsize"])`` for that).
    """
    spec = _size_spec(size)
    for artist in fig.findobj(lambda a: str(a.get_gid() or "").startswith("gmm_viz:")):
        _restyle(artist, artist.get_gid().split(":", 1)[1], spec)
    for ax in fig.axes:
        _style_axes(ax, spec)
        for loc in ("center", "left", "right"):
            title = ax.get_title(loc)
            if title:
                ax.set_title(title, loc=loc, fontsize=spec["title"])
        legend = ax.get_legend()
        if legend is not None:
            _style_legend(legend, spec)
    refresh_layout(fig)


def _style_legend(legend, spec):
    for text in legend.get_texts():
        text.set_fontsize(spec["legend"])
    roles = getattr(legend, "gmm_viz_roles", ())
    for handle, role in zip(legend.legend_handles, roles, strict=False):
        _restyle(handle, role, spec)


def _make_legend(ax, handles, roles, spec, previous_visible=None, **kwargs):
    """A legend outside the axes on the right; ``roles`` size its handles (apply_size)."""
    options = {
        "loc": "upper left",
        "bbox_to_anchor": (1.01, 1.0),
        "borderaxespad": 0.0,
        "frameon": False,
        "handlelength": 2.4,
    }
    options.update(kwargs)
    legend = ax.legend(handles=handles, **options)
    legend.gmm_viz_roles = tuple(roles)
    _style_legend(legend, spec)
    if previous_visible is not None:
        _set_previous_in_legend(legend, previous_visible)
    return legend


def _set_previous_in_legend(legend, visible):
    """Show or hide the legend's last entry, "previous step" (no re-layout needed)."""
    if legend is None:
        return
    for handle, text in zip(legend.legend_handles, legend.get_texts(), strict=False):
        if text.get_text() == _PREVIOUS_LABEL:
            handle.set_visible(visible)
            text.set_visible(visible)


# --------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------


def _params(params, n_features=None, n_components=None, what="Parameters"):
    if isinstance(params, dict):
        params = make_params(**params)
    if not isinstance(params, GMMParams):
        raise ParameterError(
            f"{what} must be a GMMParams or a dict of weights, means, covariances."
        )
    if n_features is not None and params.n_features != n_features:
        raise ParameterError(
            f"{what} have {params.n_features} feature(s) but this plot shows {n_features}."
        )
    if n_components is not None and params.n_components != n_components:
        raise ParameterError(
            f"{what} have {params.n_components} components but the plot was drawn with "
            f"{n_components}; draw it again for a new number of components."
        )
    return params


def _data(X, n_features):
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[0] == 0:
        raise DataError(f"Data must be a non-empty N x D array; got shape {X.shape}.")
    if n_features is not None and X.shape[1] != n_features:
        raise DataError(f"This plot needs {n_features} column(s) of data; got {X.shape[1]}.")
    return X


def _responsibilities(responsibilities, n, k):
    if responsibilities is None:
        return None
    r = np.asarray(responsibilities, dtype=float)
    if r.shape != (n, k):
        raise ParameterError(
            f"Responsibilities must have shape (N, K) = ({n}, {k}); got shape {r.shape}."
        )
    return r


def _weighted_densities(points, params):
    """w_k N(x | mu_k, Sigma_k) at each point, (G, K), finite."""
    dens = component_densities(points, params) * params.weights[None, :]
    return np.nan_to_num(dens, nan=0.0, posinf=np.finfo(float).max / 1e3)


def _moved(old, new, spans):
    """Whether a mean moved by at least MIN_ARROW_MOVE of the axes span (per dimension)."""
    rel = (np.asarray(new, dtype=float) - np.asarray(old, dtype=float)) / spans
    return bool(np.sqrt(np.sum(rel**2)) >= MIN_ARROW_MOVE)


def _arrow(ax, color, spec, zorder, role="arrow"):
    ann = ax.annotate(
        "",
        xy=(0.0, 0.0),
        xytext=(0.0, 0.0),
        arrowprops={
            "arrowstyle": "-|>",
            "color": color,
            "lw": spec["arrow_line"],
            "shrinkA": 0.0,
            "shrinkB": 0.0,
            "mutation_scale": spec["arrow_head"],
        },
        zorder=zorder,
    )
    ann.set_visible(False)
    return _role(ann, role, spec)


# --------------------------------------------------------------------------------------
# 1-D
# --------------------------------------------------------------------------------------


class _NonNegativeLocator(MaxNLocator):
    """Tick locator for the density axis: no ticks in the rug band below zero."""

    def __call__(self):
        vmin, vmax = self.axis.get_view_interval()
        ticks = self.tick_values(max(vmin, 0.0), vmax)
        return ticks[(ticks >= 0) & (ticks <= vmax * (1 + 1e-9))]


@dataclass(eq=False)
class MixtureArtists1D:
    """The artists of :func:`draw_mixture_1d`, updated in place by :func:`update_mixture_1d`.

    Attributes
    ----------
    ax : Axes
    X : ndarray (N,)
        The data.
    grid : ndarray (G,)
        The x values the densities are evaluated on.
    colors : list of str
        Component colours (hex).
    components : list of Line2D
        ``w_k N(x | mu_k, s_k^2)`` on the grid, one per component.
    mixture : Line2D
        The mixture density (sum of the components), black.
    ghosts : list of Line2D
        The previous half-step's weighted components, faint and dashed.
    arrows : list of Annotation
        From each previous mean (at its curve's peak) to the new one.
    points : PathCollection or None
        The rug of points coloured by responsibilities (small N).
    histogram : StepPatch or None
        The density-normalised histogram of the data (large N, or ``hist=True``).
    strip : PolyCollection or None
        Large N: one rectangle per histogram bin under the axis, coloured by the mean
        responsibilities of the points in that bin.
    bin_index : ndarray (N,) or None
        The histogram bin of each point (for the strip).
    legend : Legend
    params, previous, responsibilities
        What is shown now.
    y_top : float
        The current upper y-limit (kept while the curves fit, to avoid jumps).
    """

    ax: object
    X: np.ndarray
    grid: np.ndarray
    colors: list
    components: list
    mixture: object
    ghosts: list
    arrows: list
    points: object = None
    histogram: object = None
    strip: object = None
    bin_index: np.ndarray | None = None
    bin_edges: np.ndarray | None = None
    hist_max: float = 0.0
    band: bool = False
    legend: object = None
    params: GMMParams | None = None
    previous: GMMParams | None = None
    responsibilities: np.ndarray | None = None
    y_top: float = 0.0

    @property
    def n_components(self):
        return len(self.components)

    @property
    def uses_histogram(self):
        return self.histogram is not None


def _grid_1d(x, grid, params):
    if grid is not None:
        grid = np.asarray(grid, dtype=float).ravel()
        if grid.size < 2 or not np.all(np.isfinite(grid)):
            raise ParameterError("The grid must hold at least two finite x values.")
        return np.sort(grid)
    lo, hi = float(x.min()), float(x.max())
    span = hi - lo
    if span <= 0:
        span = max(abs(lo), 1.0)
    lo, hi = lo - 0.1 * span, hi + 0.1 * span
    # Keep the starting components in view when they begin a little outside the data.
    sd = np.sqrt(params.full_covariances()[:, 0, 0])
    m = params.means[:, 0]
    lo = max(min(lo, float(np.min(m - 2.5 * sd))), lo - span)
    hi = min(max(hi, float(np.max(m + 2.5 * sd))), hi + span)
    return np.linspace(lo, hi, GRID_POINTS_1D)


def _bin_edges(x, bins):
    if bins is not None:
        return np.histogram_bin_edges(x, bins=bins)
    edges = np.histogram_bin_edges(x, bins="auto")
    if len(edges) > 101:
        edges = np.linspace(edges[0], edges[-1], 101)
    if len(edges) < 11:
        edges = np.linspace(edges[0], edges[-1], 11)
    return edges


def draw_mixture_1d(
    ax,
    X,
    params,
    *,
    responsibilities=None,
    previous=None,
    colors=None,
    grid=None,
    hist="auto",
    size="screen",
    xlabel=None,
    bins=None,
    strip=True,
    rug_max=RUG_MAX,
):
    """Draw 1-D data, the weighted component densities and the mixture density.

    Parameters
    ----------
    ax : Axes
    X : array-like (N,) or (N, 1)
    params : GMMParams (or dict) with one feature
    responsibilities : array-like (N, K), optional
        Colours the points (:func:`blend_colors`); ``None`` (before any E-step) is grey.
    previous : GMMParams, optional
        The previous half-step's parameters, drawn as faint dashed ghosts, with an arrow
        from each previous mean to the new one (hidden when the mean did not move).
    colors : list of K colours, optional
    grid : array-like, optional
        The x values to evaluate the densities on (default: 600 points over the data range
        plus 10% on each side).
    hist : "auto", True or False
        "auto": a rug of points when N <= ``rug_max``, otherwise a density-normalised
        histogram with (``strip=True``) a thin strip under the axis coloured by the mean
        responsibilities in each bin. True: always the histogram (and the rug too when
        N <= ``rug_max``). False: always the rug.
    size : "screen", "projector" or a dict of :data:`SIZES` keys
    xlabel : str, optional
        Default "x".
    bins : int or sequence, optional
        Histogram bins (default: numpy's "auto", between 10 and 100 bins).

    Returns
    -------
    MixtureArtists1D
    """
    spec = _size_spec(size)
    params = _params(params, n_features=1)
    x = _data(X, 1)[:, 0]
    n, k = x.size, params.n_components
    colors = _colors(colors, k)
    grid = _grid_1d(x, grid, params)
    if hist not in ("auto", True, False):
        raise ParameterError(f"hist must be 'auto', True or False; got {hist!r}.")
    use_hist = hist is True or (hist == "auto" and n > rug_max)
    use_rug = hist is False or n <= rug_max
    use_strip = use_hist and not use_rug and bool(strip)
    band_transform = blended_transform_factory(ax.transData, ax.transAxes)

    histogram = strip_artist = bin_index = edges = None
    hist_max = 0.0
    if use_hist:
        edges = _bin_edges(x, bins)
        heights, edges = np.histogram(x, bins=edges, density=True)
        hist_max = float(heights.max()) if heights.size else 0.0
        histogram = ax.stairs(heights, edges, fill=True, color="0.82", zorder=1, label="_data")
        _role(histogram, "histogram")
        if use_strip:
            bin_index = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(edges) - 2)
            y0, y1 = 0.2 * _BAND, 0.8 * _BAND
            verts = [
                [(a, y0), (b, y0), (b, y1), (a, y1)]
                for a, b in zip(edges[:-1], edges[1:], strict=True)
            ]
            strip_artist = PolyCollection(
                verts, transform=band_transform, linewidths=0, zorder=2, clip_on=False
            )
            ax.add_collection(strip_artist, autolim=False)
            _role(strip_artist, "strip")

    points = None
    if use_rug:
        rng = np.random.default_rng(0)
        y = rng.uniform(0.2 * _BAND, 0.8 * _BAND, size=n)
        points = ax.scatter(
            x,
            y,
            s=spec["rug_size"],
            transform=band_transform,
            linewidths=0,
            alpha=0.85 if n <= 500 else 0.6,
            zorder=3,
            clip_on=False,
        )
        _role(points, "rug", spec)
    band = use_rug or use_strip
    if band:
        ax.axhline(0.0, color="0.55", linewidth=0.8, zorder=1.5)

    nan = np.full_like(grid, np.nan)
    components, ghosts, arrows = [], [], []
    for j, c in enumerate(colors):
        (ghost,) = ax.plot(
            grid, nan, color=c, lw=spec["ghost_line"], ls="--", alpha=_GHOST_ALPHA, zorder=3
        )
        ghost.set_visible(False)
        ghosts.append(_role(ghost, "ghost", spec))
        (line,) = ax.plot(
            grid, nan, color=c, lw=spec["line"], zorder=4, label=f"component {j + 1}"
        )
        components.append(_role(line, "component", spec))
        arrows.append(_arrow(ax, c, spec, zorder=6))
    (mixture,) = ax.plot(
        grid, nan, color="black", lw=spec["mixture_line"], zorder=3.8, label=_MIXTURE_LABEL
    )
    _role(mixture, "mixture", spec)

    _style_axes(ax, spec)
    ax.set_xlim(grid[0], grid[-1])
    ax.set_xlabel("x" if xlabel is None else str(xlabel))
    ax.set_ylabel("density")
    ax.yaxis.set_major_locator(_NonNegativeLocator(nbins="auto"))
    ax.ticklabel_format(axis="y", style="sci", scilimits=(-3, 4), useMathText=True)
    ax.set_autoscale_on(False)

    proxy = Line2D([], [], color="0.45", ls="--", lw=spec["ghost_line"], label=_PREVIOUS_LABEL)
    roles = ["component"] * k + ["mixture", "previous"]
    legend = _make_legend(ax, [*components, mixture, proxy], roles, spec, previous is not None)

    artists = MixtureArtists1D(
        ax=ax,
        X=x,
        grid=grid,
        colors=colors,
        components=components,
        mixture=mixture,
        ghosts=ghosts,
        arrows=arrows,
        points=points,
        histogram=histogram,
        strip=strip_artist,
        bin_index=bin_index,
        bin_edges=edges,
        hist_max=hist_max,
        band=band,
        legend=legend,
    )
    _update_1d(artists, params, responsibilities, previous, rescale="force")
    return artists


def update_mixture_1d(artists, params, *, responsibilities=None, previous=None):
    """Show ``params`` (and ``responsibilities``, ``previous``) on a :func:`draw_mixture_1d`
    picture, changing its artists in place.

    The y-limits stay put while the curves fit (so the picture does not jump); they grow
    when a curve would pass the top and shrink when the curves use less than half the
    height.
    """
    _update_1d(artists, params, responsibilities, previous, rescale="stable")
    return artists


def _update_1d(artists, params, responsibilities, previous, rescale):
    k = artists.n_components
    params = _params(params, n_features=1, n_components=k)
    if previous is not None:
        previous = _params(previous, n_features=1, n_components=k, what="Previous parameters")
    resp = _responsibilities(responsibilities, artists.X.size, k)
    grid = artists.grid
    dens = _weighted_densities(grid[:, None], params)
    for j, line in enumerate(artists.components):
        line.set_ydata(dens[:, j])
    mix = dens.sum(axis=1)
    artists.mixture.set_ydata(mix)
    needed = max(float(mix.max()), float(dens.max()), artists.hist_max)

    if artists.points is not None:
        if resp is None:
            artists.points.set_facecolors(blend_colors(None, n=artists.X.size))
        else:
            artists.points.set_facecolors(blend_colors(resp, artists.colors))
    if artists.strip is not None:
        artists.strip.set_facecolors(_strip_colors(artists, resp))

    span = grid[-1] - grid[0]
    if previous is not None:
        old = _weighted_densities(grid[:, None], previous)
        needed = max(needed, float(old.max()))
        for j, (ghost, arrow) in enumerate(zip(artists.ghosts, artists.arrows, strict=True)):
            ghost.set_ydata(old[:, j])
            ghost.set_visible(True)
            m_old, m_new = float(previous.means[j, 0]), float(params.means[j, 0])
            if _moved(m_old, m_new, span):
                arrow.xy = (m_new, float(dens[:, j].max()))
                arrow.set_position((m_old, float(old[:, j].max())))
                arrow.set_visible(True)
            else:
                arrow.set_visible(False)
    else:
        for ghost, arrow in zip(artists.ghosts, artists.arrows, strict=True):
            ghost.set_visible(False)
            arrow.set_visible(False)
    _set_previous_in_legend(artists.legend, previous is not None)

    top = artists.y_top
    if not np.isfinite(needed) or needed <= 0:
        needed = top if top > 0 else 1.0
    if rescale == "force" or needed > top / 1.02 or needed < 0.5 * top:
        top = 1.15 * needed
        bottom = -_BAND / (1 - _BAND) * top if artists.band else 0.0
        artists.ax.set_ylim(bottom, top)
        artists.y_top = top
        _layout_changed(artists.ax)
    artists.params, artists.previous, artists.responsibilities = params, previous, resp


def _strip_colors(artists, resp):
    """RGBA per histogram bin: the mean responsibility colour of the points in the bin."""
    n_bins = len(artists.bin_edges) - 1
    counts = np.bincount(artists.bin_index, minlength=n_bins).astype(float)
    if resp is None:
        out = blend_colors(None, n=n_bins)
    else:
        sums = np.stack(
            [
                np.bincount(artists.bin_index, weights=resp[:, j], minlength=n_bins)
                for j in range(resp.shape[1])
            ],
            axis=1,
        )
        out = blend_colors(sums, artists.colors)
    out[counts == 0, 3] = 0.0
    return out


# --------------------------------------------------------------------------------------
# 2-D
# --------------------------------------------------------------------------------------


def ellipse_geometry(covariance, n_std=1.0):
    """Width, height and angle (degrees) of the ``n_std``-sigma ellipse of a 2 x 2 covariance.

    The ellipse is {x : (x - mu)^T Sigma^-1 (x - mu) = n_std^2}: its full axes are
    ``2 * n_std * sqrt(eigenvalue)`` (standard deviations, not variances); the width lies
    along the eigenvector of the largest eigenvalue, at ``angle`` degrees in [0, 180).
    """
    cov = np.asarray(covariance, dtype=float).reshape(2, 2)
    vals, vecs = np.linalg.eigh(0.5 * (cov + cov.T))
    vals = np.clip(vals, 0.0, None)
    major = vecs[:, 1]
    angle = float(np.degrees(np.arctan2(major[1], major[0]))) % 180.0
    return 2.0 * n_std * np.sqrt(vals[1]), 2.0 * n_std * np.sqrt(vals[0]), angle


@dataclass(eq=False)
class MixtureArtists2D:
    """The artists of :func:`draw_mixture_2d`, updated in place by :func:`update_mixture_2d`.

    Attributes
    ----------
    ax : Axes
    X : ndarray (N, 2)
        All the data.
    shown : ndarray of int or None
        Indices of the points drawn (``None``: all of them; a seeded random subset when N
        is above ``max_points``).
    colors : list of str
    points : PathCollection
        The (shown) points coloured by their responsibilities.
    ellipses : list of list of Ellipse
        ``ellipses[k][i]`` is component k's ``n_std[i]``-sigma ellipse.
    ghost_ellipses : list of list of Ellipse
        The same for the previous half-step (dashed, faint).
    means, ghost_means : PathCollection
        Markers at the current and the previous means.
    arrows : list of Annotation
        From each previous mean to the new one.
    contours : ContourSet or None
        Mixture density contours (replaced on update: contour sets cannot change in place).
    grid_x, grid_y : ndarray
        The meshgrid the mixture density is evaluated on.
    n_std : tuple of float
    legend : Legend
    params, previous, responsibilities
        What is shown now.
    """

    ax: object
    X: np.ndarray
    shown: np.ndarray | None
    colors: list
    points: object
    ellipses: list
    ghost_ellipses: list
    means: object
    ghost_means: object
    arrows: list
    grid_x: np.ndarray
    grid_y: np.ndarray
    n_std: tuple = (1.0, 2.0)
    contours: object = None
    contour_style: dict = field(default_factory=dict)
    legend: object = None
    params: GMMParams | None = None
    previous: GMMParams | None = None
    responsibilities: np.ndarray | None = None

    @property
    def n_components(self):
        return len(self.ellipses)

    @property
    def spans(self):
        x0, x1 = self.ax.get_xlim()
        y0, y1 = self.ax.get_ylim()
        return np.array([abs(x1 - x0), abs(y1 - y0)])


def draw_mixture_2d(
    ax,
    X,
    params,
    *,
    responsibilities=None,
    previous=None,
    colors=None,
    size="screen",
    xlabel=None,
    ylabel=None,
    max_points=5000,
    n_std=(1.0, 2.0),
    contours=True,
):
    """Draw 2-D data, each component's ellipses and mean, and the mixture density contours.

    Parameters
    ----------
    ax : Axes
    X : array-like (N, 2)
    params : GMMParams (or dict) with two features
    responsibilities : array-like (N, K), optional
        Colours the points (:func:`blend_colors`); ``None`` is grey.
    previous : GMMParams, optional
        Drawn as faint dashed ghost ellipses and mean markers, with arrows for the moves.
    colors : list of K colours, optional
    size : "screen", "projector" or a dict of :data:`SIZES` keys
    xlabel, ylabel : str, optional
        Default "x1" and "x2".
    max_points : int
        Above this many points, a seeded random subset of ``max_points`` points is drawn
        (the same subset on every update; the ellipses and contours still use the fitted
        parameters, which come from all the data).
    n_std : tuple of float
        The ellipses drawn: their axes are ``n_std`` standard deviations (sqrt of the
        covariance's eigenvalues) on each side of the mean.
    contours : bool
        Draw the mixture density contours (at fixed fractions of its maximum).

    Returns
    -------
    MixtureArtists2D
    """
    spec = _size_spec(size)
    params = _params(params, n_features=2)
    X = _data(X, 2)
    n, k = X.shape[0], params.n_components
    colors = _colors(colors, k)
    n_std = tuple(float(s) for s in np.atleast_1d(n_std))
    shown = None
    if n > max_points:
        shown = np.sort(np.random.default_rng(0).choice(n, size=int(max_points), replace=False))
    Xs = X if shown is None else X[shown]

    points = ax.scatter(
        Xs[:, 0],
        Xs[:, 1],
        s=spec["point_size"] * (1.0 if Xs.shape[0] <= 1000 else 0.5),
        linewidths=0,
        alpha=0.85 if Xs.shape[0] <= 1000 else 0.5,
        zorder=2,
    )
    _role(points, "points" if Xs.shape[0] <= 1000 else "points_small", spec)

    ellipses, ghost_ellipses, arrows = [], [], []
    for c in colors:
        row, ghost_row = [], []
        for i, _ in enumerate(n_std):
            role = "ellipse1" if i == 0 else "ellipse2"
            lw = spec["ellipse_line"] * (1.0 if i == 0 else 0.6)
            e = Ellipse((0, 0), 1, 1, fill=False, edgecolor=c, lw=lw, zorder=3.5 - 0.1 * i)
            e.set_alpha(1.0 if i == 0 else 0.75)
            row.append(_role(ax.add_patch(e), role, spec))
            g = Ellipse(
                (0, 0),
                1,
                1,
                fill=False,
                edgecolor=c,
                lw=spec["ghost_line"],
                ls="--",
                alpha=_GHOST_ALPHA,
                zorder=3,
            )
            g.set_visible(False)
            ghost_row.append(_role(ax.add_patch(g), "ghost_ellipse", spec))
        ellipses.append(row)
        ghost_ellipses.append(ghost_row)
        arrows.append(_arrow(ax, c, spec, zorder=4.5, role="arrow_to_marker"))
    means = ax.scatter(
        params.means[:, 0],
        params.means[:, 1],
        s=spec["mean_size"],
        marker="X",
        c=colors,
        edgecolors="black",
        linewidths=1.0,
        zorder=5,
    )
    _role(means, "means", spec)
    ghost_means = ax.scatter(
        params.means[:, 0],
        params.means[:, 1],
        s=0.7 * spec["mean_size"],
        marker="X",
        c=colors,
        alpha=_GHOST_ALPHA,
        linewidths=0,
        zorder=4,
    )
    ghost_means.set_visible(False)
    _role(ghost_means, "ghost_means", spec)

    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.where(hi - lo > 0, hi - lo, np.maximum(np.abs(lo), 1.0))
    lo, hi = lo - 0.06 * span, hi + 0.06 * span
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_autoscale_on(False)
    gx, gy = np.meshgrid(
        np.linspace(lo[0], hi[0], GRID_POINTS_2D), np.linspace(lo[1], hi[1], GRID_POINTS_2D)
    )
    _style_axes(ax, spec)
    ax.set_xlabel("x1" if xlabel is None else str(xlabel))
    ax.set_ylabel("x2" if ylabel is None else str(ylabel))

    handles = [
        Line2D(
            [],
            [],
            color=c,
            lw=spec["line"],
            marker="X",
            markersize=min(np.sqrt(spec["mean_size"]), 1.2 * spec["font"]),
            markeredgecolor="black",
            markeredgewidth=0.8,
            label=f"component {j + 1}",
        )
        for j, c in enumerate(colors)
    ]
    if contours:
        handles.append(
            Line2D([], [], color="0.45", lw=spec["contour_line"] * 1.5, label=_MIXTURE_LABEL)
        )
    handles.append(
        Line2D([], [], color="0.45", ls="--", lw=spec["ghost_line"], label=_PREVIOUS_LABEL)
    )
    roles = ["legend_component_2d"] * k + (["legend_contour"] if contours else []) + ["previous"]
    legend = _make_legend(ax, handles, roles, spec, previous is not None)

    artists = MixtureArtists2D(
        ax=ax,
        X=X,
        shown=shown,
        colors=colors,
        points=points,
        ellipses=ellipses,
        ghost_ellipses=ghost_ellipses,
        means=means,
        ghost_means=ghost_means,
        arrows=arrows,
        grid_x=gx,
        grid_y=gy,
        n_std=n_std,
        contour_style={"linewidths": spec["contour_line"]} if contours else {},
        legend=legend,
    )
    update_mixture_2d(artists, params, responsibilities=responsibilities, previous=previous)
    _layout_changed(ax)
    return artists


def update_mixture_2d(artists, params, *, responsibilities=None, previous=None):
    """Show ``params`` (and ``responsibilities``, ``previous``) on a :func:`draw_mixture_2d`
    picture: point colours, ellipses, means, ghosts and arrows change in place; the contour
    set (which cannot change in place) is removed and drawn again. The axis limits do not
    change.
    """
    k = artists.n_components
    params = _params(params, n_features=2, n_components=k)
    if previous is not None:
        previous = _params(previous, n_features=2, n_components=k, what="Previous parameters")
    resp = _responsibilities(responsibilities, artists.X.shape[0], k)
    n_shown = artists.X.shape[0] if artists.shown is None else artists.shown.size
    if resp is None:
        artists.points.set_facecolors(blend_colors(None, n=n_shown))
    else:
        shown_resp = resp if artists.shown is None else resp[artists.shown]
        artists.points.set_facecolors(blend_colors(shown_resp, artists.colors))

    _set_ellipses(artists.ellipses, params, artists.n_std)
    artists.means.set_offsets(params.means)

    if previous is not None:
        _set_ellipses(artists.ghost_ellipses, previous, artists.n_std)
        artists.ghost_means.set_offsets(previous.means)
        artists.ghost_means.set_visible(True)
        spans = artists.spans
        for j, arrow in enumerate(artists.arrows):
            old, new = previous.means[j], params.means[j]
            if _moved(old, new, spans):
                arrow.xy = (float(new[0]), float(new[1]))
                arrow.set_position((float(old[0]), float(old[1])))
                arrow.set_visible(True)
            else:
                arrow.set_visible(False)
    else:
        for row in artists.ghost_ellipses:
            for e in row:
                e.set_visible(False)
        artists.ghost_means.set_visible(False)
        for arrow in artists.arrows:
            arrow.set_visible(False)
    _set_previous_in_legend(artists.legend, previous is not None)

    if artists.contour_style:
        _redraw_contours(artists, params)
    artists.params, artists.previous, artists.responsibilities = params, previous, resp
    return artists


def _set_ellipses(rows, params, n_std):
    full = params.full_covariances()
    for j, row in enumerate(rows):
        center = (float(params.means[j, 0]), float(params.means[j, 1]))
        for e, s in zip(row, n_std, strict=True):
            width, height, angle = ellipse_geometry(full[j], s)
            e.set_center(center)
            e.set_width(width)
            e.set_height(height)
            e.set_angle(angle)
            e.set_visible(True)


def _remove_contours(cs):
    if cs is None:
        return
    try:
        cs.remove()
    except (AttributeError, NotImplementedError, ValueError):  # matplotlib < 3.8
        for coll in getattr(cs, "collections", []):
            coll.remove()


def _redraw_contours(artists, params):
    _remove_contours(artists.contours)
    artists.contours = None
    gx, gy = artists.grid_x, artists.grid_y
    pts = np.column_stack([gx.ravel(), gy.ravel()])
    z = _weighted_densities(pts, params).sum(axis=1).reshape(gx.shape)
    top = float(z.max())
    if not np.isfinite(top) or top <= 0:
        return
    levels = top * np.asarray(CONTOUR_FRACTIONS)
    cs = artists.ax.contour(
        gx,
        gy,
        z,
        levels=levels,
        colors="0.45",
        alpha=0.7,
        zorder=1.5,
        linewidths=artists.contour_style["linewidths"],
    )
    _role(cs, "contour")
    artists.contours = cs


# --------------------------------------------------------------------------------------
# Log-likelihood over half-steps
# --------------------------------------------------------------------------------------


def _phases(phases, n):
    if phases is None:
        return ["init" if s == 0 else ("E" if s % 2 == 1 else "M") for s in range(n)]
    phases = [str(p) for p in phases]
    if len(phases) != n:
        raise ParameterError(
            f"Give one phase per half-step: {n} log-likelihoods but {len(phases)} phases."
        )
    bad = sorted({p for p in phases if p not in ("init", "E", "M")})
    if bad:
        raise ParameterError(f"Phases must be 'init', 'E' or 'M'; got {bad[0]!r}.")
    return phases


def half_step_labels(phases):
    """Labels for half-steps: "0" for the start, then "E1", "M1", "E2", "M2", ..."""
    labels, e, m = [], 0, 0
    for p in phases:
        if p == "E":
            e += 1
            labels.append(f"E{e}")
        elif p == "M":
            m += 1
            labels.append(f"M{m}")
        else:
            labels.append("0")
    return labels


def _nice_stride(count, max_ticks):
    for base in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if count / base <= max_ticks:
            return base
    return int(np.ceil(count / max_ticks))


def _tick_positions(phases, max_ticks=12):
    """Tick positions: every half-step when few, else the start and every few M-steps."""
    n = len(phases)
    if n <= max_ticks + 1:
        return list(range(n))
    m_steps = [s for s, p in enumerate(phases) if p == "M"]
    stride = _nice_stride(len(m_steps), max_ticks - 1)
    ticks = [s for s, p in enumerate(phases) if p == "init"]
    ticks += [s for i, s in enumerate(m_steps, start=1) if i % stride == 0]
    return sorted(set(ticks))


@dataclass(eq=False)
class LogLikelihoodArtists:
    """The artists of :func:`draw_log_likelihood`.

    Attributes
    ----------
    ax : Axes
    log_likelihoods : ndarray (S,)
        Total log-likelihood at each half-step.
    phases : list of str
        "init", "E" or "M" for each half-step.
    labels : list of str
        "0", "E1", "M1", ...
    step : int
        The current half-step.
    curve : Line2D
        The staircase (it rises at M-steps; an E-step does not change the parameters).
    e_points, m_points, init_point : Line2D
        Hollow circles at E-steps, filled diamonds at M-steps, a square at the start.
    current : Line2D
        The ring around the current half-step.
    vline : Line2D
        A faint vertical line at the current half-step.
    text : Text
        The axes' left title: the current half-step and its log-likelihood.
    legend : Legend
    """

    ax: object
    log_likelihoods: np.ndarray
    phases: list
    labels: list
    step: int
    curve: object
    e_points: object
    m_points: object
    init_point: object
    current: object
    vline: object
    text: object
    legend: object = None


def draw_log_likelihood(ax, log_likelihoods, step=0, *, phases=None, size="screen"):
    """Draw the total log-likelihood over half-steps with a marker at ``step``.

    The x axis counts half-steps (0 = start, E1, M1, E2, M2, ...; labelled sparsely when
    there are many). The curve is a staircase: the log-likelihood of the parameters only
    changes at M-steps, so E-steps (hollow circles) sit level with the step before and
    M-steps (filled diamonds) are where it rises.

    Parameters
    ----------
    ax : Axes
    log_likelihoods : array-like (S,)
        E.g. :meth:`gmm_viz.em.EMHistory.log_likelihoods`.
    step : int
        The current half-step, 0 <= step < S.
    phases : sequence of "init" / "E" / "M", optional
        Default: 0 is the start, odd half-steps are E-steps, even ones M-steps.
    size : "screen", "projector" or a dict of :data:`SIZES` keys

    Returns
    -------
    LogLikelihoodArtists
    """
    spec = _size_spec(size)
    (curve,) = ax.plot([], [], color="0.3", lw=spec["ll_line"], drawstyle="steps-post", zorder=2)
    (e_points,) = ax.plot(
        [],
        [],
        ls="none",
        marker="o",
        ms=spec["ll_marker"],
        mfc="white",
        mec="#0072B2",
        mew=1.5,
        zorder=3,
        label="E-step (log L unchanged)",
    )
    (m_points,) = ax.plot(
        [],
        [],
        ls="none",
        marker="D",
        ms=spec["ll_marker"],
        color="#D55E00",
        zorder=3,
        label="M-step (log L rises)",
    )
    (init_point,) = ax.plot(
        [],
        [],
        ls="none",
        marker="s",
        ms=spec["ll_marker"] * 1.3,
        color="0.3",
        zorder=3,
        label="start",
    )
    vline = ax.axvline(0, color="0.6", lw=0.5 * spec["ll_line"], ls=":", zorder=1)
    (current,) = ax.plot(
        [],
        [],
        ls="none",
        marker="o",
        ms=spec["ll_current"],
        mfc="none",
        mec="black",
        mew=0.25 * spec["ll_current"],
        zorder=4,
        label="now",
    )
    for artist, role in (
        (curve, "ll_curve"),
        (e_points, "ll_e"),
        (m_points, "ll_m"),
        (init_point, "ll_init"),
        (vline, "ll_vline"),
        (current, "ll_current"),
    ):
        _role(artist, role, spec)
    _style_axes(ax, spec)
    ax.set_xlabel("half-step")
    ax.set_ylabel("log-likelihood")
    text = ax.set_title(" ", loc="left", fontsize=spec["title"])
    ax.set_autoscale_on(False)
    legend = _make_legend(
        ax,
        [e_points, m_points],
        ["ll_e", "ll_m"],
        spec,
        numpoints=1,
        handlelength=1.5,
    )
    artists = LogLikelihoodArtists(
        ax=ax,
        log_likelihoods=np.zeros(0),
        phases=[],
        labels=[],
        step=0,
        curve=curve,
        e_points=e_points,
        m_points=m_points,
        init_point=init_point,
        current=current,
        vline=vline,
        text=text,
        legend=legend,
    )
    set_log_likelihoods(artists, log_likelihoods, phases=phases, step=step)
    return artists


def set_log_likelihoods(artists, log_likelihoods, *, phases=None, step=None):
    """Replace the curve (e.g. after a refit); keeps the current step when it still exists."""
    ll = np.asarray(log_likelihoods, dtype=float).ravel()
    if ll.size == 0:
        raise ParameterError("Give at least one log-likelihood (the start).")
    phases = _phases(phases, ll.size)
    artists.log_likelihoods = ll
    artists.phases = phases
    artists.labels = half_step_labels(phases)
    x = np.arange(ll.size)
    artists.curve.set_data(x, ll)
    for line, name in (
        (artists.e_points, "E"),
        (artists.m_points, "M"),
        (artists.init_point, "init"),
    ):
        sel = np.array([p == name for p in phases])
        line.set_data(x[sel], ll[sel])

    ax = artists.ax
    ax.set_xlim(-0.5, max(ll.size - 0.5, 1.5))
    finite = ll[np.isfinite(ll)]
    if finite.size:
        lo, hi = float(finite.min()), float(finite.max())
        pad = 0.08 * (hi - lo) if hi > lo else max(1.0, 1e-3 * abs(hi))
        ax.set_ylim(lo - pad, hi + pad)
    ticks = _tick_positions(phases)
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.set_xticklabels([artists.labels[t] for t in ticks])
    if ll.size <= 400 and len(ticks) < ll.size:
        ax.xaxis.set_minor_locator(FixedLocator(list(range(ll.size))))
        ax.xaxis.set_minor_formatter(NullFormatter())
    else:
        ax.xaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
    _layout_changed(ax)
    if step is None:
        step = min(artists.step, ll.size - 1)
    update_log_likelihood(artists, step)
    return artists


def update_log_likelihood(artists, step):
    """Move the current-step marker to half-step ``step`` and show its log-likelihood."""
    n = artists.log_likelihoods.size
    step = int(step)
    if not 0 <= step < n:
        raise ParameterError(f"Half-step {step} does not exist; choose one from 0 to {n - 1}.")
    artists.step = step
    ll = artists.log_likelihoods
    artists.current.set_data([step], [ll[step]])
    artists.vline.set_xdata([step, step])
    phase = artists.phases[step]
    label = "start" if phase == "init" else artists.labels[step]
    text = f"{label} · log-likelihood = {ll[step]:.2f}"
    if step > 0 and np.isfinite(ll[step]) and np.isfinite(ll[step - 1]):
        change = ll[step] - ll[step - 1]
        if phase == "E" and abs(change) <= 1e-9 * max(1.0, abs(ll[step])):
            text += "  (unchanged: an E-step keeps the parameters)"
        else:
            text += f"  ({change:+.2f})"
    artists.text.set_text(text)
    return artists


# --------------------------------------------------------------------------------------
# Responsibility table
# --------------------------------------------------------------------------------------

_TABLE_STYLE = (
    "border-collapse:collapse;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;"
    "font-size:13px;color:#111;background:#fff;font-variant-numeric:tabular-nums;"
)
_CELL = "padding:2px 8px;text-align:right;border-bottom:1px solid #e3e3e3;"
_HEAD = "padding:3px 8px;text-align:right;border-bottom:2px solid #444;font-weight:600;"
_NOTE_STYLE = (
    "font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:13px;color:#333;"
    "padding:6px 8px;border-left:4px solid #999;background:#f6f6f6;"
)

_RESP_CAPTION = (
    "Responsibilities &beta;<sub>nk</sub>: the share of point n that component k explains."
)
_CAPTIONS = {
    None: _RESP_CAPTION,
    "init": _RESP_CAPTION,
    "E": (
        "E-step: each row is one point's soft membership, "
        "&beta;<sub>nk</sub> = w<sub>k</sub> N(x<sub>n</sub> | k) / "
        "&Sigma;<sub>j</sub> w<sub>j</sub> N(x<sub>n</sub> | j); every row sums to 1."
    ),
    "M": (
        "M-step: these responsibilities give the new parameters; "
        "w<sub>k</sub> = N<sub>k</sub> / N, and each mean and covariance is a "
        "responsibility-weighted average."
    ),
}


def responsibility_table_html(
    responsibilities,
    X,
    *,
    columns=None,
    selected=None,
    max_rows=12,
    colors=None,
    digits=3,
    phase=None,
):
    """The responsibilities as an HTML table (inline styles: JupyterLab, Notebook, Voila).

    One row per point: its number, its coordinates, r_n1 ... r_nK (the largest in bold on
    a tint of its component's colour) and the row sum (1). A footer row holds the column
    sums N_k over all N points, which feed the M-step. With more than ``max_rows`` points
    only the first ``max_rows`` rows are shown, plus the ``selected`` point's row, and a
    line says how many are hidden.

    Parameters
    ----------
    responsibilities : array-like (N, K) or None
        ``None`` (the start, before any E-step) gives a short note instead of a table.
    X : array-like (N, D) or (N,)
    columns : list of D str, optional
        Names of the coordinate columns (default "x", or "x1", "x2", ...); escaped.
    selected : int, optional
        Index (0-based) of a point to highlight and always show.
    max_rows : int
    colors : list of K colours, optional
    digits : int
        Decimals of the responsibilities and sums.
    phase : "init", "E", "M" or None
        Chooses the one-line caption.

    Returns
    -------
    str
    """
    if responsibilities is None:
        return (
            f'<div style="{_NOTE_STYLE}">No E-step has run yet: the responsibilities '
            "&beta;<sub>nk</sub> appear after the first E-step.</div>"
        )
    X = _data(X, None)
    n, d = X.shape
    r = np.asarray(responsibilities, dtype=float)
    if r.ndim != 2 or r.shape[0] != n:
        raise ParameterError(
            f"Responsibilities must have shape (N, K) with N = {n}; got shape {r.shape}."
        )
    k = r.shape[1]
    colors = _colors(colors, k)
    if columns is None:
        columns = ["x"] if d == 1 else [f"x{j + 1}" for j in range(d)]
    elif isinstance(columns, str):
        columns = [columns]
    columns = [str(c) for c in columns]
    if len(columns) != d:
        raise ParameterError(f"Give {d} column name(s), one per data column; got {len(columns)}.")
    digits = int(digits)
    max_rows = max(int(max_rows), 0)
    if selected is not None:
        selected = int(selected)
        if not 0 <= selected < n:
            raise ParameterError(f"Point {selected} does not exist; choose one from 0 to {n - 1}.")

    nk = r.sum(axis=0)  # over all N rows, not only the shown ones
    first = list(range(min(n, max_rows)))
    extra = [selected] if selected is not None and selected >= len(first) else []
    hidden = n - len(first) - len(extra)

    def fmt(v):
        return f"{v:.{digits}f}"

    out = [f'<div style="max-width:100%;overflow-x:auto;"><table style="{_TABLE_STYLE}">']
    caption = _CAPTIONS.get(phase, _CAPTIONS[None])
    out.append(
        '<caption style="caption-side:top;text-align:left;padding:4px 2px;color:#333;">'
        f"{caption}</caption>"
    )
    out.append("<thead><tr>")
    out.append(f'<th style="{_HEAD}">point</th>')
    out.extend(f'<th style="{_HEAD}">{html.escape(c)}</th>' for c in columns)
    for j, c in enumerate(colors):
        head = f"&beta;<sub>n{j + 1}</sub>"
        out.append(f'<th style="{_HEAD}border-bottom:4px solid {c};">{head}</th>')
    out.append(f'<th style="{_HEAD}color:#555;">sum</th></tr></thead><tbody>')

    def row_html(i):
        ri = r[i]
        best = int(np.argmax(ri)) if np.all(np.isfinite(ri)) else -1
        sel = i == selected
        tr_style = "background:#fff3bf;" if sel else ""
        cls = ' class="gmm-selected"' if sel else ""
        cells = [f'<tr{cls} style="{tr_style}">']
        mark = " &#9664;" if sel else ""
        weight = "font-weight:bold;" if sel else ""
        cells.append(f'<td style="{_CELL}color:#555;{weight}">{i + 1}{mark}</td>')
        cells.extend(f'<td style="{_CELL}">{X[i, j]:.4g}</td>' for j in range(d))
        for j in range(k):
            if j == best:
                cells.append(
                    f'<td class="gmm-max" style="{_CELL}font-weight:bold;'
                    f'background:{_tint(colors[j])};">{fmt(ri[j])}</td>'
                )
            else:
                cells.append(f'<td style="{_CELL}">{fmt(ri[j])}</td>')
        cells.append(f'<td style="{_CELL}color:#555;">{fmt(ri.sum())}</td></tr>')
        return "".join(cells)

    out.extend(row_html(i) for i in first)
    if hidden > 0:
        noun = "point" if hidden == 1 else "points"
        out.append(
            f'<tr><td colspan="{2 + d + k}" style="{_CELL}text-align:left;color:#666;'
            f'font-style:italic;">… {hidden} more {noun} hidden</td></tr>'
        )
    out.extend(row_html(i) for i in extra)
    out.append("</tbody><tfoot><tr>")
    out.append(
        f'<td colspan="{1 + d}" style="{_HEAD}border-top:2px solid #444;border-bottom:none;'
        f'text-align:left;">N<sub>k</sub> (all {n} points)</td>'
    )
    for j in range(k):
        out.append(
            f'<td class="gmm-nk" style="{_HEAD}border-top:2px solid #444;border-bottom:none;">'
            f"{fmt(nk[j])}</td>"
        )
    out.append(
        f'<td style="{_HEAD}border-top:2px solid #444;border-bottom:none;color:#555;">'
        f"{fmt(nk.sum())}</td></tr>"
    )
    out.append(
        f'<tr><td colspan="{2 + d + k}" style="padding:2px 8px;text-align:left;color:#555;'
        'font-size:12px;">The column sums N<sub>k</sub> feed the M-step: '
        "w<sub>k</sub> = N<sub>k</sub> / N.</td></tr>"
    )
    out.append("</tfoot></table></div>")
    return "".join(out)


# --------------------------------------------------------------------------------------
# Figure
# --------------------------------------------------------------------------------------


class _CachedConstrainedLayout(ConstrainedLayoutEngine):
    """Constrained layout that only recomputes when something that affects it changed.

    A full constrained-layout pass measures every text and artist; redoing it on every
    half-step would cost more than the redraw itself and could make the axes shift. It
    runs again when the figure's size or dpi changes, or when the plotting functions say
    that labels, limits or ticks changed (:meth:`invalidate`).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._key = None

    def invalidate(self):
        self._key = None

    @property
    def is_stale(self):
        """True when the next draw will redo the layout."""
        return self._key is None

    def execute(self, fig):
        key = (tuple(fig.get_size_inches()), fig.dpi, len(fig.axes))
        if key == self._key:
            return None
        result = super().execute(fig)
        self._key = key
        return result


def refresh_layout(fig):
    """Make a :func:`figure_for` figure recompute its layout at the next draw.

    The ``draw_*`` and ``update_*`` functions do this themselves when they change labels,
    ticks or limits; call it after changing a label or title yourself.
    """
    engine = fig.get_layout_engine() if fig is not None else None
    if isinstance(engine, _CachedConstrainedLayout):
        engine.invalidate()


def _layout_changed(ax):
    refresh_layout(ax.get_figure())


def figure_for(n_features, size="screen"):
    """A figure with a big mixture axes above a smaller log-likelihood axes.

    Made with :class:`matplotlib.figure.Figure` and an Agg canvas (no pyplot state). The
    layout is constrained (legends outside on the right), recomputed only when the
    figure's size or the plotted labels and limits change.

    Parameters
    ----------
    n_features : int
        1 for a 1-D picture, 2 for a 2-D one (a squarer main axes).
    size : "screen", "projector" or a dict of :data:`SIZES` keys

    Returns
    -------
    fig, ax_mixture, ax_loglik
    """
    spec = _size_spec(size)
    n_features = int(n_features)
    if n_features < 1:
        raise ParameterError(f"The data need at least one feature; got {n_features}.")
    figsize = spec["figsize"] if n_features == 1 else spec["figsize_2d"]
    fig = Figure(figsize=figsize, dpi=100)
    FigureCanvasAgg(fig)
    fig.set_layout_engine(_CachedConstrainedLayout(h_pad=0.06, w_pad=0.06, hspace=0.06))
    grid = fig.add_gridspec(2, 1, height_ratios=(3.2, 1.0) if n_features == 1 else (4.0, 1.0))
    ax_mixture = fig.add_subplot(grid[0])
    ax_loglik = fig.add_subplot(grid[1])
    for ax in (ax_mixture, ax_loglik):
        _style_axes(ax, spec)
    return fig, ax_mixture, ax_loglik


def draw_truth(ax, X, params, *, size="screen", grid=None):
    """Overlay the true mixture that generated synthetic data, in dotted grey.

    1-D: each true weighted component density on the axes' x range; 2-D: each true
    component's 1-sigma and 2-sigma ellipses. Drawn once (the truth does not change while
    EM runs); returns the list of artists.
    """
    spec = _size_spec(size)
    params = _params(params)
    artists = []
    style = {"color": "#555555", "linestyle": ":", "linewidth": spec["ghost_line"] * 1.2}
    if params.n_features == 1:
        lo, hi = ax.get_xlim()
        xs = np.linspace(lo, hi, GRID_POINTS_1D) if grid is None else np.asarray(grid, float)
        dens = _weighted_densities(xs[:, None], params)
        for k in range(params.n_components):
            (line,) = ax.plot(xs, dens[:, k], zorder=1.5, **style)
            artists.append(line)
        artists[0].set_label("true components")
    else:
        cov = params.full_covariances()
        for k in range(params.n_components):
            for n_std in (1, 2):
                width, height, angle = ellipse_geometry(cov[k], n_std)
                patch = Ellipse(
                    params.means[k], width, height, angle=angle, fill=False, zorder=1.5, **style
                )
                ax.add_patch(patch)
                artists.append(patch)
        artists[0].set_label("true components")
    return artists


def draw_hard_assignment_1d(ax, X, centers, labels, *, colors=None, size="screen", xlabel=None):
    """K-means' picture of 1-D data: each point wears the single colour of its cluster
    (a hard label, no in-between), with a vertical line at each center.

    Parameters
    ----------
    ax : Axes
    X : array-like (N,) or (N, 1)
    centers : array-like (K,) or (K, 1)
    labels : array-like (N,) of ints in 0..K-1
    colors : list of colours, optional

    Returns
    -------
    dict with the ``points`` collection and the ``centers`` lines
    """
    spec = _size_spec(size)
    x = np.asarray(X, dtype=float).reshape(-1)
    c = np.asarray(centers, dtype=float).reshape(-1)
    labels = np.asarray(labels, dtype=int).reshape(-1)
    colors = _colors(colors, c.size)
    one_hot = np.eye(c.size)[labels]
    jitter = np.random.default_rng(0).uniform(0.2, 0.8, size=x.size)
    points = ax.scatter(
        x,
        jitter,
        c=blend_colors(one_hot, colors),
        s=spec["point_size"],
        zorder=3,
        edgecolors="none",
    )
    lines = [
        ax.axvline(ck, color=colors[k], linewidth=spec["mixture_line"], label=f"center {k + 1}")
        for k, ck in enumerate(c)
    ]
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_locator(NullLocator())
    if xlabel:
        ax.set_xlabel(xlabel)
    _style_axes(ax, spec)
    ax.legend(fontsize=spec["legend"], loc="upper right")
    return {"points": points, "centers": lines}


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
