"""The log-likelihood panel's title stays inside the picture at projector size (its long
E-step reason is left to the legend there), and keeps the reason on a screen."""

import pytest

from gmm_viz import datasets
from gmm_viz.em import GaussianMixtureEM
from gmm_viz.plotting import StepView


@pytest.mark.parametrize("lower_bound", [False, True])
@pytest.mark.parametrize("name", ["toy", "faithful"])
def test_the_title_fits_inside_the_projector_picture(name, lower_bound):
    data = datasets.load(name)
    history = GaussianMixtureEM(2, max_iter=3, tol=0, **data.start_for(2)).fit(data.X).history_
    view = StepView(data.X, history, 0, size="projector", lower_bound=lower_bound)
    renderer = view.figure.canvas.get_renderer()
    for step in range(history.n_steps):
        view.show(step)
        box = view.ll_artists.text.get_window_extent(renderer)
        assert view.figure.bbox.x0 <= box.x0 and box.x1 <= view.figure.bbox.x1, (
            step,
            view.ll_artists.text.get_text(),
        )


def test_a_screen_keeps_the_e_steps_reason():
    data = datasets.toy()
    history = GaussianMixtureEM(2, max_iter=1, tol=0, **data.start_for(2)).fit(data.X).history_
    view = StepView(data.X, history, 1, size="screen")
    assert "an E-step keeps the parameters" in view.ll_artists.text.get_text()
    projector = StepView(data.X, history, 1, size="projector")
    assert projector.ll_artists.text.get_text().endswith("(unchanged)")
