"""Colours and sizes: the Okabe-Ito palette, responsibility-blended colours, and the
"screen" and "projector" sizes of text, lines and markers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from matplotlib.colors import to_rgba_array

from gmm_viz.conventions import NEUTRAL_GREY, SIGNIFICANT, number_format
from gmm_viz.conventions import colors_for as _colors
from gmm_viz.errors import ParameterError
from gmm_viz.plotting.layout import refresh_layout

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
        "pie_1d": 150.0,
        "mean_size": 130.0,
        "ll_line": 1.6,
        "ll_marker": 5.0,
        "ll_current": 13.0,
        "component_marker": 8.0,
        "number": 10.0,
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
        "pie_1d": 200.0,
        "mean_size": 340.0,
        "ll_line": 3.0,
        "ll_marker": 9.0,
        "ll_current": 22.0,
        "component_marker": 14.0,
        "number": 17.0,
        # Smaller than the text asks for on paper: the picture is shown to fit the window's
        # height, and a smaller canvas makes the same text bigger on the wall.
        "figsize": (10.0, 6.2),
        "figsize_2d": (10.0, 8.6),
    },
}


# A mean that moved less than this fraction of the axis span gets no arrow (an E-step, or a
# move too small to see: the arrow would be all head).
MIN_ARROW_MOVE = 1e-3


_GHOST_ALPHA = 0.45


# Small data's pies (:mod:`~gmm_viz.plotting.pies`): in 2-D a pie has PIE_AREA_2D times a
# point's area (``point_size``); on the 1-D band its area is SIZES[...]["pie_1d"]. The ring
# around the selected point has RING_AREA times its point's area, RING_AREA_1D around a
# 1-D pie (the toy's 0.7 and 0.9 are neighbours: a wider ring would cross the other pie).
PIE_AREA_2D = 4.0
RING_AREA = 3.2
RING_AREA_1D = 2.4


_MIXTURE_LABEL = "mixture"


_PREVIOUS_LABEL = "previous step"


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
        "component": {"linewidth": spec["line"], "markersize": spec["component_marker"]},
        "resp_curve": {"linewidth": spec["line"], "markersize": spec["component_marker"]},
        "number": {"fontsize": spec["number"]},
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
        "rug_big": {"sizes": [3.0 * spec["point_size"]]},
        "pies": {"sizes": [PIE_AREA_2D * spec["point_size"]]},
        "pies_1d": {"sizes": [spec["pie_1d"]]},
        "ring_pies": {"sizes": [RING_AREA * PIE_AREA_2D * spec["point_size"]]},
        "ring_pies_1d": {"sizes": [RING_AREA_1D * spec["pie_1d"]]},
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
    legend.gmm_viz_handles = tuple(handles)  # the originals, to add an entry later
    legend.gmm_viz_options = dict(kwargs)
    _style_legend(legend, spec)
    if previous_visible is not None:
        _set_previous_in_legend(legend, previous_visible)
    return legend


def _extend_legend(legend, handle, role, spec):
    """A new legend with ``handle`` added at the end of ``legend`` (a :func:`_make_legend`
    one), which it replaces on the axes; returns the new legend."""
    ax = legend.axes
    previous = [t.get_visible() for t in legend.get_texts() if t.get_text() == _PREVIOUS_LABEL]
    legend.remove()
    return _make_legend(
        ax,
        [*legend.gmm_viz_handles, handle],
        [*legend.gmm_viz_roles, role],
        spec,
        previous[0] if previous else None,
        **legend.gmm_viz_options,
    )


def _set_previous_in_legend(legend, visible):
    """Show or hide the legend's last entry, "previous step" (no re-layout needed)."""
    if legend is None:
        return
    for handle, text in zip(legend.legend_handles, legend.get_texts(), strict=False):
        if text.get_text() == _PREVIOUS_LABEL:
            handle.set_visible(visible)
            text.set_visible(visible)


class ReadoutFormat(NamedTuple):
    """The formats of a legend's readouts, one per kind of number, each shared by every
    component's line (:func:`readout_format`)."""

    weight: Callable[[float], str]
    mean: Callable[[float], str]
    covariance: Callable[[float], str]


def _readout_kinds(params):
    """Every component's weight (K,), mean (K, D) and (co)variance's upper triangle."""
    cov = params.full_covariances()
    rows, cols = np.triu_indices(params.n_features)
    return params.weights, params.means, cov[:, rows, cols]


def readout_format(params):
    """The number formats of a legend's readouts: one for the weights, one for the means,
    one for the (co)variances, each decided by that kind's numbers of every component
    together (:func:`~gmm_viz.conventions.number_format` with at most
    :data:`~gmm_viz.conventions.SIGNIFICANT` significant digits), so that a column reads
    evenly and a number never carries meaningless decimals.

    Each kind: 4 decimals while its largest number has at most 6 significant digits
    (1.3066, 0.3510), fewer decimals for larger numbers, the same for the whole kind
    (178514.6045 as "178515", 21886.8127 as "21886.8"); 4 significant digits in
    scientific notation for the whole kind when one of its numbers is from 1e6 (rounded)
    or below 1e-3 in size (9.808e+06, 2.189e+04): never "21886.8127" beside "9.808e+06".
    The weights keep their 4 decimals whatever the data's units.
    """
    weights, means, upper = _readout_kinds(params)
    return ReadoutFormat(
        *(number_format(np.ravel(v), significant=SIGNIFICANT) for v in (weights, means, upper))
    )


def component_readout(params, j, fmt=None):
    """The legend line of component ``j``: its weight, mean and (co)variance, written with the
    app's rounding rule in the formats of the legend (``fmt``, by default
    :func:`readout_format` of ``params``), e.g. "component 1: α 0.5125, μ 1.3066, σ² 0.3510"."""
    fmt = readout_format(params) if fmt is None else fmt
    if not isinstance(fmt, ReadoutFormat):  # one function for every number
        fmt = ReadoutFormat(fmt, fmt, fmt)
    weights, means, upper = _readout_kinds(params)
    head = f"component {j + 1}: α {fmt.weight(weights[j])}"
    mu = [fmt.mean(v) for v in means[j]]
    sigma = [fmt.covariance(v) for v in upper[j]]
    if params.n_features == 1:
        return f"{head}\nμ {mu[0]}, σ² {sigma[0]}"
    return f"{head}\nμ ({', '.join(mu)})\nΣ ({', '.join(sigma)})"


def _set_component_readout(legend, params):
    """Write each component's numbers into its legend line; returns True when a line's
    length changed (the layout then has room to make)."""
    if legend is None:
        return False
    changed = False
    texts = legend.get_texts()
    fmt = readout_format(params)
    for j in range(params.n_components):
        text = component_readout(params, j, fmt)
        if len(texts[j].get_text()) != len(text):
            changed = True
        texts[j].set_text(text)
    return changed
