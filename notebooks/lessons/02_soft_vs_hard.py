# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Soft versus hard: why EM and not just K-means?
#
# K-means gives every point to exactly **one** cluster — its nearest center. When clusters
# overlap, a point in between is forced to one side, and the centers are pulled apart by the
# points they wrongly own. EM gives each point a **share** of every cluster instead.
#
# To compare like with like we use the simplified model of the K-means-vs-EM article: every
# component has **variance 1** and **weight 1/K**, and only the **means** are learned. Its
# E-step is a soft version of K-means' assignment step, its M-step a weighted version of
# K-means' update.

# %%
# Setup: quiet warnings so that the output below is the lesson's own.
import warnings

warnings.filterwarnings("ignore")
# %matplotlib inline
import numpy as np

np.set_printoptions(precision=4, suppress=True)

from matplotlib.figure import Figure

from gmm_viz import datasets, plotting, worked
from gmm_viz.em import GaussianMixtureEM, e_step, kmeans
from gmm_viz.widgets import EMExplorer

# %% [markdown]
# ## Overlapping clusters, with a known truth
#
# 300 points drawn from exactly that model: three components with means −2, 0.5 and 3,
# variance 1, equal weights. Their bells overlap: many points could have come from either
# neighbour.

# %%
data = datasets.synthetic(n_samples=300, means=[[-2.0], [0.5], [3.0]],
                          covariances=[[[1.0]]] * 3, random_state=7)
X = data.X
print(data.n_samples, "points; true means", data.truth["means"].ravel())

# %% [markdown]
# ## The same start for both
#
# Both methods start with their centers (means) at −1, 0 and 1.

# %%
start = np.array([[-1.0], [0.0], [1.0]])
hard = kmeans(X, 3, init=start)
soft = GaussianMixtureEM(3, covariance_type="spherical", fixed=("weights", "covariances"),
                         weights_init=[1 / 3] * 3, means_init=start,
                         covariances_init=[1.0] * 3, tol=1e-8, max_iter=500).fit(X)
print("K-means centers:", np.round(hard.centers.ravel(), 3), f"after {hard.n_iter} iterations")
print("EM means:       ", np.round(soft.means_.ravel(), 3), f"after {soft.n_iter_} iterations")
print("true means:     ", data.truth["means"].ravel())

# %% [markdown]
# K-means pushed its outer centers out (−2.29 instead of −2) and its middle one down: the
# points of the overlap were each given whole to one cluster, and that biases the averages.
# EM's means land closer to the truth, because a point in the overlap counts half here and
# half there.

# %%
hard_error = np.abs(hard.centers.ravel() - data.truth["means"].ravel()).sum()
soft_error = np.abs(soft.means_.ravel() - data.truth["means"].ravel()).sum()
print(f"total distance to the true means: K-means {hard_error:.3f}, EM {soft_error:.3f}")

# %% [markdown]
# ## The responsibility table
#
# Here is the article's kind of table for the first points: one row per point, one column per
# cluster, each row summing to 1. Bold marks the largest share — what K-means would use as the
# whole answer.

# %%
from IPython.display import HTML

resp, _ = e_step(X, soft.params_)
HTML(worked.responsibility_table_html(resp, X, columns=data.columns, max_rows=8))

# %% [markdown]
# A point sitting between two clusters gets, say, 0.55 and 0.45. K-means rounds that to 1 and
# 0 — and that rounding is the bias above.
#
# ## Side by side
#
# Left, K-means' hard labels (every point wears one colour); right, EM's soft ones (a point in
# an overlap is a blend of two colours), with the three bells EM found.

# %%
fig = Figure(figsize=(12, 4), layout="constrained")
left, right = fig.subplots(1, 2)
plotting.draw_hard_assignment_1d(left, X, hard.centers, hard.labels, xlabel="x")
left.set_title("K-means: hard assignment")
plotting.draw_mixture_1d(right, X, soft.params_, responsibilities=resp, xlabel="x")
right.set_title("EM, means only: soft assignment")
fig

# %% [markdown]
# ## Step through both from the same start
#
# K-means after 0, 1 and 5 iterations, and EM after as many M-steps. Watch the centers and
# the means: both start at −1, 0, 1.

# %%
for t in (0, 1, 5):
    km = kmeans(X, 3, init=start, max_iter=t)
    step = soft.history_.params(2 * t)
    print(f"iteration {t}: K-means {np.round(km.centers.ravel(), 3)}   EM {np.round(step.means.ravel(), 3)}")

# %% [markdown]
# ## Your turn
#
# The explorer below runs the same means-only model (the **Means-only model** button sets it
# up on any data: K = 3, variances and weights held fixed). Step through it, and watch the
# colours of the points in the overlaps: they are never pure.

# %%
# NBVAL_IGNORE_OUTPUT
explorer = EMExplorer(data, 3, init_params="kmeans", covariance_type="spherical",
                      fixed=("weights", "covariances"))
explorer

# %%
explorer.step = 6
print(explorer.current.phase, explorer.current.iteration, np.round(explorer.current.means.ravel(), 3))

# %% [markdown]
# **Think about it:** the variance was fixed at 1 because the data were made that way. Untick
# *hold covariances fixed* and EM also learns how wide each bell is; K-means has no such idea.
