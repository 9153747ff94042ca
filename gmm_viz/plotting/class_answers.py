"""The class's answers drawn on the picture: what the room thinks, then what EM did.

:func:`draw_class_answers` draws onto a :class:`~gmm_viz.plotting.StepView`'s mixture axes
and returns a :class:`ClassAnswers` whose :meth:`~ClassAnswers.remove` takes it all away:

* where a **mean** will go: in 1-D a histogram of the guesses standing on the x-axis, in
  2-D one hollow dot per guess on the plane;
* a **choice** (the owner of a point, the log-likelihood's direction): bars, one per choice,
  in a panel in the picture's upper corner;
* a **responsibility** β: a histogram over 0 to 1 in that panel.

With ``truth`` (the reveal) the true answer is drawn beside them, in the component's colour,
with the share of the room that was close.
"""

from __future__ import annotations

import numpy as np

from gmm_viz.conventions import component_colors
from gmm_viz.plotting.style import _size_spec

__all__ = ["ClassAnswers", "draw_class_answers", "draw_own_guess"]

_ANSWER_COLOR = "#444444"
_TRUTH_COLOR = "#111111"
# The histogram of guessed means stands this high at most (a share of the axes' height):
# the curves stay readable above it.
_HIST_HEIGHT = 0.28
_N_BINS = 30


class ClassAnswers:
    """Artists of the class's answers on a picture (remove them with :meth:`remove`).

    They are data artists of the mixture axes, which the view's blitting draws at every
    render anyway: adding or removing them costs no redraw of the kept picture (a full draw,
    five to ten times a step's). Only the panel of a choice is an axes of its own, and the
    figure is drawn again when it comes and goes.
    """

    def __init__(self, view, artists, inset=None):
        self.view = view
        self.artists = artists
        self.inset = inset

    def remove(self):
        """Take them off the picture (nothing to do if the view drew a new figure since)."""
        if self.view.figure.axes and self.view.ax in self.view.figure.axes:
            for artist in self.artists:
                artist.remove()
            if self.inset is not None:
                self.inset.remove()
        self.artists, self.inset = [], None


def draw_class_answers(view, spec, values, *, truth=None, close=None):
    """Draw the answers ``values`` to question ``spec`` on ``view`` (and ``truth``, if given).

    Parameters
    ----------
    view : StepView
    spec : dict
        The question (:func:`gmm_viz.classroom.questions.make_question`).
    values : list
        The answers, as :func:`~gmm_viz.classroom.questions.parse_answer` reads them.
    truth : optional
        The true answer, drawn after the reveal.
    close : int, optional
        How many answers were close (written with the truth).

    Returns
    -------
    ClassAnswers
    """
    size = _size_spec(view.size)
    kind = spec["kind"]
    n = len(values)
    caption = f"{n} answer{'s' if n != 1 else ''}"
    if truth is not None and close is not None and n:
        caption += f": {close} close ({close / n:.0%})"
    if kind == "mean":
        artists = _means(view, spec, values, truth, caption, size)
        return ClassAnswers(view, artists)
    inset = view.ax.inset_axes([0.64, 0.5, 0.34, 0.42])
    inset.set_facecolor((1, 1, 1, 0.92))
    if kind in ("owner", "loglik"):
        _choices(inset, spec, values, truth, size)
    else:
        _betas(inset, spec, values, truth, size)
    inset.set_title(caption, fontsize=size["legend"])
    inset.tick_params(labelsize=size["tick"] * 0.85)
    return ClassAnswers(view, [], inset)


def draw_own_guess(view, spec, value):
    """A student's own guess of where a mean goes, on their picture (a dashed line in 1-D,
    a ring on the plane), so that a click shows what it sent.

    Returns
    -------
    ClassAnswers
    """
    size = _size_spec(view.size)
    ax = view.ax
    color = component_colors(spec["n_components"])[spec["component"]]
    label = "your guess: " + ", ".join(f"{v:.4g}" for v in value)
    if spec["d"] == 1:
        line = ax.axvline(
            value[0], color=color, linestyle=(0, (4, 3)), linewidth=size["line"], zorder=4
        )
        text = ax.text(
            value[0], 0.98, " " + label, transform=ax.get_xaxis_transform(),
            color=_TRUTH_COLOR, fontsize=size["legend"], va="top", zorder=6,
        )  # fmt: skip
        artists = [line, text]
    else:
        ring = ax.scatter(
            [value[0]], [value[1]], s=size["mean_size"] * 1.6, facecolors="none",
            edgecolors=color, linewidths=size["line"], linestyle="--", zorder=5,
        )  # fmt: skip
        text = ax.annotate(
            " " + label,
            (value[0], value[1]),
            fontsize=size["legend"],
            color=_TRUTH_COLOR,
            zorder=6,
        )
        artists = [ring, text]
    return ClassAnswers(view, artists)


def _means(view, spec, values, truth, caption, size):
    ax = view.ax
    k = spec["component"]
    color = component_colors(spec["n_components"])[k]
    values = np.asarray(values, dtype=float).reshape(len(values), spec["d"])
    artists = []
    if spec["d"] == 1:
        lo, hi = spec["axis"][0]
        counts, edges = np.histogram(values[:, 0], bins=_N_BINS, range=(lo, hi))
        # The bars stand on the density's zero line (the points' row stays below it), the
        # tallest at a share of the axis' height.
        heights = _HIST_HEIGHT * ax.get_ylim()[1] * counts / max(counts.max(), 1)
        bars = ax.bar(
            edges[:-1], heights, width=np.diff(edges), align="edge", color=color, alpha=0.45,
            edgecolor=_ANSWER_COLOR, linewidth=0.8, zorder=1.5,
            label=f"the class's guesses ({caption})",
        )  # fmt: skip
        artists.extend(bars.patches)
        if truth is not None:
            artists.append(
                ax.axvline(truth[0], color=_TRUTH_COLOR, linewidth=size["line"], linestyle="-",
                           zorder=4, label="where it went")
            )  # fmt: skip
    else:
        artists.append(
            ax.scatter(values[:, 0], values[:, 1], s=size["point_size"] * 2.5,
                       facecolors="none", edgecolors=color, linewidths=size["line"] * 0.7,
                       zorder=4, label=f"the class's guesses ({caption})")
        )  # fmt: skip
        if truth is not None:
            artists.append(
                ax.scatter([truth[0]], [truth[1]], s=size["mean_size"] * 2.2, marker="*",
                           color=color, edgecolors=_TRUTH_COLOR, linewidths=1.5, zorder=5,
                           label="where it went")
            )  # fmt: skip
    text = (
        caption
        if truth is None
        else f"{caption} · where it went: " + ", ".join(f"{v:.4g}" for v in truth)
    )
    artists.append(
        ax.text(0.01, 0.97 if spec["d"] == 2 else _HIST_HEIGHT + 0.03, text,
                transform=ax.transAxes, fontsize=size["legend"], color=_TRUTH_COLOR,
                va="top" if spec["d"] == 2 else "bottom", zorder=6,
                bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": color})
    )  # fmt: skip
    return artists


def _choices(inset, spec, values, truth, size):
    if spec["kind"] == "owner":
        options = list(range(spec["n_components"]))
        labels = [str(k + 1) for k in options]
        colors = component_colors(spec["n_components"])
        inset.set_xlabel(f"owner of point {spec['point'] + 1}", fontsize=size["tick"] * 0.85)
    else:
        options = ["up", "same", "down"]
        labels = ["up", "same", "down"]
        colors = ["#6a6a6a"] * 3
        inset.set_xlabel("the log-likelihood", fontsize=size["tick"] * 0.85)
    counts = [sum(v == option for v in values) for option in options]
    places = range(len(options))
    bars = inset.bar(places, counts, color=colors, alpha=0.8, edgecolor=_ANSWER_COLOR)
    if truth is not None:
        right = options.index(truth)
        bars[right].set_edgecolor(_TRUTH_COLOR)
        bars[right].set_linewidth(size["line"] * 1.5)
        bars[right].set_hatch("//")
        labels[right] += " ✓"
    inset.set_xticks(places, labels)
    inset.set_ylim(0, max(max(counts), 1) * 1.15)
    inset.yaxis.get_major_locator().set_params(integer=True)


def _betas(inset, spec, values, truth, size):
    color = component_colors(spec["n_components"])[spec["component"]]
    inset.hist(values, bins=10, range=(0, 1), color=color, alpha=0.6, edgecolor=_ANSWER_COLOR)
    inset.set_xlim(0, 1)
    inset.set_xlabel(
        f"β of point {spec['point'] + 1}, component {spec['component'] + 1}",
        fontsize=size["tick"] * 0.85,
    )
    if truth is not None:
        inset.axvline(truth, color=_TRUTH_COLOR, linewidth=size["line"])
    inset.yaxis.get_major_locator().set_params(integer=True)
