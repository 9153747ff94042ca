"""1-D pictures: the data (rug or histogram), each weighted component density, the mixture,
the points' responsibilities (a pie per point for a few points, blended colours for more),
and ghosts with arrows for the last M-step's moves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.lines import Line2D
from matplotlib.ticker import NullLocator
from matplotlib.transforms import blended_transform_factory

from gmm_viz.conventions import component_markers
from gmm_viz.em import GMMParams
from gmm_viz.errors import ParameterError
from gmm_viz.plotting._common import (
    _arrow,
    _component_number,
    _data,
    _grid_index,
    _moved,
    _NonNegativeLocator,
    _params,
    _place_number,
    _responsibilities,
    _weighted_densities,
)
from gmm_viz.plotting.layout import _layout_changed, _limits_changed
from gmm_viz.plotting.pies import draw_pies, set_pies
from gmm_viz.plotting.style import (
    _GHOST_ALPHA,
    _MIXTURE_LABEL,
    _PREVIOUS_LABEL,
    RING_AREA,
    RING_AREA_1D,
    _colors,
    _make_legend,
    _role,
    _set_component_readout,
    _set_previous_in_legend,
    _size_spec,
    _style_axes,
    blend_colors,
)

# 1-D: fraction of the axes height below y = 0 that holds the rug / colour strip.
_BAND = 0.1


# 1-D: up to this many points are drawn big, on one line (the toy's five, a pasted list).
SMALL_N = 20
# 1-D: more points than this are shown as a histogram (hist="auto").
RUG_MAX = 2000


# 1-D: number of grid points the densities are evaluated on.
GRID_POINTS_1D = 600


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
        ``w_k N(x | mu_k, s_k^2)`` on the grid, one per component, each with its own marker
        (:data:`~gmm_viz.conventions.MARKERS`) at its peak, over its mean.
    numbers : list of Annotation
        Each component's number beside its marker.
    mixture : Line2D
        The mixture density (sum of the components), black.
    ghosts : list of Line2D
        The previous half-step's weighted components, faint and dashed.
    arrows : list of Annotation
        From each previous mean (at its curve's peak) to the new one.
    points : PathCollection or None
        The rug of points coloured by responsibilities (:func:`blend_colors`); hidden when
        the points are pies.
    pies : list of PathCollection
        Up to :data:`SMALL_N` points: each point a pie split by its responsibilities, one
        collection per component, then a grey one (:mod:`~gmm_viz.plotting.pies`); empty
        for more points.
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
    # A ring around the selected point of the rug (hidden when none is selected).
    selected: object = None
    selected_index: int | None = None
    numbers: list = field(default_factory=list)
    pies: list = field(default_factory=list)

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
    # The means themselves are grid points: a component collapsing onto one point is far
    # narrower than the grid's spacing and would otherwise vanish between two grid points.
    inside = m[(m > lo) & (m < hi)]
    return np.union1d(np.linspace(lo, hi, GRID_POINTS_1D), inside)


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
        Colours the points: up to :data:`SMALL_N` points, each a pie with an arc of
        360 * r_nk degrees per component; more, each the blend of the colours
        (:func:`blend_colors`). ``None`` (before any E-step) is grey.
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

    points = selected = None
    pies = []
    if use_rug:
        small = n <= SMALL_N
        if small:
            # Few points: on one line, big enough to see from the back of a room, each a pie
            # split by its responsibilities (0.39 against 0.61 can be seen, not one colour).
            y = np.full(n, 0.5 * _BAND)
            rug_size = spec["point_size"] * 3.0
            ring_size = RING_AREA_1D * spec["pie_1d"]
        else:
            y = np.random.default_rng(0).uniform(0.2 * _BAND, 0.8 * _BAND, size=n)
            rug_size = spec["rug_size"]
            ring_size = RING_AREA * rug_size
        selected = ax.scatter(
            [np.nan],
            [np.nan],
            s=ring_size,
            facecolors="none",
            edgecolors="black",
            linewidths=2.0,
            transform=band_transform,
            zorder=3.5,
            clip_on=False,
        )
        selected.set_visible(False)
        points = ax.scatter(
            x,
            y,
            s=rug_size,
            transform=band_transform,
            linewidths=0,
            alpha=0.85 if n <= 500 else 0.6,
            zorder=3,
            clip_on=False,
        )
        _role(points, "rug_big" if small else "rug", spec)
        if small:
            _role(selected, "ring_pies_1d")
            points.set_visible(False)  # kept (its offsets place the ring), but pies instead
            pies = draw_pies(
                ax,
                np.c_[x, y],
                colors,
                size=spec["pie_1d"],
                offset_transform=band_transform,
                zorder=3,
                clip_on=False,
            )
            for pie in pies:
                _role(pie, "pies_1d")
    band = use_rug or use_strip
    if band:
        ax.axhline(0.0, color="0.55", linewidth=0.8, zorder=1.5)

    nan = np.full_like(grid, np.nan)
    components, ghosts, arrows, numbers = [], [], [], []
    for j, (c, marker) in enumerate(zip(colors, component_markers(k), strict=True)):
        (ghost,) = ax.plot(
            grid, nan, color=c, lw=spec["ghost_line"], ls="--", alpha=_GHOST_ALPHA, zorder=3
        )
        ghost.set_visible(False)
        ghosts.append(_role(ghost, "ghost", spec))
        (line,) = ax.plot(
            grid,
            nan,
            color=c,
            lw=spec["line"],
            zorder=4,
            label=f"component {j + 1}",
            marker=marker,
            markevery=[0],
            markeredgecolor="white",
            markeredgewidth=0.8,
        )
        components.append(_role(line, "component", spec))
        arrows.append(_arrow(ax, c, spec, zorder=6))
        # Above the peak's marker: the component's own curve falls away on both sides.
        above = (0, 0.5 * spec["component_marker"] + 2)
        numbers.append(_component_number(ax, j, spec, zorder=6.5, offset=above, ha="center"))
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
        selected=selected,
        numbers=numbers,
        pies=pies,
    )
    _update_1d(artists, params, responsibilities, previous, rescale="force")
    return artists


def select_point_mixture_1d(artists, index):
    """Ring point ``index`` (0-based) of the rug, or nothing for None."""
    artists.selected_index = index
    if artists.selected is None or artists.points is None:
        return artists
    if index is None or not 0 <= index < artists.X.size:
        artists.selected.set_visible(False)
        return artists
    artists.selected.set_offsets(artists.points.get_offsets()[index : index + 1])
    artists.selected.set_visible(True)
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
    # The means are grid points (see _grid_1d): the marker and number sit on the peak.
    at_mean = _grid_index(grid, params.means[:, 0])
    for j, line in enumerate(artists.components):
        line.set_ydata(dens[:, j])
        inside = grid[0] <= params.means[j, 0] <= grid[-1]
        line.set_markevery([int(at_mean[j])] if inside else [])
        peak = dens[at_mean[j], j] if inside else np.nan
        _place_number(artists.numbers[j], params.means[j, 0], peak)
    mix = dens.sum(axis=1)
    artists.mixture.set_ydata(mix)
    needed = max(float(mix.max()), float(dens.max()), artists.hist_max)

    if artists.points is not None:
        if resp is None:
            artists.points.set_facecolors(blend_colors(None, n=artists.X.size))
        else:
            artists.points.set_facecolors(blend_colors(resp, artists.colors))
    if artists.pies:
        set_pies(artists.pies, artists.points.get_offsets(), resp)
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
    if _set_component_readout(artists.legend, params):
        _layout_changed(artists.ax)

    top = artists.y_top
    if not np.isfinite(needed) or needed <= 0:
        needed = top if top > 0 else 1.0
    if rescale == "force" or needed > top / 1.02 or needed < 0.5 * top:
        top = 1.15 * needed
        bottom = -_BAND / (1 - _BAND) * top if artists.band else 0.0
        artists.ax.set_ylim(bottom, top)
        artists.y_top = top
        _limits_changed(artists.ax)
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


@dataclass
class HardAssignmentArtists:
    """The artists of :func:`draw_hard_assignment_1d`: the points, one line per center."""

    ax: object
    points: object
    centers: list


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
    HardAssignmentArtists
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
    return HardAssignmentArtists(ax, points, lines)
