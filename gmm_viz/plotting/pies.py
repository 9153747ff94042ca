"""Points drawn as pies split by their responsibilities, for small data in 1-D and 2-D.

A blended colour cannot tell a point shared 40/60 from one shared 60/40 (both are the same
grey-olive); a pie can: component k's share of point n is an arc of 360 * r_nk degrees,
drawn from twelve o'clock anticlockwise in component order. Before any E-step every pie is
a grey full circle.

The pies are one PathCollection per component plus a grey one, placed like scatter
markers: the offsets are the points (in data coordinates, or the 1-D band's), the paths
are wedges of diameter 1 scaled by ``sizes`` (points², as in ``scatter``), so that a pie
keeps its size in points whatever the zoom, the figure's dpi or the dpi it is saved at.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.path import Path
from matplotlib.transforms import Affine2D, IdentityTransform

from gmm_viz.conventions import NEUTRAL_GREY

__all__ = ["draw_pies", "set_pies"]

# Diameter 1, like a scatter marker's path: ``sizes`` (points²) give the pie's area as a
# marker's.
_HALF = Affine2D().scale(0.5)
_CIRCLE = Path.unit_circle().transformed(_HALF)
# Arcs narrower than this (degrees) are left out: a hairline of colour reads as noise.
_MIN_ARC = 0.5


def draw_pies(ax, offsets, colors, *, size, offset_transform=None, zorder=2.5, clip_on=True):
    """Add the pies of ``offsets`` (N, 2) to ``ax``, grey until :func:`set_pies` splits them.

    Parameters
    ----------
    ax : Axes
    offsets : array-like (N, 2)
        The pies' centres in ``offset_transform``'s coordinates.
    colors : list of K colours
        One collection per colour, then a grey one (:data:`NEUTRAL_GREY`).
    size : float
        A pie's area in points², as a scatter marker's ``s``.
    offset_transform : Transform, optional
        Default ``ax.transData``.
    zorder : float
    clip_on : bool

    Returns
    -------
    list of PathCollection
        K + 1 collections: component k's wedges, then the grey circles.
    """
    offsets = np.asarray(offsets, dtype=float).reshape(-1, 2)
    pies = []
    for c in [*colors, NEUTRAL_GREY]:
        pie = PathCollection(
            [],
            sizes=[size],
            offsets=offsets,
            offset_transform=ax.transData if offset_transform is None else offset_transform,
            transform=IdentityTransform(),
            facecolors=c,
            edgecolors="white",
            linewidths=0.6,
            zorder=zorder,
            clip_on=clip_on,
        )
        ax.add_collection(pie, autolim=False)
        pies.append(pie)
    set_pies(pies, offsets, None)
    return pies


def set_pies(pies, offsets, responsibilities):
    """Split each pie by its responsibilities: component k's wedge spans 360 * r_nk degrees
    from 90 degrees (twelve o'clock) on, anticlockwise, after components 1 to k - 1.

    ``responsibilities`` None (before any E-step) makes every pie a grey full circle; so
    does a row with no information (all zero or NaN). Rows are normalised to sum to 1. A
    share within half a degree of the whole is a full circle (no notch at twelve o'clock),
    and a share under half a degree is left out.
    """
    offsets = np.asarray(offsets, dtype=float).reshape(-1, 2)
    none = np.zeros((0, 2))
    if responsibilities is None:
        for pie in pies[:-1]:
            pie.set_paths([])
            pie.set_offsets(none)
        pies[-1].set_paths([_CIRCLE] * len(offsets))
        pies[-1].set_offsets(offsets)
        return pies
    r = np.clip(np.nan_to_num(np.asarray(responsibilities, dtype=float), nan=0.0), 0.0, None)
    total = r.sum(axis=1, keepdims=True)
    empty = total[:, 0] <= 0
    r = r / np.where(empty[:, None], 1.0, total)
    ends = 90.0 + 360.0 * np.cumsum(r, axis=1)
    starts = np.c_[np.full(len(r), 90.0), ends[:, :-1]]
    for j, pie in enumerate(pies[:-1]):
        wide = (ends[:, j] - starts[:, j] > _MIN_ARC) & ~empty
        index = np.flatnonzero(wide)
        pie.set_paths([_wedge(starts[i, j], ends[i, j]) for i in index])
        pie.set_offsets(offsets[index] if index.size else none)
    pies[-1].set_paths([_CIRCLE] * int(empty.sum()))
    pies[-1].set_offsets(offsets[empty] if empty.any() else none)
    return pies


def _wedge(start, end):
    if end - start >= 360.0 - _MIN_ARC:
        return _CIRCLE
    return Path.wedge(start, end).transformed(_HALF)
