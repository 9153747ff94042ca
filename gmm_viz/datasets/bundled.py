"""The data sets that come with gmm_viz (nothing is downloaded): the toy example, Old
Faithful, the galaxies, and seeded synthetic mixtures with their truth.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import resources

import numpy as np

from gmm_viz.datasets._words import _count, _quote, _whole_number
from gmm_viz.datasets.dataset import Dataset
from gmm_viz.datasets.readers import _check_size, _decode, _parse_table
from gmm_viz.em import make_params, sample_mixture
from gmm_viz.errors import DataError, ParameterError

FAITHFUL_SOURCE = (
    "R datasets::faithful (Old Faithful geyser, Yellowstone; Härdle 1991, "
    "via Azzalini & Bowman 1990)"
)


GALAXIES_SOURCE = (
    "R MASS::galaxies (Roeder 1990, velocities of galaxies in the Corona Borealis region)"
)


TOY_SOURCE = "Worked example, 'Gaussian Mixture Model' notes (seed 001)"


def toy():
    """The five points of the worked EM example, with its start.

    Returns
    -------
    Dataset
        X = 0.9, 0.7, 1.2, 2.4, 1.8 as a 5 x 1 column ``x``; ``start`` has means 1 and 2,
        variances 2 and 2 and weights 0.5 and 0.5, the initial state that reproduces the
        example's printed numbers.
    """
    return Dataset(
        X=np.array([[0.9], [0.7], [1.2], [2.4], [1.8]]),
        columns=("x",),
        name="toy",
        source=TOY_SOURCE,
        description=(
            "Five numbers from two clusters, from a worked example of one EM step; from the "
            "suggested start, one step moves the means to about 1.307 and 1.498."
        ),
        start={
            "weights": np.array([0.5, 0.5]),
            "means": np.array([[1.0], [2.0]]),
            "covariances": np.array([[[2.0]], [[2.0]]]),
        },
    )


def _packaged(filename, columns, **fields):
    data = (resources.files("gmm_viz") / "data" / filename).read_bytes()
    where = f"the file {_quote(filename)}"
    _check_size(len(data), where)
    X, names = _parse_table(_decode(data, where), columns, where)
    return Dataset(X=X, columns=names, **fields)


# A start for the class demo that is visibly wrong: short eruptions paired with long waits
# and the other way round, two round Gaussians. The ellipses travel across the picture and
# turn before they settle (27 iterations to the answer k-means would start next to).
FAITHFUL_START = {
    "weights": [0.5, 0.5],
    "means": [[2.0, 85.0], [4.5, 55.0]],
    "covariances": [[[0.5, 0.0], [0.0, 60.0]], [[0.5, 0.0], [0.0, 60.0]]],
}


def faithful(columns=None):
    """Old Faithful geyser: eruption length and waiting time, 272 eruptions.

    Parameters
    ----------
    columns : str, int or sequence, optional
        ``"eruptions"`` (minutes), ``"waiting"`` (minutes to the next eruption), or both
        (the default).

    Returns
    -------
    Dataset
        272 x 2 (or 272 x 1 for one column), with the class demo's start
        (:data:`FAITHFUL_START`: visibly wrong, so that EM has somewhere to go).
    """
    ds = _packaged(
        "faithful.csv",
        None,
        name="faithful",
        source=FAITHFUL_SOURCE,
        description=(
            "Old Faithful geyser in Yellowstone: how long each of 272 eruptions lasted and "
            "how long until the next one, in minutes. Short and long eruptions form two "
            "clear clusters."
        ),
        start=FAITHFUL_START,
        units=("minutes", "minutes"),
    )
    return ds if columns is None else ds.select(columns)


def galaxies():
    """Velocities of 82 galaxies in the Corona Borealis region (km/s), 82 x 1.

    Returns
    -------
    Dataset
    """
    return _packaged(
        "galaxies.csv",
        None,
        name="galaxies",
        source=GALAXIES_SOURCE,
        description=(
            "Speeds (km/s) at which 82 galaxies move away from us; clumps of speed hint at "
            "clusters of galaxies, and how many components to use is a classic argument."
        ),
        units=("km/s",),
    )


def synthetic(
    n_samples=300,
    n_components=None,
    n_features=None,
    *,
    separation=3.0,
    weights=None,
    means=None,
    covariances=None,
    random_state=0,
):
    """Points drawn from a known Gaussian mixture, with the truth attached.

    Without ``means`` the mixture itself is random (drawn from ``random_state``): weights
    from a Dirichlet(5, ..., 5), standard deviations between 0.5 and 1.5 in random
    directions, and means at least ``separation`` largest standard deviations apart.

    Parameters
    ----------
    n_samples : int
        Number of points, at least 2.
    n_components : int, optional
        K for a random mixture (default 3). With ``means`` it must match, if given.
    n_features : int, optional
        D for a random mixture (default 1). With ``means`` it must match, if given.
    separation : float
        Smallest distance between two random means, in units of the largest standard
        deviation (0 allows overlapping components).
    weights : array-like (K,), optional
        With ``means``: the mixing weights (default equal).
    means : array-like (K, D) or (K,), optional
        Draw from this mixture instead of a random one.
    covariances : array-like (K, D, D) or, in 1-D, (K,) variances, optional
        With ``means``: the covariances (default identity).
    random_state : int, numpy Generator or None
        Seed; the same seed gives the same data.

    Returns
    -------
    Dataset
        ``truth`` holds the mixture's weights, means and covariances; ``labels`` the
        component of each point.
    """
    n_samples = _whole_number(n_samples, "number of samples", minimum=2)
    rng = np.random.default_rng(random_state)
    if means is None:
        if weights is not None or covariances is not None:
            raise ParameterError(
                "Give the means too when you give weights or covariances, so that the "
                "mixture is complete."
            )
        k = 3 if n_components is None else _whole_number(n_components, "number of components")
        d = 1 if n_features is None else _whole_number(n_features, "number of features")
        separation = float(separation)
        if not math.isfinite(separation) or separation < 0:
            raise ParameterError(
                f"The separation must be zero or a positive number; got {separation}."
            )
        weights, means, covariances = _random_mixture(rng, k, d, separation)
        how = f"a random mixture of {k} Gaussians"
    else:
        means = np.asarray(means, dtype=float)
        d = 1 if means.ndim == 1 else means.shape[-1]
        k = means.shape[0]
        if weights is None:
            weights = np.full(k, 1.0 / k)
        if covariances is None:
            covariances = np.broadcast_to(np.eye(d), (k, d, d))
        for given, actual, what in ((n_components, k, "components"), (n_features, d, "features")):
            if given is not None and given != actual:
                raise ParameterError(
                    f"The means describe {actual} {what} but {given} were asked for; "
                    "make them agree."
                )
        how = f"a given mixture of {k} Gaussians"
    truth = make_params(weights, means, covariances)
    truth_full = truth.full_covariances()
    X, labels = sample_mixture(truth.weights, truth.means, truth_full, n_samples, rng)
    columns = ("x",) if d == 1 else tuple(f"x{j + 1}" for j in range(d))
    return Dataset(
        X=X,
        columns=columns,
        name="synthetic",
        source=f"Simulated: {n_samples} draws from {how} (random_state={random_state!r})",
        description=(
            f"{n_samples} points drawn from a known mixture of {k} Gaussians in "
            f"{_count(d, 'dimension')}; compare what EM finds with the true parameters in "
            "`truth`."
        ),
        truth={"weights": truth.weights, "means": truth.means, "covariances": truth_full},
        labels=labels,
    )


def _random_mixture(rng, k, d, separation):
    weights = rng.dirichlet(np.full(k, 5.0))
    # Standard deviations between 0.5 and 1.5: no component is a needle or a blanket.
    sds = rng.uniform(0.5, 1.5, size=(k, d))
    covariances = np.empty((k, d, d))
    for j in range(k):
        rotation, _ = np.linalg.qr(rng.standard_normal((d, d)))
        c = (rotation * sds[j] ** 2) @ rotation.T
        covariances[j] = (c + c.T) / 2
    gap = separation * sds.max()
    if d == 1:
        # Means left to right, each gap between 1 and 1.5 times the minimum.
        steps = gap * rng.uniform(1.0, 1.5, size=k - 1)
        centres = np.concatenate([[0.0], np.cumsum(steps)])
        means = (centres - centres.mean())[:, None]
    else:
        # Rejection sampling in a box that grows until the means fit; it stays seeded.
        side = max(gap, 1.0) * max(1.0, k ** (1.0 / d)) * 1.5
        means = np.empty((0, d))
        tries = 0
        while len(means) < k:
            candidate = rng.uniform(-side / 2, side / 2, size=d)
            if len(means) == 0 or np.min(np.linalg.norm(means - candidate, axis=1)) >= gap:
                means = np.vstack([means, candidate])
            tries += 1
            if tries % 200 == 0:
                side *= 1.2
    return weights, means, covariances


_LOADERS = {"toy": toy, "faithful": faithful, "galaxies": galaxies, "synthetic": synthetic}


@dataclass(frozen=True)
class CatalogueEntry:
    """A bundled data set as every face offers it: the name :func:`load` takes (and the
    command line's ``--data``), and the label a menu shows. An entry that is a loader with
    options names the loader and gives the options as (name, value) pairs."""

    name: str
    label: str
    loader: str | None = None
    options: tuple = ()


# The one list of the bundled data sets: the explorer's menu, the command line's names
# and load() all read it. A new data set is a loader above and one line here.
CATALOGUE = (
    CatalogueEntry("toy", "Toy example (5 points, worked by hand)"),
    CatalogueEntry("faithful:eruptions", "Old Faithful: eruption time (1-D)"),
    CatalogueEntry("faithful:waiting", "Old Faithful: waiting time (1-D)"),
    CatalogueEntry("faithful", "Old Faithful: both columns (2-D)"),
    CatalogueEntry("galaxies", "Galaxies: velocities (1-D)"),
    CatalogueEntry("synthetic", "Synthetic 1-D, with its true mixture"),
    CatalogueEntry(
        "synthetic2d",
        "Synthetic 2-D, with its true mixture",
        "synthetic",
        (("n_features", 2), ("random_state", 0)),
    ),
)

DATASET_NAMES = tuple(entry.name for entry in CATALOGUE)
_VARIANTS = {entry.name: entry for entry in CATALOGUE if entry.loader}


def load(name, **options):
    """Load a data set by name.

    Parameters
    ----------
    name : str
        One of :data:`DATASET_NAMES` (the names in :data:`CATALOGUE`): ``"toy"``,
        ``"faithful"``, ``"faithful:eruptions"``, ``"faithful:waiting"``, ``"galaxies"``,
        ``"synthetic"``, ``"synthetic2d"``. Any data set also takes ``"name:column"`` to
        keep one column. Case and surrounding spaces are ignored.
    **options
        Passed to the loader, e.g. ``load("synthetic", n_features=2, random_state=1)``.

    Returns
    -------
    Dataset
    """
    if not isinstance(name, str):
        raise DataError(
            f"A data set name must be text; the known names are {', '.join(DATASET_NAMES)}."
        )
    base, _, column = name.strip().lower().partition(":")
    base = base.strip()
    if base in _VARIANTS:  # a loader with its own options (synthetic2d)
        variant = _VARIANTS[base]
        base, options = variant.loader, {**dict(variant.options), **options}
    loader = _LOADERS.get(base)
    if loader is None:
        raise DataError(
            f"There is no data set called {_quote(name)}; the known names are "
            f"{', '.join(DATASET_NAMES)}."
        )
    dataset = loader(**options)
    return dataset.select(column.strip()) if column.strip() else dataset
