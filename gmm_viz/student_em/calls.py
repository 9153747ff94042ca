"""Calling a student's E-step or M-step without ever letting it crash the lesson.

A student's function is called on copies of the inputs, with numpy's warnings silenced (a
NaN is reported as a number that differs, not as a warning). Whatever it does (raise,
return one thing instead of two, a (K, N) table, a list of strings), the caller gets
either the outputs as float arrays of the promised shapes, or a :class:`Problem`: one
sentence that says what is wrong and how to fix it.

The contract (what the lesson asks for):

* ``e_step(X, weights, means, covariances) -> (responsibilities, log_likelihood)`` with X
  (N, D), weights (K,), means (K, D), covariances (K, D, D); responsibilities (N, K), the
  log-likelihood one number (the sum over the points);
* ``m_step(X, responsibilities) -> (weights, means, covariances)``, shaped as above.
"""

from __future__ import annotations

import traceback
import warnings
from dataclasses import dataclass

import numpy as np

__all__ = ["NOT_WRITTEN", "Problem", "call_e_step", "call_m_step"]

NOT_WRITTEN = "not written"
RAISED = "raised"
RETURNED = "returned"


@dataclass(frozen=True)
class Problem:
    """Why a student's function gave nothing to compare, at one half-step.

    Attributes
    ----------
    function : {"e_step", "m_step"}
    kind : {"not written", "raised", "returned"}
        A stub that still raises ``NotImplementedError``, another exception, or outputs of
        the wrong kind or shape.
    message : str
        One sentence for the student.
    """

    function: str
    kind: str
    message: str

    @property
    def not_written(self):
        return self.kind == NOT_WRITTEN

    def __str__(self):
        return self.message


_WHAT = {"e_step": "E-step", "m_step": "M-step"}


def _call(fn, name, *args):
    """Call ``fn(*args)`` on copies; its result, or a Problem for an exception."""
    if not callable(fn):
        return Problem(name, RETURNED, f"Give your {_WHAT[name]} as a function; got {fn!r:.60}.")
    copies = [np.array(a, dtype=float) for a in args]
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*copies)
    except NotImplementedError:
        return Problem(
            name,
            NOT_WRITTEN,
            f"Not written yet: replace the `raise NotImplementedError` with your {_WHAT[name]}.",
        )
    except Exception as error:  # a student's code may raise anything: say which, and where
        return Problem(name, RAISED, f"Your {_WHAT[name]} raised {_describe(error, fn)}.")


def _describe(error, fn):
    """``ValueError ('...') at `line of code``` , the line being the last one of ``fn``'s
    own file that ran (where the student can look)."""
    text = f"{type(error).__name__}"
    detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if detail:
        text += f" ({detail[:120]})"
    code = getattr(fn, "__code__", None)
    frames = traceback.extract_tb(error.__traceback__)
    own = [f for f in frames if code is not None and f.filename == code.co_filename]
    if own and own[-1].line:
        text += f" at `{own[-1].line.strip()[:100]}`"
    return text


def _floats(value, what, name):
    try:
        return np.array(value, dtype=float)
    except (TypeError, ValueError):
        return Problem(
            name,
            RETURNED,
            f"The {what} your {_WHAT[name]} returned are not numbers: {value!r:.60}.",
        )


def _unpack(result, count, names, name):
    """The result as ``count`` things, or a Problem naming what to return."""
    wanted = ", ".join(names)
    if isinstance(result, (tuple, list)) and len(result) == count:
        return list(result)
    if isinstance(result, (tuple, list)):
        got = f"{len(result)} things"
    elif result is None:
        got = "None (is a `return` missing?)"
    else:
        got = f"one {type(result).__name__}"
        if isinstance(result, np.ndarray):
            got += f" of shape {result.shape}"
    return Problem(
        name,
        RETURNED,
        f"Your {_WHAT[name]} must return {count} things, `return {wanted}`; it returned {got}.",
    )


def call_e_step(fn, X, weights, means, covariances):
    """Run a student's E-step.

    Returns
    -------
    (responsibilities (N, K), log_likelihood float) or Problem
        NaN and inf are kept (they are compared, and named, as numbers).
    """
    n, k = X.shape[0], len(weights)
    result = _call(fn, "e_step", X, weights, means, covariances)
    if isinstance(result, Problem):
        return result
    parts = _unpack(result, 2, ("responsibilities", "log_likelihood"), "e_step")
    if isinstance(parts, Problem):
        return parts
    resp = _floats(parts[0], "responsibilities", "e_step")
    if isinstance(resp, Problem):
        return resp
    if resp.shape != (n, k):
        if resp.shape == (k, n):
            hint = f"yours is (K, N) = ({k}, {n}): transpose it (`.T`)"
        else:
            hint = f"yours is {resp.shape}"
        return Problem(
            "e_step",
            RETURNED,
            f"The responsibilities must be an (N, K) = ({n}, {k}) table, one row per point "
            f"and one column per component; {hint}.",
        )
    ll = _floats(parts[1], "log-likelihood", "e_step")
    if isinstance(ll, Problem):
        return ll
    if ll.size != 1:
        return Problem(
            "e_step",
            RETURNED,
            f"The log-likelihood must be one number, sum_n log p(x_n); yours has shape "
            f"{ll.shape}: add up the points' log p(x_n).",
        )
    return resp, float(ll.reshape(()))


def call_m_step(fn, X, responsibilities):
    """Run a student's M-step.

    Returns
    -------
    (weights (K,), means (K, D), covariances (K, D, D)) or Problem
        A 1-D data set's shorthands are accepted (K means, K variances).
    """
    d, k = X.shape[1], responsibilities.shape[1]
    result = _call(fn, "m_step", X, responsibilities)
    if isinstance(result, Problem):
        return result
    parts = _unpack(result, 3, ("weights", "means", "covariances"), "m_step")
    if isinstance(parts, Problem):
        return parts
    names = ("weights", "means", "covariances")
    weights, means, covariances = (
        _floats(v, what, "m_step") for v, what in zip(parts, names, strict=True)
    )
    for value in (weights, means, covariances):
        if isinstance(value, Problem):
            return value
    if weights.size != k:
        return Problem(
            "m_step",
            RETURNED,
            f"Return {k} weights, one per component; yours have shape {weights.shape}.",
        )
    if d == 1 and means.size == k:
        means = means.reshape(k, 1)
    if means.shape != (k, d):
        turned = " (transpose it)" if means.shape == (d, k) else ""
        return Problem(
            "m_step",
            RETURNED,
            f"The means must be (K, D) = ({k}, {d}), one row per component; yours are "
            f"{means.shape}{turned}.",
        )
    if d == 1 and covariances.size == k:
        covariances = covariances.reshape(k, 1, 1)
    if covariances.shape != (k, d, d):
        if covariances.shape == (k, d):
            hint = "those are only the variances: give each component its D x D matrix"
        elif covariances.shape == (d, d):
            hint = "that is one matrix: give one D x D matrix per component"
        else:
            hint = f"yours are {covariances.shape}"
        return Problem(
            "m_step",
            RETURNED,
            f"The covariances must be (K, D, D) = ({k}, {d}, {d}); {hint}.",
        )
    return weights.reshape(k), means, covariances
