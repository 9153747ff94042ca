"""The questions a teacher can put to the class at a half-step, their true answers, and how a
student's answer is read, checked and judged close.

Four kinds, each bound to the half-step that answers it:

===============  =====================================================  ===================
kind             the question                                            answered by
===============  =====================================================  ===================
``mean``         where will component k's mean be after the next         the next M-step
                 M-step? (a number in 1-D, a point in 2-D)
``owner``        which component will own point n after the next         the next E-step
                 E-step? (the largest responsibility)
``loglik``       will the log-likelihood go up, stay or go down at the   the next half-step
                 next half-step? (as the label prints it, 4 decimals)
``beta``         what will β_nk be after the next E-step?                the next E-step
===============  =====================================================  ===================

The truth is read from the fitted run (:class:`~gmm_viz.em.EMHistory`), never computed here.
Everything a student's page needs to check an answer travels in the question's ``spec``
(plain JSON): the axis an answer must fall on, the number of components and points.
"""

from __future__ import annotations

import math

from gmm_viz.errors import GMMVizError

__all__ = [
    "KINDS",
    "ClassroomError",
    "choices",
    "closeness",
    "count_close",
    "describe_truth",
    "format_answer",
    "is_close",
    "make_question",
    "parse_answer",
    "question_text",
]

# Short: they are the teacher's menu, on the projector.
KINDS = {
    "mean": "where a mean goes",
    "owner": "who owns a point",
    "loglik": "log-likelihood: up or down?",
    "beta": "a responsibility β",
}

# The log-likelihood's three answers, as the page words them.
_LOGLIK_SAID = {"up": "goes up", "same": "stays the same", "down": "goes down"}
# An answer counts as close when it is within this share of the axis (a mean) ...
MEAN_CLOSE_SHARE = 0.05
# ... or within this much of the true responsibility.
BETA_CLOSE = 0.05


class ClassroomError(GMMVizError):
    """A question or an answer that cannot be taken, said in one sentence."""


def _subscript(n):
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def make_question(kind, history, X, step, *, axis, component=0, point=0):
    """The ``spec`` and ``truth`` of a question asked at half-step ``step`` of ``history``.

    Parameters
    ----------
    kind : {"mean", "owner", "loglik", "beta"}
    history : EMHistory
    X : ndarray (N, D)
        The data the run was fitted to (D = 1 or 2).
    step : int
        The half-step on the projector when it is asked.
    axis : sequence of (low, high)
        The picture's x range (and y range in 2-D): where an answer for a mean must fall.
    component, point : int
        Component k and point n (from 0), for the kinds that name them.

    Returns
    -------
    spec : dict
    truth : list, int, str or float

    Raises
    ------
    ClassroomError
        An unknown kind, a component or point that does not exist, or a run with no
        half-step after this one to answer it.
    """
    if kind not in KINDS:
        raise ClassroomError(
            f"There is no question of kind {kind!r}: choose one of {list(KINDS)}."
        )
    n_points, d = X.shape
    n_components = history.params(0).n_components
    last = history.n_steps - 1
    if not 0 <= step <= last:
        raise ClassroomError(f"The run has no half-step {step}: it goes from 0 to {last}.")
    if kind == "mean":
        reveal = step + 1 if history.phase(step) == "E" else step + 2
    elif kind in ("owner", "beta"):
        reveal = step + 1 if history.phase(step) != "E" else step + 2
    else:
        reveal = step + 1
    if reveal > last:
        what = {"mean": "M-step", "owner": "E-step", "beta": "E-step", "loglik": "half-step"}
        raise ClassroomError(
            f"The run ends at half-step {last}, with no {what[kind]} after this one to answer "
            "the question: go back a few half-steps to ask it."
        )
    spec = {
        "kind": kind,
        "step": int(step),
        "reveal_step": int(reveal),
        "d": int(d),
        "n_components": int(n_components),
        "axis": [[float(lo), float(hi)] for lo, hi in axis][:d],
    }
    if kind in ("mean", "beta"):
        if not 0 <= component < n_components:
            raise ClassroomError(
                f"There is no component {component + 1}: choose 1 to {n_components}."
            )
        spec["component"] = int(component)
    if kind in ("owner", "beta"):
        if not 0 <= point < n_points:
            raise ClassroomError(f"There is no point {point + 1}: choose 1 to {n_points}.")
        spec["point"] = int(point)
    if kind == "mean":
        truth = [float(v) for v in history.params(reveal).means[component]]
    elif kind == "loglik":
        before, after = history.log_likelihood(step), history.log_likelihood(reveal)
        truth = _direction(before, after)
    else:
        resp = history.responsibilities(reveal, X)[point]
        truth = int(resp.argmax()) if kind == "owner" else float(resp[component])
    spec["text"] = question_text(spec)
    return spec, truth


def _direction(before, after):
    """ "up", "same" or "down", as the label's 4 decimals show the change."""
    b, a = round(before, 4), round(after, 4)
    return "same" if a == b else ("up" if a > b else "down")


def question_text(spec):
    """The question as a student reads it (plain text, components and points from 1)."""
    kind = spec["kind"]
    if kind == "mean":
        k = _subscript(spec["component"] + 1)
        where = "on the x-axis" if spec["d"] == 1 else "on the plane"
        return f"Where will μ{k} be after the next M-step? Click {where} or type it."
    if kind == "owner":
        return f"Which component will own point {spec['point'] + 1} after the next E-step?"
    if kind == "loglik":
        return "At the next half-step, will the log-likelihood go up, stay the same or go down?"
    k = spec["component"] + 1
    return f"What will β of point {spec['point'] + 1} for component {k} be after the next E-step?"


def choices(spec):
    """The answers a choice question offers, as (label, value); None for a number."""
    if spec["kind"] == "owner":
        values = range(spec["n_components"])
    elif spec["kind"] == "loglik":
        values = _LOGLIK_SAID
    else:
        return None
    return [(format_answer(spec, v), v) for v in values]


def _number(text, what):
    text = text.strip()
    try:
        value = float(text)
    except ValueError:
        if "," in text and text.replace(",", "", 1).replace("-", "", 1).isdigit():
            raise ClassroomError(
                f"Write {what} with a decimal point, {text.replace(',', '.')}, not {text}."
            ) from None
        raise ClassroomError(f"{text!r} is not a number: type {what}, for example 1.25.") from None
    if not math.isfinite(value):
        raise ClassroomError(f"{text} is not a finite number: type {what}, for example 1.25.")
    return value


def parse_answer(spec, raw):
    """A student's answer, read and checked: a list of D floats (mean), an int (owner),
    "up"/"same"/"down" (loglik) or a float (beta).

    ``raw`` is what the page sent: text typed in the box (components counted from 1), the
    value of a choice (a component from 0, as the choices give it), or a list of numbers from
    a click on the picture.

    Raises
    ------
    ClassroomError
        Text that is not a number, a value off the axis, a choice that does not exist.
    """
    kind = spec["kind"]
    if kind == "mean":
        return _parse_mean(spec, raw)
    if kind == "owner":
        k = raw
        if isinstance(raw, str):
            text = raw.strip().removeprefix("component").strip()
            if not text.isdigit():
                raise ClassroomError(
                    f"{raw!r} is not a component: choose 1 to {spec['n_components']}."
                )
            k = int(text) - 1
        if isinstance(k, bool) or not isinstance(k, int):
            raise ClassroomError(
                f"{raw!r} is not a component: choose 1 to {spec['n_components']}."
            )
        if not 0 <= k < spec["n_components"]:
            raise ClassroomError(
                f"There is no component {k + 1}: choose 1 to {spec['n_components']}."
            )
        return k
    if kind == "loglik":
        value = str(raw).strip().lower()
        if value not in _LOGLIK_SAID:
            raise ClassroomError(f"{raw!r} is not an answer here: choose up, same or down.")
        return value
    value = raw if isinstance(raw, float) else _number(str(raw), "a responsibility")
    if not 0.0 <= value <= 1.0:
        raise ClassroomError(
            f"{value:g} cannot be a responsibility: it is a share, between 0 and 1."
        )
    return float(value)


def _parse_mean(spec, raw):
    d = spec["d"]
    if isinstance(raw, str):
        parts = raw.replace(";", " ").replace(",", " ").split() if d == 2 else [raw]
        if d == 2 and len(parts) != 2:
            raise ClassroomError(
                f"{raw!r} is not a point: type its two coordinates, for example 3.5, 70."
            )
        values = [_number(p, "the mean" if d == 1 else "each coordinate") for p in parts]
    else:
        values = [float(v) for v in raw]
    names = ("x", "y")
    for i, (value, (lo, hi)) in enumerate(zip(values, spec["axis"], strict=True)):
        if not lo <= value <= hi:
            raise ClassroomError(
                f"{value:g} is off the picture: its {names[i]} runs from {lo:.4g} to "
                f"{hi:.4g}; give a value in that range."
            )
    return values


def is_close(spec, value, truth):
    """Whether an answer counts as close to the truth (see :func:`closeness`)."""
    kind = spec["kind"]
    if kind == "mean":
        spans = [hi - lo for lo, hi in spec["axis"]]
        share = math.sqrt(
            sum(((v - t) / s) ** 2 for v, t, s in zip(value, truth, spans, strict=True))
        )
        return share <= MEAN_CLOSE_SHARE
    if kind == "beta":
        return abs(value - truth) <= BETA_CLOSE
    return value == truth


def count_close(spec, values, truth):
    """How many of the answers ``values`` are close to the truth."""
    return sum(is_close(spec, v, truth) for v in values)


def closeness(spec):
    """What "close" means for this question, in words."""
    kind = spec["kind"]
    if kind == "mean":
        (lo, hi) = spec["axis"][0]
        if spec["d"] == 1:
            return (
                f"within {MEAN_CLOSE_SHARE * (hi - lo):.3g} ({MEAN_CLOSE_SHARE:.0%} of the axis)"
            )
        return f"within {MEAN_CLOSE_SHARE:.0%} of the picture's size"
    if kind == "beta":
        return f"within {BETA_CLOSE}"
    return "the right choice"


def format_answer(spec, value):
    """An answer as the page writes it back."""
    kind = spec["kind"]
    if kind == "mean":
        return ", ".join(f"{v:.4g}" for v in value)
    if kind == "owner":
        return f"component {value + 1}"
    if kind == "loglik":
        return _LOGLIK_SAID[value]
    return f"{value:.3g}"


def describe_truth(spec, truth):
    """The true answer in a sentence, for the reveal."""
    kind = spec["kind"]
    if kind == "mean":
        k = _subscript(spec["component"] + 1)
        return f"μ{k} went to {format_answer(spec, truth)}"
    if kind == "owner":
        return f"point {spec['point'] + 1} is owned by component {truth + 1}"
    if kind == "loglik":
        return f"the log-likelihood {format_answer(spec, truth)}"
    return f"β was {truth:.3f}"
