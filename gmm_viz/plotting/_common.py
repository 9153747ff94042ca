"""What the 1-D and 2-D pictures share: input checks, weighted densities, move arrows."""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from gmm_viz.em import GMMParams, component_densities, make_params
from gmm_viz.errors import DataError, ParameterError
from gmm_viz.plotting.style import MIN_ARROW_MOVE, _role


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


def _grid_index(grid, values):
    """The index of the grid point nearest each value."""
    i = np.clip(np.searchsorted(grid, values), 1, grid.size - 1)
    return np.where(np.abs(grid[i - 1] - values) <= np.abs(grid[i] - values), i - 1, i)


def _component_number(ax, j, spec, zorder, offset=(5, 4), ha="left"):
    """Component ``j``'s number ("1", "2", ...), written beside its marker (at its mean):
    with the marker it tells components apart where colours look alike. Hidden until
    :func:`_place_number` puts it somewhere. ``offset``: points up and right of the marker;
    ``ha``: which side of the text sits there."""
    number = ax.annotate(
        str(j + 1),
        (0.0, 0.0),
        xytext=offset,
        textcoords="offset points",
        ha=ha,
        fontsize=spec["number"],
        fontweight="bold",
        color="0.1",
        # A light box behind it: it stays readable where curves or points pass behind.
        bbox={
            "boxstyle": "round,pad=0.12",
            "facecolor": "white",
            "edgecolor": "none",
            "alpha": 0.8,
        },
        zorder=zorder,
    )
    number.set_visible(False)
    return _role(number, "number", spec)


def _place_number(number, x, y):
    """Put a component's number at (x, y) in data coordinates (hidden when not finite)."""
    shown = bool(np.isfinite(x) and np.isfinite(y))
    if shown:
        number.xy = (float(x), float(y))
    number.set_visible(shown)
    number.stale = True  # assigning xy alone does not say the text moved


class _NonNegativeLocator(MaxNLocator):
    """Tick locator for the density axis: no ticks in the rug band below zero."""

    def __call__(self):
        vmin, vmax = self.axis.get_view_interval()
        ticks = self.tick_values(max(vmin, 0.0), vmax)
        return ticks[(ticks >= 0) & (ticks <= vmax * (1 + 1e-9))]
