# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Write EM yourself
#
# Five lessons watched gmm_viz run EM. Now you write it: two numpy functions, an **E-step**
# and an **M-step**, for data in any number of dimensions, each component with its own
# full covariance matrix. gmm_viz then runs *your* functions beside its own, from the same
# start, half-step by half-step, and names the first number where the two runs part: which
# half-step, which point, which component, which parameter, and by how much. When the
# numbers are those of a usual slip, it says which.
#
# ## Goal
#
# * Write the E-step in numpy, in logs (log-sum-exp), and say why a point far from every
#   component breaks the plain version.
# * State, derive and write the M-step in D dimensions: weights, means, and full
#   covariances around the *new* means.
# * Read a first-difference report and find the slip behind it.
# * Compare full, diagonal, spherical and tied covariances on 2-D data.
#
# As in every lesson: **predict** before the answer is shown, and **check** your code with
# `gmm_viz.exercises` (a hint, never the answer; a collapsible solution follows each).

# %%
# Setup: quiet warnings so that the output below is the lesson's own.
import warnings

warnings.filterwarnings("ignore")
# %matplotlib inline
import numpy as np

np.set_printoptions(precision=4, suppress=True)

from gmm_viz import datasets, exercises, plotting, student_em
from gmm_viz.em import (
    GaussianMixtureEM,
    component_densities,
    component_log_densities,
    covariance_type,
)
from gmm_viz.questions import write_em

# %% [markdown]
# ## The two functions
#
# | function | takes | returns |
# | --- | --- | --- |
# | `e_step(X, weights, means, covariances)` | data `X` (N, D), weights (K,), means (K, D), covariances (K, D, D) | responsibilities (N, K), and the log-likelihood: one number |
# | `m_step(X, responsibilities)` | data `X` (N, D), responsibilities (N, K) | weights (K,), means (K, D), covariances (K, D, D) |
#
# One-dimensional data come as an (N, 1) column, and a variance as a 1 x 1 matrix, so one
# code serves every D.
#
# ## The E-step, in logs
#
# The E-step shares each point out among the components,
#
# $$\beta_{nk} = \frac{\alpha_k\, \mathcal{N}(x_n \mid \mu_k, \Sigma_k)}
# {\sum_j \alpha_j\, \mathcal{N}(x_n \mid \mu_j, \Sigma_j)}, \qquad
# \log L = \sum_n \log \sum_k \alpha_k\, \mathcal{N}(x_n \mid \mu_k, \Sigma_k),$$
#
# with the normal density in D dimensions, best written as its logarithm:
#
# $$\log \mathcal{N}(x \mid \mu, \Sigma) = -\tfrac12 \left[ D \log 2\pi + \log|\Sigma|
# + (x - \mu)^\top \Sigma^{-1} (x - \mu) \right].$$
#
# The plain way: `np.exp` each density, weigh, add, divide. On the five toy points of
# lesson 1 it works. Now add a sixth point, $x = 60$, far to the right of both components
# (means 1 and 2, variances 2).

# %%
toy = datasets.toy()
far = np.vstack([toy.X, [[60.0]]])
write_em.far_point(far, toy.start, point=6)

# %% [markdown]
# The densities of point 6, as logarithms and as numbers:

# %%
print("log N(x_6 | k):", component_log_densities(far, toy.start)[5])
print("    N(x_6 | k):", component_densities(far, toy.start)[5])

# %% [markdown]
# The logarithms are ordinary numbers; the densities are not: $e^{-840}$ is far below the
# smallest positive float64 (about $10^{-308}$), so both are exactly 0, and $0/0$ is `nan`.
# The cure is to stay in logs. With $a_{nk} = \log \alpha_k + \log \mathcal{N}(x_n \mid k)$
# and $m_n = \max_k a_{nk}$,
#
# $$\log \sum_k e^{a_{nk}} = m_n + \log \sum_k e^{a_{nk} - m_n}
# \qquad \text{(log-sum-exp)},$$
#
# and every exponent $a_{nk} - m_n$ is at most 0, with one of them exactly 0: the sum is
# at least 1, never 0. Then $\beta_{nk} = e^{a_{nk} - \log \sum_j e^{a_{nj}}}$ and
# $\log L = \sum_n \log \sum_k e^{a_{nk}}$.
#
# ## A classmate's E-step
#
# A classmate wrote the E-step below. It reads well, but it has a slip beside the missing
# log-sum-exp. gmm_viz runs it on Old Faithful (2-D, from its deliberately wrong start)
# beside the reference; the engine's own M-step makes the other half-steps.

# %%
# student code: a classmate's E-step (in your own functions numpy's exp and log are yours)
def classmate_e_step(X, weights, means, covariances):
    N, D = X.shape
    dens = np.empty((N, len(weights)))
    for k in range(len(weights)):
        diff = X - means[k]
        maha = np.sum(diff @ np.linalg.inv(covariances[k]) * diff, axis=1)
        dens[:, k] = np.exp(-0.5 * maha) / np.sqrt((2 * np.pi) ** D * np.linalg.det(covariances[k]))
    total = dens.sum(axis=1, keepdims=True)
    return dens / total, float(np.log(total).sum())


# %%
faithful = datasets.faithful()
classmate = student_em.run_beside_reference(
    classmate_e_step, None, faithful.X, faithful.start, iterations=4
)
write_em.first_differing_responsibilities(classmate)

# %% [markdown]
# gmm_viz compares every half-step with the engine's from the **same inputs**, and
# reports the first number that differs:

# %%
classmate

# %%
plotting.compare_strip(faithful.X, {"classmate": classmate.history, "reference": classmate.reference},
                       steps=[0, 1, 2, 8], columns=faithful.columns)

# %% [markdown]
# The record behind the sentence:

# %%
d = classmate.difference
print(f"half-step {d.step} ({d.phase}-step), {d.parameter}: "
      f"theirs {d.theirs:.4f}, reference {d.reference:.4f}, {d.gap:.4f} apart")
print(f"N log 2 = {len(faithful.X) * np.log(2):.4f}")

# %% [markdown]
# Every weight is 0.5 at the start, so each point's sum is half of the classmate's: their
# log-likelihood is too high by exactly $N \log 2$, while the responsibilities agree (a
# common factor cancels in the ratio). From E-step 2 on the weights differ and so do the
# responsibilities. In the strip you can hardly see it: on these data the slip moves the
# ellipses only a little (compare the log-likelihoods of the last panels, the engine's for
# each row's parameters). A picture alone does not catch such a slip; the comparison does.
# And it reports a difference where it *starts*: everything after it is its echo.
#
# The checker of the exercises below tries three cases, easiest first: the five toy
# points, three 2-D clusters of unequal weights, and the toy points with the far sixth.

# %%
exercises.check_e_step(classmate_e_step)

# %% [markdown]
# <details><summary>What the classmate should change</summary>
#
# Two things. Weigh each density by its component's weight, $\alpha_k \mathcal{N}(x_n
# \mid k)$, in the responsibilities and in the log-likelihood. And work in logs: with the
# weights mended, the checker would move on to its third case and find `nan` at the far
# point (it says "point 6 is far from every component"). Exercise 1 does both.
#
# </details>
#
# ### Exercise 1: your E-step
#
# Write `my_e_step` in the cell below, in logs: compute
# $a_{nk} = \log \alpha_k + \log \mathcal{N}(x_n \mid \mu_k, \Sigma_k)$ for every point and
# component, then log-sum-exp along each row. Useful: `np.linalg.slogdet` (the log of a
# determinant), `np.linalg.solve` or `np.linalg.inv`, `keepdims=True`. Run the cell, then
# the check.

# %%
# student code: your E-step (numpy's exp and log are yours to use here)
def my_e_step(X, weights, means, covariances):
    """Responsibilities (N, K) and the log-likelihood (one number) of the mixture."""
    raise NotImplementedError  # replace this line with your E-step


# %%
exercises.check_e_step(my_e_step)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# # student code: a solution
# def my_e_step(X, weights, means, covariances):
#     """Responsibilities (N, K) and the log-likelihood (one number) of the mixture."""
#     N, D = X.shape
#     K = len(weights)
#     log_w_dens = np.empty((N, K))  # a_nk = log(alpha_k N(x_n | k))
#     for k in range(K):
#         diff = X - means[k]
#         maha = np.sum(diff * np.linalg.solve(covariances[k], diff.T).T, axis=1)
#         log_det = np.linalg.slogdet(covariances[k])[1]
#         log_w_dens[:, k] = np.log(weights[k]) - 0.5 * (D * np.log(2 * np.pi) + log_det + maha)
#     top = log_w_dens.max(axis=1, keepdims=True)  # log-sum-exp: shift by the largest
#     log_norm = top + np.log(np.exp(log_w_dens - top).sum(axis=1, keepdims=True))
#     return np.exp(log_w_dens - log_norm), float(log_norm.sum())
# ```
#
# `np.linalg.solve(S, diff.T)` is $\Sigma_k^{-1} (x_n - \mu_k)$ for every point at once,
# without forming the inverse; `slogdet` gives $\log|\Sigma_k|$ without overflowing.
#
# </details>
#
# ## The M-step in D dimensions
#
# With $N_k = \sum_n \beta_{nk}$, the soft count of component $k$:
#
# $$\alpha_k = \frac{N_k}{N}, \qquad
# \mu_k = \frac{1}{N_k} \sum_n \beta_{nk}\, x_n, \qquad
# \Sigma_k = \frac{1}{N_k} \sum_n \beta_{nk}\, (x_n - \mu_k)(x_n - \mu_k)^\top,$$
#
# where $\mu_k$ in $\Sigma_k$ is the **new** mean, the one just computed. In 1-D these are
# lesson 1's formulas ($\sigma_k^2$ is the 1 x 1 $\Sigma_k$).
#
# **Why.** The M-step maximises the expected complete-data log-likelihood, the
# responsibilities held still (lesson 5):
#
# $$Q = \sum_n \sum_k \beta_{nk} \left[ \log \alpha_k - \tfrac12 \log|\Sigma_k|
# - \tfrac12 (x_n - \mu_k)^\top \Sigma_k^{-1} (x_n - \mu_k) \right] + \text{const}.$$
#
# * **Means.** $\partial Q / \partial \mu_k = \Sigma_k^{-1} \sum_n \beta_{nk} (x_n - \mu_k)
#   = 0$, so $\sum_n \beta_{nk} x_n = N_k \mu_k$.
# * **Covariances.** In the precision $\Lambda_k = \Sigma_k^{-1}$, $Q$ holds
#   $\tfrac12 N_k \log|\Lambda_k| - \tfrac12 \sum_n \beta_{nk} (x_n - \mu_k)^\top \Lambda_k
#   (x_n - \mu_k)$, whose gradient is $\tfrac12 N_k \Lambda_k^{-1} - \tfrac12 \sum_n
#   \beta_{nk} (x_n - \mu_k)(x_n - \mu_k)^\top$ (using $\partial \log|\Lambda| / \partial
#   \Lambda = \Lambda^{-1}$ and $\partial\, a^\top \Lambda a / \partial \Lambda = a a^\top$).
#   Zero gives $\Sigma_k$ above, at the maximising $\mu_k$: the new mean (its condition
#   does not involve $\Sigma_k$, so it is solved first).
# * **Weights** add up to 1: maximise $\sum_k N_k \log \alpha_k + \lambda (1 - \sum_k
#   \alpha_k)$. Then $N_k / \alpha_k = \lambda$, so $\alpha_k = N_k / \lambda$, and summing
#   over $k$ gives $\lambda = \sum_k N_k = N$.
#
# A second classmate divides the covariance by $N$ instead of $N_k$ (and gets the weights
# and means right). What does that do to the numbers?

# %%
first_responsibilities = classmate.reference.responsibilities(1, faithful.X)
write_em.covariance_divided_by_n(faithful.X, first_responsibilities, component=1)

# %% [markdown]
# ### Exercise 2: your M-step
#
# Write `my_m_step`: the soft counts, then the weights, the means, and each component's
# covariance around its new mean. Useful: `responsibilities.T @ X` (every weighted sum at
# once), and `(responsibilities[:, k, None] * diff).T @ diff` for
# $\sum_n \beta_{nk} (x_n - \mu_k)(x_n - \mu_k)^\top$.

# %%
# student code: your M-step
def my_m_step(X, responsibilities):
    """New weights (K,), means (K, D) and full covariances (K, D, D)."""
    raise NotImplementedError  # replace this line with your M-step


# %%
exercises.check_m_step(my_m_step)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# # student code: a solution
# def my_m_step(X, responsibilities):
#     """New weights (K,), means (K, D) and full covariances (K, D, D)."""
#     N, D = X.shape
#     Nk = responsibilities.sum(axis=0)  # the soft counts N_k
#     weights = Nk / N
#     means = responsibilities.T @ X / Nk[:, None]
#     covariances = np.empty((len(Nk), D, D))
#     for k in range(len(Nk)):
#         diff = X - means[k]  # around the NEW mean
#         covariances[k] = (responsibilities[:, k, None] * diff).T @ diff / Nk[k]
#     return weights, means, covariances
# ```
#
# The usual slips, each of which the checker names: dividing by $N$ instead of $N_k$, the
# mean of the previous parameters in the covariance, only the variances (a diagonal), and
# `np.cov(..., aweights=...)` without `bias=True`.
#
# </details>
#
# ## Your run beside the reference
#
# Both your functions, four iterations on Old Faithful from its start, beside the engine's.
# Until you have written them this says so; once they are right the two rows are the same
# picture.

# %%
yours = student_em.run_beside_reference(my_e_step, my_m_step, faithful.X, faithful.start,
                                        iterations=4)
yours

# %%
plotting.compare_strip(faithful.X, {"yours": yours.history, "reference": yours.reference},
                       steps=[0, 1, 2, 8], columns=faithful.columns)

# %% [markdown]
# ## Covariance types on 2-D data
#
# Your M-step gives each component its own full covariance: a tilted ellipse, 3 numbers
# per component in 2-D. Three cheaper shapes keep less of it:
#
# * **diag** — only the variances: ellipses along the axes;
# * **spherical** — one variance per component: circles;
# * **tied** — one full covariance shared by every component (the $N_k$-weighted average
#   of the full ones).
#
# Fewer numbers fit less closely; BIC $= -2 \log L + p \ln N$ (lesson 4) weighs the two.

# %%
types = ["full", "diag", "spherical", "tied"]
fits = {t: GaussianMixtureEM(2, covariance_type=t, random_state=0).fit(faithful.X) for t in types}
write_em.lowest_bic(faithful.X, fits)

# %%
n = len(faithful.X)
for name, fit in fits.items():
    covariance_numbers = covariance_type(name).n_parameters(2, 2)  # K = 2, D = 2
    p = covariance_numbers + 2 * 2 + 1  # and 2 means of 2 numbers, 1 free weight
    print(f"{name:9}  covariance numbers {covariance_numbers}  parameters {p:2d}  "
          f"log L {fit.score(faithful.X) * n:9.2f}  BIC {fit.bic(faithful.X):8.2f}")

# %%
plotting.compare_strip(faithful.X, {t: fit.history_ for t, fit in fits.items()}, steps=[-1],
                       per_row=4, columns=faithful.columns)

# %% [markdown]
# The circles of **spherical** cannot be long in waiting time and short in eruption time
# at once (the two columns are in different units, too), so its log-likelihood is far
# behind. **diag** lines its ellipses up with the axes, though each cluster is tilted.
# **tied** and **full** are close: the two clusters have similar shapes, and sharing one
# matrix saves 3 numbers at little cost in fit.
#
# ## What to remember
#
# * **E-step in logs.** $a_{nk} = \log \alpha_k + \log \mathcal{N}(x_n \mid k)$; subtract
#   each row's largest before `np.exp` (log-sum-exp), and $\log L = \sum_n \log \sum_k
#   e^{a_{nk}}$. Without it a point far from every component is $0/0$ = `nan`.
# * **M-step in D dimensions.** $\alpha_k = N_k / N$, $\mu_k$ the $\beta$-weighted mean,
#   $\Sigma_k = \frac{1}{N_k} \sum_n \beta_{nk} (x_n - \mu_k)(x_n - \mu_k)^\top$ around the
#   **new** mean: each from a zero gradient of $Q$, the weights with a Lagrange multiplier.
# * **Compare half-step by half-step, from the same inputs**: the first number that differs
#   names the function at fault; every later difference is its echo.
# * **Covariance types** trade numbers for shape (full, tied, diag, spherical); BIC says
#   which trade the data pay for.
