"""Lesson 6, "write EM yourself": its predictions, each answered by the engine from the
lesson's own numbers (the cell that asks never holds the answer)."""

from __future__ import annotations

import numpy as np

from gmm_viz.em import as_params, component_densities, component_log_densities, e_step
from gmm_viz.student_em.compare import ATOL, RTOL
from gmm_viz.widgets.predict import predict_choice, predict_number

__all__ = [
    "covariance_divided_by_n",
    "far_point",
    "first_differing_responsibilities",
    "lowest_bic",
]

NAN = "nan (0/0)"


def far_point(X, params, point):
    """What the plain E-step (np.exp, add, divide) gives as a far point's responsibility of
    the last component."""
    params = as_params(params)
    n = point - 1
    k = params.n_components
    weighted = params.weights * component_densities(X[n : n + 1], params)[0]
    total = weighted.sum()
    if total == 0.0:
        answer = NAN
    else:
        share = weighted[-1] / total
        answer = "about 1" if share > 0.9 else ("0" if share < 0.1 else "about 0.5")
    logs = component_log_densities(X[n : n + 1], params)[0]
    resp = e_step(X[n : n + 1], params)[0][0, -1]
    return predict_choice(
        f"Point {point} is x = {X[n, 0]:g}. The plain E-step computes each alpha_k N(x | k) "
        f"with np.exp, adds them and divides. What does it give as point {point}'s "
        f"responsibility of component {k}, the nearer one?",
        ["about 1", "about 0.5", "0", NAN],
        answer,
        example="about 1",
        explain=(
            f"Its log densities are {logs[0]:.1f} and {logs[-1]:.1f}: e to such a power is "
            "below the smallest float64 (about 1e-308), so np.exp gives 0.0 for both, and 0/0 "
            f"is nan. Only their difference, {logs[-1] - logs[0]:.2f}, matters: in logs, "
            f"component {k} takes {resp:.10f} of the point, 'about 1', as your eye said."
        ),
    )


def first_differing_responsibilities(run):
    """At which E-step a student run's responsibilities first part from the reference's."""
    choices = [f"E-step {i}" for i in range(1, run.history.n_iter + 1)] + ["never"]
    answer = "never"
    for i in range(1, run.history.n_iter + 1):
        step = 2 * i - 1
        theirs = run.history.responsibilities(step, run.X)
        ref = run.reference.responsibilities(step, run.X)
        if not np.allclose(theirs, ref, rtol=RTOL, atol=ATOL):
            answer = f"E-step {i}"
            break
    weights = run.history.params(2).weights if run.history.n_iter else None
    shown = "" if weights is None else " and ".join(f"{w:.3f}" for w in weights)
    return predict_choice(
        "The classmate forgot the weights alpha_k. Old Faithful's start gives both components "
        "weight 0.5. At which E-step do the classmate's responsibilities first differ from "
        "the reference's?",
        choices,
        answer,
        example="E-step 1",
        explain=(
            "At E-step 1 both weights are 0.5, and a factor common to every component cancels "
            "in beta_nk = alpha_k N(x_n | k) / sum_j alpha_j N(x_n | j). The M-step then makes "
            f"them unequal ({shown}), and from the next E-step on the forgotten weights show. "
            "The log-likelihood differs already at E-step 1: the weights do not cancel there."
        ),
    )


def covariance_divided_by_n(X, responsibilities, component):
    """The ratio of a covariance divided by N to the right one (divided by N_k)."""
    r = np.asarray(responsibilities, dtype=float)
    k = component - 1
    nk, n = float(r[:, k].sum()), r.shape[0]
    return predict_number(
        f"Another classmate divides the covariance by N instead of N_k. After the first "
        f"E-step on Old Faithful, their covariance of component {component}, divided entry by "
        "entry by the right one, is what number?",
        nk / n,
        example=0.5,
        explain=(
            f"N_k / N = {nk:.2f} / {n} = {nk / n:.4f}, the component's new weight alpha_k: every "
            "entry shrinks by the same factor, so the ellipse keeps its shape and tilt and "
            "shrinks by sqrt(alpha_k) in every direction. Only the comparison with the "
            "reference shows it."
        ),
    )


_WHY_BEST = {
    "full": "Each cluster is tilted its own way (a longer eruption comes with a longer wait), "
    "so a full covariance per component pays for its extra numbers; circles and ellipses "
    "along the axes cannot follow the tilt.",
    "tied": "The clusters share one shape: one full covariance for both fits as well as two.",
}


def lowest_bic(X, fits):
    """Which of several fitted models (a dict of name to GaussianMixtureEM) has the lowest
    BIC on X."""
    bics = {name: model.bic(X) for name, model in fits.items()}
    best = min(bics, key=bics.get)
    listed = ", ".join(f"{name} {value:.1f}" for name, value in bics.items())
    return predict_choice(
        "On Old Faithful with K = 2, which covariance type has the lowest BIC (the best "
        "trade of fit against parameters)?",
        list(fits),
        best,
        example="spherical",
        explain=f"BIC: {listed}. " + _WHY_BEST.get(best, f"{best} is enough here."),
    )
