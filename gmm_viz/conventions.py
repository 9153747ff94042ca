"""What every face of gmm_viz writes the same way: each component's colour and marker, and the
rounding of every number shown. The pictures (:mod:`gmm_viz.plotting`), the HTML panels
(:mod:`gmm_viz.worked`) and the exports all take them from here.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.colors import to_hex, to_rgba_array

from gmm_viz.em import covariance_types
from gmm_viz.errors import ParameterError

__all__ = [
    "DECIMALS",
    "MARKERS",
    "NEUTRAL_GREY",
    "PALETTE",
    "SIGNIFICANT",
    "component_colors",
    "component_markers",
    "data_format",
    "format_number",
    "number_format",
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
# A marker per component (matplotlib's names), so that components differ by more than hue:
# under colour blindness some Okabe-Ito pairs come close (3 and 4 under deuteranopia), and
# from K = 9 on the colours repeat. Component k wears MARKERS[k % 12] in every picture (on
# its curve or as its mean, in the responsibility panel and in the legend) beside its
# number. Solid lines for all: dashes mean "the previous step".
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "h", "<", ">", "p"]
# Neutral grey for points before any E-step (no responsibilities yet).
NEUTRAL_GREY = "#8C8C8C"
# The one rounding rule: 4 decimals (1.3066, 0.3510, 0.5744, -7.0758), or 4 significant
# digits in scientific notation for numbers too large or too small for decimals.
DECIMALS = 4
# Fitted parameters shown in decimals carry at most this many significant digits: a
# variance of 178514.6045 (km/s)² reads "178515", not with 4 meaningless decimals.
SIGNIFICANT = 6


def format_number(value, decimals=DECIMALS):
    """A number as gmm_viz shows it everywhere: ``decimals`` decimals (1.3066), or, below
    1e-3 or from 1e6 in size, ``decimals`` significant digits (2.105e-06)."""
    v = float(value)
    if v == 0 or (1e-3 <= abs(v) < 1e6):
        text = f"{v:.{decimals}f}"
    else:
        text = f"{v:.{decimals}g}"
    return _plain(text)


def _plain(text):
    """No minus sign on a number that rounds to zero ("-0.0000" reads as a mistake)."""
    return text[1:] if text.startswith("-") and text.strip("-0.") == "" else text


def number_format(values, decimals=DECIMALS, significant=None):
    """One format for numbers shown together (one legend column, one table column), as a
    function.

    :func:`format_number`'s rule taken for the whole group: ``decimals`` decimals for every
    number when each of them allows it (0, or from 1e-3 to below 1e6 in size), else
    ``decimals`` significant digits in scientific notation for every number (9.107e-01,
    2.189e+04, 9.808e+06), never "21886.8127" beside "9.808e+06".

    ``significant`` (say :data:`SIGNIFICANT`) caps the digits of the group's largest number
    in decimals: fewer decimals for large numbers, the same number of decimals for the
    whole group (178514.6045 and 2.7 as "178515" and "3" at 6; 21886.8127 and 9.3 as
    "21886.8" and "9.3"; 1.3066 and 0.3510 keep their 4 decimals). A largest number that
    rounds to 1e6 takes the group to scientific notation.
    """
    sizes = [abs(float(v)) for v in values]
    finite = [v for v in sizes if math.isfinite(v)]
    fixed = all(v == 0 or 1e-3 <= v < 1e6 for v in finite)
    places = decimals
    if fixed and significant is not None and finite and max(finite) > 0:
        top = float(f"{max(finite):.{int(significant)}g}")  # as it will be rounded
        places = min(decimals, max(0, int(significant) - 1 - math.floor(math.log10(top))))
        fixed = top < 1e6

    def fmt(value):
        v = float(value)
        return _plain(f"{v:.{places}f}" if fixed else f"{v:.{decimals - 1}e}")

    return fmt


def data_format(values, digits=4):
    """One format for a column of data, as a function: the data as recorded, with one number
    of decimals for the whole column.

    The decimals are those the most precise value needs (trailing zeros dropped), but no more
    than show the column's largest value to ``digits`` significant digits: 9172 and 10227
    (galaxies, km/s), 79 and 54 (Old Faithful's waiting), 3.600 and 3.333 (its eruptions),
    0.715 and -1.234 (simulated data, not 0.715489). Scientific notation for the whole
    column when its largest value is from 1e6 or below 1e-3 in size.
    """
    sizes = np.abs(np.asarray(values, dtype=float).ravel())
    sizes = sizes[np.isfinite(sizes)]
    top = float(sizes.max()) if sizes.size else 0.0
    fixed = top == 0 or 1e-3 <= top < 1e6
    decimals = 0
    if fixed and top:
        # Vectorised (a column may hold 1e5 values): the decimals each value needs at
        # ``digits`` significant digits, no more than the largest value's, then fewer while
        # rounding to fewer gives the same number (dropping trailing zeros).
        limit = max(0, digits - 1 - math.floor(math.log10(top)))
        v = sizes[sizes > 0]
        places = np.clip(digits - 1 - np.floor(np.log10(v)).astype(int), 0, limit)
        scale = 10.0**places
        shown = np.rint(v * scale)  # each value in units of its last shown decimal
        decimals = limit
        for d in range(limit - 1, -1, -1):  # from the most decimals down: data rarely end in 0
            unit = 10.0 ** np.maximum(places - d, 0)
            if np.any(np.rint(shown / unit) * unit != shown):
                break
            decimals = d

    def fmt(value):
        v = float(value)
        return _plain(f"{v:.{decimals}f}" if fixed else f"{v:.{digits - 1}e}")

    return fmt


def component_markers(k):
    """The markers of ``k`` components: :data:`MARKERS`, cycled when ``k`` > 12."""
    k = int(k)
    if k < 0:
        raise ParameterError(f"The number of components must be at least 0; got {k}.")
    return [MARKERS[j % len(MARKERS)] for j in range(k)]


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
    elif not covariance_types.get(covariance_type).same_as_full_in_1d:
        title += ", one shared variance"
    return title
