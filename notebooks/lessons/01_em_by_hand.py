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

# %%
# Setup: quiet warnings so that the output below is the lesson's own.
import warnings

warnings.filterwarnings("ignore")
# %matplotlib inline
import numpy as np

np.set_printoptions(precision=4, suppress=True)

from gmm_viz import datasets, plotting, worked
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
# ## The E-step: who is responsible for each point?
#
# For each point $x_n$ and component $k$: the normal density $\mathcal{N}(x_n \mid k)$, the
# weighted density $\alpha_k \mathcal{N}(x_n \mid k)$, and the responsibility
#
# $$\beta_{nk} = \frac{\alpha_k\, \mathcal{N}(x_n \mid \mu_k, \sigma_k^2)}
# {\sum_j \alpha_j\, \mathcal{N}(x_n \mid \mu_j, \sigma_j^2)}.$$
#
# `worked.solve` runs EM from the given start and keeps every number of the hand calculation.

# %%
start = toy.start
solution = worked.solve(toy.X, 2, weights=start["weights"], means=start["means"],
                        covariances=start["covariances"], iterations=1)
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
# Each component's new parameters use the responsibilities as weights:
# $N_k = \sum_n \beta_{nk}$ (how many points it has, softly counted),
# $\alpha_k = N_k / N$, $\mu_k = \sum_n \beta_{nk} x_n / N_k$ and
# $\sigma_k^2 = \sum_n \beta_{nk} (x_n - \mu_k)^2 / N_k$. With the numbers:

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
# And the log-likelihood climbed, as EM guarantees it always does:

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
# Where does it end? Jump to the last half-step:

# %%
explorer.step = explorer.n_steps - 1
final = explorer.current
print(f"{explorer.n_steps - 1} half-steps ({final.iteration} iterations), converged: {explorer.history.converged}")
print("means", final.means.ravel(), " variances", final.covariances.ravel(), " weights", final.weights)
print(f"log-likelihood {final.log_likelihood:.4f}")

# %%
explorer.figure

# %% [markdown]
# ## The whole run on one page
#
# The explorer moves; a page does not. Here is the same run as a strip, left to right: the
# start, the first E-step (the points take their colours, the curves stay), the first M-step
# (the curves move; the dashed ghosts and the arrows show from where), a later M-step, and
# the last one. Read the titles: the log-likelihood never goes down.

# %%
plotting.step_strip(toy.X, explorer.history, steps=[0, 1, 2, 6, -1], columns=toy.columns)

# %% [markdown]
# The two components end up splitting the data: one takes the three points near 1, the other
# the two larger points — which is what your eye would do, reached by soft steps, each one
# raising the log-likelihood (the lower panel).
#
# **Try it:** change the start (*Model and start* → *Start*: k-means or random points) and
# see whether EM ends in the same place. Lesson 4 is about when it doesn't.
