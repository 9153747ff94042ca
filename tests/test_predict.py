"""Predict-then-reveal: the reveal compares the guess with the answer, bad guesses get a
sentence next to the box (and no reveal), and a static page shows the example guess."""

from __future__ import annotations

import pytest

from gmm_viz.errors import ParameterError
from gmm_viz.widgets import predict_choice, predict_number


def test_number_reveal_says_how_far_and_which_way():
    p = predict_number("beta?", 0.6108, example=0.5, explain="It is nearer mean 2.")
    assert p.result.value == ""
    p.guess.value = "0.4"
    assert p.reveal()
    assert "0.4" in p.result.value and "0.6108" in p.result.value
    assert "0.2108 too low" in p.result.value and "nearer mean 2" in p.result.value
    p.guess.value = "0,62"  # a decimal comma is a number too
    p.reveal()
    assert "(close)" in p.result.value
    p.guess.value = "0.9"
    p.reveal()
    assert "too high" in p.result.value


@pytest.mark.parametrize("typed", ["", "  ", "abc", "nan", "1e999"])
def test_number_bad_guess_is_a_sentence_and_no_reveal(typed):
    p = predict_number("beta?", 0.6108, example=0.5)
    p.guess.value = "0.3"
    p.reveal()
    before = p.result.value
    p.guess.value = typed
    assert not p.reveal()
    assert "first" in p.message.value  # "Type your guess first" / "Type a number first"
    assert p.result.value == before  # the previous reveal stays
    p.guess.value = "0.6"
    assert p.reveal() and p.message.value == ""


def test_choice_reveal_and_no_choice():
    p = predict_choice("Up or down?", ["up", "down"], "up", example="down")
    assert not p.reveal() and "Choose an answer first" in p.message.value
    p.guess.value = "down"
    p.reveal()
    assert "You said down; the engine says up." in p.result.value
    p.guess.value = "up"
    p.reveal()
    assert "right" in p.result.value


def test_answer_must_be_a_choice():
    with pytest.raises(ParameterError, match="one of the choices"):
        predict_choice("?", ["a", "b"], "c", example="a")


def test_static_page_folds_the_reveal_under_the_question():
    p = predict_number("beta for x = 2.4?", 0.6108, example=0.5, explain="The nearer mean.")
    bundle = p._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle  # live: the widget
    # Plain text: the question alone, never the answer.
    assert bundle["text/plain"].splitlines()[0] == "Predict: beta for x = 2.4?"
    assert "0.6108" not in bundle["text/plain"] and "nearer" not in bundle["text/plain"]
    # HTML: the question outside, the example guess, the answer and why inside <details>.
    page = bundle["text/html"]
    question, folded = page.split("<details>", 1)
    assert "beta for x = 2.4?" in question and "0.6108" not in question
    assert "Example guess: 0.5" in folded and "0.6108 (0.1108 too low)" in folded
    assert "The nearer mean." in folded and folded.index("</details>") > folded.index("nearer")
    assert p.result.value == ""  # the live widget has not revealed anything


def test_static_text_has_no_html_tags():
    question = "Is <code>n_init=10</code> &amp; better?"
    p = predict_choice(question, ["yes", "no"], "no", example="no")
    assert p.static_text().splitlines()[0] == "Predict: Is n_init=10 & better? (yes / no)"
