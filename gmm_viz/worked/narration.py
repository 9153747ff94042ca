"""The half-step told in words: the picture's text alternative and what a screen reader
announces at each step of the explorer.

:func:`narrate` is pure: the same data, history and step always give the same sentences,
with every number rounded by :func:`gmm_viz.conventions.format_number`.
"""

from __future__ import annotations

import numpy as np

from gmm_viz.conventions import format_number

__all__ = ["MAX_LISTED_POINTS", "narrate"]

# At most this many points are read out one by one (a screen reader reads every word).
MAX_LISTED_POINTS = 12


def narrate(X, history, step, *, responsibilities=None):
    """Sentences describing half-step ``step`` of an EM run, for a screen reader.

    Parameters
    ----------
    X : array-like (N, D) or (N,)
        The data the history was fitted on.
    history : EMHistory
    step : int
        The half-step: 0 is the start, odd steps are E-steps, even steps M-steps.
    responsibilities : ndarray (N, K), optional
        Those of ``step``, when the caller has them already (the explorer does); otherwise
        they are recomputed from the history.

    Returns
    -------
    str
        The phase; each component's weight α, mean μ and variance σ² (in 2-D the
        standard deviations and their correlation); the log-likelihood; and at an E-step
        the points' responsibilities (when few) and which points changed owner (their
        largest responsibility) since the previous E-step.

    Examples
    --------
    >>> narrate(toy.X, history, 2)  # doctest: +SKIP
    'Half-step 2 of 46, M-step 1: ... Component 1: weight α 0.5125, mean μ 1.3066, ...'
    """
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    phase = history.phase(step)
    sentences = [_phase_sentence(history, step, phase)]
    sentences += _component_sentences(history.params(step))
    sentences.append(f"Log-likelihood {format_number(history.log_likelihood(step))}.")
    if phase == "E":
        if responsibilities is None:
            responsibilities = history.responsibilities(step, X)
        sentences += _e_step_sentences(X, history, step, np.asarray(responsibilities))
    return " ".join(sentences)


def _phase_sentence(history, step, phase):
    where = f"Half-step {step} of {history.n_steps - 1}"
    it = history.iteration(step)
    if phase == "init":
        return f"{where}, the start: the initial Gaussians, before any E-step."
    if phase == "E":
        return (
            f"{where}, E-step {it}: each point is shared between the components; "
            "the Gaussians do not move."
        )
    return (
        f"{where}, M-step {it}: the Gaussians moved to the responsibility-weighted "
        "mean, variance and share of the points."
    )


def _component_sentences(params):
    full = params.full_covariances()
    out = []
    for k in range(params.n_components):
        mean = params.means[k]
        weight = f"weight α {format_number(params.weights[k])}"
        if mean.shape[0] == 1:
            spread = f"mean μ {format_number(mean[0])}, variance σ² {format_number(full[k, 0, 0])}"
        else:
            spread = f"mean μ ({_numbers(mean)}), {_spread_2d(full[k])}"
        out.append(f"Component {k + 1}: {weight}, {spread}.")
    return out


def _spread_2d(cov):
    """Standard deviations and correlation: shorter to hear than a matrix."""
    sd = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    text = f"standard deviations σ ({_numbers(sd)})"
    if cov.shape[0] == 2 and sd[0] > 0 and sd[1] > 0:
        text += f", correlation {format_number(cov[0, 1] / (sd[0] * sd[1]))}"
    return text


def _numbers(values):
    return ", ".join(format_number(v) for v in values)


def _e_step_sentences(X, history, step, resp):
    owners = np.argmax(resp, axis=1)
    n = X.shape[0]
    out = []
    if n <= MAX_LISTED_POINTS:
        rows = "; ".join(f"point {i + 1}: {_numbers(resp[i])}" for i in range(n))
        out.append(f"Responsibilities: {rows}.")
    counts = np.bincount(owners, minlength=resp.shape[1])
    owned = ", ".join(
        f"component {k + 1} owns {c} point{'' if c == 1 else 's'}" for k, c in enumerate(counts)
    )
    out.append(f"By largest responsibility, {owned}.")
    if step < 3:
        out.append("This is the first E-step: no owner to compare with yet.")
        return out
    before = np.argmax(history.responsibilities(step - 2, X), axis=1)
    changed = np.flatnonzero(owners != before)
    if changed.size == 0:
        out.append("No point changed owner since the previous E-step.")
        return out
    listed = [
        f"point {i + 1} from component {before[i] + 1} to {owners[i] + 1}"
        for i in changed[:MAX_LISTED_POINTS]
    ]
    more = changed.size - len(listed)
    tail = f", and {more} more" if more else ""
    noun = "point" if changed.size == 1 else "points"
    out.append(
        f"{changed.size} {noun} changed owner since the previous E-step: "
        f"{'; '.join(listed)}{tail}."
    )
    return out
