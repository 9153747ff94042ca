"""Matplotlib pictures of EM for Gaussian mixtures, made to be redrawn one half-step at a time.

Every ``draw_*`` function draws onto a given :class:`~matplotlib.axes.Axes` and returns a
small dataclass holding its artists; the matching ``update_*`` function changes those same
artists in place (line data, colours, ellipse geometry, arrow positions) instead of clearing
and redrawing. Nothing here uses pyplot or ipywidgets: :func:`figure_for` builds a
:class:`matplotlib.figure.Figure` with an Agg canvas, and the functions work on any Axes.
The plotting layer does no EM arithmetic of its own: densities come from
:func:`gmm_viz.em.component_densities`, responsibilities from the history.

Rooms
-----
* :mod:`~gmm_viz.plotting.step_view` -- :class:`StepView`, the picture of one run at any
  half-step (mixture and log-likelihood), updated in place; :func:`step_strip`, several
  half-steps side by side. The explorer, the lessons and every export draw with these.
* :mod:`~gmm_viz.plotting.compare_strip` -- :func:`compare_strip`, the same half-steps of
  several runs, one row each (a student's EM beside the reference).
* :mod:`~gmm_viz.plotting.style` -- the palette, blended colours, "screen" and "projector"
  sizes.
* :mod:`~gmm_viz.plotting.one_d` / :mod:`~gmm_viz.plotting.two_d` -- the mixture over the
  data: densities (1-D) or ellipses and contours (2-D), ghosts and arrows.
* :mod:`~gmm_viz.plotting.pies` -- small data's points as pies split by their
  responsibilities (1-D and 2-D).
* :mod:`~gmm_viz.plotting.loglik` -- the log-likelihood over half-steps.
* :mod:`~gmm_viz.plotting.figure` -- the figure and its cached layout.
* :mod:`~gmm_viz.plotting.blit` -- blitting: redraw only what a half-step changes.
* :mod:`~gmm_viz.plotting.glyphs`, :mod:`~gmm_viz.plotting.png` -- text and PNG, fast.
* :mod:`~gmm_viz.plotting.overlays` -- the true mixture of synthetic data.
"""

from gmm_viz.conventions import MARKERS, NEUTRAL_GREY, PALETTE, component_colors, component_markers
from gmm_viz.plotting.blit import BlitRenderer
from gmm_viz.plotting.class_answers import ClassAnswers, draw_class_answers, draw_own_guess
from gmm_viz.plotting.compare_strip import compare_strip
from gmm_viz.plotting.figure import DRAWN_COLUMNS, blank_figure, check_drawable, figure_for
from gmm_viz.plotting.hardening import (
    HardeningArtists,
    draw_hardening,
    hardening_strip,
    update_hardening,
)
from gmm_viz.plotting.layout import refresh_layout
from gmm_viz.plotting.loglik import (
    LogLikelihoodArtists,
    draw_log_likelihood,
    half_step_labels,
    set_log_likelihoods,
    set_lower_bounds,
    show_whole_run,
    update_log_likelihood,
)
from gmm_viz.plotting.one_d import (
    MixtureArtists1D,
    draw_hard_assignment_1d,
    draw_mixture_1d,
    update_mixture_1d,
)
from gmm_viz.plotting.overlays import draw_truth
from gmm_viz.plotting.step_view import StepView, step_strip
from gmm_viz.plotting.style import SIZES, apply_size, blend_colors, component_readout
from gmm_viz.plotting.two_d import (
    MixtureArtists2D,
    draw_mixture_2d,
    ellipse_geometry,
    update_mixture_2d,
)

__all__ = [
    "ClassAnswers",
    "draw_class_answers",
    "draw_own_guess",
    "DRAWN_COLUMNS",
    "blank_figure",
    "check_drawable",
    "MARKERS",
    "NEUTRAL_GREY",
    "PALETTE",
    "SIZES",
    "BlitRenderer",
    "HardeningArtists",
    "StepView",
    "LogLikelihoodArtists",
    "MixtureArtists1D",
    "MixtureArtists2D",
    "apply_size",
    "blend_colors",
    "compare_strip",
    "component_colors",
    "component_markers",
    "component_readout",
    "draw_hard_assignment_1d",
    "draw_hardening",
    "draw_log_likelihood",
    "draw_mixture_1d",
    "draw_mixture_2d",
    "draw_truth",
    "ellipse_geometry",
    "figure_for",
    "half_step_labels",
    "hardening_strip",
    "refresh_layout",
    "set_log_likelihoods",
    "set_lower_bounds",
    "show_whole_run",
    "step_strip",
    "update_hardening",
    "update_log_likelihood",
    "update_mixture_1d",
    "update_mixture_2d",
]
