"""The E-step in the picture (1-D): each component's responsibility beta_k(x) as a curve under
the densities, and every point sitting on the curves at its own responsibilities.

A point shared 0.45 / 0.55 between two components sits visibly below and above the dotted
0.5 line, where a blended colour would look the same for both. Before the first E-step the
panel is empty and says so: the responsibilities are what the E-step computes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gmm_viz.conventions import colors_for, component_markers
from gmm_viz.em import e_step
from gmm_viz.plotting._common import (
    _component_number,
    _data,
    _grid_index,
    _params,
    _place_number,
    _responsibilities,
)
from gmm_viz.plotting.blit import keep_still
from gmm_viz.plotting.style import _role, _size_spec, _style_axes

__all__ = ["ResponsibilityArtists1D", "draw_responsibilities_1d", "update_responsibilities_1d"]

# More points than this are shown by the curves alone (the markers would be a smear).
MAX_MARKED_POINTS = 2000
# Up to this many points carry their number (as in the table and "Show your work").
MAX_NUMBERED_POINTS = 20


@dataclass
class ResponsibilityArtists1D:
    """The artists of :func:`draw_responsibilities_1d`."""

    ax: object
    X: np.ndarray
    grid: np.ndarray
    colors: list
    curves: list
    points: list
    selected: object
    note: object
    numbers: list = field(default_factory=list)
    selected_index: int | None = None
    responsibilities: np.ndarray | None = None
    # Each component's number beside its marker on its curve, at its mean.
    component_numbers: list = field(default_factory=list)


def draw_responsibilities_1d(ax, X, grid, k, *, colors=None, size="screen", xlabel=None):
    """Draw an empty responsibility panel for ``k`` components over ``grid`` (the x values of
    the density panel above it); :func:`update_responsibilities_1d` fills it."""
    spec = _size_spec(size)
    x = _data(X, 1)[:, 0]
    grid = np.asarray(grid, dtype=float)
    colors = colors_for(colors, k)
    nan = np.full_like(grid, np.nan)
    markers = component_markers(k)
    # Each curve wears its component's marker at the component's mean (as in the density
    # panel above) and so do its points: colour is not the only thing that tells them apart.
    curves = [
        _role(
            ax.plot(
                grid,
                nan,
                color=c,
                lw=spec["line"],
                zorder=3,
                marker=m,
                markevery=[0],
                markeredgecolor="white",
                markeredgewidth=0.8,
            )[0],
            "resp_curve",
            spec,
        )
        for c, m in zip(colors, markers, strict=True)
    ]
    component_numbers = [_component_number(ax, j, spec, zorder=5.5) for j in range(k)]
    marked = x.size <= MAX_MARKED_POINTS
    size_pts = spec["point_size"] * (3.0 if x.size <= MAX_NUMBERED_POINTS else 1.0)
    points = []
    for c, m in zip(colors, markers, strict=True):
        pts = ax.scatter(
            x if marked else [],
            np.full(x.size if marked else 0, np.nan),
            s=size_pts,
            marker=m,
            color=c,
            edgecolors="white",
            linewidths=0.8,
            zorder=4,
        )
        points.append(pts)
    selected = ax.scatter(
        [np.nan] * k,
        [np.nan] * k,
        s=size_pts * 3.2,
        facecolors="none",
        edgecolors="black",
        linewidths=2.0,
        zorder=5,
    )
    numbers = []
    if x.size <= MAX_NUMBERED_POINTS:
        for n, xn in enumerate(x):
            numbers.append(
                ax.annotate(
                    str(n + 1),
                    (xn, 1.0),
                    xytext=(0, 4),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=spec["tick"],
                    color="0.25",
                    annotation_clip=False,
                )
            )
    ax.axhline(0.5, color="0.55", lw=0.9, ls=":", zorder=2)
    note = ax.text(
        0.5,
        0.5,
        "No E-step yet:\nthe responsibilities appear after the first E-step.",
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=spec["tick"],
        color="0.35",
    )
    keep_still(note, *numbers)  # drawn once, not at every half-step
    _style_axes(ax, spec)
    ax.set_xlim(grid[0], grid[-1])
    ax.set_ylim(-0.06, 1.06)
    ax.set_yticks([0.0, 0.5, 1.0])
    ax.set_ylabel("β_k(x)")
    if xlabel:
        ax.set_xlabel(str(xlabel))
    ax.set_autoscale_on(False)
    return ResponsibilityArtists1D(
        ax=ax,
        X=x,
        grid=grid,
        colors=colors,
        curves=curves,
        points=points,
        selected=selected,
        note=note,
        numbers=numbers,
        component_numbers=component_numbers,
    )


def update_responsibilities_1d(artists, params, responsibilities, *, selected=None):
    """Show the responsibilities an E-step computed from ``params`` (None before any E-step):
    the curves beta_k(x) and each point at its beta_nk; ring the ``selected`` point."""
    k = len(artists.curves)
    resp = _responsibilities(responsibilities, artists.X.size, k)
    shown = resp is not None
    artists.note.set_visible(not shown)
    if shown:
        params = _params(params, n_features=1, n_components=k)
        curve_resp, _ = e_step(artists.grid[:, None], params)
        grid = artists.grid
        at_mean = _grid_index(grid, params.means[:, 0])
        for j, line in enumerate(artists.curves):
            line.set_ydata(curve_resp[:, j])
            line.set_visible(True)
            inside = grid[0] <= params.means[j, 0] <= grid[-1]
            line.set_markevery([int(at_mean[j])] if inside else [])
            beta = curve_resp[at_mean[j], j] if inside else np.nan
            _place_number(artists.component_numbers[j], params.means[j, 0], beta)
        for j, pts in enumerate(artists.points):
            if pts.get_offsets().shape[0]:
                pts.set_offsets(np.c_[artists.X, resp[:, j]])
            pts.set_visible(True)
    else:
        for artist in (*artists.curves, *artists.points, *artists.component_numbers):
            artist.set_visible(False)
    artists.responsibilities = resp
    select_point_1d(artists, selected)
    return artists


def select_point_1d(artists, index):
    """Ring point ``index`` (0-based) on every curve, or nothing for None."""
    artists.selected_index = index
    resp = artists.responsibilities
    if index is None or resp is None or not 0 <= index < artists.X.size:
        artists.selected.set_visible(False)
        return artists
    xs = np.full(resp.shape[1], artists.X[index])
    artists.selected.set_offsets(np.c_[xs, resp[index]])
    artists.selected.set_visible(True)
    return artists
