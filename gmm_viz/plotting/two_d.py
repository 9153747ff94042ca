"""2-D pictures: the points in their responsibility colours, each component's 1- and
2-sigma ellipses and mean, the mixture density's contours, and ghosts with arrows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.patches import Ellipse

from gmm_viz.conventions import component_markers
from gmm_viz.em import GMMParams
from gmm_viz.plotting._common import (
    _arrow,
    _component_number,
    _data,
    _moved,
    _params,
    _place_number,
    _responsibilities,
    _weighted_densities,
)
from gmm_viz.plotting.blit import keep_still
from gmm_viz.plotting.layout import _layout_changed
from gmm_viz.plotting.pies import draw_pies, set_pies
from gmm_viz.plotting.style import (
    _GHOST_ALPHA,
    _MIXTURE_LABEL,
    _PREVIOUS_LABEL,
    PIE_AREA_2D,
    RING_AREA,
    _colors,
    _make_legend,
    _role,
    _set_component_readout,
    _set_previous_in_legend,
    _size_spec,
    _style_axes,
    blend_colors,
)

# 2-D: up to this many points are drawn as pies split by their responsibilities, and up
# to SMALL_N_LABELS of them carry their number.
SMALL_N_2D = 60
SMALL_N_LABELS = 30
# 2-D: the mixture density is evaluated on a GRID_POINTS_2D x GRID_POINTS_2D grid.
GRID_POINTS_2D = 120


# 2-D: contour levels as fractions of the largest mixture density on the grid.
CONTOUR_FRACTIONS = (0.05, 0.2, 0.45, 0.75)


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


_ELLIPSES_LABEL = "ellipses: 1σ and 2σ\n(39 % and 86 % of a component)"


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
        Markers at the current and the previous means, each component its own marker
        (:data:`~gmm_viz.conventions.MARKERS`).
    mean_numbers : list of Annotation
        Each component's number beside its mean, at the ellipses' centre.
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
    # Small data: each point is a pie split by its responsibilities (one collection per
    # component, then a grey one: :mod:`~gmm_viz.plotting.pies`), numbered; a ring marks
    # the selected point. The pies' radius is in points.
    pies: list = field(default_factory=list)
    pie_radius: float = 0.0
    numbers: list = field(default_factory=list)
    selected: object = None
    selected_index: int | None = None
    mean_numbers: list = field(default_factory=list)

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
        Colours the points: up to :data:`SMALL_N_2D` points, each a pie with an arc of
        360 * r_nk degrees per component; more, each the blend of the colours
        (:func:`blend_colors`). ``None`` is grey.
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
    pies, numbers, radius = [], [], 0.0
    if n <= SMALL_N_2D:
        # A pie per point, split by its responsibilities: 0.45 against 0.55 can be seen.
        pie_size = PIE_AREA_2D * spec["point_size"]
        radius = 0.5 * np.sqrt(pie_size)
        points.set_visible(False)
        pies = draw_pies(ax, X, colors, size=pie_size, zorder=2.5)
        for pie in pies:
            _role(pie, "pies")
        if n <= SMALL_N_LABELS:
            for i, (xi, yi) in enumerate(X):
                numbers.append(
                    ax.annotate(
                        str(i + 1),
                        (xi, yi),
                        xytext=(radius + 2, 2),
                        textcoords="offset points",
                        fontsize=spec["tick"],
                        color="0.25",
                        zorder=2.6,
                    )
                )
            keep_still(*numbers)  # the points do not move: drawn once
    selected = ax.scatter(
        [np.nan],
        [np.nan],
        s=spec["point_size"] * (PIE_AREA_2D if n <= SMALL_N_2D else 1.0) * RING_AREA,
        facecolors="none",
        edgecolors="black",
        linewidths=2.0,
        zorder=2.7,
    )
    selected.set_visible(False)
    if pies:
        _role(selected, "ring_pies")

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
    markers = component_markers(k)
    means.set_paths(_marker_paths(markers))
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
    ghost_means.set_paths(_marker_paths(markers))
    # Clear of the mean's marker (its half-width is about half the square root of its size).
    clear = 0.5 * np.sqrt(spec["mean_size"])
    mean_numbers = [
        _component_number(ax, j, spec, zorder=5.5, offset=(clear, 0.6 * clear)) for j in range(k)
    ]

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
            marker=markers[j],
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
    # A 2-D Gaussian holds 1 - exp(-r²/2) of its mass within r standard deviations: 39 %
    # and 86 %, not the 68 / 95 % of one dimension.
    handles.append(Line2D([], [], color="0.45", lw=spec["ellipse_line"], label=_ELLIPSES_LABEL))
    handles.append(
        Line2D([], [], color="0.45", ls="--", lw=spec["ghost_line"], label=_PREVIOUS_LABEL)
    )
    roles = (
        ["legend_component_2d"] * k
        + (["legend_contour"] if contours else [])
        + ["ellipse1", "previous"]
    )
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
        pies=pies,
        pie_radius=radius,
        numbers=numbers,
        selected=selected,
        mean_numbers=mean_numbers,
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
    if artists.pies:
        set_pies(artists.pies, artists.X, resp)

    _set_ellipses(artists.ellipses, params, artists.n_std)
    artists.means.set_offsets(params.means)
    for number, (x, y) in zip(artists.mean_numbers, params.means, strict=True):
        _place_number(number, x, y)

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
    if _set_component_readout(artists.legend, params):
        _layout_changed(artists.ax)

    if artists.contour_style:
        _redraw_contours(artists, params)
    artists.params, artists.previous, artists.responsibilities = params, previous, resp
    return artists


def _marker_paths(markers):
    """One path per component for a scatter of the means: component k wears markers[k]."""
    paths = []
    for m in markers:
        style = MarkerStyle(m)
        paths.append(style.get_path().transformed(style.get_transform()))
    return paths


def select_point_mixture_2d(artists, index):
    """Ring point ``index`` (0-based), or nothing for None."""
    artists.selected_index = index
    if index is None or not 0 <= index < artists.X.shape[0]:
        artists.selected.set_visible(False)
        return artists
    artists.selected.set_offsets(artists.X[index : index + 1])
    artists.selected.set_visible(True)
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
