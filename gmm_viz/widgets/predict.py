"""Predict, then reveal: a lesson asks for a guess before it shows the engine's answer.

A :class:`Prediction` is a small widget: a question, a box for a number (or buttons for a
choice), and a *Reveal* button. The reveal compares the guess with the answer the lesson
computed with gmm_viz, so a student learns how far their intuition was. The lessons build
their predictions in :mod:`gmm_viz.questions`, so that the answer is not in the cell the
student reads. Without a kernel (a saved notebook on a static page) the widget shows the
question with the reveal folded under it (``<details>``): a reader guesses, then opens it.
Its plain-text form never holds the answer.

>>> p = predict_choice("Will the log-likelihood go up or down?", ["up", "down"], "up",
...                    example="down")
>>> print(p.reveal_text("up"))
You said up: right. The engine says up.
>>> print(p.static_text())
Predict: Will the log-likelihood go up or down? (up / down)
Guess first: the reveal is folded on the page (run the notebook to answer in the box).
"""

from __future__ import annotations

import html
import math
import re

import ipywidgets as widgets

from gmm_viz.conventions import format_number
from gmm_viz.errors import ParameterError

__all__ = ["Prediction", "predict_choice", "predict_number"]

# A guess "is right" within this share of the answer (absolute below 1): a guess, not a
# hand calculation.
CLOSE = 0.05


def _parse_number(text):
    """The guess typed in the box as a float, or None when it is not a number."""
    try:
        value = float(str(text).strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class Prediction(widgets.VBox):
    """A question, the student's guess, and a reveal that compares it with the answer.

    Parameters
    ----------
    question : str
        One sentence (HTML allowed).
    answer : float or str
        The engine's answer: a number, or one of ``choices``.
    choices : list of str, optional
        Make it a multiple choice; otherwise the guess is a number.
    example : float or str
        The guess shown on a static page (a saved notebook read without a kernel).
    explain : str, optional
        What the reveal adds after the comparison: why the answer is what it is (HTML).
    decimals : int
        How the answer is rounded when shown.
    """

    def __init__(self, question, answer, *, choices=None, example, explain="", decimals=4):
        self.question = str(question)
        self.choices = None if choices is None else [str(c) for c in choices]
        if self.choices is not None and str(answer) not in self.choices:
            raise ParameterError(f"The answer {answer!r} must be one of the choices.")
        self.answer = str(answer) if self.choices is not None else float(answer)
        self.example = example
        self.explain = str(explain)
        self.decimals = int(decimals)
        self._question = widgets.HTML(f"<b>Predict:</b> {self.question}")
        if self.choices is None:
            # Enter (or leaving the box) reveals, as the button does.
            self.guess = widgets.Text(
                placeholder="your guess",
                continuous_update=False,
                layout=widgets.Layout(width="9em"),
            )
            self.guess.observe(lambda _: self.reveal(), names="value")
        else:
            self.guess = widgets.ToggleButtons(options=self.choices, value=None)
        self.button = widgets.Button(description="Reveal", button_style="primary")
        self.button.on_click(lambda _: self.reveal())
        self.message = widgets.HTML()  # bad input, next to the box
        self.result = widgets.HTML()
        self.result.add_class("gmm-prediction-result")
        row = widgets.HBox([self.guess, self.button, self.message])
        super().__init__([self._question, row, self.result])

    # -- the comparison ---------------------------------------------------------------
    def _show(self, value):
        return format_number(value, self.decimals)

    def reveal_text(self, guess):
        """The reveal for ``guess``, as one or two sentences (the explanation follows)."""
        if self.choices is not None:
            if str(guess) == self.answer:
                return f"You said {guess}: right. The engine says {self.answer}."
            return f"You said {guess}; the engine says {self.answer}."
        value = float(guess)
        diff = value - self.answer
        if abs(diff) <= CLOSE * max(abs(self.answer), 1.0):
            verdict = "close"
        else:
            verdict = f"{self._show(abs(diff))} too {'high' if diff > 0 else 'low'}"
        return f"You said {value:g}; the engine says {self._show(self.answer)} ({verdict})."

    def reveal(self):
        """Compare the guess in the box with the answer and show the result (the button)."""
        raw = self.guess.value
        if self.choices is None:
            value = _parse_number(raw)
            if value is None:
                self.message.value = (
                    "<span style='color:#b00020'>Type a number first, e.g. 0.5; "
                    f"{html.escape(str(raw))!r} is not one.</span>"
                    if str(raw).strip()
                    else "<span style='color:#b00020'>Type your guess first.</span>"
                )
                return False
            guess = value
        else:
            if raw is None:
                self.message.value = "<span style='color:#b00020'>Choose an answer first.</span>"
                return False
            guess = raw
        self.message.value = ""
        self.result.value = self._result_html(guess)
        return True

    def _result_html(self, guess):
        text = html.escape(self.reveal_text(guess))
        explain = f"<br>{self.explain}" if self.explain else ""
        return f"<div style='margin:.3em 0 .6em 0'>➜ {text}{explain}</div>"

    # -- a static page ----------------------------------------------------------------
    def _choices_text(self):
        return " (" + " / ".join(self.choices) + ")" if self.choices else ""

    def static_html(self):
        """The question, then the reveal folded: an example guess, the engine's answer and
        why. For a page without a kernel: the reader guesses before opening it."""
        return (
            f"<div><b>Predict:</b> {self.question}{html.escape(self._choices_text())}"
            "<details><summary>Guessed? Open the reveal</summary>"
            f"<i>Example guess: {html.escape(str(self.example))}</i>"
            f"{self._result_html(self.example)}</details></div>"
        )

    def static_text(self):
        """The question alone, as plain text: no answer in it (a terminal, a text diff)."""
        question = html.unescape(re.sub(r"<[^>]+>", "", self.question))  # no tags in text
        return (
            f"Predict: {question}{self._choices_text()}\n"
            "Guess first: the reveal is folded on the page (run the notebook to answer in "
            "the box)."
        )

    def _repr_mimebundle_(self, **kwargs):
        # A live notebook renders the widget (its view outranks these); a static page
        # renders the HTML, the reveal folded under the question.
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = self.static_text()
        bundle["text/html"] = self.static_html()
        return bundle


def predict_number(question, answer, *, example, explain="", decimals=4):
    """A :class:`Prediction` whose guess is a number."""
    return Prediction(question, answer, example=example, explain=explain, decimals=decimals)


def predict_choice(question, choices, answer, *, example, explain=""):
    """A :class:`Prediction` whose guess is one of ``choices``."""
    return Prediction(question, answer, choices=choices, example=example, explain=explain)
