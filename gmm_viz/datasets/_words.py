"""Small text helpers for the readers' one-sentence messages."""

from __future__ import annotations

import numpy as np

from gmm_viz.errors import ParameterError


def _column_label(j, names):
    """'column 'waiting'' when the column has a real name, else 'column 2'."""
    if names is not None and j < len(names):
        return f"column {_quote(names[j])}"
    return f"column {j + 1}"


def format_size(n_bytes):
    if n_bytes >= 1_000_000:
        return f"{n_bytes / 1_000_000:.3g} MB"
    if n_bytes >= 1000:
        return f"{n_bytes / 1000:.3g} kB"
    return _count(n_bytes, "byte")


def _whole_number(value, what, minimum=1):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ParameterError(f"The {what} must be a whole number; got {value!r}.")
    if value < minimum:
        raise ParameterError(f"The {what} must be at least {minimum}; got {value}.")
    return int(value)


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
