"""One half-step of a student's EM against the engine's, from the same inputs: the first
number that differs, as a record and as one sentence.

Numbers are read in the order a table is read: the responsibilities point by point (each
point's components left to right), then the log-likelihood; the weights, then the means,
then the covariances, component by component (each matrix row by row).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_viz.em import GMMParams, e_step, m_step
from gmm_viz.student_em.slips import e_step_hint, m_step_hint

__all__ = ["RTOL", "ATOL", "Difference", "compare_e_step", "compare_m_step"]

# "The same number": what a different but correct order of floating-point operations (an
# inverse instead of a solve, exp without the max shift) changes, and far less than a slip.
RTOL, ATOL = 1e-6, 1e-8


@dataclass(frozen=True)
class Difference:
    """The first number of a half-step where a student's EM and the engine's part.

    Attributes
    ----------
    parameter : {"responsibility", "log-likelihood", "weight", "mean", "covariance"}
    theirs, reference : float
        The student's number (may be nan or inf) and the engine's.
    point, component : int or None
        1-based, as the tables number them.
    entry : tuple of int or None
        1-based: (d,) for a coordinate of a mean, (i, j) for an entry of a covariance
        (None in 1-D, where a mean and a variance are single numbers).
    hint : str
        What the usual slip that gives these numbers is ("" when none matches).
    where : str
        Where it happened, to open the sentence ("At E-step 1", "On the five toy points").
    step : int or None
        The half-step (1 = E-step 1, 2 = M-step 1, ...) in a run.
    """

    parameter: str
    theirs: float
    reference: float
    point: int | None = None
    component: int | None = None
    entry: tuple | None = None
    hint: str = ""
    where: str = ""
    step: int | None = None

    @property
    def phase(self):
        """ "E" or "M": the half-step that gave the number."""
        return "E" if self.parameter in ("responsibility", "log-likelihood") else "M"

    @property
    def gap(self):
        """|theirs - reference| (nan when theirs is not a number)."""
        return abs(self.theirs - self.reference)

    def subject(self):
        """The number, named: "the responsibility of component 2 for point 4"."""
        k = self.component
        if self.parameter == "responsibility":
            return f"the responsibility of component {k} for point {self.point}"
        if self.parameter == "log-likelihood":
            return "the log-likelihood"
        if self.parameter == "weight":
            return f"the weight of component {k}"
        if self.parameter == "mean":
            if self.entry is None:
                return f"the mean of component {k}"
            return f"coordinate {self.entry[0]} of the mean of component {k}"
        if self.entry is None:
            return f"the variance of component {k}"
        return f"entry {self.entry} of the covariance of component {k}"

    def sentence(self):
        """One sentence: where, which number, both values, how far apart, and the hint."""
        theirs, reference = _pair(self.theirs, self.reference)
        text = f"{self.where}, {self.subject()} is {reference} in the reference and {theirs}"
        text += " in yours"
        if np.isfinite(self.theirs):
            text += f" ({self.gap:.3g} apart)"
        return text + (f": {self.hint}." if self.hint else ".")

    def __str__(self):
        return self.sentence()


def _pair(theirs, reference):
    """Both numbers with as many significant digits as it takes to tell them apart (4 to
    12), so that a difference in the 7th digit is not shown as two equal numbers."""
    for digits in range(4, 13):
        a, b = f"{theirs:.{digits}g}", f"{reference:.{digits}g}"
        if a != b:
            break
    return a, b


def _first(theirs, reference):
    """The first index (reading order) where ``theirs`` is not ``reference``, or None."""
    theirs, reference = np.asarray(theirs, float), np.asarray(reference, float)
    with np.errstate(invalid="ignore"):
        off = ~(np.abs(theirs - reference) <= ATOL + RTOL * np.abs(reference))
    if not off.any():
        return None
    return np.unravel_index(int(np.argmax(off)), off.shape)


def compare_e_step(X, params, responsibilities, log_likelihood, *, where=""):
    """A student's E-step outputs against the engine's E-step of the same ``params``.

    Returns
    -------
    Difference or None
    """
    ref_resp, ref_ll = e_step(X, params)
    found = _first(responsibilities, ref_resp)
    if found is not None:
        n, k = (int(i) for i in found)
        return Difference(
            "responsibility",
            float(responsibilities[n, k]),
            float(ref_resp[n, k]),
            point=n + 1,
            component=k + 1,
            hint=e_step_hint(X, params, responsibilities, log_likelihood, "responsibility"),
            where=where,
        )
    if _first(log_likelihood, ref_ll) is not None:
        return Difference(
            "log-likelihood",
            float(log_likelihood),
            float(ref_ll),
            hint=e_step_hint(X, params, responsibilities, log_likelihood, "log-likelihood"),
            where=where,
        )
    return None


def reference_m_step(X, responsibilities):
    """The engine's M-step (full covariances, no regularisation) as GMMParams."""
    return m_step(X, responsibilities, "full", reg_covar=0.0)[0]


def compare_m_step(X, responsibilities, theirs, *, previous=None, where=""):
    """A student's M-step outputs ``theirs = (weights, means, covariances)`` against the
    engine's M-step from the same responsibilities.

    ``previous`` (the parameters the E-step used) lets the hint recognise the old mean.

    Returns
    -------
    Difference or None
    """
    ref = reference_m_step(X, responsibilities)
    d = X.shape[1]
    pairs = (
        ("weight", theirs[0], ref.weights),
        ("mean", theirs[1], ref.means),
        ("covariance", theirs[2], ref.full_covariances()),
    )
    for parameter, value, correct in pairs:
        found = _first(value, correct)
        if found is None:
            continue
        index = tuple(int(i) for i in found)
        entry = tuple(i + 1 for i in index[1:]) if d > 1 else None
        return Difference(
            parameter,
            float(np.asarray(value)[index]),
            float(correct[index]),
            component=index[0] + 1,
            entry=entry,
            hint=m_step_hint(X, responsibilities, theirs, parameter, previous),
            where=where,
        )
    return None


def params_of(weights, means, covariances):
    """A student's (weights, means, covariances) as GMMParams (full), unchecked."""
    return GMMParams(np.asarray(weights), np.asarray(means), np.asarray(covariances), "full")
