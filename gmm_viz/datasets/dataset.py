"""The Dataset record (numbers, column names, source, a suggested start, the truth) and the
checks every array goes through before EM sees it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_viz.datasets._words import _cap, _column_label, _count, _quote
from gmm_viz.em import covariances_from_full, make_params
from gmm_viz.errors import DataError, ParameterError


def _axis_label(column, unit):
    """``"waiting (minutes)"``; a unit already spelled in the name moves into the brackets
    (``velocity_km_s`` in km/s reads ``"velocity (km/s)"``)."""
    if not unit:
        return column
    slug = "".join(ch if ch.isalnum() else "_" for ch in unit)
    if column.endswith("_" + slug):
        column = column[: -len(slug) - 1]
    return f"{column} ({unit})"


@dataclass(frozen=True, eq=False, repr=False)
class Dataset:
    """A data set ready for EM: numbers, names, credit and (optionally) parameters.

    Attributes
    ----------
    X : ndarray of shape (N, D)
        The data as floats, always 2-D, read-only.
    columns : tuple of str
        One name per column of ``X``.
    name : str
        Short name, e.g. ``"faithful"`` or the file name.
    source : str
        Where the data come from (a citation, a file path, or how they were simulated).
    description : str
        One or two sentences for a student.
    start : dict or None
        A suggested initial state: ``"weights"`` (K,), ``"means"`` (K, D) and
        ``"covariances"`` (K, D, D), read-only arrays.
    truth : dict or None
        The true parameters of simulated data, in the same format as ``start``.
    labels : ndarray of shape (N,) or None
        For simulated data, the component each row was drawn from (0-based).
    units : tuple of str or None
        The unit of each column ("minutes", "km/s"), when known; see :attr:`axis_labels`.
    note : str
        How text that could be read two ways was read (decimal commas, say), in a sentence
        to show beside the data; empty when the reading was plain.
    """

    X: np.ndarray
    columns: tuple
    name: str = "data"
    source: str = ""
    description: str = ""
    start: dict | None = None
    truth: dict | None = None
    labels: np.ndarray | None = None
    units: tuple | None = None
    note: str = ""

    def __post_init__(self):
        columns = (self.columns,) if isinstance(self.columns, str) else self.columns
        columns = tuple(str(c) for c in columns)
        shape = np.shape(self.X)
        width = 1 if len(shape) == 1 else shape[-1] if shape else 0
        X = validate_data(
            self.X, name=self.name, columns=columns if len(columns) == width else None
        )
        if len(columns) != X.shape[1]:
            raise DataError(
                f"{_cap(self.name)} has {X.shape[1]} columns of numbers but "
                f"{len(columns)} column names; give one name per column."
            )
        if self.units is not None:
            units = tuple(str(u) for u in self.units)
            if len(units) != X.shape[1]:
                raise DataError(
                    f"{_cap(self.name)} has {X.shape[1]} columns but {len(units)} units; "
                    "give one unit per column (an empty one for none)."
                )
            object.__setattr__(self, "units", units)
        X.flags.writeable = False
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "columns", columns)
        for field in ("start", "truth"):
            params = getattr(self, field)
            if params is not None:
                object.__setattr__(self, field, _frozen_params(params, X.shape[1], field))
        if self.labels is not None:
            labels = np.array(self.labels, dtype=int).reshape(-1)
            if labels.shape[0] != X.shape[0]:
                raise DataError(
                    f"{_cap(self.name)} has {X.shape[0]} rows but {labels.shape[0]} labels; "
                    "give one label per row."
                )
            labels.flags.writeable = False
            object.__setattr__(self, "labels", labels)

    @property
    def n_samples(self):
        """Number of rows (points), N."""
        return self.X.shape[0]

    @property
    def n_features(self):
        """Number of columns (dimensions), D."""
        return self.X.shape[1]

    @property
    def axis_labels(self):
        """Each column's name with its unit, for an axis: ``"waiting (minutes)"``."""
        units = self.units or ("",) * len(self.columns)
        return tuple(_axis_label(c, u) for c, u in zip(self.columns, units, strict=True))

    def select(self, columns):
        """Keep only some columns.

        Parameters
        ----------
        columns : str, int or sequence of str / int
            Column names, or 0-based column positions.

        Returns
        -------
        Dataset
            A new data set. ``start`` and ``truth`` keep the matching parts of the means
            and covariances (the marginal of a Gaussian mixture is a Gaussian mixture with
            the same weights).
        """
        idx = _resolve_columns(columns, self.columns, self.name)
        names = tuple(self.columns[i] for i in idx)
        name = self.name if names == self.columns else f"{self.name}:{'+'.join(names)}"
        return Dataset(
            X=self.X[:, idx],
            columns=names,
            name=name,
            source=self.source,
            description=self.description,
            start=_marginal(self.start, idx),
            truth=_marginal(self.truth, idx),
            labels=self.labels,
            units=None if self.units is None else tuple(self.units[i] for i in idx),
            note=self.note,
        )

    def start_for(self, n_components, covariance_type="full"):
        """The suggested start as ``GaussianMixtureEM`` arguments: the one rule that the
        command line and the explorer both follow.

        Returns ``{"weights_init", "means_init", "covariances_init"}`` (the covariances
        shaped for ``covariance_type``: the diagonals for "diag", their mean for
        "spherical", the weighted average for "tied").

        Raises
        ------
        ParameterError
            When the data set has no suggested start, or one with another number of
            components than ``n_components``, with the sentence that says what to change.
        """
        if self.start is None:
            raise ParameterError(
                f"The data set {self.name!r} has no suggested start; choose k-means or "
                "another initialisation."
            )
        k = len(self.start["weights"])
        if k != n_components:
            raise ParameterError(
                f"The suggested start of {self.name!r} has {k} components; set K to {k} or "
                "choose another initialisation."
            )
        return {
            "weights_init": np.array(self.start["weights"], dtype=float),
            "means_init": np.array(self.start["means"], dtype=float),
            "covariances_init": covariances_from_full(
                self.start["covariances"], covariance_type, self.start["weights"]
            ),
        }

    def __repr__(self):
        return f"Dataset(name={self.name!r}, n_samples={self.n_samples}, columns={self.columns!r})"


def _frozen_params(params, n_features, field):
    """Check a weights/means/covariances dict and store it as read-only full-shaped arrays."""
    if not isinstance(params, dict) or not {"weights", "means", "covariances"} <= set(params):
        raise ParameterError(
            f"The {field} parameters must be a dict with weights, means and covariances."
        )
    checked = make_params(params["weights"], params["means"], params["covariances"])
    if checked.n_features != n_features:
        raise ParameterError(
            f"The {field} means have {checked.n_features} columns but the data have "
            f"{n_features}; give one mean value per data column."
        )
    out = {
        "weights": checked.weights.copy(),
        "means": checked.means.copy(),
        "covariances": checked.full_covariances().copy(),
    }
    for value in out.values():
        value.flags.writeable = False
    return out


def _marginal(params, idx):
    if params is None:
        return None
    return {
        "weights": params["weights"],
        "means": params["means"][:, idx],
        "covariances": params["covariances"][:, idx][:, :, idx],
    }


def validate_data(X, n_components=None, name="data", *, columns=None):
    """Check that an array can be fitted by a mixture and return it as N x D floats.

    Parameters
    ----------
    X : array-like of shape (N,) or (N, D)
        Numbers; a 1-D array becomes one column.
    n_components : int, optional
        When given, the data must hold at least this many distinct points.
    name : str
        What to call the data in messages.
    columns : sequence of str, optional
        Column names for messages (otherwise columns are numbered from 1).

    Returns
    -------
    ndarray of shape (N, D)
        A new float array.

    Raises
    ------
    DataError
        If the data are not numbers, not 1-D or 2-D, empty, hold NaN or infinity, have no
        spread, or have fewer distinct points than ``n_components``. Rows are numbered
        from 1.
    ParameterError
        If ``n_components`` is not a whole number of at least 1.
    """
    where = _cap(name)
    try:
        arr = np.asarray(X)
    except (ValueError, TypeError):
        raise DataError(
            f"{where} could not be read as a table of numbers (are the rows of different "
            "lengths?); give every row the same number of values."
        ) from None
    if arr.dtype.kind in "US":
        raise DataError(f"{where} holds text, not numbers; convert it to numbers first.")
    if arr.dtype.kind == "c":
        raise DataError(f"{where} holds complex numbers; a mixture needs real numbers.")
    try:
        arr = np.array(arr, dtype=float)
    except (ValueError, TypeError):
        raise DataError(
            f"{where} holds values that are not numbers; convert every value to a number."
        ) from None
    one_d = arr.ndim == 1
    if arr.ndim == 0:
        raise DataError(f"{where} is a single number; a mixture needs a list or table of them.")
    if one_d:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2:
        raise DataError(
            f"{where} has {arr.ndim} dimensions (shape {arr.shape}); give a list of "
            "numbers or a table with one row per point."
        )
    if arr.size == 0:
        raise DataError(f"{where} is empty; give at least two different numbers.")

    bad = ~np.isfinite(arr)
    if bad.any():
        row, col = (int(i) for i in np.argwhere(bad)[0])
        value = arr[row, col]
        kind = "NaN (a missing value)" if np.isnan(value) else "infinite"
        place = f"Value {row + 1}" if one_d else f"Row {row + 1}, {_column_label(col, columns)}"
        raise DataError(
            f"{place} of {name} is {kind}; remove that row or replace it with a finite number."
        )

    _check_spread(arr, name, columns)

    if n_components is not None:
        if isinstance(n_components, bool) or not isinstance(n_components, (int, np.integer)):
            raise ParameterError(
                f"The number of components must be a whole number; got {n_components!r}."
            )
        if n_components < 1:
            raise ParameterError(
                f"The number of components must be at least 1; got {n_components}."
            )
        distinct = np.unique(arr, axis=0).shape[0]
        if distinct < n_components:
            raise DataError(
                f"{where} has only {distinct} distinct points, fewer than the "
                f"{n_components} components asked for; use at most {distinct} components "
                "or add more data."
            )
    return arr


def _check_spread(arr, name, columns):
    n, d = arr.shape
    if n == 1:
        raise DataError(
            f"{_cap(name)} has only one point, {_format_row(arr[0])}; a mixture needs data "
            "with some spread."
        )
    # Exact comparison, not a variance: values like 1 + 1e-9 * k are valid data, and
    # subtracting values near 1e308 could overflow.
    constant = np.all(arr == arr[0], axis=0)
    if constant.all():
        if d == 1:
            raise DataError(
                f"All {n} values in {name} are {float(arr[0, 0])!r}; a mixture needs data "
                "with some spread."
            )
        raise DataError(
            f"All {n} rows of {name} are {_format_row(arr[0])}; a mixture needs data with "
            "some spread."
        )
    if constant.any():
        col = int(np.argmax(constant))
        raise DataError(
            f"{_cap(_column_label(col, columns))} of {name} is "
            f"{float(arr[0, col])!r} in all {n} rows; a mixture needs some spread in every "
            "column, so drop that column."
        )


def _format_row(row):
    if len(row) == 1:
        return repr(float(row[0]))
    return "(" + ", ".join(repr(float(v)) for v in row) + ")"


def _resolve_columns(spec, names, where):
    """Turn column names / 0-based positions into a list of positions."""
    if spec is None:
        return list(range(len(names)))
    items = [spec] if isinstance(spec, (str, int, np.integer)) else list(spec)
    if not items:
        raise DataError(f"No columns were chosen from {where}; choose at least one.")
    known = ", ".join(repr(n) for n in names)
    out = []
    for item in items:
        if isinstance(item, str):
            if item in names:
                j = names.index(item)
            elif [n.lower() for n in names].count(item.lower()) == 1:
                j = [n.lower() for n in names].index(item.lower())
            elif item.strip().isdigit() and int(item) < len(names):
                j = int(item)
            else:
                raise DataError(
                    f"There is no column {_quote(item)} in {where}; the columns are {known}."
                )
        elif isinstance(item, (int, np.integer)) and not isinstance(item, bool):
            j = int(item)
            if not 0 <= j < len(names):
                raise DataError(
                    f"Column position {j} is out of range for {where}, which has "
                    f"{_count(len(names), 'column')} (positions 0 to {len(names) - 1}: "
                    f"{known})."
                )
        else:
            raise DataError(
                f"Choose columns by name or by 0-based position, not {item!r}; the columns "
                f"of {where} are {known}."
            )
        if j in out:
            raise DataError(f"Column {names[j]!r} of {where} is chosen twice; choose it once.")
        out.append(j)
    return out
