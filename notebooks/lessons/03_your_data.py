# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Your data: heights, Old Faithful, and the numbers you paste
#
# Lessons 1 and 2 fitted five numbers and a simulated mixture. Here EM meets a CSV file of
# 120 adults' heights and weights (made up for this course, in the range real adults have:
# practice data, not a survey), real measurements of the Old Faithful geyser's eruptions,
# and — at the end — numbers you paste in yourself. Real data ask two new questions: *where does EM start?* (it decides
# how long the climb is) and *is the fitted model any good?* (draw fake data from it and
# compare).

# %% [markdown]
# ## Goal
#
# After this lesson you can
#
# * read your own numbers into gmm_viz, as pasted text or a CSV file, and fit a mixture;
# * do one EM iteration on real data by hand: a responsibility from the E-step table and a
#   new mean from the M-step;
# * judge a start by how far the log-likelihood climbs from it, and judge a fitted model by
#   drawing fake data from it;
# * get a worked handout of EM on your own numbers.

# %%
# Setup: quiet warnings so that the output below is the lesson's own.
import warnings

warnings.filterwarnings("ignore")
# %matplotlib inline
import dataclasses

import numpy as np

np.set_printoptions(precision=4, suppress=True)

from IPython.display import Markdown
from matplotlib.figure import Figure

from gmm_viz import datasets, exercises, plotting, worked
from gmm_viz.em import GaussianMixtureEM
from gmm_viz.questions import your_data as ask
from gmm_viz.widgets import EMExplorer

# %% [markdown]
# ## 1. Getting numbers in
#
# **Pasted text.** Commas, semicolons, tabs or spaces all work, and a list may run over
# several lines:

# %%
pasted = datasets.parse_text("1.1, 0.8, 1.3, 0.9, 4.2\n3.9, 4.4, 4.0")
print(pasted.X.ravel())

# %% [markdown]
# A mistake gets one sentence that says what is wrong, where, and how to fix it:

# %%
try:
    datasets.parse_text("1.1, 0.8, 1.3\n4.2, 3.9, oops")
except ValueError as problem:
    print(problem)

# %% [markdown]
# **A CSV file.** `heights.csv`, beside this notebook, has a header row and two columns,
# `height_cm` and `weight_kg`. Pick a column by its name (in the explorer, the **CSV** button
# does the same with a file from your computer). A CSV file does not say its units, so we
# add them: the axes will then read "height (cm)".

# %%
heights = datasets.load_csv("heights.csv", columns=["height_cm"])
heights = dataclasses.replace(heights, units=("cm",))
X = heights.X
print(f"{heights.n_samples} heights, from {X.min():.1f} to {X.max():.1f} cm;",
      "axis label:", heights.axis_labels[0])
print("the first seven:", X[:7].ravel())

# %% [markdown]
# ## 2. Two groups of heights?
#
# A classic question about heights: are there two groups in them (say, women and men)? Ask
# EM for a mixture of two Gaussians, $K = 2$. It is not told who is who; it only sees 120
# numbers.
#
# We start it where a person might guess: a shorter group around 160 cm and a taller one
# around 180 cm, equal weights $\alpha_1 = \alpha_2 = 0.5$, standard deviations 6 cm and 8 cm
# (variances 36 and 64 — unequal on purpose, so that the $1/\sigma$ of the normal density
# matters). Then EM runs until the log-likelihood stops moving.
#
# **Before you look:** if the two groups were women and men, each would hold about half of
# the people. What share $\alpha$ will EM give the taller group?

# %%
heights_start = dict(weights=[0.5, 0.5], means=[160.0, 180.0], covariances=[36.0, 64.0])
heights_run = worked.solve(X, 2, iterations=500, tol=1e-6, columns=heights.columns, **heights_start)
ask.weight_of_the_taller_group(heights_run)

# %% [markdown]
# ### The first E-step, as a table
#
# Each row is one person: the normal density of their height under each component
# $\mathcal{N}(x_n \mid k)$, the weighted densities $\alpha_k \mathcal{N}(x_n \mid k)$, their
# sum, and the responsibilities
# $\beta_{nk} = \alpha_k \mathcal{N}(x_n \mid k) / \sum_j \alpha_j \mathcal{N}(x_n \mid j)$.
# The first seven of the 120 rows:

# %%
table = worked.e_step_text(heights_run, iteration=1, digits=4).splitlines()
print("\n".join(table[:8]))
print(f"  ... and {len(table) - 8} more rows")

# %% [markdown]
# Person 2 (181.2 cm) belongs almost wholly to the tall component ($\beta_{22} = 0.997$);
# person 4 (168.2 cm) is shared, 0.61 short and 0.39 tall.
#
# ### Exercise 1: a responsibility by hand
#
# Person 12 is 170.3 cm tall, almost exactly halfway between the two means. Compute
# $\beta_{12,1}$, the responsibility of component 1 (mean 160, variance 36, weight 0.5) for
# this person, against component 2 (mean 180, variance 64, weight 0.5). Use
# $\mathcal{N}(x \mid \mu, \sigma^2) = \frac{1}{\sqrt{2\pi\sigma^2}}
# \exp\!\left(-\frac{(x-\mu)^2}{2\sigma^2}\right)$ and a calculator. Halfway — so 0.5?

# %%
my_beta = None  # replace None with your number (three decimals)
exercises.check_responsibility(my_beta, X, heights_run.initial, point=12, component=1)

# %% [markdown]
# <details><summary>Solution</summary>
#
# * Component 1: $(170.3 - 160)^2 / (2 \cdot 36) = 106.09 / 72 = 1.4735$, so
#   $\mathcal{N}(170.3 \mid 1) = \frac{1}{\sqrt{2\pi \cdot 36}} e^{-1.4735}
#   = 0.06649 \times 0.2291 = 0.01523$.
# * Component 2: $(170.3 - 180)^2 / (2 \cdot 64) = 94.09 / 128 = 0.7351$, so
#   $\mathcal{N}(170.3 \mid 2) = \frac{1}{\sqrt{2\pi \cdot 64}} e^{-0.7351}
#   = 0.04987 \times 0.4795 = 0.02391$.
# * Weighted: $0.5 \times 0.01523 = 0.00762$ and $0.5 \times 0.02391 = 0.01196$; sum 0.01957.
# * $\beta_{12,1} = 0.00762 / 0.01957 = 0.389$, and $\beta_{12,2} = 0.611$.
#
# Not 0.5: 170.3 cm is 10.3 cm from $\mu_1$, that is 1.7 of component 1's standard
# deviations (6 cm), but only 9.7 / 8 = 1.2 of component 2's — the wider component claims
# more of it. A tempting 0.32 is what you get without the factors
# $1/\sqrt{2\pi\sigma_k^2}$: $0.2291 / (0.2291 + 0.4795) = 0.323$. With unequal variances
# they do not cancel: the narrower component's density is taller near its mean.
#
# </details>

# %% [markdown]
# ### Exercise 2: the M-step's new mean
#
# The M-step moves each component to the responsibility-weighted average of the heights,
# $\mu_k = \sum_n \beta_{nk} x_n / N_k$ with $N_k = \sum_n \beta_{nk}$, the component's soft
# count. Here are the two sums for the tall component, added up over all 120 rows:

# %%
m_step = heights_run.iterations[0].m_step
print(f"N_2 = sum of beta_n2 = {m_step.resp_sums[1]:.3f}")
print(f"sum of beta_n2 * x_n = {m_step.weighted_sums[1, 0]:.2f} cm")

# %% [markdown]
# Compute the tall component's new mean $\mu_2$, in cm to two decimals.

# %%
my_mean = None  # replace None with your number (cm, two decimals)
first_beta = heights_run.iterations[0].e_step.responsibilities
exercises.check_m_step_mean(my_mean, X, first_beta, component=2, decimals=2)

# %% [markdown]
# <details><summary>Solution</summary>
#
# $\mu_2 = 11642.51 / 66.169 = 175.95$ cm: the tall component moves *down* from 180 cm,
# because the people it is partly responsible for are on average shorter than 180.
#
# The usual slip is to divide by all $N = 120$ people: $11642.51 / 120 = 97.0$ cm — a mean
# height nobody in the data comes near, which is the hint that the count is wrong. The
# component does not own 120 people, only 66.2 of them (softly).
#
# </details>

# %% [markdown]
# Here is the whole M-step, both components, with the numbers in the formulas (above 10
# points gmm_viz writes the sums rather than every term):

# %%
print(worked.m_step_text(heights_run, iteration=1, digits=5))

# %% [markdown]
# ### The whole run on one page
#
# The start, the first E-step (the points take their colours), the first M-step (the curves
# move; dashed ghosts and arrows show from where), M-steps 2 and 10, and the end. The titles
# give the log-likelihood: almost all of the climb is in the first M-step; after that the
# tall component slowly narrows and gives up people to the broad one.

# %%
plotting.step_strip(X, heights_run.history, steps=[0, 1, 2, 4, 20, -1], columns=heights.axis_labels)

# %%
final = heights_run.final
print(f"{len(heights_run.iterations)} iterations; weights {final.weights.round(3)}, "
      f"means {final.means.ravel().round(1)} cm, "
      f"standard deviations {np.sqrt(final.covariances.ravel()).round(1)} cm")
print(f"log-likelihood: {heights_run.initial_log_likelihood:.1f} at the start, "
      f"{heights_run.final_log_likelihood:.1f} at the end")

# %% [markdown]
# Two groups — but are they real? Asked for two Gaussians, EM always returns two, whatever
# the data. Lesson 4 compares models with different $K$; by its BIC (smaller is better)
# these heights are described just as well by **one** Gaussian:

# %%
one = GaussianMixtureEM(1).fit(X)
two = GaussianMixtureEM(2, random_state=0).fit(X)
print(f"BIC with K = 1: {one.bic(X):.1f};  with K = 2: {two.bic(X):.1f}")

# %% [markdown]
# ## 3. Old Faithful from a visibly wrong start
#
# The Old Faithful geyser in Yellowstone: for 272 eruptions, how long the eruption lasted and
# how long until the next one, both in minutes. Short eruptions come with short waits, long
# ones with long waits — two clouds.
#
# The explorer opens Old Faithful at the data set's own start, which is wrong on purpose:
# short eruptions paired with *long* waits and the other way round, two round Gaussians in
# the empty corners. Step through it with the **half-step** slider or press play.

# %%
# NBVAL_IGNORE_OUTPUT
faithful_explorer = EMExplorer("faithful", 2)
faithful_explorer

# %% [markdown]
# Its half-step 0 is the data set's suggested start, `datasets.faithful().start`:

# %%
faithful = datasets.faithful()
faithful_run = faithful_explorer.history
print("axes:", faithful.axis_labels)
print("means at half-step 0 (eruptions, waiting):\n", faithful_run.params(0).means)
print("the data set's start:\n", faithful.start["means"])

# %% [markdown]
# **Before you press play:** one iteration is an E-step and an M-step. How many iterations
# will EM need from this start before the log-likelihood stops moving?

# %%
ask.iterations_until_faithful_converges(faithful_run)

# %% [markdown]
# And when it has settled, one Gaussian sits on the short eruptions, one on the long ones.
# **Which of the two will have the larger weight $\alpha$?** Look at the explorer's scatter
# plot before you answer.

# %%
ask.heavier_eruption_cluster(faithful_run)

# %% [markdown]
# The run on one page: the start, E-step 1, M-step 1, two steps while the Gaussians pull
# apart, and the end. Read the log-likelihood in the titles.

# %%
plotting.step_strip(faithful.X, faithful_run, steps=[0, 1, 2, 24, 32, -1],
                    columns=faithful.axis_labels)

# %% [markdown]
# M-step 1 stretches both Gaussians along the diagonal over all the points; for about ten
# iterations they barely move (the log-likelihood creeps from −1286.7 to about −1283); then they
# slide apart, one to each cloud, and the log-likelihood climbs again to −1130.3.
#
# The explorer above is left at M-step 1, the big jump: drag the slider on from there.

# %%
faithful_explorer.step = 2
print(f"half-step {faithful_explorer.step} of {faithful_explorer.n_steps - 1}: "
      f"log-likelihood {faithful_explorer.current.log_likelihood:.1f}")

# %% [markdown]
# ### Why not start from k-means?
#
# The explorer's *Start* menu can start from k-means instead. K-means finds the two clouds
# first, so EM starts next to the answer: it needs a few iterations and its log-likelihood
# hardly climbs — correct, but there is nothing to watch. Both runs, on the same scale:

# %%
kmeans_run = EMExplorer("faithful", 2, init_params="kmeans").history
fig = Figure(figsize=(8, 3.6), layout="constrained")
ax = fig.subplots()
for run, name, color in [(faithful_run, "the data set's start", "#0072B2"),
                         (kmeans_run, "a k-means start", "#D55E00")]:
    after_each_m_step = run.log_likelihoods()[::2]  # the start, then M-step 1, 2, ...
    climb = after_each_m_step[-1] - after_each_m_step[0]
    ax.plot(after_each_m_step, marker="o", ms=3, color=color,
            label=f"from {name}: climbs {climb:.1f} in {len(after_each_m_step) - 1} iterations")
ax.set_xlabel("iteration (0 = the start)")
ax.set_ylabel("log-likelihood")
ax.set_title("Old Faithful, K = 2: the same end, very different climbs")
ax.legend(loc="lower right")
fig

# %% [markdown]
# Both end at the same log-likelihood, −1130.3. For a demonstration, start somewhere wrong;
# for a real fit, start near (k-means, several starts): lesson 4.
#
# ## 4. Is the model plausible? Make fake eruptions
#
# A mixture is a recipe for making data: pick a component $k$ with probability $\alpha_k$,
# then draw a point from its Gaussian. If the fitted model is good, points made by the recipe
# should look like the real eruptions.
#
# The fitted model — the same start and options as the explorer — and its two components:

# %%
model = GaussianMixtureEM(2, tol=1e-6, max_iter=200, reg_covar=0.0,
                          **faithful.start_for(2)).fit(faithful.X)
for k in range(2):
    print(f"component {k + 1}: alpha = {model.weights_[k]:.3f}, "
          f"mean = {model.means_[k].round(2)} (eruption, waiting) minutes")

# %% [markdown]
# Now follow the recipe 272 times, as many fake eruptions as real ones (with a fixed random
# seed, so that this page shows the same draws every time).
#
# **Predict:** how many of the 272 fake eruptions come from the long-eruption component?

# %%
fake, drawn_from = model.sample(272, random_state=1)
ask.fake_points_from_the_long_component(model, drawn_from)

# %% [markdown]
# The real eruptions and the fake ones side by side, on the same axes, each point coloured by
# the model's responsibilities, with the model's 1σ and 2σ ellipses on both. Would you be
# able to tell which is which?

# %%
fig = Figure(figsize=(11, 4.6), layout="constrained")
axes = fig.subplots(1, 2, sharex=True, sharey=True)
for ax, points, title in zip(axes, [faithful.X, fake],
                             ["272 real eruptions", "272 eruptions drawn from the fitted model"], strict=True):
    plotting.draw_mixture_2d(ax, points, model.params_, responsibilities=model.predict_proba(points),
                             xlabel=faithful.axis_labels[0], ylabel=faithful.axis_labels[1],
                             contours=False)
    ax.set_title(title)
    if ax.get_legend() is not None:
        ax.get_legend().remove()
low = np.minimum(faithful.X.min(axis=0), fake.min(axis=0))
high = np.maximum(faithful.X.max(axis=0), fake.max(axis=0))
axes[0].set_xlim(low[0] - 0.2, high[0] + 0.2)
axes[0].set_ylim(low[1] - 3, high[1] + 3)
fig

# %% [markdown]
# The two clouds sit in the same places, with the same sizes, tilts and shares of points: as
# a description of *where* eruptions fall, the model is plausible. Look closer and the fakes
# give themselves away. The real waiting times are whole minutes (the real points line up in
# rows), and the real short eruptions are bunched against a floor, while a Gaussian's tails
# run on in every direction:

# %%
print("shortest eruption and wait, real:", faithful.X.min(axis=0), " fake:", fake.min(axis=0).round(2))
print("real waits that are whole minutes:", np.mean(faithful.X[:, 1] % 1 == 0),
      "  fake:", np.mean(fake[:, 1] % 1 == 0))

# %% [markdown]
# A model can be useful without being the truth: this one would be good for "how long will
# I probably wait after a short eruption?", and wrong about eruptions shorter than 1.6
# minutes, which it allows and the geyser (in these data) never showed.
#
# ## 5. Now paste yours
#
# Replace the numbers in `my_text` with your own and run this cell and the ones below. One
# line of numbers, or one column copied from a spreadsheet (in triple quotes), is 1-D data;
# several rows of two numbers are 2-D points. The saved example: ten bus
# journeys to school in minutes, some in light and some in heavy traffic.

# %%
my_text = "23, 25, 22, 31, 24, 33, 27, 35, 29, 30"
mine = datasets.parse_text(my_text)
# Name the column and its unit (one of each per column, for 2-D data two), for the axes:
mine = dataclasses.replace(mine, columns=("journey time",), units=("minutes",))
my_model = GaussianMixtureEM(2, random_state=0, tol=1e-6, max_iter=500).fit(mine.X)
print(f"{mine.n_samples} numbers; {my_model.n_iter_} iterations from a k-means start")
print("weights", my_model.weights_.round(3), " means", my_model.means_.ravel().round(2),
      " variances", my_model.covariances_.ravel().round(2))

# %% [markdown]
# Your run as a strip — the start, after one iteration, and the end (for 2-D data, two
# columns pasted, it draws ellipses):

# %%
plotting.step_strip(mine.X, my_model.history_, steps=[0, 2, -1], columns=mine.axis_labels)

# %% [markdown]
# And a handout of the first iteration on your numbers, worked as by hand: the start, the
# E-step table, the M-step with the numbers in the formulas (every term when there are at
# most 10 points), the log-likelihood. Do it yourself on paper, then compare. To start from
# your own guess instead of k-means, give `worked.solve` the `weights=`, `means=` and
# `covariances=` of your start.

# %%
my_solution = worked.solve(mine.X, 2, iterations=1, columns=mine.columns)
handout = worked.to_markdown(my_solution, digits=4,
                             preamble=f"EM by hand on your {mine.n_samples} numbers, from a k-means start.")
# Path("my_handout.md").write_text(handout)  # uncomment to keep it as a file (from pathlib import Path)
Markdown(handout)

# %% [markdown]
# ## What to remember
#
# * Numbers come in as pasted text (`datasets.parse_text`) or a CSV file
#   (`datasets.load_csv`); a mistake gets a sentence that says where it is.
# * On real data EM is the same two half-steps: responsibilities
#   $\beta_{nk} = \alpha_k \mathcal{N}(x_n \mid k) / \sum_j \alpha_j \mathcal{N}(x_n \mid j)$,
#   then weighted averages divided by the soft count $N_k$, not by $N$.
# * The start decides the journey: from a wrong start the log-likelihood climbs far, slowly,
#   sometimes over a plateau; from k-means it starts next to the answer.
# * Asked for $K$ groups, EM returns $K$ groups: whether they are real is a separate question.
# * Judge a fitted model by making data with it (`model.sample`) and putting the fakes beside
#   the real data on the same axes.
