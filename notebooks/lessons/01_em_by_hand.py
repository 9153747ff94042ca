# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # EM by hand: one iteration of the worked example
#
# A Gaussian mixture says each point was made in two moves: **pick a component** $k$ with
# probability $\alpha_k$ (its weight), then **draw the point** from that component's normal
# distribution $\mathcal{N}(\mu_k, \sigma_k^2)$. Fitting the mixture means finding the
# weights, means and variances — without knowing which component made which point.
#
# Expectation-Maximization (EM) does it in two half-steps, repeated:
#
# * **E-step** — with the Gaussians held still, work out for every point how *responsible*
#   each component is for it: $\beta_{nk}$, a probability, soft instead of a hard label.
# * **M-step** — with the responsibilities held still, move every Gaussian: its new weight,
#   mean and variance are the responsibility-weighted share, average and spread of the points.
#
# This lesson redoes, number by number, the hand-worked example of the course notes this
# project started from, then lets you step through the rest of the run.
#
# ## Goal
#
# * Compute a responsibility $\beta_{nk}$ by hand and say why a point leans the way it does.
# * Compute the M-step's new weight, mean and variance of a component from the
#   responsibilities.
# * Read one EM run half-step by half-step, and see the log-likelihood climb.
#
# Along the way you will be asked to **predict** before you see the answer (type a guess and
# press *Reveal*) and to **compute** a few numbers yourself; a checker says whether you are
# right and, if not, where to look.

# %%
# Setup: quiet warnings so that the output below is the lesson's own.
import warnings

warnings.filterwarnings("ignore")
# %matplotlib inline
import numpy as np

np.set_printoptions(precision=4, suppress=True)

from gmm_viz import datasets, exercises, plotting, worked
from gmm_viz.questions import em_by_hand as ask
from gmm_viz.widgets import EMExplorer

# %% [markdown]
# ## The data and the start
#
# Five numbers, two components. The notes start from means 1 and 2, variances 2 and 2 and
# equal weights 0.5 and 0.5.

# %%
toy = datasets.toy()
print("data:", toy.X.ravel())
print("start: weights", toy.start["weights"], " means", toy.start["means"].ravel(),
      " variances", toy.start["covariances"].ravel())

# %% [markdown]
# `worked.solve` runs EM from this start and keeps every number of the hand calculation. Here
# is the start it begins from: two wide Gaussians, each with half the weight, over the five
# points (the ticks under the axis).

# %%
start = toy.start
solution = worked.solve(toy.X, 2, weights=start["weights"], means=start["means"],
                        covariances=start["covariances"], iterations=1)
plotting.step_strip(toy.X, solution.history, steps=[0], columns=toy.columns)

# %% [markdown]
# ## The E-step: who is responsible for each point?
#
# Before any formula: point 4 is $x = 2.4$. Component 1 sits at 1, component 2 at 2, both with
# variance 2 and weight 0.5. Which one takes the larger share of it?

# %%
ask.nearer_mean_wins(toy.X, toy.start, point=4)

# %% [markdown]
# The rule behind it:
#
# For each point $x_n$ and component $k$: the normal density $\mathcal{N}(x_n \mid k)$, the
# weighted density $\alpha_k \mathcal{N}(x_n \mid k)$, and the responsibility
#
# $$\beta_{nk} = \frac{\alpha_k\, \mathcal{N}(x_n \mid \mu_k, \sigma_k^2)}
# {\sum_j \alpha_j\, \mathcal{N}(x_n \mid \mu_j, \sigma_j^2)}.$$
#
# ### Exercise 1: a responsibility by hand
#
# Compute $\beta_{5,2}$, the share of component 2 in point 5 ($x = 1.8$), at the start
# (means 1 and 2, variances 2 and 2, weights 0.5 and 0.5). Use a calculator, keep three
# decimals, and put your number in `my_answer`; the table after the solution shows all of them.

# %%
my_answer = None  # replace None with your number
exercises.check_responsibility(my_answer, toy.X, toy.start, point=5, component=2)

# %% [markdown]
# <details><summary>Solution</summary>
#
# $\mathcal{N}(1.8 \mid 1, 2) = \frac{1}{\sqrt{4\pi}} e^{-0.8^2/4} = 0.2821 \cdot 0.8521
# = 0.2404$ and $\mathcal{N}(1.8 \mid 2, 2) = 0.2821 \cdot e^{-0.2^2/4} = 0.2821 \cdot 0.9900
# = 0.2793$. With equal weights they cancel:
# $\beta_{5,2} = 0.2793 / (0.2404 + 0.2793) = 0.537$. (0.463 is component 1's share.)
#
# </details>
#
# ### The whole table
#
# `worked.solve` kept every number of this E-step:

# %%
print(worked.e_step_text(solution, iteration=1, digits=3))

# %% [markdown]
# The last two columns are the notes' table, to the digit:
# `beta 1: [0.574, 0.599, 0.537, 0.389, 0.463]` and
# `beta 2: [0.426, 0.401, 0.463, 0.611, 0.537]`. Each row sums to 1: every point is shared
# out between the two components. Point 4 ($x = 2.4$) leans towards component 2, whose mean
# is 2; the points near 1 lean towards component 1.
#
# ### Three small slips in the notes, kindly pointed out
#
# 1. **The densities.** The notes print `g1: [0.398, 0.390, 0.395, 0.244, 0.340]`. The normal
#    density at variance 2 peaks at $1/\sqrt{2\pi\cdot 2} \approx 0.282$, not 0.399: the
#    notes dropped the $1/\sigma$ factor. It does no harm *here* because both variances are
#    2, so the factor cancels in $\beta$; with unequal variances it would not. The table above
#    shows the true densities; multiplied by $\sigma = \sqrt 2$ they give the notes' numbers:

# %%
first = solution.iterations[0].e_step
print("true densities, component 1:      ", np.round(first.densities[:, 0], 3))
print("times sigma = sqrt(2) (the notes):", np.round(first.densities[:, 0] * np.sqrt(2), 3))

# %% [markdown]
# 2. **"sigma" is the variance.** The notes print `new sigma1: 0.351…`; that number is the
#    new *variance* $\sigma_1^2$ (the standard deviation would be $\sqrt{0.351} = 0.592$).
# 3. **The weight update is part of the M-step.** The notes label the new $\alpha$ as an
#    "E-step". Updating the weights $\alpha_k = N_k / N$ is a maximisation like the means and
#    variances; the E-step only computes responsibilities.
#
# ## The M-step: move the Gaussians
#
# Component 1 starts at mean 1. Its responsibilities are largest for the points 0.7, 0.9 and
# 1.2, but it also holds 39-46 % of 1.8 and 2.4. Where will its mean move?

# %%
ask.new_mean_of_component_1(solution)

# %% [markdown]
# Each component's new parameters use the responsibilities as weights:
# $N_k = \sum_n \beta_{nk}$ (how many points it has, softly counted),
# $\alpha_k = N_k / N$, $\mu_k = \sum_n \beta_{nk} x_n / N_k$ and
# $\sigma_k^2 = \sum_n \beta_{nk} (x_n - \mu_k)^2 / N_k$.
#
# ### Exercise 2: the soft count, weight and mean of component 2
#
# Before the engine prints them: using the responsibilities $\beta_{n2}$ of the table above
# (0.426, 0.401, 0.463, 0.611, 0.537), compute component 2's soft count $N_2$, its new
# weight $\alpha_2$ and its new mean $\mu_2$, to three decimals.

# %%
responsibilities = solution.iterations[0].e_step.responsibilities
my_count = None  # N_2: replace None with your number
exercises.check_m_step_count(my_count, toy.X, responsibilities, component=2)

# %%
my_weight = None  # alpha_2: replace None with your number
exercises.check_m_step_weight(my_weight, toy.X, responsibilities, component=2)

# %%
my_mean = None  # mu_2: replace None with your number
exercises.check_m_step_mean(my_mean, toy.X, responsibilities, component=2)

# %% [markdown]
# <details><summary>Solution</summary>
#
# $N_2 = 0.426 + 0.401 + 0.463 + 0.611 + 0.537 = 2.4375$, so $\alpha_2 = N_2 / 5 = 0.4875$.
# $\sum_n \beta_{n2} x_n = 0.426 \cdot 0.9 + 0.401 \cdot 0.7 + 0.463 \cdot 1.2 + 0.611 \cdot
# 2.4 + 0.537 \cdot 1.8 = 3.652$, so $\mu_2 = 3.652 / 2.4375 = 1.498$. (1.4 is the plain
# average of the five points: it forgets the responsibilities.)
#
# </details>
#
# ### The engine's M-step, with the numbers

# %%
print(worked.m_step_text(solution, iteration=1, digits=6))

# %% [markdown]
# These are the notes' results: `new mu1, new sigma1: 1.3065753725700628 0.3510142879511143`,
# `new mu2, new sigma2: 1.4982149218892322 0.408060269961259` and
# `new alpha 1: 0.5124981885949778`. To every printed digit:

# %%
new = solution.final
print("means    ", [float(m) for m in new.means.ravel()])
print("variances", [float(v) for v in new.full_covariances().ravel()])
print("weights  ", [float(w) for w in new.weights])

# %% [markdown]
# ## Did it help?
#
# EM is built to raise the log-likelihood $\log L = \sum_n \log \sum_k \alpha_k
# \mathcal{N}(x_n \mid k)$, how probable the five points are under the mixture. But look at
# what just happened: the two means moved *towards each other* (1 → 1.31, 2 → 1.50).

# %%
ask.log_likelihood_after_one_iteration(solution)

# %%
print(f"log-likelihood at the start: {solution.initial_log_likelihood:.6f}")
print(f"after one iteration:         {solution.final_log_likelihood:.6f}")

# %% [markdown]
# ## Step through the whole run
#
# The explorer below starts from the same place. Drag the **half-step** slider (or click
# in it and use the arrow keys, or press play): half-step 1 is the E-step above, half-step 2
# the M-step. The table on the right shows the responsibilities; *Show your work* writes the
# formulas with the numbers for the point and component you choose.

# %%
# NBVAL_IGNORE_OUTPUT
explorer = EMExplorer("toy")
explorer

# %% [markdown]
# The explorer waits at the start for you. Where does the run end? Its history knows:

# %%
run = explorer.history
final = run.params(-1)
print(f"{run.n_steps - 1} half-steps, converged: {run.converged}")
print("means", final.means.ravel(), " variances", final.covariances.ravel(), " weights", final.weights)
print(f"log-likelihood {run.log_likelihoods()[-1]:.4f}")

# %% [markdown]
# ## The whole run on one page
#
# The explorer moves; a page does not. Here is the same run as a strip, left to right: the
# start, the first E-step (each point becomes a small pie of its shares, the curves stay), the first M-step
# (the curves move; the dashed ghosts and the arrows show from where), a later M-step, and
# the last one. Read the titles: the log-likelihood climbs at every M-step.

# %%
plotting.step_strip(toy.X, explorer.history, steps=[0, 1, 2, 6, -1], columns=toy.columns)

# %% [markdown]
# The two components end up splitting the data: one takes the three points near 1, the other
# the two larger points — which is what your eye would do, reached by soft steps, each one
# raising the log-likelihood (in the panels' titles).
#
# **Try it:** change the start (*Model and start* → *Start*: k-means or random points) and
# see whether EM ends in the same place. Lesson 4 is about when it doesn't.

# %% [markdown]
# ## What to remember
#
# * The **E-step** shares every point out: $\beta_{nk} \propto \alpha_k \mathcal{N}(x_n \mid
#   \mu_k, \sigma_k^2)$, normalised so each row adds up to 1. Nearer and heavier components
#   get more; nobody gets everything.
# * The **M-step** is a weighted version of what you would do with labels:
#   $\alpha_k = N_k / N$, $\mu_k$ the $\beta$-weighted mean, $\sigma_k^2$ the $\beta$-weighted
#   spread around the *new* mean.
# * Exact EM (no variance floor, as here) **never lowers** the log-likelihood from one
#   iteration to the next, and stops when it no longer moves; lesson 5 shows why, and why a
#   variance floor can make it dip.
# * Keep the $1/\sigma$ in the normal density: it cancels only when the variances are equal.
