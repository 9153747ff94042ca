"""Several runs of EM, the same half-steps of each, one row per run: a student's run beside
the reference, or fits of several covariance types side by side, on one page."""

from __future__ import annotations

import numpy as np

from gmm_viz.em import GMMParams
from gmm_viz.errors import ParameterError
from gmm_viz.plotting.figure import check_drawable
from gmm_viz.plotting.one_d import _grid_1d
from gmm_viz.plotting.step_view import (
    _all_components,
    _draw_panel,
    _one_density_range,
    _one_legend,
    _step_name,
    _strip_figure,
)
from gmm_viz.plotting.style import _size_spec

__all__ = ["compare_strip"]

NOT_REACHED = "not reached:\nthe run stopped\nbefore this half-step"


def compare_strip(
    X, runs, steps=(0, 1, 2, -1), *, size="screen", columns=None, per_row=None, missing=None
):
    """The same half-steps of several runs, one row per run, each panel titled with the
    run's label.

    Parameters
    ----------
    X : array-like (N,) or (N, D), D = 1 or 2
    runs : mapping of str to EMHistory
        Label and run, in the order of the rows.
    steps : sequence of int
        Half-steps to show, the same for every run. A negative step counts from each run's
        own end (-1: every run's last half-step); a run that stopped before a positive
        step shows "not reached" there (a student's run that broke, a stub that never
        started).
    size : {"screen", "projector"}
    columns : sequence of str, optional
    per_row : int, optional
        Panels per row (default: one row per run).
    missing : str, optional
        What a panel says where a run has no such half-step.

    Returns
    -------
    Figure
    """
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    d = X.shape[1]
    check_drawable(d, "A strip of runs")
    runs = dict(runs)
    steps = list(steps)
    if not runs or not steps:
        raise ParameterError("Give at least one run and one half-step to show.")
    longest = max(runs.values(), key=lambda h: h.n_steps)
    for s in steps:
        longest.resolve_step(s)  # one sentence for a step that no run has
    panels = [(label, h, int(s)) for label, h in runs.items() for s in steps]
    per_row = len(steps) if per_row is None else per_row
    if isinstance(per_row, bool) or not isinstance(per_row, (int, np.integer)) or per_row < 1:
        raise ParameterError(f"per_row must be a whole number from 1 on; got {per_row!r}.")
    n_cols = min(int(per_row), len(panels))
    n_rows = -(-len(panels) // n_cols)
    spec = _size_spec(size)
    fig, grid_axes = _strip_figure(n_rows, n_cols, len(panels), d, spec)
    columns = tuple(columns) if columns else (("x",) if d == 1 else ("x1", "x2"))
    grid = _grid_1d(X[:, 0], None, _everything(runs.values())) if d == 1 else None
    drawn = []
    for ax, (label, history, step) in zip(grid_axes, panels, strict=False):
        s = step + history.n_steps if step < 0 else step
        if not 0 <= s < history.n_steps:
            ax.set_axis_off()
            ax.text(0.5, 0.5, missing or NOT_REACHED, ha="center", va="center",
                    transform=ax.transAxes, fontsize=spec["legend"], color="0.35")  # fmt: skip
            ax.set_title(f"{label}: {_step_name(longest, longest.resolve_step(step))}")
            continue
        resp = history.responsibilities(s, X) if s > 0 else None
        _draw_panel(ax, X, history, s, resp, grid=grid, size=size, columns=columns, truth=None)
        ax.set_title(
            f"{label}: {_step_name(history, s)}\nlog-likelihood {history.log_likelihood(s):.4f}"
        )
        drawn.append(ax)
    if drawn:
        if d == 1:
            _one_density_range(drawn)  # their run and the reference on one scale
        _one_legend(fig, drawn, n_rows, spec)
    return fig


def _everything(histories):
    """Every component of every half-step of every run: what a shared 1-D x range shows."""
    parts = [_all_components(h) for h in histories]
    means = np.concatenate([p.means for p in parts])
    covariances = np.concatenate([p.covariances for p in parts])
    return GMMParams(np.full(len(means), 1.0 / len(means)), means, covariances, "full")
