"""The responsibilities as an HTML table (the E-step, read as numbers)."""

from __future__ import annotations

import html

import numpy as np

from gmm_viz.conventions import DECIMALS, data_format
from gmm_viz.conventions import colors_for as _colors
from gmm_viz.conventions import tint as _tint
from gmm_viz.em import check_data as _check_X
from gmm_viz.errors import ParameterError

_TABLE_STYLE = (
    "border-collapse:collapse;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;"
    "font-size:13px;color:#111;background:#fff;font-variant-numeric:tabular-nums;"
)


_CELL = "padding:2px 8px;text-align:right;border-bottom:1px solid #e3e3e3;"


_HEAD = "padding:3px 8px;text-align:right;border-bottom:2px solid #444;font-weight:600;"


_NOTE_STYLE = (
    "font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:13px;color:#333;"
    "padding:6px 8px;border-left:4px solid #999;background:#f6f6f6;"
)


_RESP_CAPTION = (
    "Responsibilities &beta;<sub>nk</sub>: the share of point n that component k explains."
)


_CAPTIONS = {
    None: _RESP_CAPTION,
    "init": _RESP_CAPTION,
    "E": (
        "E-step: each row is one point's soft membership, "
        "&beta;<sub>nk</sub> = &alpha;<sub>k</sub> N(x<sub>n</sub> | k) / "
        "&Sigma;<sub>j</sub> &alpha;<sub>j</sub> N(x<sub>n</sub> | j); every row sums to 1."
    ),
    "M": (
        "M-step: these responsibilities give the new parameters; "
        "&alpha;<sub>k</sub> = N<sub>k</sub> / N, and each mean and covariance is a "
        "responsibility-weighted average."
    ),
}


def responsibility_table_html(
    responsibilities,
    X,
    *,
    columns=None,
    selected=None,
    max_rows=12,
    colors=None,
    digits=DECIMALS,
    phase=None,
):
    """The responsibilities as an HTML table (inline styles: JupyterLab, Notebook, Voila).

    One row per point: its number, its coordinates (one format per column: 9172 beside
    10227, not beside 1.023e+04; :func:`~gmm_viz.conventions.data_format`), r_n1 ... r_nK
    (the largest in bold on a tint of its component's colour) and the row sum (1). A footer
    row holds the column sums N_k over all N points, which feed the M-step. With more than
    ``max_rows`` points only the first ``max_rows`` rows are shown, plus the ``selected``
    point's row, and a line says how many are hidden.

    Parameters
    ----------
    responsibilities : array-like (N, K) or None
        ``None`` (the start, before any E-step) gives a short note instead of a table.
    X : array-like (N, D) or (N,)
    columns : list of D str, optional
        Names of the coordinate columns (default "x", or "x1", "x2", ...); escaped.
    selected : int, optional
        Index (0-based) of a point to highlight and always show.
    max_rows : int
    colors : list of K colours, optional
    digits : int
        Decimals of the responsibilities and sums (the app's rule: 4).
    phase : "init", "E", "M" or None
        Chooses the one-line caption.

    Returns
    -------
    str
    """
    if responsibilities is None:
        return (
            f'<div style="{_NOTE_STYLE}">No E-step has run yet: the responsibilities '
            "&beta;<sub>nk</sub> appear after the first E-step.</div>"
        )
    X = _check_X(X)
    n, d = X.shape
    r = np.asarray(responsibilities, dtype=float)
    if r.ndim != 2 or r.shape[0] != n:
        raise ParameterError(
            f"Responsibilities must have shape (N, K) with N = {n}; got shape {r.shape}."
        )
    k = r.shape[1]
    colors = _colors(colors, k)
    if columns is None:
        columns = ["x"] if d == 1 else [f"x{j + 1}" for j in range(d)]
    elif isinstance(columns, str):
        columns = [columns]
    columns = [str(c) for c in columns]
    if len(columns) != d:
        raise ParameterError(f"Give {d} column name(s), one per data column; got {len(columns)}.")
    digits = int(digits)
    max_rows = max(int(max_rows), 0)
    if selected is not None:
        selected = int(selected)
        if not 0 <= selected < n:
            raise ParameterError(f"Point {selected} does not exist; choose one from 0 to {n - 1}.")

    nk = r.sum(axis=0)  # over all N rows, not only the shown ones
    first = list(range(min(n, max_rows)))
    extra = [selected] if selected is not None and selected >= len(first) else []
    hidden = n - len(first) - len(extra)

    def fmt(v):
        return f"{v:.{digits}f}"

    # One format per data column, chosen over all N values (not the rows shown), so that
    # the column does not change its look when another point is selected.
    data_fmt = [data_format(X[:, j]) for j in range(d)]

    out = [f'<div style="max-width:100%;overflow-x:auto;"><table style="{_TABLE_STYLE}">']
    caption = _CAPTIONS.get(phase, _CAPTIONS[None])
    out.append(
        '<caption style="caption-side:top;text-align:left;padding:4px 2px;color:#333;">'
        f"{caption}</caption>"
    )
    out.append("<thead><tr>")
    out.append(f'<th style="{_HEAD}">point</th>')
    out.extend(f'<th style="{_HEAD}">{html.escape(c)}</th>' for c in columns)
    for j, c in enumerate(colors):
        head = f"&beta;<sub>n{j + 1}</sub>"
        out.append(f'<th style="{_HEAD}border-bottom:4px solid {c};">{head}</th>')
    out.append(f'<th style="{_HEAD}color:#555;">sum</th></tr></thead><tbody>')

    def row_html(i):
        ri = r[i]
        best = int(np.argmax(ri)) if np.all(np.isfinite(ri)) else -1
        sel = i == selected
        tr_style = "background:#fff3bf;" if sel else ""
        cls = ' class="gmm-selected"' if sel else ""
        cells = [f'<tr{cls} style="{tr_style}">']
        mark = " &#9664;" if sel else ""
        weight = "font-weight:bold;" if sel else ""
        cells.append(f'<td style="{_CELL}color:#555;{weight}">{i + 1}{mark}</td>')
        cells.extend(f'<td style="{_CELL}">{data_fmt[j](X[i, j])}</td>' for j in range(d))
        for j in range(k):
            if j == best:
                cells.append(
                    f'<td class="gmm-max" style="{_CELL}font-weight:bold;'
                    f'background:{_tint(colors[j])};">{fmt(ri[j])}</td>'
                )
            else:
                cells.append(f'<td style="{_CELL}">{fmt(ri[j])}</td>')
        cells.append(f'<td style="{_CELL}color:#555;">{fmt(ri.sum())}</td></tr>')
        return "".join(cells)

    out.extend(row_html(i) for i in first)
    if hidden > 0:
        noun = "point" if hidden == 1 else "points"
        out.append(
            f'<tr><td colspan="{2 + d + k}" style="{_CELL}text-align:left;color:#666;'
            f'font-style:italic;">… {hidden} more {noun} hidden</td></tr>'
        )
    out.extend(row_html(i) for i in extra)
    out.append("</tbody><tfoot><tr>")
    out.append(
        f'<td colspan="{1 + d}" style="{_HEAD}border-top:2px solid #444;border-bottom:none;'
        f'text-align:left;">N<sub>k</sub> (all {n} points)</td>'
    )
    for j in range(k):
        out.append(
            f'<td class="gmm-nk" style="{_HEAD}border-top:2px solid #444;border-bottom:none;">'
            f"{fmt(nk[j])}</td>"
        )
    out.append(
        f'<td style="{_HEAD}border-top:2px solid #444;border-bottom:none;color:#555;">'
        f"{fmt(nk.sum())}</td></tr>"
    )
    out.append(
        f'<tr><td colspan="{2 + d + k}" style="padding:2px 8px;text-align:left;color:#555;'
        'font-size:12px;">The column sums N<sub>k</sub> feed the M-step: '
        "&alpha;<sub>k</sub> = N<sub>k</sub> / N.</td></tr>"
    )
    out.append("</tfoot></table></div>")
    return "".join(out)
