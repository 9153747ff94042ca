"""The log-likelihood panel's words fit at projector size: its title stays inside the picture
(the long E-step reason is left to the legend there, a screen keeps it) and the half-step
labels under it never overlap."""

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


@pytest.mark.parametrize("iterations", [4, 6, 200])
def test_the_half_step_labels_never_overlap_at_projector_size(iterations):
    data = datasets.faithful()
    model = GaussianMixtureEM(2, max_iter=iterations, tol=0, **data.start_for(2))
    history = model.fit(data.X).history_
    view = StepView(data.X, history, 1, size="projector", whole_run=True)
    view.png()
    renderer = view.figure.canvas.get_renderer()
    labels = [t for t in view.ax_ll.get_xticklabels() if t.get_text()]
    boxes = [t.get_window_extent(renderer) for t in labels]
    assert len(labels) >= 4
    for left, right, text in zip(boxes, boxes[1:], labels[1:], strict=False):
        assert left.x1 < right.x0, f"{text.get_text()} overlaps the label before it"
