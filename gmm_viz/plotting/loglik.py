"""The log-likelihood over half-steps: a staircase that climbs at every M-step, with a
marker at the half-step shown; optionally EM's lower bound beside it (why EM climbs).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib import rcParams
from matplotlib.collections import LineCollection
from matplotlib.lines import TICKDOWN
from matplotlib.ticker import FixedLocator, MaxNLocator, NullLocator

from gmm_viz.conventions import format_number
from gmm_viz.errors import ParameterError
from gmm_viz.plotting.blit import draw_every_step, keep_still
from gmm_viz.plotting.layout import _layout_changed, _limits_changed
from gmm_viz.plotting.style import _make_legend, _role, _size_spec, _style_axes


def _phases(phases, n):
    if phases is None:
        return ["init" if s == 0 else ("E" if s % 2 == 1 else "M") for s in range(n)]
    phases = [str(p) for p in phases]
    if len(phases) != n:
        raise ParameterError(
            f"Give one phase per half-step: {n} log-likelihoods but {len(phases)} phases."
        )
    bad = sorted({p for p in phases if p not in ("init", "E", "M")})
    if bad:
        raise ParameterError(f"Phases must be 'init', 'E' or 'M'; got {bad[0]!r}.")
    return phases


def half_step_labels(phases):
    """Labels for half-steps: "0" for the start, then "E1", "M1", "E2", "M2", ..."""
    labels, e, m = [], 0, 0
    for p in phases:
        if p == "E":
            e += 1
            labels.append(f"E{e}")
        elif p == "M":
            m += 1
            labels.append(f"M{m}")
        else:
            labels.append("0")
    return labels


def _nice_stride(count, max_ticks):
    for base in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if count / base <= max_ticks:
            return base
    return int(np.ceil(count / max_ticks))


def _tick_positions(phases, max_ticks=12):
    """Tick positions: every half-step when few, else the start and every few M-steps."""
    n = len(phases)
    if n <= max_ticks + 1:
        return list(range(n))
    m_steps = [s for s, p in enumerate(phases) if p == "M"]
    stride = _nice_stride(len(m_steps), max_ticks - 1)
    ticks = [s for s, p in enumerate(phases) if p == "init"]
    ticks += [s for i, s in enumerate(m_steps, start=1) if i % stride == 0]
    return sorted(set(ticks))


@dataclass(eq=False)
class LogLikelihoodArtists:
    """The artists of :func:`draw_log_likelihood`.

    Attributes
    ----------
    ax : Axes
    log_likelihoods : ndarray (S,)
        Total log-likelihood at each half-step.
    phases : list of str
        "init", "E" or "M" for each half-step.
    labels : list of str
        "0", "E1", "M1", ...
    step : int
        The current half-step.
    curve : Line2D
        The staircase (it rises at M-steps; an E-step does not change the parameters).
    e_points, m_points, init_point : Line2D
        Hollow circles at E-steps, filled diamonds at M-steps, a square at the start.
    current : Line2D
        The ring around the current half-step.
    vline : Line2D
        A faint vertical line at the current half-step.
    text : Text
        The axes' left title: the current half-step and its log-likelihood.
    legend : Legend
    """

    ax: object
    log_likelihoods: np.ndarray
    phases: list
    labels: list
    step: int
    curve: object
    e_points: object
    m_points: object
    init_point: object
    current: object
    vline: object
    text: object
    legend: object = None
    # False: the curve grows with the steps (the future is not given away); True: the
    # whole run is drawn, with the marker at the current half-step.
    whole_run: bool = False
    # The (min, max) of the log-likelihoods shown, which set the y range.
    y_shown: tuple | None = None
    # EM's lower bound L(q, theta) per half-step (NaN at the start), or None: not shown.
    lower_bounds: np.ndarray | None = None
    bound: object = None
    gaps: object = None
    spec: dict | None = None
    # A short mark under every half-step without a label (see _half_step_marks).
    marks: object = None


def draw_log_likelihood(
    ax, log_likelihoods, step=0, *, phases=None, size="screen", whole_run=False
):
    """Draw the total log-likelihood over half-steps with a marker at ``step``.

    The x axis counts half-steps (0 = start, E1, M1, E2, M2, ...; labelled sparsely when
    there are many). The curve is a staircase: the log-likelihood of the parameters only
    changes at M-steps, so E-steps (hollow circles) sit level with the step before and
    M-steps (filled diamonds) are where it rises.

    Parameters
    ----------
    ax : Axes
    log_likelihoods : array-like (S,)
        E.g. :meth:`gmm_viz.em.EMHistory.log_likelihoods`.
    step : int
        The current half-step, 0 <= step < S.
    phases : sequence of "init" / "E" / "M", optional
        Default: 0 is the start, odd half-steps are E-steps, even ones M-steps.
    size : "screen", "projector" or a dict of :data:`SIZES` keys
    whole_run : bool
        False (the default): the curve stops at ``step`` and grows as the steps go on, so
        that "will it climb?" can be asked before it is seen; True: the whole run.

    Returns
    -------
    LogLikelihoodArtists
    """
    spec = _size_spec(size)
    (curve,) = ax.plot([], [], color="0.3", lw=spec["ll_line"], drawstyle="steps-post", zorder=2)
    (e_points,) = ax.plot(
        [],
        [],
        ls="none",
        marker="o",
        ms=spec["ll_marker"],
        mfc="white",
        mec="#0072B2",
        mew=1.5,
        zorder=3,
        label="E-step (log L unchanged)",
    )
    (m_points,) = ax.plot(
        [],
        [],
        ls="none",
        marker="D",
        ms=spec["ll_marker"],
        color="#D55E00",
        zorder=3,
        label="M-step (log L rises)",
    )
    (init_point,) = ax.plot(
        [],
        [],
        ls="none",
        marker="s",
        ms=spec["ll_marker"] * 1.3,
        color="0.3",
        zorder=3,
        label="start",
    )
    vline = ax.axvline(0, color="0.6", lw=0.5 * spec["ll_line"], ls=":", zorder=1)
    (current,) = ax.plot(
        [],
        [],
        ls="none",
        marker="o",
        ms=spec["ll_current"],
        mfc="none",
        mec="black",
        mew=0.25 * spec["ll_current"],
        zorder=4,
        label="now",
        clip_on=False,  # the ring at the last half-step stays whole at the axes' edge
    )
    (bound,) = ax.plot(
        [],
        [],
        color="#009E73",
        ls="--",
        marker="x",
        ms=spec["ll_marker"],
        lw=spec["ll_line"],
        zorder=2.5,
        label="lower bound L(q, θ)",
        visible=False,
    )
    gaps = LineCollection(
        [], colors="#CC79A7", linewidths=3 * spec["ll_line"], zorder=2.4, label="gap = KL"
    )
    gaps.set_visible(False)
    ax.add_collection(gaps)
    marks = _half_step_marks(ax)
    for artist, role in (
        (bound, "ll_curve"),
        (curve, "ll_curve"),
        (e_points, "ll_e"),
        (m_points, "ll_m"),
        (init_point, "ll_init"),
        (vline, "ll_vline"),
        (current, "ll_current"),
    ):
        _role(artist, role, spec)
    _style_axes(ax, spec)
    # The y range follows the curve: it changes at every M-step. Its axis (ticks, labels,
    # grid) is drawn with the data at every step, which costs less than drawing the whole
    # axes again at every M-step; the spines with it, to stay on top of the grid.
    draw_every_step(ax.yaxis, *ax.spines.values())
    ax.set_xlabel("half-step")
    ax.set_ylabel("log-likelihood")
    text = ax.set_title(" ", loc="left", fontsize=spec["title"])
    ax.set_autoscale_on(False)
    legend = _make_legend(
        ax,
        [e_points, m_points],
        ["ll_e", "ll_m"],
        spec,
        numpoints=1,
        handlelength=1.5,
    )
    keep_still(legend)  # its entries never change with the step
    artists = LogLikelihoodArtists(
        ax=ax,
        log_likelihoods=np.zeros(0),
        phases=[],
        labels=[],
        step=0,
        curve=curve,
        e_points=e_points,
        m_points=m_points,
        init_point=init_point,
        current=current,
        vline=vline,
        text=text,
        legend=legend,
        whole_run=bool(whole_run),
        bound=bound,
        gaps=gaps,
        spec=spec,
        marks=marks,
    )
    ax.ticklabel_format(axis="y", useOffset=False, style="plain")
    set_log_likelihoods(artists, log_likelihoods, phases=phases, step=step)
    return artists


def _half_step_marks(ax):
    """A line of tick-shaped markers under the x axis: a mark for every half-step without a
    label, drawn as matplotlib draws minor ticks (same marker, size, width and colour).

    One line instead of a minor tick per half-step: an M-step changes the y range and this
    axes is drawn again, and a few hundred Tick objects (two lines and two labels each, laid
    out at every draw) cost more than the rest of the axes together.
    """
    (marks,) = ax.plot(
        [],
        [],
        ls="none",
        marker=TICKDOWN,
        markersize=rcParams["xtick.minor.size"],
        markeredgewidth=rcParams["xtick.minor.width"],
        color=rcParams["xtick.color"],
        transform=ax.get_xaxis_transform(which="tick1"),
        clip_on=False,
        zorder=0.5,
    )
    marks.set_in_layout(False)  # as minor ticks: the tick labels make the room
    return keep_still(marks)


def set_log_likelihoods(artists, log_likelihoods, *, phases=None, step=None):
    """Replace the curve (e.g. after a refit); keeps the current step when it still exists."""
    ll = np.asarray(log_likelihoods, dtype=float).ravel()
    if ll.size == 0:
        raise ParameterError("Give at least one log-likelihood (the start).")
    phases = _phases(phases, ll.size)
    artists.log_likelihoods = ll
    artists.phases = phases
    artists.labels = half_step_labels(phases)
    artists.y_shown = None
    ax = artists.ax
    ax.set_xlim(-0.5, max(ll.size - 0.5, 1.5))
    # Projector-size labels ("M100") overlap beyond about 9 across the panel.
    ticks = _tick_positions(phases, 8 if artists.spec is _size_spec("projector") else 12)
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.set_xticklabels([artists.labels[t] for t in ticks])
    # When only some M-steps are labelled, say so: "M10" under a half-step axis is the
    # tenth M-step, not the tenth half-step.
    every = len(ticks) == ll.size
    ax.set_xlabel("half-step" if every else "half-step (labelled at M-steps)")
    ax.xaxis.set_minor_locator(NullLocator())
    unlabelled = sorted(set(range(ll.size)) - set(ticks))
    if artists.marks is not None:
        shown = unlabelled if ll.size <= 400 else []
        artists.marks.set_data(shown, np.zeros(len(shown)))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
    _layout_changed(ax)
    if step is None:
        step = min(artists.step, ll.size - 1)
    update_log_likelihood(artists, step)
    return artists


def update_log_likelihood(artists, step):
    """Move the current-step marker to half-step ``step`` and show its log-likelihood."""
    n = artists.log_likelihoods.size
    step = int(step)
    if not 0 <= step < n:
        raise ParameterError(f"Half-step {step} does not exist; choose one from 0 to {n - 1}.")
    artists.step = step
    ll = artists.log_likelihoods
    _show_curve(artists, n if artists.whole_run else step + 1)
    artists.current.set_data([step], [ll[step]])
    artists.vline.set_xdata([step, step])
    phase = artists.phases[step]
    label = "start" if phase == "init" else artists.labels[step]
    text = f"{label} · log-likelihood = {format_number(ll[step])}"
    if step > 0 and np.isfinite(ll[step]) and np.isfinite(ll[step - 1]):
        change = ll[step] - ll[step - 1]
        if phase == "E" and abs(change) <= 1e-9 * max(1.0, abs(ll[step])):
            # At projector size the reason would run out of the picture (the legend gives it).
            big = artists.spec is _size_spec("projector")
            text += "  (unchanged)" if big else "  (unchanged: an E-step keeps the parameters)"
        else:
            sign = "+" if change >= 0 else "-"
            text += f"  ({sign}{format_number(abs(change))})"
    if artists.lower_bounds is not None and phase == "M":
        gap = ll[step] - artists.lower_bounds[step]
        text += f" · KL gap {format_number(gap)}"
    elif artists.lower_bounds is not None and phase == "E":
        text = text.replace("unchanged: an E-step keeps the parameters", "unchanged")
        text += " · KL = 0"
    artists.text.set_text(text)
    return artists


def set_lower_bounds(artists, lower_bounds):
    """Show EM's lower bound beside the log-likelihood (e.g.
    :meth:`gmm_viz.em.EMHistory.lower_bounds`), or hide it with None.

    At an E-step the bound touches the log-likelihood; at an M-step it lies below, and the
    gap between them (a thick segment) is KL(q || p(z | x, theta)), which the next E-step
    closes.
    """
    if lower_bounds is None:
        artists.lower_bounds = None
    else:
        lb = np.asarray(lower_bounds, dtype=float).ravel()
        if lb.size != artists.log_likelihoods.size:
            raise ParameterError(
                f"Give one bound per half-step: {artists.log_likelihoods.size} "
                f"log-likelihoods but {lb.size} bounds."
            )
        artists.lower_bounds = lb
    shown = artists.lower_bounds is not None
    artists.bound.set_visible(shown)
    artists.gaps.set_visible(shown)
    handles = [artists.e_points, artists.m_points] + ([artists.bound, artists.gaps] * shown)
    roles = ["ll_e", "ll_m"] + (["ll_curve", "ll_curve"] * shown)
    if artists.legend is not None:
        artists.legend.remove()
    artists.legend = keep_still(
        _make_legend(artists.ax, handles, roles, artists.spec, numpoints=1, handlelength=1.5)
    )
    artists.y_shown = None
    _layout_changed(artists.ax)
    return update_log_likelihood(artists, artists.step)


def show_whole_run(artists, whole_run):
    """Draw the whole run (True) or only the half-steps up to the current one (False)."""
    artists.whole_run = bool(whole_run)
    return update_log_likelihood(artists, artists.step)


def _show_curve(artists, count):
    """The first ``count`` half-steps of the curve and its markers; the y range follows
    what is shown (so the top of the axis does not give the ending away)."""
    ll, phases = artists.log_likelihoods, artists.phases
    x = np.arange(count)
    shown = ll[:count]
    artists.curve.set_data(x, shown)
    for line, name in (
        (artists.e_points, "E"),
        (artists.m_points, "M"),
        (artists.init_point, "init"),
    ):
        sel = np.array([p == name for p in phases[:count]], dtype=bool)
        line.set_data(x[sel], shown[sel])
    values = shown
    if artists.lower_bounds is not None:
        lb = artists.lower_bounds[:count]
        artists.bound.set_data(x[1:], lb[1:])
        m = [s for s in range(1, count) if phases[s] == "M" and np.isfinite(lb[s])]
        artists.gaps.set_segments([[(s, lb[s]), (s, ll[s])] for s in m])
        values = np.concatenate([shown, lb[1:]])
    finite = values[np.isfinite(values)]
    if not finite.size:
        return
    lo, hi = float(finite.min()), float(finite.max())
    if (lo, hi) == artists.y_shown:
        return
    artists.y_shown = (lo, hi)
    pad = 0.08 * (hi - lo) if hi > lo else max(1.0, 1e-3 * abs(hi))
    artists.ax.set_ylim(lo - pad, hi + pad)
    _limits_changed(artists.ax)
