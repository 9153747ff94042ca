"""Lesson 03's predictions (heights, Old Faithful, fake eruptions, your own numbers)."""

from __future__ import annotations

import numpy as np

from gmm_viz.widgets import predict_choice, predict_number


def weight_of_the_taller_group(run):
    """The weight EM ends with for the taller of two groups of heights."""
    means, weights = run.final.means.ravel(), run.final.weights
    tall, other = int(np.argmax(means)), int(np.argmin(means))
    return predict_number(
        "What weight &alpha; will EM give the taller of its two groups of heights?",
        weights[tall],
        example=0.5,
        explain=f"EM ends with a group of {weights[other]:.0%} of the people around "
        f"{means[other]:.0f} cm and one of {weights[tall]:.0%} around {means[tall]:.0f} cm. "
        "Nothing made it split the data into women and men: it splits them into whatever two "
        "Gaussians fit best.",
        decimals=3,
    )


def iterations_until_faithful_converges(history):
    """How many iterations EM takes on Old Faithful from the lesson's start."""
    first_jump = history.log_likelihood(2) - history.log_likelihood(0)
    return predict_number(
        "How many EM iterations until Old Faithful converges from this start?",
        history.iteration(history.n_steps - 1),
        example=5,
        explain=f"The first M-step makes the biggest jump (the log-likelihood rises by "
        f"{first_jump:.0f}); then the two Gaussians lie across each other along the diagonal "
        "and creep for about ten iterations before they come apart and settle.",
        decimals=0,
    )


def heavier_eruption_cluster(history, units="minutes"):
    """Which of Old Faithful's two clusters ends with the larger weight."""
    settled = history.params(history.n_steps - 1)
    heavy = int(np.argmax(settled.weights))
    light = 1 - heavy
    long_is_heavy = settled.means[heavy, 0] > settled.means[light, 0]
    answer = "long eruptions" if long_is_heavy else "short eruptions"
    return predict_choice(
        "Which eruption cluster gets the larger weight &alpha;?",
        ["short eruptions", "long eruptions"],
        answer,
        example="short eruptions",
        explain=f"About {settled.weights[heavy]:.0%} of the eruptions belong to the "
        f"{answer.split()[0]} cluster (around {settled.means[heavy, 0]:.1f} {units}, then a "
        f"wait of {settled.means[heavy, 1]:.0f} {units}); about {settled.weights[light]:.0%} "
        "to the other. A weight is a share of the points, and that cloud simply has more.",
    )


def fake_points_from_the_long_component(model, drawn_from):
    """How many of the points drawn from a fitted model come from its long-eruption part."""
    long_component = int(np.argmax(model.means_[:, 0]))
    n = len(drawn_from)
    weight = model.weights_[long_component]
    return predict_number(
        f"Of {n} points drawn from the model, how many come from the long-eruption component?",
        np.sum(drawn_from == long_component),
        example=n // 2,
        explain=f"Each draw picks the long component with probability &alpha; = {weight:.3f}, "
        f"so about {weight * n:.0f} of them on average; the exact count varies from seed to "
        "seed.",
        decimals=0,
    )
