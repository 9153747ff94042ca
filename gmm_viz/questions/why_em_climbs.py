"""Lesson 05's predictions (the lower bound, KL and why EM climbs)."""

from __future__ import annotations

import numpy as np

from gmm_viz.em import e_step, kl_gap, make_params
from gmm_viz.widgets import predict_choice, predict_number


def gap_at_the_posterior(X, params):
    """The gap log L - L(q, theta) when q is the E-step's responsibilities."""
    beta = e_step(X, params)[0]
    gap = round(float(kl_gap(X, beta, params)), 12)  # rounding errors of 1e-15 are not a gap
    return predict_number(
        "At the toy example's start, with q = the E-step's responsibilities, how big is the gap "
        "ℓ(θ) − 𝓛(q, θ)?",
        gap,
        example=0.5,
        explain="Zero (to rounding): q is the posterior, so the KL divergence vanishes and the "
        "bound touches. Any other q leaves a gap, as the next cell shows.",
    )


def where_the_bound_peaks(ts, bound):
    """Where the bound peaks along the path from the start (t = 0) to the M-step (t = 1)."""
    peak_t = float(ts[int(np.argmax(bound))])
    if abs(peak_t - 1) < 0.05:
        peak = "t = 1 (the new parameters)"
    elif abs(peak_t) < 0.05:
        peak = "t = 0 (the start)"
    else:
        peak = "elsewhere"
    return predict_choice(
        "Along this path, where does the bound 𝓛(q, θ) peak?",
        ["t = 0 (the start)", "t = 1 (the new parameters)", "elsewhere"],
        peak,
        example="t = 0 (the start)",
        explain=f"At t = {peak_t:.2f}: the M-step's weighted means, variances and weights are "
        "the maximum of the bound for this q. At t = 0 the bound only touches ℓ.",
    )


def can_an_m_step_go_down(log_likelihoods):
    """Whether any M-step of a run of exact EM (no variance floor) lowered ℓ, from the run's
    log-likelihood at every half-step."""
    # One value per half-step: an E-step does not change the parameters, so compare the
    # log-likelihood from iteration to iteration (each M-step's change).
    changes = np.diff(np.asarray(log_likelihoods, dtype=float)[0::2])
    answer = "no" if changes.min() >= -1e-12 else "yes"
    return predict_choice(
        "Can an M-step of exact EM (no variance floor) ever lower the log-likelihood?",
        ["yes", "no"],
        answer,
        example="yes",
        explain="No: ℓ(new) ≥ 𝓛(q, new) ≥ 𝓛(q, old) = ℓ(old). It can stay level, at a fixed "
        f"point. In this run the smallest rise of an iteration is {changes.min():.2e}. "
        "(With a variance floor the M-step is no longer the bound's maximum, and ℓ can dip: "
        "see below.)",
    )


def share_with_a_tiny_variance(x=1.4, means=(1.0, 2.0), variance=0.01):
    """A responsibility when the shared variance is tiny: EM turns into K-means."""
    params = make_params([0.5, 0.5], list(means), [variance, variance])
    share = e_step([[x]], params)[0][0, 0]
    return predict_number(
        f"Means held at {means[0]:g} and {means[1]:g}, shared variance {variance:g}: what is "
        f"component 1's responsibility for x = {x:g}?",
        share,
        example=0.6,
        explain=f"{share:.6f}, almost exactly 1: {x:g} is nearer to {means[0]:g}, and with so "
        "small a variance the nearer mean takes everything, as K-means would.",
    )
