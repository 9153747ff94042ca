"""The EM explorer: one widget to step through EM, half-step by half-step.

:class:`EMExplorer` composes the controls (ipywidgets) with the picture of
:class:`gmm_viz.plotting.StepView`. It keeps one observable state (:class:`ExplorerState`,
traitlets): the data, the fit options, the fitted history, the half-step and the selection.
The controls and the picture observe it, so neither can drift from it. Fitting runs once per
change of data or options; moving through the half-steps only reads the stored history and
updates the artists in place. Bad data or options never change the state: a message says
what is wrong, the control shows again what the picture uses, and the picture stays.

Rooms: :mod:`~gmm_viz.widgets.state` (the state and how a fit is made, no widgets),
:mod:`~gmm_viz.widgets.controls` (the widgets and where they sit),
:mod:`~gmm_viz.widgets.binding` (each control tied to the state, once),
:mod:`~gmm_viz.widgets.picture` (the picture and panels drawn from the state),
:mod:`~gmm_viz.widgets.explorer` (the public surface, fits and messages),
:mod:`~gmm_viz.widgets.downloads` (this picture, the run, the numbers as files),
:mod:`~gmm_viz.widgets.predict` (a lesson's "predict, then reveal" question),
:mod:`~gmm_viz.widgets.hardening` (K-means as EM with a vanishing shared variance).
"""

from gmm_viz.widgets.explorer import EMExplorer
from gmm_viz.widgets.hardening import HardeningSlider
from gmm_viz.widgets.predict import Prediction, predict_choice, predict_number
from gmm_viz.widgets.state import CurrentStep, ExplorerState, FitOptions, _fit

__all__ = [
    "CurrentStep",
    "EMExplorer",
    "ExplorerState",
    "FitOptions",
    "HardeningSlider",
    "Prediction",
    "_fit",
    "predict_choice",
    "predict_number",
]
