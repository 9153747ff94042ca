"""The half-step in words (gmm_viz.worked.narration): the picture's text alternative, checked
against the worked example's numbers (tests/test_worked.py) and a 2-D run."""

import numpy as np
import pytest

from gmm_viz import datasets
from gmm_viz.em import GaussianMixtureEM
from gmm_viz.worked.narration import MAX_LISTED_POINTS, narrate

X = [0.9, 0.7, 1.2, 2.4, 1.8]


@pytest.fixture(scope="module")
def toy_history():
    model = GaussianMixtureEM(
        2,
        weights_init=[0.5, 0.5],
        means_init=[1.0, 2.0],
        covariances_init=[2.0, 2.0],
        max_iter=3,
        tol=0,
    ).fit(X)
    return model.history_


def test_the_start_gives_each_component_and_the_log_likelihood(toy_history):
    text = narrate(X, toy_history, 0)
    assert text.startswith("Half-step 0 of 6, the start")
    assert "Component 1: weight α 0.5000, mean μ 1.0000, variance σ² 2.0000." in text
    assert "Component 2: weight α 0.5000, mean μ 2.0000, variance σ² 2.0000." in text
    assert "Log-likelihood -7.0758." in text
    assert "Responsibilities" not in text


def test_the_first_m_step_reads_the_worked_example(toy_history):
    text = narrate(X, toy_history, 2)
    assert "M-step 1: the Gaussians moved" in text
    assert "Component 1: weight α 0.5125, mean μ 1.3066, variance σ² 0.3510." in text
    assert "Component 2: weight α 0.4875, mean μ 1.4982, variance σ² 0.4081." in text
    assert "Log-likelihood -4.7174." in text


def test_the_first_e_step_reads_every_point_and_who_owns_it(toy_history):
    text = narrate(X, toy_history, 1)
    assert "E-step 1: each point is shared" in text and "do not move" in text
    assert "point 1: 0.5744, 0.4256; point 2: 0.5987, 0.4013" in text
    assert "point 4: 0.3894, 0.6106; point 5: 0.4626, 0.5374." in text
    assert "component 1 owns 3 points, component 2 owns 2 points" in text
    assert "first E-step" in text


def test_a_later_e_step_says_which_points_changed_owner():
    data = datasets.faithful()
    model = GaussianMixtureEM(2, max_iter=3, tol=0, **data.start_for(2)).fit(data.X)
    h = model.history_
    before = np.argmax(h.responsibilities(1, data.X), axis=1)
    after = np.argmax(h.responsibilities(3, data.X), axis=1)
    changed = np.flatnonzero(before != after)
    assert 0 < changed.size <= MAX_LISTED_POINTS
    text = narrate(data.X, h, 3)
    assert f"{changed.size} points changed owner since the previous E-step" in text
    for i in changed:
        assert f"point {i + 1} from component {before[i] + 1} to {after[i] + 1}" in text
    # 272 points are not read one by one; 2-D spreads are standard deviations.
    assert "Responsibilities:" not in text
    assert "standard deviations σ (" in text and "correlation" in text


def test_no_change_of_owner_is_said(toy_history):
    assert "No point changed owner" in narrate(X, toy_history, 3)


def test_the_narration_is_pure(toy_history):
    assert narrate(X, toy_history, 5) == narrate(np.array(X)[:, None], toy_history, 5)


def test_responsibilities_handed_in_give_the_same_words(toy_history):
    resp = toy_history.responsibilities(3, X)
    assert narrate(X, toy_history, 3, responsibilities=resp) == narrate(X, toy_history, 3)
