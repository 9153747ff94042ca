"""What every face of gmm_viz writes the same way: each component's colour and the rounding of
every number shown. The pictures (:mod:`gmm_viz.plotting`), the HTML panels
(:mod:`gmm_viz.worked`) and the exports all take them from here.
"""

from __future__ import annotations

from matplotlib.colors import to_hex, to_rgba_array

from gmm_viz.errors import ParameterError

__all__ = [
    "DECIMALS",
    "NEUTRAL_GREY",
    "PALETTE",
    "component_colors",
    "format_number",
    "run_title",
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
# The one rounding rule: 4 decimals (1.3066, 0.3510, 0.5744, -7.0758), or 4 significant
# digits in scientific notation for numbers too large or too small for decimals.
DECIMALS = 4


def format_number(value, decimals=DECIMALS):
    """A number as gmm_viz shows it everywhere: ``decimals`` decimals (1.3066), or, below
    1e-3 or from 1e6 in size, ``decimals`` significant digits (2.105e-06)."""
    v = float(value)
    if v == 0 or (1e-3 <= abs(v) < 1e6):
        text = f"{v:.{decimals}f}"
    else:
        text = f"{v:.{decimals}g}"
    return text[1:] if text.startswith("-") and text.strip("-0.") == "" else text


def component_colors(k):
    """The colours of ``k`` components: :data:`PALETTE`, cycled when ``k`` > 8."""
    k = int(k)
    if k < 0:
        raise ParameterError(f"The number of components must be at least 0; got {k}.")
    return [PALETTE[j % len(PALETTE)] for j in range(k)]


def colors_for(colors, k):
    """Hex colours for ``k`` components (default: the palette)."""
    if colors is None:
        return component_colors(k)
    colors = list(colors)
    if len(colors) < k:
        raise ParameterError(f"Give at least {k} colours, one per component; got {len(colors)}.")
    return [to_hex(c, keep_alpha=False) for c in colors[:k]]


def tint(color, amount=0.3):
    """``color`` mixed with white: ``amount`` of the colour, the rest white (a hex string)."""
    rgb = to_rgba_array(color)[0, :3]
    return to_hex(1.0 - amount * (1.0 - rgb))


def run_title(name, n_points, n_components, covariance_type, n_features):
    """The title of a run's picture, the same in the explorer and the CLI's animations:
    "toy: 5 points, K = 2". In 2-D it names the covariance type; in 1-D full, diag and
    spherical are one model (a variance per component) and only tied is said."""
    title = f"{name}: {n_points} point{'s' if n_points != 1 else ''}, K = {n_components}"
    if n_features > 1:
        title += f", {covariance_type} covariance"
    elif covariance_type == "tied":
        title += ", one shared variance"
    return title
