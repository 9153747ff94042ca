"""The worked solution as JSON (the schema of ``gmm-viz solve --format json``)."""

from __future__ import annotations

import json


def to_dict(solution):
    """The solution as plain lists and floats (the structure :func:`to_json` writes).

    ``{"iterations": [{"log_likelihood", "e_step": {"densities", "weighted_densities",
    "totals", "responsibilities"}, "m_step": {"weights", "means", "covariances",
    "resp_sums", "weighted_sums", "weighted_scatter", "log_likelihood_after", "notes"}}],
    "final": {"weights", "means", "covariances", "log_likelihood"}}``; covariances are
    always K x D x D, whatever the covariance type.
    """
    iterations = []
    for it in solution.iterations:
        e, m = it.e_step, it.m_step
        iterations.append(
            {
                "log_likelihood": float(it.log_likelihood),
                "e_step": {
                    "densities": e.densities.tolist(),
                    "weighted_densities": e.weighted_densities.tolist(),
                    "totals": e.totals.tolist(),
                    "responsibilities": e.responsibilities.tolist(),
                },
                "m_step": {
                    "weights": m.params.weights.tolist(),
                    "means": m.params.means.tolist(),
                    "covariances": m.params.full_covariances().tolist(),
                    "resp_sums": m.resp_sums.tolist(),
                    "weighted_sums": m.weighted_sums.tolist(),
                    "weighted_scatter": m.weighted_scatter.tolist(),
                    "log_likelihood_after": float(m.log_likelihood),
                    "notes": [str(note) for note in m.notes],
                },
            }
        )
    final = solution.final
    return {
        "iterations": iterations,
        "final": {
            "weights": final.weights.tolist(),
            "means": final.means.tolist(),
            "covariances": final.full_covariances().tolist(),
            "log_likelihood": float(solution.final_log_likelihood),
        },
    }


def to_json(solution):
    """The solution as JSON text; see :func:`to_dict` for the structure.

    Floats are written with all their digits (``repr``), so they read back exactly. Objects
    are indented; a list of numbers stays on one line, and a table (list of lists) has one
    row per line.
    """
    return _dump(to_dict(solution), 0) + "\n"


def _dump(value, level):
    pad = "  " * (level + 1)
    end = "  " * level
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{pad}{json.dumps(key)}: {_dump(v, level + 1)}" for key, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        if all(not isinstance(v, (list, dict)) for v in value):
            return "[" + ", ".join(json.dumps(v) for v in value) + "]"
        if all(isinstance(v, list) for v in value) and all(
            not isinstance(x, (list, dict)) for v in value for x in v
        ):
            rows = [pad + _dump(v, level + 1) for v in value]
            return "[\n" + ",\n".join(rows) + "\n" + end + "]"
        items = [pad + _dump(v, level + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + end + "]"
    return json.dumps(value)
