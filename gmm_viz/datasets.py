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
"""

from __future__ import annotations

import codecs
import csv
import math
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from gmm_viz.em import make_params, sample_mixture
from gmm_viz.errors import DataError, ParameterError

__all__ = [
    "DATASET_NAMES",
    "MAX_INPUT_BYTES",
    "Dataset",
    "faithful",
    "galaxies",
    "load",
    "load_csv",
    "parse_text",
    "synthetic",
    "toy",
    "validate_data",
]

# Files and uploads larger than this are refused before they are read: a mixture needs
# far fewer points, and a browser kernel should not stall on a mistaken upload.
MAX_INPUT_BYTES = 50_000_000

FAITHFUL_SOURCE = (
    "R datasets::faithful (Old Faithful geyser, Yellowstone; Härdle 1991, "
    "via Azzalini & Bowman 1990)"
)
GALAXIES_SOURCE = (
    "R MASS::galaxies (Roeder 1990, velocities of galaxies in the Corona Borealis region)"
)
TOY_SOURCE = "Worked example, 'Gaussian Mixture Model' notes (seed 001)"

# Numbers as a person types them, with '.' as the decimal point. re.ASCII keeps \d from
# accepting other scripts' digits, and the explicit pattern keeps float()'s extras
# ("1_000", "infinity") out.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_NONFINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_MISSING = frozenset({"na", "n/a", "null", "none", "?", "-", "missing"})
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+", re.ASCII)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")
_DELIMITERS = ("\t", ";", ",")
_DELIMITER_NAMES = {"\t": "tab", ";": "semicolon", ",": "comma", None: "white space"}


# --------------------------------------------------------------------------------------
# The Dataset record
# --------------------------------------------------------------------------------------


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
    """

    X: np.ndarray
    columns: tuple
    name: str = "data"
    source: str = ""
    description: str = ""
    start: dict | None = None
    truth: dict | None = None
    labels: np.ndarray | None = None

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
        )

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


# --------------------------------------------------------------------------------------
# Checking an array
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# Reading text
# --------------------------------------------------------------------------------------


def load_csv(path_or_bytes, columns=None, *, name=None):
    """Read numbers from a CSV or plain-text file, or from the bytes of an upload.

    Parameters
    ----------
    path_or_bytes : str, os.PathLike, bytes, bytearray, memoryview or binary file object
        A file name, or the file's content (e.g. from an upload widget).
    columns : str, int or sequence of str / int, optional
        Columns to keep, by header name or 0-based position; all by default.
    name : str, optional
        What to call the data in messages and in :attr:`Dataset.name`.

    Returns
    -------
    Dataset

    Raises
    ------
    DataError
        For a missing file, a folder, a file over :data:`MAX_INPUT_BYTES`, text that is not
        UTF-8, or any problem :func:`parse_text` reports.

    Notes
    -----
    The format rules are those of :func:`parse_text`. The size is checked before the file
    is read.
    """
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        where = name or "the uploaded file"
        data = memoryview(path_or_bytes)
        _check_size(data.nbytes, where)
        text = _decode(data.tobytes(), where)
        return _dataset_from_text(text, columns, where, name or "uploaded data", "uploaded file")
    if isinstance(path_or_bytes, (str, os.PathLike)):
        path = _check_path(path_or_bytes)
        where = name or f"the file {_quote(path.name, 60)}"
        data = _read_file(path, where)
        text = _decode(data, where)
        return _dataset_from_text(text, columns, where, name or path.name, str(path))
    if hasattr(path_or_bytes, "read"):
        where = name or str(getattr(path_or_bytes, "name", "") or "the uploaded file")
        # Read one byte past the limit: enough to know the file is too big.
        data = path_or_bytes.read(MAX_INPUT_BYTES + 1)
        if isinstance(data, str):
            return parse_text(data, columns, name=where)
        _check_size(len(data), where)
        text = _decode(bytes(data), where)
        return _dataset_from_text(text, columns, where, where, where)
    raise DataError(
        f"load_csv needs a file name or the file's content, not {type(path_or_bytes).__name__}; "
        "pass the path of a CSV file."
    )


def parse_text(text, columns=None, *, name="the pasted text"):
    """Read numbers typed or pasted as text.

    Parameters
    ----------
    text : str
        For example ``"0.9, 0.7 1.2\\n2.4"``, or a whole CSV file.
    columns : str, int or sequence of str / int, optional
        Columns to keep, by header name or 0-based position; all by default.
    name : str
        What to call the text in messages.

    Returns
    -------
    Dataset

    Notes
    -----
    * A single line, or a single column, of numbers is 1-D data: one value per number,
      separated by commas, semicolons, tabs or spaces (mixed freely).
    * Several rows with the same number of values are an N x D table.
    * The delimiter (tab, semicolon, comma, else white space) is chosen once per text.
      The decimal point is '.'.
    * The first line is a header when none of its cells is a number and numbers follow.
      Without a header the columns are called ``x`` (one column) or ``x1``, ``x2``, ...
    * A UTF-8 byte order mark, CRLF or CR line ends, blank lines and spaces around values
      are ignored. Rows in messages are line numbers in the text, counting blank lines.
    """
    if isinstance(text, (bytes, bytearray, memoryview)):
        return load_csv(text, columns, name=name)
    if not isinstance(text, str):
        raise DataError(f"{_cap(name)} must be text; got {type(text).__name__}.")
    _check_size(len(text), name)
    free = _free_list(text)
    if free is not None and columns in (None, 0, "x", [0], ["x"], (0,), ("x",)):
        X = validate_data(free, name=name, columns=("x",))
        return Dataset(
            X=X,
            columns=("x",),
            name=name,
            source=name,
            description=f"{X.shape[0]} values read from {name}.",
        )
    return _dataset_from_text(text, columns, name, name, name)


def _free_list(text):
    """Pasted numbers that mix delimiters ("1.0, 1.2 0.8; 5.1"): a 1-D list, or None.

    Only when more than one of ',', ';' and tab appear, every piece is a number, and commas
    cannot be decimal commas (some number has a decimal point, or there is no comma).
    """
    body = text.removeprefix("\ufeff")
    used = [d for d in (",", ";", "\t") if d in body]
    if len(used) < 2:
        return None
    tokens = [t for t in re.split(r"[,;\s]+", body) if t]
    if not tokens or not all(_looks_numeric(t) for t in tokens):
        return None
    if "," in used and not any("." in t for t in tokens):
        return None
    return np.array([float(t) for t in tokens]).reshape(-1, 1)


def _dataset_from_text(text, columns, where, name, source):
    X, names = _parse_table(text, columns, where)
    X = validate_data(X, name=where, columns=names)
    return Dataset(
        X=X,
        columns=names,
        name=name,
        source=source,
        description=f"{X.shape[0]} rows read from {where}.",
    )


def _parse_table(text, columns, where):
    """Split text into cells, find the header and shape, and convert the chosen columns."""
    text = text.removeprefix("\ufeff")
    lines = [
        (number, line.strip())
        for number, line in enumerate(_LINE_BREAK.split(text), start=1)
        if line.strip()
    ]
    if not lines:
        raise DataError(
            f"{_cap(where)} is empty; give some numbers, e.g. 0.9, 0.7, 1.2, 2.4, 1.8."
        )
    delimiter = _sniff(lines)
    first_cells = _split_header(lines[0][1], delimiter)
    has_header = not any(_looks_numeric(c) for c in first_cells)
    if has_header and len(lines) == 1:
        raise DataError(
            f"{_cap(where)} has no numbers (it holds {_quote(lines[0][1])}); give some "
            "numbers, e.g. 0.9, 0.7, 1.2, 2.4, 1.8."
        )

    body = lines[1:] if has_header else lines
    rows = [(number, _split_values(line, delimiter)) for number, line in body]

    if has_header:
        if delimiter is None and len(first_cells) > 1 and all(len(r) == 1 for _, r in rows):
            # One column under a header with spaces in it ("Velocity (km/s)").
            first_cells = [lines[0][1]]
        names = _header_names(first_cells, delimiter)
        _check_widths(rows, len(names), f"the header (row {lines[0][0]})", where)
        as_list = False
    else:
        widths = {len(r) for _, r in rows}
        first_width = len(rows[0][1])
        if len(widths) > 1 and first_width > 1:
            if any(len(r) == first_width for _, r in rows[1:]):
                # Rows of the first row's width recur: a table with a short or long row.
                _check_widths(rows, first_width, f"the first row (row {rows[0][0]})", where)
        # One line, one number per line, or a wrapped list ("0.9, 0.7 1.2\n2.4") is 1-D
        # data in reading order; equal widths above 1 make a table.
        as_list = len(rows) == 1 or len(widths) > 1 or widths == {1}
        names = ("x",) if as_list else tuple(f"x{j + 1}" for j in range(first_width))

    idx = _resolve_columns(columns, names, where)
    if as_list:
        cells = [
            (f"Row {number}" if len(r) == 1 else f"Value {k} on row {number}", value)
            for number, r in rows
            for k, value in enumerate(r, start=1)
        ]
        X = np.array([_to_number(value, place, where) for place, value in cells])
        return X.reshape(-1, 1), names
    X = np.empty((len(rows), len(idx)))
    for i, (number, row) in enumerate(rows):
        for out_j, j in enumerate(idx):
            place = f"Row {number}, {_column_label(j, names if has_header else None)}"
            X[i, out_j] = _to_number(row[j], place, where, not has_header and i == 0)
    return X, tuple(names[j] for j in idx)


def _sniff(lines):
    """Pick one delimiter for the whole text.

    The lines after the first decide (the first may be a header with any characters in
    it); only when they hold no delimiter does the first line decide.
    """
    for candidates in ([line for _, line in lines[1:]], [lines[0][1]]):
        for delimiter in _DELIMITERS:
            if any(delimiter in line for line in candidates):
                return delimiter
    return None


def _split_header(line, delimiter):
    if delimiter is None:
        return line.split()
    return _csv_cells(line, delimiter)


def _split_values(line, delimiter):
    """Cells of a data row; spaces inside a cell also separate numbers ("0.9, 0.7 1.2")."""
    if delimiter is None:
        return line.split()
    values = []
    for cell in _csv_cells(line, delimiter):
        values.extend(cell.split() or [""])  # keep an empty cell, to report it
    return values


def _csv_cells(line, delimiter):
    try:
        return [c.strip() for c in next(csv.reader([line], delimiter=delimiter))]
    except csv.Error:  # pragma: no cover - the csv module rarely rejects a single line
        return [c.strip() for c in line.split(delimiter)]


def _header_names(cells, delimiter):
    names = []
    for j, cell in enumerate(cells):
        if delimiter is None:
            cell = cell.strip("\"'")  # the csv module unquotes only delimited text
        cell = cell or f"column {j + 1}"
        base, k = cell, 1
        while cell in names:  # duplicate names get .1, .2 so that each can be chosen
            cell = f"{base}.{k}"
            k += 1
        names.append(cell)
    return tuple(names)


def _check_widths(rows, width, reference, where):
    for number, row in rows:
        if len(row) != width:
            hint = (
                "give every row the same number of values"
                if reference.startswith("the header")
                else "give every row the same number of values, or put the numbers in one "
                "line for 1-D data"
            )
            raise DataError(
                f"Row {number} of {where} has {_count(len(row), 'value')} but {reference} "
                f"has {width}; {hint}."
            )


def _looks_numeric(cell):
    """Whether a cell is meant as a number (used to tell a header from data)."""
    low = cell.lower()
    return bool(
        _NUMBER.fullmatch(cell)
        or _NONFINITE.fullmatch(cell)
        or _DECIMAL_COMMA.fullmatch(cell)
        or low in _MISSING
    )


def _to_number(cell, place, where, first=False):
    if not cell:
        raise DataError(f"{place} of {where} is empty; fill in a number or delete the row.")
    if _NUMBER.fullmatch(cell):
        value = float(cell)
        if math.isinf(value):
            raise DataError(
                f"{place} of {where} holds {_quote(cell)}, which is too large to store as a "
                "number (the limit is about 1.8e308); rescale the data, e.g. change units."
            )
        return value
    if _NONFINITE.fullmatch(cell) or cell.lower() in _MISSING:
        kind = "an infinite value" if "inf" in cell.lower() else "a missing value (NaN)"
        raise DataError(
            f"{place} of {where} is {_quote(cell)}, {kind}; every cell needs a finite "
            "number, so fill it in or delete the row."
        )
    if _DECIMAL_COMMA.fullmatch(cell):
        raise DataError(
            f"{place} of {where} holds {_quote(cell)}; write numbers with a decimal point "
            f"({cell.replace(',', '.')}), not a decimal comma."
        )
    hint = " (a header row needs a name, not a number, in every column)" if first else ""
    raise DataError(
        f"{place} of {where} holds {_quote(cell)}, which is not a number; correct or delete "
        f"it{hint}."
    )


def _column_label(j, names):
    """'column 'waiting'' when the column has a real name, else 'column 2'."""
    if names is not None and j < len(names):
        return f"column {_quote(names[j])}"
    return f"column {j + 1}"


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


# --------------------------------------------------------------------------------------
# Files and bytes
# --------------------------------------------------------------------------------------


def _check_path(path):
    if isinstance(path, str) and ("\n" in path or "\r" in path):
        raise DataError(
            "load_csv got several lines of text instead of a file name; use parse_text for "
            "pasted numbers."
        )
    if isinstance(path, str) and not path.strip():
        raise DataError("No file name was given; give the path of a CSV file.")
    path = Path(path)
    try:
        if path.is_dir():
            raise DataError(f"{str(path)!r} is a folder, not a file; choose a CSV file in it.")
        if not path.exists():
            raise DataError(f"There is no file at {str(path)!r}; check the name and the folder.")
    except OSError as exc:  # e.g. a name too long for the file system
        raise DataError(f"Cannot open {str(path)!r} ({exc.strerror}); check the name.") from None
    return path


def _read_file(path, where):
    try:
        _check_size(path.stat().st_size, where)
        with path.open("rb") as handle:
            # Read one byte past the limit, in case the size on disk was not the whole story.
            data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise DataError(
            f"Cannot read {str(path)!r} ({exc.strerror or exc}); check that the file exists "
            "and that you may read it."
        ) from None
    _check_size(len(data), where)
    return data


def _check_size(n_bytes, where):
    if n_bytes > MAX_INPUT_BYTES:
        raise DataError(
            f"{_cap(where)} is {_format_size(n_bytes)}, more than the "
            f"{_format_size(MAX_INPUT_BYTES)} limit; use a smaller file (a few thousand rows "
            "are plenty for a mixture)."
        )


def _format_size(n_bytes):
    if n_bytes >= 1_000_000:
        return f"{n_bytes / 1_000_000:.3g} MB"
    if n_bytes >= 1000:
        return f"{n_bytes / 1000:.3g} kB"
    return _count(n_bytes, "byte")


def _decode(data, where):
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DataError(
            f"{_cap(where)} is UTF-16 text; save it as UTF-8 (in Excel: CSV UTF-8) and load "
            "it again."
        )
    if data.startswith(b"PK\x03\x04"):
        raise DataError(
            f"{_cap(where)} looks like an Excel workbook or a zip archive, not CSV text; save "
            "it as CSV (UTF-8) and load it again."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = len(_LINE_BREAK_BYTES.findall(data, 0, exc.start)) + 1
        raise DataError(
            f"{_cap(where)} is not UTF-8 text (byte 0x{data[exc.start]:02X} on row {line}); "
            "save it with UTF-8 encoding (in Excel: CSV UTF-8) and load it again."
        ) from None


# --------------------------------------------------------------------------------------
# Bundled and simulated data sets
# --------------------------------------------------------------------------------------


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
        272 x 2 (or 272 x 1 for one column).
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


def _whole_number(value, what, minimum=1):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ParameterError(f"The {what} must be a whole number; got {value!r}.")
    if value < minimum:
        raise ParameterError(f"The {what} must be at least {minimum}; got {value}.")
    return int(value)


_LOADERS = {"toy": toy, "faithful": faithful, "galaxies": galaxies, "synthetic": synthetic}
DATASET_NAMES = (
    "toy",
    "faithful",
    "faithful:eruptions",
    "faithful:waiting",
    "galaxies",
    "synthetic",
)


def load(name, **options):
    """Load a data set by name.

    Parameters
    ----------
    name : str
        One of :data:`DATASET_NAMES`: ``"toy"``, ``"faithful"``, ``"faithful:eruptions"``,
        ``"faithful:waiting"``, ``"galaxies"``, ``"synthetic"``. Any data set also takes
        ``"name:column"`` to keep one column. Case and surrounding spaces are ignored.
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
    loader = _LOADERS.get(base.strip())
    if loader is None:
        raise DataError(
            f"There is no data set called {_quote(name)}; the known names are "
            f"{', '.join(DATASET_NAMES)}."
        )
    dataset = loader(**options)
    return dataset.select(column.strip()) if column.strip() else dataset


# --------------------------------------------------------------------------------------
# Small text helpers
# --------------------------------------------------------------------------------------


def _quote(text, limit=30):
    """Quote user text for a message: shortened, with unprintable characters shown as '?'."""
    text = "".join(c if c.isprintable() else "?" for c in str(text))
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"'{text}'"


def _count(n, noun):
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _cap(text):
    return text[:1].upper() + text[1:]
