"""A run's numbers as files: the history as CSV or JSON, a half-step's responsibilities as CSV.

The history has one row per half-step and component: phase, iteration, log-likelihood,
weight, mean, and the covariance entries (the full matrix's upper triangle, whatever the
covariance type, named ``var_<column>`` and ``cov_<column>_<column>``). The numbers are
written with 17 significant digits, so that they read back exactly.
"""

from __future__ import annotations

import csv
import io
import json

import numpy as np

from gmm_viz.errors import ParameterError
from gmm_viz.export._files import write_atomically

__all__ = [
    "history_csv",
    "history_json",
    "history_rows",
    "responsibilities_csv",
    "write_text",
]


def _columns(columns, d):
    if columns is None:
        return ("x",) if d == 1 else tuple(f"x{j + 1}" for j in range(d))
    columns = tuple(str(c) for c in columns)
    if len(columns) != d:
        raise ParameterError(f"Got {len(columns)} column names for {d} columns of data.")
    return columns


def history_rows(history, columns=None):
    """The history as a list of dicts, one per half-step and component."""
    first = history.params(0)
    d = first.n_features
    names = _columns(columns, d)
    rows = []
    for s in range(history.n_steps):
        params = history.params(s)
        full = params.full_covariances()
        for k in range(params.n_components):
            row = {
                "step": s,
                "phase": history.phase(s),
                "iteration": history.iteration(s),
                "log_likelihood": float(history.log_likelihood(s)),
                "component": k + 1,
                "weight": float(params.weights[k]),
            }
            for j, name in enumerate(names):
                row[f"mean_{name}"] = float(params.means[k, j])
            for i in range(d):
                for j in range(i, d):
                    key = f"var_{names[i]}" if i == j else f"cov_{names[i]}_{names[j]}"
                    row[key] = float(full[k, i, j])
            rows.append(row)
    return rows


def history_csv(history, columns=None):
    """The history as CSV text (a header, then one row per half-step and component)."""
    rows = history_rows(history, columns)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def history_json(history, columns=None):
    """The history as JSON text: the settings, then each half-step with its components."""
    d = history.params(0).n_features
    names = _columns(columns, d)
    steps = []
    for s in range(history.n_steps):
        params = history.params(s)
        full = params.full_covariances()
        steps.append(
            {
                "step": s,
                "phase": history.phase(s),
                "iteration": history.iteration(s),
                "log_likelihood": float(history.log_likelihood(s)),
                "notes": history.notes(s),
                "components": [
                    {
                        "weight": float(params.weights[k]),
                        "mean": [float(v) for v in params.means[k]],
                        "covariance": full[k].tolist(),
                    }
                    for k in range(params.n_components)
                ],
            }
        )
    doc = {
        "columns": list(names),
        "covariance_type": history.params(0).covariance_type,
        "n_components": history.params(0).n_components,
        "converged": bool(history.converged),
        "steps": steps,
    }
    return json.dumps(doc, indent=1) + "\n"


def responsibilities_csv(X, history, step, columns=None):
    """The responsibilities of half-step ``step`` as CSV: one row per point, with the
    point's values and r_1 .. r_K (each row sums to 1). The start has none yet."""
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    names = _columns(columns, X.shape[1])
    if history.phase(step) == "init":
        raise ParameterError(
            "The start has no responsibilities yet; choose half-step 1 (the first E-step) "
            "or later."
        )
    resp = history.responsibilities(step, X)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["point", *names, *(f"r_{k + 1}" for k in range(resp.shape[1]))])
    for n in range(X.shape[0]):
        writer.writerow([n + 1, *map(_cell, X[n]), *map(_cell, resp[n])])
    return out.getvalue()


def write_text(path, text):
    """Write text to ``path`` whole or not at all (see :func:`write_atomically`)."""
    return write_atomically(path, lambda tmp: _write(tmp, text))


def _write(path, text):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def _cell(value):
    return repr(float(value)) if isinstance(value, (float, np.floating)) else value
