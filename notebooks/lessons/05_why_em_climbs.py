# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Why EM climbs
#
# In lesson 1 the log-likelihood went up at every iteration, and EM promises it always will.
# This lesson shows why. The argument fits on one page: a hidden label for every point,
# Jensen's inequality, and a lower bound that the E-step lifts to touch the log-likelihood
# and the M-step pushes up.
#
# ## Goal
#
# * Read the responsibilities $\beta_{nk}$ as a posterior: the probability that point $n$
#   came from component $k$, given the point.
# * Show that $\mathcal{L}(q, \theta)$ is a lower bound on the log-likelihood, and say which
#   half-step makes it touch and which one raises it.
# * Derive the M-step from the bound, the weights with a Lagrange multiplier.
# * Explain K-means as EM whose shared variance shrinks to zero.

# %%
# Setup: quiet warnings so that the output below is the lesson's own.
import warnings

warnings.filterwarnings("ignore")
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

np.set_printoptions(precision=4, suppress=True)

from gmm_viz import GaussianMixtureEM, datasets, exercises, plotting
from gmm_viz.em import e_step, interpolate_params, kl_gap, log_likelihood, lower_bound, make_params
from gmm_viz.widgets import EMExplorer, HardeningSlider, predict_choice, predict_number

toy = datasets.toy()
start = toy.start

# %% [markdown]
# ## A hidden label for every point
#
# The mixture tells a story in two moves: for point $n$, a hidden label $z_n$ picks
# component $k$ with probability $\alpha_k$; then $x_n$ is drawn from
# $\mathcal{N}(\mu_k, \sigma_k^2)$. So
#
# $$p(x_n, z_n = k \mid \theta) = \alpha_k\, \mathcal{N}(x_n \mid \mu_k, \sigma_k^2),
# \qquad p(x_n \mid \theta) = \sum_k \alpha_k\, \mathcal{N}(x_n \mid \mu_k, \sigma_k^2).$$
#
# We never see $z_n$. What can we say about it once we see $x_n$? Bayes' rule:
#
# $$p(z_n = k \mid x_n, \theta) = \frac{\alpha_k\, \mathcal{N}(x_n \mid k)}
# {\sum_j \alpha_j\, \mathcal{N}(x_n \mid j)} = \beta_{nk}.$$
#
# **The E-step is Bayes' rule**: the responsibilities are the posterior of the hidden label.
# (Seed `000_…` calls the normal density $\mathcal{N}(x_n \mid \mu_k)$ "the posterior"; it is
# the *likelihood* of $x_n$ under component $k$. The posterior is $\beta_{nk}$.)
#
# ## Jensen's inequality: a bound for any guess $q$
#
# Take *any* probabilities $q_{nk}$ over the components for each point (a guess of the hidden
# labels). Multiply and divide by them inside the log, and use that $\log$ is concave (the log
# of an average is at least the average of the logs, Jensen's inequality):
#
# $$\log p(x_n \mid \theta) = \log \sum_k q_{nk} \frac{p(x_n, z_n = k \mid \theta)}{q_{nk}}
# \;\ge\; \sum_k q_{nk} \log \frac{p(x_n, z_n = k \mid \theta)}{q_{nk}}.$$
#
# Summed over the points, the right-hand side is the **lower bound**
# $\mathcal{L}(q, \theta)$, and the difference is exactly a Kullback-Leibler divergence:
#
# $$\log L(\theta) = \mathcal{L}(q, \theta) + \mathrm{KL}\big(q \,\|\, p(z \mid x, \theta)\big),
# \qquad \mathrm{KL} \ge 0,\ = 0 \text{ only when } q = p(z \mid x, \theta).$$
#
# So the bound touches the log-likelihood when $q$ is the posterior, that is, when $q$ is
# what the E-step computes. Before you check it:

# %%
beta = e_step(toy.X, start)[0]
predict_number(
    "At the toy example's start, with q = the E-step's responsibilities, how big is the gap "
    "log L − L(q, θ)?",
    round(kl_gap(toy.X, beta, start), 12),  # zero up to rounding errors of 1e-15
    example=0.5,
    explain="Zero (to rounding): q is the posterior, so the KL divergence vanishes and the "
    "bound touches. Any other q leaves a gap, as the next cell shows.",
)

# %%
print(f"log L(start)                     {log_likelihood(toy.X, start):.6f}")
print(f"bound with q = the posterior     {lower_bound(toy.X, beta, start):.6f}")
halves = np.full((5, 2), 0.5)
print(f"bound with q = 0.5 for everyone  {lower_bound(toy.X, halves, start):.6f}"
      f"   (gap = KL = {kl_gap(toy.X, halves, start):.6f})")

# %% [markdown]
# ## The two half-steps on one picture
#
# From the notes' start the gaps are a few thousandths, too small to see; start instead with
# the same means and weights but narrower variances, 0.2 each. Hold $q$ at that start's
# E-step responsibilities and move $\theta$ along a path: $t = 0$ is the start, $t = 1$ the
# parameters after the first M-step (the path goes on below 0 and above 1). The M-step
# maximises $\mathcal{L}(q, \theta)$ over $\theta$ for this fixed $q$.

# %%
narrow = {"weights": [0.5, 0.5], "means": [[1.0], [2.0]], "covariances": [[[0.2]], [[0.2]]]}
run = GaussianMixtureEM(2, weights_init=narrow["weights"], means_init=narrow["means"],
                        covariances_init=narrow["covariances"], tol=0, max_iter=8).fit(toy.X)
q = e_step(toy.X, narrow)[0]
after_m1 = run.history_.params(2)
ts = np.linspace(-0.6, 1.8, 121)
path = [interpolate_params(narrow, after_m1, t) for t in ts]
log_l = np.array([log_likelihood(toy.X, p) for p in path])
bound = np.array([lower_bound(toy.X, q, p) for p in path])
peak = "t = 1 (the new parameters)" if abs(ts[bound.argmax()] - 1) < 0.05 else "elsewhere"
predict_choice(
    "Along this path, where does the bound L(q, θ) peak?",
    ["t = 0 (the start)", "t = 1 (the new parameters)", "elsewhere"],
    peak,
    example="t = 0 (the start)",
    explain="At t = 1: the M-step's weighted means, variances and weights are the maximum of "
    "the bound for this q. At t = 0 the bound only touches log L.",
)

# %%
fig, (top, gap) = plt.subplots(2, 1, figsize=(8, 5.6), sharex=True, height_ratios=[2, 1])
top.plot(ts, log_l, color="0.2", lw=2.5, label="log L(θ)")
top.plot(ts, bound, color="#009E73", lw=2.5, ls="--", label="bound L(q, θ), q fixed")
for t, name in ((0, "start: they touch"), (1, "M-step: the bound's peak,\nthe gap = KL")):
    i = np.abs(ts - t).argmin()
    top.plot([t, t], [bound[i], log_l[i]], color="#CC79A7", lw=4)
    top.annotate(name, (t, bound[i]), xytext=(-40, -42), textcoords="offset points",
                 arrowprops={"arrowstyle": "->", "color": "0.4"})
top.set_ylabel("log-likelihood")
top.legend(loc="lower center")
top.set_title("q = the responsibilities of the first E-step, held fixed")
gap.plot(ts, log_l - bound, color="#CC79A7", lw=2.5)
gap.set_ylabel("gap = KL")
gap.set_xlabel("t: 0 = start, 1 = after the first M-step")
fig.tight_layout()

# %% [markdown]
# Read it from left to right at $t = 0$ and $t = 1$:
#
# $$\log L(\theta_{\text{new}}) \;\ge\; \mathcal{L}(q, \theta_{\text{new}}) \;\ge\;
# \mathcal{L}(q, \theta_{\text{old}}) \;=\; \log L(\theta_{\text{old}}).$$
#
# The first $\ge$ is Jensen (the bound is below), the second is the M-step (it maximises
# the bound), the $=$ is the E-step (it made the bound touch). That chain is the whole proof
# that **EM never lowers the log-likelihood**. The gap at $t = 1$ is the KL divergence that
# the next E-step closes, lifting the bound to touch again at the new place.
#
# ## Every half-step of a run
#
# The engine records the bound at every half-step: `history_.lower_bound(step)`. At every
# E-step it equals the log-likelihood; at every M-step it sits between the previous
# log-likelihood and the new one.

# %%
h = run.history_
ll, lb = h.log_likelihoods(), h.lower_bounds()
print("half-step   log L       bound      gap (KL)")
for s in range(1, 9):
    print(f"{h.phase(s)}{h.iteration(s):<9} {ll[s]:.6f}  {lb[s]:.6f}  {ll[s] - lb[s]:.2e}")

# %% [markdown]
# The gaps shrink as the run settles: the right panel shows each M-step's gap on a log scale.

# %%
fig, (curve, gaps) = plt.subplots(1, 2, figsize=(11, 3.6))
art = plotting.draw_log_likelihood(curve, ll, h.n_steps - 1, whole_run=True)
plotting.set_lower_bounds(art, lb)
m_steps = np.arange(2, h.n_steps, 2)
gaps.bar(m_steps // 2, ll[m_steps] - lb[m_steps], color="#CC79A7")
gaps.set_yscale("log")
gaps.set_xlabel("iteration (its M-step)")
gaps.set_ylabel("gap = KL after the M-step")
fig.tight_layout()

# %% [markdown]
# The same view is in the explorer: tick **lower bound** beside the step buttons.
# Step with the arrow keys and watch the title: an M-step opens a gap (KL > 0), the next
# E-step closes it (KL = 0). The explorer starts at the start; the strip below shows the first
# half-steps on a page.

# %%
# NBVAL_IGNORE_OUTPUT
explorer = EMExplorer("toy")
explorer.bound_box.value = True
explorer

# %%
plotting.step_strip(toy.X, h, steps=[0, 1, 2, 3, 4], columns=toy.axis_labels)

# %% [markdown]
# ## The M-step, derived from the bound
#
# Write the bound out for one dimension. With $N_k = \sum_n q_{nk}$,
#
# $$\mathcal{L}(q, \theta) = \sum_k N_k \log \alpha_k
# + \sum_n \sum_k q_{nk} \Big[-\tfrac12 \log (2\pi\sigma_k^2)
# - \frac{(x_n - \mu_k)^2}{2\sigma_k^2}\Big] - \sum_n \sum_k q_{nk} \log q_{nk}.$$
#
# The last sum does not depend on $\theta$. Set the derivatives to zero:
#
# * **Means**: $\partial / \partial \mu_k = \sum_n q_{nk} (x_n - \mu_k) / \sigma_k^2 = 0$
#   gives $\mu_k = \sum_n q_{nk} x_n / N_k$, the weighted average.
# * **Variances**: $\partial / \partial \sigma_k^2 = \sum_n q_{nk} \big[-\frac{1}{2\sigma_k^2}
#   + \frac{(x_n - \mu_k)^2}{2\sigma_k^4}\big] = 0$ gives
#   $\sigma_k^2 = \sum_n q_{nk} (x_n - \mu_k)^2 / N_k$, around the new mean.
# * **Weights** must add up to 1, so maximise with a **Lagrange multiplier** $\lambda$:
#   $\sum_k N_k \log \alpha_k + \lambda \big(1 - \sum_k \alpha_k\big)$. Its derivative
#   $N_k / \alpha_k - \lambda = 0$ gives $\alpha_k = N_k / \lambda$; adding up over $k$,
#   $1 = \sum_k N_k / \lambda = N / \lambda$, so $\lambda = N$ and $\alpha_k = N_k / N$.
#
# ### Exercise 1: the weight from the Lagrange condition
#
# With the first E-step's responsibilities of component 1 (0.574, 0.599, 0.537, 0.389,
# 0.463), what is $\alpha_1$?

# %%
my_weight = 2.5625  # replace with yours
exercises.check_m_step_weight(my_weight, toy.X, beta, component=1)

# %% [markdown]
# <details><summary>Solution</summary>
#
# $N_1 = 0.574 + 0.599 + 0.537 + 0.389 + 0.463 = 2.5625$ (that is $N_1$, not yet the
# weight). $\lambda = N = 5$, so $\alpha_1 = 2.5625 / 5 = 0.5125$.
#
# </details>
#
# ### Exercise 2: the variance from its derivative
#
# Component 1's new mean is $\mu_1 = 1.3066$. Compute its new variance $\sigma_1^2$.

# %%
my_variance = 0.445  # replace with yours
exercises.check_m_step_variance(my_variance, toy.X, beta, component=1, previous_mean=1.0)

# %% [markdown]
# <details><summary>Solution</summary>
#
# $\sigma_1^2 = \big[0.574 (0.9 - 1.3066)^2 + 0.599 (0.7 - 1.3066)^2 + 0.537 (1.2 -
# 1.3066)^2 + 0.389 (2.4 - 1.3066)^2 + 0.463 (1.8 - 1.3066)^2\big] / 2.5625 = 0.8995 /
# 2.5625 = 0.3510$. Around the old mean 1 the same sum gives 0.4450: the derivative is zero
# at the *new* mean.
#
# </details>

# %%
climbs = np.diff(ll)
never = "no" if climbs.min() >= -1e-12 else "yes"
predict_choice(
    "Can an M-step ever lower the log-likelihood (with the exact M-step above)?",
    ["yes", "no"],
    never,
    example="yes",
    explain="No: log L(new) ≥ L(q, new) ≥ L(q, old) = log L(old). It can stay level, at a "
    f"fixed point. In this run the smallest change is {climbs.min():.2e}.",
)

# %% [markdown]
# ## K-means: EM with a variance that shrinks to zero
#
# The first article this project started from contrasts EM with K-means using a means-only
# model: equal weights, one shared variance $\sigma^2$ held fixed. Then
# $\beta_{nk} \propto \exp\big(-(x_n - \mu_k)^2 / 2\sigma^2\big)$, and as $\sigma^2 \to 0$ the
# nearest mean takes everything: the E-step becomes K-means' assignment, and the M-step's
# weighted mean becomes K-means' average of the points assigned.

# %%
narrow = make_params([0.5, 0.5], [1.0, 2.0], [0.01, 0.01])
predict_number(
    "Means held at 1 and 2, shared variance 0.01: what is component 1's responsibility for "
    "x = 1.4?",
    e_step([[1.4]], narrow)[0][0, 0],
    example=0.6,
    explain="Almost exactly 1: 1.4 is nearer to 1, and with so small a variance the nearer "
    "mean takes everything, as K-means would.",
)

# %% [markdown]
# Drag the slider from 1 down to 0.01: the curves $\beta_k(x)$ steepen into the dashed
# 0-or-1 lines of K-means. The strip after it shows four positions for a page without a
# kernel.

# %%
# NBVAL_IGNORE_OUTPUT
HardeningSlider(toy.X, [1.0, 2.0])

# %%
plotting.hardening_strip(toy.X, [1.0, 2.0], variances=[1.0, 0.3, 0.1, 0.01])

# %% [markdown]
# ## What to remember
#
# * The responsibilities are the **posterior** of a hidden label: the E-step is Bayes' rule.
# * For any $q$, $\log L(\theta) = \mathcal{L}(q, \theta) + \mathrm{KL}(q \,\|\, p(z \mid x,
#   \theta))$: the bound is below, and touches when $q$ is the posterior.
# * **E-step**: make the bound touch (KL = 0). **M-step**: maximise the bound over $\theta$
#   (weighted means and variances; $\alpha_k = N_k / N$ from a Lagrange multiplier). So
#   $\log L$ never goes down.
# * **K-means** is the limit of EM with equal weights and a shared variance going to 0: soft
#   shares harden into nearest-mean labels.
