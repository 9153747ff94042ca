"""The explorer's screen-reader helper (gmm_viz.widgets.page_a11y): its alt text follows the
half-step, and it is scoped to its own explorer."""

import warnings

import pytest

from gmm_viz.widgets import EMExplorer
from gmm_viz.widgets.page_a11y import PageA11y


@pytest.fixture(scope="module")
def explorer():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return EMExplorer("toy")


def test_the_alt_text_narrates_the_half_step_shown(explorer):
    explorer.step = 0
    assert explorer.a11y.alt.startswith("Half-step 0 of")
    explorer.step = 1
    assert "point 4: 0.3894, 0.6106" in explorer.a11y.alt
    explorer.step = 2
    assert "Component 1: weight α 0.5125, mean μ 1.3066, variance σ² 0.3510." in explorer.a11y.alt


def test_the_helper_is_on_the_page_and_names_the_slider(explorer):
    assert isinstance(explorer.a11y, PageA11y)
    assert explorer.a11y in explorer.widget.children
    assert explorer.a11y.slider_label == "Half-step"


def test_two_explorers_never_share_a_scope(explorer):
    other = EMExplorer("toy")
    scopes = [e.a11y.scope for e in (explorer, other)]
    assert scopes[0] != scopes[1]
    for e, scope in zip((explorer, other), scopes, strict=True):
        assert scope in e.widget._dom_classes
