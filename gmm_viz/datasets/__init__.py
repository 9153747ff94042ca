"""Data sets for gmm_viz, and a careful reader for the user's own numbers.

Every loader returns a :class:`Dataset`: an N x D float array with column names, a
citation, a one-line description for students and, where one exists, a suggested start
and the true parameters.

Bundled data (shipped in ``gmm_viz/data``; nothing is downloaded):

* ``toy`` -- the five points 0.9, 0.7, 1.2, 2.4, 1.8 of the worked EM example in the
  "Gaussian Mixture Model" notes (seed 001), with the start that reproduces its numbers:
  means 1 and 2, variances 2 and 2, weights 0.5 and 0.5.
* ``faithful`` -- Old Faithful geyser, Yellowstone: 272 eruptions, duration and waiting
  time in minutes. R ``datasets::faithful``; Härdle, W. (1991) *Smoothing Techniques with
  Implementation in S*, Springer, via Azzalini, A. and Bowman, A. W. (1990) "A look at
  some data on the Old Faithful geyser", *Applied Statistics* 39, 357-365. The classic
  bimodal data set of Bishop, *Pattern Recognition and Machine Learning*, ch. 9.
* ``galaxies`` -- velocities (km/s) of 82 galaxies in the Corona Borealis region. R
  ``MASS::galaxies``; Roeder, K. (1990) "Density estimation with confidence sets
  exemplified by superclusters and voids in the galaxies", *Journal of the American
  Statistical Association* 85, 617-624.
* ``synthetic`` -- seeded draws from a random (or given) mixture, with the truth attached.

User data comes in through :func:`load_csv` (a path, or the bytes of an upload) and
:func:`parse_text` (pasted numbers). Both sniff the delimiter (comma, semicolon, tab or
white space), detect a header row, and raise :class:`~gmm_viz.errors.DataError` with one
sentence that says what is wrong, where (row as counted in the file, column by name when
there is a header) and how to fix it. :func:`validate_data` applies the same checks to an
array.

Rooms: :mod:`~gmm_viz.datasets.dataset` (the record and its checks),
:mod:`~gmm_viz.datasets.readers` (CSV and pasted text), :mod:`~gmm_viz.datasets.bundled`
(the shipped and synthetic data sets).
"""

from gmm_viz.datasets._words import format_size
from gmm_viz.datasets.bundled import (
    CATALOGUE,
    DATASET_NAMES,
    faithful,
    galaxies,
    load,
    synthetic,
    toy,
)
from gmm_viz.datasets.dataset import Dataset, validate_data
from gmm_viz.datasets.readers import MAX_INPUT_BYTES, load_csv, parse_text

__all__ = [
    "CATALOGUE",
    "DATASET_NAMES",
    "MAX_INPUT_BYTES",
    "Dataset",
    "format_size",
    "faithful",
    "galaxies",
    "load",
    "load_csv",
    "parse_text",
    "synthetic",
    "toy",
    "validate_data",
]
