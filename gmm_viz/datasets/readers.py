"""A careful reader for the user's own numbers: a CSV file (a path or an upload's bytes) or
pasted text.

Both sniff the delimiter (comma, semicolon, tab or white space), detect a header row, and
raise :class:`~gmm_viz.errors.DataError` with one sentence that says what is wrong, where
(row as counted in the file, column by name when there is a header) and how to fix it.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import math
import os
import re
from pathlib import Path

import numpy as np

from gmm_viz.datasets._words import _cap, _column_label, _count, _quote, format_size
from gmm_viz.datasets.dataset import Dataset, _resolve_columns, validate_data
from gmm_viz.errors import DataError

# Files and uploads larger than this are refused before they are read: a mixture needs
# far fewer points, and a browser kernel should not stall on a mistaken upload.
MAX_INPUT_BYTES = 50_000_000


# Numbers as a person types them, with '.' as the decimal point. re.ASCII keeps \d from
# accepting other scripts' digits, and the explicit pattern keeps float()'s extras
# ("1_000", "infinity") out.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


_NONFINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)


_MISSING = frozenset({"na", "n/a", "null", "none", "?", "-", "missing"})


_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+", re.ASCII)


_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")


_DELIMITERS = ("\t", ";", ",")


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
        return _dataset_from_text(
            text, columns, where, name or "uploaded data", name or "uploaded file"
        )
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


def _decimal_commas_between_spaces(text):
    """True for '0,9 0,7 1,2': numbers with at most one comma each, separated by white space,
    as a person with decimal commas types them.

    Commas that separated values would leave no number on either side of a space, so white
    space between such numbers on a line means the commas are decimal commas. Text with a
    decimal point, a semicolon or a tab anywhere is left to the other rules.
    """
    body = text.removeprefix("\ufeff")
    if "," not in body or any(mark in body for mark in ".;\t"):
        return False
    lines = [line.split() for line in _LINE_BREAK.split(body) if line.strip()]
    if not any(len(tokens) > 1 for tokens in lines):
        return False
    tokens = [t for line in lines for t in line]
    return all(_DECIMAL_COMMA.fullmatch(t) or _INTEGER.fullmatch(t) for t in tokens)


def _first_comma_token(text):
    return next(t for t in text.split() if "," in t)


def _comma_pairs_note(text, dataset):
    """Rows like '0,9' (one comma, digits either side, no decimal point anywhere) read as two
    columns: say so, since they may as well be decimal commas."""
    body = text.removeprefix("\ufeff")
    if "." in body or dataset.columns != ("x1", "x2"):  # a header names real columns
        return ""
    rows = [line.strip() for line in _LINE_BREAK.split(body) if line.strip()]
    numeric = [row for row in rows if _NUMBER.match(row.split(",")[0].strip() or "x")]
    if not numeric or not all(_DECIMAL_COMMA.fullmatch(row) for row in numeric):
        return ""
    first = numeric[0]
    a, b = first.split(",")
    return (
        f"Read as two columns split at the commas ({_quote(first)} is {a} and {b}); if the "
        f"commas are decimal commas, write {a}.{b} instead."
    )


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
    if _decimal_commas_between_spaces(text):
        # Read as the same text with decimal points would be, and say so.
        dataset = _dataset_from_text(text.replace(",", "."), columns, where, name, source)
        first = _first_comma_token(text)
        return dataclasses.replace(
            dataset,
            note=(
                f"Read with decimal commas ({_quote(first)} as {first.replace(',', '.')}): "
                f"{dataset.X.shape[0]} {'values' if dataset.n_features == 1 else 'rows'}. If "
                "the commas separate numbers, put spaces after them; better, write decimal "
                "points."
            ),
        )
    X, names = _parse_table(text, columns, where)
    X = validate_data(X, name=where, columns=names)
    dataset = Dataset(
        X=X,
        columns=names,
        name=name,
        source=source,
        description=f"{X.shape[0]} rows read from {where}.",
    )
    note = _comma_pairs_note(text, dataset) if len(text) < 1_000_000 else ""
    return dataclasses.replace(dataset, note=note) if note else dataset


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
            f"{_cap(where)} is {format_size(n_bytes)}, more than the "
            f"{format_size(MAX_INPUT_BYTES)} limit; use a smaller file (a few thousand rows "
            "are plenty for a mixture)."
        )


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
