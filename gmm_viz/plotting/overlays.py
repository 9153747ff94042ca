"""Pictures drawn once beside EM: the true mixture of synthetic data."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse

from gmm_viz.plotting._common import _params, _weighted_densities
from gmm_viz.plotting.one_d import GRID_POINTS_1D
from gmm_viz.plotting.style import _extend_legend, _size_spec
from gmm_viz.plotting.two_d import ellipse_geometry


@dataclass
class TruthArtists:
    """The artists of :func:`draw_truth`: one dotted curve (1-D) or two dotted ellipses
    (2-D) per true component."""

    ax: object
    artists: list = field(default_factory=list)


def draw_truth(ax, X, params, *, size="screen", grid=None, legend_of=None):
    """Overlay the true mixture that generated synthetic data, in dotted grey.

    1-D: each true weighted component density on the axes' x range; 2-D: each true
    component's 1-sigma and 2-sigma ellipses. Drawn once (the truth does not change while
    EM runs); returns :class:`TruthArtists`. ``legend_of``: the artists of the mixture
    drawn on ``ax`` (``draw_mixture_1d`` / ``_2d``), whose legend gets a "true components"
    entry.
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
    if legend_of is not None and legend_of.legend is not None:
        proxy = Line2D([], [], label="true components", **style)
        legend_of.legend = _extend_legend(legend_of.legend, proxy, "ghost", spec)
    return TruthArtists(ax, artists)
