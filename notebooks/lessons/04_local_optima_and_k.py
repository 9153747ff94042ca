# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Local optima, choosing K, and collapse
#
# EM always climbs, but it climbs the hill it starts on: the objective is not convex, so a
# different start can end on a different, lower peak. This lesson shows it, shows how to
# choose the number of components, and shows the one way EM can "win" too much.

# %%
# Setup: quiet warnings so that the output below is the lesson's own.
import warnings

warnings.filterwarnings("ignore")
# %matplotlib inline
import numpy as np

np.set_printoptions(precision=4, suppress=True)

from gmm_viz import datasets
from gmm_viz.em import GaussianMixtureEM
from gmm_viz.widgets import EMExplorer

# %% [markdown]
# ## Ten starts, several answers
#
# Four components on the galaxy velocities, each run started from four random data points.

# %%
X = datasets.galaxies().X
runs = []
for seed in range(10):
    run = GaussianMixtureEM(4, init_params="random_from_data", random_state=seed,
                            tol=1e-8, max_iter=500).fit(X)
    runs.append((run.score(X) * len(X), seed, np.sort(run.means_.ravel())))
for loglik, seed, means in sorted(runs, key=lambda r: r[0], reverse=True):
    print(f"seed {seed}: log-likelihood {loglik:9.2f}   means {np.round(means, -1)}")

# %% [markdown]
# The same data, the same model, different answers: a run can get stuck with two components
# sharing one bump while another bump goes unexplained. The remedy is simple: try several
# starts and keep the best (`n_init=10`).

# %%
best = GaussianMixtureEM(4, init_params="random_from_data", n_init=10, random_state=0,
                         tol=1e-8, max_iter=500).fit(X)
print(f"best of 10 starts: log-likelihood {best.score(X) * len(X):.2f}")

# %% [markdown]
# ## Choosing K with BIC and AIC
#
# More components always fit at least as well, so the log-likelihood alone can't choose $K$.
# BIC and AIC charge for every parameter (lower is better); BIC charges more. On Old Faithful
# (2-D):

# %%
F = datasets.faithful().X
print(" K      BIC      AIC")
for k in range(1, 7):
    fit = GaussianMixtureEM(k, n_init=5, random_state=0, tol=1e-6, max_iter=500).fit(F)
    print(f"{k:2d} {fit.bic(F):8.1f} {fit.aic(F):8.1f}")

# %% [markdown]
# BIC is lowest at $K = 2$: two kinds of eruption, as the geyser's physics suggests. AIC keeps
# falling a little longer — it penalises less and tends to pick more components.
#
# ## Collapse: when a Gaussian swallows one point
#
# Start a narrow component on a single point of the toy data. The M-step shrinks it around
# that point; its variance heads for zero and its density — and so the likelihood — for
# infinity. That is not a better model, it is a degenerate one.

# %%
toy = datasets.toy().X
narrow_start = dict(weights_init=[0.8, 0.2], means_init=[[1.2], [2.4]],
                    covariances_init=[0.5, 0.05], max_iter=30, tol=0)
for reg in (0.0, 0.05):
    fit = GaussianMixtureEM(2, reg_covar=reg, **narrow_start).fit(toy)
    final = fit.history_.log_likelihood(fit.history_.n_steps - 1)
    variances = ", ".join(f"{v:.3g}" for v in fit.covariances_.ravel())
    print(f"reg_covar={reg}: variances {variances}, log-likelihood {final:.3g}")

# %% [markdown]
# Without help, component 2's variance falls to about $10^{-21}$ (the engine stops it just
# short of zero and says so). The history explains what happened in words:

# %%
collapsed = GaussianMixtureEM(2, reg_covar=0.0, **narrow_start).fit(toy)
print(collapsed.history_.notes()[0])

# %% [markdown]
# `reg_covar` adds a small amount to every variance after each M-step, a floor the variance
# can't go below; with 0.05 both components stay honest Gaussians. Fewer components or
# another start help too. See it happen, step by step:

# %%
# NBVAL_IGNORE_OUTPUT
explorer = EMExplorer(toy, 2, init_params="random_from_data", random_state=3, reg_covar=0.0)
explorer

# %% [markdown]
# **Try it:** in the explorer, set *reg_covar* to 0.1 and step again; or pick another seed
# and see EM find a different peak.
