"""Lesson 04's predictions (restarts, collapse and the choice of K)."""

from __future__ import annotations

import numpy as np

from gmm_viz.widgets import predict_choice, predict_number


def best_of_the_starts(runs, X):
    """Which of several runs ends with the highest log-likelihood."""
    final = [run.score(X) * len(X) for run in runs]
    winner = int(np.argmax(final))
    return predict_choice(
        "Which start will end with the highest log-likelihood?",
        [f"start {i}" for i in range(1, len(runs) + 1)],
        f"start {winner + 1}",
        example="start 2",
        explain=f"Start {winner + 1}, at {final[winner]:.2f}. It is the only start with a mean "
        "in each of the two outer groups. EM can carry a mean across an empty gap (start 10 "
        "does, slowly, below), but no other start ever reaches the three galaxies beyond "
        "32,000 km/s.",
    )


def n_init_against_the_listed_starts(best, runs, X):
    """How ``n_init``'s kept fit compares with the best of the runs listed."""
    final = [run.score(X) * len(X) for run in runs]
    kept = best.score(X) * len(X)
    same = bool(np.isclose(kept, max(final)))
    answer = "the same" if same else ("better" if kept > max(final) else "worse")
    return predict_choice(
        "<code>n_init=10, random_state=0</code> keeps the best of its ten starts. Compared "
        "with the best of the ten runs listed above, its log-likelihood is ...",
        ["better", "the same", "worse"],
        answer,
        example="better",
        explain="The ten runs above are its ten starts, drawn from the same generator in the "
        f"same order, so it keeps start {int(np.argmax(final)) + 1}'s answer, {kept:.2f}.",
    )


def k_chosen_by_bic(ks, bic, n_features, n_samples):
    """Which K has the lowest BIC."""
    k_bic = ks[int(np.argmin(bic))]
    per_component = 1 + n_features + n_features * (n_features + 1) // 2
    return predict_choice(
        "Which K will BIC choose for Old Faithful?",
        ["1", "2", "3", "4", "5 or more"],
        str(k_bic) if k_bic < 5 else "5 or more",
        example="3",
        explain=f"{k_bic}: the geyser has short and long eruptions, and each extra 2-D "
        f"component costs {per_component} parameters, {per_component} ln {n_samples} = "
        f"{per_component * np.log(n_samples):.1f} in BIC.",
    )


def log_likelihood_after_collapse(model):
    """The log-likelihood a run ends with when a component shrinks onto one point."""
    final = model.history_.log_likelihoods()[-1]
    start = model.history_.log_likelihood(0)
    return predict_number(
        f"The start's log-likelihood is {start:.2f}. EM now runs to convergence with nothing "
        "to stop component 2 from shrinking onto 2.4. What log-likelihood will it end with?",
        final,
        example=-3,
        decimals=2,
        explain="It shoots up. Component 2's density at 2.4 is 0.2 / sqrt(2 pi sigma^2): as "
        "the variance goes to 0 it goes to infinity, and so does the log-likelihood. Only the "
        f"engine's floor, a variance of {model.covariances_.min():.1g} here, stops it at a "
        "finite number.",
    )


def collapse_with_a_floor(model):
    """Whether a run with a variance floor (``reg_covar``) still reports a collapse."""
    collapsed = bool(model.history_.notes())
    variance = float(model.covariances_.min())
    return predict_choice(
        f"With <code>reg_covar={model.reg_covar:g}</code>, will component 2 still collapse "
        "onto 2.4?",
        ["yes", "no"],
        "yes" if collapsed else "no",
        example="no",
        explain=f"The floor only caps the needle: component 2's variance stops at {variance:.3g}, "
        f"a standard deviation of {np.sqrt(variance):.2g} around one point"
        + (", and the note still says it collapsed." if collapsed else ".")
        + " The floor must be near a spread you believe in.",
    )


def hundred_starts_against_ten(many, best, X):
    """Whether ``n_init=100`` keeps a higher log-likelihood than ``n_init=10``, and why."""
    kept, ten = many.score(X) * len(X), best.score(X) * len(X)
    answer = "higher" if kept > ten + 0.005 else "lower" if kept < ten - 0.005 else "the same"
    variance = float(many.covariances_.min())
    collapsed = bool(many.history_.notes())
    return predict_choice(
        f"<code>n_init=100</code> tries ninety more starts. Will the log-likelihood it keeps "
        f"be higher than the {ten:.2f} of <code>n_init=10</code>, the same, or lower?",
        ["higher", "the same", "lower"],
        answer,
        example="the same",
        explain=f"{answer.capitalize()}: {kept:.2f}."
        + (
            f" But look at what it kept: one component with a variance of {variance:.1g} "
            "(km/s)², sitting on a single galaxy. More starts found a collapse, not a better "
            "hill."
            if collapsed
            else ""
        ),
    )
