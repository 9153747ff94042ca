"""Lesson 02's predictions (K-means' hard assignment against EM's soft one)."""

from __future__ import annotations

import numpy as np

from gmm_viz.em import e_step
from gmm_viz.widgets import predict_choice, predict_number


def share_of_the_middle_component(truth, x=1.5):
    """The share EM gives the middle of three components for a point between two means."""
    beta = e_step(np.array([[x]]), truth)[0][0]
    means = np.asarray(truth["means"], dtype=float).ravel()
    return predict_number(
        f"What share of x = {x:g} does EM give the middle component (mean {means[1]:g})?",
        beta[1],
        example=0.9,
        explain=f"{beta[1]:.0%}: {x:g} is {abs(x - means[1]):g} from {means[1]:g} but only "
        f"{abs(means[2] - x):g} from {means[2]:g}, so the right component keeps "
        f"{beta[2]:.0%} of it; the left component, {abs(x - means[0]):g} away, gets "
        f"{beta[0]:.1%}.",
    )


def outer_centres_farther_apart(hard, soft):
    """Whether K-means' outer centres end farther apart than means-only EM's."""
    gap = np.ptp(hard.centers) - np.ptp(soft.means_)
    answer = "about the same"
    if abs(gap) > 0.05:
        answer = "farther apart" if gap > 0 else "closer together"
    return predict_choice(
        "Will K-means' outer centers be farther apart than EM's outer means?",
        ["farther apart", "about the same", "closer together"],
        answer,
        example="closer together",
        explain=f"{answer.capitalize()}, by {abs(gap):.2f}. The middle cluster's points beyond "
        "the boundary are given whole to an outer cluster, and the outer cluster's own points "
        "near the boundary are given away; what it keeps is its far side.",
    )


def data_sets_where_kmeans_is_wider(study):
    """On how many of a bias study's data sets K-means' outer centres are farther apart."""
    count = study.n_kmeans_farther_apart()
    return predict_number(
        f"On how many of the {study.n_draws} data sets will K-means' outer centers be farther "
        "apart than EM's?",
        count,
        example=150,
        explain=f"On {count} of {study.n_draws}. It is not luck but the method: hard "
        "assignment cuts each cluster at the boundary, and an outer cluster keeps its far side.",
        decimals=0,
    )


def galaxies_shared_by_means_only_em(X, model):
    """How many points means-only EM with variance 1 shares between two components."""
    beta = e_step(X, model.params_)[0]
    shared = int(np.sum(beta.max(axis=1) < 1.0))
    return predict_number(
        f"Means-only EM with variance 1 on the {len(X)} galaxy velocities: how many velocities "
        "will it share between two components (a responsibility strictly between 0 and 1)?",
        shared,
        example=20,
        explain=f"{shared}. Every responsibility is exactly 0 or 1: with velocities thousands "
        "of km/s apart and a variance of 1 (km/s)², EM has become K-means.",
        decimals=0,
    )
