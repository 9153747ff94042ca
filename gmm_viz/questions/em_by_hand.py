"""Lesson 01's predictions (EM by hand on the five points of the worked example)."""

from __future__ import annotations

from gmm_viz.em import e_step
from gmm_viz.widgets import predict_choice, predict_number


def nearer_mean_wins(X, start, point=4):
    """Which component takes the larger share of a point after the first E-step."""
    beta = e_step(X, start)[0][point - 1]
    x = float(X[point - 1, 0]) if X.ndim == 2 else float(X[point - 1])
    owner = "component 2" if beta[1] > beta[0] else "component 1"
    return predict_choice(
        f"After the first E-step, which component takes the larger share of x = {x:g}?",
        ["component 1", "component 2", "half each"],
        owner,
        example="half each",
        explain=f"{owner.capitalize()}, with {beta.max():.0%} of it. Same weights, same "
        "variances: the nearer mean wins. Far from both, a point would still be shared, "
        "never 100 %.",
    )


def new_mean_of_component_1(solution):
    """Where component 1's mean goes at the first M-step of a worked solution."""
    mean = solution.final.means[0, 0]
    beta = solution.iterations[0].e_step.responsibilities[:, 0]
    return predict_number(
        "What is component 1's new mean after the first M-step?",
        mean,
        example=1.0,
        explain=f"It moves to {mean:.4f}: a responsibility-weighted average of all five "
        f"points, in which the two large points still count, with weights {beta[3]:.2f} and "
        f"{beta[4]:.2f}.",
    )


def log_likelihood_after_one_iteration(solution):
    """Whether the first iteration raised the log-likelihood."""
    before, after = solution.initial_log_likelihood, solution.final_log_likelihood
    went = "up" if after > before else "down" if after < before else "stayed the same"
    variances = solution.final.covariances.ravel()
    return predict_choice(
        "Did the log-likelihood go up or down in this first iteration?",
        ["up", "down", "stayed the same"],
        went,
        example="down",
        explain=f"{went.capitalize()}, from {before:.4f} to {after:.4f}: the variances shrank "
        f"from 2 to {variances.min():.2f} and {variances.max():.2f}, and narrower curves over "
        "the points make them far more likely. Lesson 5 shows why exact EM never goes down.",
    )
