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
# In lesson 1 the log-likelihood went up at every iteration. This lesson shows why exact EM
# can never lower it, and what a variance floor changes. The argument fits on one page: a
# hidden label for every point, Jensen's inequality, and a lower bound that the E-step lifts
# to touch the log-likelihood and the M-step pushes up.
#
# Two letters that look alike mean different things here: $\ell(\theta) = \log p(x \mid
# \theta)$ is the **log-likelihood** (a small script l), and $\mathcal{L}(q, \theta)$ is the
# **lower bound** on it (a calligraphic L).
#
# ## Goal
#
# * Read the responsibilities $\beta_{nk}$ as a posterior: the probability that point $n$
#   came from component $k$, given the point.
# * Define the KL divergence, derive $\ell(\theta) = \mathcal{L}(q, \theta) +
#   \mathrm{KL}(q \,\|\, p(z \mid x, \theta))$, and say which half-step makes the bound touch
#   and which one raises it (and why the E-step is an *Expectation*).
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
from gmm_viz.em import e_step, interpolate_params, kl_gap, log_likelihood, lower_bound
from gmm_viz.questions import why_em_climbs as ask
from gmm_viz.widgets import EMExplorer, HardeningSlider

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
# (The K-means article this project started from calls the normal density
# $\mathcal{N}(x_n \mid \mu_k)$ "the probability density function of the posterior
# distribution"; it is the *likelihood* of $x_n$ under component $k$. The posterior is
# $\beta_{nk}$.)
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
# $\mathcal{L}(q, \theta) = \sum_n \sum_k q_{nk} \log \frac{p(x_n, z_n = k \mid
# \theta)}{q_{nk}}$, so $\ell(\theta) \ge \mathcal{L}(q, \theta)$ for every $q$. It is known
# as the **ELBO**, the *evidence lower bound*: the "evidence" is $p(x \mid \theta)$.
#
# ### How far below? The Kullback-Leibler divergence
#
# The **KL divergence** of one distribution $q$ over the components from another, $p$, is
#
# $$\mathrm{KL}(q \,\|\, p) = \sum_k q_k \log \frac{q_k}{p_k} \;\ge\; 0,$$
#
# zero only when $q = p$ (Jensen again: $-\mathrm{KL} = \sum_k q_k \log \frac{p_k}{q_k} \le
# \log \sum_k q_k \frac{p_k}{q_k} = \log 1 = 0$). It measures how far $q$ is from $p$,
# though not symmetrically. The gap between $\ell$ and $\mathcal{L}$ is exactly one, in two
# lines. Write $p(x_n, z_n = k \mid \theta) = p(z_n = k \mid x_n, \theta)\, p(x_n \mid
# \theta)$ inside the bound and use $\sum_k q_{nk} = 1$:
#
# $$\mathcal{L}(q, \theta) = \sum_n \sum_k q_{nk} \log p(x_n \mid \theta)
# + \sum_n \sum_k q_{nk} \log \frac{p(z_n = k \mid x_n, \theta)}{q_{nk}}
# = \ell(\theta) - \sum_n \mathrm{KL}\big(q_n \,\|\, p(z_n \mid x_n, \theta)\big).$$
#
# $$\boxed{\;\ell(\theta) = \mathcal{L}(q, \theta) + \mathrm{KL}\big(q \,\|\, p(z \mid x,
# \theta)\big)\;}, \qquad \mathrm{KL} \ge 0,\ = 0 \text{ only when } q = p(z \mid x,
# \theta).$$
#
# So the bound touches the log-likelihood when $q$ is the posterior, that is, when $q$ is
# what the E-step computes. Before you check it:

# %%
ask.gap_at_the_posterior(toy.X, start)

# %%
beta = e_step(toy.X, start)[0]
print(f"ℓ(start), the log-likelihood     {log_likelihood(toy.X, start):.6f}")
print(f"𝓛 with q = the posterior         {lower_bound(toy.X, beta, start):.6f}")
halves = np.full((5, 2), 0.5)
print(f"𝓛 with q = 0.5 for everyone      {lower_bound(toy.X, halves, start):.6f}"
      f"   (gap = KL = {kl_gap(toy.X, halves, start):.6f})")

# %% [markdown]
# ## The two half-steps on one picture
#
# From the worked example's start (variances 2) the gaps are a few thousandths, too small to
# see; start instead with the same means and weights but narrower variances, 0.2 each, and
# run exact EM (`reg_covar=0`, no floor under the variances). Hold $q$ at that start's
# E-step responsibilities and move $\theta$ along a path: $t = 0$ is the start, $t = 1$ the
# parameters after the first M-step (the path goes on below 0 and above 1). The M-step
# maximises $\mathcal{L}(q, \theta)$ over $\theta$ for this fixed $q$.

# %%
narrow = {"weights": [0.5, 0.5], "means": [[1.0], [2.0]], "covariances": [[[0.2]], [[0.2]]]}
run = GaussianMixtureEM(2, weights_init=narrow["weights"], means_init=narrow["means"],
                        covariances_init=narrow["covariances"], reg_covar=0.0, tol=0,
                        max_iter=8).fit(toy.X)
q = e_step(toy.X, narrow)[0]
after_m1 = run.history_.params(2)
ts = np.linspace(-0.6, 1.8, 121)
path = [interpolate_params(narrow, after_m1, t) for t in ts]
log_l = np.array([log_likelihood(toy.X, p) for p in path])
bound = np.array([lower_bound(toy.X, q, p) for p in path])
ask.where_the_bound_peaks(ts, bound)

# %%
fig, (top, gap) = plt.subplots(2, 1, figsize=(8, 5.6), sharex=True, height_ratios=[2, 1])
top.plot(ts, log_l, color="0.2", lw=2.5, label=r"$\ell(\theta)$, the log-likelihood")
top.plot(ts, bound, color="#009E73", lw=2.5, ls="--", label=r"$\mathcal{L}(q, \theta)$, the bound, q fixed")
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
# $$\ell(\theta_{\text{new}}) \;\ge\; \mathcal{L}(q, \theta_{\text{new}}) \;\ge\;
# \mathcal{L}(q, \theta_{\text{old}}) \;=\; \ell(\theta_{\text{old}}).$$
#
# The first $\ge$ is Jensen (the bound is below), the second is the M-step (it maximises
# the bound), the $=$ is the E-step (it made the bound touch). That chain is the whole proof
# that **exact EM never lowers the log-likelihood**. The gap at $t = 1$ is the KL divergence
# that the next E-step closes, lifting the bound to touch again at the new place.
#
# ### Why the E-step is an *Expectation*
#
# Split the bound at the E-step's $q_{nk} = p(z_n = k \mid x_n, \theta_{\text{old}})$:
#
# $$\mathcal{L}(q, \theta) = \underbrace{\sum_n \sum_k q_{nk} \log p(x_n, z_n = k \mid
# \theta)}_{Q(\theta,\, \theta_{\text{old}})} \;-\; \underbrace{\sum_n \sum_k q_{nk}
# \log q_{nk}}_{\text{does not depend on } \theta}.$$
#
# $Q(\theta, \theta_{\text{old}}) = \mathbb{E}_{z \sim p(z \mid x, \theta_{\text{old}})}
# \big[\log p(x, z \mid \theta)\big]$ is the **expected complete-data log-likelihood**: the
# log-likelihood we could maximise easily if we knew the labels $z$ (each component would
# fit its own points), averaged over the labels we do not know, weighted by their posterior.
# The E-step computes what this expectation needs, the posterior $\beta_{nk}$; the M-step
# maximises $Q$ over $\theta$, which is the same as maximising $\mathcal{L}$. Hence the
# names: **E**xpectation, then **M**aximisation.
#
# Nothing in this argument used Gaussians until the M-step's formulas. The same two
# half-steps fit **any model with hidden variables**: hidden Markov models (the
# Baum-Welch algorithm), factor analysis, mixtures of other distributions, data with missing
# values. Compute the posterior of what is hidden, then maximise the expected complete-data
# log-likelihood; $\ell$ cannot go down.
#
# ## Every half-step of a run
#
# The engine records the bound at every half-step: `history_.lower_bound(step)`. At every
# E-step it equals the log-likelihood; at every M-step it sits between the previous
# log-likelihood and the new one.

# %%
h = run.history_
ll, lb = h.log_likelihoods(), h.lower_bounds()
print("half-step   ℓ           bound 𝓛    gap (KL)")
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
# On a page, this narrow-start run's first half-steps, with $\ell$ and the bound
# $\mathcal{L}$ in each title: at an E-step they are equal, at an M-step the bound lags.

# %%
plotting.step_strip(toy.X, h, steps=[0, 1, 2, 3, 4, 5], columns=toy.axis_labels,
                    lower_bound=True)

# %% [markdown]
# The same view is in the explorer: tick **lower bound** beside the step buttons. Step with
# the arrow keys and watch the title: an M-step opens a gap (KL > 0), the next E-step closes
# it (KL = 0). This explorer runs the worked example from its own start (variances 2), where
# the gaps are smaller.

# %%
# NBVAL_IGNORE_OUTPUT
explorer = EMExplorer("toy")
explorer.bound_box.value = True
explorer

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
my_weight = None  # replace None with your number (three decimals)
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
# Component 1's new mean is $\mu_1 = 1.3066$. Compute its new variance $\sigma_1^2$, to
# three decimals.

# %%
my_variance = None  # replace None with your number (three decimals)
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
ask.can_an_m_step_go_down(ll)

# %% [markdown]
# ## What a variance floor changes
#
# The engine (like scikit-learn) can add a floor to every variance after the M-step,
# `reg_covar`, to stop a component collapsing onto one point (lesson 4). The floored M-step
# is no longer the maximum of the bound: the middle $\ge$ of the chain, $\mathcal{L}(q,
# \theta_{\text{new}}) \ge \mathcal{L}(q, \theta_{\text{old}})$, is no longer promised, and
# the log-likelihood can go down. The same narrow start with `reg_covar=0.1`:

# %%
floored = GaussianMixtureEM(2, weights_init=narrow["weights"], means_init=narrow["means"],
                            covariances_init=narrow["covariances"], reg_covar=0.1, tol=0,
                            max_iter=6).fit(toy.X)
print("iteration   ℓ, exact EM   ℓ, reg_covar = 0.1")
for i in range(7):
    print(f"{i:9d}   {ll[2 * i]:11.4f}   {floored.history_.log_likelihood(2 * i):11.4f}")

# %% [markdown]
# With the floor, $\ell$ rises at the first M-step and then falls at every one after it: the
# floor holds the variances wider than the data want, and EM settles where the *floored*
# update stops moving, not at a maximum of $\ell$. What EM guarantees is exactly this: plain
# EM never lowers $\ell$; with a floor it climbs a slightly different objective and $\ell$
# dip: often with a large floor such as 0.1, rarely with the default $10^{-6}$.

# %% [markdown]
# ## K-means: EM with a variance that shrinks to zero
#
# The first article this project started from contrasts EM with K-means using a means-only
# model: equal weights, one shared variance $\sigma^2$ held fixed. Then
# $\beta_{nk} \propto \exp\big(-(x_n - \mu_k)^2 / 2\sigma^2\big)$, and as $\sigma^2 \to 0$ the
# nearest mean takes everything: the E-step becomes K-means' assignment, and the M-step's
# weighted mean becomes K-means' average of the points assigned.

# %%
ask.share_with_a_tiny_variance(x=1.4, means=(1.0, 2.0), variance=0.01)

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
# * For any $q$, $\ell(\theta) = \mathcal{L}(q, \theta) + \mathrm{KL}(q \,\|\, p(z \mid x,
#   \theta))$, with $\mathrm{KL}(q \| p) = \sum_k q_k \log(q_k / p_k) \ge 0$: the bound (the
#   ELBO) is below, and touches when $q$ is the posterior.
# * **E-step**: make the bound touch (KL = 0); it computes the posterior that the
#   *expected* complete-data log-likelihood $Q(\theta, \theta_{\text{old}})$ needs.
#   **M-step**: maximise the bound (equivalently $Q$) over $\theta$ (weighted means and
#   variances; $\alpha_k = N_k / N$ from a Lagrange multiplier). So exact EM never lowers
#   $\ell$; a variance floor breaks the M-step's maximum, and $\ell$ can dip.
# * The argument holds for any model with hidden variables, not only Gaussian mixtures.
# * **K-means** is the limit of EM with equal weights and a shared variance going to 0: soft
#   shares harden into nearest-mean labels.
